#include "app/mesh/unreachable_reason.hpp"

#include <algorithm>
#include <vector>

namespace shotcall::mesh {

namespace {

// "local", "public" or "relay" for a candidate type; anything else as it is.
std::string word_for(const std::string& type) {
  if (type == "host") return "local";
  if (type == "srflx" || type == "prflx") return "public";
  if (type == "relay") return "relay";
  return type;
}

std::string join(const std::vector<std::string>& items, const char* last_separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last_separator : ", ";
    out += items[i];
  }
  return out;
}

// "local and public addresses (host, srflx)"
std::string describe(const std::set<std::string>& types) {
  std::vector<std::string> words;
  std::vector<std::string> raw;
  for (const char* type : {"host", "srflx", "prflx", "relay"}) {
    if (!types.count(type)) continue;
    raw.push_back(type);
    const std::string w = word_for(type);
    if (words.empty() || words.back() != w) words.push_back(w);
  }
  for (const auto& type : types) {  // anything libnice may add one day, after the known ones
    if (type != "host" && type != "srflx" && type != "prflx" && type != "relay") {
      raw.push_back(type);
      words.push_back(type);
    }
  }
  return join(words, " and ") + (words.size() == 1 ? " address (" : " addresses (") +
         join(raw, ", ") + ")";
}

std::string tried(const ReachAttempt& a) {
  const std::string& name = a.peer_name;
  if (a.local_types.empty() && a.remote_types.empty()) return "Neither side had an address to try.";
  if (a.local_types.empty())
    return "You had no address to offer; " + name + " offered their " + describe(a.remote_types) +
           ".";
  if (a.remote_types.empty())
    return name + " offered no address; you offered your " + describe(a.local_types) + ".";
  return "Tried your " + describe(a.local_types) + " and " + name + "'s " +
         describe(a.remote_types) + ".";
}

std::string headline(const ReachAttempt& a) {
  const std::string cant = "Can't reach " + a.peer_name;
  if (a.relay_only && !a.turn_configured) {
    return cant + ": relay-only mode is on, but this server offers no relay (TURN). Ask the " +
           "server's admin to add one, or allow direct connections.";
  }
  if (a.remote_types.empty()) {
    return cant + ": their side offered no address to connect to. Ask them to check their " +
           "network and firewall.";
  }
  const std::string no_direct =
      a.relay_only ? "relay-only mode is on" : "no direct path between your networks";
  if (!a.turn_configured) {
    return cant + ": " + no_direct + ", and this server offers no relay (TURN). Ask the " +
           "server's admin to add one.";
  }
  if (!a.local_types.count("relay")) {
    return cant + ": " + no_direct + ", and the relay server (TURN) gave us no relay address. " +
           "Ask the server's admin to check the relay (its address, credentials and ports).";
  }
  return cant + ", even through the relay server (TURN): a firewall may block the relay's " +
         "ports, or the relay refuses the path. Ask the server's admin to check the relay's " +
         "port range and the addresses it may reach.";
}

}  // namespace

std::string unreachable_reason(const ReachAttempt& attempt) {
  return headline(attempt) + " " + tried(attempt);
}

std::optional<std::string> candidate_type(std::string_view candidate) {
  // Tokens separated by spaces; the one after "typ" is the type.
  bool next_is_type = false;
  std::size_t pos = 0;
  while (pos < candidate.size()) {
    const std::size_t end = std::min(candidate.find_first_of(" \t\r\n", pos), candidate.size());
    const std::string_view token = candidate.substr(pos, end - pos);
    if (!token.empty()) {
      if (next_is_type) return std::string{token};
      next_is_type = token == "typ";
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::set<std::string> sdp_candidate_types(std::string_view sdp) {
  std::set<std::string> types;
  std::size_t pos = 0;
  while (pos < sdp.size()) {
    std::size_t end = sdp.find('\n', pos);
    if (end == std::string_view::npos) end = sdp.size();
    const std::string_view line = sdp.substr(pos, end - pos);
    if (line.rfind("a=candidate:", 0) == 0) {
      if (auto type = candidate_type(line)) types.insert(*type);
    }
    pos = end + 1;
  }
  return types;
}

}  // namespace shotcall::mesh
