#include "app/media/ice_servers.hpp"

#include <glib.h>

#include <algorithm>
#include <string_view>

namespace shotcall::media {
namespace {

std::string escape(const std::string& s) {
  gchar* e = g_uri_escape_string(s.c_str(), nullptr, FALSE);
  std::string out(e);
  g_free(e);
  return out;
}

// "host", "host:port", "[v6]:port", with an optional "?transport=..." kept apart. A URL without
// a port gets its scheme's default (RFC 7064/7065): 3478, or 5349 for TURN and STUN over TLS.
bool split_url(std::string_view rest, std::string& hostport, std::string& query,
               const char* default_port) {
  if (rest.substr(0, 2) == "//") rest.remove_prefix(2);  // tolerate stun://host too
  std::size_t q = rest.find('?');
  query = q == std::string_view::npos ? "" : std::string(rest.substr(q));
  hostport = std::string(rest.substr(0, q));
  if (hostport.empty() || hostport.find('@') != std::string::npos) return false;
  bool has_port = hostport.back() != ']' &&
                  hostport.find(':', hostport.rfind(']') == std::string::npos
                                         ? 0
                                         : hostport.rfind(']')) != std::string::npos;
  if (!has_port) hostport += default_port;
  return true;
}

}  // namespace

GstIceUris to_gst_ice_uris(const std::vector<shotcall::protocol::IceServer>& servers) {
  GstIceUris out;
  for (const auto& server : servers) {
    for (const auto& url : server.urls) {
      std::string_view u = url;
      std::size_t colon = u.find(':');
      std::string scheme = colon == std::string_view::npos ? "" : std::string(u.substr(0, colon));
      std::string hostport, query;
      const char* default_port = scheme == "turns" || scheme == "stuns" ? ":5349" : ":3478";
      if (scheme.empty() || !split_url(u.substr(colon + 1), hostport, query, default_port)) {
        out.skipped.push_back(url);
        continue;
      }
      if (scheme == "stun") {
        const std::string uri = "stun://" + hostport;
        if (std::find(out.stuns.begin(), out.stuns.end(), uri) == out.stuns.end())
          out.stuns.push_back(uri);
      } else if (scheme == "turn" || scheme == "turns") {
        if (!server.username || !server.credential) {
          out.skipped.push_back(url);  // TURN without credentials cannot allocate
          continue;
        }
        out.turn.push_back(scheme + "://" + escape(*server.username) + ":" +
                           escape(*server.credential) + "@" + hostport + query);
      } else {
        out.skipped.push_back(url);  // stuns: (libnice has no STUN over TLS), other schemes
      }
    }
  }
  if (!out.stuns.empty()) out.stun = out.stuns.front();
  return out;
}

std::optional<std::string> stun_for_attempt(const GstIceUris& uris, std::size_t attempt) {
  if (uris.stuns.empty()) return std::nullopt;
  return uris.stuns[attempt % uris.stuns.size()];
}

}  // namespace shotcall::media
