#include "signaling/server/ops/server_config.hpp"

#include <gtest/gtest.h>

#include "tests/server/config_env.hpp"

namespace shotcall::server {
namespace {

using testing::Env;
using testing::parse;

ServerConfig ok(std::vector<std::string> args, const Env& env = {}) {
  auto o = parse(std::move(args), env);
  EXPECT_TRUE(o.config.has_value()) << o.err;
  EXPECT_EQ(o.exit_code, 0);
  return o.config.value_or(ServerConfig{});
}

void expect_bad(std::vector<std::string> args, const std::string& mentions, const Env& env = {}) {
  auto o = parse(args, env);
  EXPECT_FALSE(o.config.has_value());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(mentions), std::string::npos) << "stderr was: " << o.err;
  EXPECT_TRUE(o.out.empty());
}

TEST(ServerConfig, DefaultsMatchTheDocumentedOnes) {
  const auto c = ok({});
  EXPECT_EQ(c.bind, "127.0.0.1");
  EXPECT_EQ(c.port, 7800);
  EXPECT_EQ(c.max_frame, 65536u);
  EXPECT_EQ(c.rate, 50);
  EXPECT_EQ(c.burst, 100u);
  EXPECT_EQ(c.max_connections_per_ip, 50u);
  EXPECT_EQ(c.max_connections, 20000u);
  EXPECT_EQ(c.max_members, 5u);
  EXPECT_EQ(c.log_format, LogFormat::Text);
  EXPECT_EQ(c.keepalive_s, 20u);
  EXPECT_EQ(c.handshake_timeout_s, 30u);
  EXPECT_FALSE(c.access_token);
  EXPECT_TRUE(c.stun_urls.empty());
  EXPECT_TRUE(c.turn_urls.empty());
  EXPECT_FALSE(c.tls());
}

TEST(ServerConfig, ReadsEveryFlagInBothSpellings) {
  const auto c = ok({"--bind", "::1", "--port=0", "--max-frame", "2048", "--rate=7.5",
                     "--burst", "9", "--max-connections-per-ip=0", "--max-connections", "10",
                     "--max-members=3", "--log-format", "json", "--keepalive=1",
                     "--handshake-timeout", "5",
                     "--access-token", "s3cret", "--stun", "stun:a.example:3478", "--stun",
                     "stun:b.example", "--turn", "turns:t.example:5349", "--turn-username",
                     "u", "--turn-credential", "c", "--tls-cert", "/x/cert.pem", "--tls-key",
                     "/x/key.pem"});
  EXPECT_EQ(c.bind, "::1");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.max_frame, 2048u);
  EXPECT_DOUBLE_EQ(c.rate, 7.5);
  EXPECT_EQ(c.burst, 9u);
  EXPECT_EQ(c.max_connections_per_ip, 0u);
  EXPECT_EQ(c.max_connections, 10u);
  EXPECT_EQ(c.max_members, 3u);
  EXPECT_EQ(c.log_format, LogFormat::Json);
  EXPECT_EQ(c.keepalive_s, 1u);
  EXPECT_EQ(c.handshake_timeout_s, 5u);
  EXPECT_EQ(c.access_token, "s3cret");
  EXPECT_EQ(c.stun_urls, (std::vector<std::string>{"stun:a.example:3478", "stun:b.example"}));
  EXPECT_EQ(c.turn_urls, (std::vector<std::string>{"turns:t.example:5349"}));
  EXPECT_EQ(c.turn_username, "u");
  EXPECT_EQ(c.turn_credential, "c");
  EXPECT_EQ(c.tls_cert, "/x/cert.pem");
  EXPECT_EQ(c.tls_key, "/x/key.pem");
  EXPECT_TRUE(c.tls());
}

TEST(ServerConfig, EnvironmentFillsWhatFlagsLeaveOut) {
  Env env;
  env.vars = {{"SHOTCALL_PORT", "9000"},
              {"SHOTCALL_MAX_CONNECTIONS_PER_IP", "7"},
              {"SHOTCALL_LOG_FORMAT", "json"},
              {"SHOTCALL_STUN", "stun:a,stun:b"},
              {"SHOTCALL_ACCESS_TOKEN", "tok"}};
  const auto c = ok({}, env);
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.max_connections_per_ip, 7u);
  EXPECT_EQ(c.log_format, LogFormat::Json);
  EXPECT_EQ(c.stun_urls, (std::vector<std::string>{"stun:a", "stun:b"}));
  EXPECT_EQ(c.access_token, "tok");
}

