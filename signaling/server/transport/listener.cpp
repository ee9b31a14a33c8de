#include "signaling/server/transport/listener.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "signaling/server/transport/client_address.hpp"
#include "signaling/server/transport/proxy_header.hpp"

namespace shotcall::server {
namespace {

// Connections accepted per wake-up before the main loop serves others again.
constexpr int kAcceptBatch = 64;
// After an accept error that the reserve could not absorb, try again this much later.
constexpr guint kRearmMs = 100;

// What a connection refused for want of descriptors reads: a load balancer's /healthz probe
// gets an answer (not a hang), and a client knows to come back later.
constexpr char kFullResponse[] =
    "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\n"
    "Retry-After: 5\r\nContent-Length: 39\r\n\r\nserver full: no free file descriptors\r\n";
static_assert(sizeof "server full: no free file descriptors\r\n" - 1 == 39);

// Answers 503 on a connection accepted through the reserve and closes it. The request that is
// already there is read first, so closing does not reset the connection before the client has
// read the answer. Never blocks.
void refuse_full(int fd) {
  char sink[4096];
  while (::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
  [[maybe_unused]] const ssize_t n =
      ::send(fd, kFullResponse, sizeof kFullResponse - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

// What a request whose head is over kMaxRequestHead reads (RFC 6585).
constexpr char kHeadTooLargeBody[] =
    "request headers over 16 KiB: send fewer or smaller headers (cookies of this host?)\r\n";
static_assert(kMaxRequestHead == 16 * 1024, "the answer names the limit");
const std::string kHeadTooLargeResponse =
    std::string{
        "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n"
        "Content-Type: text/plain\r\nContent-Length: "} +
    std::to_string(sizeof kHeadTooLargeBody - 1) + "\r\n\r\n" + kHeadTooLargeBody;

// How long a refused connection may keep sending before it is closed regardless.
constexpr std::int64_t kDrainUs = 5 * G_USEC_PER_SEC;
// A proxy writes its PROXY header as it connects: one that has not finished it by then is
// broken or not a proxy, and must not hold a slot for the whole handshake deadline.
constexpr std::int64_t kProxyHeaderUs = 5 * G_USEC_PER_SEC;

// What one non-blocking recv says about the client: bytes, nothing yet, or gone (its end of
// stream, or a broken connection).
enum class Received { Bytes, Nothing, Gone };
Received classify_recv(ssize_t n) {
  if (n > 0) return Received::Bytes;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return Received::Nothing;
  return Received::Gone;
}

void set_rcvlowat(int fd, int bytes) {
  ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes);
}

struct WatchData {
  Listener* listener;
  std::string key;
};

int open_reserve() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

bool out_of_descriptors(int e) { return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM; }

std::string address_of(GSocketAddress* address) {
  if (!address || !G_IS_INET_SOCKET_ADDRESS(address)) return {};
  gchar* text =
      g_inet_address_to_string(g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(address)));
  std::string out{text};
  g_free(text);
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d: name it as IPv4, as a PROXY
  // header or a v4 socket would, so one client is one address to the per-address limits.
  return canonical_address(out).value_or(out);
}

}  // namespace

std::string endpoint_key(GSocketAddress* address) {
  const std::string host = address_of(address);
  if (host.empty()) return {};
  return host + " " +
         std::to_string(g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(address)));
}

Listener::Listener(SoupServer* server, GSocket* listening, GTlsCertificate* cert,
                   ListenerSettings settings, Logger& log,
                   std::function<void(std::string_view)> refused)
    : server_(server),
      listening_(G_SOCKET(g_object_ref(listening))),
      cert_(cert ? G_TLS_CERTIFICATE(g_object_ref(cert)) : nullptr),
      settings_(settings),
      log_(log),
      refused_(std::move(refused)) {}

Listener::~Listener() {
  stop();
  while (!pending_.empty()) drop(pending_.begin());
  if (reserve_fd_ >= 0) ::close(reserve_fd_);
}

bool Listener::start(std::string& error) {
  reserve_fd_ = open_reserve();
  if (reserve_fd_ < 0) {
    error = std::string{"cannot open the reserve descriptor: "} + std::strerror(errno);
    return false;
  }
  arm();
  tick_source_ = g_timeout_add_seconds(1, tick_cb, this);
  return true;
}

void Listener::stop() {
  stopped_ = true;
  if (watch_) {
    g_source_destroy(watch_);
    g_source_unref(watch_);
    watch_ = nullptr;
  }
  for (guint* s : {&rearm_source_, &tick_source_})
    if (*s) {
      g_source_remove(*s);
      *s = 0;
    }
}

void Listener::arm() {
  if (stopped_ || watch_) return;
  watch_ = g_socket_create_source(listening_.get(), G_IO_IN, nullptr);
  // A GSocketSourceFunc goes in as a GSourceFunc, as g_source_set_callback requires.
  g_source_set_callback(watch_, G_SOURCE_FUNC(+readable_cb), this, nullptr);
  g_source_attach(watch_, g_main_context_get_thread_default());
}

void Listener::pause() {
  if (watch_) {
    g_source_destroy(watch_);
    g_source_unref(watch_);
    watch_ = nullptr;
  }
  if (!rearm_source_ && !stopped_) rearm_source_ = g_timeout_add(kRearmMs, rearm_cb, this);
}

gboolean Listener::rearm_cb(gpointer self) {
  auto* l = static_cast<Listener*>(self);
  l->rearm_source_ = 0;
  l->arm();
  return G_SOURCE_REMOVE;
}

gboolean Listener::readable_cb(GSocket*, GIOCondition, gpointer self) {
  static_cast<Listener*>(self)->accept_ready();
  return G_SOURCE_CONTINUE;  // the watch stays; pause() removes it explicitly when needed
}

void Listener::accept_ready() {
  const int listen_fd = g_socket_get_fd(listening_.get());
  for (int i = 0; i < kAcceptBatch; ++i) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
      if (exhausted_ && reserve_fd_ < 0) reserve_fd_ = open_reserve();
      if (exhausted_ && reserve_fd_ >= 0) {
        exhausted_ = false;
        log_.info("descriptors-available", {{"pending", static_cast<std::uint64_t>(pending())}});
      }
      hand_to_soup(fd);
      continue;
    }
    const int e = errno;
    if (e == EAGAIN || e == EWOULDBLOCK) return;
    if (e == EINTR || e == ECONNABORTED || e == EPROTO) continue;
    if (out_of_descriptors(e)) {
      if (!exhausted_) {
        exhausted_ = true;
        log_.warn("descriptors-exhausted",
                  {{"error", std::strerror(e)},
                   {"pending", static_cast<std::uint64_t>(pending())},
                   {"hint",
                    "new connections are refused until descriptors free up; raise "
                    "LimitNOFILE or lower --max-connections"}});
      }
      if (refuse_through_reserve()) continue;
    } else {
      log_.warn("accept-failed", {{"error", std::strerror(e)}});
    }
    pause();
    return;
  }
}

