// RedisProcess, the real redis-server the multi-instance tests share state through.
#include "tests/support/redis_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <stdexcept>

#include "tests/support/spawned_process.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

TEST(RedisProcess, AnswersOnItsPortAndForgetsEverythingOnRestart) {
  RedisProcess redis;
  ASSERT_TRUE(redis.running());
  EXPECT_EQ(redis.url(), "redis://127.0.0.1:" + std::to_string(redis.port()));
  EXPECT_EQ(redis.command({"PING"}), "PONG");
  EXPECT_EQ(redis.command({"SET", "shotcall:test", "value with spaces"}), "OK");
  EXPECT_EQ(redis.command({"GET", "shotcall:test"}), "value with spaces");
  EXPECT_EQ(redis.command({"NO-SUCH-COMMAND"}).rfind("-ERR", 0), 0u);
  // No persistence configured: nothing will survive a restart.
  EXPECT_EQ(redis.command({"CONFIG", "GET", "save"}), "save\n");
  EXPECT_EQ(redis.command({"CONFIG", "GET", "appendonly"}), "appendonly\nno");

  // The stock client agrees, over the same port.
  const std::string cli = SpawnedProcess::find_program("redis-cli");
  ASSERT_FALSE(cli.empty());
  SpawnedProcess ping({cli, "-h", "127.0.0.1", "-p", std::to_string(redis.port()), "PING"});
  EXPECT_NE(ping.wait_for_output("PONG", 10s), std::string::npos) << ping.output();
  EXPECT_EQ(ping.wait_exit(10s).status, 0);

  const int port = redis.port();
  const ProcessExit stopped = redis.stop();
  EXPECT_TRUE(stopped.exited && !stopped.signaled && stopped.status == 0);
  EXPECT_FALSE(redis.running());
  EXPECT_THROW(redis.command({"PING"}, 2s), std::runtime_error);  // connection refused

  redis.start_again();
  EXPECT_EQ(redis.port(), port);
  EXPECT_EQ(redis.command({"PING"}), "PONG");
  EXPECT_EQ(redis.command({"GET", "shotcall:test"}), "(nil)");
}

TEST(RedisProcess, KilledPausedAndResumed) {
  RedisProcess redis;
  const ProcessExit killed = redis.kill();
  EXPECT_TRUE(killed.signaled);
  EXPECT_EQ(killed.status, SIGKILL);
  redis.start_again();
  EXPECT_EQ(redis.command({"PING"}), "PONG");

  redis.pause();
  // A paused Redis accepts (the kernel does) but never answers.
  EXPECT_THROW(redis.command({"PING"}, 500ms), std::runtime_error);
  redis.resume();
  EXPECT_EQ(redis.command({"PING"}), "PONG");
}

TEST(RedisProcess, TwoAtOnceGetTheirOwnPorts) {
  RedisProcess a, b;
  EXPECT_NE(a.port(), b.port());
  EXPECT_EQ(a.command({"SET", "k", "a"}), "OK");
  EXPECT_EQ(b.command({"GET", "k"}), "(nil)");
}

}  // namespace
}  // namespace shotcall::test
