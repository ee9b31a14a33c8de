#include "app/mesh/unreachable_reason.hpp"

#include <algorithm>
#include <vector>

#include "app/i18n/translate.hpp"

namespace shotcall::mesh {

namespace {

using i18n::fill;
using i18n::tr;
using i18n::trc;
using i18n::trn;

// "local", "public" or "relay" for a candidate type (in the player's language); anything else as
// it is.
std::string word_for(const std::string& type) {
  // Translators: the kind of a network address in "your local and public addresses (host,
  // srflx)": an address of the computer itself.
  if (type == "host") return trc("address kind", "local");
  // Translators: the kind of a network address: the public address a router maps it to.
  if (type == "srflx" || type == "prflx") return trc("address kind", "public");
  // Translators: the kind of a network address: an address on a relay (TURN) server.
  if (type == "relay") return trc("address kind", "relay");
  return type;
}

std::string join(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  std::string list;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) list += (i ? ", " : "") + items[i];
  if (items.size() == 1) return items.back();
  // Translators: the last two items of a list, as in "local, public and relay".
  return fill(tr("{list} and {last}"), {{"list", list}, {"last", items.back()}});
}

std::string join_raw(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
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
  // Translators: {kinds} lists kinds of network address ("local and public"), {types} the ICE
  // candidate types they stand for ("host, srflx"), which stay as they are.
  return fill(trn("{kinds} address ({types})", "{kinds} addresses ({types})", words.size()),
              {{"kinds", join(words)}, {"types", join_raw(raw)}});
}

std::string tried(const ReachAttempt& a) {
  const std::string& name = a.peer_name;
  if (a.local_types.empty() && a.remote_types.empty())
    return tr("Neither side had an address to try.");
  if (a.local_types.empty()) {
    // Translators: {name} is a teammate's Riot ID; {addresses} is like "local and public
    // addresses (host, srflx)".
    return fill(tr("You had no address to offer; {name} offered their {addresses}."),
                {{"name", name}, {"addresses", describe(a.remote_types)}});
  }
  if (a.remote_types.empty()) {
    // Translators: {name} is a teammate's Riot ID; {addresses} is like "local and public
    // addresses (host, srflx)".
    return fill(tr("{name} offered no address; you offered your {addresses}."),
                {{"name", name}, {"addresses", describe(a.local_types)}});
  }
  // Translators: {name} is a teammate's Riot ID; {local} and {remote} are like "local and public
  // addresses (host, srflx)": yours, then theirs.
  return fill(
      tr("Tried your {local} and {name}'s {remote}."),
      {{"local", describe(a.local_types)}, {"name", name}, {"remote", describe(a.remote_types)}});
}

std::string headline(const ReachAttempt& a) {
  const std::pair<std::string_view, std::string_view> name{"name", a.peer_name};
  if (a.relay_only && !a.turn_configured) {
    // Translators: {name} is a teammate's Riot ID; TURN is the relay protocol's name.
    return fill(tr("Can't reach {name}: relay-only mode is on, but this server offers no relay "
                   "(TURN). Ask the server's admin to add one, or allow direct connections."),
                {name});
  }
  if (a.remote_types.empty()) {
    // Translators: {name} is a teammate's Riot ID.
    return fill(tr("Can't reach {name}: their side offered no address to connect to. Ask them to "
                   "check their network and firewall."),
                {name});
  }
  if (!a.turn_configured) {
    if (a.relay_only) {
      // Translators: {name} is a teammate's Riot ID; TURN is the relay protocol's name.
      return fill(tr("Can't reach {name}: relay-only mode is on, and this server offers no relay "
                     "(TURN). Ask the server's admin to add one."),
                  {name});
    }
    // Translators: {name} is a teammate's Riot ID; TURN is the relay protocol's name.
    return fill(tr("Can't reach {name}: no direct path between your networks, and this server "
                   "offers no relay (TURN). Ask the server's admin to add one."),
                {name});
  }
  if (!a.local_types.count("relay")) {
    if (a.relay_only) {
      // Translators: {name} is a teammate's Riot ID; TURN is the relay protocol's name.
      return fill(tr("Can't reach {name}: relay-only mode is on, and the relay server (TURN) gave "
                     "us no relay address. Ask the server's admin to check the relay (its "
                     "address, credentials and ports)."),
                  {name});
    }
    // Translators: {name} is a teammate's Riot ID; TURN is the relay protocol's name.
    return fill(tr("Can't reach {name}: no direct path between your networks, and the relay "
                   "server (TURN) gave us no relay address. Ask the server's admin to check the "
                   "relay (its address, credentials and ports)."),
                {name});
  }
  // Translators: {name} is a teammate's Riot ID; TURN is the relay protocol's name.
  return fill(tr("Can't reach {name}, even through the relay server (TURN): a firewall may block "
                 "the relay's ports, or the relay refuses the path. Ask the server's admin to "
                 "check the relay's port range and the addresses it may reach."),
              {name});
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
