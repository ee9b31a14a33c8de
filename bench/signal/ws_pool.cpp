#include "bench/signal/ws_pool.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "bench/signal/ws_wire.hpp"

namespace shotcall::bench {
namespace {
constexpr std::size_t kMaxMessage = 1 << 20;
}

WsPool::WsPool(sockaddr_in server, std::string path, std::vector<in_addr> sources,
               PoolEvents events)
    : server_(server), path_(std::move(path)), sources_(std::move(sources)),
      events_(std::move(events)) {
  char host[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &server_.sin_addr, host, sizeof host);
  host_port_ = std::string{host} + ":" + std::to_string(ntohs(server_.sin_port));
  if (sources_.empty()) sources_.push_back(in_addr{htonl(INADDR_LOOPBACK)});
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::runtime_error(std::string{"epoll_create1: "} + std::strerror(errno));
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  rng_ ^= static_cast<std::uint64_t>(ts.tv_nsec) * 0x2545F4914F6CDD1Dull ^ static_cast<std::uint64_t>(getpid());
}

WsPool::~WsPool() {
  close_all();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

std::uint64_t WsPool::next_random() {
  // xorshift64*: masks and keys need to be unpredictable to proxies, not to attackers.
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  return rng_ * 0x2545F4914F6CDD1Dull;
}

int WsPool::open() {
  const int index = static_cast<int>(conns_.size());
  conns_.emplace_back();
  Conn& c = conns_.back();
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fail(index, std::string{"socket: "} + std::strerror(errno));
    return index;
  }
  c.fd = fd;
  c.state = State::Connecting;
  ++open_count_;
  const int one = 1;
  // The port is picked at connect() time, per (source, destination): more ports per source.
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  src.sin_addr = sources_[static_cast<std::size_t>(index) % sources_.size()];
  if (bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
    fail(index, std::string{"bind: "} + std::strerror(errno));
    return index;
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_) != 0 &&
      errno != EINPROGRESS) {
    fail(index, std::string{"connect: "} + std::strerror(errno));
    return index;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
  ev.data.u32 = static_cast<std::uint32_t>(index);
  c.want_out = true;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    fail(index, std::string{"epoll_ctl: "} + std::strerror(errno));
    return index;
  }
  return index;
}

void WsPool::poll(std::int64_t timeout_ns) {
  epoll_event events[512];
  if (timeout_ns < 0) timeout_ns = 0;
  timespec ts{static_cast<time_t>(timeout_ns / 1000000000), static_cast<long>(timeout_ns % 1000000000)};
  const int n = epoll_pwait2(epoll_fd_, events, 512, &ts, nullptr);
  for (int i = 0; i < n; ++i) on_event(static_cast<int>(events[i].data.u32), events[i].events);
}

void WsPool::on_event(int index, std::uint32_t ev) {
  Conn& c = conns_[static_cast<std::size_t>(index)];
  if (c.state == State::Closed) return;
  if (c.state == State::Connecting) {
    if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return fail(index, std::string{"connect: "} + std::strerror(err));
    on_connected(index);
    return;
  }
  if (ev & EPOLLIN || ev & EPOLLRDHUP || ev & EPOLLHUP || ev & EPOLLERR) read_all(index);
  if (c.state != State::Closed && (ev & EPOLLOUT)) flush(index);
}

void WsPool::on_connected(int index) {
  Conn& c = conns_[static_cast<std::size_t>(index)];
  c.state = State::Handshaking;
  const std::string key = new_websocket_key(next_random(), next_random());
  c.accept = expected_accept(key);
  c.out += upgrade_request(host_port_, path_, key);
  flush(index);
}

void WsPool::read_all(int index) {
  char buf[65536];
  for (;;) {
    Conn& c = conns_[static_cast<std::size_t>(index)];
    if (c.state == State::Closed) return;
    const ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n > 0) {
      c.in.append(buf, static_cast<std::size_t>(n));
      if (c.in.size() > 4 * kMaxMessage) return fail(index, "input backlog too large");
      if (static_cast<std::size_t>(n) < sizeof buf) break;
      continue;
    }
    if (n == 0) {
      process_input(index);  // what came before the EOF still counts
      if (conns_[static_cast<std::size_t>(index)].state != State::Closed) fail(index, "eof");
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return fail(index, std::string{"read: "} + std::strerror(errno));
  }
  process_input(index);
}

