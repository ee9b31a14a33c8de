#include "signaling/server/transport/origin_policy.hpp"

#include <algorithm>

namespace shotcall::server {
namespace {

std::string lower(std::string_view s) {
  std::string out{s};
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// host[:port] without the scheme's default port, so "example.org" and "example.org:443" agree.
std::string without_default_port(std::string authority, std::string_view scheme) {
  const std::string_view port = scheme == "https" ? ":443" : ":80";
  if (authority.size() > port.size() &&
      std::string_view{authority}.substr(authority.size() - port.size()) == port)
    authority.resize(authority.size() - port.size());
  return authority;
}

}  // namespace

bool origin_allowed(const std::optional<std::string_view>& origin, std::string_view host_header,
                    const std::vector<std::string>& own_hosts,
                    const std::vector<std::string>& allowed) {
  if (!origin) return true;
  std::string o = lower(*origin);
  if (!o.empty() && o.back() == '/') o.pop_back();
  for (const auto& a : allowed)
    if (a == "*" || a == o) return true;
  const auto scheme_end = o.find("://");
  if (scheme_end == std::string::npos) return false;  // "null" and anything unparseable
  const std::string scheme = o.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  const std::string authority = without_default_port(o.substr(scheme_end + 3), scheme);
  if (authority.empty() || authority.find_first_of("/?#@") != std::string::npos) return false;
  if (!host_header.empty() && without_default_port(lower(host_header), scheme) == authority)
    return true;
  return std::any_of(own_hosts.begin(), own_hosts.end(), [&](const std::string& h) {
    return without_default_port(lower(h), scheme) == authority;
  });
}

}  // namespace shotcall::server
