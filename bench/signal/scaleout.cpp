// The scale-out scenario: one load generator's share of a population held across several server
// instances. Sessions are added in steps (register, then form the step's teams at --rate), the
// whole population is held, every session signals one teammate, and the connections close.
//
// Run alone it holds for --hold seconds. With --gated it is one half of a split run: it prints
// `event ready ...` on stderr after the ramp and `event relayed ...` after the relay, and waits for
// SIGUSR1 at each (still answering pings) so that whoever drives the halves can hold them all at
// once and read the servers' metrics while every session is connected. A missing signal is
// waited for at most --gate-timeout seconds and recorded, never waited for forever.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "bench/common/proc_stats.hpp"
#include "bench/signal/scenario_json.hpp"
#include "bench/signal/scenarios.hpp"

namespace shotcall::bench {
namespace {

volatile std::sig_atomic_t g_releases = 0;

void on_release(int) { g_releases = g_releases + 1; }

void install_release_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_release;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the signal interrupts epoll_pwait2 and ends the wait at once
  sigaction(SIGUSR1, &sa, nullptr);
}

// One machine-readable line on stderr: "loadgen: event NAME key=value ...".
void event(const char* name, const Workload& w, bool ok) {
  const Counters& c = w.counters();
  std::fprintf(stderr, "loadgen: event %s registered=%d ok=%d errors=%llu closes=%llu failures=%llu\n",
               name, w.registered(), ok ? 1 : 0, static_cast<unsigned long long>(c.errors),
               static_cast<unsigned long long>(c.unexpected_closes),
               static_cast<unsigned long long>(c.connect_failures));
  std::fflush(stderr);
}

struct Gate {
  bool released = false;  // false: the wait ran out (gated) or there was no gate
  double seconds = 0;
};

// Gated: waits for the next SIGUSR1; otherwise holds for `hold_s`.
Gate pass_gate(Workload& w, const ScenarioOptions& o, const char* name, bool ok, double hold_s) {
  Gate g;
  const double t0 = monotonic_seconds();
  if (o.gated) {
    const int seen = g_releases;
    event(name, w, ok);
    g.released = w.wait_for(o.gate_timeout_s, [&] { return g_releases > seen; });
    if (!g.released) progress("scaleout: no SIGUSR1 after %s within %.0f s", name, o.gate_timeout_s);
  } else {
    w.idle(hold_s);
  }
  g.seconds = monotonic_seconds() - t0;
  return g;
}

struct Step {
  int sessions = 0;
  bool ok = false;
  double register_s = 0;
  double join_s = 0;
  JoinPhase join;
};

// Every latency of the ramp, one "team|join STEP-SESSIONS MS" line each, so that the halves of a
// split run can be merged into exact percentiles.
void write_latencies(const std::string& path, const std::vector<Step>& steps) {
  if (path.empty()) return;
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return progress("scaleout: cannot write %s", path.c_str());
  for (const Step& s : steps) {
    for (double ms : s.join.team_ms.ms) std::fprintf(f, "team %d %.3f\n", s.sessions, ms);
    for (double ms : s.join.join_ms.ms) std::fprintf(f, "join %d %.3f\n", s.sessions, ms);
  }
  std::fclose(f);
}

}  // namespace

