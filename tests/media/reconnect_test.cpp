// A failed link is torn down and rebuilt from a fresh offer (webrtcbin 1.22 cannot restart
// ICE), and the peers hear each other again.
#include <gtest/gtest.h>


#include "tests/media/mesh_harness.hpp"

namespace shotcall::test {
namespace {

media::VoiceConfig fast_failure(Mesh& mesh, double freq) {
  media::VoiceConfig c = mesh.config(freq);
  c.stats_interval_ms = 250;
  c.media_timeout_ms = 1500;
  c.retry.base_delay_ms = 200;
  return c;
}

bool has_reason(Node& n, const std::string& peer, const std::string& text) {
  for (const auto& r : n.reasons[peer]) {
    if (r.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Reconnect, AnswererDropsItsSideOffererNoticesAndReoffers) {
  Mesh mesh;
  mesh.add("off", fast_failure(mesh, 400));
  mesh.add("ans", fast_failure(mesh, 800));
  mesh.join("off", "ans");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("off", "ans"); }, 60));
  ASSERT_TRUE(mesh.run_audio({"off", "ans"}, 5, 60));

  // The answerer loses its link (a crash of that side, say) and waits for a new offer.
  Node& ans = mesh.node("ans");
  ans.engine->remove_peer("off");
  ans.engine->add_peer("off", "off", false);
  Node& off = mesh.node("off");
  // The offerer's media watchdog sees the silence, recreates, and offers afresh.
  ASSERT_TRUE(mesh.run_until([&] { return off.connected_count["ans"] >= 2; }, 60))
      << "offerer never reconnected";
  EXPECT_TRUE(has_reason(off, "ans", "no audio received"));
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("off", "ans"); }, 60));
  const int before = ans.loud_levels["off"];
  ASSERT_TRUE(mesh.run_until([&] { return ans.loud_levels["off"] >= before + 10; }, 60));
  ASSERT_TRUE(mesh.run_audio({"off", "ans"}, 10, 60));
  EXPECT_EQ(ans.first_audio["off"], 2);  // once per link
}

TEST(Reconnect, OffererFailureRecreatesAndAnswererRebuildsOnTheNewOffer) {
  Mesh mesh;
  mesh.add("off", fast_failure(mesh, 400));
  mesh.add("ans", fast_failure(mesh, 800));
  mesh.join("off", "ans");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("off", "ans"); }, 60));
  Node& off = mesh.node("off");
  Node& ans = mesh.node("ans");
  // The first link carries audio both ways before it fails, so each side counts one first
  // audio per link below. (Under ASan the first buffer comes well after "connected"; this
  // test used to inject the failure before it and was skipped there as a mystery.)
  ASSERT_TRUE(mesh.run_until(
      [&] { return ans.first_audio["off"] >= 1 && off.first_audio["ans"] >= 1; }, 60));
  // Inject a failure on the offerer (as a DTLS or ICE failure would report it).
  ASSERT_TRUE(off.engine->fail_peer("ans", "injected failure"));
  EXPECT_EQ(off.phase["ans"], PeerPhase::Failed);
  // The answerer receives an offer for a peer it already has: it recreates its link too.
  ASSERT_TRUE(mesh.run_until(
      [&] { return off.connected_count["ans"] >= 2 && ans.connected_count["off"] >= 2; }, 60));
  const int before = ans.loud_levels["off"];
  ASSERT_TRUE(mesh.run_until([&] { return ans.loud_levels["off"] >= before + 10; }, 60));
  // Each side's rebuilt link decodes its first buffer in its own time (slow under sanitizers).
  ASSERT_TRUE(mesh.run_until(
      [&] { return ans.first_audio["off"] >= 2 && off.first_audio["ans"] >= 2; }, 60))
      << "first audio: ans from off " << ans.first_audio["off"] << ", off from ans "
      << off.first_audio["ans"] << "\n" << mesh.history("off") << "\n" << mesh.history("ans")
      << "\n" << mesh.traffic("off", "ans") << "\n" << mesh.traffic("ans", "off");
  EXPECT_EQ(ans.first_audio["off"], 2);  // once per link
  EXPECT_EQ(off.first_audio["ans"], 2);
}

