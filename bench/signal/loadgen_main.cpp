// shotcall-loadgen: drives a protocol-v1 signaling server (Shotcall's or the reference) with
// many WebSocket sessions and prints one JSON object of figures on stdout. See docs/performance.md.
#include <arpa/inet.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "bench/signal/scenarios.hpp"

namespace {

const char* kUsage = R"(Usage: shotcall-loadgen --url ws://127.0.0.1:PORT/ws --scenario NAME [options]
Scenarios:
  smoke           register, form teams, relay and leave with --sessions sessions; exit 1 on any problem
  joins           memory per idle session, CPU per 1000 joins and join latency at --rate, relay cost
  capacity        step up the number of live sessions (--steps) until one step fails
  relay-scaling   CPU per relayed message with --idle idle sessions held open
  burst           --sessions connections opened all at once; how many fail
  scaleout        --sessions held in steps of --ramp-step (teams formed at --rate), held, one
                  signal each; with --gated, one half of a split run (see scaleout.cpp)
Options:
  --server-pid PID     the server process, for CPU and memory from /proc
  --sessions N         sessions (smoke, joins; default 10)
  --rate N             offered joins per second (default 1000)
  --relay-rate N       offered signals per second (default 2000)
  --relay-seconds S    relay-scaling: relay run length (default 5)
  --idle-seconds S     relay-scaling: idle CPU window (default 3)
  --hold S             capacity: seconds each step is held; burst: how long to wait;
                       scaleout without --gated: how long everyone is held (default 5)
  --settle S           quiet seconds before memory readings (default 2)
  --steps N,N,...      capacity steps
  --idle N,N,...       relay-scaling idle levels
  --sources N          client source addresses 127.0.0.B.. (default 8)
  --source-base B      the first source address's last byte (default 10)
  --game-base N        gameId of the first team (default 7000000000)
  --ramp-step N        scaleout: sessions added per step (default 1000)
  --gated              scaleout: print `event ready|relayed` on stderr, wait for SIGUSR1 at each
  --gate-timeout S     scaleout: the longest wait for SIGUSR1 (default 3600)
  --no-teams           scaleout: sessions register and are held, no teams, no relay
  --latencies-out FILE scaleout: every join latency of the ramp, one line each
  --inflight N         connections opening at once (default 8)
  --tag TAG            Riot ID tag line (default LOAD)
  --strict             decode every server frame with Shotcall's protocol codec
  --perf FILE          relay-scaling: perf record the server during the last level
)";

bool parse_url(const std::string& url, sockaddr_in& addr, std::string& path) {
  // ws://A.B.C.D:PORT/path, loopback only.
  if (url.rfind("ws://", 0) != 0) return false;
  const std::string rest = url.substr(5);
  const auto colon = rest.find(':');
  const auto slash = rest.find('/');
  if (colon == std::string::npos || slash == std::string::npos || slash < colon) return false;
  const std::string host = rest.substr(0, colon);
  const int port = std::atoi(rest.substr(colon + 1, slash - colon - 1).c_str());
  path = rest.substr(slash);
  addr = sockaddr_in{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return false;
  // The load stays on this machine.
  return (ntohl(addr.sin_addr.s_addr) >> 24) == 127 && port > 0 && port < 65536;
}

std::vector<int> parse_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::atoi(item.c_str()));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shotcall::bench;
  ScenarioOptions o;
  std::string url, scenario;
  std::map<std::string, std::function<void(const std::string&)>> with_value{
      {"--url", [&](const std::string& v) { url = v; }},
      {"--scenario", [&](const std::string& v) { scenario = v; }},
      {"--server-pid", [&](const std::string& v) { o.server_pid = std::atoi(v.c_str()); }},
      {"--sessions", [&](const std::string& v) { o.sessions = std::atoi(v.c_str()); }},
      {"--rate", [&](const std::string& v) { o.joins_per_s = std::atof(v.c_str()); }},
      {"--relay-rate", [&](const std::string& v) { o.relay_per_s = std::atof(v.c_str()); }},
      {"--relay-seconds", [&](const std::string& v) { o.relay_seconds = std::atof(v.c_str()); }},
      {"--idle-seconds", [&](const std::string& v) { o.idle_seconds = std::atof(v.c_str()); }},
      {"--hold", [&](const std::string& v) { o.hold_seconds = std::atof(v.c_str()); }},
      {"--settle", [&](const std::string& v) { o.settle_seconds = std::atof(v.c_str()); }},
      {"--steps", [&](const std::string& v) { o.steps = parse_list(v); }},
      {"--idle", [&](const std::string& v) { o.idle_levels = parse_list(v); }},
      {"--sources", [&](const std::string& v) { o.workload.sources = std::atoi(v.c_str()); }},
      {"--inflight", [&](const std::string& v) { o.workload.max_inflight = std::atoi(v.c_str()); }},
      {"--tag", [&](const std::string& v) { o.workload.tag = v; }},
      {"--perf", [&](const std::string& v) { o.perf_output = v; }},
      {"--source-base", [&](const std::string& v) { o.workload.source_base = std::atoi(v.c_str()); }},
      {"--game-base", [&](const std::string& v) { o.workload.game_base = std::atoll(v.c_str()); }},
      {"--ramp-step", [&](const std::string& v) { o.ramp_step = std::atoi(v.c_str()); }},
      {"--latencies-out", [&](const std::string& v) { o.latencies_output = v; }},
      {"--gate-timeout", [&](const std::string& v) { o.gate_timeout_s = std::atof(v.c_str()); }},
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--strict") {
      o.workload.strict = true;
      continue;
    }
    if (a == "--gated") {
      o.gated = true;
      continue;
    }
    if (a == "--no-teams") {
      o.teams = false;
      continue;
    }
    const auto it = with_value.find(a);
    if (it == with_value.end() || i + 1 >= argc) {
      std::fprintf(stderr, "shotcall-loadgen: unknown option or missing value: %s\n%s", a.c_str(), kUsage);
      return 2;
    }
    it->second(argv[++i]);
  }
  if (!parse_url(url, o.workload.server, o.workload.path)) {
    std::fprintf(stderr, "shotcall-loadgen: --url must be ws://127.x.y.z:PORT/PATH\n");
    return 2;
  }
  if (o.joins_per_s <= 0 || o.relay_per_s <= 0 || o.sessions < 5) {
    std::fprintf(stderr, "shotcall-loadgen: rates must be positive and --sessions at least 5\n");
    return 2;
  }
  if (o.workload.sources < 1 || o.workload.source_base < 1 ||
      o.workload.source_base + o.workload.sources > 255) {
    std::fprintf(stderr, "shotcall-loadgen: source addresses must stay within 127.0.0.1-254\n");
    return 2;
  }
  // Every session is a descriptor: take all the kernel allows this process.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }

  JsonOut out;
  int status = 2;
  if (scenario == "smoke") status = run_smoke(o, out);
  else if (scenario == "joins") status = run_joins(o, out);
  else if (scenario == "capacity") status = run_capacity(o, out);
  else if (scenario == "relay-scaling") status = run_relay_scaling(o, out);
  else if (scenario == "burst") status = run_burst(o, out);
  else if (scenario == "scaleout") status = run_scaleout(o, out);
  else {
    std::fprintf(stderr, "shotcall-loadgen: unknown scenario '%s'\n", scenario.c_str());
    return 2;
  }
  std::printf("%s\n", out.text().c_str());
  return status;
}
