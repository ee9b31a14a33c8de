// The first-run page of the real `shotcall` app under Xvfb, driven as a player would, with real
// key presses (xdotool): choose where the game runs, type the addresses, test the server
// connection, Start, and reach the team's channel. Three ways of finding the game:
//   - this computer: the stand-in on League's own address, 127.0.0.1:2999; then the game ends
//     and History lists it;
//   - another computer on my network: the Live Client Data stand-in (a child lcd-standin) serves
//     the game's kind of certificate (X.509 v1, named only CN=127.0.0.1) on 127.0.0.2:2999, the
//     "LAN address" (loopback, but not the certificate's name: the LAN trust rule is what lets
//     the app in). The same through a network namespace's address: first_run_nat_test.cpp.
//   - the server watches my Riot ID: the real server watching through the Riot API stand-in.
// The settings the page wrote are read back with `gsettings`, as another program would.
#include <gtest/gtest.h>

#include <memory>

#include "tests/riot/riot_standin.hpp"
#include "tests/support/server_process.hpp"
#include "tests/ui/first_run_fixture.hpp"

namespace shotcall::test {
namespace {

using riot::test::RiotStandin;
using riot::test::StandinGame;

constexpr const char* kLanAddress = "127.0.0.2";

TEST_F(FirstRunEndToEnd, GameOnAnotherComputerOfTheNetwork) {
  ASSERT_FALSE(x_.display().empty()) << x_.transcript();
  ServerProcess server;
  ChildProcess lcd(
      {SHOTCALL_LCD_STANDIN_BINARY, "--port", "2999", "--address", kLanAddress,
       "--game-certificate", "--cert-dir", root_ + "/lcd", "--document", SHOTCALL_LCD_FIXTURE},
      {});
  ASSERT_TRUE(lcd.wait_for_lines("listening on https://127.0.0.2:2999", 1, 30s))
      << lcd.transcript();
  preset_devices();
  set("lcd-ca", root_ + "/lcd/ca.pem");  // the stand-in's CA pinned in place of Riot's

  auto app = start_app();
  const std::string page = first_run_page(*app);
  xdotool({"key", "alt+a"});  // "On _another computer on my network"
  xdotool({"key", "alt+d"});  // its IP a_ddress
  xdotool({"type", kLanAddress});
  enter_and_test_server(*app, server.url());
  screenshot(page, "first-run-lan");
  xdotool({"key", "alt+s"});  // _Start
  ASSERT_TRUE(app->wait_for_lines("first-run-done lan", 1, 30s)) << app->transcript();

  ASSERT_TRUE(app->wait_for_lines("window-mapped 0x", 1, 60s)) << app->transcript();
  ASSERT_TRUE(app->wait_for_lines("game lcd-", 1, 60s)) << app->transcript();
  EXPECT_NE(app->find_line("game lcd-").find(" 100"), std::string::npos) << app->transcript();
  ASSERT_TRUE(app->wait_for_lines("joined ", 1, 60s)) << app->transcript();
  EXPECT_EQ(app->count_lines("restart"), 0u) << app->transcript();
  EXPECT_EQ(app->count_lines("identity-shown"), 0u) << app->transcript();  // not watching

  EXPECT_EQ(get("detection-mode"), "'lan'");
  EXPECT_EQ(get("lan-address"), "'127.0.0.2'");
  EXPECT_EQ(get("server-url"), "'" + server.url() + "'");
  EXPECT_EQ(get("first-run-done"), "true");
  const ProcessExit e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();

  // Set up once: the next start opens the call directly.
  auto again = start_app();
  ASSERT_TRUE(again->wait_for_lines("window-mapped 0x", 1, 60s)) << again->transcript();
  EXPECT_EQ(again->count_lines("first-run-mapped"), 0u) << again->transcript();
  ASSERT_TRUE(again->wait_for_lines("joined ", 1, 60s)) << again->transcript();
}

// "On this computer": League's own address, https://127.0.0.1:2999 (the stand-in serves it there
// with the game's kind of certificate). When the game ends (the stand-in goes away, as the game
// does), the call's game is in the history, and History (Ctrl+H) lists it.
TEST_F(FirstRunEndToEnd, GameOnThisComputerThenTheHistoryListsIt) {
  ASSERT_FALSE(x_.display().empty()) << x_.transcript();
  ServerProcess server;
  ChildProcess lcd(
      {SHOTCALL_LCD_STANDIN_BINARY, "--port", "2999", "--address", "127.0.0.1",
       "--game-certificate", "--cert-dir", root_ + "/lcd", "--document", SHOTCALL_LCD_FIXTURE},
      {});
  ASSERT_TRUE(lcd.wait_for_lines("listening on https://127.0.0.1:2999", 1, 30s))
      << lcd.transcript();
  preset_devices();
  set("lcd-ca", root_ + "/lcd/ca.pem");  // the stand-in's CA pinned in place of Riot's

  auto app = start_app();
  first_run_page(*app);
  xdotool({"key", "alt+o"});  // "On this c_omputer"
  enter_and_test_server(*app, server.url());
  xdotool({"key", "alt+s"});  // _Start
  ASSERT_TRUE(app->wait_for_lines("first-run-done local", 1, 30s)) << app->transcript();
  ASSERT_TRUE(app->wait_for_lines("window-mapped 0x", 1, 60s)) << app->transcript();
  ASSERT_TRUE(app->wait_for_lines("joined ", 1, 60s)) << app->transcript();
  EXPECT_EQ(get("detection-mode"), "'local'");

  // The game ends; the game is written to the history, then History lists it.
  lcd.terminate();
  ASSERT_TRUE(app->wait_for_lines("history-saved", 1, 60s)) << app->transcript();
  const std::string xid = app->find_line("window-mapped ").substr(14);
  xdotool({"windowfocus", "--sync", xid});
  xdotool({"key", "ctrl+h"});
  ASSERT_TRUE(app->wait_for_lines("history-shown ", 1, 30s)) << app->transcript();
  const std::string shown = app->find_line("history-shown ");
  EXPECT_EQ(shown.rfind("history-shown 1 0x", 0), 0u) << shown;
  screenshot(shown.substr(shown.find("0x")), "history-one-game");
  EXPECT_EQ(app->count_lines("history "), 0u) << app->transcript();  // nothing went wrong
  const ProcessExit e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();
}

TEST_F(FirstRunEndToEnd, TheServerWatchesMyRiotId) {
  ASSERT_FALSE(x_.display().empty()) << x_.transcript();
  constexpr const char* kKey = "RGAPI-0b5e55ed-7a1c-4c3b-9d2e-firstrune2ekey";
  const std::string me = "Newcomer#EUW";
  std::string error;
  auto riot = RiotStandin::start(0, &error);
  ASSERT_TRUE(riot) << error;
  riot->set_api_key(kKey);
  StandinGame game;
  game.game_id = 7007654321;
  for (int i = 0; i < 10; ++i) {
    const std::string name = i == 0 ? "Newcomer" : "Player" + std::to_string(i);
    const std::string puuid = "puuid-first-run-" + std::to_string(i);
    riot->add_account(puuid, name, "EUW");
    game.participants.push_back({puuid, name + "#EUW", i < 5 ? 100 : 200, i + 1, false});
  }
  riot->add_game(game);
  ServerProcess server(
      {"--riot-api-key-env", "SHOTCALL_E2E_RIOT_KEY", "--riot-platform", "euw1", "--riot-api-base",
       riot->base_url(), "--riot-poll-interval", "500", "--riot-game-check-interval", "1000"},
      {{"SHOTCALL_E2E_RIOT_KEY", kKey}});
  preset_devices();

  auto app = start_app();
  first_run_page(*app);
  xdotool({"key", "alt+w"});  // "The server _watches my Riot ID"
  xdotool({"key", "alt+r"});  // Your _Riot ID
  xdotool({"type", me});
  enter_and_test_server(*app, server.url());
  xdotool({"key", "alt+s"});
  ASSERT_TRUE(app->wait_for_lines("first-run-done server", 1, 30s)) << app->transcript();

  ASSERT_TRUE(app->wait_for_lines("window-mapped 0x", 1, 60s)) << app->transcript();
  // This server can verify Riot IDs (it has a Riot API key): the Identity page, where that is
  // done, comes next.
  ASSERT_TRUE(app->wait_for_lines("identity-shown", 1, 30s)) << app->transcript();
  ASSERT_TRUE(app->wait_for_lines("joined ", 1, 60s)) << app->transcript();
  EXPECT_EQ(get("detection-mode"), "'server'");
  EXPECT_EQ(get("riot-id"), "'" + me + "'");
  EXPECT_EQ(get("first-run-done"), "true");
  const ProcessExit e = app->terminate();
  EXPECT_TRUE(e.exited && !e.signaled && e.status == 0) << app->transcript();
}

// The page refuses what cannot work, in words, and writes nothing.
TEST_F(FirstRunEndToEnd, RefusesAnAddressThatIsNotOneAndWritesNothing) {
  ASSERT_FALSE(x_.display().empty()) << x_.transcript();
  auto app = start_app();
  first_run_page(*app);
  xdotool({"key", "alt+a"});
  xdotool({"key", "alt+d"});
  xdotool({"type", "gamepc"});
  xdotool({"key", "alt+s"});
  ASSERT_TRUE(app->wait_for_lines("first-run-problem ", 1, 30s)) << app->transcript();
  EXPECT_EQ(app->find_line("first-run-problem "),
            "first-run-problem \"gamepc\" is not an IP address (for example 192.168.1.20).");
  EXPECT_EQ(get("first-run-done"), "false");
  EXPECT_EQ(get("detection-mode"), "'local'");
  EXPECT_EQ(app->count_lines("window-mapped"), 0u);
}

}  // namespace
}  // namespace shotcall::test
