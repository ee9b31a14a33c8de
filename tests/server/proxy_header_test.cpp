// The PROXY protocol parser (signaling/server/transport/proxy_header.hpp): bytes in, verdict out.
#include "signaling/server/transport/proxy_header.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace shotcall::server {
namespace {

const std::string kV2Sig{"\r\n\r\n\0\r\nQUIT\n", 12};

// A v2 header: version 2, `command` (0 LOCAL, 1 PROXY), `family_transport` (0x11 TCP4, 0x21
// TCP6…), then `body` (addresses and TLVs), its length written as the header states it.
std::string v2(unsigned command, unsigned family_transport, const std::string& body,
               std::size_t stated = std::string::npos) {
  if (stated == std::string::npos) stated = body.size();
  std::string h = kV2Sig;
  h += static_cast<char>(0x20 | command);
  h += static_cast<char>(family_transport);
  h += static_cast<char>(stated >> 8);
  h += static_cast<char>(stated & 0xff);
  return h + body;
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s += static_cast<char>(x);
  return s;
}

// 192.0.2.7:51000 → 198.51.100.1:7800
const std::string kTcp4Addresses = bytes({192, 0, 2, 7, 198, 51, 100, 1, 0xc7, 0x38, 0x1e, 0x78});

std::string tcp6_addresses() {
  std::string a = bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
  a += bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02});
  return a + bytes({0x12, 0x34, 0x1e, 0x78});
}

TEST(ProxyHeaderV1, Tcp4NamesTheSourceAndItsLength) {
  const std::string line = "PROXY TCP4 192.0.2.7 198.51.100.1 51000 7800\r\n";
  const auto h = parse_proxy_header(line + "GET /ws HTTP/1.1\r\n");
  ASSERT_EQ(h.verdict, ProxyVerdict::Done);
  EXPECT_EQ(h.length, line.size());
  EXPECT_EQ(h.source, "192.0.2.7");
}

TEST(ProxyHeaderV1, Tcp6IsWrittenCanonically) {
  const auto h = parse_proxy_header("PROXY TCP6 2001:0db8:0:0::1 ::1 1 2\r\n");
  ASSERT_EQ(h.verdict, ProxyVerdict::Done);
  EXPECT_EQ(h.source, "2001:db8::1");
}

TEST(ProxyHeaderV1, AMappedIpv4SourceIsWrittenAsIpv4) {
  // One client, one spelling: a TCP6 line naming ::ffff:a.b.c.d is the IPv4 client a.b.c.d.
  const auto h = parse_proxy_header("PROXY TCP6 ::FFFF:192.0.2.7 ::1 1 2\r\n");
  ASSERT_EQ(h.verdict, ProxyVerdict::Done);
  EXPECT_EQ(h.source, "192.0.2.7");
}

TEST(ProxyHeaderV1, UnknownKeepsThePeer) {
  for (std::string line : {"PROXY UNKNOWN\r\n", "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"}) {
    const auto h = parse_proxy_header(line);
    ASSERT_EQ(h.verdict, ProxyVerdict::Done) << line;
    EXPECT_EQ(h.length, line.size());
    EXPECT_FALSE(h.source);
  }
}

TEST(ProxyHeaderV1, EveryTruncationWaitsForMore) {
  const std::string line = "PROXY TCP4 192.0.2.7 198.51.100.1 51000 7800\r\n";
  for (std::size_t n = 0; n < line.size(); ++n)
    EXPECT_EQ(parse_proxy_header(line.substr(0, n)).verdict, ProxyVerdict::NeedMore) << n;
}

TEST(ProxyHeaderV1, ALineLongerThan107BytesIsInvalid) {
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(93, 'x')).verdict,
            ProxyVerdict::Invalid);
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(91, 'x') + "\r\n").verdict,
            ProxyVerdict::Done);  // exactly 107
}

TEST(ProxyHeaderV1, MalformedLinesAreInvalid) {
  for (std::string line : {
           "PROXY TCP4 192.0.2.7 198.51.100.1 51000\r\n",         // a field missing
           "PROXY TCP4 192.0.2.7 198.51.100.1 51000 7800 9\r\n",  // one too many
           "PROXY TCP4 192.0.2.7  198.51.100.1 51000 7800\r\n",   // double space
           "PROXY TCP4 2001:db8::1 198.51.100.1 51000 7800\r\n",  // v6 under TCP4
           "PROXY TCP6 192.0.2.7 ::1 51000 7800\r\n",             // v4 under TCP6
           "PROXY TCP4 192.0.2.300 198.51.100.1 51000 7800\r\n",  // not an address
           "PROXY TCP4 192.0.2.7 198.51.100.1 65536 7800\r\n",    // port out of range
           "PROXY TCP4 192.0.2.7 198.51.100.1 -1 7800\r\n",       // not a port
           "PROXY UDP4 192.0.2.7 198.51.100.1 51000 7800\r\n",    // not TCP
           "PROXY TCP4 192.0.2.7 198.51.100.1 51000 7800\n",      // bare LF
           "PROXY \r\n",
       })
    EXPECT_EQ(parse_proxy_header(line).verdict, ProxyVerdict::Invalid) << line;
}

TEST(ProxyHeader, HttpAndOtherBytesAreAbsent) {
  for (std::string start : {"GET /ws HTTP/1.1\r\n", "PROXZ", "\x16\x03\x01", "\r\n\r\nX", "x"})
    EXPECT_EQ(parse_proxy_header(start).verdict, ProxyVerdict::Absent) << start;
  EXPECT_EQ(parse_proxy_header("").verdict, ProxyVerdict::NeedMore);
}