bool Listener::refuse_through_reserve() {
  if (reserve_fd_ < 0) reserve_fd_ = open_reserve();
  if (reserve_fd_ < 0) return false;
  ::close(reserve_fd_);
  reserve_fd_ = -1;
  const int fd = ::accept4(g_socket_get_fd(listening_.get()), nullptr, nullptr, SOCK_CLOEXEC);
  const int e = errno;
  if (fd >= 0) refuse_full(fd);
  reserve_fd_ = open_reserve();
  if (fd < 0) return e == EINTR || e == ECONNABORTED;  // EAGAIN: the queue is empty after all
  refused_("descriptors");
  return reserve_fd_ >= 0;
}

void Listener::hand_to_soup(int fd) {
  GError* raw = nullptr;
  GPtr<GSocket> socket{g_socket_new_from_fd(fd, &raw)};
  GPtr<GError> err{raw};
  if (!socket) {
    ::close(fd);
    return;
  }
  g_socket_set_option(socket.get(), IPPROTO_TCP, TCP_NODELAY, TRUE, nullptr);
  GPtr<GSocketAddress> remote{g_socket_get_remote_address(socket.get(), nullptr)};
  GPtr<GSocketAddress> local{g_socket_get_local_address(socket.get(), nullptr)};
  const std::string key = endpoint_key(remote.get());
  const std::string address = address_of(remote.get());
  if (key.empty()) {
    g_socket_close(socket.get(), nullptr);
    return;
  }
  // A trusted proxy's connections are many clients: they are counted by the client the PROXY
  // header names (on_proxy_readable), not by the proxy's address.
  const bool trusted = settings_.trusted.contains(address);
  if (!trusted && settings_.pending_per_address != 0 &&
      pending_from(address) >= settings_.pending_per_address) {
    forget_closed(address);
    if (pending_from(address) >= settings_.pending_per_address) {
      g_socket_close(socket.get(), nullptr);
      refused_("address-pending");
      return;
    }
  }
  const std::int64_t deadline =
      g_get_monotonic_time() + static_cast<std::int64_t>(settings_.deadline_s) * G_USEC_PER_SEC;
  Pending& p = pending_[key] =
      Pending{std::move(socket), address,          deadline,         Stage::Head,
              nullptr,           std::move(local), std::move(remote)};
  p.handshake_deadline_us = deadline;
  p.group = address_group(p.address);
  if (trusted) {
    // Its PROXY header (if any) comes first, before TLS too.
    p.stage = Stage::Proxy;
    p.deadline_us = std::min(deadline, g_get_monotonic_time() + kProxyHeaderUs);
    watch_socket(key, p);
    return;
  }
  if (cert_) {
    // The head is inside TLS records: libsoup reads it (and applies its own limit).
    start_soup(key, p);
    return;
  }
  watch_socket(key, p);
}

