// identity-1 while the server's PostgreSQL is away (shared/protocol-identity.md, "Several
// instances"): the real shotcall-signal on a real, throwaway PostgreSQL that the test stops and
// starts again, and clients over real sockets. While the bindings cannot be read, a keyless
// registration gets `unavailable` under policy none too: its Riot ID may be bound, and then nobody
// may take its seat. A player already in keeps the seat through the outage.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/server/identity_client.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/postgres_process.hpp"

namespace shotcall::test {
namespace {

using protocol::IdentityLevel;

double registered_users(const ServerProcess& server) {
  const auto metrics = http_get(server.http_url("/metrics"));
  return metrics.status == 200 ? sample(metrics.body, "shotcall_registered_users") : -1;
}

TEST(ServerIdentityPostgres, ABoundRiotIdCannotBeTakenWhileTheDatabaseIsAway) {
  PostgresProcess pg;
  pg.create_database("outage");
  ServerProcess server({"--database", pg.url("outage")});
  const identity::KeyPair owner = new_key();
  {
    auto first = WsClient::connect(server.url());
    ASSERT_EQ(level_of(register_proven(*first, owner, "Ahri#EUW", dialed(server))),
              IdentityLevel::Key);
  }
  ASSERT_TRUE(run_until([&] { return registered_users(server) == 0; }, std::chrono::seconds(10)));
  auto teammate = WsClient::connect(server.url());
  ASSERT_EQ(level_of(register_proven(*teammate, new_key(), "Lux#EUW", dialed(server))),
            IdentityLevel::Key);

  pg.stop();
  auto enemy = WsClient::connect(server.url());
  enemy->send(register_with("ahri#EUW", "e", std::nullopt));
  EXPECT_EQ(error_code_of(answer(*enemy, "e")), "unavailable");
  EXPECT_EQ(registered_users(server), 1);  // the teammate, still in

  pg.start();
  auto back = WsClient::connect(server.url());
  ASSERT_EQ(level_of(register_proven(*back, owner, "Ahri#EUW", dialed(server))),
            IdentityLevel::Key);
  EXPECT_FALSE(teammate->closed());
}

}  // namespace
}  // namespace shotcall::test
