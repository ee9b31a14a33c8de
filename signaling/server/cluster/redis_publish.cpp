#include "signaling/server/cluster/redis_publish.hpp"

#include <hiredis/hiredis.h>

#include <memory>

#include "signaling/server/cluster/redis_link.hpp"

namespace shotcall::server {
namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

}  // namespace

std::optional<long long> publish_once(const std::string& url, const std::string& channel,
                                      const std::string& payload, std::string& error) {
  RedisEndpoint endpoint;
  if (!parse_redis_url(url, endpoint, error)) return std::nullopt;
  const timeval timeout{5, 0};
  std::unique_ptr<redisContext, ContextFree> c{
      redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, timeout)};
  if (!c || c->err) {
    error = "cannot reach Redis at " + url + ": " + (c ? c->errstr : "out of memory");
    return std::nullopt;
  }
  std::unique_ptr<redisReply, ReplyFree> reply{static_cast<redisReply*>(
      redisCommand(c.get(), "PUBLISH %b %b", channel.data(), channel.size(), payload.data(),
                   payload.size()))};
  if (!reply || reply->type != REDIS_REPLY_INTEGER) {
    error = std::string{"Redis refused it: "} +
            (reply && reply->type == REDIS_REPLY_ERROR ? reply->str : c->errstr);
    return std::nullopt;
  }
  return reply->integer;
}

}  // namespace shotcall::server
