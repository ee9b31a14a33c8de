#include "signaling/server/cluster/redis_link.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <hiredis/adapters/glib.h>
#pragma GCC diagnostic pop

#include <charconv>
#include <utility>

namespace shotcall::server {
namespace {

// Every live link, so hiredis's C callbacks (which carry only the context) find their owner.
RedisLink* owner_of(const redisAsyncContext* ac) { return static_cast<RedisLink*>(ac->data); }

}  // namespace

bool parse_redis_url(const std::string& url, RedisEndpoint& out, std::string& error) {
  constexpr std::string_view scheme = "redis://";
  std::string_view rest{url};
  if (rest.substr(0, scheme.size()) != scheme) {
    error = "--redis: expected redis://HOST:PORT, got " + url;
    return false;
  }
  rest.remove_prefix(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('@') != std::string_view::npos || rest.find('/') != std::string_view::npos) {
    error = "--redis: only redis://HOST:PORT is supported (no user, password or database)";
    return false;
  }
  std::string_view host = rest;
  int port = 6379;
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    const auto digits = rest.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port < 1 || port > 65535) {
      error = "--redis: bad port in " + url;
      return false;
    }
  }
  if (host.empty()) {
    error = "--redis: no host in " + url;
    return false;
  }
  out.host = std::string{host};
  out.port = port;
  return true;
}

RedisLink::RedisLink(RedisEndpoint endpoint, StateChanged on_state, unsigned retry_ms)
    : endpoint_(std::move(endpoint)), on_state_(std::move(on_state)), retry_ms_(retry_ms) {}

RedisLink::~RedisLink() {
  on_state_ = nullptr;
  on_message_ = nullptr;
  if (retry_source_) g_source_remove(retry_source_);
  if (ac_) {
    redisAsyncContext* ac = ac_;
    ac->data = nullptr;  // callbacks from the free below must not reach us
    ac_ = nullptr;
    redisAsyncFree(ac);
  }
  if (source_) {
    g_source_destroy(source_);
    g_source_unref(source_);
  }
}

void RedisLink::subscribe(std::vector<std::string> channels, Message on_message) {
  channels_ = std::move(channels);
  on_message_ = std::move(on_message);
}

void RedisLink::start() { connect(); }

void RedisLink::connect() {
  redisAsyncContext* ac = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (!ac || ac->err) {
    if (ac) redisAsyncFree(ac);
    if (!retry_source_) retry_source_ = g_timeout_add(retry_ms_, retry_cb, this);
    return;
  }
  ac->data = this;
  ac_ = ac;
  source_ = redis_source_new(ac);
  g_source_attach(source_, g_main_context_get_thread_default());
  redisAsyncSetConnectCallback(ac, on_connect);
  redisAsyncSetDisconnectCallback(ac, on_disconnect);
}

void RedisLink::drop() {
  // hiredis frees the context itself after a disconnect callback or a failed connect.
  ac_ = nullptr;
  if (source_) {
    // hiredis still calls the adapter's cleanup on this source while it frees the context,
    // after this callback returns: destroy it from an idle, once that is over.
    g_idle_add(
        [](gpointer source) {
          g_source_destroy(static_cast<GSource*>(source));
          g_source_unref(static_cast<GSource*>(source));
          return G_SOURCE_REMOVE;
        },
        source_);
    source_ = nullptr;
  }
  const bool was_up = std::exchange(up_, false);
  if (!retry_source_) retry_source_ = g_timeout_add(retry_ms_, retry_cb, this);
  if (was_up && on_state_) on_state_(false);
}

gboolean RedisLink::retry_cb(gpointer self) {
  auto* s = static_cast<RedisLink*>(self);
  s->retry_source_ = 0;
  s->connect();
  return G_SOURCE_REMOVE;
}

void RedisLink::on_connect(const redisAsyncContext* ac, int status) {
  RedisLink* s = owner_of(ac);
  if (!s) return;
  if (status != REDIS_OK) {
    s->drop();
    return;
  }
  if (!s->channels_.empty()) {
    std::vector<const char*> argv{"SUBSCRIBE"};
    std::vector<size_t> lens{9};
    for (const auto& c : s->channels_) {
      argv.push_back(c.c_str());
      lens.push_back(c.size());
    }
    redisAsyncCommandArgv(s->ac_, on_pubsub, s, static_cast<int>(argv.size()), argv.data(),
                          lens.data());
  }
  s->up_ = true;
  if (s->on_state_) s->on_state_(true);
}

void RedisLink::on_disconnect(const redisAsyncContext* ac, int) {
  if (RedisLink* s = owner_of(ac)) s->drop();
}

bool RedisLink::command(const std::vector<std::string>& argv, Reply done) {
  const std::vector<std::string_view> views(argv.begin(), argv.end());
  return command(std::span<const std::string_view>{views}, std::move(done));
}

bool RedisLink::command(std::span<const std::string_view> argv, Reply done) {
  if (!up_ || !ac_) return false;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* cb = new Reply(std::move(done));  // owned by hiredis until on_reply
  if (redisAsyncCommandArgv(ac_, on_reply, cb, static_cast<int>(args.size()), args.data(),
                            lens.data()) != REDIS_OK) {
    delete cb;
    return false;
  }
  return true;
}

void RedisLink::on_reply(redisAsyncContext*, void* reply, void* privdata) {
  std::unique_ptr<Reply> cb{static_cast<Reply*>(privdata)};
  if (*cb) (*cb)(static_cast<const redisReply*>(reply));
}

void RedisLink::on_pubsub(redisAsyncContext* ac, void* raw, void*) {
  RedisLink* s = owner_of(ac);
  const auto* reply = static_cast<const redisReply*>(raw);
  if (!s || !reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) return;
  const redisReply* kind = reply->element[0];
  if (kind->type != REDIS_REPLY_STRING || std::string_view{kind->str, kind->len} != "message")
    return;
  const redisReply* channel = reply->element[1];
  const redisReply* payload = reply->element[2];
  if (channel->type != REDIS_REPLY_STRING || payload->type != REDIS_REPLY_STRING) return;
  if (s->on_message_)
    s->on_message_(std::string{channel->str, channel->len},
                   std::string{payload->str, payload->len});
}

}  // namespace shotcall::server
