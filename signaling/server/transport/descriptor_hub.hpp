// One epoll set per I/O thread, so that a wake-up asks the kernel about one descriptor instead
// of every connection's socket. poll(2) visits each descriptor it is handed on every call
// (`sock_poll`, `tcp_poll`: with a hundred connections a thread, the largest part of a relayed
// signal's cost once the sources were few); epoll visits only those that became ready.
//
// A watched descriptor has a `ready` flag instead of a place in the context's poll: the hub's
// own source, which polls the epoll descriptor, raises the flags of the descriptors that are
// ready, in its check, and the watchers' sources read their flag in their prepare and check.
// The hub's source is attached first and at the default priority, so GLib checks it before the
// connections' sources and a wake-up dispatches them in the same turn; a flag read one turn late
// (any other order) costs a turn, never a wake-up.
//
// Descriptor numbers are reused: the kernel drops a closed descriptor from the set on its own,
// and the number may come back for another connection before the old watcher lets go. So each
// number has one owner (the newest watcher), and only the owner's unwatch() removes it. libsoup
// makes a new source for every message it reads: a new watcher of the same socket only takes the
// number over, with no call to the kernel.
#pragma once

#include <glib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace shotcall::server {

class DescriptorHub {
 public:
  // A hub whose source is attached to `context`; null if the kernel refuses an epoll set.
  static std::shared_ptr<DescriptorHub> attach(GMainContext* context);
  ~DescriptorHub();
  DescriptorHub(const DescriptorHub&) = delete;
  DescriptorHub& operator=(const DescriptorHub&) = delete;

  // The hub of the loop this thread turns, if it has one (see make_current).
  static std::shared_ptr<DescriptorHub> current();
  // Makes `hub` this thread's current hub (null: none).
  static void make_current(std::shared_ptr<DescriptorHub> hub);

  // Raises `*ready` whenever `fd` is readable, hung up or in error, until unwatch(fd, ready).
  // `socket` names what `fd` is open on, and must stay open (and the name unused by anything
  // else) until then. False if the kernel refused it (the caller then polls `fd` itself).
  bool watch(int fd, const void* socket, std::atomic<bool>* ready);
  void unwatch(int fd, std::atomic<bool>* ready);
  // How many descriptor numbers have a watcher.
  std::size_t watched();

 private:
  DescriptorHub() = default;
  void collect();  // raises the flags of what epoll reports ready now

  struct Source;
  int epoll_fd_ = -1;
  GSource* source_ = nullptr;
  std::mutex owners_lock_;  // watchers may let go from another thread's turn
  struct Owner {
    const void* socket;
    std::atomic<bool>* ready;
  };
  std::unordered_map<int, Owner> owners_;
};

}  // namespace shotcall::server
