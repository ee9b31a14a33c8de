// The window's state as the ViewModel derives it from detector and session events.
#include <gtest/gtest.h>

#include "signaling/protocol/riot_id.hpp"
#include "ui/view_model.hpp"

namespace shotcall::ui {
namespace {

using session::DetectorState;
using session::Phase;

std::string key(const std::string& id) { return protocol::fold_riot_id(id); }

session::DetectedGame game(const std::string& team = "100") {
  session::DetectedGame g;
  g.player_riot_id = "Shotcaller#EUW";
  g.target.game_id = {"lcd-0123456789abcdef", false};
  g.target.team_id = {team, true};
  g.target.teammates = {"Shotcaller#EUW", "Ñandú#ÁÉ", "Саша#RU1"};
  g.game_mode = "CLASSIC";
  g.map_name = "Summoner's Rift";
  g.teammates = {{"Shotcaller#EUW", "Annie", "MIDDLE"},
                 {"Ñandú#ÁÉ", "Garen", "TOP"},
                 {"Саша#RU1", "Lee Sin", "JUNGLE"}};
  return g;
}

PeerLinkView link(const std::string& id, mesh::PeerPhase phase, bool in_channel = true) {
  PeerLinkView v;
  v.key = key(id);
  v.riot_id = id;
  v.in_channel = in_channel;
  v.has_link = phase != mesh::PeerPhase::Closed;
  v.phase = phase;
  return v;
}

TEST(ViewModel, WaitingThenLoadingThenInGame) {
  ViewModel vm;
  vm.set_server_url("ws://127.0.0.1:7800/ws");
  EXPECT_EQ(vm.status().headline, "Waiting for a game");
  vm.on_detector_state(DetectorState::Loading, "");
  EXPECT_EQ(vm.status().headline, "Loading into a game");
  vm.on_detector_state(DetectorState::InGame, "");
  vm.on_game(game());
  vm.on_session_started("Shotcaller#EUW");
  EXPECT_EQ(vm.status().headline, "In game on Summoner's Rift as blue side");
  EXPECT_EQ(vm.status().detail, "Connecting to the Shotcall server…");
  vm.on_link(net::LinkState::Registered, "");
  vm.on_phase(Phase::Finding, "", std::nullopt);
  EXPECT_EQ(vm.status().detail, "Looking for your team's channel…");
  vm.on_phase(Phase::Joining, "", std::nullopt);
  EXPECT_EQ(vm.status().detail, "Joining your team's channel…");
}

TEST(ViewModel, RedSideInWords) {
  ViewModel vm;
  vm.on_game(game("200"));
  EXPECT_EQ(vm.status().headline, "In game on Summoner's Rift as red side");
}

TEST(ViewModel, ConnectedWithTheTeam) {
  ViewModel vm;
  vm.on_game(game());
  vm.on_session_started("Shotcaller#EUW");
  vm.on_link(net::LinkState::Registered, "");
  EXPECT_TRUE(vm.on_phase(Phase::InChannel, "", std::string{"g_100_1"}));
  EXPECT_EQ(vm.status().detail, "In your team's channel. None of your teammates runs Shotcall yet.");
  vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Connecting)});
  EXPECT_EQ(vm.status().detail, "Connecting voice with 1 of 1 teammate…");
  vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Connected)});
  EXPECT_EQ(vm.status().detail, "Connected with 1 of 2 teammates.");
  EXPECT_EQ(vm.status().tone, Tone::Good);
  vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Connected),
                   link("Саша#RU1", mesh::PeerPhase::Connected)});
  EXPECT_EQ(vm.status().detail, "Connected with 2 of 2 teammates.");
}

