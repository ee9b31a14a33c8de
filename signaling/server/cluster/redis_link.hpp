// One connection to Redis on the thread-default GMainContext, through hiredis's GLib adapter:
// nothing blocks. It reconnects by itself (every `retry_ms`) and says when it goes up or down.
// A subscriber link re-subscribes on every reconnect.
#pragma once

#include <glib.h>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct redisAsyncContext;
struct redisReply;

namespace shotcall::server {

struct RedisEndpoint {
  std::string host;
  int port = 6379;
};

// redis://HOST[:PORT][/] → endpoint; nullopt-like false with `error` set otherwise.
bool parse_redis_url(const std::string& url, RedisEndpoint& out, std::string& error);

class RedisLink {
 public:
  // nullptr reply: the command failed (the link went down before it was answered).
  using Reply = std::function<void(const redisReply* reply)>;
  using StateChanged = std::function<void(bool up)>;
  using Message = std::function<void(const std::string& channel, const std::string& payload)>;

  RedisLink(RedisEndpoint endpoint, StateChanged on_state, unsigned retry_ms = 250);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // Makes this a subscriber to `channels` (before start()).
  void subscribe(std::vector<std::string> channels, Message on_message);
  void start();
  bool up() const { return up_; }
  // Sends a command; false (and `done` is never called) when the link is down.
  bool command(const std::vector<std::string>& argv, Reply done);
  // The same without copying the arguments (a batch of thousands of keys).
  bool command(std::span<const std::string_view> argv, Reply done);

 private:
  void connect();
  void drop();
  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_pubsub(redisAsyncContext* ac, void* reply, void* privdata);
  static gboolean retry_cb(gpointer self);

  RedisEndpoint endpoint_;
  StateChanged on_state_;
  unsigned retry_ms_;
  redisAsyncContext* ac_ = nullptr;
  GSource* source_ = nullptr;
  guint retry_source_ = 0;
  bool up_ = false;
  std::vector<std::string> channels_;
  Message on_message_;
};

}  // namespace shotcall::server