TEST(ProxyHeaderV2, ProxyTcp4NamesTheSource) {
  const std::string h2 = v2(1, 0x11, kTcp4Addresses);
  const auto h = parse_proxy_header(h2 + "GET");
  ASSERT_EQ(h.verdict, ProxyVerdict::Done);
  EXPECT_EQ(h.length, 28u);
  EXPECT_EQ(h.source, "192.0.2.7");
}

TEST(ProxyHeaderV2, ProxyTcp6NamesTheSource) {
  const auto h = parse_proxy_header(v2(1, 0x21, tcp6_addresses()));
  ASSERT_EQ(h.verdict, ProxyVerdict::Done);
  EXPECT_EQ(h.length, 52u);
  EXPECT_EQ(h.source, "2001:db8::1");
}

TEST(ProxyHeaderV2, AMappedIpv4SourceIsWrittenAsIpv4) {
  std::string a = bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7});
  a += bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  const auto h = parse_proxy_header(v2(1, 0x21, a + bytes({0x12, 0x34, 0x1e, 0x78})));
  ASSERT_EQ(h.verdict, ProxyVerdict::Done);
  EXPECT_EQ(h.source, "192.0.2.7");
}

TEST(ProxyHeaderV2, LocalIsTheProxysOwnConnection) {
  // HAProxy's health checks: LOCAL, family UNSPEC, no addresses; or with addresses to ignore.
  for (const std::string& h2 : {v2(0, 0x00, ""), v2(0, 0x11, kTcp4Addresses)}) {
    const auto h = parse_proxy_header(h2);
    ASSERT_EQ(h.verdict, ProxyVerdict::Done);
    EXPECT_EQ(h.length, h2.size());
    EXPECT_FALSE(h.source);
  }
}

TEST(ProxyHeaderV2, TlvsAreSkipped) {
  // PP2_TYPE_ALPN "http/1.1", PP2_TYPE_UNIQUE_ID of 4 bytes, and an empty NOOP.
  const std::string tlvs =
      bytes({0x01, 0, 8}) + "http/1.1" + bytes({0x05, 0, 4}) + "abcd" + bytes({0x04, 0, 0});
  const std::string h2 = v2(1, 0x11, kTcp4Addresses + tlvs);
  const auto h = parse_proxy_header(h2 + "GET /ws");
  ASSERT_EQ(h.verdict, ProxyVerdict::Done);
  EXPECT_EQ(h.length, h2.size());
  EXPECT_EQ(h.source, "192.0.2.7");
}

TEST(ProxyHeaderV2, ATlvRunningPastTheBodyIsInvalid) {
  EXPECT_EQ(parse_proxy_header(v2(1, 0x11, kTcp4Addresses + bytes({0x05, 0, 9}) + "abcd")).verdict,
            ProxyVerdict::Invalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x11, kTcp4Addresses + bytes({0x05, 0}))).verdict,
            ProxyVerdict::Invalid);
}

TEST(ProxyHeaderV2, EveryTruncationWaitsForMore) {
  const std::string h2 = v2(1, 0x21, tcp6_addresses() + bytes({0x04, 0, 2, 'x', 'y'}));
  for (std::size_t n = 0; n < h2.size(); ++n)
    EXPECT_EQ(parse_proxy_header(h2.substr(0, n)).verdict, ProxyVerdict::NeedMore) << n;
}

TEST(ProxyHeaderV2, AnOversizedHeaderIsRefusedBeforeItArrives) {
  // The length field alone says it: no waiting for 64 KiB a proxy never sends.
  EXPECT_EQ(parse_proxy_header(v2(1, 0x11, kTcp4Addresses, 0xffff)).verdict, ProxyVerdict::Invalid);
  const std::string largest =
      v2(1, 0x11,
         kTcp4Addresses + bytes({0x04, 0x0f, 0xe1}) + std::string(kMaxProxyV2Header - 31, 'x'));
  ASSERT_EQ(largest.size(), kMaxProxyV2Header);
  EXPECT_EQ(parse_proxy_header(largest).verdict, ProxyVerdict::Done);
}

TEST(ProxyHeaderV2, WrongVersionCommandFamilyOrShortAddressesAreInvalid) {
  std::string wrong_version = v2(1, 0x11, kTcp4Addresses);
  wrong_version[12] = 0x11;
  EXPECT_EQ(parse_proxy_header(wrong_version).verdict, ProxyVerdict::Invalid);
  EXPECT_EQ(parse_proxy_header(v2(2, 0x11, kTcp4Addresses)).verdict, ProxyVerdict::Invalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x41, kTcp4Addresses)).verdict, ProxyVerdict::Invalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x13, kTcp4Addresses)).verdict, ProxyVerdict::Invalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x11, kTcp4Addresses.substr(0, 11))).verdict,
            ProxyVerdict::Invalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x21, kTcp4Addresses)).verdict, ProxyVerdict::Invalid);
}

TEST(ProxyHeaderV2, UdpAndUnixKeepThePeer) {
  EXPECT_FALSE(parse_proxy_header(v2(1, 0x12, kTcp4Addresses)).source);
  const auto unix_h = parse_proxy_header(v2(1, 0x31, std::string(216, '\0')));
  EXPECT_EQ(unix_h.verdict, ProxyVerdict::Done);
  EXPECT_FALSE(unix_h.source);
}

TEST(ProxyHeaderV2, ABrokenSignatureIsNotAHeader) {
  std::string h2 = v2(1, 0x11, kTcp4Addresses);
  h2[11] = 'X';
  EXPECT_EQ(parse_proxy_header(h2).verdict, ProxyVerdict::Absent);
}

}  // namespace
}  // namespace shotcall::server
