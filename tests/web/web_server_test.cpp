// The page as shotcall-signal serves it, over real HTTP from the real binary:
// paths, content types, caching, the security headers, and --no-web.
#include <gtest/gtest.h>
#include <libsoup/soup.h>

#include <map>
#include <string>

#include "tests/support/server_process.hpp"

namespace shotcall::test {
namespace {

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers; // names lower case
  std::string body;
  std::string header(const std::string &name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

Reply fetch(const std::string &url, const char *method = "GET",
            const std::map<std::string, std::string> &request_headers = {}) {
  SoupSession *session = soup_session_new();
  SoupMessage *msg = soup_message_new(method, url.c_str());
  for (const auto &[k, v] : request_headers)
    soup_message_headers_replace(msg->request_headers, k.c_str(), v.c_str());
  Reply r;
  r.status = soup_session_send_message(session, msg);
  SoupMessageHeadersIter it;
  soup_message_headers_iter_init(&it, msg->response_headers);
  const char *name, *value;
  while (soup_message_headers_iter_next(&it, &name, &value)) {
    gchar *lower = g_ascii_strdown(name, -1);
    r.headers[lower] = value;
    g_free(lower);
  }
  r.body.assign(msg->response_body->data, msg->response_body->length);
  g_object_unref(msg);
  g_object_unref(session);
  return r;
}

constexpr const char *kCsp = "default-src 'none'; script-src 'self'; style-src "
                             "'self'; img-src 'self' data:; "
                             "connect-src 'self'; media-src 'self'; base-uri "
                             "'none'; form-action 'none'; "
                             "frame-ancestors 'none'";

void expect_page_headers(const Reply &r, const std::string &what) {
  EXPECT_EQ(r.header("content-security-policy"), kCsp) << what;
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(r.header("cache-control"), "no-cache") << what;
}

TEST(WebAssets, TheRootIsThePageWithItsSecurityHeaders) {
  ServerProcess server;
  const Reply r = fetch(server.http_url("/"));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  expect_page_headers(r, "/");
  EXPECT_NE(r.body.find("<script type=\"module\" src=\"/app/js/main.js\">"),
            std::string::npos);
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  // HEAD: the same headers, no body.
  const Reply head = fetch(server.http_url("/"), "HEAD");
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("etag"), r.header("etag"));
}

TEST(WebAssets, AssetsCarryTheirTypeAndAContentHashETag) {
  ServerProcess server;
  const std::map<std::string, std::string> types = {
      {"/app/app.css", "text/css; charset=utf-8"},
      {"/app/js/main.js", "text/javascript; charset=utf-8"},
      {"/app/js/protocol.js", "text/javascript; charset=utf-8"},
      {"/app/icon.svg", "image/svg+xml"},
  };
  std::string main_etag;
  for (const auto &[path, type] : types) {
    const Reply r = fetch(server.http_url(path));
    ASSERT_EQ(r.status, 200u) << path;
    EXPECT_EQ(r.header("content-type"), type) << path;
    expect_page_headers(r, path);
    EXPECT_FALSE(r.body.empty()) << path;
    EXPECT_EQ(r.header("etag").size(), 34u) << path << ": " << r.header("etag");
    if (path == "/app/js/main.js")
      main_etag = r.header("etag");
  }
  // Revalidation: the same content answers 304 with no body; another tag gets
  // the file.
  const Reply same = fetch(server.http_url("/app/js/main.js"), "GET",
                           {{"If-None-Match", main_etag}});
  EXPECT_EQ(same.status, 304u);
  EXPECT_TRUE(same.body.empty());
  const Reply other = fetch(server.http_url("/app/js/main.js"), "GET",
                            {{"If-None-Match", "\"x\""}});
  EXPECT_EQ(other.status, 200u);
  EXPECT_NE(fetch(server.http_url("/app/app.css")).header("etag"), main_etag);
}

TEST(WebAssets, UnknownPathsAndOtherMethodsAreRefused) {
  ServerProcess server;
  for (const char *path :
       {"/index.htm", "/app/", "/app/nothing.js", "/app/js/",
        "/app/%2e%2e/index.html", "/js/main.js", "/favicon.ico"}) {
    const Reply r = fetch(server.http_url(path));
    EXPECT_EQ(r.status, 404u) << path;
    EXPECT_EQ(r.header("content-security-policy"), kCsp) << path;
  }
  EXPECT_EQ(fetch(server.http_url("/"), "POST").status, 405u);
  // The other endpoints keep their own handlers.
  EXPECT_EQ(fetch(server.http_url("/healthz")).status, 200u);
  EXPECT_EQ(fetch(server.http_url("/metrics")).status, 200u);
}

TEST(WebAssets, NoWebLeavesOnlyTheServerEndpoints) {
  ServerProcess server({"--no-web"});
  EXPECT_EQ(fetch(server.http_url("/")).status, 404u);
  EXPECT_EQ(fetch(server.http_url("/app/js/main.js")).status, 404u);
  EXPECT_EQ(fetch(server.http_url("/healthz")).status, 200u);
}

} // namespace
} // namespace shotcall::test
