#include "signaling/server/cluster/notice_command.hpp"

#include <cstdio>

#include "signaling/protocol/json_writer.hpp"
#include "signaling/protocol/messages.hpp"
#include "signaling/server/cluster/redis_link.hpp"
#include "signaling/server/cluster/redis_publish.hpp"
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

  std::string error;
  if (RedisEndpoint endpoint; !parse_redis_url(url, endpoint, error)) return usage_error(error);
  protocol::json::Writer w;
  w.begin_object();
  w.string_member("level", level);
  w.string_member("text", text);
  w.end_object();
  const auto heard = publish_once(url, store::notice_channel(), w.take(), error);
  if (!heard) {
    std::fprintf(stderr, "shotcall-signal notice: %s\n", error.c_str());
    return 1;
  }
  std::printf("notice sent to %lld instance(s)\n", *heard);
  return 0;
}

}  // namespace shotcall::server
