// The relay refuses every range the shipped coturn file denies (issue 14), asked address by
// address: a real coturn started from data/coturn/turnserver.conf (no loopback exception), and a
// raw TURN client that allocates on 127.0.0.1 (only peers are filtered, not clients) and asks
// for a permission to the first and the last address of each denied-peer-ip line. The lines are
// read from the file here, so a range added to it is covered without touching this test.
// CreatePermission sends nothing to the peer: asking about any address is safe.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tests/peer/relay_support.hpp"
#include "tests/server/turn_credential_check.hpp"
#include "tests/support/coturn_process.hpp"
#include "tests/support/turn_client.hpp"

namespace shotcall::test {
namespace {

constexpr const char* kSecret = "relay-ranges-9b1e27c4d05a";

struct Address {
  int family = 0;  // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes{};
  std::string text() const {
    char out[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, bytes.data(), out, sizeof out);
    return out;
  }
};

std::optional<Address> parse_address(const std::string& text) {
  Address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET;
  } else if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET6;
  } else {
    return std::nullopt;
  }
  return a;
}

// A denied-peer-ip value: "A-B", a single "A", or "A/prefix" (first and last of the block).
struct Range {
  std::string line;
  Address first, last;
};

std::optional<Range> parse_range(const std::string& value) {
  Range r{value, {}, {}};
  const auto dash = value.find('-');
  const auto slash = value.find('/');
  if (dash != std::string::npos) {
    const auto a = parse_address(value.substr(0, dash));
    const auto b = parse_address(value.substr(dash + 1));
    if (!a || !b || a->family != b->family) return std::nullopt;
    r.first = *a;
    r.last = *b;
  } else if (slash != std::string::npos) {
    const auto a = parse_address(value.substr(0, slash));
    if (!a) return std::nullopt;
    const int bits = a->family == AF_INET ? 32 : 128;
    const int prefix = std::atoi(value.substr(slash + 1).c_str());
    if (prefix < 0 || prefix > bits) return std::nullopt;
    r.first = r.last = *a;
    for (int i = prefix; i < bits; ++i) {
      const auto bit = static_cast<unsigned char>(0x80 >> (i % 8));
      r.first.bytes[static_cast<std::size_t>(i / 8)] &= static_cast<unsigned char>(~bit);
      r.last.bytes[static_cast<std::size_t>(i / 8)] |= bit;
    }
  } else {
    const auto a = parse_address(value);
    if (!a) return std::nullopt;
    r.first = r.last = *a;
  }
  return r;
}

// Every denied-peer-ip line of the shipped file; a line this test cannot read fails the test.
std::vector<Range> shipped_denied_ranges() {
  std::ifstream in(shipped_coturn_config());
  EXPECT_TRUE(in) << "cannot read " << shipped_coturn_config();
  std::vector<Range> ranges;
  const std::string key = "denied-peer-ip=";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    std::string value = line.substr(key.size());
    while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.pop_back();
    const auto range = parse_range(value);
    EXPECT_TRUE(range) << "cannot read the shipped line: " << line;
    if (range) ranges.push_back(*range);
  }
  return ranges;
}

TEST(RelayRanges, EveryDeniedRangeOfTheShippedFileIsRefusedAtBothEnds) {
  REQUIRE_COTURN();
  const std::vector<Range> ranges = shipped_denied_ranges();
  ASSERT_GE(ranges.size(), 10u) << "the shipped file lost its denied-peer-ip lines?";

  CoturnOptions o;  // the shipped file, with no loopback exception
  o.auth_secret = kSecret;
  ASSERT_FALSE(o.allow_loopback_peers);
  // IPv6 relays too: an IPv6 allocation needs a relay address of that family.
  o.extra_lines = {"relay-ip=::1"};
  CoturnProcess turn(o);

  const std::string user =
      std::to_string(g_get_real_time() / G_USEC_PER_SEC + 600) + ":relay-ranges";
  const std::string password = expected_turn_credential(kSecret, user);
  TurnClient v4("127.0.0.1", turn.port(), user, password);
  TurnClient v6("127.0.0.1", turn.port(), user, password);
  const TurnAnswer a4 = v4.allocate(AF_INET);
  ASSERT_TRUE(a4.success()) << a4.describe() << "\n" << turn.log_text();
  const TurnAnswer a6 = v6.allocate(AF_INET6);
  ASSERT_TRUE(a6.success()) << a6.describe() << "\n" << turn.log_text();
  EXPECT_EQ(v6.relayed_address().rfind("[::1]:", 0), 0u) << v6.relayed_address();

  auto ask = [&](const Address& peer) {
    return (peer.family == AF_INET ? v4 : v6).create_permission(peer.text());
  };
  for (const Range& r : ranges) {
    for (const Address& peer : {r.first, r.last}) {
      const TurnAnswer a = ask(peer);
      EXPECT_TRUE(a.answered && !a.is_success && a.error_code == 403)
          << peer.text() << " (denied-peer-ip=" << r.line << "): " << a.describe();
    }
  }

  // Documentation addresses stand for the public internet: granted (nothing is sent to them).
  for (const char* text : {"198.51.100.1", "203.0.113.9", "2001:db8::1"}) {
    const TurnAnswer a = ask(*parse_address(text));
    EXPECT_TRUE(a.success()) << text << ": " << a.describe();
  }
  // The refusals came from the peer filter, and the allocations stayed up throughout.
  EXPECT_TRUE(turn.wait_for_log("CREATE_PERMISSION processed, error 403", std::chrono::seconds(5)));
  EXPECT_TRUE(turn.running()) << turn.output();
}

TEST(RelayRanges, TheRangeReaderTakesRangesSingleAddressesAndPrefixes) {
  const auto dash = parse_range("10.0.0.0-10.255.255.255");
  ASSERT_TRUE(dash);
  EXPECT_EQ(dash->first.text(), "10.0.0.0");
  EXPECT_EQ(dash->last.text(), "10.255.255.255");
  const auto single = parse_range("::1");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->first.text(), "::1");
  EXPECT_EQ(single->last.text(), "::1");
  const auto v6 = parse_range("64:ff9b::/96");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->first.text(), "64:ff9b::");
  EXPECT_EQ(v6->last.text(), "64:ff9b::ffff:ffff");
  const auto v4 = parse_range("100.64.0.0/10");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->last.text(), "100.127.255.255");
  EXPECT_FALSE(parse_range("10.0.0.0-::1"));
  EXPECT_FALSE(parse_range("example.org"));
}

}  // namespace
}  // namespace shotcall::test
