// One GET of the Live Client Data API with a deadline, reported as a PollOutcome. Internal to
// the poller (libsoup 3, as everything in a process with webrtcbin). Uses soup_session_send_async()
// with a GCancellable, so a request to a silent server can be abandoned at its deadline.
#pragma once

#include <libsoup/soup.h>

#include <chrono>
#include <functional>
#include <string>

#include "app/game/lcd_game_tracker.hpp"

namespace shotcall::game {

class LcdFetch {
 public:
  using Done = std::function<void(PollOutcome outcome)>;

  // Starts the request. `done` runs exactly once on `context` (never from inside start()),
  // unless cancel() comes first. The fetch frees itself once libsoup has let go of it. nullptr
  // (and no `done`) when `url` cannot be parsed.
  static LcdFetch* start(SoupSession* session, const std::string& url,
                         std::chrono::milliseconds timeout, GMainContext* context, Done done);

  // No `done` after this. The request is abandoned (its connection closed) at once.
  void cancel();

 private:
  LcdFetch() = default;
  ~LcdFetch();
  static void on_timeout_fired(LcdFetch* self);
  static void on_sent(GObject* source, GAsyncResult* result, gpointer data);
  static void on_read(GObject* source, GAsyncResult* result, gpointer data);
  void read_more();
  void finish(PollOutcome outcome);
  PollOutcome failure(const GError* error) const;

  Done done_;
  SoupMessage* msg_ = nullptr;         // ours
  GCancellable* cancellable_ = nullptr;
  GInputStream* body_stream_ = nullptr;
  GSource* timer_ = nullptr;
  std::string body_;
  bool timed_out_ = false;
};

}  // namespace shotcall::game
