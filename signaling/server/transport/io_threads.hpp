// The server's WebSockets spread over threads, each polling its own GMainContext, so that a
// wake-up walks only its share of the connections: GLib's prepare, check and poll visit every
// source of a context on every wake-up, which made a relay cost more the more players sat idle
// (docs/performance.md, "Signaling: one poll over every connection").
//
// The server's logic stays single-threaded as written: every one of these threads, and the main
// one, runs its loop's callbacks holding one lock and lets go of it only while it waits in
// poll(2). So nothing the server keeps needs a lock of its own, a relay from a connection on one
// thread to a connection on another is a plain write from the first (no hop between threads),
// and what grows with idle connections — the walks — happens in each thread's small share.
// Code of the server's that runs on a thread of its own (the liveness beacon shares only an atomic)
// must take the same lock or hand its work to the main loop.
// Threads start as connections arrive, one for every `per_thread` connections up to a maximum:
// a walk costs about a microsecond per connection on a small VM, so shares stay small.
#pragma once

#include <glib.h>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace shotcall::server {

// One turn of `context`'s loop, which this thread owns: prepare, poll, check and dispatch, with
// `held` locked throughout but for the wait in poll(2). `fds` is scratch space kept between turns.
void iterate_holding(GMainContext* context, std::unique_lock<std::mutex>& held,
                     std::vector<GPollFD>& fds);

// Turns the loop of `loop`'s context on this thread while `loop` is running (make it with
// is_running TRUE; g_main_loop_quit ends it), holding `lock` but in poll(2).
void run_holding(GMainLoop* loop, std::mutex& lock);

class IoThreads {
 public:
  // At most `max_threads` threads (0: none; every connection stays on the caller's loop), a new
  // one started once each running thread holds `per_thread` connections. Call every member but
  // stop() holding `lock`.
  IoThreads(std::mutex& lock, unsigned max_threads, unsigned per_thread);
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  // The thread a new connection goes to: the least loaded one, or a new one when all hold
  // `per_thread` and there is room. Counts the connection until release(). 0 without threads.
  unsigned take();
  void release(unsigned index);
  unsigned running() const { return static_cast<unsigned>(threads_.size()); }

  // Runs `job` on thread `index` (from take()), holding the lock, with that thread's context as
  // the thread-default one: what the job creates (a SoupWebsocketConnection) is polled there.
  // Without threads, runs it at once.
  void post(unsigned index, std::function<void()> job);
  // Ends and joins the threads; call without holding the lock. Jobs not run by then are dropped.
  void stop();

 private:
  struct Thread;
  void start_thread();

  std::mutex& lock_;
  unsigned max_threads_;
  unsigned per_thread_;
  std::vector<std::unique_ptr<Thread>> threads_;
};

}  // namespace shotcall::server
