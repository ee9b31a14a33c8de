#include "tests/support/blocking_tcp.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace shotcall::test {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "1a\r\n<26 bytes>\r\n…0\r\n\r\n" → the bytes. HAProxy's stats page answers chunked even to an
// HTTP/1.0 request.
std::string dechunk(const std::string& body) {
  std::string out;
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t eol = body.find("\r\n", at);
    if (eol == std::string::npos) break;
    const std::size_t len = std::stoul(body.substr(at, eol - at), nullptr, 16);
    if (len == 0) break;
    out.append(body, eol + 2, len);
    at = eol + 2 + len + 2;
  }
  return out;
}

}  // namespace

BlockingTcp::BlockingTcp(const std::string& host, int port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // loopback literals only: no DNS
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc)
    throw std::runtime_error("bad address " + host + ": " + gai_strerror(rc));
  fd_ = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    freeaddrinfo(found);
    throw std::runtime_error(errno_text("socket"));
  }
  // SO_SNDTIMEO also bounds connect() on Linux.
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const int rc = connect(fd_, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (rc != 0) {
    const std::string why = errno_text("connect to " + host + ":" + std::to_string(port));
    close(fd_);
    fd_ = -1;
    throw std::runtime_error(why);
  }
}

BlockingTcp::~BlockingTcp() {
  if (fd_ >= 0) close(fd_);
}

void BlockingTcp::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(errno_text("send"));
    }
    done += static_cast<std::size_t>(n);
  }
}

bool BlockingTcp::read_some(std::string* into) {
  char buf[16384];
  for (;;) {
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      into->append(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    throw std::runtime_error(errno == EAGAIN || errno == EWOULDBLOCK ? "read timed out"
                                                                     : errno_text("recv"));
  }
}

std::string BlockingTcp::read_to_end() {
  std::string all;
  while (read_some(&all)) {
  }
  return all;
}

PlainHttpResponse plain_http_get(const std::string& host, int port, const std::string& path,
                                 std::chrono::milliseconds timeout) {
  PlainHttpResponse r;
  try {
    BlockingTcp tcp(host, port, timeout);
    tcp.write_all("GET " + path + " HTTP/1.0\r\nHost: " + host + ":" + std::to_string(port) +
                  "\r\nConnection: close\r\n\r\n");
    const std::string raw = tcp.read_to_end();
    // "HTTP/1.x NNN reason\r\n…\r\n\r\nbody"
    const auto sp = raw.find(' ');
    const auto head_end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/", 0) != 0 || sp == std::string::npos || head_end == std::string::npos) {
      r.error = "not an HTTP response: " + raw.substr(0, 80);
      return r;
    }
    r.status = std::atoi(raw.c_str() + sp + 1);
    r.body = raw.substr(head_end + 4);
    if (lower(raw.substr(0, head_end)).find("\r\ntransfer-encoding: chunked") != std::string::npos)
      r.body = dechunk(r.body);
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

}  // namespace shotcall::test
