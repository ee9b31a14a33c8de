#include "tests/support/lcd_standin.hpp"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/glib_ptr.hpp"

namespace shotcall::test {
namespace {

constexpr const char* kGameDataPath = "/liveclientdata/allgamedata";
// What the port answers while the game loads. The exact body is unconfirmed (riot-data.md);
// this is the shape Riot's local APIs use for errors.
constexpr const char* kLoadingBody =
    R"({"errorCode":"RPC_ERROR","httpStatus":404,"implementationDetails":{},)"
    R"("message":"Invalid URI format"})";

void drop_source(GSource*& source) {
  if (!source) return;
  g_source_destroy(source);
  g_source_unref(source);
  source = nullptr;
}

bool file_exists(const std::string& path) { return g_file_test(path.c_str(), G_FILE_TEST_IS_REGULAR); }

}  // namespace

struct LcdStandin::Impl {
  // A delayed answer: the message is paused until the timer fires or the client hangs up.
  struct Pending {
    Impl* owner = nullptr;
    SoupServerMessage* msg = nullptr;  // a reference of ours
    GSource* timer = nullptr;
    GSource* hangup = nullptr;
  };

  GPtr<SoupServer> server;
  std::string cert_dir;
  bool owns_cert_dir = false;
  LcdCertificateFiles files;
  std::uint16_t port = 0;
  std::string address = "127.0.0.1";
  LcdPhase phase = LcdPhase::Down;
  std::string document;
  std::chrono::milliseconds delay{0};

  std::uint64_t requests = 0;
  std::uint64_t game_data_answers = 0;
  std::uint64_t abandoned = 0;
  int max_in_flight = 0;
  std::unordered_set<SoupServerMessage*> active;  // read, not yet answered or hung up on
  std::unordered_map<SoupServerMessage*, std::unique_ptr<Pending>> pending;

  ~Impl() {
    clear_pending(false);
    if (server) {
      g_signal_handlers_disconnect_by_data(server.get(), this);
      soup_server_disconnect(server.get());
      server.reset();
    }
    if (owns_cert_dir) {
      for (const auto& f : {files.ca_file, files.cert_file, files.key_file}) g_remove(f.c_str());
      g_rmdir(cert_dir.c_str());
    }
  }

  void forget(SoupServerMessage* msg) {
    auto it = pending.find(msg);
    if (it == pending.end()) return;
    std::unique_ptr<Pending> p = std::move(it->second);
    pending.erase(it);
    drop_source(p->timer);
    drop_source(p->hangup);
    g_object_unref(p->msg);
  }

  // Releases every delayed answer; `answer` sends them now, otherwise they are left to die with
  // their connections.
  void clear_pending(bool answer) {
    std::vector<SoupServerMessage*> msgs;
    for (const auto& [msg, p] : pending) msgs.push_back(msg);
    for (SoupServerMessage* msg : msgs) {
      if (answer) soup_server_message_unpause(msg);
      forget(msg);
    }
  }

  bool listen(std::string* error) {
    GError* raw = nullptr;
    GPtr<GSocketAddress> where{g_inet_socket_address_new_from_string(address.c_str(), port)};
    if (!where) {
      if (error) *error = "not an IP address: " + address;
      return false;
    }
    if (!soup_server_listen(server.get(), where.get(), SOUP_SERVER_LISTEN_HTTPS, &raw)) {
      if (error) *error = "cannot listen on " + address + ":" + std::to_string(port) + ": " + raw->message;
      g_error_free(raw);
      return false;
    }
    if (port == 0) {
      GSList* uris = soup_server_get_uris(server.get());
      if (uris) port = static_cast<std::uint16_t>(g_uri_get_port(static_cast<GUri*>(uris->data)));
      g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
    }
    return true;
  }

