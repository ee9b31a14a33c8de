// The identity store contract (identity_store_contract.hpp) on PostgreSQL, against a throwaway
// cluster this program starts (tests/support/postgres_process.hpp), and what only PostgreSQL
// has: the URL, its password, its schema_version table, several instances migrating at once.
#include "signaling/store/pg_identity_store.hpp"

#include <atomic>

#include "signaling/store/identity_store_factory.hpp"
#include "tests/store/identity_store_contract.hpp"
#include "tests/support/postgres_process.hpp"

namespace shotcall::store {
namespace {

using contract::binding;
using test::PostgresProcess;
using namespace std::chrono_literals;

// One cluster for the whole program (initdb takes seconds); each test gets its own database.
class Cluster : public ::testing::Environment {
 public:
  void SetUp() override { server_ = std::make_unique<PostgresProcess>(); }
  void TearDown() override { server_.reset(); }
  static PostgresProcess& server() { return *server_; }

  // A new, empty database; returns its name.
  static std::string new_database() {
    static std::atomic<int> next{0};
    const std::string name = "identity_" + std::to_string(++next);
    server().create_database(name);
    return name;
  }

 private:
  static inline std::unique_ptr<PostgresProcess> server_;
};

[[maybe_unused]] const auto* const kCluster = ::testing::AddGlobalTestEnvironment(new Cluster);

class PgBackend {
 public:
  std::unique_ptr<IdentityStore> open() { return open_url(url(), 5s); }
  std::unique_ptr<IdentityStore> open_impatient() { return open_url(url(), 1s); }
  // The server goes away (fast shutdown: sessions are cut) and comes back on the same data.
  void make_unavailable() { Cluster::server().stop(); }
  void make_available() { Cluster::server().start(); }
  std::string url() const { return Cluster::server().url(dbname_); }
  const std::string& dbname() const { return dbname_; }

 private:
  std::unique_ptr<IdentityStore> open_url(const std::string& url,
                                          std::chrono::milliseconds statement_timeout) {
    std::string error;
    auto store = PgIdentityStore::open(url, error, statement_timeout);
    EXPECT_NE(store, nullptr) << error;
    return store;
  }

  std::string dbname_ = Cluster::new_database();
};

}  // namespace

namespace contract {
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, IdentityStoreContract, PgBackend);
}  // namespace contract

namespace {

TEST(PgIdentityStore, RecordsItsSchemaVersion) {
  PgBackend backend;
  ASSERT_NE(backend.open(), nullptr);
  EXPECT_EQ(Cluster::server().execute(backend.dbname(), "SELECT version FROM schema_version"),
            std::to_string(PgIdentityStore::schema_version()));
}

TEST(PgIdentityStore, RefusesADatabaseFromANewerBuild) {
  PgBackend backend;
  backend.open().reset();
  Cluster::server().execute(backend.dbname(), "UPDATE schema_version SET version = 99");
  std::string error;
  EXPECT_EQ(PgIdentityStore::open(backend.url(), error), nullptr);
  EXPECT_NE(error.find("schema version 99, newer than this build's"), std::string::npos) << error;
}

TEST(PgIdentityStore, InstancesStartingTogetherMigrateOnce) {
  PgBackend backend;
  constexpr int kInstances = 4;
  std::unique_ptr<PgIdentityStore> stores[kInstances];
  std::string errors[kInstances];
  std::barrier start(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      stores[i] = PgIdentityStore::open(backend.url(), errors[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kInstances; ++i) ASSERT_NE(stores[i], nullptr) << errors[i];
  EXPECT_EQ(Cluster::server().execute(backend.dbname(), "SELECT count(*) FROM schema_version"),
            "1");
  EXPECT_TRUE(stores[0]->bind_first(binding("foo#euw", "KEY-A", 1000)));
  EXPECT_EQ(stores[3]->bindings_of("foo#euw").size(), 1u);
}

TEST(PgIdentityStore, DescribeNamesTheDatabaseButNotThePassword) {
  PgBackend backend;
  // Trust authentication ignores the password; the store must still never repeat it.
  const std::string url =
      "postgresql://postgres:s3cret-pw@127.0.0.1:" + std::to_string(Cluster::server().port()) +
      "/" + backend.dbname();
  std::string error;
  auto store = PgIdentityStore::open(url, error);
  ASSERT_NE(store, nullptr) << error;
  EXPECT_EQ(store->describe(),
            "postgresql://postgres@127.0.0.1:" + std::to_string(Cluster::server().port()) + "/" +
                backend.dbname());
  EXPECT_EQ(store->describe().find("s3cret"), std::string::npos);
}

TEST(PgIdentityStore, NoServerIsAnErrorInWordsWithoutThePassword) {
  PgBackend backend;
  const auto started = std::chrono::steady_clock::now();
  Cluster::server().stop();
  std::string error;
  auto store = PgIdentityStore::open(
      "postgresql://postgres:s3cret-pw@127.0.0.1:" + std::to_string(Cluster::server().port()) +
          "/" + backend.dbname(),
      error);
  Cluster::server().start();
  EXPECT_EQ(store, nullptr);
  EXPECT_NE(error.find("connecting failed"), std::string::npos) << error;
  EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s) << "stop, refused connect, start";
}

TEST(PgIdentityStore, AStoreOpenedBeforeARestartCarriesOnAfterIt) {
  PgBackend backend;
  auto store = backend.open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->bind_first(binding("foo#euw", "KEY-A", 1000)));
  Cluster::server().stop();
  Cluster::server().start();
  // The old connection is dead; the first call finds that at its first statement and starts on
  // a new one, where the statements prepared on the old one are prepared again.
  EXPECT_EQ(store->bindings_of("foo#euw").size(), 1u);
  EXPECT_FALSE(store->bind_first(binding("foo#euw", "KEY-B", 2000)));
}

// Every register-user of a known Riot ID reads its bindings, waited for holding the server's
// lock: one round trip (BEGIN and COMMIT around it cost two more), its statement prepared on the
// connection's first use only.
TEST(PgIdentityStore, AReadOfBindingsIsOneRoundTrip) {
  PgBackend backend;
  std::string error;
  auto store = PgIdentityStore::open(backend.url(), error);
  ASSERT_NE(store, nullptr) << error;
  ASSERT_TRUE(store->bind_first(binding("foo#euw", "KEY-A", 1000)));
  std::size_t before = store->round_trips();
  EXPECT_EQ(store->bindings_of("foo#euw").size(), 1u);
  EXPECT_EQ(store->round_trips() - before, 2u);  // prepared, then run
  for (int i = 0; i < 3; ++i) {
    before = store->round_trips();
    EXPECT_EQ(store->bindings_of("foo#euw").size(), 1u);
    EXPECT_EQ(store->round_trips() - before, 1u) << i;
  }
}

TEST(IdentityStoreFactory, OpensPostgresFromEitherScheme) {
  PgBackend backend;
  for (const std::string scheme : {"postgresql://", "postgres://"}) {
    std::string error;
    auto store = open_identity_store(
        scheme + "postgres@127.0.0.1:" + std::to_string(Cluster::server().port()) + "/" +
            backend.dbname(),
        error);
    ASSERT_NE(store, nullptr) << scheme << ": " << error;
    EXPECT_NO_THROW(store->ping());
  }
}

}  // namespace
}  // namespace shotcall::store
