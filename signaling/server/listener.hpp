// Accepts TCP connections on the server's listening socket itself and hands each to libsoup
// (soup_server_accept_iostream), instead of soup_server_listen_socket(): libsoup 2.74's listener
// removes its accept watch on the first failed accept (EMFILE included), so one moment without
// a free descriptor stopped the server accepting for good.
//
// Here:
// - a reserve descriptor (/dev/null) is kept open; when accept fails for want of descriptors the
//   reserve is closed, the waiting connection accepted, answered `503` (so a load balancer's
//   /healthz probe gets an answer, not a hang) and closed, so the kernel's queue drains instead
//   of holding the readable listener hot, and the reserve reopened. One warning per episode;
//   every refusal counts in /metrics.
// - the accept watch is never lost: after an error it is re-armed after a short pause.
// - every connection is "pending" until its WebSocket upgrade completes: it must finish within
//   an absolute deadline from the accept (not a per-read timeout a byte at a time can renew),
//   and one address may hold only so many pending connections at once.
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "signaling/server/gobject_ptr.hpp"
#include "signaling/server/log.hpp"

namespace shotcall::server {

struct ListenerSettings {
  unsigned deadline_s = 30;              // accept → upgraded (or the connection is closed)
  std::size_t pending_per_address = 50;  // 0: no limit
};

class Listener {
 public:
  // `refused(reason)` counts a connection closed at once: "descriptors" or "address-pending".
  Listener(SoupServer* server, GSocket* listening, GTlsCertificate* cert, ListenerSettings settings,
           Logger& log, std::function<void(std::string_view)> refused);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Opens the reserve descriptor and starts accepting.
  bool start(std::string& error);
  // Stops accepting (the listening socket stays open until destruction).
  void stop();

  // The connection from `remote` completed its WebSocket upgrade: it leaves the pending set
  // (no deadline any more). Returns its socket (null if unknown), for a prompt close later.
  GObjectPtr<GSocket> upgraded(GSocketAddress* remote);

  std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    GObjectPtr<GSocket> socket;
    std::string address;
    std::int64_t deadline_us = 0;
  };

  static gboolean readable_cb(GSocket*, GIOCondition, gpointer self);
  static gboolean rearm_cb(gpointer self);
  static gboolean tick_cb(gpointer self);
  void accept_ready();
  // Out of descriptors: refuse one waiting connection through the reserve. False when even
  // that failed (the caller pauses instead of spinning on a listener that stays readable).
  bool refuse_through_reserve();
  void hand_to_soup(int fd);
  void arm();
  void pause();
  void forget_closed(const std::string& address);
  std::size_t pending_from(const std::string& address) const;

  SoupServer* server_;
  GObjectPtr<GSocket> listening_;
  GObjectPtr<GTlsCertificate> cert_;
  ListenerSettings settings_;
  Logger& log_;
  std::function<void(std::string_view)> refused_;
  int reserve_fd_ = -1;
  bool exhausted_ = false;  // inside an episode of descriptor exhaustion (logged once)
  GSource* watch_ = nullptr;
  guint rearm_source_ = 0;
  guint tick_source_ = 0;
  bool stopped_ = false;
  // Keyed by the remote "address port".
  std::unordered_map<std::string, Pending> pending_;
};

// "ADDRESS PORT" of an inet socket address ("" for anything else).
std::string endpoint_key(GSocketAddress* address);

}  // namespace shotcall::server
