#include "signaling/server/transport/io_threads.hpp"

#include <pthread.h>

#include <atomic>
#include <string>
#include <thread>

#include "signaling/server/transport/descriptor_hub.hpp"

namespace shotcall::server {

void iterate_holding(GMainContext* context, std::unique_lock<std::mutex>& held,
                     std::vector<GPollFD>& fds) {
  gint max_priority = 0;
  g_main_context_prepare(context, &max_priority);
  gint timeout_ms = -1;
  gint n = 0;
  while ((n = g_main_context_query(context, max_priority, &timeout_ms, fds.data(),
                                   static_cast<gint>(fds.size()))) > static_cast<gint>(fds.size()))
    fds.resize(static_cast<std::size_t>(n));
  GPollFunc poll = g_main_context_get_poll_func(context);
  held.unlock();
  poll(fds.data(), static_cast<guint>(n), timeout_ms);
  held.lock();
  if (g_main_context_check(context, max_priority, fds.data(), n)) g_main_context_dispatch(context);
}

void run_holding(GMainLoop* loop, std::mutex& lock) {
  GMainContext* context = g_main_loop_get_context(loop);
  if (!g_main_context_acquire(context)) {
    g_critical("run_holding: another thread owns the main context");
    return;
  }
  std::vector<GPollFD> fds(64);
  {
    std::unique_lock held{lock};
    while (g_main_loop_is_running(loop)) iterate_holding(context, held, fds);
  }
  g_main_context_release(context);
}

struct IoThreads::Thread {
  GMainContext* context = g_main_context_new();
  std::atomic<bool> stopping{false};
  unsigned connections = 0;  // under the lock
  std::thread thread;

  ~Thread() { g_main_context_unref(context); }  // drops the jobs it never ran
};

IoThreads::IoThreads(std::mutex& lock, unsigned max_threads, unsigned per_thread)
    : lock_(lock), max_threads_(max_threads), per_thread_(per_thread ? per_thread : 1) {}

IoThreads::~IoThreads() { stop(); }

void IoThreads::start_thread() {
  auto t = std::make_unique<Thread>();
  Thread* self = t.get();
  const unsigned index = running();
  t->thread = std::thread([self, this, index] {
    const std::string name = "io-" + std::to_string(index);
    pthread_setname_np(pthread_self(), name.c_str());  // for top -H and perf
    g_main_context_push_thread_default(self->context);
    // Attached before any connection's source, so GLib checks it first in each turn.
    DescriptorHub::make_current(DescriptorHub::attach(self->context));
    std::vector<GPollFD> fds(64);
    {
      std::unique_lock held{lock_};
      while (!self->stopping.load()) iterate_holding(self->context, held, fds);
    }
    DescriptorHub::make_current(nullptr);
    g_main_context_pop_thread_default(self->context);
  });
  threads_.push_back(std::move(t));
}

unsigned IoThreads::take() {
  if (max_threads_ == 0) return 0;
  unsigned best = 0;
  for (unsigned i = 1; i < running(); ++i)
    if (threads_[i]->connections < threads_[best]->connections) best = i;
  if (threads_.empty() ||
      (threads_[best]->connections >= per_thread_ && running() < max_threads_)) {
    start_thread();
    best = running() - 1;
  }
  ++threads_[best]->connections;
  return best;
}

void IoThreads::release(unsigned index) {
  if (index < running() && threads_[index]->connections > 0) --threads_[index]->connections;
}

void IoThreads::post(unsigned index, std::function<void()> job) {
  if (threads_.empty()) return job();
  GSource* idle = g_idle_source_new();
  g_source_set_callback(
      idle,
      [](gpointer p) {
        (*static_cast<std::function<void()>*>(p))();
        return G_SOURCE_REMOVE;
      },
      new std::function<void()>(std::move(job)),
      [](gpointer p) { delete static_cast<std::function<void()>*>(p); });
  g_source_attach(idle, threads_.at(index)->context);  // wakes that thread
  g_source_unref(idle);
}

void IoThreads::stop() {
  for (auto& t : threads_) {
    t->stopping.store(true);
    g_main_context_wakeup(t->context);
  }
  for (auto& t : threads_)
    if (t->thread.joinable()) t->thread.join();
}

}  // namespace shotcall::server
