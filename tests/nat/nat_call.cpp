#include "tests/nat/nat_call.hpp"
#include <fstream>
#include <sstream>

#include "tests/peer/report_file.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

using namespace std::chrono_literals;

// The shared secret between coturn and shotcall-signal (coturn's REST scheme): handed to the
// server in an environment variable, as in production.
constexpr const char* kSecretVariable = "NAT_TEST_TURN_SECRET";
constexpr const char* kSecret = "nat-test-shared-secret";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CoturnOptions turn_options(const NatTopology& net) {
  CoturnOptions o;
  o.auth_secret = kSecret;
  o.listening_ip = NatTopology::kServerAddress;
  o.port = NatCall::kTurnPort;
  // The public namespace is the test's own: any relay range is free there.
  o.min_port = 49152;
  o.max_port = 49352;
  o.netns = net.pub().name();
  return o;
}

std::vector<std::string> server_args(Relay relay) {
  const std::string at =
      std::string(NatTopology::kServerAddress) + ":" + std::to_string(NatCall::kTurnPort);
  std::vector<std::string> args{"--bind", NatTopology::kServerAddress, "--stun", "stun:" + at};
  if (relay == Relay::offered)
    args.insert(args.end(),
                {"--turn", "turn:" + at + "?transport=udp", "--turn-secret-env", kSecretVariable});
  return args;
}

}  // namespace

TeammateRoute read_teammate_route(const std::string& report_path, const std::string& riot_id) {
  TeammateRoute r;
  const PeerReportFile report = read_peer_report(report_path);
  if (!report.read) {
    r.why = report.why;
    return r;
  }
  const ReportedTeammate* mate = report.teammate(riot_id);
  if (!mate) {
    r.why = report_path + " names no teammate " + riot_id + ":\n" + read_text(report_path);
    return r;
  }
  r.found = true;
  r.state = mate->state;
  r.route = mate->route;
  r.local_candidate = mate->local_candidate.value_or("");
  r.remote_candidate = mate->remote_candidate.value_or("");
  r.failure = mate->failure.value_or("");
  return r;
}

TeammateRoute last_printed_route(const PeerProcess& peer, const std::string& riot_id) {
  TeammateRoute r;
  const std::string prefix = "route " + riot_id + " ";
  for (const auto& line : peer.lines()) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream words(line.substr(prefix.size()));
    TeammateRoute seen;
    words >> seen.route >> seen.local_candidate >> seen.remote_candidate;
    if (seen.route == "unknown") continue;  // the link went away (or is being rebuilt)
    seen.found = true;
    r = seen;
  }
  if (!r.found) r.why = "no known route printed for " + riot_id;
  return r;
}

NatCall::NatCall(NatKind home1, NatKind home2, Relay relay)
    : net_(home1, home2), team_("NAT", {440, 660}) {
  turn_ = std::make_unique<CoturnProcess>(turn_options(net_));
  server_ = std::make_unique<ServerProcess>(
      server_args(relay), std::map<std::string, std::string>{{kSecretVariable, kSecret}}, 20s,
      net_.pub().exec_prefix());
}

NatCall::~NatCall() {
  // Peers first (they talk to the server and the relay), then the server; coturn and the
  // namespaces go with the members.
  peers_.clear();
  server_.reset();
}

void NatCall::start_peers() {
  for (std::size_t i = 0; i < 2; ++i) {
    std::vector<std::string> args = team_.peer_args(i, server_->url());
    for (std::size_t a = 0; a + 1 < args.size(); ++a)
      if (args[a] == "--ice-address") args[a + 1] = NatTopology::home_address(int(i) + 1);
    peers_.push_back(std::make_unique<PeerProcess>(args, net_.home(int(i) + 1).exec_prefix()));
  }
}

bool NatCall::wait_for_audio(std::chrono::milliseconds timeout, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto gave_up = [&] {
    for (auto& p : peers_)
      for (const auto& line : p->lines())
        if (line.find(" failed gave up") != std::string::npos) return true;
    return false;
  };
  const auto heard = [&] {
    for (auto& p : peers_)
      if (!p->has_line("first-audio ")) return false;
    return true;
  };
  // A peer that gave up on its teammate will not hear it: no need to wait out the deadline.
  const auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
  };
  if (!run_until([&] { return heard() || gave_up(); }, left()) || !heard()) return false;
  return run_until(
      [&] {
        return team_.recorded_bytes(0, 1) >= wav_bytes(seconds) &&
               team_.recorded_bytes(1, 0) >= wav_bytes(seconds);
      },
      left());
}

bool NatCall::stop_peers() {
  bool clean = true;
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    const ProcessExit e = peers_[i]->terminate();
    const bool ok = e.exited && !e.signaled && e.status == 0;
    if (!ok)
      exits_ += "peer " + std::to_string(i + 1) + (e.exited ? "" : " did not exit in time and") +
                (e.signaled ? " died of signal " : " exited with status ") +
                std::to_string(e.status) + " on SIGTERM\n";
    clean = clean && ok;
  }
  return clean;
}

TeammateRoute NatCall::route_seen_by(std::size_t i) const {
  return read_teammate_route(team_.report(i), team_.members().at(1 - i).riot_id);
}

TeammateRoute NatCall::route_printed_by(std::size_t i) const {
  return last_printed_route(*peers_.at(i), team_.members().at(1 - i).riot_id);
}

std::string NatCall::transcripts() const {
  std::string t = exits_;
  for (std::size_t i = 0; i < peers_.size(); ++i)
    t += "=== peer " + std::to_string(i + 1) + " (home " + std::to_string(i + 1) + ")\n" +
         peers_[i]->transcript();
  t += "=== shotcall-signal\n" + server_->stderr_text();
  t += "=== routers\n" + net_.describe();
  // coturn's verbose log is long: its error answers (the first 40) and its tail are what a
  // failure needs.
  const std::string log = turn_->log_text();
  std::istringstream lines(log);
  std::string line, errors;
  int shown = 0;
  while (std::getline(lines, line) && shown < 40)
    if (line.find("error") != std::string::npos) {
      errors += line + "\n";
      ++shown;
    }
  t += "=== coturn: error answers\n" + errors;
  t += "=== coturn: last 4000 bytes\n" + (log.size() > 4000 ? log.substr(log.size() - 4000) : log);
  return t;
}

}  // namespace shotcall::test
