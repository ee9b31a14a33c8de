#include "bench/signal/scenarios.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "bench/common/proc_stats.hpp"
#include "bench/signal/scenario_json.hpp"

extern char** environ;

namespace shotcall::bench {

// Generous: a phase that runs out of time is reported, not waited for forever.
double timeout_for(int sessions, double rate) { return 30.0 + 3.0 * sessions / rate; }

void latency_fields(JsonOut& out, const char* name, const Latencies& l) {
  out.key(name).begin_object();
  out.field("count", static_cast<int>(l.ms.size()));
  out.field("p50", l.p(50)).field("p90", l.p(90)).field("p99", l.p(99)).field("max", l.p(100));
  out.end_object();
}

void phase_fields(JsonOut& out, const PhaseResult& r) {
  out.field("ok", r.ok).field("seconds", r.seconds);
  if (!r.ok) out.field("failure", r.failure);
}

void counter_fields(JsonOut& out, const Workload& w) {
  const Counters& c = w.counters();
  out.key("problems").begin_object();
  out.field("errors", c.errors).field("unexpected_closes", c.unexpected_closes);
  out.field("connect_failures", c.connect_failures).field("strict_failures", c.strict_failures);
  out.field("notices", c.notices);
  out.key("error_codes").begin_object();
  for (const auto& [code, n] : c.error_codes) out.field(code, n);
  out.end_object();
  if (!c.first_problem.empty()) out.field("first", c.first_problem);
  out.end_object();
  out.field("pings_answered", w.pings_answered());
}

std::vector<int> all_teams(const Workload& w) {
  std::vector<int> t;
  for (int i = 0; i < w.team_count(); ++i) t.push_back(i);
  return t;
}

namespace {

// `perf record` on the server for `seconds`, in the background; returns its pid (or 0).
pid_t start_perf(pid_t target, const std::string& output, double seconds) {
  const std::string pid = std::to_string(target);
  const std::string secs = std::to_string(static_cast<int>(seconds + 0.5));
  const char* argv[] = {"perf", "record", "-q", "-e", "cpu-clock", "-F", "999", "-g",
                        "-p", pid.c_str(), "-o", output.c_str(), "--", "sleep", secs.c_str(), nullptr};
  pid_t child = 0;
  if (posix_spawnp(&child, "perf", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) return 0;
  return child;
}

// Ten teams relay; the rest of the sessions stay silent.
constexpr int kActiveSessions = 50;

struct ScalingPoint {
  bool ok = false;
  std::string failure;
  double idle_cpu_per_s = 0;
  double seconds = 0;
  double cpu_s = 0;
  long rss_kib = 0;
  RelayPhase relay;
  void write(JsonOut& out, int idle) const {
    out.field("idle_sessions", idle).field("ok", ok);
    out.field("server_cpu_share", seconds > 0 ? cpu_s / seconds : 0.0);
    out.field("idle_cpu_per_s", idle_cpu_per_s).field("messages", relay.received);
    out.field("seconds", seconds).field("server_cpu_s", cpu_s);
    out.field("cpu_us_per_message", relay.received ? cpu_s * 1e6 / relay.received : 0.0);
    out.field("cpu_us_per_message_net_of_idle",
              relay.received ? (cpu_s - idle_cpu_per_s * seconds) * 1e6 / relay.received : 0.0);
    out.field("server_rss_kib", rss_kib);
    latency_fields(out, "latency_ms", relay.relay_ms);
    if (!ok) out.field("failure", failure);
  }
};

// The server's CPU per relayed signal among the first ten teams at o.relay_per_s, for
// o.relay_seconds, after o.idle_seconds of measuring its idle CPU.
ScalingPoint measure_relay_cost(Workload& w, const ScenarioOptions& o, const std::string& perf_output) {
  ScalingPoint p;
  std::vector<int> active;
  for (int t = 0; t < kActiveSessions / 5; ++t) active.push_back(t);
  w.idle(o.settle_seconds);
  const ProcSample a = sample_process(o.server_pid);
  w.idle(o.idle_seconds);
  const ProcSample b = sample_process(o.server_pid);
  p.idle_cpu_per_s = (b.cpu_s - a.cpu_s) / o.idle_seconds;
  pid_t perf = 0;
  if (!perf_output.empty() && o.server_pid > 0) perf = start_perf(o.server_pid, perf_output, o.relay_seconds);
  const int rounds = std::max(1, static_cast<int>(o.relay_per_s * o.relay_seconds / (20.0 * active.size())));
  const ProcSample c = sample_process(o.server_pid);
  const double t0 = monotonic_seconds();
  p.ok = true;
  for (int r = 0; r < rounds && p.ok; ++r) {
    // One round is 20 signals a team; rounds back to back keep the offered rate.
    RelayPhase one = w.relay(active, true, o.relay_per_s, 30);
    p.relay.messages += one.messages;
    p.relay.received += one.received;
    p.relay.relay_ms.ms.insert(p.relay.relay_ms.ms.end(), one.relay_ms.ms.begin(), one.relay_ms.ms.end());
    if (!one.ok) {
      p.ok = false;
      p.failure = one.failure;
    }
  }
  p.seconds = monotonic_seconds() - t0;
  const ProcSample d = sample_process(o.server_pid);
  if (perf > 0) {
    int status = 0;
    waitpid(perf, &status, 0);
  }
  p.cpu_s = d.cpu_s - c.cpu_s;
  p.rss_kib = d.rss_kib;
  return p;
}

}  // namespace

int run_smoke(const ScenarioOptions& o, JsonOut& out) {
  Workload w(o.workload);
  const int n = (o.sessions / 5) * 5;
  const PhaseResult reg = w.grow_to(n, timeout_for(n, 100));
  JoinPhase join;
  RelayPhase relay;
  PhaseResult leave;
  if (reg.ok) join = w.form_teams(0, n, o.joins_per_s, timeout_for(n, o.joins_per_s));
  if (join.ok) relay = w.relay(all_teams(w), true, o.relay_per_s, timeout_for(4 * n, o.relay_per_s));
  if (relay.ok) leave = w.leave(all_teams(w), 30);
  const bool ok = reg.ok && join.ok && relay.ok && leave.ok && w.clean();
  out.begin_object().field("scenario", "smoke").field("sessions", n).field("ok", ok);
  out.key("register").begin_object();
  phase_fields(out, reg);
  out.end_object();
  out.key("join").begin_object();
  phase_fields(out, join);
  out.field("joins", join.joins);
  latency_fields(out, "team_latency_ms", join.team_ms);
  out.end_object();
  out.key("relay").begin_object();
  phase_fields(out, relay);
  out.field("messages", relay.messages).field("received", relay.received);
  out.end_object();
  out.key("leave").begin_object();
  phase_fields(out, leave);
  out.end_object();
  counter_fields(out, w);
  out.end_object();
  w.close_all();
  return ok ? 0 : 1;
}

int run_joins(const ScenarioOptions& o, JsonOut& out) {
  Workload w(o.workload);
  const int n = (o.sessions / 5) * 5;
  const ProcSample start = sample_process(o.server_pid);
  progress("joins: registering %d sessions", n);
  const PhaseResult reg = w.grow_to(n, timeout_for(n, 200));
  w.idle(o.settle_seconds);  // let the server finish what it started before reading its memory
  const ProcSample idle = sample_process(o.server_pid);

  JoinPhase join;
  ProcSample before_join, after_join, after_relay;
  RelayPhase relay;
  PhaseResult leave;
  if (reg.ok) {
    progress("joins: %d joins at %.0f/s", n, o.joins_per_s);
    before_join = sample_process(o.server_pid);
    join = w.form_teams(0, n, o.joins_per_s, timeout_for(n, o.joins_per_s));
    after_join = sample_process(o.server_pid);
  }
  if (join.ok) {
    progress("joins: relaying %d signals at %.0f/s", 4 * n, o.relay_per_s);
    relay = w.relay(all_teams(w), true, o.relay_per_s, timeout_for(4 * n, o.relay_per_s));
    after_relay = sample_process(o.server_pid);
  }
  if (relay.ok) leave = w.leave(all_teams(w), timeout_for(n, 1000));
  const bool ok = reg.ok && join.ok && relay.ok && leave.ok && w.clean();

  out.begin_object().field("scenario", "joins").field("sessions", n).field("ok", ok);
  out.key("register").begin_object();
  phase_fields(out, reg);
  out.field("sessions_per_s", reg.seconds > 0 ? n / reg.seconds : 0.0);
  out.end_object();
  out.key("memory").begin_object();
  out.field("rss_start_kib", start.rss_kib).field("rss_idle_kib", idle.rss_kib);
  out.field("idle_sessions", n);
  out.field("kib_per_idle_session", n > 0 ? static_cast<double>(idle.rss_kib - start.rss_kib) / n : 0.0);
  out.end_object();
  out.key("join").begin_object();
  phase_fields(out, join);
  out.field("joins", join.joins).field("offered_joins_per_s", o.joins_per_s);
  out.field("achieved_joins_per_s", join.seconds > 0 ? join.joins / join.seconds : 0.0);
  const double join_cpu = after_join.cpu_s - before_join.cpu_s;
  out.field("server_cpu_s", join_cpu);
  out.field("cpu_s_per_1000_joins", join.joins > 0 ? join_cpu * 1000.0 / join.joins : 0.0);
  latency_fields(out, "team_latency_ms", join.team_ms);
  latency_fields(out, "join_latency_ms", join.join_ms);
  out.end_object();
  out.key("relay").begin_object();
  phase_fields(out, relay);
  out.field("messages", relay.messages).field("received", relay.received);
  out.field("offered_per_s", o.relay_per_s);
  const double relay_cpu = after_relay.cpu_s - after_join.cpu_s;
  out.field("server_cpu_s", relay_cpu);
  out.field("cpu_us_per_message", relay.received > 0 ? relay_cpu * 1e6 / relay.received : 0.0);
  latency_fields(out, "latency_ms", relay.relay_ms);
  out.end_object();
  out.key("leave").begin_object();
  phase_fields(out, leave);
  out.end_object();
  counter_fields(out, w);
  out.end_object();
  w.close_all();
  return ok ? 0 : 1;
}

int run_capacity(const ScenarioOptions& o, JsonOut& out) {
  Workload w(o.workload);
  int max_ok = 0;
  std::string limit;
  out.begin_object().field("scenario", "capacity").key("steps").begin_array();
  for (std::size_t step_index = 0; step_index < o.steps.size(); ++step_index) {
    const int target = (o.steps[step_index] / 5) * 5;
    if (target <= w.sessions()) continue;
    const int first = w.sessions();
    progress("capacity: step to %d sessions", target);
    const double t0 = monotonic_seconds();
    // Registration slows down as sessions pile up on Shotcall (docs/performance.md): allow 20/s.
    PhaseResult step = w.grow_to(target, timeout_for(target - first, 20));
    JoinPhase join;
    RelayPhase relay;
    if (step.ok) {
      join = w.form_teams(first, target - first, o.joins_per_s, timeout_for(target - first, o.joins_per_s));
      if (!join.ok) step = join;
    }
    ScalingPoint point;
    if (step.ok) {
      w.idle(o.hold_seconds);
      // The relay cost with everyone else silent: ten teams signal, target - 50 sessions idle.
      // perf at 10 000 sessions (and at the last step): a later step may fail before its relay.
      const bool profile = target == 10000 || step_index + 1 == o.steps.size();
      point = measure_relay_cost(w, o, profile ? o.perf_output : std::string{});
      if (!point.ok) step = PhaseResult{false, 0, point.failure};
    }
    if (step.ok) {
      // Every session, old and new, proves it is still served: one signal to a teammate each.
      relay = w.relay(all_teams(w), false, 5000, timeout_for(target, 5000));
      if (!relay.ok) step = relay;
    }
    const bool ok = step.ok && w.clean();
    const ProcSample s = sample_process(o.server_pid);
    out.begin_object().field("sessions", target).field("ok", ok);
    out.field("seconds", monotonic_seconds() - t0).field("server_rss_kib", s.rss_kib);
    if (join.ok) out.field("team_latency_p99_ms", join.team_ms.p(99));
    if (point.ok) {
      out.key("relay_cost").begin_object();
      point.write(out, target - kActiveSessions);
      out.end_object();
    }
    if (!ok) out.field("failure", step.ok ? w.counters().first_problem : step.failure);
    out.end_object();
    if (!ok) {
      limit = step.ok ? w.counters().first_problem : step.failure;
      break;
    }
    max_ok = target;
  }
  out.end_array().field("max_sessions_ok", max_ok);
  if (!limit.empty()) out.field("limit", limit);
  counter_fields(out, w);
  out.end_object();
  w.close_all();
  return 0;
}

int run_relay_scaling(const ScenarioOptions& o, JsonOut& out) {
  Workload w(o.workload);
  bool ok = w.grow_to(kActiveSessions, 60).ok && w.form_teams(0, kActiveSessions, 1000, 60).ok;
  out.begin_object().field("scenario", "relay-scaling").field("active_sessions", kActiveSessions);
  out.field("offered_per_s", o.relay_per_s).key("levels").begin_array();
  for (std::size_t i = 0; ok && i < o.idle_levels.size(); ++i) {
    const int idle = o.idle_levels[i];
    progress("relay-scaling: %d idle sessions", idle);
    const PhaseResult grown = w.grow_to(kActiveSessions + idle, timeout_for(idle, 200));
    if (!grown.ok) {
      out.begin_object().field("idle_sessions", idle).field("ok", false).field("failure", grown.failure).end_object();
      ok = false;
      break;
    }
    const bool last = i + 1 == o.idle_levels.size();
    const ScalingPoint point = measure_relay_cost(w, o, last ? o.perf_output : std::string{});
    out.begin_object();
    point.write(out, idle);
    out.end_object();
    ok = point.ok;
  }
  out.end_array();
  counter_fields(out, w);
  out.end_object();
  w.close_all();
  return ok && w.clean() ? 0 : 1;
}

int run_burst(const ScenarioOptions& o, JsonOut& out) {
  // Every client at once, as after a server restart: how many get through on the first try.
  WorkloadOptions wo = o.workload;
  wo.max_inflight = o.sessions;
  Workload w(wo);
  progress("burst: %d connections at once", o.sessions);
  const PhaseResult r = w.grow_to(o.sessions, o.hold_seconds, true);
  out.begin_object().field("scenario", "burst").field("sessions", o.sessions).field("wait_s", o.hold_seconds);
  out.field("registered", w.registered()).field("failed", w.counters().connect_failures);
  out.field("seconds", r.seconds);
  if (!w.counters().first_problem.empty()) out.field("first_failure", w.counters().first_problem);
  counter_fields(out, w);
  out.end_object();
  w.close_all();
  return 0;
}

}  // namespace shotcall::bench
