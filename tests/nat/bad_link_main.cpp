// shotcall-bad-link --dev NAME [--loss PCT] [--delay MS] [--jitter MS] [--seed N]
//
// A bad link in user space, for kernels without the netem qdisc (sch_netem is a module that
// some VMs and containers lack). It makes the TUN device NAME (in the calling network
// namespace), prints "ready NAME" once it exists, then reads every packet the kernel routes into
// NAME, loses or holds it (tests/nat/bad_link.hpp) and writes it back into NAME, where the kernel
// receives it and routes it on. A router namespace sends the traffic between its two sides
// through it with policy routing (`ip rule add iif SIDE lookup T`, `ip route add default dev
// NAME table T`), so each direction suffers once. On SIGTERM or SIGINT it prints
// "stats packets=N lost=M" and exits 0.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <queue>
#include <string>
#include <vector>

#include "tests/nat/bad_link.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

using Clock = std::chrono::steady_clock;

struct Held {
  Clock::time_point due;
  std::uint64_t seq;  // equal release times keep arrival order
  std::vector<char> bytes;
  bool operator>(const Held& o) const { return due != o.due ? due > o.due : seq > o.seq; }
};

int open_tun(const std::string& name) {
  const int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return -1;
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shotcall::test;
  std::vector<std::pair<std::string, std::string>> rest;
  std::string why;
  const auto im = parse_impairment(std::vector<std::string>(argv + 1, argv + argc), &rest, &why);
  std::string dev;
  std::uint32_t seed = 1;
  for (const auto& [name, value] : rest) {
    if (name == "--dev") dev = value;
    if (name == "--seed")
      seed = static_cast<std::uint32_t>(std::strtoul(value.c_str(), nullptr, 10));
  }
  if (!im || dev.empty() || dev.size() >= IFNAMSIZ) {
    std::fprintf(stderr, "shotcall-bad-link: %s\n",
                 im ? "--dev NAME (at most 15 characters) is required" : why.c_str());
    return 2;
  }
  const int fd = open_tun(dev);
  if (fd < 0) {
    std::fprintf(stderr, "shotcall-bad-link: cannot make TUN device %s: %s\n", dev.c_str(),
                 std::strerror(errno));
    return 1;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::printf("ready %s\n", dev.c_str());
  std::fflush(stdout);

  LinkImpairer link(*im, seed);
  std::priority_queue<Held, std::vector<Held>, std::greater<>> held;
  std::uint64_t seq = 0, packets = 0, lost = 0;
  std::vector<char> buf(65536);
  while (!g_stop) {
    const auto now = Clock::now();
    while (!held.empty() && held.top().due <= now) {
      const Held& h = held.top();
      // A write that fails (the device went down) loses the packet, as a link would.
      if (write(fd, h.bytes.data(), h.bytes.size()) < 0 && errno == EBADF) return 1;
      held.pop();
    }
    int timeout_ms = -1;
    if (!held.empty()) {
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(held.top().due - now);
      timeout_ms = static_cast<int>(std::max<std::int64_t>(0, wait.count()));
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0 || !(p.revents & POLLIN)) continue;
    const ssize_t n = read(fd, buf.data(), buf.size());
    if (n <= 0) continue;
    ++packets;
    const auto hold = link.admit();
    if (!hold) {
      ++lost;
      continue;
    }
    held.push({Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(*hold * 1000)),
               seq++, std::vector<char>(buf.begin(), buf.begin() + n)});
  }
  std::printf("stats packets=%llu lost=%llu\n", static_cast<unsigned long long>(packets),
              static_cast<unsigned long long>(lost));
  return 0;
}