  static void on_request(SoupServer*, SoupServerMessage* msg, const char* path, GHashTable*,
                         gpointer data) {
    auto* self = static_cast<Impl*>(data);
    ++self->requests;
    self->active.insert(msg);
    self->max_in_flight = std::max(self->max_in_flight, static_cast<int>(self->active.size()));

    if (g_strcmp0(soup_server_message_get_method(msg), SOUP_METHOD_GET) != 0) {
      soup_server_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, nullptr);
    } else if (self->phase == LcdPhase::InGame && g_strcmp0(path, kGameDataPath) == 0) {
      soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
      soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_COPY,
                                       self->document.data(), self->document.size());
    } else {
      soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, nullptr);
      soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_STATIC, kLoadingBody,
                                       strlen(kLoadingBody));
    }
    if (self->delay.count() > 0) self->hold(msg);
  }

  void hold(SoupServerMessage* msg) {
    soup_server_message_pause(msg);
    auto p = std::make_unique<Pending>();
    p->owner = this;
    p->msg = static_cast<SoupServerMessage*>(g_object_ref(msg));
    p->timer = g_timeout_source_new(static_cast<guint>(delay.count()));
    g_source_set_callback(
        p->timer,
        [](gpointer data) -> gboolean {
          auto* pend = static_cast<Pending*>(data);
          Impl* impl = pend->owner;
          SoupServerMessage* m = pend->msg;
          soup_server_message_unpause(m);
          impl->forget(m);  // frees pend and its sources
          return G_SOURCE_REMOVE;
        },
        p.get(), nullptr);
    g_source_attach(p->timer, g_main_context_get_thread_default());
    // While the answer waits, the client sends nothing (HTTP/1.1, no pipelining in libsoup), so
    // anything readable on the connection is its close_notify or FIN: it gave up on us.
    if (GSocket* sock = soup_server_message_get_socket(msg)) {
      p->hangup = g_socket_create_source(sock, static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR), nullptr);
      // GSocketSourceFunc through GSourceFunc: the cast GLib documents for socket sources.
      g_source_set_callback(p->hangup, G_SOURCE_FUNC(&Impl::on_hangup), p.get(), nullptr);
      g_source_attach(p->hangup, g_main_context_get_thread_default());
    }
    pending.emplace(msg, std::move(p));
  }

  static gboolean on_hangup(GSocket*, GIOCondition, gpointer data) {
    auto* pend = static_cast<Pending*>(data);
    Impl* impl = pend->owner;
    SoupServerMessage* m = pend->msg;
    ++impl->abandoned;
    impl->active.erase(m);
    // Answer at once: libsoup then finds the connection closed and cleans up.
    soup_server_message_unpause(m);
    impl->forget(m);  // frees pend and its sources
    return G_SOURCE_REMOVE;
  }

  static void on_finished(SoupServer*, SoupServerMessage* msg, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    if (self->active.erase(msg) > 0 && soup_server_message_get_status(msg) == SOUP_STATUS_OK)
      ++self->game_data_answers;
    self->forget(msg);
  }

  static void on_aborted(SoupServer*, SoupServerMessage* msg, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    self->active.erase(msg);
    self->forget(msg);
  }
};

LcdStandin::LcdStandin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LcdStandin::~LcdStandin() = default;

