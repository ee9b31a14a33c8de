// A bare HTTP/1.0 GET over GIO sockets, for test programs that must not load libsoup 2.4 (they
// hold libsoup 3 through the LCD stand-in, and one process cannot hold both).
#pragma once

#include <string>

namespace shotcall::test {

// The body of http://127.0.0.1:<port><path>, or "" when the request fails.
std::string plain_http_get(int port, const std::string& path);

}  // namespace shotcall::test
