#include "tests/support/raw_ws_client.hpp"

#include <libsoup/soup.h>

#include <cstdint>
#include <stdexcept>

#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

void write_all(GSocketConnection* conn, const std::string& bytes) {
  GOutputStream* out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
  GError* error = nullptr;
  if (!g_output_stream_write_all(out, bytes.data(), bytes.size(), nullptr, nullptr, &error)) {
    std::string msg = error ? error->message : "?";
    g_clear_error(&error);
    throw std::runtime_error("raw WebSocket write failed: " + msg);
  }
}

}  // namespace

RawWsClient::RawWsClient(const std::string& ws_url, const std::string& extra_headers) {
  SoupURI* uri = soup_uri_new(ws_url.c_str());
  if (!uri) throw std::runtime_error("bad URL " + ws_url);
  const std::string host = soup_uri_get_host(uri);
  const guint port = soup_uri_get_port(uri);
  const std::string path = soup_uri_get_path(uri);
  soup_uri_free(uri);

  GSocketClient* client = g_socket_client_new();
  g_socket_client_set_timeout(client, 10);
  GError* error = nullptr;
  conn_ = g_socket_client_connect_to_host(client, host.c_str(), static_cast<guint16>(port), nullptr,
                                          &error);
  g_object_unref(client);
  if (!conn_) {
    std::string msg = error ? error->message : "?";
    g_clear_error(&error);
    throw std::runtime_error("raw connect failed: " + msg);
  }
  write_all(conn_, "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
                       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n" + extra_headers + "\r\n");
  // Read the response headers (and nothing after them: this client never reads again).
  GInputStream* in = g_io_stream_get_input_stream(G_IO_STREAM(conn_));
  std::string head;
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 8192) {
    char c;
    const gssize n = g_input_stream_read(in, &c, 1, nullptr, &error);
    if (n <= 0) {
      std::string msg = error ? error->message : "connection closed";
      g_clear_error(&error);
      throw std::runtime_error("raw handshake failed: " + msg + "; got: " + head);
    }
    head += c;
  }
  response_ = head;
  if (head.rfind("HTTP/1.1 101", 0) != 0)
    throw std::runtime_error("raw handshake refused: " + head.substr(0, head.find("\r\n")));
}

RawWsClient::~RawWsClient() {
  if (conn_) {
    g_io_stream_close(G_IO_STREAM(conn_), nullptr, nullptr);
    g_object_unref(conn_);
  }
}

std::string RawWsClient::encode_text_frame(const std::string& payload) {
  return encode_frame(1, true, payload);
}

std::string RawWsClient::encode_frame(unsigned opcode, bool fin, const std::string& payload) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | (opcode & 0x0f));
  const std::size_t n = payload.size();
  if (n < 126) {
    f += static_cast<char>(0x80 | n);
  } else if (n <= 0xffff) {
    f += static_cast<char>(0x80 | 126);
    f += static_cast<char>(n >> 8);
    f += static_cast<char>(n & 0xff);
  } else {
    f += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) f += static_cast<char>((n >> shift) & 0xff);
  }
  const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  for (unsigned char m : mask) f += static_cast<char>(m);
  for (std::size_t i = 0; i < n; ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
  return f;
}

void RawWsClient::send_text(const std::string& text) { write_all(conn_, encode_text_frame(text)); }

void RawWsClient::send_raw(const std::string& bytes) { write_all(conn_, bytes); }

std::string RawWsClient::read_until_end(std::chrono::milliseconds timeout, bool* ended) {
  *ended = false;
  std::string got;
  if (!conn_) return got;
  GSocket* sock = g_socket_connection_get_socket(conn_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return got;
    GError* error = nullptr;
    if (!g_socket_condition_timed_wait(sock, G_IO_IN, left.count(), nullptr, &error)) {
      g_clear_error(&error);
      return got;  // timed out
    }
    char buf[16384];
    const gssize n = g_socket_receive(sock, buf, sizeof buf, nullptr, &error);
    g_clear_error(&error);
    if (n <= 0) {  // end of stream, or a reset: either way the server ended it
      *ended = true;
      return got;
    }
    got.append(buf, static_cast<std::size_t>(n));
  }
}

int RawWsClient::close_code_in(const std::string& b) {
  std::size_t i = 0;
  while (i + 2 <= b.size()) {
    const auto b0 = static_cast<unsigned char>(b[i]);
    const auto b1 = static_cast<unsigned char>(b[i + 1]);
    std::uint64_t len = b1 & 0x7f;
    std::size_t h = 2;
    if (len == 126) {
      if (i + 4 > b.size()) return -1;
      len = (static_cast<unsigned char>(b[i + 2]) << 8) | static_cast<unsigned char>(b[i + 3]);
      h = 4;
    } else if (len == 127) {
      if (i + 10 > b.size()) return -1;
      len = 0;
      for (int k = 2; k < 10; ++k) len = (len << 8) | static_cast<unsigned char>(b[i + k]);
      h = 10;
    }
    if (b1 & 0x80) h += 4;
    if (i + h + len > b.size()) return -1;
    if ((b0 & 0x0f) == 8) {
      if (len < 2) return 0;
      return (static_cast<unsigned char>(b[i + h]) << 8) | static_cast<unsigned char>(b[i + h + 1]);
    }
    i += h + static_cast<std::size_t>(len);
  }
  return -1;
}

void RawWsClient::drop() {
  if (!conn_) return;
  GSocket* sock = g_socket_connection_get_socket(conn_);
  g_socket_close(sock, nullptr);
  g_object_unref(conn_);
  conn_ = nullptr;
}

}  // namespace shotcall::test