void Listener::watch_socket(const std::string& key, Pending& p) {
  p.watch =
      g_socket_create_source(p.socket.get(), GIOCondition(G_IO_IN | G_IO_HUP | G_IO_ERR), nullptr);
  g_source_set_callback(p.watch, G_SOURCE_FUNC(+head_readable_cb), new WatchData{this, key},
                        [](gpointer d) { delete static_cast<WatchData*>(d); });
  g_source_attach(p.watch, g_main_context_get_thread_default());
}

void Listener::stop_watch(Pending& p) {
  if (!p.watch) return;
  g_source_destroy(p.watch);
  g_source_unref(p.watch);
  p.watch = nullptr;
}

void Listener::drop(std::unordered_map<std::string, Pending>::iterator it) {
  stop_watch(it->second);
  // In Head and Draining the socket is ours alone: the last reference closes it.
  if (it->second.stage != Stage::Soup) g_socket_close(it->second.socket.get(), nullptr);
  pending_.erase(it);
}

gboolean Listener::head_readable_cb(GSocket*, GIOCondition, gpointer data) {
  // GLib holds `data` for the whole dispatch, so on_readable may destroy this source.
  auto* d = static_cast<WatchData*>(data);
  d->listener->on_readable(d->key);
  return G_SOURCE_CONTINUE;  // stop_watch removes the source when it is no longer wanted
}

