// An I/O thread's epoll set (transport/descriptor_hub.hpp), on real sockets and a real
// GMainContext: a watched descriptor's flag rises in the turn its bytes arrive, and descriptor
// numbers that come back for another socket stay with their newest watcher.
#include "signaling/server/transport/descriptor_hub.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace shotcall::server {
namespace {

struct Pair {
  Pair() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
      throw std::runtime_error("socketpair");
    watched = fds[0];
    peer = fds[1];
  }
  ~Pair() {
    if (watched >= 0) ::close(watched);
    if (peer >= 0) ::close(peer);
  }
  void send() const { ASSERT_EQ(::write(peer, "x", 1), 1); }
  int watched = -1;
  int peer = -1;
};

struct Loop {
  Loop() : context(g_main_context_new()), hub(DescriptorHub::attach(context)) {}
  ~Loop() {
    hub.reset();
    g_main_context_unref(context);
  }
  GMainContext* context;
  std::shared_ptr<DescriptorHub> hub;
};

TEST(DescriptorHub, AWatchedDescriptorsFlagRisesInTheTurnItsBytesArrive) {
  Loop loop;
  ASSERT_TRUE(loop.hub);
  Pair pair;
  std::atomic<bool> ready{false};
  ASSERT_TRUE(loop.hub->watch(pair.watched, &pair, &ready));
  g_main_context_iteration(loop.context, FALSE);
  EXPECT_FALSE(ready.load()) << "raised with nothing to read";
  pair.send();
  g_main_context_iteration(loop.context, TRUE);  // returns once the epoll set reports it
  EXPECT_TRUE(ready.load());
  loop.hub->unwatch(pair.watched, &ready);
  ready = false;
  pair.send();
  g_main_context_iteration(loop.context, FALSE);
  EXPECT_FALSE(ready.load()) << "raised after unwatch";
}

TEST(DescriptorHub, ASecondWatcherOfANumberOwnsItAndTheFirstCannotRemoveIt) {
  Loop loop;
  Pair pair;
  std::atomic<bool> first{false}, second{false};
  ASSERT_TRUE(loop.hub->watch(pair.watched, &pair, &first));
  ASSERT_TRUE(loop.hub->watch(pair.watched, &pair, &second));  // a new source, the same socket
  loop.hub->unwatch(pair.watched, &first);                     // the old source, finalized late
  pair.send();
  g_main_context_iteration(loop.context, TRUE);
  EXPECT_TRUE(second.load()) << "the older watcher's unwatch removed the newer's";
  EXPECT_FALSE(first.load());
}

TEST(DescriptorHub, ANumberClosedAndGivenToAnotherSocketIsWatchedAfresh) {
  Loop loop;
  Pair old_pair;
  std::atomic<bool> old_ready{false}, new_ready{false};
  ASSERT_TRUE(loop.hub->watch(old_pair.watched, &old_pair, &old_ready));
  const int number = old_pair.watched;
  // The kernel drops the closed socket from the set; the number then goes to another socket
  // (dup2 makes sure it is this number) before the old watcher lets go.
  Pair new_pair;
  ASSERT_EQ(::dup2(new_pair.watched, number), number);
  ::close(new_pair.watched);
  new_pair.watched = number;
  old_pair.watched = -1;  // closed by dup2
  ASSERT_TRUE(loop.hub->watch(number, &new_pair, &new_ready));
  loop.hub->unwatch(number, &old_ready);
  new_pair.send();
  g_main_context_iteration(loop.context, TRUE);
  EXPECT_TRUE(new_ready.load()) << "the new socket on a reused number is not watched";
  EXPECT_FALSE(old_ready.load());
}

}  // namespace
}  // namespace shotcall::server
