// What the kernel says a process has used: CPU time (user + system, all threads) from
// /proc/<pid>/stat and resident memory from /proc/<pid>/status. The benchmarks sample a server
// or a peer before and after a phase and report the difference.
#pragma once

#include <sys/types.h>

#include <vector>

namespace shotcall::bench {

struct ProcSample {
  bool ok = false;
  double cpu_s = 0;     // utime + stime, seconds
  long rss_kib = 0;     // VmRSS
  long hwm_kib = 0;     // VmHWM, the peak of VmRSS
};

ProcSample sample_process(pid_t pid);

// Seconds on a monotonic clock (for rates between samples).
double monotonic_seconds();

// Percentile (0..100) of `values` by nearest rank; sorts a copy. 0 for an empty set.
double percentile(std::vector<double> values, double pct);

}  // namespace shotcall::bench
