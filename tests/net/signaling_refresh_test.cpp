// The signaling client renews time-limited TURN credentials before they expire, end to end: the
// real shotcall-signal with --turn-ttl 60 (the least it accepts), the app's SignalingClient
// (libsoup 3) and the pure schedule of app/net/ice_refresh.hpp. The client's wall clock is moved
// on so the schedule falls due a second after `connected` instead of halfway through the minute;
// the server's clock is its own, so the renewed credential must name a later expiry. Waits on
// events only.
#include <glib.h>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "app/net/ice_refresh.hpp"
#include "app/net/signaling_client.hpp"
#include "tests/server/turn_credential_check.hpp"
#include "tests/support/main_loop.hpp"
#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

using protocol::IceServer;

constexpr const char* kSecretVar = "TURN_REFRESH_TEST_SECRET";
constexpr const char* kSecret = "refresh-test-shared-secret-77";
constexpr const char* kTurnUrl = "turn:127.0.0.1:3478?transport=udp";

const IceServer* turn_entry(const std::vector<IceServer>& servers) {
  for (const auto& s : servers)
    if (!s.urls.empty() && s.urls.front() == kTurnUrl) return &s;
  return nullptr;
}

std::int64_t real_now_ms() { return g_get_real_time() / 1000; }

TEST(SignalingRefresh, RenewsTurnCredentialsBeforeTheyExpireOverARealServer) {
  ServerProcess server({"--stun", "stun:127.0.0.1:3478", "--turn", kTurnUrl, "--turn-secret-env",
                        kSecretVar, "--turn-ttl", "60"},
                       {{kSecretVar, kSecret}});

  // 57 s ahead: a 60 s credential has 2-3 s left by this clock, so the schedule says "halfway
  // through what is left", one to one and a half seconds after `connected`.
  constexpr std::int64_t kAheadMs = 57'000;
  net::SignalingOptions options;
  options.url = server.url();
  options.riot_id = "Ahri#EUW";
  options.wall_clock_ms = [] { return real_now_ms() + kAheadMs; };

  std::optional<std::vector<IceServer>> connected;
  std::optional<std::int64_t> scheduled_at_ms;  // what the pure schedule said at `connected`
  gint64 connected_us = 0;
  std::vector<protocol::ServerMessage> renewals;
  gint64 renewed_us = 0;
  std::vector<protocol::Error> errors;
  net::SignalingClient::Events events;
  events.on_message = [&](const protocol::ServerMessage& m) {
    if (const auto* c = std::get_if<protocol::Connected>(&m.body)) {
      connected = c->ice_servers;
      connected_us = g_get_monotonic_time();
      scheduled_at_ms = net::ice_refresh_at_ms(c->ice_servers, real_now_ms() + kAheadMs);
    } else if (std::holds_alternative<protocol::IceServersReply>(m.body)) {
      if (renewals.empty()) renewed_us = g_get_monotonic_time();
      renewals.push_back(m);
    } else if (const auto* e = std::get_if<protocol::Error>(&m.body)) {
      errors.push_back(*e);
    }
  };
  net::SignalingClient client(options, events);
  client.start();

  ASSERT_TRUE(run_until([&] { return connected.has_value(); }, 10s)) << server.stderr_text();
  const IceServer* first = turn_entry(*connected);
  ASSERT_NE(first, nullptr);
  const auto first_name = parse_turn_username(first->username.value_or(""));
  ASSERT_TRUE(first_name);
  ASSERT_TRUE(scheduled_at_ms) << "the schedule saw no time-limited credential";
  // Due within the next 1-2 s by the moved clock (not at once, not in 30 s).
  const std::int64_t due_in = *scheduled_at_ms - (real_now_ms() + kAheadMs);
  EXPECT_GE(due_in, 900);
  EXPECT_LE(due_in, 2000);

  ASSERT_TRUE(run_until([&] { return !renewals.empty(); }, 10s)) << server.stderr_text();
  // The client asked when its schedule said, not before.
  EXPECT_GE(renewed_us - connected_us, 900 * 1000);
  const protocol::ServerMessage& renewal = renewals.front();
  EXPECT_EQ(renewal.id, "ice-refresh");
  const auto& servers = std::get<protocol::IceServersReply>(renewal.body).ice_servers;
  ASSERT_EQ(servers.size(), connected->size());
  EXPECT_EQ(servers.front(), connected->front());  // STUN as before
  const IceServer* fresh = turn_entry(servers);
  ASSERT_NE(fresh, nullptr);
  const auto fresh_name = parse_turn_username(fresh->username.value_or(""));
  ASSERT_TRUE(fresh_name);
  EXPECT_GT(fresh_name->expiry_s, first_name->expiry_s) << *fresh->username;
  EXPECT_EQ(fresh_name->opaque, client.peer_id());
  EXPECT_NEAR(static_cast<double>(fresh_name->expiry_s),
              static_cast<double>(real_now_ms() / 1000 + 60), 3.0);
  EXPECT_EQ(fresh->credential, expected_turn_credential(kSecret, *fresh->username));
  EXPECT_TRUE(errors.empty()) << errors.front().message;

  client.stop();
  run_until([] { return !net::SignalingClient::goodbyes_pending(); }, 5s);
}

}  // namespace
}  // namespace shotcall::test
