// The first-run page's LAN mode with the game on another computer, as the issue asks: the Live
// Client Data stand-in (lcd-standin, the game's kind of certificate: X.509 v1, named only
// CN=127.0.0.1) listens on 10.77.0.2:2999 in a network namespace of its own ("the game PC"), and
// the app, with its server, runs in another ("this computer"), the two joined by a veth pair.
// Driven to the team's channel under Xvfb with xdotool. Needs root and iproute2 (label "nat").
#include <gtest/gtest.h>

#include <memory>

#include "tests/support/netns.hpp"
#include "tests/support/server_process.hpp"
#include "tests/ui/first_run_fixture.hpp"

namespace shotcall::test {
namespace {

TEST_F(FirstRunEndToEnd, GameOnAnotherComputerReachedThroughItsNetworkAddress) {
  SHOTCALL_REQUIRE_NETNS();
  ASSERT_FALSE(x_.display().empty()) << x_.transcript();
  const NetnsRun run;
  Namespace home(run.name("home")), game_pc(run.name("gamepc"));
  VethPair wire(home, "eth0", game_pc, "eth0");
  home.add_address("eth0", "10.77.0.1/24");
  game_pc.add_address("eth0", "10.77.0.2/24");

  ServerProcess server({}, {}, 20s, home.exec_prefix());
  ChildProcess lcd(with_prefix(game_pc.exec_prefix(),
                               {SHOTCALL_LCD_STANDIN_BINARY, "--port", "2999", "--address",
                                "10.77.0.2", "--game-certificate", "--cert-dir", root_ + "/lcd",
                                "--document", SHOTCALL_LCD_FIXTURE}),
                   {});
  ASSERT_TRUE(lcd.wait_for_lines("listening on https://10.77.0.2:2999", 1, 30s))
      << lcd.transcript();
  preset_devices();
  set("lcd-ca", root_ + "/lcd/ca.pem");  // the stand-in's CA pinned in place of Riot's

  // The app in "this computer"'s namespace; the X server's socket is a file, reachable from there.
  auto app = start_app(home.exec_prefix());
  first_run_page(*app);
  xdotool({"key", "alt+a"});  // "On _another computer on my network"
  xdotool({"key", "alt+d"});  // its IP a_ddress
  xdotool({"type", "10.77.0.2"});
  enter_and_test_server(*app, server.url());
  xdotool({"key", "alt+s"});
  ASSERT_TRUE(app->wait_for_lines("first-run-done lan", 1, 30s)) << app->transcript();
  ASSERT_TRUE(app->wait_for_lines("game lcd-", 1, 60s)) << app->transcript();
  ASSERT_TRUE(app->wait_for_lines("joined ", 1, 60s)) << app->transcript();
  EXPECT_EQ(get("lan-address"), "'10.77.0.2'");
  const ProcessExit e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();
}

}  // namespace
}  // namespace shotcall::test