// Issue 16: no microphone, the call goes on: a banner says so, the status still tells the call,
// and the teammates in the channel keep their channel state.
TEST(ViewModel, NoMicrophoneShowsABannerAndKeepsTheCall) {
  ViewModel vm;
  vm.on_game(game());
  vm.on_session_started("Shotcaller#EUW");
  EXPECT_FALSE(vm.device_banner().shown());
  const std::string words =
      "Shotcall can't open your microphone. You can still hear your team, but they can't hear "
      "you. Check that it is plugged in and not used by another program, then choose it in "
      "Preferences.";
  vm.on_microphone(false, words);
  vm.on_link(net::LinkState::Registered, "");
  vm.on_phase(Phase::InChannel, "", std::string{"g_100_1"});
  vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Connected)});
  const DeviceBanner banner = vm.device_banner();
  ASSERT_TRUE(banner.shown());
  EXPECT_EQ(banner.headline, "Listening only: your microphone can't be used");
  EXPECT_EQ(banner.detail, words);
  EXPECT_EQ(vm.status().detail, "Connected with 1 of 2 teammates.");
  const auto rows = vm.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].state_text, "Connected, no sound yet");
  EXPECT_EQ(rows[1].state_text, "Not running Shotcall");  // not in the channel we are in

  vm.on_speakers(false, "Your speakers or headset stopped working.");
  EXPECT_EQ(vm.device_banner().headline, "No microphone or speakers");
  // A new session (new devices in Preferences) tries them again.
  vm.on_session_stopped();
  EXPECT_FALSE(vm.device_banner().shown());
  vm.on_session_started("Shotcaller#EUW");
  vm.on_speakers(false, "Your speakers or headset stopped working.");
  EXPECT_EQ(vm.device_banner().headline, "Talking only: your speakers can't be used");
  // Outside the channel nobody can tell who runs Shotcall.
  for (const auto& r : vm.rows()) EXPECT_EQ(r.state_text, "Not in the call yet") << r.riot_id;
}

TEST(ViewModel, EngineSentencesAreShownAsTheyAre) {
  ViewModel vm;
  vm.on_session_error(
      "Shotcall can open neither your microphone nor your speakers, so the call cannot start. "
      "Check that they are plugged in and not used by another program, then choose them in "
      "Preferences.");
  EXPECT_EQ(vm.status().headline, "Voice could not start");
  EXPECT_EQ(vm.status().detail.find("Preferences.."), std::string::npos) << vm.status().detail;
  EXPECT_EQ(vm.status().detail.find("Pick another"), std::string::npos) << vm.status().detail;
}

TEST(ViewModel, ChannelFormedOnlyOnTheWayIn) {
  ViewModel vm;
  vm.on_session_started("Shotcaller#EUW");
  EXPECT_TRUE(vm.on_phase(Phase::InChannel, "", std::string{"c1"}));
  EXPECT_FALSE(vm.on_phase(Phase::InChannel, "", std::string{"c1"}));
  vm.on_phase(Phase::NoGame, "", std::nullopt);
  EXPECT_TRUE(vm.on_phase(Phase::InChannel, "", std::string{"c2"}));
}

TEST(ViewModel, ProblemsSayWhatToDo) {
  ViewModel vm;
  vm.set_server_url("ws://example.invalid/ws");
  vm.on_game(game());
  vm.on_session_started("Shotcaller#EUW");
  vm.on_link(net::LinkState::Failed, "connection refused");
  StatusText s = vm.status();
  EXPECT_EQ(s.tone, Tone::Warning);
  EXPECT_NE(s.detail.find("Can't reach the Shotcall server at ws://example.invalid/ws"), std::string::npos);
  EXPECT_NE(s.detail.find("Preferences"), std::string::npos);

  vm.on_link(net::LinkState::Refused, "Someone is already connected as Shotcaller#EUW");
  s = vm.status();
  EXPECT_EQ(s.headline, "The server turned you away");
  EXPECT_EQ(s.tone, Tone::Error);

  vm.on_voice_error("the microphone went away");
  s = vm.status();
  EXPECT_EQ(s.headline, "Your microphone or speakers stopped working");
  EXPECT_NE(s.detail.find("Pick another device in Preferences"), std::string::npos);

  ViewModel setup;
  setup.set_setup_problem("Enter your Riot ID (Name#TAG) in Preferences.");
  EXPECT_EQ(setup.status().headline, "Shotcall needs a setting");
  EXPECT_EQ(setup.status().detail, "Enter your Riot ID (Name#TAG) in Preferences.");

  ViewModel untrusted;
  untrusted.on_detector_state(DetectorState::Problem, "the certificate is not Riot's");
  EXPECT_EQ(untrusted.status().tone, Tone::Error);
  EXPECT_NE(untrusted.status().detail.find("the certificate is not Riot's"), std::string::npos);

  ViewModel no_voice;
  no_voice.on_session_error("cannot open the microphone");
  EXPECT_EQ(no_voice.status().headline, "Voice could not start");
}

