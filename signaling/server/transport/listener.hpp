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
// - on plain TCP, the first request's head is looked at in the kernel's buffer (MSG_PEEK, with
//   SO_RCVLOWAT so the socket wakes us only when more has arrived) before libsoup sees it: a
//   head over kMaxRequestHead is answered `431` and the connection closed gracefully. libsoup
//   2.74 would read up to 64 KiB and then drop the connection with the rest unread, which the
//   client sees as a TCP reset and no answer. Later requests on a kept-alive connection, and
//   requests over the server's own TLS, meet libsoup's limit only.
// - a connection from a trusted proxy (--trusted-proxy) may start with a PROXY protocol header
//   (proxy_header.hpp), plain TCP or before TLS alike: it is read, checked and consumed here,
//   so libsoup never sees it, and from then on the connection goes by the client the header
//   names (its pending count too). The header has at most kProxyHeaderUs, within the deadline.
//   The header is optional, so one list serves both HAProxy (send-proxy-v2) and HTTP proxies
//   that only add X-Forwarded-For; see docs/self-hosting.md, "Behind a proxy", for why that is
//   safe. Untrusted peers are never read for it: their "PROXY …" is a bad HTTP request.
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/glib_ptr.hpp"
#include "signaling/server/ops/log.hpp"
#include "signaling/server/transport/client_address.hpp"
#include "signaling/server/transport/request_head.hpp"

namespace shotcall::server {

// The largest request head (request line and headers) read: Node's default. A WebSocket upgrade
// needs well under 1 KiB; the rest is room for cookies the server's host name may carry.
constexpr std::size_t kMaxRequestHead = 16 * 1024;

struct ListenerSettings {
  unsigned deadline_s = 30;              // accept → upgraded (or the connection is closed)
  std::size_t pending_per_address = 50;  // 0: no limit
  TrustedProxies trusted;                // peers that may send a PROXY header
};

class Listener {
 public:
  // `refused(reason)` counts a connection closed at once: "descriptors", "address-pending",
  // "head-too-large" or "proxy-header" (a trusted peer's header that is malformed or too long).
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
  GPtr<GSocket> upgraded(GSocketAddress* remote);

  std::size_t pending() const { return pending_.size(); }

  // The address the connection from `remote` goes by: the client its PROXY header named, else
  // its peer's address; `proxy_header` says a header came, naming a client or not (then no
  // X-Forwarded-For may name one: behind a TCP balancer the client writes that header).
  // nullopt when the connection is not (or no longer) pending.
  struct PendingAddress {
    std::string address;
    bool proxy_header = false;
  };
  std::optional<PendingAddress> address_of_pending(GSocketAddress* remote) const;

 private:
  // Waiting for a trusted peer's PROXY header, for the request head (plain TCP), handed to
  // libsoup, or refused and draining what the client still sends so that closing does not
  // reset the connection before it has read the answer.
  enum class Stage { Proxy, Head, Soup, Draining };
  struct Pending {
    GPtr<GSocket> socket;
    std::string address;
    std::int64_t deadline_us = 0;
    Stage stage = Stage::Soup;
    GSource* watch = nullptr;  // Head and Draining: readable on the socket
    GPtr<GSocketAddress> local, remote;
    RequestHeadJudge head{kMaxRequestHead};
    std::int64_t handshake_deadline_us = 0;  // deadline_us once past Stage::Proxy
    bool proxy_header = false;               // a PROXY header came, naming a client or not
    std::string group;  // address_group(address), kept: counted against every new connection
  };

  static gboolean readable_cb(GSocket*, GIOCondition, gpointer self);
  static gboolean rearm_cb(gpointer self);
  static gboolean tick_cb(gpointer self);
  void accept_ready();
  // Out of descriptors: refuse one waiting connection through the reserve. False when even
  // that failed (the caller pauses instead of spinning on a listener that stays readable).
  bool refuse_through_reserve();
  void hand_to_soup(int fd);
  void start_soup(const std::string& key, Pending& p);
  static gboolean head_readable_cb(GSocket*, GIOCondition, gpointer data);
  // One readable wake-up of a connection in Head or Draining.
  void on_readable(const std::string& key);
  // One readable wake-up in Stage::Proxy.
  void on_proxy_readable(std::unordered_map<std::string, Pending>::iterator it);
  // Past the PROXY stage (or without one): on to the request head, or straight to libsoup.
  void after_proxy(const std::string& key, Pending& p);
  void watch_socket(const std::string& key, Pending& p);
  // Removes the entry; closes the socket when libsoup does not own it.
  void drop(std::unordered_map<std::string, Pending>::iterator it);
  static void stop_watch(Pending& p);
  void arm();
  void pause();
  void forget_closed(const std::string& address);
  std::size_t pending_from(const std::string& address) const;

  SoupServer* server_;
  GPtr<GSocket> listening_;
  GPtr<GTlsCertificate> cert_;
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
  std::string peek_buffer_ = std::string(kMaxRequestHead + 1, '\0');
};

// "ADDRESS PORT" of an inet socket address ("" for anything else).
std::string endpoint_key(GSocketAddress* address);

}  // namespace shotcall::server
