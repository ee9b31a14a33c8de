// The connection test's words: every finding the probe can report, said exactly.
#include "app/net/server_probe.hpp"

#include <gtest/gtest.h>

namespace shotcall::net {
namespace {

ProbeFindings shotcall(const std::string& url, const std::string& policy,
                       std::vector<std::string> features) {
  ProbeFindings f;
  f.url = url;
  f.reach = ProbeReach::Shotcall;
  f.health_status = 200;
  f.health_body = "ok";
  f.hello = protocol::HelloReply{"challenge", std::move(features), policy};
  return f;
}

TEST(ServerProbeWords, BadAddress) {
  ProbeFindings f;
  f.url = "http://example.org";
  f.reach = ProbeReach::BadAddress;
  const auto r = describe_probe(f);
  EXPECT_FALSE(r.usable);
  EXPECT_EQ(r.text(),
            "\"http://example.org\" is not a server address.\n"
            "Enter it as ws://HOST:PORT/ws, or wss://HOST/ws for a server with a certificate.");
}

TEST(ServerProbeWords, Unreachable) {
  ProbeFindings f;
  f.url = "ws://127.0.0.1:9/ws";
  f.reach = ProbeReach::Unreachable;
  f.detail = "Could not connect to 127.0.0.1: Connection refused";
  const auto r = describe_probe(f);
  EXPECT_FALSE(r.usable);
  EXPECT_EQ(r.text(),
            "Could not reach ws://127.0.0.1:9/ws (Could not connect to 127.0.0.1: Connection "
            "refused).\n"
            "Check the address and port, that the server is running, and that no firewall blocks "
            "it.");
}

TEST(ServerProbeWords, UntrustedCertificate) {
  ProbeFindings f;
  f.url = "wss://voice.example.org/ws";
  f.reach = ProbeReach::TlsRefused;
  f.detail = "Unacceptable TLS certificate";
  EXPECT_EQ(describe_probe(f).text(),
            "The server at wss://voice.example.org/ws answered, but this computer does not trust "
            "its certificate (Unacceptable TLS certificate).\n"
            "Use the name its certificate was issued for, or ask its operator to renew it.");
}

TEST(ServerProbeWords, NotShotcall) {
  ProbeFindings f;
  f.url = "ws://127.0.0.1:8080/ws";
  f.reach = ProbeReach::NotShotcall;
  f.http_status = 404;
  const auto r = describe_probe(f);
  EXPECT_FALSE(r.usable);
  EXPECT_EQ(r.text(),
            "Something answers at ws://127.0.0.1:8080/ws, but it is not a Shotcall server (HTTP "
            "404).\n"
            "Check the address: a Shotcall server answers on the path /ws, for example "
            "ws://HOST:7800/ws.");
  f.http_status = 0;
  f.detail = "no answer to hello in time";
  EXPECT_EQ(describe_probe(f).lines.at(0),
            "Something answers at ws://127.0.0.1:8080/ws, but it is not a Shotcall server (no "
            "answer to hello in time).");
}

TEST(ServerProbeWords, PolicyNoneWithoutRiotVerification) {
  const auto r = describe_probe(shotcall("ws://127.0.0.1:7800/ws", "none", {"identity-1"}));
  EXPECT_TRUE(r.usable);
  EXPECT_EQ(r.text(),
            "Reached the Shotcall server at ws://127.0.0.1:7800/ws.\n"
            "Identity policy \"none\": anyone may use a Riot ID no device has claimed yet; once "
            "this app has joined with its key, the seat is yours. Players show as not verified.\n"
            "It cannot verify Riot IDs with Riot. Whether it watches your games shows once you "
            "join: that needs a Riot API key on the server.");
}

TEST(ServerProbeWords, PolicyRiotWithVerification) {
  const auto r =
      describe_probe(shotcall("wss://voice.example.org/ws", "riot", {"identity-1", "riot-verify"}));
  EXPECT_TRUE(r.usable);
  EXPECT_EQ(r.text(),
            "Reached the Shotcall server at wss://voice.example.org/ws.\n"
            "Identity policy \"riot\": only the owner of a Riot account (or a device they linked) "
            "can take its seat; you verify your Riot ID once, by setting a profile icon.\n"
            "It can verify your Riot ID with Riot, and it has a Riot API key, so it can also "
            "watch your games.");
}

TEST(ServerProbeWords, PolicyRiotThatCannotVerify) {
  const auto r = describe_probe(shotcall("ws://127.0.0.1:7800/ws", "riot", {"identity-1"}));
  EXPECT_TRUE(r.usable);
  EXPECT_EQ(r.lines.back(),
            "It asks for verified Riot IDs but cannot verify any now: ask its operator, or link "
            "this device from one already verified.");
}

// Keys go only over wss:// or to this computer: a `key` server on plain ws:// elsewhere is
// unusable.
TEST(ServerProbeWords, PolicyKeyNeedsWssAwayFromThisComputer) {
  auto r = describe_probe(shotcall("ws://192.0.2.10:7800/ws", "key", {"identity-1"}));
  EXPECT_FALSE(r.usable);
  EXPECT_EQ(r.lines.at(1),
            "Identity policy \"key\": the first device to join as a Riot ID keeps it. Players "
            "show as not verified.");
  EXPECT_EQ(r.lines.back(),
            "It admits only devices with a key, and this app sends its key only over wss:// or to "
            "this computer: use the server's wss:// address.");
  EXPECT_TRUE(describe_probe(shotcall("ws://127.0.0.1:7800/ws", "key", {"identity-1"})).usable);
  EXPECT_TRUE(describe_probe(shotcall("ws://localhost:7800/ws", "key", {"identity-1"})).usable);
  EXPECT_TRUE(describe_probe(shotcall("wss://192.0.2.10/ws", "key", {"identity-1"})).usable);
}

TEST(ServerProbeWords, OlderServer) {
  ProbeFindings f;
  f.url = "ws://127.0.0.1:7800/ws";
  f.reach = ProbeReach::ShotcallV1;
  const auto r = describe_probe(f);
  EXPECT_TRUE(r.usable);
  EXPECT_EQ(r.text(),
            "Reached the Shotcall server at ws://127.0.0.1:7800/ws.\n"
            "It is an older server without identity checks: a Riot ID's seat is not protected, "
            "and it cannot verify Riot IDs.\n"
            "Whether it watches your games shows once you join: that needs a Riot API key on the "
            "server.");
}

TEST(ServerProbeWords, Health) {
  auto f = shotcall("ws://127.0.0.1:7800/ws", "none", {"identity-1"});
  f.health_body = "degraded: identity database locked";
  auto r = describe_probe(f);
  EXPECT_TRUE(r.usable);
  EXPECT_EQ(r.lines.at(1),
            "It reports a problem (degraded: identity database locked): calls may fail until its "
            "operator fixes it.");
  f.health_status = 503;
  f.health_body = "shutting down";
  r = describe_probe(f);
  EXPECT_FALSE(r.usable);
  EXPECT_EQ(r.text(),
            "Reached the Shotcall server at ws://127.0.0.1:7800/ws, but it is shutting down.\n"
            "Try again in a minute.");
  f.health_status = 404;  // behind a proxy that does not route /healthz: not a problem
  EXPECT_TRUE(describe_probe(f).usable);
  EXPECT_EQ(describe_probe(f).lines.size(), 3u);
}

TEST(ServerProbeWords, UnknownPolicy) {
  EXPECT_EQ(describe_probe(shotcall("ws://127.0.0.1:1/ws", "gold", {"identity-1"})).lines.at(1),
            "Identity policy \"gold\": unknown to this version of Shotcall.");
}

TEST(ServerProbeHealthUrl, FromTheServerAddress) {
  EXPECT_EQ(health_url_of("ws://127.0.0.1:7800/ws"), "http://127.0.0.1:7800/healthz");
  EXPECT_EQ(health_url_of("wss://voice.example.org/ws"), "https://voice.example.org/healthz");
  EXPECT_EQ(health_url_of("ws://[::1]:7800/ws"), "http://[::1]:7800/healthz");
  EXPECT_EQ(health_url_of("http://127.0.0.1:7800/ws"), "");
  EXPECT_EQ(health_url_of("not a url"), "");
}

}  // namespace
}  // namespace shotcall::net