TEST(ServerConfig, FlagWinsOverEnvironment) {
  Env env;
  env.vars = {{"SHOTCALL_PORT", "9000"}, {"SHOTCALL_STUN", "stun:env"}};
  const auto c = ok({"--port", "9001", "--stun", "stun:flag"}, env);
  EXPECT_EQ(c.port, 9001);
  EXPECT_EQ(c.stun_urls, (std::vector<std::string>{"stun:flag"}));
}

TEST(ServerConfig, AFlagOverridesABadEnvironmentValue) {
  Env env;
  env.vars = {{"SHOTCALL_PORT", "not-a-port"}};
  EXPECT_EQ(ok({"--port", "1234"}, env).port, 1234);
  expect_bad({}, "SHOTCALL_PORT", env);
}

TEST(ServerConfig, EmptyEnvironmentValuesCountAsUnset) {
  Env env;
  env.vars = {{"SHOTCALL_ACCESS_TOKEN", ""}, {"SHOTCALL_PORT", ""}};
  const auto c = ok({}, env);
  EXPECT_FALSE(c.access_token);
  EXPECT_EQ(c.port, 7800);
}

TEST(ServerConfig, BadValuesExitTwoNamingTheSetting) {
  expect_bad({"--port", "65536"}, "--port");
  expect_bad({"--port", "-1"}, "--port");
  expect_bad({"--port", "12x"}, "--port");
  expect_bad({"--port", ""}, "--port");
  expect_bad({"--bind", "example.com"}, "--bind");
  expect_bad({"--max-frame", "10"}, "--max-frame");
  expect_bad({"--rate", "0"}, "--rate");
  expect_bad({"--rate", "nan"}, "--rate");
  expect_bad({"--rate", "inf"}, "--rate");
  expect_bad({"--burst", "0"}, "--burst");
  expect_bad({"--max-connections", "0"}, "--max-connections");
  expect_bad({"--max-members", "1"}, "--max-members");
  expect_bad({"--log-format", "xml"}, "--log-format");
  expect_bad({"--keepalive", "3601"}, "--keepalive");
  expect_bad({"--handshake-timeout", "0"}, "--handshake-timeout");
  expect_bad({"--access-token", "has space"}, "--access-token");
  expect_bad({"--stun", "http://x"}, "--stun");
  expect_bad({"--turn", "stun:x"}, "--turn");
  expect_bad({"--turn", "turn:x"}, "--turn-username");
  expect_bad({"--turn-username", "u", "--turn-credential", "c"}, "need --turn");
  expect_bad({"--tls-cert", "/c.pem"}, "--tls-key");
  expect_bad({"--tls-key", "/k.pem"}, "--tls-key");
}

TEST(ServerConfig, MalformedCommandLinesExitTwo) {
  expect_bad({"--nope"}, "unknown option --nope");
  expect_bad({"positional"}, "unexpected argument");
  expect_bad({"-p", "1"}, "unexpected argument");
  expect_bad({"--port"}, "needs a value");
  expect_bad({"--port", "1", "--port", "2"}, "given twice");
  expect_bad({"--help=yes"}, "takes no value");
}

TEST(ServerConfig, HelpAndVersionPrintToStdoutAndExitZero) {
  auto h = parse({"--help"});
  EXPECT_FALSE(h.config);
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--max-connections-per-ip"), std::string::npos);
  EXPECT_NE(h.out.find("SHOTCALL_"), std::string::npos);
  EXPECT_TRUE(h.err.empty());
  auto v = parse({"--version"});
  EXPECT_FALSE(v.config);
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, std::string{"shotcall-signal "} + SHOTCALL_VERSION + "\n");
}

TEST(ServerConfig, HelpWinsOverBadValuesAfterIt) {
  // --help is for finding out what is wrong; it must not itself fail on the rest of the line.
  auto h = parse({"--help", "--port", "99999"});
  EXPECT_EQ(h.exit_code, 0);
}

}  // namespace
}  // namespace shotcall::server