void Listener::on_readable(const std::string& key) {
  auto it = pending_.find(key);
  if (it == pending_.end()) return;
  Pending& p = it->second;
  if (p.stage == Stage::Proxy) return on_proxy_readable(it);
  const int fd = g_socket_get_fd(p.socket.get());
  if (p.stage == Stage::Draining) {
    for (;;) {
      const Received r =
          classify_recv(::recv(fd, peek_buffer_.data(), peek_buffer_.size(), MSG_DONTWAIT));
      if (r == Received::Bytes) continue;
      if (r == Received::Nothing) return;
      drop(it);  // the client has read the answer and closed, or the connection broke
      return;
    }
  }
  const ssize_t n = ::recv(fd, peek_buffer_.data(), peek_buffer_.size(), MSG_PEEK | MSG_DONTWAIT);
  const Received r = classify_recv(n);
  if (r == Received::Nothing) return;
  if (r == Received::Gone) {
    drop(it);  // gone before it finished asking
    return;
  }
  switch (p.head.judge(std::string_view{peek_buffer_.data(), static_cast<std::size_t>(n)})) {
    case HeadVerdict::Serve:
      stop_watch(p);
      set_rcvlowat(fd, 1);
      start_soup(key, p);
      return;
    case HeadVerdict::WaitForMore:
      // Wake again only when more than what is already here has arrived.
      set_rcvlowat(fd, static_cast<int>(n) + 1);
      return;
    case HeadVerdict::TooLarge:
      break;
  }
  set_rcvlowat(fd, 1);
  [[maybe_unused]] const ssize_t sent = ::send(
      fd, kHeadTooLargeResponse.data(), kHeadTooLargeResponse.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  p.stage = Stage::Draining;
  p.deadline_us = std::min(p.deadline_us, g_get_monotonic_time() + kDrainUs);
  refused_("head-too-large");
  log_.info("head-too-large", {{"addr", p.address}});
}

void Listener::on_proxy_readable(std::unordered_map<std::string, Pending>::iterator it) {
  Pending& p = it->second;
  const int fd = g_socket_get_fd(p.socket.get());
  static_assert(kMaxProxyHeader <= kMaxRequestHead, "peek_buffer_ holds a whole header");
  const ssize_t n = ::recv(fd, peek_buffer_.data(), kMaxProxyHeader, MSG_PEEK | MSG_DONTWAIT);
  const Received r = classify_recv(n);
  if (r == Received::Nothing) return;
  if (r == Received::Gone) {
    drop(it);
    return;
  }
  const ProxyHeader header =
      parse_proxy_header(std::string_view{peek_buffer_.data(), static_cast<std::size_t>(n)});
  switch (header.verdict) {
    case ProxyVerdict::NeedMore:
      set_rcvlowat(fd, static_cast<int>(n) + 1);
      return;
    case ProxyVerdict::Invalid:
      // A trusted peer that speaks neither HTTP nor the PROXY protocol: nothing to answer.
      refused_("proxy-header");
      log_.warn("proxy-header-invalid", {{"peer", p.address}});
      drop(it);
      return;
    case ProxyVerdict::Absent:
      break;  // an HTTP proxy, or the proxy's own request: X-Forwarded-For may name the client
    case ProxyVerdict::Done: {
      // Consume exactly the header; what follows is the client's and stays for libsoup.
      if (::recv(fd, peek_buffer_.data(), header.length, MSG_DONTWAIT) !=
          static_cast<ssize_t>(header.length)) {
        drop(it);
        return;
      }
      it->second.proxy_header = true;
      if (!header.source) break;  // LOCAL: the proxy's own connection keeps its address
      const std::string client = *header.source;
      if (settings_.pending_per_address != 0 && !settings_.trusted.contains(client)) {
        forget_closed(client);  // `p` still goes by the proxy's address: untouched
        if (pending_from(client) >= settings_.pending_per_address) {
          refused_("address-pending");
          drop(it);
          return;
        }
      }
      p.address = client;
      p.group = address_group(client);
      break;
    }
  }
  set_rcvlowat(fd, 1);
  const std::string key = it->first;  // a copy: start_soup may erase the entry by this key
  after_proxy(key, p);
}

void Listener::after_proxy(const std::string& key, Pending& p) {
  p.deadline_us = p.handshake_deadline_us;
  if (cert_) {
    stop_watch(p);
    start_soup(key, p);
    return;
  }
  // The watch stays: the request head may already be here, and the next wake-up judges it.
  p.stage = Stage::Head;
}

std::optional<Listener::PendingAddress> Listener::address_of_pending(GSocketAddress* remote) const {
  auto it = pending_.find(endpoint_key(remote));
  if (it == pending_.end()) return std::nullopt;
  return PendingAddress{it->second.address, it->second.proxy_header};
}

void Listener::start_soup(const std::string& key, Pending& p) {
  p.stage = Stage::Soup;
  GError* raw = nullptr;
  GPtr<GIOStream> stream{
      G_IO_STREAM(g_socket_connection_factory_create_connection(p.socket.get()))};
  if (cert_) {
    // What libsoup's own listener does for HTTPS (soup_socket_start_proxy_ssl).
    GIOStream* tls = G_IO_STREAM(g_tls_server_connection_new(stream.get(), cert_.get(), &raw));
    GPtr<GError> err{raw};
    if (!tls) {
      g_socket_close(p.socket.get(), nullptr);
      pending_.erase(key);
      return;
    }
    g_object_set(tls, "require-close-notify", FALSE, nullptr);
    stream.reset(tls);
  }
  if (!soup_server_accept_iostream(server_, stream.get(), p.local.get(), p.remote.get(), &raw)) {
    GPtr<GError> err{raw};
    g_socket_close(p.socket.get(), nullptr);
    pending_.erase(key);
  }
}

GPtr<GSocket> Listener::upgraded(GSocketAddress* remote) {
  auto it = pending_.find(endpoint_key(remote));
  if (it == pending_.end() || it->second.stage != Stage::Soup) return nullptr;
  GPtr<GSocket> socket = std::move(it->second.socket);
  pending_.erase(it);
  return socket;
}

std::size_t Listener::pending_from(const std::string& address) const {
  std::size_t n = 0;
  const std::string group = address_group(address);
  for (const auto& [key, p] : pending_)
    if (p.group == group) ++n;
  return n;
}

void Listener::forget_closed(const std::string& address) {
  // libsoup closes the socket when the client goes (or after a request on a connection that
  // does not keep alive): those no longer count. A connection still waiting for its head is
  // ours: one whose client has closed (its end of stream is already here) goes now, before its
  // readable wake-up would have noticed.
  const std::string group = address.empty() ? std::string{} : address_group(address);
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto current = it++;
    Pending& p = current->second;
    if (!address.empty() && p.group != group) continue;
    if (p.stage == Stage::Soup) {
      if (g_socket_is_closed(p.socket.get())) pending_.erase(current);
      continue;
    }
    char byte;
    if (classify_recv(::recv(g_socket_get_fd(p.socket.get()), &byte, 1, MSG_PEEK | MSG_DONTWAIT)) ==
        Received::Gone)
      drop(current);
  }
}

