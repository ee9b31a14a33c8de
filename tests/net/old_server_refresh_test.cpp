// A server older than refresh-ice-servers answers it `unknown-type` (as every v1 server answers a
// type it does not know): the signaling client stops asking, for good, and keeps the error from
// its caller. The older server is played here by a libsoup 3 WebSocket server that speaks plain v1
// and hands out time-limited TURN credentials; the client under test is the app's real one.
#include <glib.h>
#include <gtest/gtest.h>
#include <libsoup/soup.h>

#include <memory>
#include <string>
#include <vector>

#include "app/net/signaling_client.hpp"
#include "signaling/protocol/codec.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

using protocol::ErrorCode;

std::int64_t real_now_ms() { return g_get_real_time() / 1000; }

// Plain protocol v1 with a TURN entry of coturn's REST form; closes the first connection after
// refusing its first refresh-ice-servers, so the client has to register again.
class OldServer {
 public:
  OldServer() : server_(soup_server_new(nullptr, nullptr)) {
    soup_server_add_websocket_handler(server_, "/ws", nullptr, nullptr, &OldServer::on_socket, this,
                                      nullptr);
    GError* error = nullptr;
    if (!soup_server_listen_local(server_, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error)) {
      ADD_FAILURE() << error->message;
      g_error_free(error);
      return;
    }
    GSList* uris = soup_server_get_uris(server_);
    port_ = g_uri_get_port(static_cast<GUri*>(uris->data));
    g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
  }
  ~OldServer() {
    for (auto* c : sockets_) {
      g_signal_handlers_disconnect_by_data(c, this);
      g_object_unref(c);
    }
    soup_server_disconnect(server_);
    g_object_unref(server_);
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/ws"; }

  std::int64_t expiry_s = 0;  // of the credentials `connected` names
  int registrations = 0;
  int refreshes = 0;

 private:
  static void on_socket(SoupServer*, SoupServerMessage*, const char*, SoupWebsocketConnection* conn,
                        gpointer self) {
    static_cast<OldServer*>(self)->sockets_.push_back(
        static_cast<SoupWebsocketConnection*>(g_object_ref(conn)));
    g_signal_connect(conn, "message", G_CALLBACK(&OldServer::on_frame), self);
  }

  static void on_frame(SoupWebsocketConnection* conn, gint, GBytes* bytes, gpointer user_data) {
    auto* self = static_cast<OldServer*>(user_data);
    gsize size = 0;
    const auto* data = static_cast<const char*>(g_bytes_get_data(bytes, &size));
    auto decoded = protocol::decode_client(std::string_view{data, size});
    const auto send = [conn](const protocol::ServerMessage& m) {
      soup_websocket_connection_send_text(conn, protocol::encode(m).c_str());
    };
    const auto unknown = [&](const protocol::ClientMessage& m) {
      const std::string type{protocol::type_name(m.body)};
      send({m.id, protocol::Error{ErrorCode::UnknownType, "unknown message type", type}});
    };
    if (std::holds_alternative<protocol::DecodeError>(decoded)) return;
    const auto& m = std::get<protocol::ClientMessage>(decoded);
    if (std::holds_alternative<protocol::RegisterUser>(m.body)) {
      ++self->registrations;
      const std::string peer = "old-peer-" + std::to_string(self->registrations);
      send({m.id,
            protocol::Connected{peer,
                                {protocol::IceServer{{"turn:127.0.0.1:3478"},
                                                     std::to_string(self->expiry_s) + ":" + peer,
                                                     "c2VjcmV0"}},
                                {"old-shotcall-signal", "0.1.0"}}});
    } else if (std::holds_alternative<protocol::RefreshIceServers>(m.body)) {
      ++self->refreshes;
      unknown(m);
      if (self->refreshes == 1) soup_websocket_connection_close(conn, 1001, "restarting");
    } else {
      unknown(m);  // hello included: no identity-1 here either
    }
  }

  SoupServer* server_;
  int port_ = 0;
  std::vector<SoupWebsocketConnection*> sockets_;
};

TEST(SignalingRefresh, AnOlderServerIsAskedOnceAndNeverAgain) {
  OldServer old;
  // The client's clock is 57 s ahead of credentials that last 60 s: the schedule falls due about
  // a second after each `connected`.
  old.expiry_s = real_now_ms() / 1000 + 60;
  net::SignalingOptions options;
  options.url = old.url();
  options.riot_id = "Ahri#EUW";
  options.first_retry_ms = 50;
  options.max_retry_ms = 100;
  options.wall_clock_ms = [] { return real_now_ms() + 57'000; };
  std::vector<protocol::Error> errors_seen;
  net::SignalingClient::Events events;
  events.on_message = [&](const protocol::ServerMessage& m) {
    if (const auto* e = std::get_if<protocol::Error>(&m.body)) errors_seen.push_back(*e);
  };
  net::SignalingClient client(options, events);
  client.start();

  // Asked once, refused, and the connection went away; the client registered again.
  ASSERT_TRUE(run_until([&] { return old.refreshes == 1; }, 10s));
  ASSERT_TRUE(run_until(
      [&] { return old.registrations == 2 && client.state() == net::LinkState::Registered; }, 10s));
  // The new `connected` names credentials as close to their expiry as the first: a client that
  // kept trying would ask within about a second. Nothing can stand in for "it did not ask".
  run_for(2500ms);
  EXPECT_EQ(old.refreshes, 1);
  // The refusal was about the client's own request: its caller never saw it (the hello's
  // unknown-type, which the caller may want, did reach it).
  for (const auto& e : errors_seen) EXPECT_NE(e.re, "refresh-ice-servers") << e.message;

  client.stop();
  run_until([] { return !net::SignalingClient::goodbyes_pending(); }, 5s);
}

}  // namespace
}  // namespace shotcall::test