std::unique_ptr<LcdStandin> LcdStandin::create(const LcdStandinOptions& options, std::string* error) {
  auto impl = std::make_unique<Impl>();
  auto fail = [&](std::string message) -> std::unique_ptr<LcdStandin> {
    if (error) *error = std::move(message);
    return nullptr;
  };

  impl->cert_dir = options.cert_dir;
  if (impl->cert_dir.empty()) {
    GError* raw = nullptr;
    gchar* dir = g_dir_make_tmp("shotcall-lcd-XXXXXX", &raw);
    if (!dir) {
      std::string message = std::string{"cannot make a temporary directory: "} + raw->message;
      g_error_free(raw);
      return fail(message);
    }
    impl->cert_dir = dir;
    impl->owns_cert_dir = true;
    g_free(dir);
  }
  impl->files = lcd_certificate_paths(impl->cert_dir);
  const bool have = file_exists(impl->files.ca_file) && file_exists(impl->files.cert_file) &&
                    file_exists(impl->files.key_file);
  if (!(have && options.reuse_certificates)) {
    std::string cert_error;
    if (!write_lcd_certificates(impl->cert_dir, options.certificate, &impl->files, &cert_error)) {
      return fail(cert_error);
    }
  }

  GError* raw = nullptr;
  GPtr<GTlsCertificate> cert{g_tls_certificate_new_from_files(impl->files.cert_file.c_str(),
                                                              impl->files.key_file.c_str(), &raw)};
  if (!cert) {
    std::string message = "cannot load " + impl->files.cert_file + ": " + raw->message;
    g_error_free(raw);
    return fail(message);
  }
  impl->server.reset(soup_server_new("tls-certificate", cert.get(), "server-header",
                                     "shotcall-lcd-standin", nullptr));
  if (!impl->server) return fail("cannot make the HTTPS server");
  soup_server_add_handler(impl->server.get(), nullptr, &Impl::on_request, impl.get(), nullptr);
  g_signal_connect(impl->server.get(), "request-finished", G_CALLBACK(&Impl::on_finished), impl.get());
  g_signal_connect(impl->server.get(), "request-aborted", G_CALLBACK(&Impl::on_aborted), impl.get());

  // Listen once even when starting Down: that settles the port number.
  impl->port = options.port;
  impl->address = options.listen_address;
  std::string listen_error;
  if (!impl->listen(&listen_error)) return fail(listen_error);
  std::unique_ptr<LcdStandin> standin{new LcdStandin(std::move(impl))};
  if (!standin->set_phase(options.initial_phase, error)) return nullptr;
  return standin;
}

std::uint16_t LcdStandin::port() const { return impl_->port; }
std::string LcdStandin::base_url() const {
  return "https://" + impl_->address + ":" + std::to_string(impl_->port);
}
const std::string& LcdStandin::ca_file() const { return impl_->files.ca_file; }
LcdPhase LcdStandin::phase() const { return impl_->phase; }

bool LcdStandin::set_phase(LcdPhase phase, std::string* error) {
  GSList* listeners = soup_server_get_listeners(impl_->server.get());
  const bool listening = listeners != nullptr;
  g_slist_free(listeners);
  if (phase == LcdPhase::Down) {
    if (listening) {
      impl_->clear_pending(false);
      impl_->active.clear();
      soup_server_disconnect(impl_->server.get());
    }
  } else if (!listening && !impl_->listen(error)) {
    return false;
  }
  impl_->phase = phase;
  return true;
}

void LcdStandin::set_document(std::string body) { impl_->document = std::move(body); }

bool LcdStandin::set_document_file(const std::string& path, std::string* error) {
  gchar* data = nullptr;
  gsize len = 0;
  GError* raw = nullptr;
  if (!g_file_get_contents(path.c_str(), &data, &len, &raw)) {
    if (error) *error = "cannot read " + path + ": " + raw->message;
    g_error_free(raw);
    return false;
  }
  impl_->document.assign(data, len);
  g_free(data);
  return true;
}

void LcdStandin::set_response_delay(std::chrono::milliseconds delay) { impl_->delay = delay; }

std::uint64_t LcdStandin::requests() const { return impl_->requests; }
std::uint64_t LcdStandin::game_data_answers() const { return impl_->game_data_answers; }
int LcdStandin::in_flight() const { return static_cast<int>(impl_->active.size()); }
int LcdStandin::max_in_flight() const { return impl_->max_in_flight; }
std::uint64_t LcdStandin::abandoned() const { return impl_->abandoned; }

void LcdStandin::reset_counters() {
  impl_->requests = 0;
  impl_->game_data_answers = 0;
  impl_->abandoned = 0;
  impl_->max_in_flight = static_cast<int>(impl_->active.size());
}

}  // namespace shotcall::test
