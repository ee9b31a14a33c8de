// shotcall-peer's --history FILE (app/cli/peer_options), which records its games in a history
// database for the end-to-end tests.
#include <gtest/gtest.h>

#include "app/cli/peer_options.hpp"

namespace shotcall::cli {
namespace {

std::vector<std::string> base() {
  return {"--server", "ws://127.0.0.1:1/ws", "--riot-id",     "Me#EUW", "--game", "1", "--team",
          "100",      "--teammates",         "Me#EUW,You#EUW"};
}

TEST(PeerHistoryOption, TakesAFile) {
  auto args = base();
  args.insert(args.end(), {"--history", "/tmp/h.sqlite"});
  const auto r = parse_peer_options(args);
  ASSERT_TRUE(std::holds_alternative<PeerOptions>(r));
  EXPECT_EQ(std::get<PeerOptions>(r).history, "/tmp/h.sqlite");
  EXPECT_NE(peer_usage().find("--history FILE"), std::string::npos);
}

TEST(PeerHistoryOption, AbsentMeansNoHistory) {
  const auto r = parse_peer_options(base());
  ASSERT_TRUE(std::holds_alternative<PeerOptions>(r));
  EXPECT_FALSE(std::get<PeerOptions>(r).history.has_value());
}

TEST(PeerHistoryOption, AnEmptyNameIsRefused) {
  auto args = base();
  args.push_back("--history=");
  const auto r = parse_peer_options(args);
  ASSERT_TRUE(std::holds_alternative<ParseError>(r));
  EXPECT_EQ(std::get<ParseError>(r).message, "--history needs a file name");
}

}  // namespace
}  // namespace shotcall::cli
