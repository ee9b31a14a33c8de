// Replacements as they travel between instances (signaling/server/cluster/replacement_message.hpp):
// each kind reads back as it was sent, an instance ignores its own, and one naming nobody is
// dropped. Pure: no Redis.
#include "signaling/server/cluster/replacement_message.hpp"

#include <gtest/gtest.h>

namespace shotcall::server {
namespace {

TEST(ReplacementMessage, EachKindReadsBackAsSent) {
  const std::vector<core::Replacement> kinds{
      {"Ahri#EUW", "KEY-KEPT", {}, "verified on another device"},
      {"Ahri#EUW", std::nullopt, {"KEY-A", "KEY-B"}, "unlinked"},
      {"Ahri#EUW", "KEY-KEPT", {"KEY-A"}, "both"},
  };
  for (const core::Replacement& sent : kinds) {
    const std::string text = encode_replacement("instance-a", sent);
    SCOPED_TRACE(text);
    EXPECT_EQ(decode_replacement(text, "instance-b"), sent);
    EXPECT_EQ(decode_replacement(text, "instance-a"), std::nullopt);  // its own
  }
}

TEST(ReplacementMessage, OneNamingNobodyOrMalformedIsDropped) {
  EXPECT_EQ(decode_replacement(encode_replacement("a", {"Ahri#EUW", std::nullopt, {}, "why"}), "b"),
            std::nullopt);
  EXPECT_EQ(decode_replacement(R"({"i":"a","r":"Ahri#EUW","w":"why","x":[5]})", "b"), std::nullopt);
  EXPECT_EQ(decode_replacement("not json", "b"), std::nullopt);
}

}  // namespace
}  // namespace shotcall::server
