// What every scenario shares: its deadlines, the JSON shapes of latencies, phases and problem
// counters, and progress lines on stderr.
#pragma once

#include <cstdio>
#include <vector>

#include "bench/common/json_out.hpp"
#include "bench/signal/workload.hpp"

namespace shotcall::bench {

// Generous: a phase that runs out of time is reported, not waited for forever.
double timeout_for(int sessions, double rate);

void latency_fields(JsonOut& out, const char* name, const Latencies& l);
void phase_fields(JsonOut& out, const PhaseResult& r);
void counter_fields(JsonOut& out, const Workload& w);
std::vector<int> all_teams(const Workload& w);

// One line on stderr, "loadgen: ...": what a person watching a long run reads.
template <typename... Args>
void progress(const char* fmt, Args... args) {
  std::fprintf(stderr, "loadgen: ");
  std::fprintf(stderr, fmt, args...);
  std::fputc('\n', stderr);
}

}  // namespace shotcall::bench
