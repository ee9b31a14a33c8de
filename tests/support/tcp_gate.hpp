// A door in front of a local TCP server, for tests that need one client to reach the server later
// than another: while open, each connection to the gate's port is passed to the server byte for
// byte (GIO's splice); while shut, each one is closed as soon as it is accepted, so the client's
// attempts fail and it keeps retrying on its own schedule. The port stays bound throughout (freed,
// an outgoing connection could take it). Runs on the default main context; 127.0.0.1 only.
#pragma once

#include <gio/gio.h>

#include <memory>
#include <string>

#include "common/glib_ptr.hpp"

namespace shotcall::test {

class TcpGate {
 public:
  // Open, on a port of its own. Throws std::runtime_error if no port can be bound.
  explicit TcpGate(int server_port);
  ~TcpGate();  // stops listening, cuts every passage and waits (bounded) for them to wind down
  TcpGate(const TcpGate&) = delete;
  TcpGate& operator=(const TcpGate&) = delete;

  int port() const { return port_; }
  std::string ws_url() const;  // ws://127.0.0.1:PORT/ws

  // Passes connections from now on.
  void open();
  // Cuts every connection passed through so far and closes new ones at once.
  void shut();

 private:
  struct Passage;
  static gboolean on_incoming(GSocketService*, GSocketConnection* client, GObject*, gpointer self);
  static void on_server_reached(GObject* source, GAsyncResult* result, gpointer passage);
  static void on_passage_over(GObject* source, GAsyncResult* result, gpointer passage);

  int server_port_;
  int port_ = 0;
  bool open_ = true;
  GPtr<GSocketService> service_;
  GPtr<GCancellable> cut_;  // cancelled by shut(): ends this opening's passages
  // Connections being passed or set up; shared with them, as their callbacks may outlive us.
  std::shared_ptr<int> passages_ = std::make_shared<int>(0);
};

}  // namespace shotcall::test