TEST(ViewModel, ServerSideDetectionWordsItsOwnWay) {
  ViewModel vm;
  vm.set_mode(DetectionMode::Server);
  vm.on_session_started("Shotcaller#EUW");
  vm.on_link(net::LinkState::Registered, "");
  EXPECT_EQ(vm.status().detail, "Asking your Shotcall server to watch your Riot ID…");
  vm.on_watching();
  EXPECT_NE(vm.status().detail.find("watches your Riot ID"), std::string::npos);
  // Riot's lookup misses players in streamer mode (riot-data.md): the status says so.
  EXPECT_NE(vm.status().detail.find("streamer mode"), std::string::npos) << vm.status().detail;
  vm.on_phase(Phase::InChannel, "", std::string{"c"});
  EXPECT_EQ(vm.status().headline, "In game");

  ViewModel refused;
  refused.set_mode(DetectionMode::Server);
  refused.on_session_started("Shotcaller#EUW");
  refused.on_link(net::LinkState::Registered, "");
  refused.on_watch_refused("This server has no Riot API key");
  EXPECT_EQ(refused.status().headline, "Your server can't find your games");
  EXPECT_EQ(refused.status().tone, Tone::Warning);
  EXPECT_NE(refused.status().detail.find("This server has no Riot API key"), std::string::npos);
}

TEST(ViewModel, RowsComeFromTheRosterAndTheLinks) {
  ViewModel vm;
  vm.on_game(game());
  vm.on_session_started("Shotcaller#EUW");
  vm.update_links({link("Саша#RU1", mesh::PeerPhase::Connected)});
  const auto rows = vm.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].riot_id, "Ñandú#ÁÉ");
  EXPECT_FALSE(rows[0].has_shotcall);
  EXPECT_EQ(rows[1].riot_id, "Саша#RU1");
  EXPECT_TRUE(rows[1].has_shotcall);
  // Before the session knows the player, the game's own player is still left out.
  ViewModel early;
  early.on_game(game());
  EXPECT_EQ(early.rows().size(), 2u);
}

TEST(ViewModel, RememberedSettingsAreHandedOutOncePerLink) {
  ViewModel vm;
  vm.memory().load({{key("Ñandú#ÁÉ"), 0.4}}, {{key("Саша#RU1"), true}});
  vm.on_session_started("Shotcaller#EUW");
  LinkUpdate u = vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::New)});
  ASSERT_EQ(u.apply.size(), 1u);
  EXPECT_EQ(u.apply[0], (PeerSetting{key("Ñandú#ÁÉ"), 0.4, false}));
  // Later updates of the same link hand out nothing.
  u = vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Connected),
                       link("Саша#RU1", mesh::PeerPhase::Connecting)});
  ASSERT_EQ(u.apply.size(), 1u);
  EXPECT_EQ(u.apply[0], (PeerSetting{key("Саша#RU1"), 1.0, true}));
  // A link that failed and is rebuilt gets them again.
  vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Failed), link("Саша#RU1", mesh::PeerPhase::Connected)});
  u = vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Connecting), link("Саша#RU1", mesh::PeerPhase::Connected)});
  ASSERT_EQ(u.apply.size(), 1u);
  EXPECT_EQ(u.apply[0].key, key("Ñandú#ÁÉ"));
}

TEST(ViewModel, RememberedVolumesApplyInTheNextGame) {
  ViewModel vm;
  vm.on_session_started("Shotcaller#EUW");
  vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Connected)});
  vm.set_peer_volume(key("Ñandú#ÁÉ"), 1.7);
  // The game ends; the session is rebuilt for the next one, where Ñandú is a teammate again.
  vm.on_session_stopped();
  vm.on_session_started("Shotcaller#EUW");
  const LinkUpdate u = vm.update_links({link("ñandú#áé", mesh::PeerPhase::New)});
  ASSERT_EQ(u.apply.size(), 1u);
  EXPECT_DOUBLE_EQ(u.apply[0].volume, 1.7);
  // And they round-trip through what the app stores.
  PeerMemory stored;
  stored.load(vm.memory().volumes(), vm.memory().muted());
  EXPECT_DOUBLE_EQ(stored.get(key("Ñandú#ÁÉ")).volume, 1.7);
}

