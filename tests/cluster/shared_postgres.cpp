#include "tests/cluster/shared_postgres.hpp"

#include <memory>

namespace shotcall::test {

PostgresProcess& shared_postgres() {
  // Destroyed at exit: the server is stopped and its temporary directory removed.
  static const std::unique_ptr<PostgresProcess> server = std::make_unique<PostgresProcess>();
  return *server;
}

std::string fresh_postgres_database() {
  static int made = 0;
  const std::string name = "cluster_" + std::to_string(++made);
  shared_postgres().create_database(name);
  return shared_postgres().url(name);
}

}  // namespace shotcall::test
