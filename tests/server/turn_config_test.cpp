// The TURN settings of shotcall-signal: static credentials as before, or time-limited ones made
// from a secret that only an environment variable holds (--turn-secret-env); no message ever
// repeats the secret.
#include <gtest/gtest.h>

#include "signaling/server/ops/server_config.hpp"
#include "tests/server/config_env.hpp"

namespace shotcall::server {
namespace {

constexpr const char* kSecret = "9f2c4e0b7a51d3e8turnsecretvalue";

using testing::Env;
using testing::parse;

Env with_secret() { return Env{{{"TURN_SECRET", kSecret}}}; }

ServerConfig ok(std::vector<std::string> args, const Env& env) {
  const auto o = parse(std::move(args), env);
  EXPECT_TRUE(o.config.has_value()) << o.err;
  return o.config.value_or(ServerConfig{});
}

// Refused with exit 2, naming `mentions`, never quoting the secret.
void expect_bad(std::vector<std::string> args, const std::string& mentions, const Env& env) {
  const auto o = parse(args, env);
  EXPECT_FALSE(o.config.has_value());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(mentions), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("turnsecretvalue"), std::string::npos) << o.err;
}

const std::vector<std::string> kEveryUrlForm{"--stun", "stun:stun.example.org:3478",
                                             "--stun", "stun:[2001:db8::1]:3478",
                                             "--turn", "turn:relay.example.org:3478?transport=udp",
                                             "--turn", "turn:relay.example.org:3478?transport=tcp",
                                             "--turn", "turns:relay.example.org:5349?transport=tcp",
                                             "--turn", "turn:[2001:db8::2]:3478"};

TEST(TurnConfig, SecretFromTheNamedVariableWithTwelveHoursByDefault) {
  std::vector<std::string> args = kEveryUrlForm;
  args.insert(args.end(), {"--turn-secret-env", "TURN_SECRET"});
  const auto c = ok(args, with_secret());
  ASSERT_TRUE(c.turn_secret);
  EXPECT_EQ(c.turn_secret->env, "TURN_SECRET");
  EXPECT_EQ(c.turn_secret->secret, kSecret);
  EXPECT_EQ(c.turn_secret->ttl_s, 12 * 3600);
  EXPECT_FALSE(c.turn_username);
  EXPECT_FALSE(c.turn_credential);
  EXPECT_EQ(c.stun_urls,
            (std::vector<std::string>{"stun:stun.example.org:3478", "stun:[2001:db8::1]:3478"}));
  EXPECT_EQ(c.turn_urls, (std::vector<std::string>{"turn:relay.example.org:3478?transport=udp",
                                                   "turn:relay.example.org:3478?transport=tcp",
                                                   "turns:relay.example.org:5349?transport=tcp",
                                                   "turn:[2001:db8::2]:3478"}));
}

TEST(TurnConfig, TtlInBothSpellingsAndFromTheEnvironment) {
  const std::vector<std::string> base{"--turn", "turn:t", "--turn-secret-env", "TURN_SECRET"};
  auto with = [&](std::vector<std::string> more) {
    auto args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  EXPECT_EQ(ok(with({"--turn-ttl", "60"}), with_secret()).turn_secret->ttl_s, 60);
  EXPECT_EQ(ok(with({"--turn-ttl=604800"}), with_secret()).turn_secret->ttl_s, 604800);
  Env env = with_secret();
  env.vars["SHOTCALL_TURN_TTL"] = "3600";
  EXPECT_EQ(ok(base, env).turn_secret->ttl_s, 3600);
  EXPECT_EQ(ok(with({"--turn-ttl", "120"}), env).turn_secret->ttl_s, 120);  // the flag wins
  for (const char* bad : {"59", "604801", "0", "-5", "12h", ""})
    expect_bad(with({"--turn-ttl", bad}), "--turn-ttl", with_secret());
}

TEST(TurnConfig, TheWholeSettingCanComeFromTheEnvironment) {
  Env env = with_secret();
  env.vars["SHOTCALL_TURN"] = "turn:a:3478?transport=udp,turns:a:5349";
  env.vars["SHOTCALL_TURN_SECRET_ENV"] = "TURN_SECRET";
  const auto c = ok({}, env);
  ASSERT_TRUE(c.turn_secret);
  EXPECT_EQ(c.turn_secret->secret, kSecret);
  EXPECT_EQ(c.turn_urls, (std::vector<std::string>{"turn:a:3478?transport=udp", "turns:a:5349"}));
}

TEST(TurnConfig, StaticCredentialsKeepWorking) {
  const auto c =
      ok({"--turn", "turn:t:3478", "--turn-username", "u", "--turn-credential", "c"}, Env{});
  EXPECT_FALSE(c.turn_secret);
  EXPECT_EQ(c.turn_username, "u");
  EXPECT_EQ(c.turn_credential, "c");
}

TEST(TurnConfig, SecretAndStaticCredentialsTogetherAreRefusedInWords) {
  expect_bad({"--turn", "turn:t", "--turn-secret-env", "TURN_SECRET", "--turn-username", "u",
              "--turn-credential", "c"},
             "--turn-secret-env cannot be combined with --turn-username/--turn-credential",
             with_secret());
  expect_bad({"--turn", "turn:t", "--turn-secret-env", "TURN_SECRET", "--turn-credential", "c"},
             "cannot be combined", with_secret());
}

TEST(TurnConfig, PartsWithoutTheRestAreRefused) {
  expect_bad({"--turn", "turn:t"}, "--turn needs --turn-secret-env", with_secret());
  expect_bad({"--turn-secret-env", "TURN_SECRET"}, "--turn-secret-env needs --turn", with_secret());
  expect_bad({"--turn", "turn:t", "--turn-ttl", "600"}, "--turn-ttl needs --turn-secret-env",
             with_secret());
}

TEST(TurnConfig, MissingWeakOrPastedSecretsAreRefusedWithoutQuotingThem) {
  const std::vector<std::string> base{"--turn", "turn:t", "--turn-secret-env", "TURN_SECRET"};
  expect_bad(base, "unset or empty", Env{});
  expect_bad(base, "unset or empty", Env{{{"TURN_SECRET", ""}}});
  expect_bad(base, "16 to 512 printable", Env{{{"TURN_SECRET", "short"}}});
  expect_bad(base, "16 to 512 printable", Env{{{"TURN_SECRET", "turnsecretvalue 1234567"}}});
  expect_bad(base, "16 to 512 printable", Env{{{"TURN_SECRET", "turnsecretvalue1234567\n"}}});
  expect_bad(base, "16 to 512 printable",
             Env{{{"TURN_SECRET", std::string(500, 'k') + "turnsecretvalue"}}});
  // The secret pasted where the variable's name belongs is not echoed back, whether or not it
  // could be a variable's name.
  expect_bad({"--turn", "turn:t", "--turn-secret-env", "turnsecretvalue-9f2c"},
             "--turn-secret-env: expected the name of an environment variable", with_secret());
  expect_bad({"--turn", "turn:t", "--turn-secret-env", "turnsecretvalue9f2c"},
             "--turn-secret-env: the environment variable it names is unset", with_secret());
}

TEST(TurnConfig, UrlsMustBeStunOrTurnOfAnyTransport) {
  expect_bad({"--turn", "http://relay", "--turn-secret-env", "TURN_SECRET"}, "--turn",
             with_secret());
  expect_bad({"--turn", "stun:relay", "--turn-secret-env", "TURN_SECRET"}, "--turn", with_secret());
  expect_bad({"--stun", "turn:relay"}, "--stun", Env{});
  expect_bad({"--turn", "turn:relay ?transport=udp", "--turn-secret-env", "TURN_SECRET"}, "--turn",
             with_secret());
}

TEST(TurnConfig, HelpNamesTheFlagsAndNoSecret) {
  const auto h = parse({"--help"}, with_secret());
  EXPECT_EQ(h.exit_code, 0);
  for (const char* flag : {"--turn URL", "--turn-secret-env VAR", "--turn-ttl SECONDS",
                           "--turn-username", "--turn-credential", "turns:"})
    EXPECT_NE(h.out.find(flag), std::string::npos) << flag;
  EXPECT_EQ(h.out.find("turnsecretvalue"), std::string::npos);
}

}  // namespace
}  // namespace shotcall::server