void WsPool::process_input(int index) {
  Conn& c = conns_[static_cast<std::size_t>(index)];
  std::size_t used = 0;
  if (c.state == State::Handshaking) {
    int status = 0;
    std::string accept;
    const std::size_t head = parse_response_head(c.in, status, accept);
    if (head == 0) return;
    if (status != 101) return fail(index, "http " + std::to_string(status));
    if (accept != c.accept) return fail(index, "bad Sec-WebSocket-Accept");
    c.state = State::Open;
    used = head;
    if (events_.on_open) events_.on_open(index);
  }
  for (;;) {
    Conn& cc = conns_[static_cast<std::size_t>(index)];
    if (cc.state != State::Open) return;
    Frame f;
    const long took = parse_frame(std::string_view{cc.in}.substr(used), f, kMaxMessage);
    if (took < 0) return fail(index, "malformed frame");
    if (took == 0) break;
    // The payload views cc.in: handle it before erasing anything.
    const bool keep = handle_frame(index, static_cast<int>(f.op), f.fin, f.payload);
    if (!keep) return;
    used += static_cast<std::size_t>(took);
  }
  Conn& cc = conns_[static_cast<std::size_t>(index)];
  if (used > 0 && cc.state != State::Closed) cc.in.erase(0, used);
}

bool WsPool::handle_frame(int index, int op, bool fin, std::string_view payload) {
  ++frames_in_;
  switch (static_cast<Opcode>(op)) {
    case Opcode::Text:
    case Opcode::Binary:
    case Opcode::Continuation: {
      Conn& c = conns_[static_cast<std::size_t>(index)];
      if (!fin || !c.fragments.empty()) {
        c.fragments.append(payload);
        if (!fin) return true;
        const std::string whole = std::move(c.fragments);
        c.fragments.clear();
        if (events_.on_text) events_.on_text(index, whole);
        return conns_[static_cast<std::size_t>(index)].state == State::Open;
      }
      if (events_.on_text) events_.on_text(index, payload);
      return conns_[static_cast<std::size_t>(index)].state == State::Open;
    }
    case Opcode::Ping:
      ++pings_;
      queue(index, static_cast<int>(Opcode::Pong), payload);
      return true;
    case Opcode::Pong:
      return true;
    case Opcode::Close: {
      int code = 1005;
      if (payload.size() >= 2)
        code = (static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1]);
      queue(index, static_cast<int>(Opcode::Close), payload.substr(0, 2));
      fail(index, "close " + std::to_string(code));
      return false;
    }
  }
  fail(index, "unknown opcode");
  return false;
}

void WsPool::send_text(int index, std::string_view text) {
  Conn& c = conns_[static_cast<std::size_t>(index)];
  if (c.state != State::Open) return;
  queue(index, static_cast<int>(Opcode::Text), text);
}

void WsPool::queue(int index, int op, std::string_view payload) {
  Conn& c = conns_[static_cast<std::size_t>(index)];
  const bool was_empty = c.out.empty();
  append_frame(c.out, static_cast<Opcode>(op), payload, static_cast<std::uint32_t>(next_random()));
  if (was_empty) flush(index);
}

void WsPool::flush(int index) {
  Conn& c = conns_[static_cast<std::size_t>(index)];
  while (!c.out.empty()) {
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return fail(index, std::string{"send: "} + std::strerror(errno));
  }
  set_want_out(c, index, !c.out.empty());
}

void WsPool::set_want_out(Conn& c, int index, bool want) {
  if (c.want_out == want || c.fd < 0) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (want ? EPOLLOUT : 0u);
  ev.data.u32 = static_cast<std::uint32_t>(index);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev) == 0) c.want_out = want;
}

void WsPool::fail(int index, const std::string& why) {
  Conn& c = conns_[static_cast<std::size_t>(index)];
  if (c.reported) return;
  c.reported = true;
  const bool was_counted = c.fd >= 0;
  if (c.fd >= 0) {
    if (!c.out.empty()) (void)::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(c.fd);  // also removes it from the epoll set
    c.fd = -1;
  }
  if (was_counted) --open_count_;
  c.state = State::Closed;
  c.in.clear();
  c.in.shrink_to_fit();
  c.out.clear();
  c.out.shrink_to_fit();
  if (events_.on_closed) events_.on_closed(index, why);
}

void WsPool::close(int index) {
  Conn& c = conns_[static_cast<std::size_t>(index)];
  if (c.fd >= 0) {
    ::close(c.fd);
    c.fd = -1;
    --open_count_;
  }
  c.state = State::Closed;
  c.in.clear();
  c.out.clear();
}

void WsPool::close_all() {
  for (std::size_t i = 0; i < conns_.size(); ++i) close(static_cast<int>(i));
}

bool WsPool::is_open(int index) const {
  return conns_[static_cast<std::size_t>(index)].state == State::Open;
}

}  // namespace shotcall::bench
