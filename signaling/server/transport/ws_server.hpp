// The libsoup shell around the pairing core: a SoupServer on the thread-default GMainContext
// serving the WebSocket at /ws, GET /healthz and GET /metrics. It turns frames into
// core::Pairing calls and the core's Outbox into frames, and enforces the transport limits
// (frame size, rate, connections per address and in all, keepalive). Handshakes and HTTP run on
// the main loop; each WebSocket, once open, is polled by one of the IoThreads, and every callback
// on any of them runs holding `loop_lock_` (io_threads.hpp), so the code below is single-threaded.
#pragma once

#include <libsoup/soup.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/glib_ptr.hpp"
#include "signaling/core/pairing.hpp"
#include "signaling/server/call_clock.hpp"
#include "signaling/server/ops/log.hpp"
#include "signaling/server/ops/metrics.hpp"
#include "signaling/server/ops/server_config.hpp"
#include "signaling/server/pairing_runner.hpp"
#include "signaling/server/riot_bridge.hpp"
#include "signaling/server/transport/admission.hpp"
#include "signaling/server/transport/io_threads.hpp"
#include "signaling/server/transport/listener.hpp"
#include "signaling/server/transport/ws_connection.hpp"
#include "signaling/server/verification_bridge.hpp"
#include "signaling/store/identity_store.hpp"
#include "signaling/store/memory_store.hpp"

namespace shotcall::server {

class WsServer final : private WsEvents {
 public:
  WsServer(ServerConfig config, Logger& log);
  ~WsServer() override;
  WsServer(const WsServer&) = delete;
  WsServer& operator=(const WsServer&) = delete;

  // Loads the certificate (if any) and starts listening. On failure returns false and sets
  // `error` to a message for the operator and `bad_config` when the settings were at fault
  // (e.g. an unreadable certificate) rather than the system (e.g. the port is taken).
  bool start(std::string& error, bool& bad_config);
  // ws://HOST:PORT/ws (wss:// with TLS), with the port actually bound. Valid after start().
  const std::string& url() const { return url_; }
  // Runs the main loop (`loop`, made with is_running TRUE) until g_main_loop_quit, holding the
  // loop lock but while it waits, as the IoThreads do.
  void run(GMainLoop* loop);

  // Graceful stop: refuse new connections, /healthz → 503, close every client with 1001, and
  // call `done` once all have closed or after `grace_ms`, whichever is first.
  void shutdown(std::function<void()> done, unsigned grace_ms = 2000);

 private:
  // WsEvents
  void on_message(WsConnection& conn, SoupWebsocketDataType type, GBytes* data) override;
  void on_alive(WsConnection& conn) override;
  void on_closed(WsConnection& conn) override;

  static void handshake_cb(SoupServer*, SoupMessage*, const char*, GHashTable*, SoupClientContext*,
                           gpointer self);
  static void upgraded_cb(SoupMessage* msg, gpointer pending);
  static gboolean faults_cb(gpointer self);
  static void healthz_cb(SoupServer*, SoupMessage*, const char*, GHashTable*, SoupClientContext*,
                         gpointer self);
  static void metrics_cb(SoupServer*, SoupMessage*, const char*, GHashTable*, SoupClientContext*,
                         gpointer self);
  static gboolean liveness_tick_cb(gpointer self);
  static gboolean sweep_tick_cb(gpointer self);
  static gboolean purge_cb(gpointer self);
  static gboolean grace_expired_cb(gpointer self);

