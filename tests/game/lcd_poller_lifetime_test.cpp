// LcdPoller's lifetime (stopped or destroyed at awkward moments) and the lcd-standin program.
#include "app/game/lcd_poller.hpp"

#include <gio/gio.h>
#include <gtest/gtest.h>

#include "tests/game/fixtures.hpp"
#include "tests/game/poller_helpers.hpp"

namespace shotcall::game {
namespace {

using namespace game_test;
using test::LcdPhase;
using test::LcdStandin;
using test::LcdStandinOptions;

// A listener may stop or destroy the poller from inside its callback.
TEST(LcdPollerLifetime, DestroyedFromItsOwnCallback) {
  auto standin = make_standin();
  ASSERT_TRUE(standin);
  ASSERT_TRUE(standin->set_phase(LcdPhase::Loading));
  auto doomed = make_poller(standin->base_url(), standin->ca_file(), 10ms);
  ASSERT_TRUE(doomed);
  int calls = 0;
  doomed->set_state_callback([&](LcdState, const std::string&) {
    ++calls;
    doomed.reset();
  });
  doomed->start();
  ASSERT_TRUE(run_until([&] { return !doomed; }, kDeadline));
  const auto before = standin->requests();

  // A second poller as the clock: while it gets three answers the first sends nothing more.
  auto witness = make_poller(standin->base_url(), standin->ca_file(), 10ms);
  ASSERT_TRUE(witness);
  witness->start();
  ASSERT_TRUE(run_until([&] { return witness->polls_completed() >= 3; }, kDeadline));
  EXPECT_EQ(standin->requests(), before + witness->polls_completed());
  EXPECT_EQ(calls, 1);
}

TEST(LcdPollerLifetime, DestroyedWithARequestInFlight) {
  auto standin = make_standin();
  ASSERT_TRUE(standin);
  standin->set_response_delay(std::chrono::minutes(10));
  ASSERT_TRUE(standin->set_phase(LcdPhase::Loading));
  auto poller = make_poller(standin->base_url(), standin->ca_file(), 10ms, 60s);
  ASSERT_TRUE(poller);
  poller->start();
  ASSERT_TRUE(run_until([&] { return standin->in_flight() == 1; }, kDeadline));
  poller.reset();
  // The request is dropped with the poller; libsoup lets go of it on a later turn of the loop.
  ASSERT_TRUE(run_until([&] { return standin->abandoned() == 1; }, kDeadline));
  EXPECT_EQ(standin->in_flight(), 0);
}

TEST(LcdPollerLifetime, StopCancelsTheRequestInFlight) {
  auto standin = make_standin();
  ASSERT_TRUE(standin);
  standin->set_response_delay(std::chrono::minutes(10));
  ASSERT_TRUE(standin->set_phase(LcdPhase::Loading));
  auto poller = make_poller(standin->base_url(), standin->ca_file(), 10ms, 60s);
  ASSERT_TRUE(poller);
  Recorder rec;
  rec.attach(*poller);
  poller->start();
  ASSERT_TRUE(run_until([&] { return standin->in_flight() == 1; }, kDeadline));
  poller->stop();
  // The stand-in sees the client hang up; no callback fires for the cancelled request.
  ASSERT_TRUE(run_until([&] { return standin->abandoned() == 1; }, kDeadline))
      << "in flight " << standin->in_flight() << ", requests " << standin->requests();
  EXPECT_TRUE(rec.states.empty());
  EXPECT_EQ(poller->polls_completed(), 0u);
  EXPECT_EQ(standin->requests(), 1u);
}

// The game exits while an answer is on its way: the poller ends up back at NoClient (a poller
// that never saw the game), the stand-in drops the delayed answer cleanly.
TEST(LcdPollerLifetime, ServerGoesDownWhileAnswering) {
  auto standin = make_standin();
  ASSERT_TRUE(standin);
  standin->set_response_delay(std::chrono::minutes(10));
  ASSERT_TRUE(standin->set_phase(LcdPhase::Loading));
  auto poller = make_poller(standin->base_url(), standin->ca_file(), 10ms, 60s);
  ASSERT_TRUE(poller);
  Recorder rec;
  rec.attach(*poller);
  poller->start();
  ASSERT_TRUE(run_until([&] { return standin->in_flight() == 1; }, kDeadline));
  ASSERT_TRUE(standin->set_phase(LcdPhase::Down));
  EXPECT_EQ(standin->in_flight(), 0);
  ASSERT_TRUE(run_until([&] { return poller->state() == LcdState::NoClient; }, kDeadline))
      << to_string(poller->state()) << ": " << poller->detail();
  EXPECT_FALSE(rec.saw(LcdState::InGame));
}

// The lcd-standin program, as the demo runs it.
TEST(LcdStandinProgram, ServesADocumentAfterLoading) {
  TempDir certs;
  const std::string document = fixture_path("aram_map12_de.json");
  GError* error = nullptr;
  GSubprocess* proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, SHOTCALL_LCD_STANDIN_BINARY,
                                       "--port", "0", "--cert-dir", certs.path().c_str(), "--document",
                                       document.c_str(), "--loading-seconds", "0.5", nullptr);
  ASSERT_TRUE(proc) << (error ? error->message : "");
  GDataInputStream* out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc));
  struct Line {
    bool done = false;
    std::string text;
  } line;
  g_data_input_stream_read_line_async(
      out, G_PRIORITY_DEFAULT, nullptr,
      [](GObject* src, GAsyncResult* res, gpointer data) {
        auto* l = static_cast<Line*>(data);
        gchar* text = g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(src), res, nullptr, nullptr);
        l->text = text ? text : "";
        g_free(text);
        l->done = true;
      },
      &line);
  ASSERT_TRUE(run_until([&] { return line.done; }, kDeadline));
  const std::string prefix = "listening on ";
  ASSERT_EQ(line.text.rfind(prefix, 0), 0u) << line.text;
  const std::string url = line.text.substr(prefix.size());
  EXPECT_EQ(url.rfind("https://127.0.0.1:", 0), 0u) << url;

  auto poller = make_poller(url, certs.path() + "/ca.pem");
  ASSERT_TRUE(poller);
  Recorder rec;
  rec.attach(*poller);
  poller->start();
  ASSERT_TRUE(run_until([&] { return poller->state() == LcdState::InGame; }, kDeadline)) << poller->detail();
  EXPECT_EQ(rec.states.front(), LcdState::Loading);
  ASSERT_EQ(rec.snapshots.size(), 1u);
  EXPECT_EQ(rec.snapshots[0].game_mode, "ARAM");
  poller.reset();

  bool exited = false;
  g_subprocess_send_signal(proc, SIGTERM);
  g_subprocess_wait_async(
      proc, nullptr, [](GObject*, GAsyncResult*, gpointer data) { *static_cast<bool*>(data) = true; }, &exited);
  ASSERT_TRUE(run_until([&] { return exited; }, kDeadline));
  EXPECT_TRUE(g_subprocess_get_if_exited(proc));
  EXPECT_EQ(g_subprocess_get_exit_status(proc), 0);
  g_object_unref(out);
  g_object_unref(proc);
}

}  // namespace
}  // namespace shotcall::game
