// The browser client (web/, compiled into the binary as a GResource) over plain
// HTTP: GET / is the page, GET /app/<file> its assets; anything else under / is
// 404. Every answer carries the page's security headers (a strict
// Content-Security-Policy, nosniff, no framing).
#pragma once

#include <libsoup/soup.h>

#include <string_view>

namespace shotcall::server {

// Registers the handler for "/" (more specific handlers such as /ws keep their
// paths).
void add_web_handlers(SoupServer *server);

// The Content-Type for a file name by its extension; "" for types the page does
// not use.
std::string_view web_content_type(std::string_view file);

// Sent with every page response. connect-src 'self' covers ws:// and wss:// to
// the page's own host and port (CSP Level 3; Chromium, Firefox and Safari
// agree).
inline constexpr std::string_view kWebCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
    "data:; "
    "connect-src 'self'; media-src 'self'; base-uri 'none'; form-action "
    "'none'; "
    "frame-ancestors 'none'";

} // namespace shotcall::server
