// The access token's store when no secret service answers (CI, a bare X server): the token is
// kept for this run only, and the note says so and what to do.
#include <gtest/gtest.h>
#include <glib.h>

#include "ui/token_store.hpp"

namespace shotcall::ui {
namespace {

class NoKeyring : public ::testing::Test {
 protected:
  // A session bus address where nothing listens: libsecret cannot reach a secret service.
  void SetUp() override {
    g_setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/shotcall-no-bus", TRUE);
  }
};

TEST_F(NoKeyring, KeepsTheTokenForThisRunAndSaysSo) {
  TokenStore store;
  EXPECT_EQ(store.load("ws://127.0.0.1:7800/ws"), std::nullopt);
  EXPECT_NE(store.note().find("No keyring is available"), std::string::npos) << store.note();

  EXPECT_FALSE(store.save("ws://127.0.0.1:7800/ws", "s3cret"));
  EXPECT_NE(store.note().find("for this run only"), std::string::npos) << store.note();
  EXPECT_EQ(store.load("ws://127.0.0.1:7800/ws"), std::optional<std::string>{"s3cret"});
  // One token per server.
  EXPECT_EQ(store.load("wss://other.example:443/ws"), std::nullopt);

  store.save("ws://127.0.0.1:7800/ws", "");
  EXPECT_EQ(store.load("ws://127.0.0.1:7800/ws"), std::nullopt);
}

}  // namespace
}  // namespace shotcall::ui
