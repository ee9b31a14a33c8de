#include "tests/support/tcp_gate.hpp"

#include <chrono>
#include <stdexcept>

#include "tests/support/main_loop.hpp"

namespace shotcall::test {

// One client connection on its way to the server, then spliced to it.
struct TcpGate::Passage {
  std::shared_ptr<int> count;
  GPtr<GSocketConnection> client;
  GPtr<GSocketConnection> server;
  GPtr<GCancellable> cut;
};

TcpGate::~TcpGate() {
  g_socket_service_stop(service_.get());
  g_socket_listener_close(G_SOCKET_LISTENER(service_.get()));
  g_signal_handlers_disconnect_by_data(service_.get(), this);
  g_cancellable_cancel(cut_.get());
  // The passages end on the loop; left to a later test's loop they would only count down.
  run_until([count = passages_] { return *count == 0; }, std::chrono::seconds(5));
}

std::string TcpGate::ws_url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/ws"; }

TcpGate::TcpGate(int server_port)
    : server_port_(server_port), service_(g_socket_service_new()), cut_(g_cancellable_new()) {
  GPtr<GInetAddress> loopback{g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4)};
  GPtr<GSocketAddress> any_port{g_inet_socket_address_new(loopback.get(), 0)};
  GSocketAddress* bound = nullptr;
  GError* error = nullptr;
  if (!g_socket_listener_add_address(G_SOCKET_LISTENER(service_.get()), any_port.get(),
                                     G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, nullptr, &bound,
                                     &error)) {
    GPtr<GError> owned{error};
    throw std::runtime_error(std::string{"the test's TCP gate cannot listen: "} + error->message);
  }
  port_ = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_object_unref(bound);
  g_signal_connect(service_.get(), "incoming", G_CALLBACK(on_incoming), this);
  g_socket_service_start(service_.get());
}

void TcpGate::open() { open_ = true; }

void TcpGate::shut() {
  if (!open_) return;
  open_ = false;
  g_cancellable_cancel(cut_.get());
  cut_.reset(g_cancellable_new());
}

gboolean TcpGate::on_incoming(GSocketService*, GSocketConnection* client, GObject*, gpointer self) {
  auto* gate = static_cast<TcpGate*>(self);
  if (!gate->open_) return FALSE;  // the service drops its reference: the client sees it close
  auto* passage = new Passage{gate->passages_, new_ref(client), nullptr, new_ref(gate->cut_.get())};
  ++*passage->count;
  GPtr<GSocketClient> connector{g_socket_client_new()};
  g_socket_client_connect_to_host_async(connector.get(), "127.0.0.1", gate->server_port_,
                                        passage->cut.get(), on_server_reached, passage);
  return TRUE;
}

void TcpGate::on_server_reached(GObject* source, GAsyncResult* result, gpointer data) {
  auto* passage = static_cast<Passage*>(data);
  GError* error = nullptr;
  passage->server.reset(
      g_socket_client_connect_to_host_finish(G_SOCKET_CLIENT(source), result, &error));
  if (!passage->server) {
    // No server behind the gate (or shut meanwhile): the client sees its connection close.
    g_error_free(error);
    --*passage->count;
    delete passage;
    return;
  }
  g_io_stream_splice_async(G_IO_STREAM(passage->client.get()), G_IO_STREAM(passage->server.get()),
                           static_cast<GIOStreamSpliceFlags>(G_IO_STREAM_SPLICE_CLOSE_STREAM1 |
                                                             G_IO_STREAM_SPLICE_CLOSE_STREAM2),
                           G_PRIORITY_DEFAULT, passage->cut.get(), on_passage_over, passage);
}

void TcpGate::on_passage_over(GObject*, GAsyncResult* result, gpointer data) {
  auto* passage = static_cast<Passage*>(data);
  GError* error = nullptr;
  if (!g_io_stream_splice_finish(result, &error)) g_error_free(error);
  --*passage->count;
  delete passage;
}

}  // namespace shotcall::test
