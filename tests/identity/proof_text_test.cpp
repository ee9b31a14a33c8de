#include "signaling/identity/proof_text.hpp"

#include <gtest/gtest.h>

namespace shotcall::identity {
namespace {

TEST(ProofText, WirePurposes) {
  EXPECT_EQ(to_wire(Purpose::Register), "register");
  EXPECT_EQ(to_wire(Purpose::VerifyRiot), "verify-riot");
  EXPECT_EQ(to_wire(Purpose::LinkRequest), "link-request");
}

TEST(ProofText, ExactBytes) {
  EXPECT_EQ(proof_text(Purpose::Register, "voice.example.org", "Y2hhbGxlbmdlLTE2Ynl0ZXM",
                       "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "Foo#EUW"),
            "shotcall-identity-1\nregister\nvoice.example.org\nY2hhbGxlbmdlLTE2Ynl0ZXM\n"
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\nFoo#EUW");
  EXPECT_EQ(proof_text(Purpose::VerifyRiot, "127.0.0.1:8443", "c", "k", "a#b"),
            "shotcall-identity-1\nverify-riot\n127.0.0.1:8443\nc\nk\na#b");
  EXPECT_EQ(proof_text(Purpose::LinkRequest, "[::1]:9000", "c", "k", "a#b"),
            "shotcall-identity-1\nlink-request\n[::1]:9000\nc\nk\na#b");
}

TEST(ProofText, KeepsTheRiotIdExactlyAsSent) {
  // Not case-folded, not normalised: the server looks bindings up by the folded form, but the
  // signature covers what was sent.
  const std::string text = proof_text(Purpose::Register, "h", "c", "k", "Ärger Straße#EUW");
  EXPECT_EQ(text, "shotcall-identity-1\nregister\nh\nc\nk\nÄrger Straße#EUW");
}

TEST(DialHost, OmitsTheSchemesDefaultPort) {
  EXPECT_EQ(dial_host("ws", "example.org", 80), "example.org");
  EXPECT_EQ(dial_host("wss", "example.org", 443), "example.org");
}

TEST(DialHost, KeepsOtherPorts) {
  EXPECT_EQ(dial_host("ws", "example.org", 443), "example.org:443");
  EXPECT_EQ(dial_host("wss", "example.org", 80), "example.org:80");
  EXPECT_EQ(dial_host("ws", "127.0.0.1", 8765), "127.0.0.1:8765");
  EXPECT_EQ(dial_host("wss", "localhost", 8443), "localhost:8443");
}

TEST(DialHost, LowersTheHost) {
  EXPECT_EQ(dial_host("wss", "Voice.EXAMPLE.org", 443), "voice.example.org");
  EXPECT_EQ(dial_host("ws", "LocalHost", 9000), "localhost:9000");
}

TEST(DialHost, BracketsIpv6Literals) {
  EXPECT_EQ(dial_host("ws", "::1", 9000), "[::1]:9000");
  EXPECT_EQ(dial_host("ws", "[::1]", 9000), "[::1]:9000");
  EXPECT_EQ(dial_host("wss", "2001:DB8::A", 443), "[2001:db8::a]");
  EXPECT_EQ(dial_host("wss", "[2001:DB8::A]", 8443), "[2001:db8::a]:8443");
}

}  // namespace
}  // namespace shotcall::identity
