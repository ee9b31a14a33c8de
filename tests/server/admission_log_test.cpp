// Connection admission (per address and in all) and the log line format.
#include <gtest/gtest.h>

#include "signaling/server/transport/admission.hpp"
#include "signaling/server/ops/log.hpp"
#include "signaling/server/transport/peer_id.hpp"

namespace shotcall::server {
namespace {

TEST(Admission, CapsPerAddressAndInAll) {
  Admission a(3, 2);
  EXPECT_EQ(a.acquire("1.1.1.1"), Admit::Yes);
  EXPECT_EQ(a.acquire("1.1.1.1"), Admit::Yes);
  EXPECT_EQ(a.check("1.1.1.1"), Admit::AddressFull);
  EXPECT_EQ(a.acquire("1.1.1.1"), Admit::AddressFull);
  EXPECT_EQ(a.acquire("2.2.2.2"), Admit::Yes);
  EXPECT_EQ(a.acquire("3.3.3.3"), Admit::ServerFull);
  EXPECT_EQ(a.total(), 3u);
  a.release("1.1.1.1");
  EXPECT_EQ(a.from("1.1.1.1"), 1u);
  EXPECT_EQ(a.acquire("3.3.3.3"), Admit::Yes);
  a.release("9.9.9.9");  // never acquired: ignored
  EXPECT_EQ(a.total(), 3u);
}

// Addresses of one /64 are one client to the limit: a rented server has all of them.
TEST(Admission, AnIPv6ClientIsCountedByItsSlash64) {
  Admission a(10, 1);
  EXPECT_EQ(a.acquire("2001:db8::1"), Admit::Yes);
  EXPECT_EQ(a.acquire("2001:db8::2"), Admit::AddressFull);
  EXPECT_EQ(a.acquire("2001:db8:0:1::1"), Admit::Yes);
  a.release("2001:db8::1");
  EXPECT_EQ(a.acquire("2001:db8::2"), Admit::Yes);
  EXPECT_EQ(a.from("2001:db8::3"), 1u);
}

TEST(Admission, ZeroMeansNoPerAddressLimit) {
  Admission a(1000, 0);
  for (int i = 0; i < 500; ++i) ASSERT_EQ(a.acquire("127.0.0.1"), Admit::Yes);
  EXPECT_EQ(a.from("127.0.0.1"), 500u);
}

TEST(Admission, ReleasingEverythingForgetsTheAddress) {
  Admission a(10, 10);
  a.acquire("x");
  a.release("x");
  EXPECT_EQ(a.from("x"), 0u);
  EXPECT_EQ(a.total(), 0u);
}

TEST(Admission, DrainingRefusesEveryone) {
  Admission a(10, 10);
  a.drain();
  EXPECT_EQ(a.acquire("x"), Admit::Draining);
  EXPECT_TRUE(a.draining());
}

TEST(LogLine, TextFormat) {
  const auto line = format_log_line(LogFormat::Text, 1700000000123, LogLevel::Info, "ws-open",
                                    {{"conn", std::uint64_t{7}}, {"addr", "127.0.0.1"},
                                     {"why", "two words"}});
  EXPECT_EQ(line, "2023-11-14T22:13:20.123Z info ws-open conn=7 addr=127.0.0.1 why=\"two words\"\n");
}

TEST(LogLine, JsonFormatIsOneEscapedObject) {
  const auto line = format_log_line(LogFormat::Json, 0, LogLevel::Warning, "x",
                                    {{"k", "a\"b\n\x01"}});
  EXPECT_EQ(line,
            "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"level\":\"warning\",\"event\":\"x\","
            "\"k\":\"a\\\"b\\n\\u0001\"}\n");
}

TEST(PeerId, Is128RandomBitsInHex) {
  const auto a = new_peer_id();
  const auto b = new_peer_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace shotcall::server
