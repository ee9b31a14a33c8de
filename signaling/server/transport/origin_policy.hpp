// Which browser pages may open a WebSocket to the server (the handshake's Origin header).
//
// Why: a browser connects to any ws:// URL a page asks for and sends the visitor's own network
// position with it; without a check any web site could use visitors' browsers as clients of a
// server on their LAN or loopback. Native clients send no Origin and are not browsers. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shotcall::server {

// True when a handshake may proceed:
// - it has no Origin (a native client), or
// - `allowed` holds "*" or the origin itself (lower case, as server_config.cpp keeps them), or
// - the origin is the server's own page: its host[:port] is the request's Host header, or one of
//   `own_hosts` (--public-host); default ports (80 for http, 443 for https) may be left out.
// Anything else, "null" included, is refused (403).
bool origin_allowed(const std::optional<std::string_view>& origin, std::string_view host_header,
                    const std::vector<std::string>& own_hosts,
                    const std::vector<std::string>& allowed);

}  // namespace shotcall::server
