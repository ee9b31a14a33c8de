// The browser client's identity end to end (identity-1): its key kept across a reload, linking
// from a bound device, proven requests, the access token, and Riot verification under policy
// riot. The fixture and what it runs are in web_e2e_fixture.hpp.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "signaling/identity/base64url.hpp"
#include "signaling/identity/fingerprint.hpp"
#include "tests/riot/riot_standin.hpp"
#include "tests/support/ws_client.hpp"
#include "tests/web/web_e2e_fixture.hpp"

namespace shotcall::test {
namespace {

// Riot for a verification: the stand-in the server's verification tests use, knowing the page's
// Riot ID, and the server's flags that point it there (the key passed in the environment).
struct VerifyingRiot {
  static constexpr const char *kKey = "RGAPI-web-verify-key";
  static constexpr const char *kKeyVar = "SHOTCALL_TEST_RIOT_KEY";
  static constexpr const char *kLimits = "20:1,100:10";
  static constexpr const char *kPuuid = "puuid-web-page";
  std::unique_ptr<riot::test::RiotStandin> riot;

  static std::int64_t wall_ms() { return g_get_real_time() / 1000; }
  // Empty on success, else why not.
  std::string start(const std::string &riot_id) {
    std::string error;
    riot = riot::test::RiotStandin::start(0, &error);
    if (!riot) return error;
    riot->set_api_key(kKey);
    riot->set_rate_limits(kLimits);
    const auto hash = riot_id.find('#');
    riot->add_account(kPuuid, riot_id.substr(0, hash), riot_id.substr(hash + 1));
    riot->set_summoner(kPuuid, 3, wall_ms() - 60'000);
    return {};
  }
  std::vector<std::string> server_args() const {
    return {"--riot-api-key-env",  kKeyVar,
            "--riot-platform",     "euw1",
            "--riot-api-base",     riot->base_url(),
            "--riot-rate-limits",  kLimits,
            "--riot-verify-share", "30"};
  }
  std::map<std::string, std::string> server_env() const { return {{kKeyVar, kKey}}; }
  // Sets each round's icon in "Riot" as soon as the page shows it, as a player would in the
  // League client; the page checks by itself.
  void set_icons_shown(Page &page) {
    for (std::size_t round = 1; round <= 2; ++round) {
      ASSERT_TRUE(page.wait("event verify-challenge ", round)) << page.transcript();
      const std::string shown = page.lines("event verify-challenge ").at(round - 1);
      EXPECT_NE(shown.find("\"round\":" + std::to_string(round)), std::string::npos) << shown;
      const auto at = shown.find("\"iconId\":");
      ASSERT_NE(at, std::string::npos) << shown;
      riot->set_summoner(kPuuid, std::stoi(shown.substr(at + 9)), wall_ms() + 1000);
    }
  }
};

// identity-1 under policy riot: a team's channel is for players verified with Riot. A page that is
// not verified stays signed in when the server asks for the proof, says what to do with the focus
// on "Verify with Riot", and, once both icons are seen (Riot here is the stand-in the server's
// verification tests use; the test sets each icon as a player would in the League client), joins
// its team's channel by itself. Before, the page left on `proof-required`, and its Verify button
// then said "Join first": a browser could never get into such a server's calls.
TEST_F(WebE2e, UnderPolicyRiotAPageVerifiesWhereItIsAndThenJoins) {
  VerifyingRiot riot;
  ASSERT_EQ(riot.start(team.members()[0].riot_id), "");
  std::vector<std::string> args = riot.server_args();
  args.insert(args.end(), {"--identity", "riot"});
  ServerProcess server(args, riot.server_env());
  Page::Options o = quiet_options("verify");
  o.verify_when_asked = true;
  Page page(server, o, out);

  ASSERT_TRUE(page.wait("verify-asked ")) << page.transcript();
  const std::string asked = page.line("verify-asked ");
  EXPECT_NE(asked.find("\"focused\":\"verify-riot\""), std::string::npos) << asked;
  EXPECT_NE(asked.find("verified with Riot"), std::string::npos) << asked;
  EXPECT_NE(page.line("event server-error ").find("\"code\":\"proof-required\""), std::string::npos)
      << page.transcript();
  ASSERT_NO_FATAL_FAILURE(riot.set_icons_shown(page));
  ASSERT_TRUE(page.wait("event verified ")) << page.transcript();
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  // Signed in once, never sent away in between.
  EXPECT_EQ(page.lines("event registered ").size(), 1u) << page.transcript();
  EXPECT_TRUE(page.lines("event state {\"state\":\"error\"}").empty()) << page.transcript();
  EXPECT_TRUE(page.lines("page-error ").empty()) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

// Policy riot on a server with no Riot API key: nobody can be verified there, so the page says so
// (and who can fix it) instead of pointing the player at a verification that cannot start.
TEST_F(WebE2e, UnderPolicyRiotWithoutARiotKeyThePageSaysNobodyCanBeVerified) {
  ServerProcess server({"--identity", "riot"});
  Page page(server, quiet_options("verify-unavailable"), out);
  ASSERT_TRUE(page.wait("event state {\"state\":\"error\"}")) << page.transcript();
  EXPECT_NE(page.line("event server-error ").find("\"code\":\"proof-required\""), std::string::npos)
      << page.transcript();
  EXPECT_TRUE(page.lines("event state {\"state\":\"verify-needed\"}").empty()) << page.transcript();
  EXPECT_TRUE(page.lines("console-error ").empty()) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, AReloadKeepsThePagesIdentity) {
  ServerProcess server;
  // The watcher: a second page (its own browser profile) already in the
  // channel.
  Page::Options w = page_options("watcher");
  w.riot_id = team.members()[1].riot_id;
  w.mic = "tone:" + std::to_string(static_cast<int>(kPeerTone));
  w.hear_seconds = 0;
  Page watcher(server, w, out);
  ASSERT_TRUE(watcher.wait("event hello ")) << watcher.transcript();
  if (!offers_identity(watcher))
    GTEST_SKIP() << "this shotcall-signal answers hello with unknown-type (no "
                    "identity-1), so "
                    "there is no identity to keep across a reload";
  ASSERT_TRUE(watcher.wait("event joined ")) << watcher.transcript();

  Page::Options o = quiet_options("reload");
  o.reload = true;
  Page page(server, o, out);
  // Registered once, reloaded, registered again: both times with the same key,
  // at level key.
  ASSERT_TRUE(page.wait("event registered ", 2)) << page.transcript();
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  const auto registered = page.lines("event registered ");
  const auto key_of = [](const std::string &l) {
    const auto at = l.find("\"key\":\"");
    return at == std::string::npos ? std::string{} : l.substr(at + 7, 43);
  };
  ASSERT_EQ(registered.size(), 2u);
  EXPECT_EQ(key_of(registered[0]).size(), 43u) << registered[0];
  EXPECT_EQ(key_of(registered[0]), key_of(registered[1]));
  EXPECT_NE(registered[1].find("\"identity\":\"key\""), std::string::npos) << registered[1];
  // The other member sees the reloaded page at level key.
  const std::string me = "\"riotId\":\"" + team.members()[0].riot_id + "\"";
  ASSERT_TRUE(run_until(
      [&] {
        for (const auto &l : watcher.lines("event mate "))
          if (l.find(me) != std::string::npos &&
              l.find("\"identity\":\"key\"") != std::string::npos)
            return true;
        return false;
      },
      kCallTimeout))
      << watcher.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
  EXPECT_TRUE(watcher.process().terminate().exited);
}

TEST_F(WebE2e, ADoubleClickOnAProvenRequestKeepsThePageInTheCall) {
  // Each click asked for a challenge; the first reply answered the second click and the second
  // was taken for the connection's own hello: the page signed in again, was refused as
  // already registered and left the call.
  ServerProcess server;
  Page::Options o = quiet_options("double");
  o.proof_twice = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event hello ")) << page.transcript();
  if (!offers_identity(page))
    GTEST_SKIP() << "this shotcall-signal has no identity-1: no proven requests";
  ASSERT_TRUE(page.wait("double-clicked")) << page.transcript();
  // The server answers one connection in order: by the second code (a single click made after
  // the first was shown) any sign-in the double click caused has been answered too.
  ASSERT_TRUE(page.wait("link-shown ", 2, std::chrono::seconds(30))) << page.transcript();
  EXPECT_TRUE(page.lines("event server-error ").empty()) << page.transcript();
  EXPECT_EQ(page.lines("event registered ").size(), 1u) << page.transcript();
  EXPECT_EQ(page.lines("event link-code ").size(), 2u) << page.transcript();
  for (const auto &l : page.lines("event state "))
    EXPECT_EQ(l.find("\"state\":\"error\""), std::string::npos) << page.transcript();
  EXPECT_EQ(page.lines("event joined ").size(), 1u) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

TEST_F(WebE2e, AServerWithAnAccessTokenAsksForItOnceAndThePageKeepsIt) {
  ServerProcess server({"--access-token", "sesame"});
  Page::Options o = quiet_options("token");
  o.token_on_refusal = "sesame";
  o.reload = true;  // after the first sign-in: the kept token signs in again by itself
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("token-entered")) << page.transcript();
  ASSERT_TRUE(page.wait("event registered ", 2)) << page.transcript();
  // The reload may come before the first page got as far as the channel: count from here.
  const std::size_t joined_before = page.lines("event joined ").size();
  ASSERT_TRUE(page.wait("event joined ", joined_before + 1)) << page.transcript();
  const auto refusals = page.lines("event server-error ");
  ASSERT_EQ(refusals.size(), 1u) << page.transcript();
  EXPECT_NE(refusals[0].find("\"code\":\"unauthorized\""), std::string::npos) << refusals[0];
  EXPECT_TRUE(page.process().terminate().exited);
}

// Linking (protocol-identity.md): the page's Riot ID is already bound to a
// shotcall-peer's key. The page stays connected, asks to be linked and shows
// its code and its key's fingerprint; the bound device approves that code; the
// page then signs in with its own key, at level key, and joins.
// The page's Riot ID bound to another device: a shotcall-peer as the page's player, with a key
// of its own, whose first proven registration binds it. Its arguments, to use that device again.
std::vector<std::string> bind_from_another_device(const ToneTeam &team,
                                                  const ServerProcess &server) {
  std::vector<std::string> args = team.peer_args(0, server.url(), "E2E_WEB");
  args.insert(args.end(), {"--key", team.members()[1].dir + "/bound-device.key"});
  PeerProcess bound(args);
  EXPECT_TRUE(bound.wait_for_lines("joined ", 1, kCallTimeout)) << bound.transcript();
  const ProcessExit e = bound.terminate();
  EXPECT_TRUE(e.exited && e.status == 0) << bound.transcript();
  return args;
}

TEST_F(WebE2e, APageLinkedFromTheBoundDeviceSignsInWithItsOwnKey) {
  ServerProcess server;
  const std::vector<std::string> bound_args = bind_from_another_device(team, server);
  ASSERT_FALSE(HasFailure());

  Page::Options o = quiet_options("link");
  o.link_on_bound = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event hello ")) << page.transcript();
  if (!offers_identity(page))
    GTEST_SKIP() << "this shotcall-signal has no identity-1: nothing to link";
  ASSERT_TRUE(page.wait("link-shown ")) << page.transcript();
  EXPECT_NE(page.line("event server-error ").find("\"code\":\"riot-id-bound\""), std::string::npos)
      << page.transcript();
  EXPECT_TRUE(page.lines("event registered ").empty()) << page.transcript();
  // "link-shown <code> <fingerprint>", as the page displays them.
  const std::string shown = page.line("link-shown ").substr(11);
  const std::string code = shown.substr(0, shown.find(' '));
  const std::string fingerprint = shown.substr(shown.find(' ') + 1);
  ASSERT_EQ(code.size(), 8u) << shown;
  ASSERT_EQ(fingerprint.size(), 8u) << shown;

  // The bound device approves the code (in the flow a person compares the
  // fingerprints).
  std::vector<std::string> approve = bound_args;
  approve.insert(approve.end(), {"--approve", code});
  PeerProcess approver(approve);
  ASSERT_TRUE(approver.wait_for_lines("link-approved ", 1, kCallTimeout))
      << approver.transcript() << page.transcript();
  std::string linked_key;
  for (const auto &l : approver.lines())
    if (l.rfind("link-approved ", 0) == 0) linked_key = l.substr(14);
  // The approver holds the Riot ID until it leaves; the page retries its
  // sign-in meanwhile.
  const ProcessExit e = approver.terminate();
  EXPECT_TRUE(e.exited && e.status == 0) << approver.transcript();

  // The approved key is the page's, and the fingerprint the page showed is that
  // key's.
  const auto raw = identity::base64url_decode(linked_key);
  ASSERT_TRUE(raw && raw->size() == 32) << linked_key;
  EXPECT_EQ(fingerprint,
            identity::key_fingerprint(std::span<const std::uint8_t, 32>(raw->data(), 32)));
  ASSERT_TRUE(page.wait("event link-approved ")) << page.transcript();
  EXPECT_NE(page.line("event link-approved ").find("\"mine\":true"), std::string::npos);

  ASSERT_TRUE(page.wait("event registered ")) << page.transcript();
  const std::string registered = page.line("event registered ");
  EXPECT_NE(registered.find("\"key\":\"" + linked_key + "\""), std::string::npos) << registered;
  EXPECT_NE(registered.find("\"identity\":\"key\""), std::string::npos) << registered;
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

// A link code lasts 10 minutes: once it has expired, the page takes it down and says how to get
// a new one. Before, the dead code stayed up for good, and the player who typed it on the other
// device was refused, and typing it again counted towards the five wrong codes.
TEST_F(WebE2e, APagesLinkCodeIsTakenDownWhenItExpires) {
  ServerProcess server;
  bind_from_another_device(team, server);
  ASSERT_FALSE(HasFailure());

  Page::Options o = quiet_options("link-expiry");
  o.link_on_bound = true;
  o.fake_clock = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event hello ")) << page.transcript();
  if (!offers_identity(page))
    GTEST_SKIP() << "this shotcall-signal has no identity-1: nothing to link";
  ASSERT_TRUE(page.wait("link-shown ")) << page.transcript();
  // The page's clock runs as time does besides: a margin for the seconds the test takes.
  ASSERT_TRUE(page.command("forward 590000"));
  ASSERT_TRUE(page.wait("forwarded")) << page.transcript();
  EXPECT_TRUE(page.lines("event link-expired ").empty()) << "taken down before its time";
  ASSERT_TRUE(page.command("forward 20000"));
  ASSERT_TRUE(page.wait("link-expired-shown ")) << page.transcript();
  const std::string shown = page.line("link-expired-shown ");
  EXPECT_NE(shown.find("\"boxHidden\":true"), std::string::npos) << shown;
  EXPECT_NE(shown.find("expired"), std::string::npos) << shown;
  EXPECT_NE(shown.find("for a new one"), std::string::npos) << shown;
  EXPECT_TRUE(page.process().terminate().exited);
}

// A Riot ID bound to another device (say the desktop app at home) can also be won back here by
// verifying with Riot, which makes this browser's key the Riot ID's only one. The page then signs
// in by itself. Before, it said "your team now sees you as verified" and stayed signed out: the
// player was in no call, and the other device had been signed out by the verification.
TEST_F(WebE2e, APageVerifiedWhileItsRiotIdIsBoundElsewhereSignsIn) {
  VerifyingRiot riot;
  ASSERT_EQ(riot.start(team.members()[0].riot_id), "");
  ServerProcess server(riot.server_args(), riot.server_env());
  {
    // The other device: its first proven registration binds the Riot ID to its key.
    std::vector<std::string> a = team.peer_args(0, server.url(), "E2E_WEB");
    a.insert(a.end(), {"--key", team.members()[1].dir + "/other-device.key"});
    PeerProcess bound(a);
    ASSERT_TRUE(bound.wait_for_lines("joined ", 1, kCallTimeout)) << bound.transcript();
    EXPECT_TRUE(bound.terminate().exited) << bound.transcript();
  }

  Page::Options o = quiet_options("verify-bound");
  o.verify_on_bound = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event server-error ")) << page.transcript();
  ASSERT_NE(page.line("event server-error ").find("\"code\":\"riot-id-bound\""), std::string::npos)
      << page.transcript();
  ASSERT_NO_FATAL_FAILURE(riot.set_icons_shown(page));
  ASSERT_TRUE(page.wait("event verified ")) << page.transcript();
  ASSERT_TRUE(page.wait("event registered ")) << page.transcript();
  EXPECT_NE(page.line("event registered ").find("\"identity\":\"riot\""), std::string::npos)
      << page.transcript();
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  EXPECT_TRUE(page.lines("page-error ").empty()) << page.transcript();
  EXPECT_TRUE(page.process().terminate().exited);
}

// identity-1 asks the approving player to compare the new device's fingerprint on both screens:
// after Approve the page shows the fingerprint of the key it just linked, and "Unlink that
// device" takes it back (a code someone talked the player into typing, a mistyped one). Before,
// the page said only "The other device is linked", with nothing to compare and no way back.
TEST_F(WebE2e, APageThatApprovesADeviceShowsItsFingerprintAndCanUnlinkIt) {
  ServerProcess server;
  Page page(server, quiet_options("approver"), out);
  ASSERT_TRUE(page.wait("event registered ")) << page.transcript();
  if (!offers_identity(page)) GTEST_SKIP() << "this shotcall-signal has no identity-1";
  ASSERT_NE(page.line("event registered ").find("\"identity\":\"key\""), std::string::npos)
      << page.transcript();

  // A new device asks to be linked to the page's Riot ID, and shows its code and fingerprint.
  std::vector<std::string> a = team.peer_args(0, server.url(), "E2E_WEB");
  a.insert(a.end(), {"--key", team.members()[1].dir + "/new-device.key", "--link"});
  PeerProcess newcomer(a);
  ASSERT_TRUE(newcomer.wait_for_lines("link-code ", 1, kCallTimeout)) << newcomer.transcript();
  std::string code, fingerprint;
  for (const auto &l : newcomer.lines())
    if (l.rfind("link-code ", 0) == 0) {
      code = l.substr(10, 8);
      fingerprint = l.substr(l.rfind(' ') + 1);
    }
  ASSERT_EQ(fingerprint.size(), 8u) << newcomer.transcript();

  ASSERT_TRUE(page.command("approve " + code));
  ASSERT_TRUE(page.wait("approved-shown ")) << page.transcript();
  EXPECT_NE(page.line("approved-shown ").find("fingerprint " + fingerprint), std::string::npos)
      << page.transcript();
  const std::string approved = page.line("event link-approved ");
  const auto key_at = approved.find("\"key\":\"");
  ASSERT_NE(key_at, std::string::npos) << page.transcript();
  const std::string key = approved.substr(key_at + 7, approved.find('"', key_at + 7) - key_at - 7);

  ASSERT_TRUE(page.command("unlink"));
  ASSERT_TRUE(page.wait("event device-unlinked ")) << page.transcript();
  EXPECT_NE(page.line("event device-unlinked ").find(key), std::string::npos) << page.transcript();
  EXPECT_TRUE(page.lines("page-error ").empty()) << page.transcript();
  EXPECT_TRUE(page.lines("driver-error ").empty()) << page.transcript();
  newcomer.terminate();
  EXPECT_TRUE(page.process().terminate().exited);
}

// A page following the server's watch joins only a channel the server built from Riot's data.
// Anyone may name a player on a roster of their own: an enemy who puts the page's Riot ID on his
// team's roster has the server offer that channel to the page too (origin client), and a page
// that took it would talk to him. The page lets it pass and joins its team's channel once Riot
// shows the game. The enemy's offer reaches the page first (it is made before Riot has a game),
// so a page that took offers of any origin would be in his channel by then.
TEST_F(WebE2e, AWatchingPageJoinsOnlyAChannelMadeFromRiotsData) {
  const std::string me = team.members()[0].riot_id;
  const std::string mate = team.members()[1].riot_id;
  VerifyingRiot riot;  // knows the page's Riot ID (kPuuid)
  ASSERT_EQ(riot.start(me), "");
  std::vector<std::string> args = riot.server_args();
  args.insert(args.end(), {"--riot-poll-interval", "200"});
  ServerProcess server(args, riot.server_env());
  Page::Options o = quiet_options("watch-origin");
  o.watch = true;
  Page page(server, o, out);
  ASSERT_TRUE(page.wait("event state {\"state\":\"watching\"}")) << page.transcript();

  auto enemy = WsClient::connect(server.url());
  ASSERT_TRUE(enemy);
  enemy->send(msg::register_user("Red Five#EUW", "r"));
  ASSERT_TRUE(enemy->wait_for_type("connected"));
  enemy->send(msg::find_or_create("EUW1_1", "200", {"Red Five#EUW", me}, "trap"));
  const auto trap = enemy->wait_for_type("channel-created");
  ASSERT_TRUE(trap) << "the enemy's channel was not made";
  const std::string trap_id = trap->as<protocol::ChannelCreated>()->channel.channel_id;
  enemy->send(msg::join(trap_id, "in"));
  ASSERT_TRUE(enemy->wait_for_type("joined-channel"));

  // The page got the enemy's offer, and let it pass.
  ASSERT_TRUE(page.wait("event channel-offer ")) << page.transcript();
  EXPECT_EQ(page.line("event channel-offer "), "event channel-offer {\"channelId\":\"" + trap_id +
                                                   "\",\"origin\":\"client\",\"taken\":false}");

  riot::test::StandinGame game;
  game.game_id = 4242;
  game.participants = {{VerifyingRiot::kPuuid, me, 100, 1, false},
                       {"puuid-mate", mate, 100, 2, false},
                       {"puuid-red", "Red Five#EUW", 200, 3, false}};
  riot.riot->add_game(game);
  ASSERT_TRUE(page.wait("event joined ")) << page.transcript();
  const std::string joined = page.line("event joined ");
  EXPECT_NE(joined.find("\"channelId\":\"EUW1_4242_100_"), std::string::npos) << joined;
  EXPECT_EQ(joined.find(trap_id), std::string::npos) << "the page joined the enemy's channel";
  EXPECT_EQ(page.lines("event joined ").size(), 1u) << page.transcript();
  EXPECT_EQ(page.lines("event channel-offer ").size(), 2u) << page.transcript();
  ASSERT_TRUE(enemy->barrier());
  EXPECT_FALSE(enemy->has([](const Frame &f) { return f.type == "user-joined-channel"; }))
      << "the page is in the enemy's channel";
  EXPECT_TRUE(page.process().terminate().exited);
}

}  // namespace
}  // namespace shotcall::test
