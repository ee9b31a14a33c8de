#include "tests/support/postgres_process.hpp"

#include <glib.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "tests/support/free_port.hpp"

namespace shotcall::test {
namespace {

constexpr const char* kReadyLine = "database system is ready to accept connections";

}  // namespace

std::string PostgresProcess::bin_dir() {
  namespace fs = std::filesystem;
  int best = 0;
  std::string found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    const int version = std::atoi(name.c_str());
    if (version > best && fs::exists(entry.path() / "bin" / "initdb")) {
      best = version;
      found = (entry.path() / "bin").string();
    }
  }
  if (!found.empty()) return found;
  const std::string initdb = SpawnedProcess::find_program("initdb");
  return initdb.empty() ? std::string{} : fs::path(initdb).parent_path().string();
}

PostgresProcess::PostgresProcess(std::chrono::milliseconds startup) {
  if (bin_dir().empty())
    throw std::runtime_error(
        "PostgreSQL's initdb not found: install postgresql "
        "(scripts/install-deps)");
  gchar* dir = g_dir_make_tmp("shotcall-pg-XXXXXX", nullptr);
  if (!dir) throw std::runtime_error("cannot create a temporary directory for PostgreSQL");
  dir_ = dir;
  g_free(dir);
  try {
    if (geteuid() == 0) {
      const passwd* pw = getpwnam("postgres");
      if (!pw)
        throw std::runtime_error(
            "running as root, and there is no `postgres` user to run "
            "PostgreSQL as (install postgresql: scripts/install-deps)");
      owner_uid_ = static_cast<int>(pw->pw_uid);
      owner_gid_ = static_cast<int>(pw->pw_gid);
      if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("cannot give " + dir_ + " to the postgres user");
    }
    run_tool(as_owner({bin_dir() + "/initdb", "-D", dir_ + "/data", "-U", "postgres", "-A", "trust",
                       "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"}));
    // The free port may be taken before the server binds it: try a few.
    for (int attempt = 1;; ++attempt) {
      port_ = free_loopback_port();
      try {
        start(startup);
        break;
      } catch (const std::runtime_error&) {
        const bool port_taken =
            proc_ && proc_->output().find("Address already in use") != std::string::npos;
        if (!port_taken || attempt == 3) throw;
      }
    }
  } catch (...) {
    proc_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

PostgresProcess::~PostgresProcess() {
  stop(std::chrono::seconds(10));
  proc_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::vector<std::string> PostgresProcess::as_owner(std::vector<std::string> argv) const {
  if (owner_uid_ < 0) return argv;
  // setpriv execs the program itself (no intermediate process): signals reach the server.
  std::vector<std::string> wrapped{SpawnedProcess::find_program("setpriv"),
                                   "--reuid=" + std::to_string(owner_uid_),
                                   "--regid=" + std::to_string(owner_gid_), "--clear-groups", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

void PostgresProcess::run_tool(std::vector<std::string> argv) const {
  SpawnedProcess tool(argv);
  const ProcessExit exit = tool.wait_exit(std::chrono::seconds(120));
  if (!exit.exited || exit.signaled || exit.status != 0)
    throw std::runtime_error(argv.back() + " failed: " + tool.output());
}

std::string PostgresProcess::url(const std::string& dbname) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + dbname;
}

bool PostgresProcess::running() const { return proc_ && proc_->running(); }

void PostgresProcess::start(std::chrono::milliseconds startup) {
  if (running()) return;
  proc_ = std::make_unique<SpawnedProcess>(
      as_owner({bin_dir() + "/postgres", "-D", dir_ + "/data", "-p", std::to_string(port_), "-k",
                dir_, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=40",
                "-c", "shared_buffers=16MB"}),
      std::map<std::string, std::string>{{"LC_ALL", "C"}});
  if (proc_->wait_for_output(kReadyLine, startup) == std::string::npos) {
    const std::string out = proc_->output();
    proc_->stop(std::chrono::seconds(10), SIGINT);
    throw std::runtime_error("PostgreSQL on port " + std::to_string(port_) +
                             " did not become ready; it printed:\n" + out);
  }
  // And that this server answers on the port (not a stranger that happens to hold it).
  const std::string ping = url() + "?connect_timeout=5";
  if (PQping(ping.c_str()) != PQPING_OK)
    throw std::runtime_error("PostgreSQL logged that it is ready but does not answer on port " +
                             std::to_string(port_) + ":\n" + proc_->output());
}

ProcessExit PostgresProcess::stop(std::chrono::milliseconds timeout) {
  if (!running()) return ProcessExit{};
  return proc_->stop(timeout, SIGINT);
}

std::string PostgresProcess::execute(const std::string& dbname, const std::string& sql) const {
  const std::string conninfo = url(dbname) + "?connect_timeout=5";
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to " + conninfo + ": " + why);
  }
  PGresult* r = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(r);
  std::string out;
  const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (ok && status == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
    out = PQgetvalue(r, 0, 0);
  const std::string why = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  if (!ok) throw std::runtime_error(sql + ": " + why);
  return out;
}

void PostgresProcess::create_database(const std::string& name) const {
  execute("postgres", "CREATE DATABASE \"" + name + "\"");
}

std::string PostgresProcess::log_text() const { return proc_ ? proc_->output() : std::string{}; }

}  // namespace shotcall::test
