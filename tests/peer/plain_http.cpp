#include "tests/peer/plain_http.hpp"

#include <gio/gio.h>

namespace shotcall::test {

std::string plain_http_get(int port, const std::string& path) {
  GSocketClient* client = g_socket_client_new();
  g_socket_client_set_timeout(client, 10);
  GSocketConnection* conn = g_socket_client_connect_to_host(
      client, "127.0.0.1", static_cast<guint16>(port), nullptr, nullptr);
  g_object_unref(client);
  if (!conn) return "";
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  GOutputStream* out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
  std::string response;
  if (g_output_stream_write_all(out, request.data(), request.size(), nullptr, nullptr, nullptr)) {
    GInputStream* in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
    char buffer[4096];
    gssize n = 0;
    while ((n = g_input_stream_read(in, buffer, sizeof buffer, nullptr, nullptr)) > 0)
      response.append(buffer, static_cast<std::size_t>(n));
  }
  g_object_unref(conn);
  const auto body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

}  // namespace shotcall::test
