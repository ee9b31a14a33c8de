// Many client WebSockets on one epoll: the load generator's transport. Each connection binds
// a source address of its own from a list (127.0.0.x) before connecting, so tens of thousands
// of connections to one server port do not run out of ephemeral ports. Single-threaded: every
// callback runs inside poll().
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::bench {

struct PoolEvents {
  std::function<void(int conn)> on_open;  // the upgrade succeeded
  std::function<void(int conn, std::string_view text)> on_text;
  // The connection is gone: refused, failed, closed by the server or by EOF. Never for close().
  std::function<void(int conn, const std::string& why)> on_closed;
};

class WsPool {
 public:
  WsPool(sockaddr_in server, std::string path, std::vector<in_addr> sources, PoolEvents events);
  ~WsPool();  // closes every socket
  WsPool(const WsPool&) = delete;
  WsPool& operator=(const WsPool&) = delete;

  // Starts a connection; returns its index (stable). On an immediate failure (EMFILE, ...)
  // on_closed is called before this returns, and the index is still valid.
  int open();
  void send_text(int conn, std::string_view text);
  // Drops one connection at once (no close handshake): teardown.
  void close(int conn);
  void close_all();
  // Waits at most timeout_ns for socket events and dispatches them.
  void poll(std::int64_t timeout_ns);

  bool is_open(int conn) const;
  int open_count() const { return open_count_; }
  std::uint64_t frames_received() const { return frames_in_; }
  std::uint64_t pings_answered() const { return pings_; }

 private:
  enum class State { Connecting, Handshaking, Open, Closed };
  struct Conn {
    int fd = -1;
    State state = State::Closed;
    bool want_out = false;
    bool reported = false;  // on_closed was called
    std::string in;
    std::string out;
    std::string fragments;  // a text message split over continuation frames
    std::string accept;     // the Sec-WebSocket-Accept we expect
  };

  void on_event(int index, std::uint32_t events);
  void on_connected(int index);
  void read_all(int index);
  void process_input(int index);
  bool handle_frame(int index, int op, bool fin, std::string_view payload);
  void queue(int index, int op, std::string_view payload);
  void flush(int index);
  void set_want_out(Conn& c, int index, bool want);
  void fail(int index, const std::string& why);
  std::uint64_t next_random();

  sockaddr_in server_;
  std::string path_;
  std::string host_port_;
  std::vector<in_addr> sources_;
  PoolEvents events_;
  int epoll_fd_ = -1;
  std::deque<Conn> conns_;  // deque: references stay valid while connections are added
  int open_count_ = 0;
  std::uint64_t rng_ = 0x9E3779B97F4A7C15ull;
  std::uint64_t frames_in_ = 0;
  std::uint64_t pings_ = 0;
};

}  // namespace shotcall::bench
