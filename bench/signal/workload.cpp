#include "bench/signal/workload.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <variant>

#include "bench/common/proc_stats.hpp"
#include "bench/signal/json_top.hpp"
#include "signaling/protocol/codec.hpp"

namespace shotcall::bench {
namespace {

constexpr std::int64_t kMaxWaitNs = 5'000'000;  // the loop re-checks deadlines at least this often

std::string quoted(std::string_view s) { return "\"" + std::string{s} + "\""; }

// The candidate line carries the message's sequence number, so a relayed frame says which send
// it answers while keeping the shape a browser's RTCIceCandidate has.
std::string signal_frame(const std::string& to, int seq) {
  return "{\"type\":\"signal\",\"to\":\"" + to +
         "\",\"data\":{\"ice\":{\"candidate\":\"candidate:" + std::to_string(seq) +
         " 1 udp 2122260223 127.0.0.1 " + std::to_string(40000 + seq % 20000) +
         " typ host\",\"sdpMLineIndex\":0}}}";
}

int sequence_of(std::string_view data) {
  const auto at = data.find("candidate:");
  if (at == std::string_view::npos) return -1;
  int seq = -1;
  const char* begin = data.data() + at + 10;
  std::from_chars(begin, data.data() + data.size(), seq);
  return seq;
}

}  // namespace

double Latencies::p(double pct) const { return percentile(ms, pct); }

Workload::Workload(WorkloadOptions options) : options_(std::move(options)) {
  std::vector<in_addr> sources;
  for (int i = 0; i < std::max(1, options_.sources); ++i) {
    in_addr a{};
    a.s_addr = htonl((127u << 24) | static_cast<std::uint32_t>(options_.source_base + i));
    sources.push_back(a);
  }
  PoolEvents ev;
  ev.on_open = [this](int c) { on_open(c); };
  ev.on_text = [this](int c, std::string_view t) { on_text(c, t); };
  ev.on_closed = [this](int c, const std::string& why) { on_closed(c, why); };
  pool_ = std::make_unique<WsPool>(options_.server, options_.path, std::move(sources), std::move(ev));
}

Workload::~Workload() { close_all(); }

void Workload::close_all() {
  tearing_down_ = true;
  if (pool_) pool_->close_all();
}

bool Workload::clean() const {
  return counters_.errors == 0 && counters_.unexpected_closes == 0 &&
         counters_.connect_failures == 0 && counters_.strict_failures == 0;
}

void Workload::problem(const std::string& what) {
  if (counters_.first_problem.empty()) counters_.first_problem = what;
}

template <typename Done, typename Tick>
bool Workload::run(double deadline, Done done, Tick tick) {
  for (;;) {
    const double now = monotonic_seconds();
    const double next = tick(now);  // seconds until the tick wants to run again
    if (done()) return true;
    if (now >= deadline) return false;
    double wait = std::min(next, deadline - now);
    auto ns = static_cast<std::int64_t>(wait * 1e9);
    pool_->poll(std::clamp<std::int64_t>(ns, 0, kMaxWaitNs));
  }
}

void Workload::send(int session, const std::string& text) {
  pool_->send_text(sessions_[static_cast<std::size_t>(session)].conn, text);
}

// ---- registration ----------------------------------------------------------------------------

PhaseResult Workload::grow_to(int total, double timeout_s, bool keep_going) {
  PhaseResult r;
  const double t0 = monotonic_seconds();
  const std::uint64_t lost_before = counters_.unexpected_closes + counters_.connect_failures;
  const auto lost = [&] {
    return !keep_going && counters_.unexpected_closes + counters_.connect_failures > lost_before;
  };
  const bool done = run(
      t0 + timeout_s,
      [&] { return registered_ >= total || lost() || (sessions() >= total && in_flight_ == 0); },
      [&](double) {
        while (sessions() < total && in_flight_ < options_.max_inflight && !lost()) {
          const int index = sessions();
          Session s;
          s.riot_id = "b" + std::to_string(index) + "#" + options_.tag;
          sessions_.push_back(std::move(s));
          ++in_flight_;
          // Sessions and pool connections are made in lockstep, one each: connection i is
          // session i. Set the mapping first: open() may report a failure before it returns.
          session_of_conn_.push_back(index);
          sessions_[static_cast<std::size_t>(index)].conn = index;
          if (pool_->open() != index) throw std::logic_error("pool and sessions out of step");
        }
        return 1.0;
      });
  r.seconds = monotonic_seconds() - t0;
  r.ok = done && registered_ >= total;
  if (!r.ok)
    r.failure = !counters_.first_problem.empty() ? counters_.first_problem
                       : "timeout: " + std::to_string(registered_) + " of " +
                             std::to_string(total) + " registered";
  return r;
}

void Workload::on_open(int conn) {
  const int si = session_of_conn_[static_cast<std::size_t>(conn)];
  Session& s = sessions_[static_cast<std::size_t>(si)];
  s.st = St::Registering;
  send(si, "{\"type\":\"register-user\",\"riotId\":" + quoted(s.riot_id) + "}");
}

void Workload::on_closed(int conn, const std::string& why) {
  if (tearing_down_) return;
  const int si = conn < static_cast<int>(session_of_conn_.size())
                     ? session_of_conn_[static_cast<std::size_t>(conn)]
                     : -1;
  if (si < 0) return;
  Session& s = sessions_[static_cast<std::size_t>(si)];
  if (s.st == St::Connecting || s.st == St::Registering) {
    ++counters_.connect_failures;
    --in_flight_;
    problem("session " + std::to_string(si) + " could not connect: " + why);
  } else {
    ++counters_.unexpected_closes;
    problem("session " + std::to_string(si) + " lost: " + why);
  }
  s.st = St::Gone;
}

// ---- teams -----------------------------------------------------------------------------------

JoinPhase Workload::form_teams(int first, int count, double joins_per_s, double timeout_s) {
  JoinPhase r;
  const int first_team = team_count();
  const int n_teams = count / 5;
  for (int t = 0; t < n_teams; ++t) {
    Team team;
    team.roster_json = "[";
    for (int m = 0; m < 5; ++m) {
      const int si = first + 5 * t + m;
      team.members.push_back(si);
      sessions_[static_cast<std::size_t>(si)].team = first_team + t;
      team.roster_json += (m ? "," : "") + quoted(sessions_[static_cast<std::size_t>(si)].riot_id);
    }
    team.roster_json += "]";
    teams_.push_back(std::move(team));
  }
  r.teams = n_teams;
  team_lat_ = &r.team_ms;
  join_lat_ = &r.join_ms;
  joins_done_ = 0;
  teams_done_ = 0;
  const std::uint64_t errors_before = counters_.errors + counters_.unexpected_closes;
  const double interval = 5.0 / joins_per_s;
  const double t0 = monotonic_seconds();
  int started = 0;
  const bool done = run(
      t0 + timeout_s,
      [&] {
        return teams_done_ >= n_teams || counters_.errors + counters_.unexpected_closes > errors_before;
      },
      [&](double now) {
        while (started < n_teams && t0 + started * interval <= now) start_team(first_team + started++);
        return started < n_teams ? t0 + started * interval - now : 1.0;
      });
  r.seconds = monotonic_seconds() - t0;
  r.joins = joins_done_;
  r.ok = done && teams_done_ >= n_teams;
  if (!r.ok)
    r.failure = counters_.first_problem.empty()
                    ? "timeout: " + std::to_string(teams_done_) + " of " + std::to_string(n_teams) + " teams"
                    : counters_.first_problem;
  team_lat_ = nullptr;
  join_lat_ = nullptr;
  return r;
}

void Workload::start_team(int t) {
  Team& team = teams_[static_cast<std::size_t>(t)];
  for (int si : team.members) sessions_[static_cast<std::size_t>(si)].st = St::WaitingChannel;
  team.t_start = monotonic_seconds();
  const int leader = team.members.front();
  send(leader, "{\"type\":\"find-or-create-channel\",\"gameId\":" + std::to_string(options_.game_base + t) +
                   ",\"teamId\":100,\"teammates\":" + team.roster_json + "}");
}

// ---- frames from the server ------------------------------------------------------------------

void Workload::on_text(int conn, std::string_view text) {
  const int si = session_of_conn_[static_cast<std::size_t>(conn)];
  Session& s = sessions_[static_cast<std::size_t>(si)];
  if (options_.strict) {
    const auto decoded = protocol::decode_server(text);
    if (std::holds_alternative<protocol::DecodeError>(decoded)) {
      ++counters_.strict_failures;
      problem("frame the protocol decoder rejects: " + std::string{text.substr(0, 200)});
    }
  }
  TopFields f;
  if (!read_top_fields(text, f)) {
    ++counters_.strict_failures;
    problem("not a JSON object: " + std::string{text.substr(0, 200)});
    return;
  }
  const double now = monotonic_seconds();
  if (f.type == "connected") {
    if (s.st != St::Registering) return problem("connected twice");
    s.peer_id = std::string{f.peer_id};
    s.st = St::Idle;
    ++registered_;
    --in_flight_;
  } else if (f.type == "channel-created" || f.type == "channel-available") {
    if (s.st != St::WaitingChannel || s.team < 0) return;  // a repeat, or not looking
    Team& team = teams_[static_cast<std::size_t>(s.team)];
    if (team.channel_id.empty()) team.channel_id = std::string{f.channel_id};
    s.st = St::Joining;
    send(si, "{\"type\":\"join-channel\",\"channelId\":" + quoted(f.channel_id) + "}");
  } else if (f.type == "joined-channel") {
    if (s.st != St::Joining) return problem("unexpected joined-channel");
    s.st = St::Joined;
    Team& team = teams_[static_cast<std::size_t>(s.team)];
    ++joins_done_;
    // Replies on different sockets may be read in another order than the server sent them: check
    // that the five replies list 0, 1, 2, 3 and 4 members, in any order.
    const int listed = count_array_elements(f.members);
    if (listed < 0 || listed > 4 || (team.listed_mask & (1u << listed)))
      problem("joined-channel lists " + std::to_string(listed) + " members, a repeat or impossible");
    else
      team.listed_mask |= 1u << listed;
    ++team.joined;
    if (join_lat_) join_lat_->ms.push_back((now - team.t_start) * 1e3);
    if (team.joined == 5) {
      ++teams_done_;
      if (team_lat_) team_lat_->ms.push_back((now - team.t_start) * 1e3);
    }
  } else if (f.type == "signal") {
    on_signal(f.from, f.data);
  } else if (f.type == "left-channel") {
    if (s.st == St::Leaving) {
      s.st = St::Idle;
      ++left_done_;
    }
  } else if (f.type == "error") {
    ++counters_.errors;
    counters_.error_codes[std::string{f.code}]++;
    problem("error " + std::string{f.code} + " to session " + std::to_string(si) + ": " +
            std::string{text.substr(0, 200)});
  } else if (f.type == "notice") {
    ++counters_.notices;
  }
  // user-joined-channel, user-left-channel: nothing to do
}

// ---- relay -----------------------------------------------------------------------------------

RelayPhase Workload::relay(const std::vector<int>& teams, bool mesh, double per_s, double timeout_s) {
  RelayPhase r;
  std::vector<std::pair<int, int>> plan;  // (from session, to session)
  for (int t : teams) {
    const auto& m = teams_[static_cast<std::size_t>(t)].members;
    for (std::size_t a = 0; a < m.size(); ++a) {
      if (mesh) {
        for (std::size_t b = 0; b < m.size(); ++b)
          if (a != b) plan.emplace_back(m[a], m[b]);
      } else {
        plan.emplace_back(m[a], m[(a + 1) % m.size()]);
      }
    }
  }
  relay_sent_at_.assign(plan.size(), 0);
  relay_sender_.assign(plan.size(), -1);
  relay_received_ = 0;
  relay_latencies_ = &r.relay_ms.ms;
  r.messages = static_cast<int>(plan.size());
  const std::uint64_t errors_before = counters_.errors + counters_.unexpected_closes;
  const double t0 = monotonic_seconds();
  std::size_t sent = 0;
  const double interval = 1.0 / per_s;
  const bool done = run(
      t0 + timeout_s,
      [&] {
        return relay_received_ >= r.messages ||
               counters_.errors + counters_.unexpected_closes > errors_before;
      },
      [&](double now) {
        while (sent < plan.size() && t0 + static_cast<double>(sent) * interval <= now) {
          const auto [from, to] = plan[sent];
          relay_sent_at_[sent] = monotonic_seconds();
          relay_sender_[sent] = from;
          send(from, signal_frame(sessions_[static_cast<std::size_t>(to)].peer_id, static_cast<int>(sent)));
          ++sent;
        }
        return sent < plan.size() ? t0 + static_cast<double>(sent) * interval - now : 1.0;
      });
  r.seconds = monotonic_seconds() - t0;
  r.received = relay_received_;
  r.ok = done && relay_received_ >= r.messages;
  if (!r.ok)
    r.failure = counters_.first_problem.empty()
                    ? "timeout: " + std::to_string(relay_received_) + " of " + std::to_string(r.messages) + " relayed"
                    : counters_.first_problem;
  relay_latencies_ = nullptr;
  return r;
}

void Workload::on_signal(std::string_view from, std::string_view data) {
  const int seq = sequence_of(data);
  if (seq < 0 || static_cast<std::size_t>(seq) >= relay_sent_at_.size()) {
    return problem("signal with an unknown sequence: " + std::string{data.substr(0, 120)});
  }
  const int sender = relay_sender_[static_cast<std::size_t>(seq)];
  if (sender < 0 || sessions_[static_cast<std::size_t>(sender)].peer_id != from)
    return problem("signal `from` does not name its sender");
  ++relay_received_;
  if (relay_latencies_)
    relay_latencies_->push_back((monotonic_seconds() - relay_sent_at_[static_cast<std::size_t>(seq)]) * 1e3);
}

// ---- leave, idle -----------------------------------------------------------------------------

PhaseResult Workload::leave(const std::vector<int>& teams, double timeout_s) {
  PhaseResult r;
  left_done_ = 0;
  int expected = 0;
  const double t0 = monotonic_seconds();
  for (int t : teams) {
    Team& team = teams_[static_cast<std::size_t>(t)];
    for (int si : team.members) {
      Session& s = sessions_[static_cast<std::size_t>(si)];
      if (s.st != St::Joined) continue;
      s.st = St::Leaving;
      ++expected;
      send(si, "{\"type\":\"leave-channel\",\"channelId\":" + quoted(team.channel_id) + "}");
    }
  }
  const bool done = run(t0 + timeout_s, [&] { return left_done_ >= expected; },
                        [](double) { return 1.0; });
  r.seconds = monotonic_seconds() - t0;
  r.ok = done;
  if (!done) r.failure = "timeout: " + std::to_string(left_done_) + " of " + std::to_string(expected) + " left";
  return r;
}

void Workload::idle(double seconds) {
  run(monotonic_seconds() + seconds, [] { return false; }, [](double) { return 1.0; });
}

bool Workload::wait_for(double seconds, const std::function<bool()>& done) {
  return run(monotonic_seconds() + seconds, done, [](double) { return 1.0; });
}

}  // namespace shotcall::bench
