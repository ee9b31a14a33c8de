// The load generator's scenarios. Each drives one running server (given by URL, and by pid for
// the /proc figures) and writes one JSON object with its figures.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "bench/common/json_out.hpp"
#include "bench/signal/workload.hpp"

namespace shotcall::bench {

struct ScenarioOptions {
  WorkloadOptions workload;
  pid_t server_pid = 0;              // 0: no /proc figures
  int sessions = 10;                 // joins, smoke, burst
  double joins_per_s = 1000;         // offered join rate
  double relay_per_s = 2000;         // offered relay rate
  double relay_seconds = 5;          // relay-scaling: length of each relay run
  double idle_seconds = 3;           // relay-scaling: idle CPU window
  double hold_seconds = 5;           // capacity: how long each step is held
  double settle_seconds = 2;         // quiet time before a memory reading
  std::vector<int> steps;            // capacity: session counts
  std::vector<int> idle_levels;      // relay-scaling: idle session counts
  std::string perf_output;           // relay-scaling: perf record the largest level here
  int ramp_step = 1000;              // scaleout: sessions added per step
  bool gated = false;                // scaleout: wait for SIGUSR1 after the ramp and the relay
  bool teams = true;                 // scaleout: false: sessions only register (--no-teams)
  double gate_timeout_s = 3600;      // scaleout: the longest wait for that signal
  std::string latencies_output;      // scaleout: every join latency, one line each
};

// Each returns the process exit status: 0 when the scenario ran to the end (a capacity step that
// fails is a result, not an error), 1 when the workload saw something wrong.
int run_smoke(const ScenarioOptions& o, JsonOut& out);
int run_joins(const ScenarioOptions& o, JsonOut& out);
int run_capacity(const ScenarioOptions& o, JsonOut& out);
int run_relay_scaling(const ScenarioOptions& o, JsonOut& out);
int run_burst(const ScenarioOptions& o, JsonOut& out);
int run_scaleout(const ScenarioOptions& o, JsonOut& out);  // scaleout.cpp

}  // namespace shotcall::bench
