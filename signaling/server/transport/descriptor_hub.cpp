#include "signaling/server/transport/descriptor_hub.hpp"

#include <sys/epoll.h>
#include <unistd.h>

namespace shotcall::server {
namespace {

thread_local std::shared_ptr<DescriptorHub> current_hub;

}  // namespace

struct DescriptorHub::Source {
  GSource source;
  DescriptorHub* hub;
  gpointer tag;

  static gboolean check(GSource* s) {
    auto* self = reinterpret_cast<Source*>(s);
    if (g_source_query_unix_fd(s, self->tag) & G_IO_IN) self->hub->collect();
    return FALSE;
  }
  // GLib still marks this source ready when its descriptor polled readable: nothing left to do.
  static gboolean dispatch(GSource*, GSourceFunc, gpointer) { return G_SOURCE_CONTINUE; }
};

std::shared_ptr<DescriptorHub> DescriptorHub::attach(GMainContext* context) {
  const int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return nullptr;
  std::shared_ptr<DescriptorHub> hub{new DescriptorHub()};
  hub->epoll_fd_ = fd;
  static GSourceFuncs funcs = {nullptr, Source::check, Source::dispatch, nullptr, nullptr, nullptr};
  hub->source_ = g_source_new(&funcs, sizeof(Source));
  g_source_set_static_name(hub->source_, "shotcall descriptor hub");
  auto* s = reinterpret_cast<Source*>(hub->source_);
  s->hub = hub.get();
  s->tag = g_source_add_unix_fd(hub->source_, fd, G_IO_IN);
  g_source_attach(hub->source_, context);
  return hub;
}

DescriptorHub::~DescriptorHub() {
  if (source_) {
    g_source_destroy(source_);
    g_source_unref(source_);
  }
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

std::shared_ptr<DescriptorHub> DescriptorHub::current() { return current_hub; }

void DescriptorHub::make_current(std::shared_ptr<DescriptorHub> hub) {
  current_hub = std::move(hub);
}

bool DescriptorHub::watch(int fd, const void* socket, std::atomic<bool>* ready) {
  std::lock_guard hold{owners_lock_};
  auto it = owners_.find(fd);
  if (it != owners_.end() && it->second.socket == socket) {
    // Still open (its old watcher keeps it so), so still in the set.
    it->second.ready = ready;
    return true;
  }
  // New, or a number whose socket was closed (and so dropped by the kernel) and is reused.
  epoll_event ev{};
  ev.events = EPOLLIN;  // EPOLLHUP and EPOLLERR are always reported
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    if (it != owners_.end()) owners_.erase(it);
    return false;
  }
  owners_[fd] = Owner{socket, ready};
  return true;
}

void DescriptorHub::unwatch(int fd, std::atomic<bool>* ready) {
  std::lock_guard hold{owners_lock_};
  auto it = owners_.find(fd);
  if (it == owners_.end() || it->second.ready != ready) return;  // a newer owner has it
  owners_.erase(it);
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // fails, harmlessly, once fd is closed
}

std::size_t DescriptorHub::watched() {
  std::lock_guard hold{owners_lock_};
  return owners_.size();
}

void DescriptorHub::collect() {
  epoll_event events[128];
  for (;;) {
    const int n = epoll_wait(epoll_fd_, events, 128, 0);
    if (n <= 0) return;  // nothing more, or EINTR: the next turn asks again
    {
      std::lock_guard hold{owners_lock_};
      for (int i = 0; i < n; ++i) {
        auto it = owners_.find(events[i].data.fd);
        if (it != owners_.end()) it->second.ready->store(true, std::memory_order_relaxed);
      }
    }
    if (n < 128) return;
  }
}

}  // namespace shotcall::server
