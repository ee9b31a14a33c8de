// Keeps this instance's "alive" mark in Redis from a thread of its own, so a main loop that is
// busy (a burst of joins at 8 000 connections stalls it for seconds: docs/performance.md) is not
// taken for dead by the other instances, which would evict all its players. A process that dies
// stops the thread with it, so a crash is still noticed within the mark's lifetime; a main loop
// that stops turning for `stall_limit` is given up as dead too.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "signaling/server/cluster/redis_link.hpp"

namespace shotcall::server {

class LivenessBeacon {
 public:
  LivenessBeacon(RedisEndpoint endpoint, std::string instance_key, std::chrono::milliseconds ttl,
                 std::chrono::milliseconds interval, std::chrono::milliseconds stall_limit);
  ~LivenessBeacon();  // stops the thread
  LivenessBeacon(const LivenessBeacon&) = delete;
  LivenessBeacon& operator=(const LivenessBeacon&) = delete;

  void start();
  // The main loop calls this on every turn of its heartbeat timer.
  void main_loop_alive();
  // Stops renewing (and waits for the thread), e.g. before removing the mark on a graceful stop.
  void stop();

 private:
  void run();

  RedisEndpoint endpoint_;
  std::string key_;
  std::chrono::milliseconds ttl_, interval_, stall_limit_;
  std::atomic<std::int64_t> last_tick_ms_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shotcall::server
