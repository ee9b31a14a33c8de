// One HTTP(S) GET with libsoup on the default GMainContext, for /healthz and /metrics in tests.
#pragma once

#include <string>

namespace shotcall::test {

// GET over HTTP(S) with SoupSession; status 0 means no response (error has why).
struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::string error;
};
HttpResponse http_get(const std::string& url, bool accept_invalid_certificates = false);

}  // namespace shotcall::test