namespace shotcall::server {
namespace {

TEST(ServerConfig, RedisAndInstanceIdShareState) {
  EXPECT_FALSE(ok({}).redis_url);
  // Instances that share Redis must share identity bindings too: --redis needs PostgreSQL.
  const std::string pg = "postgresql://shotcall@127.0.0.1:5432/shotcall";
  const auto c =
      ok({"--redis", "redis://10.0.0.5:6380", "--instance-id=node-1", "--database", pg});
  EXPECT_EQ(c.redis_url, "redis://10.0.0.5:6380");
  EXPECT_EQ(c.instance_id, "node-1");
  EXPECT_EQ(c.database, pg);
  const auto from_env = ok({}, Env{{{"SHOTCALL_REDIS", "redis://127.0.0.1:6379"},
                                    {"SHOTCALL_INSTANCE_ID", "b"},
                                    {"SHOTCALL_DATABASE", pg}}});
  EXPECT_EQ(from_env.redis_url, "redis://127.0.0.1:6379");
  EXPECT_EQ(from_env.instance_id, "b");
  EXPECT_EQ(from_env.database, pg);
  expect_bad({"--redis", "http://127.0.0.1:6379", "--database", pg}, "redis://");
  expect_bad({"--redis", "redis://x", "--instance-id", "a.b", "--database", pg}, "--instance-id");
  expect_bad({"--instance-id", "a"}, "needs --redis");
  EXPECT_FALSE(c.reuse_port);
  EXPECT_TRUE(ok({"--reuse-port"}).reuse_port);
  expect_bad({"--reuse-port=1"}, "takes no value");
}

TEST(ServerConfig, IdentityPolicyIsNoneKeyOrRiot) {
  EXPECT_EQ(ok({}).identity_policy, "none");
  EXPECT_EQ(ok({"--identity", "key"}).identity_policy, "key");
  EXPECT_EQ(ok({"--identity=riot"}).identity_policy, "riot");
  EXPECT_EQ(ok({}, Env{{{"SHOTCALL_IDENTITY", "key"}}}).identity_policy, "key");
  expect_bad({"--identity", "strict"}, "--identity");
  expect_bad({"--identity", "KEY"}, "expected none, key or riot");
  expect_bad({"--identity", ""}, "--identity");
}

TEST(ServerConfig, PublicHostsAreLoweredAndMayRepeat) {
  EXPECT_TRUE(ok({}).public_hosts.empty());
  const auto c = ok({"--public-host", "Chat.Example.ORG", "--public-host=chat.example.org:8443"});
  EXPECT_EQ(c.public_hosts,
            (std::vector<std::string>{"chat.example.org", "chat.example.org:8443"}));
  EXPECT_EQ(ok({}, Env{{{"SHOTCALL_PUBLIC_HOST", "a.example,B.example:444"}}}).public_hosts,
            (std::vector<std::string>{"a.example", "b.example:444"}));
  // A URL or a path is not what a proof names: say what is expected instead.
  expect_bad({"--public-host", "wss://chat.example.org"}, "--public-host");
  expect_bad({"--public-host", "chat.example.org/ws"}, "host name");
  expect_bad({"--public-host", "has space"}, "--public-host");
}

TEST(ServerConfig, DatabaseIsSqliteOrPostgresql) {
  EXPECT_EQ(ok({"--database", "sqlite:/var/lib/shotcall/ids.sqlite"}).database,
            "sqlite:/var/lib/shotcall/ids.sqlite");
  EXPECT_EQ(ok({"--database", "postgresql://u@db.internal/shotcall"}).database,
            "postgresql://u@db.internal/shotcall");
  expect_bad({"--database", "mysql://u@db/shotcall"}, "--database");
  expect_bad({"--database", "/var/lib/shotcall/ids.sqlite"}, "sqlite:PATH");
  expect_bad({"--database", ""}, "--database");
}

TEST(ServerConfig, StateDirComesFromTheFlagThenSystemdThenTheWorkingDirectory) {
  const auto plain = ok({});
  EXPECT_EQ(plain.state_dir, "./shotcall-state");
  EXPECT_EQ(plain.database, "sqlite:./shotcall-state/identity.sqlite");
  // systemd's StateDirectory= sets STATE_DIRECTORY (a colon-separated list with several).
  const auto systemd = ok({}, Env{{{"STATE_DIRECTORY", "/var/lib/shotcall:/var/lib/other"}}});
  EXPECT_EQ(systemd.state_dir, "/var/lib/shotcall");
  EXPECT_EQ(systemd.database, "sqlite:/var/lib/shotcall/identity.sqlite");
  const auto flag =
      ok({"--state-dir", "/srv/sc"}, Env{{{"STATE_DIRECTORY", "/var/lib/shotcall"}}});
  EXPECT_EQ(flag.state_dir, "/srv/sc");
  EXPECT_EQ(flag.database, "sqlite:/srv/sc/identity.sqlite");
  // An explicit --database wins over the state directory's default file.
  EXPECT_EQ(ok({"--state-dir", "/srv/sc", "--database", "sqlite:/elsewhere.sqlite"}).database,
            "sqlite:/elsewhere.sqlite");
  EXPECT_EQ(ok({}, Env{{{"STATE_DIRECTORY", ""}}}).state_dir, "./shotcall-state");
}

TEST(ServerConfig, RedisWithAPrivateSqliteDatabaseIsRefusedWithTheReason) {
  expect_bad({"--redis", "redis://127.0.0.1:6379"}, "--redis needs --database postgresql://");
  expect_bad({"--redis", "redis://127.0.0.1:6379", "--database", "sqlite:/tmp/x.sqlite"},
             "cannot be shared");
  expect_bad({"--redis", "redis://127.0.0.1:6379", "--state-dir", "/srv/sc"}, "postgresql://");
}

TEST(ServerConfig, NoWebTurnsTheBrowserClientOff) {
  EXPECT_TRUE(ok({}).web);
  EXPECT_FALSE(ok({"--no-web"}).web);
  expect_bad({"--no-web=1"}, "takes no value");
  // A switch reads no variable: only the command line turns the page off.
  EXPECT_NE(usage_text().find("--no-web"), std::string::npos);
}

}  // namespace
}  // namespace shotcall::server

