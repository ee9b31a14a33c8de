#include "tests/support/free_port.hpp"

#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace shotcall::test {
namespace {

// Binds 127.0.0.1:port (0: the kernel picks) and returns the bound port, or 0 if it is in use.
int try_bind(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string{"socket: "} + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof addr;
  // No SO_REUSEADDR: a port with connections in TIME_WAIT counts as taken. No listen(): closing
  // leaves nothing behind, so the child can bind the port at once.
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const int err = errno;
  close(fd);
  if (ok) return ntohs(addr.sin_port);
  if (err == EADDRINUSE) return 0;
  throw std::runtime_error(std::string{"cannot bind a loopback port: "} + std::strerror(err));
}

}  // namespace

int free_loopback_port() {
  int lo = 32768, hi = 60999;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> lo >> hi;
  // Room below the ephemeral range (above the well-known and registered-service clutter), or
  // above it.
  int from = 0, to = 0;
  if (lo - 1 - 20000 >= 1000) {
    from = 20000;
    to = lo - 1;
  } else if (65535 - (hi + 1) >= 1000) {
    from = hi + 1;
    to = 65535;
  }
  if (from) {
    for (int attempt = 0; attempt < 100; ++attempt)
      if (const int port = try_bind(g_random_int_range(from, to + 1))) return port;
  }
  const int port = try_bind(0);
  if (!port) throw std::runtime_error("no free loopback port");
  return port;
}

}  // namespace shotcall::test