TEST(Reconnect, GivesUpAfterTheRetryLimit) {
  Mesh mesh;
  media::VoiceConfig c = fast_failure(mesh, 400);
  c.retry.max_retries = 2;
  mesh.add("off", c);
  // Nobody answers: the offers go to an engine that does not know us.
  mesh.add("ghost", fast_failure(mesh, 800));
  Node& off = mesh.node("off");
  off.engine->add_peer("ghost", "ghost", true);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(mesh.run_until([&] { return off.engine->peer_phase("ghost") == PeerPhase::Connecting; }, 30));
    off.engine->fail_peer("ghost", "ICE failed");
  }
  EXPECT_FALSE(off.engine->peer_phase("ghost").has_value());
  EXPECT_TRUE(has_reason(off, "ghost", "gave up after 2 retries"));
  // Reported once the link is gone, and only then: the app's session lets a teammate who left
  // meanwhile go on that report only when the engine no longer holds their link (session.cpp),
  // so that one who comes back gets a new link. Reported before, while the engine still held
  // it, the session kept the teammate "linked" to nothing: silent until someone rejoined.
  EXPECT_EQ(off.final_failures["ghost"], 1);
}

// The first answer is lost on the way (as when the server that relays it goes away): the
// offerer's wait for it runs out, it offers again, and the answer to that one comes through.
// Before, the connect timeout (20 s) ended the wait, saying the network had no path and asking
// for a relay (TURN), which was not what went wrong.
TEST(Reconnect, AnAnswerLostOnTheWayIsAskedForAgain) {
  Mesh mesh;
  media::VoiceConfig c = fast_failure(mesh, 400);
  // Long enough for every later offer's answer under a sanitizer on a busy machine: an answer
  // that came after its wait would be taken for the next offer's (answers carry no offer id).
  c.retry.offer_wait_ms = 4000;
  mesh.add("off", c);
  mesh.add("ans", fast_failure(mesh, 800));
  int answers = 0;
  mesh.tamper = [&](const std::string&, const std::string&, const std::string& json) {
    const bool answer = json.find("\"answer\"") != std::string::npos;
    return answer && ++answers == 1 ? std::string{} : json;  // an empty signal is not read
  };
  mesh.join("off", "ans");
  Node& off = mesh.node("off");
  ASSERT_TRUE(mesh.run_until([&] { return mesh.connected("off", "ans"); }, 60))
      << mesh.history("off") << "\n"
      << mesh.history("ans");
  EXPECT_GE(answers, 2);
  EXPECT_TRUE(has_reason(off, "ans", "no answer in 4000 ms")) << mesh.history("off");
  ASSERT_TRUE(mesh.run_audio({"off", "ans"}, 3, 60));
}

// Every "127.0.0.1 <port> typ" in a signal's candidate lines with the port replaced by 9 (discard).
// By hand, not std::regex: GCC 12 with the sanitizers warns inside <regex> (maybe-uninitialized).
std::string with_port_nine(const std::string& json) {
  static const std::string kAddress = "127.0.0.1 ";
  std::string out;
  std::size_t from = 0;
  for (std::size_t at; (at = json.find(kAddress, from)) != std::string::npos;) {
    std::size_t digits = at + kAddress.size();
    std::size_t end = digits;
    while (end < json.size() && json[end] >= '0' && json[end] <= '9') ++end;
    out.append(json, from, digits - from);
    if (end > digits && json.compare(end, 4, " typ") == 0)
      out += "9";
    else
      out.append(json, digits, end - digits);
    from = end;
  }
  out.append(json, from, std::string::npos);
  return out;
}

// Every candidate points at a port nobody listens on: no pair can work, and the failure the
// engine reports says in words what was tried and that no relay (TURN) was there to help.
TEST(Reconnect, UnreachablePeerIsExplainedInWords) {
  Mesh mesh;
  media::VoiceConfig c = fast_failure(mesh, 400);
  c.connect_timeout_ms = 3000;
  mesh.add("off", c);
  mesh.add("ans", fast_failure(mesh, 800));
  int rewritten = 0;
  mesh.tamper = [&](const std::string&, const std::string&, const std::string& json) {
    const std::string out = with_port_nine(json);
    if (out != json) ++rewritten;
    return out;
  };
  mesh.join("off", "ans");
  Node& off = mesh.node("off");
  ASSERT_TRUE(mesh.run_until([&] { return has_reason(off, "ans", "Can't reach ans"); }, 60))
      << mesh.history("off");
  EXPECT_GT(rewritten, 0);
  EXPECT_TRUE(has_reason(off, "ans", "this server offers no relay (TURN)")) << mesh.history("off");
  // The harness names each peer "<id> (Riot#EUW)".
  EXPECT_TRUE(has_reason(off, "ans",
                         "Tried your local address (host) and ans (Riot#EUW)'s local "
                         "address (host)."))
      << mesh.history("off");
  EXPECT_EQ(off.connected_count["ans"], 0);
}

}  // namespace
}  // namespace shotcall::test
