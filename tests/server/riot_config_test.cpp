// The riot-* settings of shotcall-signal: server-side game detection is off unless a key
// variable is named, the key comes only from that variable, and no message ever repeats it.
#include <gtest/gtest.h>

#include "signaling/server/ops/server_config.hpp"
#include "tests/server/config_env.hpp"

namespace shotcall::server {
namespace {

constexpr const char* kKey = "RGAPI-5e1f0c2a-0d4b-4c8e-9a71-secretvalue42";

using testing::Env;
using testing::parse;

Env with_key() { return Env{{{"RIOT_KEY", kKey}}}; }

// Refused with exit 2, naming `mentions`, never quoting the key.
void expect_bad(std::vector<std::string> args, const std::string& mentions, const Env& env) {
  const auto o = parse(args, env);
  EXPECT_FALSE(o.config.has_value());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(mentions), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("secretvalue42"), std::string::npos) << o.err;
}

TEST(RiotConfig, OffByDefault) {
  const auto o = parse({}, with_key());
  ASSERT_TRUE(o.config);
  EXPECT_FALSE(o.config->riot);
}

TEST(RiotConfig, KeyComesFromTheNamedVariableWithDefaults) {
  const auto o = parse({"--riot-api-key-env", "RIOT_KEY", "--riot-platform", "EUW1"}, with_key());
  ASSERT_TRUE(o.config) << o.err;
  ASSERT_TRUE(o.config->riot);
  const RiotSettings& r = *o.config->riot;
  EXPECT_EQ(r.key_env, "RIOT_KEY");
  EXPECT_EQ(r.api_key, kKey);
  EXPECT_EQ(r.platform, "euw1");
  EXPECT_EQ(r.api_base, "");
  EXPECT_EQ(r.rate_limits, "20:1,100:120");
  EXPECT_EQ(r.min_poll_interval_ms, 10000);
  EXPECT_EQ(r.game_check_interval_ms, 60000);
  EXPECT_EQ(r.end_confirmations, 2);
}

TEST(RiotConfig, EveryFlagAndItsVariable) {
  const auto o = parse({"--riot-api-key-env=RIOT_KEY", "--riot-platform", "na1", "--riot-api-base",
                        "http://127.0.0.1:8080/", "--riot-rate-limits", "4:1, 10:3",
                        "--riot-poll-interval", "200", "--riot-game-check-interval", "600",
                        "--riot-end-confirmations", "3"},
                       with_key());
  ASSERT_TRUE(o.config) << o.err;
  const RiotSettings& r = *o.config->riot;
  EXPECT_EQ(r.platform, "na1");
  EXPECT_EQ(r.api_base, "http://127.0.0.1:8080/");
  EXPECT_EQ(r.rate_limits, "4:1, 10:3");
  EXPECT_EQ(r.min_poll_interval_ms, 200);
  EXPECT_EQ(r.game_check_interval_ms, 600);
  EXPECT_EQ(r.end_confirmations, 3);

  Env env = with_key();
  env.vars["SHOTCALL_RIOT_API_KEY_ENV"] = "RIOT_KEY";
  env.vars["SHOTCALL_RIOT_PLATFORM"] = "kr";
  env.vars["SHOTCALL_RIOT_RATE_LIMITS"] = "500:10";
  env.vars["SHOTCALL_RIOT_POLL_INTERVAL"] = "1000";
  const auto e = parse({"--riot-platform", "jp1"}, env);  // the flag wins
  ASSERT_TRUE(e.config) << e.err;
  EXPECT_EQ(e.config->riot->api_key, kKey);
  EXPECT_EQ(e.config->riot->platform, "jp1");
  EXPECT_EQ(e.config->riot->rate_limits, "500:10");
  EXPECT_EQ(e.config->riot->min_poll_interval_ms, 1000);
}

TEST(RiotConfig, TheKeyIsNeverAFlagOrAShotcallVariable) {
  Env env;
  env.vars["SHOTCALL_RIOT_API_KEY"] = kKey;
  const auto o = parse({}, env);
  ASSERT_TRUE(o.config);
  EXPECT_FALSE(o.config->riot);
  expect_bad({"--riot-api-key", kKey}, "unknown option --riot-api-key", env);
}

TEST(RiotConfig, MissingOrUnusableKeyIsRefusedWithoutQuotingIt) {
  const std::vector<std::string> base{"--riot-api-key-env", "RIOT_KEY", "--riot-platform", "euw1"};
  expect_bad(base, "RIOT_KEY is unset or empty", Env{});
  expect_bad(base, "RIOT_KEY is unset or empty", Env{{{"RIOT_KEY", ""}}});
  expect_bad(base, "not an API key", Env{{{"RIOT_KEY", "RGAPI secretvalue42"}}});
  expect_bad(base, "not an API key", Env{{{"RIOT_KEY", "secretvalue42\n"}}});
  expect_bad(base, "not an API key", Env{{{"RIOT_KEY", std::string(257, 'k') + "secretvalue42"}}});
  // The key pasted where the variable's name belongs is not echoed back.
  expect_bad({"--riot-api-key-env", kKey, "--riot-platform", "euw1"}, "--riot-api-key-env",
             with_key());
  expect_bad({"--riot-api-key-env", "1ABC", "--riot-platform", "euw1"}, "environment variable",
             with_key());
}

TEST(RiotConfig, BadSettingsExitTwo) {
  const Env env = with_key();
  const std::vector<std::string> key{"--riot-api-key-env", "RIOT_KEY"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = key;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  expect_bad(key, "--riot-platform", env);
  expect_bad(with({"--riot-platform", "mars1"}), "not a Riot platform", env);
  expect_bad(with({"--riot-platform", "euw1", "--riot-api-base", "ftp://x"}), "--riot-api-base", env);
  expect_bad(with({"--riot-platform", "euw1", "--riot-rate-limits", "20/1"}), "--riot-rate-limits", env);
  expect_bad(with({"--riot-platform", "euw1", "--riot-rate-limits", "0:1"}), "--riot-rate-limits", env);
  expect_bad(with({"--riot-platform", "euw1", "--riot-poll-interval", "10"}), "--riot-poll-interval", env);
  expect_bad(with({"--riot-platform", "euw1", "--riot-game-check-interval", "x"}),
             "--riot-game-check-interval", env);
  expect_bad(with({"--riot-platform", "euw1", "--riot-end-confirmations", "0"}),
             "--riot-end-confirmations", env);
}

TEST(RiotConfig, VerificationShareOfTheKey) {
  const std::vector<std::string> key{"--riot-api-key-env", "RIOT_KEY", "--riot-platform", "euw1"};
  auto o = parse(key, with_key());
  ASSERT_TRUE(o.config) << o.err;
  EXPECT_EQ(o.config->riot->verify_share_percent, 20);
  auto with = key;
  with.insert(with.end(), {"--riot-verify-share", "0"});
  o = parse(with, with_key());
  ASSERT_TRUE(o.config) << o.err;
  EXPECT_EQ(o.config->riot->verify_share_percent, 0);
  Env env = with_key();
  env.vars["SHOTCALL_RIOT_VERIFY_SHARE"] = "35";
  o = parse(key, env);
  ASSERT_TRUE(o.config) << o.err;
  EXPECT_EQ(o.config->riot->verify_share_percent, 35);
  with.back() = "91";
  expect_bad(with, "--riot-verify-share", with_key());
  expect_bad({"--riot-verify-share", "20"}, "--riot-verify-share needs --riot-api-key-env",
             with_key());
}

TEST(RiotConfig, RiotSettingsNeedTheKey) {
  for (const char* flag : {"--riot-platform", "--riot-api-base", "--riot-rate-limits",
                           "--riot-poll-interval", "--riot-game-check-interval",
                           "--riot-end-confirmations"}) {
    expect_bad({flag, "1"}, std::string{flag} + " needs --riot-api-key-env", with_key());
  }
}

TEST(RiotConfig, HelpNamesTheFlagsAndNoKey) {
  const auto h = parse({"--help"}, with_key());
  EXPECT_EQ(h.exit_code, 0);
  for (const char* flag : {"--riot-api-key-env", "--riot-platform", "--riot-api-base",
                           "--riot-rate-limits", "--riot-poll-interval"})
    EXPECT_NE(h.out.find(flag), std::string::npos) << flag;
  EXPECT_EQ(h.out.find("secretvalue42"), std::string::npos);
}

}  // namespace
}  // namespace shotcall::server
