// The signaling workload, as a game's worth of clients would produce it: sessions register
// their Riot ID, teams of five meet in a channel (the first sends find-or-create-channel, the
// other four hear channel-available, all five join) and relay `signal` messages inside the
// team. Speaks protocol v1 (shared/protocol-v1.md) over WsPool. Each phase runs the event loop
// until it completes or its deadline passes; nothing here sleeps.
#pragma once

#include <netinet/in.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/signal/ws_pool.hpp"

namespace shotcall::bench {

struct WorkloadOptions {
  sockaddr_in server{};
  std::string path = "/ws";
  int sources = 8;          // client source addresses 127.0.0.B .. 127.0.0.(B+sources-1)
  int source_base = 10;     // B: load generators run side by side use disjoint ranges
  int max_inflight = 8;     // connections between connect() and `connected` (see docs/performance.md: backlog)
  bool strict = false;      // also decode every frame with the project's codec (protocol check)
  std::string tag = "LOAD"; // the tag line of every Riot ID of this run
  // Team t sends gameId game_base + t; side-by-side load generators use distinct bases so their
  // channels never share an id prefix (which would look like a race between instances).
  long long game_base = 7000000000LL;
};

struct Latencies {
  std::vector<double> ms;
  double p(double pct) const;
};

struct PhaseResult {
  bool ok = false;
  double seconds = 0;
  std::string failure;  // empty when ok
};

struct JoinPhase : PhaseResult {
  int teams = 0;
  int joins = 0;
  Latencies team_ms;  // find-or-create sent by the first member → joined-channel at the last
  Latencies join_ms;  // find-or-create sent by the first member → joined-channel at this member
};

struct RelayPhase : PhaseResult {
  int messages = 0;
  int received = 0;
  Latencies relay_ms;  // signal sent → signal received by the addressee
};

struct Counters {
  std::uint64_t errors = 0;             // `error` frames received
  std::uint64_t unexpected_closes = 0;  // connections lost outside teardown
  std::uint64_t connect_failures = 0;   // refused, reset or failed upgrades
  std::uint64_t strict_failures = 0;    // frames the project's decoder rejected (--strict)
  std::uint64_t notices = 0;
  std::map<std::string, int> error_codes;
  std::string first_problem;
};

class Workload {
 public:
  explicit Workload(WorkloadOptions options);
  ~Workload();

  // Opens and registers sessions until `total` exist. Fails on the first connection lost, unless
  // `keep_going`: then every attempt runs to its end (a burst: how many of them fail).
  PhaseResult grow_to(int total, double timeout_s, bool keep_going = false);
  // Puts sessions [first, first + count) into teams of five, starting a team every
  // 5 / joins_per_s seconds whatever the replies (open loop), until all have joined.
  JoinPhase form_teams(int first, int count, double joins_per_s, double timeout_s);
  // Relays signals inside the given teams at `per_s` messages a second: `mesh` sends one from
  // every member to every teammate (20 a team), otherwise one to the next teammate (5 a team).
  RelayPhase relay(const std::vector<int>& teams, bool mesh, double per_s, double timeout_s);
  // Every member of the teams sends leave-channel and waits for left-channel.
  PhaseResult leave(const std::vector<int>& teams, double timeout_s);
  // Runs the loop (answering pings) for `seconds`.
  void idle(double seconds);
  // Runs the loop until `done` holds (true) or `seconds` pass (false).
  bool wait_for(double seconds, const std::function<bool()>& done);
  // Drops every connection.
  void close_all();

  int sessions() const { return static_cast<int>(sessions_.size()); }
  int registered() const { return registered_; }
  int in_flight() const { return in_flight_; }
  int team_count() const { return static_cast<int>(teams_.size()); }
  const Counters& counters() const { return counters_; }
  bool clean() const;  // no error, close or failure so far
  std::uint64_t pings_answered() const { return pool_->pings_answered(); }

 private:
  enum class St { Connecting, Registering, Idle, WaitingChannel, Joining, Joined, Leaving, Gone };
  struct Session {
    int conn = -1;
    int team = -1;
    St st = St::Connecting;
    std::string riot_id;
    std::string peer_id;
  };
  struct Team {
    std::vector<int> members;
    std::string roster_json;
    std::string channel_id;
    double t_start = 0;
    int joined = 0;
    unsigned listed_mask = 0;  // member counts seen in this team's joined-channel replies
    int left = 0;
  };

  void on_open(int conn);
  void on_text(int conn, std::string_view text);
  void on_closed(int conn, const std::string& why);
  void problem(const std::string& what);
  void send(int session, const std::string& text);
  void start_team(int team);
  void on_signal(std::string_view from, std::string_view data);
  // Runs the loop until `done` or the deadline; the `tick` runs before every wait.
  template <typename Done, typename Tick>
  bool run(double deadline, Done done, Tick tick);

  WorkloadOptions options_;
  std::unique_ptr<WsPool> pool_;
  std::vector<Session> sessions_;
  std::vector<int> session_of_conn_;
  std::vector<Team> teams_;
  Counters counters_;
  int registered_ = 0;
  int in_flight_ = 0;
  bool tearing_down_ = false;
  // relay bookkeeping
  std::vector<double> relay_sent_at_;
  std::vector<int> relay_sender_;
  std::vector<double>* relay_latencies_ = nullptr;
  int relay_received_ = 0;
  int joins_done_ = 0;
  int teams_done_ = 0;
  int left_done_ = 0;
  Latencies* team_lat_ = nullptr;
  Latencies* join_lat_ = nullptr;
};

}  // namespace shotcall::bench
