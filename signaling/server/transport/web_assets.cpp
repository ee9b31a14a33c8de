#include "signaling/server/transport/web_assets.hpp"

#include <map>
#include <string>

// From the resource bundle CMake compiles out of web/ (glib-compile-resources
// --c-name shotcall_web). Calling it, rather than relying on the bundle's
// constructor, also keeps the linker from dropping the bundle out of the static
// library.
extern "C" GResource *shotcall_web_get_resource(void);

namespace shotcall::server {
namespace {

constexpr std::string_view kRoot = "/org/shotcall/web";
constexpr std::string_view kAssetPrefix = "/app/";

struct Asset {
  GBytes *bytes = nullptr; // owned
  std::string type;
  std::string etag; // a quoted content hash
};

// Every file of the bundle, by its path under kRoot ("index.html",
// "js/main.js"), read once.
struct WebAssets {
  std::map<std::string, Asset, std::less<>> files;
  ~WebAssets() {
    for (auto &[_, a] : files)
      g_bytes_unref(a.bytes);
  }
};

void collect(GResource *resource, const std::string &dir,
             const std::string &rel, WebAssets &out) {
  gchar **children = g_resource_enumerate_children(
      resource, dir.c_str(), G_RESOURCE_LOOKUP_FLAGS_NONE, nullptr);
  if (!children)
    return;
  for (gchar **c = children; *c; ++c) {
    const std::string name = *c;
    if (!name.empty() && name.back() == '/') {
      collect(resource, dir + name, rel + name, out);
      continue;
    }
    GBytes *bytes = g_resource_lookup_data(
        resource, (dir + name).c_str(), G_RESOURCE_LOOKUP_FLAGS_NONE, nullptr);
    if (!bytes)
      continue;
    gsize size = 0;
    const auto *data =
        static_cast<const guchar *>(g_bytes_get_data(bytes, &size));
    gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, size);
    out.files[rel + name] = Asset{bytes, std::string{web_content_type(name)},
                                  "\"" + std::string{sum, 32} + "\""};
    g_free(sum);
  }
  g_strfreev(children);
}

// Asset paths are plain: letters, digits, '-', '_', '.', '/' and no "..", so
// nothing outside the bundle can be named (the bundle has no such thing anyway,
// but a lookup stays cheap).
bool plain_path(std::string_view p) {
  if (p.empty() || p.find("..") != std::string_view::npos || p.front() == '/')
    return false;
  for (char c : p)
    if (!g_ascii_isalnum(c) && c != '-' && c != '_' && c != '.' && c != '/')
      return false;
  return true;
}

void set_security_headers(SoupMessage *msg) {
  SoupMessageHeaders *h = msg->response_headers;
  soup_message_headers_replace(h, "Content-Security-Policy",
                               std::string{kWebCsp}.c_str());
  soup_message_headers_replace(h, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace(h, "X-Frame-Options", "DENY");
  soup_message_headers_replace(h, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace(h, "Cross-Origin-Opener-Policy", "same-origin");
  // Asset URLs carry no content hash (there is no build step), so a cached copy
  // must be revalidated on every load: an upgraded server must never run an old
  // module next to a new one. The ETag makes that revalidation a bodiless 304.
  soup_message_headers_replace(h, "Cache-Control", "no-cache");
}

void not_found(SoupMessage *msg) {
  soup_message_set_status(msg, SOUP_STATUS_NOT_FOUND);
  static constexpr char kBody[] = "not found\n";
  soup_message_set_response(msg, "text/plain; charset=utf-8",
                            SOUP_MEMORY_STATIC, kBody, sizeof kBody - 1);
}

void web_cb(SoupServer *, SoupMessage *msg, const char *path, GHashTable *,
            SoupClientContext *, gpointer data) {
  const auto &assets = static_cast<const WebAssets *>(data)->files;
  set_security_headers(msg);
  const std::string_view p = path ? path : "";
  std::string_view file;
  if (p == "/")
    file = "index.html";
  else if (p.substr(0, kAssetPrefix.size()) == kAssetPrefix)
    file = p.substr(kAssetPrefix.size());
  else
    return not_found(msg);
  const auto it = plain_path(file) ? assets.find(file) : assets.end();
  if (it == assets.end() || it->second.type.empty())
    return not_found(msg);
  if (msg->method != SOUP_METHOD_GET && msg->method != SOUP_METHOD_HEAD) {
    soup_message_headers_replace(msg->response_headers, "Allow", "GET, HEAD");
    return soup_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  }
  const Asset &a = it->second;
  soup_message_headers_replace(msg->response_headers, "ETag", a.etag.c_str());
  const char *match =
      soup_message_headers_get_one(msg->request_headers, "If-None-Match");
  if (match && (a.etag == match || g_strcmp0(match, "*") == 0))
    return soup_message_set_status(msg, SOUP_STATUS_NOT_MODIFIED);
  soup_message_set_status(msg, SOUP_STATUS_OK);
  soup_message_headers_set_content_type(msg->response_headers, a.type.c_str(),
                                        nullptr);
  gsize size = 0;
  const void *body = g_bytes_get_data(a.bytes, &size);
  // The buffer holds its own reference on the bytes for as long as libsoup
  // needs them.
  SoupBuffer *buffer = soup_buffer_new_with_owner(
      body, size, g_bytes_ref(a.bytes),
      reinterpret_cast<GDestroyNotify>(g_bytes_unref));
  soup_message_body_append_buffer(msg->response_body, buffer);
  soup_buffer_free(buffer);
}

} // namespace

std::string_view web_content_type(std::string_view file) {
  const auto dot = file.rfind('.');
  const std::string_view ext =
      dot == std::string_view::npos ? "" : file.substr(dot + 1);
  if (ext == "html")
    return "text/html; charset=utf-8";
  if (ext == "css")
    return "text/css; charset=utf-8";
  if (ext == "js" || ext == "mjs")
    return "text/javascript; charset=utf-8";
  if (ext == "svg")
    return "image/svg+xml";
  if (ext == "png")
    return "image/png";
  if (ext == "json")
    return "application/json";
  return "";
}

void add_web_handlers(SoupServer *server) {
  auto *assets = new WebAssets;
  collect(shotcall_web_get_resource(), std::string{kRoot} + "/", "", *assets);
  soup_server_add_handler(server, "/", web_cb, assets, [](gpointer p) {
    delete static_cast<WebAssets *>(p);
  });
}

} // namespace shotcall::server