  // Hands the stolen socket stream of a completed handshake to the least loaded IoThread, which
  // opens the WebSocket on it. `socket` (may be null) lets a failed connection be cut at once.
  void accept(GIOStream* base, GSocket* socket, SoupMessage* handshake,
              const std::string& address);
  // What a completed handshake hands to its IoThread (the handshake is gone by the time it runs).
  struct Opening {
    GPtr<GIOStream> base;
    GPtr<GSocket> socket;
    std::string uri;
    std::string origin;  // empty: none sent
    std::string address;
    Admit verdict;  // its slot, taken in accept()
    unsigned io_thread;
  };
  // On that thread: wraps the stream in a FrameGuard, starts the WebSocket, and admits it, or
  // closes it at once when its verdict says no.
  void open_websocket(Opening& o);
  // Runs `job` on the main loop after the jobs already waiting there: the Riot watcher and
  // Riot's HTTP session work on the main context (libsoup queues on the caller's thread-default
  // one), and their requests keep the order the core made them in.
  void on_main(std::function<void()> job);
  static gboolean main_jobs_cb(gpointer self);
  // Fails the connections whose FrameGuard tripped or whose pings flooded (from an idle).
  void close_faulted();
  // Whether a ping or pong from `id` may go on to libsoup: control frames spend the same frame
  // budget as messages, so a ping flood is dropped (and closed) like a message flood.
  bool admit_control_frame(core::ConnId id, bool ping, std::uint64_t payload_bytes);
  void handle_frame(WsConnection& conn, SoupWebsocketDataType type, GBytes* data,
                    std::int64_t received_us);
  // Sends the core's answers, encoding each distinct message once. `relay_start_us` (monotonic)
  // is when the frame that caused them arrived; relayed `signal`s are timed against it.
  void deliver(const core::Outbox& out, std::int64_t relay_start_us = 0);
  void send_error(WsConnection& conn, protocol::ErrorCode code, std::string message);
  // Sends `text`, or closes a client that does not read with 4008 (ws_connection.hpp) when its
  // queue is full. False when nothing was sent.
  bool send_or_close_slow(WsConnection& conn, const std::string& text);
  // Tells the core (and so the channel) that `conn` left, once, and gives back its slot.
  void depart(WsConnection& conn);
  void maybe_finish_shutdown();
  // Where the runner sends the core's answers, watch requests and Riot lookups.
  RunnerSink runner_sink();
  // The `host` values identity-1 proofs may name, once the listening port is known.
  std::vector<std::string> accepted_hosts() const;
  // Whether the identity database answers, asked at most every few seconds (/healthz, log).
  bool identity_store_up();
  std::uint16_t bound_port_ = 0;
  std::int64_t identity_checked_us_ = 0;
  bool identity_up_ = true;

  ServerConfig config_;
  Logger& log_;
  // Held by whichever thread runs a callback of this server (io_threads.hpp).
  std::mutex loop_lock_;
  std::unique_ptr<IoThreads> io_;  // made in start()
  std::size_t opening_ = 0;        // handed to an IoThread, not yet in conns_
  std::deque<std::function<void()>> main_jobs_;
  guint main_jobs_source_ = 0;
  CallClock clock_;
  std::string instance_;  // with Redis: names this instance and prefixes its peer ids
  std::unique_ptr<core::ChannelStore> store_;  // MemoryStore, or the SnapshotStore of a call
  // identity-1's bindings database (SQLite or PostgreSQL); null when it could not be opened,
  // and then start() fails with `identity_store_error_`.
  std::string identity_store_error_;
  std::unique_ptr<store::IdentityStore> identity_store_;
  core::Pairing pairing_;
  // Runs the core alone or sharing Redis (pairing_runner.hpp); made in start(), never null after.
  std::unique_ptr<PairingRunner> runner_;
  ServerMetrics metrics_;
  Admission admission_;
  std::unique_ptr<RiotBridge> riot_;  // server-side game detection; null without a Riot key
  // identity-1's Riot verification; null without a Riot key or with --riot-verify-share 0
  std::unique_ptr<VerificationBridge> verify_;
  GPtr<SoupServer> server_;
  std::unique_ptr<Listener> listener_;  // accepts for server_ (listener.hpp says why)
  std::string url_;
  std::string rate_limited_text_;

  core::ConnId next_id_ = 1;
  std::unordered_map<core::ConnId, std::unique_ptr<WsConnection>> conns_;
  // Closed connections wait here until the signal emission that closed them has returned.
  std::vector<std::unique_ptr<WsConnection>> graveyard_;

  guint liveness_source_ = 0;
  guint sweep_source_ = 0;
  guint purge_source_ = 0;
  guint grace_source_ = 0;
  guint faults_source_ = 0;
  // Connections to fail from an idle (their fault was found inside libsoup's read).
  struct Fault {
    core::ConnId id;
    int code;            // 1009 too big, 1002 protocol error, 1008 control-frame flood, 4008
                         // pongs queued past the limit (a close handshake: nothing is broken)
    const char* event;   // for the log
    const char* reason;  // for the close frame
  };
  std::vector<Fault> faults_;
  bool shutting_down_ = false;
  std::function<void()> shutdown_done_;
};

}  // namespace shotcall::server
