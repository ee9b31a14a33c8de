#include "signaling/server/cluster/notice_command.hpp"

#include <hiredis/hiredis.h>

#include <cstdio>
#include <memory>

#include "signaling/protocol/json_writer.hpp"
#include "signaling/protocol/messages.hpp"
#include "signaling/server/cluster/redis_link.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::server {
namespace {

constexpr const char* kUsage =
    "Usage: shotcall-signal notice --redis redis://HOST:PORT [--level info|warning] TEXT\n"
    "Sends TEXT as a notice to every client of every instance that shares this Redis.\n";

int usage_error(const std::string& what) {
  std::fprintf(stderr, "shotcall-signal notice: %s\n%s", what.c_str(), kUsage);
  return 2;
}

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

}  // namespace

int run_notice_command(const std::vector<std::string>& args) {
  std::string url, level = "info", text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&](const char* flag, std::string& out) {
      const std::string eq = std::string{flag} + "=";
      if (a.rfind(eq, 0) == 0) {
        out = a.substr(eq.size());
        return true;
      }
      if (a == flag && i + 1 < args.size()) {
        out = args[++i];
        return true;
      }
      return false;
    };
    if (a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (value("--redis", url) || value("--level", level)) continue;
    if (a.rfind("--", 0) == 0) return usage_error("unknown or incomplete option " + a);
    if (!text.empty()) return usage_error("give the text as one argument (quote it)");
    text = a;
  }
  if (url.empty()) return usage_error("--redis is required");
  if (level != "info" && level != "warning") return usage_error("--level is info or warning");
  if (text.empty()) return usage_error("no text");
  if (text.size() > 2000) return usage_error("the text is longer than 2000 bytes");

  RedisEndpoint endpoint;
  std::string error;
  if (!parse_redis_url(url, endpoint, error)) return usage_error(error);
  const timeval timeout{5, 0};
  std::unique_ptr<redisContext, ContextFree> c{
      redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, timeout)};
  if (!c || c->err) {
    std::fprintf(stderr, "shotcall-signal notice: cannot reach Redis at %s: %s\n", url.c_str(),
                 c ? c->errstr : "out of memory");
    return 1;
  }
  protocol::json::Writer w;
  w.begin_object();
  w.string_member("level", level);
  w.string_member("text", text);
  w.end_object();
  const std::string payload = w.take();
  const std::string channel = store::notice_channel();
  std::unique_ptr<redisReply, ReplyFree> reply{static_cast<redisReply*>(
      redisCommand(c.get(), "PUBLISH %b %b", channel.data(), channel.size(), payload.data(),
                   payload.size()))};
  if (!reply || reply->type != REDIS_REPLY_INTEGER) {
    std::fprintf(stderr, "shotcall-signal notice: Redis refused the notice: %s\n",
                 reply && reply->type == REDIS_REPLY_ERROR ? reply->str : c->errstr);
    return 1;
  }
  std::printf("notice sent to %lld instance(s)\n", reply->integer);
  return 0;
}

}  // namespace shotcall::server