#include "signaling/server/cluster/redis_link.hpp"

namespace shotcall::server {
namespace {

TEST(RedisUrl, HostAndPortOrARefusalThatSaysWhy) {
  RedisEndpoint e;
  std::string error;
  ASSERT_TRUE(parse_redis_url("redis://10.0.0.5:6380", e, error));
  EXPECT_EQ(e.host, "10.0.0.5");
  EXPECT_EQ(e.port, 6380);
  ASSERT_TRUE(parse_redis_url("redis://cache.internal/", e, error));
  EXPECT_EQ(e.host, "cache.internal");
  EXPECT_EQ(e.port, 6379);
  for (const char* bad : {"http://x:1", "redis://", "redis://:6379", "redis://x:0", "redis://x:70000",
                          "redis://x:12ab", "redis://user:pw@x:6379", "redis://x:6379/2"}) {
    error.clear();
    EXPECT_FALSE(parse_redis_url(bad, e, error)) << bad;
    EXPECT_NE(error.find("--redis"), std::string::npos) << bad << ": " << error;
  }
}

}  // namespace
}  // namespace shotcall::server

namespace shotcall::server {
namespace {

TEST(ServerConfigTrustedProxy, RepeatsAndComesFromTheVariableAsAList) {
  EXPECT_TRUE(ok({}).trusted_proxies.empty());
  const auto flags = ok({"--trusted-proxy", "10.0.0.0/8", "--trusted-proxy=::1"});
  EXPECT_TRUE(flags.trusted_proxies.contains("10.3.2.1"));
  EXPECT_TRUE(flags.trusted_proxies.contains("::1"));
  EXPECT_FALSE(flags.trusted_proxies.contains("192.0.2.1"));
  Env vars;
  vars.vars["SHOTCALL_TRUSTED_PROXY"] = "192.0.2.0/24,127.0.0.1";
  const auto env = ok({}, vars);
  EXPECT_TRUE(env.trusted_proxies.contains("192.0.2.77"));
  EXPECT_TRUE(env.trusted_proxies.contains("127.0.0.1"));
  EXPECT_FALSE(env.trusted_proxies.contains("127.0.0.2"));
}

TEST(ServerConfigTrustedProxy, RefusesWhatIsNotAnAddressOrNetwork) {
  expect_bad({"--trusted-proxy", "proxy.example.org"}, "--trusted-proxy");
  expect_bad({"--trusted-proxy", "10.0.0.1/8"}, "no host bits set");
  Env vars;
  vars.vars["SHOTCALL_TRUSTED_PROXY"] = "10.0.0.0/33";
  expect_bad({}, "SHOTCALL_TRUSTED_PROXY", vars);
}

}  // namespace
}  // namespace shotcall::server
