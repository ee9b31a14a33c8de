// --trusted-proxy's rules (signaling/server/transport/client_address.hpp): CIDRs and
// X-Forwarded-For.
#include "signaling/server/transport/client_address.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace shotcall::server {
namespace {

TrustedProxies trust(std::initializer_list<const char*> cidrs) {
  std::vector<Cidr> out;
  for (const char* c : cidrs) {
    auto cidr = parse_cidr(c);
    EXPECT_TRUE(cidr) << c;
    if (cidr) out.push_back(*cidr);
  }
  return TrustedProxies{std::move(out)};
}

TEST(Cidr, AcceptsNetworksAndSingleAddresses) {
  for (const char* ok :
       {"10.0.0.0/8", "127.0.0.1", "0.0.0.0/0", "2001:db8::/32", "::1", "::/0", "192.168.1.128/25"})
    EXPECT_TRUE(parse_cidr(ok)) << ok;
}

TEST(Cidr, RefusesGarbageAndHostBits) {
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.1/8", "10.0.0/8",
                          "localhost", "10.0.0.0/8/8", "10.0.0.0/+8", "2001:db8::1/32", "1.2.3.4 "})
    EXPECT_FALSE(parse_cidr(bad)) << bad;
}

TEST(TrustedProxies, MatchesByPrefixIncludingMappedIpv4) {
  const auto t = trust({"10.1.0.0/16", "2001:db8::/32", "192.168.1.128/25"});
  EXPECT_TRUE(t.contains("10.1.255.3"));
  EXPECT_FALSE(t.contains("10.2.0.1"));
  EXPECT_TRUE(t.contains("::ffff:10.1.0.9"));  // a dual-stack socket's peer
  EXPECT_TRUE(t.contains("2001:db8:ffff::1"));
  EXPECT_FALSE(t.contains("2001:db9::1"));
  EXPECT_TRUE(t.contains("192.168.1.200"));
  EXPECT_FALSE(t.contains("192.168.1.127"));
  EXPECT_FALSE(t.contains("not an address"));
  EXPECT_FALSE(TrustedProxies{}.contains("10.1.0.1"));
}

TEST(CanonicalAddress, OneClientHasOneSpelling) {
  EXPECT_EQ(canonical_address("10.1.0.9"), "10.1.0.9");
  // A dual-stack socket's or a TCP6 header's IPv4 client: the same client as 10.1.0.9.
  EXPECT_EQ(canonical_address("::ffff:10.1.0.9"), "10.1.0.9");
  EXPECT_EQ(canonical_address("::FFFF:a01:9"), "10.1.0.9");
  EXPECT_EQ(canonical_address("2001:0DB8::0001"), "2001:db8::1");
  // Not mapped: IPv6 stays IPv6 (IPv4-compatible ::a.b.c.d, a mapped-looking prefix elsewhere).
  EXPECT_EQ(canonical_address("::10.1.0.9"), "::10.1.0.9");
  EXPECT_EQ(canonical_address("1::ffff:10.1.0.9"), "1::ffff:a01:9");
  EXPECT_FALSE(canonical_address("10.1.0"));
  EXPECT_FALSE(canonical_address(""));
}

// An IPv6 client is counted by its /64: one subscriber, or one rented server, has all of it.
TEST(AddressGroup, IPv6CountsByItsSlash64AndIPv4ByItself) {
  EXPECT_EQ(address_group("2001:db8::1"), "2001:db8::/64");
  EXPECT_EQ(address_group("2001:db8::ffff:1234"), "2001:db8::/64");
  EXPECT_EQ(address_group("2001:db8:0:0:8000::1"), "2001:db8::/64");
  EXPECT_EQ(address_group("2001:db8:0:1::1"), "2001:db8:0:1::/64");
  EXPECT_EQ(address_group("::1"), "::/64");
  EXPECT_EQ(address_group("10.1.0.9"), "10.1.0.9");
  EXPECT_EQ(address_group("::ffff:10.1.0.9"), "10.1.0.9");
  EXPECT_EQ(address_group("x"), "x");
  EXPECT_EQ(address_group(""), "");
}

TEST(ForwardedFor, AMappedEntryIsTheIpv4Client) {
  const auto t = trust({"10.0.0.1"});
  EXPECT_EQ(forwarded_client("10.0.0.1", "::ffff:198.51.100.9", t), "198.51.100.9");
}

TEST(ForwardedFor, AnUntrustedPeerCannotChooseItsAddress) {
  const auto t = trust({"10.0.0.1"});
  EXPECT_EQ(forwarded_client("203.0.113.5", "198.51.100.9", t), "203.0.113.5");
}

TEST(ForwardedFor, ATrustedPeerNamesTheClient) {
  const auto t = trust({"10.0.0.1"});
  EXPECT_EQ(forwarded_client("10.0.0.1", "198.51.100.9", t), "198.51.100.9");
  EXPECT_EQ(forwarded_client("10.0.0.1", std::nullopt, t), "10.0.0.1");
}

TEST(ForwardedFor, WalksFromTheRightPastTrustedProxies) {
  const auto t = trust({"10.0.0.0/8"});
  // The client wrote "1.1.1.1" itself; the first untrusted address a trusted proxy saw wins.
  EXPECT_EQ(forwarded_client("10.0.0.1", "1.1.1.1, 198.51.100.9, 10.0.0.7", t), "198.51.100.9");
  EXPECT_EQ(forwarded_client("10.0.0.1", "1.1.1.1,198.51.100.9", t), "198.51.100.9");
  // Every entry trusted: the furthest proxy.
  EXPECT_EQ(forwarded_client("10.0.0.1", "10.0.0.3, 10.0.0.7", t), "10.0.0.3");
}

TEST(ForwardedFor, MalformedMeansThePeer) {
  const auto t = trust({"10.0.0.0/8"});
  for (const char* bad : {"", " ", "unknown", "198.51.100.9, ", "198.51.100.9,,10.0.0.2",
                          "198.51.100.999", "[2001:db8::1", "1.2.3.4:x", "_hidden, 10.0.0.2"})
    EXPECT_EQ(forwarded_client("10.0.0.1", bad, t), "10.0.0.1") << bad;
  // Malformed to the left of the client does not matter: the walk stops at the client.
  EXPECT_EQ(forwarded_client("10.0.0.1", "garbage, 198.51.100.9", t), "198.51.100.9");
}

TEST(ForwardedFor, PortsAndBracketsAreUnderstoodAndAddressesCanonical) {
  const auto t = trust({"10.0.0.0/8"});
  EXPECT_EQ(forwarded_client("10.0.0.1", "198.51.100.9:4711", t), "198.51.100.9");
  EXPECT_EQ(forwarded_client("10.0.0.1", "[2001:DB8:0::1]:4711", t), "2001:db8::1");
  EXPECT_EQ(forwarded_client("10.0.0.1", "2001:db8:0:0::1", t), "2001:db8::1");
}

TEST(ForwardedFor, APeerTheProxyHeaderNamedMayItselfBeAProxy) {
  // A CDN in front of HAProxy: the PROXY header names the CDN, whose X-Forwarded-For names
  // the client (the listener passes the header's address as the peer).
  const auto t = trust({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(forwarded_client("10.9.9.9", "198.51.100.9", t), "198.51.100.9");
}

}  // namespace
}  // namespace shotcall::server
