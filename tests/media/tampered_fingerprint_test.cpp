// A relay that rewrites the a=fingerprint line of one peer's SDP: the receiving engine drops
// that peer with the fingerprint reason and never plays its audio; untampered links connect.
#include <gtest/gtest.h>


#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

TEST(TamperedFingerprint, ReceiverDropsTheTamperedPeerOthersConnect) {
  Mesh mesh;
  int tampered = 0;
  mesh.tamper = [&](const std::string& from, const std::string& to, const std::string& json) {
    if (from != "bob" || to != "amy" || json.find("\"sdp\":{") == std::string::npos) return json;
    // Rewrite the hex of every a=fingerprint:sha-256 line (in the JSON text, CRLF is \\r\\n).
    const std::string key = "a=fingerprint:sha-256 ";
    const std::string fake =
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
    std::string out = json;
    for (std::size_t at = out.find(key); at != std::string::npos; at = out.find(key, at + 1)) {
      std::size_t begin = at + key.size();
      std::size_t end = out.find('\\', begin);
      if (end == std::string::npos) break;
      out.replace(begin, end - begin, fake);
      ++tampered;
    }
    return out;
  };
  mesh.add("amy", mesh.config(300));
  mesh.add("bob", mesh.config(500));
  mesh.add("cid", mesh.config(700));
  mesh.join("bob", "amy");  // bob's offer to amy is tampered with
  mesh.join("cid", "amy");
  mesh.join("cid", "bob");
  Node& amy = mesh.node("amy");
  auto dropped = [&] {
    for (const auto& r : amy.reasons["bob"]) {
      if (r.find("fingerprint mismatch") != std::string::npos) return true;
    }
    return false;
  };
  ASSERT_TRUE(mesh.run_until(dropped, 60)) << "amy did not refuse bob";
  EXPECT_GE(tampered, 1);
  EXPECT_EQ(amy.phase["bob"], PeerPhase::Failed);
  EXPECT_FALSE(amy.engine->peer_phase("bob").has_value()) << "bob must be gone from amy's mesh";
  ASSERT_TRUE(mesh.run_until(
      [&] { return mesh.connected("amy", "cid") && mesh.connected("bob", "cid"); }, 60));
  ASSERT_TRUE(mesh.run_audio({"cid"}, 20, 60));
  ASSERT_TRUE(mesh.run_until([&] { return amy.loud_levels["cid"] >= 20; }, 60));
  // Not one decoded buffer from the unverified peer reached amy.
  EXPECT_EQ(amy.first_audio["bob"], 0);
  EXPECT_EQ(amy.loud_levels["bob"], 0);
}

}  // namespace
}  // namespace shotcall::test