gboolean Listener::tick_cb(gpointer self) {
  auto* l = static_cast<Listener*>(self);
  const std::int64_t now = g_get_monotonic_time();
  std::vector<std::string> late;
  for (auto it = l->pending_.begin(); it != l->pending_.end();) {
    GSocket* s = it->second.socket.get();
    if (it->second.stage != Stage::Soup) {
      if (now < it->second.deadline_us) {
        ++it;
        continue;
      }
      if (it->second.stage == Stage::Head) late.push_back(it->second.address);
      if (it->second.stage == Stage::Proxy)
        l->log_.info("proxy-header-deadline", {{"peer", it->second.address}});
      auto gone = it++;
      l->drop(gone);
    } else if (g_socket_is_closed(s)) {
      it = l->pending_.erase(it);
    } else if (now >= it->second.deadline_us) {
      // Shut down rather than closed: libsoup still owns the descriptor and closes it when it
      // reads the end of the stream.
      g_socket_shutdown(s, TRUE, TRUE, nullptr);
      late.push_back(it->second.address);
      it = l->pending_.erase(it);
    } else {
      ++it;
    }
  }
  if (!late.empty())
    l->log_.info("handshake-deadline",
                 {{"closed", static_cast<std::uint64_t>(late.size())}, {"addr", late.front()}});
  return G_SOURCE_CONTINUE;
}

}  // namespace shotcall::server
