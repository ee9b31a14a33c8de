// The PostgreSQL that --redis instances keep their identity bindings in (an instance started
// with --redis refuses a private SQLite store): one throwaway server per test program, started
// on first use and stopped at exit, with a fresh database for each cluster so tests stay
// independent without paying for an initdb each.
#pragma once

#include <string>

#include "tests/support/postgres_process.hpp"

namespace shotcall::test {

// The test program's PostgreSQL (started by the first call; throws std::runtime_error, with
// what PostgreSQL printed, if it cannot start).
PostgresProcess& shared_postgres();

// A new empty database in it ("cluster_<n>"): its postgresql:// URL, for --database.
std::string fresh_postgres_database();

}  // namespace shotcall::test
