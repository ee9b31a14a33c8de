// A throwaway PostgreSQL cluster as a child process of a test: initdb into a temporary
// directory, the server on a free 127.0.0.1 port with its unix socket in that directory and
// fsync off. Never the system's cluster (5432): nothing here reads or writes outside the
// temporary directory, which the destructor removes.
//
//   PostgresProcess pg;                        // initdb, start, wait until it accepts
//   pg.create_database("t1");
//   auto store = PgIdentityStore::open(pg.url("t1"), error);
//   pg.stop();                                 // fast shutdown: sessions are cut
//   pg.start();                                // same data directory and port
//
// PostgreSQL refuses to run as root: as root (CI) the cluster belongs to, and runs as, the
// `postgres` system user (Debian's package creates it), by setpriv; otherwise as the caller.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/spawned_process.hpp"

namespace shotcall::test {

class PostgresProcess {
 public:
  // initdb, then start (see start). Throws std::runtime_error with what the tools printed.
  explicit PostgresProcess(std::chrono::milliseconds startup = std::chrono::seconds(60));
  ~PostgresProcess();  // stops the server and removes the cluster
  PostgresProcess(const PostgresProcess&) = delete;
  PostgresProcess& operator=(const PostgresProcess&) = delete;

  int port() const { return port_; }
  // postgresql://postgres@127.0.0.1:PORT/DBNAME (trust authentication: no password needed).
  std::string url(const std::string& dbname = "postgres") const;
  bool running() const;

  // Starts the server on the same data directory and port, and waits up to `startup` until it
  // logs that it accepts connections and answers PQping. Throws std::runtime_error if not.
  void start(std::chrono::milliseconds startup = std::chrono::seconds(60));
  // Fast shutdown (SIGINT): open sessions are ended, as when an operator stops the server.
  ProcessExit stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // Runs `sql` (no parameters, test-controlled text) in database `dbname`; returns the first
  // column of the first row, or "" if none. Throws std::runtime_error with the server's error.
  std::string execute(const std::string& dbname, const std::string& sql) const;
  void create_database(const std::string& name) const;

  std::string log_text() const;  // what the server printed since its last start

  // The directory with initdb and postgres: the newest /usr/lib/postgresql/N/bin, else PATH's.
  static std::string bin_dir();

 private:
  // Runs argv (as the cluster's owner) to its end; throws with its output if it fails.
  void run_tool(std::vector<std::string> argv) const;
  std::vector<std::string> as_owner(std::vector<std::string> argv) const;

  std::string dir_;  // the temporary directory: data/ and the unix socket
  int port_ = 0;
  int owner_uid_ = -1;  // -1: run as the caller
  int owner_gid_ = -1;
  std::unique_ptr<SpawnedProcess> proc_;
};

}  // namespace shotcall::test
