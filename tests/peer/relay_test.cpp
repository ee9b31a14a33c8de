// Voice through a real TURN relay (issue 14): Debian's coturn, started with the configuration we
// ship (data/coturn/turnserver.conf) plus test ports and secret, and two shotcall-peer processes
// on loopback forced to relay (--ice-transport-policy relay) with the time-limited credentials
// shotcall-signal issues (coturn's REST scheme). Judged from outside: the credential is
// recomputed here with OpenSSL, the tones are read from the recordings, and coturn's own log
// says the allocations were made with the peers' usernames and carried the audio.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string_view>

#include "tests/peer/mesh_processes.hpp"
#include "tests/peer/relay_support.hpp"
#include "tests/support/coturn_process.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/number_after.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/ws_client.hpp"

namespace shotcall::test {
namespace {

constexpr const char* kSecretVar = "SHOTCALL_TEST_TURN_SECRET";
constexpr const char* kSecret = "relay-test-4f1c9e0b7d2a6358";
constexpr int kTtl = 600;

// base64(HMAC-SHA1(secret, username)): what coturn's use-auth-secret recomputes.
std::string rest_credential(const std::string& secret, const std::string& username) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac, &mac_len);
  std::string b64(4 * ((mac_len + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(mac_len));
  b64.resize(static_cast<std::size_t>(n));
  return b64;
}

// The shipped configuration (CoturnProcess's default base) with our test secret.
CoturnOptions shipped_options() {
  CoturnOptions o;
  EXPECT_EQ(o.base_config, std::string(SHOTCALL_SOURCE_DIR) + "/data/coturn/turnserver.conf");
  o.auth_secret = kSecret;
  return o;
}

std::unique_ptr<ServerProcess> server_for(const CoturnProcess& turn) {
  return std::make_unique<ServerProcess>(
      std::vector<std::string>{"--turn", turn.turn_url("udp"), "--turn-secret-env", kSecretVar,
                               "--turn-ttl", std::to_string(kTtl)},
      std::map<std::string, std::string>{{kSecretVar, kSecret}});
}

std::vector<std::string> relay_args(const ToneTeam& team, std::size_t i, const std::string& url) {
  auto args = team.peer_args(i, url, "RELAY_1");
  args.insert(args.end(), {"--ice-transport-policy", "relay"});
  return args;
}

// The peer id a shotcall-peer printed ("registered <id>").
std::string peer_id_of(const PeerProcess& p) {
  for (const auto& line : p.lines())
    if (line.rfind("registered ", 0) == 0) return line.substr(11);
  return {};
}

// The largest byte count coturn reported relaying from the peer side ("peer usage: ... rb=N")
// for sessions whose username ends in ":<peer_id>", in this stretch of its log.
long long relayed_bytes(std::string_view log, const std::string& peer_id) {
  long long most = 0;
  std::size_t from = 0;
  for (std::size_t at; (at = log.find("peer usage: realm=<", from)) != std::string_view::npos;) {
    const std::size_t line_end = std::min(log.find('\n', at), log.size());
    const std::string_view line = log.substr(at, line_end - at);
    from = line_end;
    // "username=<EXPIRY:PEERID>, rp=N, rb=N"
    const std::size_t user = line.find("username=<");
    const std::string tail = ":" + peer_id + ">";
    const std::size_t close = user == std::string_view::npos ? user : line.find('>', user);
    if (close == std::string_view::npos || close + 1 < tail.size() ||
        line.substr(close + 1 - tail.size(), tail.size()) != tail ||
        !all_digits(line.substr(user + 10, close + 1 - tail.size() - (user + 10))))
      continue;
    if (auto rb = number_after(line, ", rb=", close)) most = std::max(most, *rb);
  }
  return most;
}

// coturn logged a successful ALLOCATE for "user <EXPIRY:ID>".
bool allocated_for(std::string_view log, const std::string& id) {
  const std::string tail = ":" + id + ">: incoming packet ALLOCATE processed, success";
  for (std::size_t at = log.find(tail); at != std::string_view::npos; at = log.find(tail, at + 1)) {
    const std::size_t open = log.rfind("user <", at);
    if (open != std::string_view::npos && all_digits(log.substr(open + 6, at - (open + 6))))
      return true;
  }
  return false;
}

TEST(CoturnProcess, StartsOnAFreePortAndAnswersStun) {
  REQUIRE_COTURN();
  CoturnOptions o;
  o.base_config.clear();  // coturn's defaults and the settings below only
  o.user = "alice";
  o.password = "wonderland";
  CoturnProcess turn(o);
  EXPECT_TRUE(turn.running());
  EXPECT_TRUE(stun_binding_answered("127.0.0.1", turn.port(), std::chrono::seconds(5)));
  EXPECT_EQ(turn.turn_url("tcp"),
            "turn:127.0.0.1:" + std::to_string(turn.port()) + "?transport=tcp");
  // Loopback peers only when asked; no TLS and no admin console unless asked.
  const std::string conf = CoturnProcess::config_text(o, turn.port(), "L", "P");
  EXPECT_EQ(conf.find("allow-loopback-peers"), std::string::npos);
  EXPECT_NE(conf.find("\nno-cli\n"), std::string::npos);
  EXPECT_NE(conf.find("\nno-tls\n"), std::string::npos);
  EXPECT_NE(conf.find("\nuser=alice:wonderland\n"), std::string::npos);
  o.allow_loopback_peers = true;
  o.auth_secret = "s";
  const std::string rest = CoturnProcess::config_text(o, 1, "L", "P");
  EXPECT_NE(rest.find("\nallow-loopback-peers\nallowed-peer-ip=127.0.0.0-127.255.255.255\n"),
            std::string::npos);
  EXPECT_NE(rest.find("\nuse-auth-secret\nstatic-auth-secret=s\n"), std::string::npos);
  EXPECT_EQ(rest.find("user="), std::string::npos);
  turn.stop();
  EXPECT_FALSE(turn.running());
  EXPECT_FALSE(stun_binding_answered("127.0.0.1", turn.port(), std::chrono::milliseconds(300)));
}

TEST(CoturnProcess, RunsTheShippedFileWithTheTestsSettingsAfterIt) {
  REQUIRE_COTURN();
  CoturnOptions o;  // the shipped file by default
  o.user = "alice";
  o.password = "wonderland";
  CoturnProcess turn(o);
  std::ifstream in(turn.config_path());
  const std::string conf{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_NE(conf.find("\ndenied-peer-ip=10.0.0.0-10.255.255.255\n"), std::string::npos);
  EXPECT_NE(conf.find("\nno-multicast-peers\n"), std::string::npos);
  // A static user: the file's REST-scheme lines are left out, the user goes in after it.
  EXPECT_EQ(conf.find("use-auth-secret"), std::string::npos);
  EXPECT_LT(conf.find("denied-peer-ip"), conf.find("\nuser=alice:wonderland\n"));
  EXPECT_LT(conf.find("listening-port=3478"),
            conf.find("listening-port=" + std::to_string(turn.port())));
  EXPECT_TRUE(stun_binding_answered("127.0.0.1", turn.port(), std::chrono::seconds(5)));
}

TEST(RelayVoice, TwoRelayOnlyPeersHearEachOtherThroughCoturnWithServerIssuedCredentials) {
  REQUIRE_COTURN();
  // The shipped file denies loopback; this test's relay talks to itself on 127.0.0.1.
  CoturnOptions o = shipped_options();
  o.allow_loopback_peers = true;
  CoturnProcess turn(o);
  auto server = server_for(turn);

  // The credential a registered connection gets, checked against the HMAC computed here.
  {
    auto ws = WsClient::connect(server->url());
    ws->send(msg::register_user("Probe#RLY", "r1"));
    const auto f = ws->wait_for_type("connected");
    ASSERT_TRUE(f && f->as<protocol::Connected>()) << (f ? f->text : "no connected");
    const auto& servers = f->as<protocol::Connected>()->ice_servers;
    ASSERT_EQ(servers.size(), 1u) << f->text;
    ASSERT_EQ(servers[0].urls, std::vector<std::string>{turn.turn_url("udp")});
    ASSERT_TRUE(servers[0].username && servers[0].credential) << f->text;
    const std::string& user = *servers[0].username;
    const auto colon = user.find(':');
    ASSERT_NE(colon, std::string::npos) << user;
    const long long expiry = std::atoll(user.substr(0, colon).c_str());
    const long long now = g_get_real_time() / G_USEC_PER_SEC;
    EXPECT_NEAR(static_cast<double>(expiry), static_cast<double>(now + kTtl), 5.0) << user;
    EXPECT_EQ(*servers[0].credential, rest_credential(kSecret, user));
    EXPECT_NE(*servers[0].credential, rest_credential("another secret", user));
  }

  ToneTeam team("RLY", {400, 900});
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 2; ++i)
    peers.push_back(std::make_unique<PeerProcess>(relay_args(team, i, server->url())));
  for (auto& p : peers)
    ASSERT_TRUE(p->wait_for_lines("first-audio ", 1, std::chrono::seconds(60)))
        << p->transcript() << "\ncoturn:\n"
        << turn.log_text();

  // coturn made each peer's allocation with that peer's server-issued username and relayed
  // its audio: its periodic usage report counts the bytes from the other side.
  std::vector<std::string> ids;
  for (auto& p : peers) ids.push_back(peer_id_of(*p));
  ASSERT_FALSE(ids[0].empty() || ids[1].empty());
  // The log is read as it grows: each stretch is searched once, the largest count kept.
  long long most[2] = {0, 0};
  const bool relayed = turn.follow_log(
      [&](std::string_view added) {
        for (std::size_t i = 0; i < 2; ++i)
          most[i] = std::max(most[i], relayed_bytes(added, ids[i]));
        for (std::size_t i = 0; i < 2; ++i)
          if (most[i] < 10000) return false;
        for (std::size_t i = 0; i < 2; ++i)
          if (ToneTeam::file_size(team.recording(i, 1 - i)) < wav_bytes(3)) return false;
        return true;
      },
      std::chrono::seconds(40));
  const std::string log = turn.log_text();
  EXPECT_TRUE(relayed) << log;
  for (const auto& id : ids) {
    EXPECT_TRUE(allocated_for(log, id)) << id;
  }
  EXPECT_NE(log.find("CHANNEL_BIND processed, success"), std::string::npos);
  EXPECT_EQ(log.find("Wrong nonce"), std::string::npos);
  EXPECT_EQ(log.find("Bad Request"), std::string::npos);

  for (auto& p : peers) {
    const ProcessExit e = p->terminate();
    EXPECT_TRUE(e.exited && !e.signaled && e.status == 0)
        << "exited " << e.exited << " signaled " << e.signaled << " status " << e.status << "\n"
        << p->transcript();
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const ToneVerdict v = judge_recording(team.recording(i, 1 - i), team.tones());
    ASSERT_TRUE(v.ok) << v.why;
    EXPECT_GE(v.seconds, 3.0);
    EXPECT_EQ(v.freq, team.members()[1 - i].tone_hz);
    EXPECT_GT(v.ratio, kToneRatio);
  }
}

TEST(RelayVoice, TheShippedConfigRefusesToRelayToDeniedRanges) {
  REQUIRE_COTURN();
  // coturn's own loopback refusal off: only the file's denied-peer-ip ranges refuse 127.0.0.1.
  CoturnOptions o = shipped_options();
  o.extra_lines = {"allow-loopback-peers"};
  CoturnProcess turn(o);
  auto server = server_for(turn);
  ToneTeam team("DNY", {400, 900});
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (std::size_t i = 0; i < 2; ++i)
    peers.push_back(std::make_unique<PeerProcess>(relay_args(team, i, server->url())));

  // Both allocations succeed (the client side is fine), and the permission to the loopback
  // relay address of the other peer is refused.
  // (A granted permission ends the wait too: it fails below at once, not after the deadline.)
  const bool answered = turn.follow_log(
      [&](std::string_view added) {
        return added.find("CREATE_PERMISSION processed, error 403") != added.npos ||
               added.find("CREATE_PERMISSION processed, success") != added.npos;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(answered) << turn.log_text() << peers[0]->transcript();
  const std::string log = turn.log_text();
  EXPECT_NE(log.find("ALLOCATE processed, success"), std::string::npos);
  EXPECT_NE(log.find("CREATE_PERMISSION processed, error 403: Forbidden IP"), std::string::npos);
  EXPECT_EQ(log.find("CREATE_PERMISSION processed, success"), std::string::npos) << log;
  EXPECT_EQ(log.find("CHANNEL_BIND processed, success"), std::string::npos) << log;
  for (auto& p : peers) {
    EXPECT_FALSE(p->has_line("first-audio ")) << p->transcript();
    p->terminate();
  }
}

}  // namespace
}  // namespace shotcall::test
