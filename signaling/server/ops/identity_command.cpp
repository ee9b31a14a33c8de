#include "signaling/server/ops/identity_command.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "signaling/protocol/riot_id.hpp"
#include "signaling/server/cluster/redis_publish.hpp"
#include "signaling/server/cluster/replacement_message.hpp"
#include "signaling/server/ops/server_config.hpp"
#include "signaling/store/identity_store_factory.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::server {
namespace {

constexpr const char* kUsage =
    "Usage: shotcall-signal identity list [--database SPEC | --state-dir DIR]\n"
    "       shotcall-signal identity show RIOTID [--database SPEC | --state-dir DIR]\n"
    "       shotcall-signal identity unbind RIOTID [--database SPEC | --state-dir DIR]\n"
    "                                              [--redis redis://HOST:PORT]\n"
    "Lists, shows or removes the device keys bound to Riot IDs in the server's identity\n"
    "database (the same one `shotcall-signal` opens with these flags or SHOTCALL_DATABASE /\n"
    "SHOTCALL_STATE_DIR). After `unbind`, the next device to register the Riot ID with a key "
    "binds\n"
    "it afresh. With --redis (or SHOTCALL_REDIS), the instances sharing that Redis close the\n"
    "unbound devices' open connections at once; without it those keep their seat until they\n"
    "reconnect.\n";

int usage_error(const std::string& what) {
  std::fprintf(stderr, "shotcall-signal identity: %s\n%s", what.c_str(), kUsage);
  return 2;
}

std::string utc(std::int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &tm);
  return text;
}

const char* level_name(store::BindingLevel level) {
  return level == store::BindingLevel::Riot ? "riot" : "key";
}

void print_binding(const store::KeyBinding& b) {
  std::printf("%s\t%s\t%s\tbound %s\tlast used %s\n", b.riot_display.c_str(),
              level_name(b.level), b.key.c_str(), utc(b.bound_at_ms).c_str(),
              utc(b.last_used_ms).c_str());
}

// The instances sharing Redis close the open connections of the keys `bound` held.
int close_unbound(const std::string& redis_url, const std::string& riot_id,
                  const std::vector<store::KeyBinding>& bound) {
  core::Replacement replacement{riot_id,
                                std::nullopt,
                                {},
                                "An operator of this server unbound this device from " + riot_id +
                                    ": sign in again to bind it."};
  for (const auto& b : bound) replacement.proven_by.push_back(b.key);
  std::string error;
  const auto heard = publish_once(redis_url, store::replacement_channel(),
                                  encode_replacement(kOperatorPublisher, replacement), error);
  if (!heard) {
    std::fprintf(stderr,
                 "shotcall-signal identity: the binding is gone, but its open connections were "
                 "not closed: %s\n",
                 error.c_str());
    return 1;
  }
  std::printf("%lld instance(s) sharing Redis close its open connections\n", *heard);
  return 0;
}

}  // namespace

int run_identity_command(const std::vector<std::string>& args) {
  if (args.empty() || args.front() == "--help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string verb = args.front();
  std::string riot_id;
  std::vector<std::string> config_flags;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--database" || a == "--state-dir" || a == "--redis") {
      if (i + 1 >= args.size()) return usage_error(a + " needs a value");
      config_flags.push_back(a);
      config_flags.push_back(args[++i]);
    } else if (a.rfind("--database=", 0) == 0 || a.rfind("--state-dir=", 0) == 0 ||
               a.rfind("--redis=", 0) == 0) {
      config_flags.push_back(a);
    } else if (a.rfind("--", 0) == 0) {
      return usage_error("unknown option " + a);
    } else if (riot_id.empty()) {
      riot_id = a;
    } else {
      return usage_error("give one Riot ID (quote it if it has spaces)");
    }
  }
  if (verb != "list" && verb != "show" && verb != "unbind")
    return usage_error("expected list, show or unbind, got \"" + verb + "\"");
  if (verb == "list" && !riot_id.empty()) return usage_error("list takes no Riot ID");
  if (verb != "list" && !protocol::is_valid_riot_id(riot_id))
    return usage_error("expected a Riot ID (Name#TAG), got \"" + riot_id + "\"");

  // The server's own rules pick the database (flags, SHOTCALL_* variables, $STATE_DIRECTORY).
  const auto parsed = parse_config(config_flags, [](std::string_view name) {
    const char* v = std::getenv(std::string{name}.c_str());
    return v ? std::optional<std::string>{v} : std::nullopt;
  });
  if (!parsed.config) {
    std::fputs(parsed.err.c_str(), stderr);
    return 2;
  }
  std::string error;
  const auto db = store::open_identity_store(parsed.config->database, error);
  if (!db) {
    std::fprintf(stderr, "shotcall-signal identity: cannot open %s: %s\n",
                 parsed.config->database.c_str(), error.c_str());
    return 1;
  }
  try {
    if (verb == "list") {
      for (const auto& b : db->all_bindings()) print_binding(b);
      return 0;
    }
    const std::string riot_key = protocol::fold_riot_id(riot_id);
    if (verb == "show") {
      const auto bindings = db->bindings_of(riot_key);
      if (bindings.empty()) {
        std::fprintf(stderr, "%s is not bound to any device on this server\n", riot_id.c_str());
        return 1;
      }
      for (const auto& b : bindings) print_binding(b);
      return 0;
    }
    const auto bound = db->bindings_of(riot_key);
    const std::size_t removed = db->remove_riot_id(riot_key);
    if (removed == 0) {
      std::fprintf(stderr, "%s is not bound to any device on this server\n", riot_id.c_str());
      return 1;
    }
    std::printf("unbound %s (%zu device key%s)\n", riot_id.c_str(), removed,
                removed == 1 ? "" : "s");
    if (parsed.config->redis_url) return close_unbound(*parsed.config->redis_url, riot_id, bound);
    return 0;
  } catch (const store::StoreUnavailable& e) {
    std::fprintf(stderr, "shotcall-signal identity: %s\n", e.what());
    return 1;
  }
}

}  // namespace shotcall::server