int run_scaleout(const ScenarioOptions& o, JsonOut& out) {
  if (o.gated) install_release_handler();
  Workload w(o.workload);
  const int total = (o.sessions / 5) * 5;
  const int step_size = std::max(5, (o.ramp_step / 5) * 5);
  const ProcSample self_start = sample_process(getpid());

  // ---- ramp: register a step's sessions, then form its teams ----
  std::vector<Step> steps;
  Latencies team_ms, join_ms;
  PhaseResult ramp{true, 0, {}};
  const double ramp_t0 = monotonic_seconds();
  while (ramp.ok && w.sessions() < total) {
    const int first = w.sessions();
    Step s;
    s.sessions = std::min(total, first + step_size);
    progress("scaleout[%s]: step to %d sessions", o.workload.tag.c_str(), s.sessions);
    double t = monotonic_seconds();
    // Registrations and joins slow down as sessions pile up on an instance's GLib main loop, and
    // with Redis every one is a transaction of several round trips, each a loop wake-up
    // (docs/performance.md): allow 5 a second. Whoever drives a split run has its own deadline.
    const double step_timeout = timeout_for(s.sessions - first, 5);
    PhaseResult reg = w.grow_to(s.sessions, step_timeout);
    s.register_s = monotonic_seconds() - t;
    if (reg.ok && o.teams) {
      t = monotonic_seconds();
      s.join = w.form_teams(first, s.sessions - first, o.joins_per_s, step_timeout);
      s.join_s = monotonic_seconds() - t;
      team_ms.ms.insert(team_ms.ms.end(), s.join.team_ms.ms.begin(), s.join.team_ms.ms.end());
      join_ms.ms.insert(join_ms.ms.end(), s.join.join_ms.ms.begin(), s.join.join_ms.ms.end());
      if (!s.join.ok) reg = s.join;
    }
    s.ok = reg.ok && w.clean();
    if (!s.ok) ramp = PhaseResult{false, 0, reg.ok ? w.counters().first_problem : reg.failure};
    steps.push_back(std::move(s));
  }
  ramp.seconds = monotonic_seconds() - ramp_t0;
  const ProcSample self_held = sample_process(getpid());

  // ---- hold: every session connected and silent ----
  const std::uint64_t lost_before = w.counters().unexpected_closes;
  const Gate hold = pass_gate(w, o, "ready", ramp.ok, o.hold_seconds);
  const std::uint64_t lost_in_hold = w.counters().unexpected_closes - lost_before;

  // ---- relay: each session signals the next teammate once (five signals a team) ----
  RelayPhase relay;
  if (ramp.ok && !o.teams) {
    relay.ok = true;  // registered only: nobody to signal
  } else if (ramp.ok) {
    progress("scaleout[%s]: relaying %d signals at %.0f/s", o.workload.tag.c_str(), w.sessions(),
             o.relay_per_s);
    relay = w.relay(all_teams(w), false, o.relay_per_s, timeout_for(w.sessions(), o.relay_per_s));
  } else {
    relay.failure = "not run: the ramp failed";
  }
  const bool ok = ramp.ok && relay.ok && w.clean();
  const Gate after = pass_gate(w, o, "relayed", ok, 0);
  const ProcSample self_end = sample_process(getpid());
  write_latencies(o.latencies_output, steps);

  out.begin_object().field("scenario", "scaleout").field("tag", o.workload.tag);
  out.field("sessions", total).field("registered", w.registered()).field("ok", ok);
  out.field("source_base", o.workload.source_base).field("sources", o.workload.sources);
  out.field("offered_joins_per_s", o.joins_per_s).field("ramp_step", step_size).field("teams", o.teams);
  out.key("ramp").begin_object();
  phase_fields(out, ramp);
  out.field("joins", static_cast<int>(join_ms.ms.size()));
  latency_fields(out, "team_latency_ms", team_ms);
  latency_fields(out, "join_latency_ms", join_ms);
  out.key("steps").begin_array();
  for (const Step& s : steps) {
    out.begin_object().field("sessions", s.sessions).field("ok", s.ok);
    out.field("register_s", s.register_s).field("join_s", s.join_s);
    out.field("joins", s.join.joins);
    out.field("join_p50_ms", s.join.join_ms.p(50)).field("join_p99_ms", s.join.join_ms.p(99));
    out.field("team_p99_ms", s.join.team_ms.p(99));
    out.end_object();
  }
  out.end_array().end_object();
  out.key("hold").begin_object();
  out.field("gated", o.gated).field("released", hold.released).field("seconds", hold.seconds);
  out.field("lost", lost_in_hold).end_object();
  out.key("relay").begin_object();
  phase_fields(out, relay);
  out.field("messages", relay.messages).field("received", relay.received);
  out.field("offered_per_s", o.relay_per_s);
  latency_fields(out, "latency_ms", relay.relay_ms);
  out.field("released", after.released).end_object();
  out.key("loadgen").begin_object();
  out.field("rss_held_kib", self_held.rss_kib).field("hwm_kib", self_end.hwm_kib);
  out.field("cpu_s", self_end.cpu_s - self_start.cpu_s).end_object();
  counter_fields(out, w);
  out.end_object();
  w.close_all();
  return ok ? 0 : 1;
}

}  // namespace shotcall::bench
