#include "tests/support/http_get.hpp"

#include <libsoup/soup.h>

#include "tests/support/main_loop.hpp"

namespace shotcall::test {

HttpResponse http_get(const std::string& url, bool accept_invalid_certificates) {
  HttpResponse r;
  SoupSession* session = soup_session_new_with_options(
      SOUP_SESSION_SSL_STRICT, accept_invalid_certificates ? FALSE : TRUE, nullptr);
  SoupMessage* msg = soup_message_new(SOUP_METHOD_GET, url.c_str());
  if (!msg) {
    g_object_unref(session);
    r.error = "bad URL";
    return r;
  }
  bool done = false;
  g_object_ref(msg);  // queue_message takes one reference
  soup_session_queue_message(
      session, msg, [](SoupSession*, SoupMessage*, gpointer d) { *static_cast<bool*>(d) = true; },
      &done);
  if (!run_until([&] { return done; }, 15s)) {
    soup_session_abort(session);
    run_until([&] { return done; }, 5s);
    r.error = "timed out";
  }
  if (SOUP_STATUS_IS_TRANSPORT_ERROR(msg->status_code)) {
    r.error = msg->reason_phrase ? msg->reason_phrase : "transport error";
  } else {
    r.status = msg->status_code;
    if (msg->response_body && msg->response_body->data)
      r.body.assign(msg->response_body->data, msg->response_body->length);
    const char* ct = soup_message_headers_get_one(msg->response_headers, "Content-Type");
    r.content_type = ct ? ct : "";
  }
  g_object_unref(msg);
  g_object_unref(session);
  return r;
}

}  // namespace shotcall::test
