#include "signaling/server/cluster/liveness_beacon.hpp"

#include <hiredis/hiredis.h>

#include <memory>
#include <string_view>

#include "signaling/server/cluster/redis_scripts.hpp"

namespace shotcall::server {
namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};

}  // namespace

LivenessBeacon::LivenessBeacon(RedisEndpoint endpoint, std::string instance_key,
                               std::chrono::milliseconds ttl, std::chrono::milliseconds interval,
                               std::chrono::milliseconds stall_limit)
    : endpoint_(std::move(endpoint)),
      key_(std::move(instance_key)),
      ttl_(ttl),
      interval_(interval),
      stall_limit_(stall_limit) {}

LivenessBeacon::~LivenessBeacon() { stop(); }

void LivenessBeacon::start() {
  main_loop_alive();
  thread_ = std::thread([this] { run(); });
}

void LivenessBeacon::main_loop_alive() { last_tick_ms_.store(steady_ms()); }

void LivenessBeacon::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LivenessBeacon::run() {
  std::unique_ptr<redisContext, ContextFree> redis;
  bool plain_set = false;
  const timeval timeout{0, 500 * 1000};
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    if (steady_ms() - last_tick_ms_.load() < stall_limit_.count()) {
      if (!redis || redis->err) redis.reset(redisConnectWithTimeout(endpoint_.host.c_str(),
                                                                    endpoint_.port, timeout));
      if (redis && !redis->err) {
        redisSetTimeout(redis.get(), timeout);
        const std::string ttl = std::to_string(ttl_.count());
        auto* reply = plain_set
                          ? redisCommand(redis.get(), "SET %b 1 PX %b", key_.data(), key_.size(),
                                         ttl.data(), ttl.size())
                          : redisCommand(redis.get(), "EVAL %s 1 %b %b", redis_lua::kAliveMark,
                                         key_.data(), key_.size(), ttl.data(), ttl.size());
        if (auto* r = static_cast<redisReply*>(reply)) {
          // Redis before 7 knows no script flags: there the mark is set as it always was, and
          // lapses while Redis refuses writes.
          if (r->type == REDIS_REPLY_ERROR &&
              std::string_view{r->str, r->len}.find("Error compiling script") !=
                  std::string_view::npos)
            plain_set = true;
          freeReplyObject(r);
        }
      }
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace shotcall::server