TEST(ViewModel, JoinsAndLeavesAreReported) {
  ViewModel vm;
  vm.on_session_started("Shotcaller#EUW");
  LinkUpdate u = vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::New)});
  ASSERT_EQ(u.changes.size(), 1u);
  EXPECT_EQ(u.changes[0], (TeammateChange{"Ñandú#ÁÉ", true}));
  u = vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Connected)});
  EXPECT_TRUE(u.changes.empty());
  u = vm.update_links({link("Ñandú#ÁÉ", mesh::PeerPhase::Closed, false)});
  ASSERT_EQ(u.changes.size(), 1u);
  EXPECT_EQ(u.changes[0], (TeammateChange{"Ñandú#ÁÉ", false}));
  // Our own entry never counts.
  u = vm.update_links({link("Shotcaller#EUW", mesh::PeerPhase::New)});
  EXPECT_TRUE(u.changes.empty());
}

TEST(ViewModel, ChatIsBoundedAndStartsEmptyInANewGame) {
  ViewModel vm;
  vm.on_game(game());
  vm.on_session_started("Shotcaller#EUW");
  vm.on_phase(Phase::InChannel, "", std::string{"c1"});
  for (int i = 0; i < 250; ++i) vm.add_chat({"Ñandú#ÁÉ", "gank " + std::to_string(i), 0, false, false});
  ASSERT_EQ(vm.chat().lines().size(), vm.chat().capacity());
  EXPECT_EQ(vm.chat().lines().front().text, "gank 50");
  EXPECT_EQ(vm.chat().lines().back().text, "gank 249");
  // The same game seen again (the detector re-reports it) keeps the chat.
  vm.on_game(game());
  EXPECT_EQ(vm.chat().lines().size(), vm.chat().capacity());
  // The game ends: the chat stays readable until the next one starts.
  vm.on_game(std::nullopt);
  EXPECT_FALSE(vm.chat().lines().empty());
  session::DetectedGame next = game();
  next.target.game_id = {"lcd-fedcba9876543210", false};
  vm.on_game(next);
  EXPECT_TRUE(vm.chat().lines().empty());
}

TEST(ChatLog, SendableText) {
  std::string t;
  EXPECT_FALSE(chat_text_sendable("   \t ", &t));
  EXPECT_TRUE(chat_text_sendable("  drag baron  ", &t));
  EXPECT_EQ(t, "drag baron");
  EXPECT_TRUE(chat_text_sendable(std::string(500, 'a'), &t));
  EXPECT_FALSE(chat_text_sendable(std::string(501, 'a'), &t));
  // 500 characters of two bytes each is still 500 characters.
  std::string cyrillic;
  for (int i = 0; i < 500; ++i) cyrillic += "ж";
  EXPECT_TRUE(chat_text_sendable(cyrillic, &t));
  EXPECT_FALSE(chat_text_sendable("\xff\xfe", &t));
}

TEST(PeerMemory, ClampsAndStoresOnlyWhatDiffers) {
  PeerMemory m;
  m.load({{"a", 9.0}, {"b", -1.0}, {"c", 1.0}}, {{"d", false}, {"e", true}});
  EXPECT_DOUBLE_EQ(m.get("a").volume, kMaxPeerVolume);
  EXPECT_DOUBLE_EQ(m.get("b").volume, 0.0);
  EXPECT_DOUBLE_EQ(m.get("zzz").volume, kDefaultPeerVolume);
  const auto volumes = m.volumes();
  EXPECT_EQ(volumes.size(), 2u);
  EXPECT_EQ(volumes.count("c"), 0u);
  const auto muted = m.muted();
  EXPECT_EQ(muted.size(), 1u);
  EXPECT_TRUE(muted.at("e"));
}

}  // namespace
}  // namespace shotcall::ui
