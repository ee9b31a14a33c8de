// A blocking TCP connection to a server in another process, for one-shot requests from tests
// (Redis commands, HAProxy's stats page) in the library that must not link libsoup. Every call
// is bounded by the timeout given at connect; blocking is fine because the peer is another
// process, never this test's own main loop.
#pragma once

#include <chrono>
#include <string>

namespace shotcall::test {

class BlockingTcp {
 public:
  // Connects to host:port (IPv4 or IPv6 literal); throws std::runtime_error saying why not.
  BlockingTcp(const std::string& host, int port,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~BlockingTcp();
  BlockingTcp(const BlockingTcp&) = delete;
  BlockingTcp& operator=(const BlockingTcp&) = delete;

  // Throws on error or timeout.
  void write_all(const std::string& bytes);
  // Appends what arrives to *into; returns false at end of stream. Throws on error or timeout.
  bool read_some(std::string* into);
  // Reads until the peer closes.
  std::string read_to_end();

 private:
  int fd_ = -1;
};

// GET http://host:port/path over HTTP/1.0; status 0 means no response (error says why).
struct PlainHttpResponse {
  int status = 0;
  std::string body;
  std::string error;
};
PlainHttpResponse plain_http_get(const std::string& host, int port, const std::string& path,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace shotcall::test
