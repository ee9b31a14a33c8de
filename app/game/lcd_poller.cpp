#include "app/game/lcd_poller.hpp"

#include <libsoup/soup.h>

#include <utility>

#include "app/game/lcd_fetch.hpp"
#include "app/game/lcd_tls_database.hpp"
#include "app/i18n/translate.hpp"
#include "common/glib_ptr.hpp"

namespace shotcall::game {
namespace {

guint to_ms(std::chrono::milliseconds d) {
  return static_cast<guint>(d.count() < 1 ? 1 : d.count());
}

}  // namespace

std::string default_riot_ca_file() {
  if (g_file_test(SHOTCALL_RIOT_CA_INSTALLED, G_FILE_TEST_IS_REGULAR))
    return SHOTCALL_RIOT_CA_INSTALLED;
  return SHOTCALL_RIOT_CA_SOURCE;
}

struct LcdPoller::Impl {
  LcdPollerOptions options;
  std::string url;
  GMainContext* context = nullptr;  // where callbacks and timers run
  GPtr<SoupSession> session;
  LcdGameTracker tracker;
  StateCallback on_state;
  SnapshotCallback on_snapshot;
  bool running = false;
  GSource* next_poll = nullptr;
  LcdFetch* in_flight = nullptr;  // at most one request at a time
  std::uint64_t polls = 0;
  // Expires with the Impl, so code after a user callback knows whether it may go on.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  ~Impl() {
    stop();
    // The cancelled fetch finishes on a later main-loop turn; it holds its own references.
    session.reset();
    if (context) g_main_context_unref(context);
  }

  void stop() {
    running = false;
    if (next_poll) {
      g_source_destroy(next_poll);
      g_source_unref(std::exchange(next_poll, nullptr));
    }
    if (LcdFetch* fetch = std::exchange(in_flight, nullptr)) fetch->cancel();
  }

  void schedule(guint delay_ms) {
    next_poll = g_timeout_source_new(delay_ms);
    g_source_set_callback(
        next_poll,
        [](gpointer data) -> gboolean {
          auto* self = static_cast<Impl*>(data);
          g_source_unref(std::exchange(self->next_poll, nullptr));
          self->send();
          return G_SOURCE_REMOVE;
        },
        this, nullptr);
    g_source_attach(next_poll, context);
  }

  void send() {
    if (!running || in_flight) return;  // one request at a time, always
    in_flight = LcdFetch::start(session.get(), url, options.request_timeout, context,
                                [this](PollOutcome outcome) { answered(std::move(outcome)); });
  }

  // The answer, a failure or the timeout: tell the tracker, tell the listeners, poll again.
  void answered(PollOutcome outcome) {
    in_flight = nullptr;
    ++polls;
    const LcdGameTracker::Update update = tracker.on_poll(outcome);
    std::weak_ptr<bool> still_alive = alive;
    if (update.state_changed && on_state) {
      StateCallback cb = on_state;  // the callback may replace itself
      cb(tracker.state(), tracker.detail());
      if (still_alive.expired() || !running) return;
    }
    if (update.new_game && on_snapshot && tracker.snapshot()) {
      SnapshotCallback cb = on_snapshot;
      cb(*tracker.snapshot());
      if (still_alive.expired() || !running) return;
    }
    if (!next_poll && !in_flight) schedule(to_ms(options.interval));
  }
};

LcdPoller::LcdPoller(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LcdPoller::~LcdPoller() = default;

std::unique_ptr<LcdPoller> LcdPoller::create(const LcdPollerOptions& options, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<LcdPoller> {
    if (error) *error = std::move(message);
    return nullptr;
  };
  std::string base = options.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string url = base + kAllGameDataPath;
  GUri* uri = g_uri_parse(url.c_str(), G_URI_FLAGS_NONE, nullptr);
  const bool https = uri && g_strcmp0(g_uri_get_scheme(uri), "https") == 0 && g_uri_get_host(uri) &&
                     *g_uri_get_host(uri);
  if (uri) g_uri_unref(uri);
  // Plain http would skip the certificate check altogether, so it is refused like a bad URL.
  if (!https) {
    // Translators: {url} is the game data address as given. No full stop.
    return fail(i18n::fill(i18n::tr("LCD URL must look like https://127.0.0.1:2999, got \"{url}\""),
                           {{"url", options.base_url}}));
  }

  const std::string ca = options.ca_file.empty() ? default_riot_ca_file() : options.ca_file;
  std::string tls_error;
  GPtr<GTlsDatabase> db{new_pinned_tls_database(ca, &tls_error, options.lan_address)};
  if (!db) return fail(tls_error);

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->url = url;
  impl->context = g_main_context_ref_thread_default();
  // libsoup 3 fails any request whose certificate the database does not fully trust (nothing
  // connects accept-certificate). No proxy resolver: the game's port is on this machine (or, in
  // LAN mode, on the player's own network) and must be reached directly.
  impl->session.reset(soup_session_new_with_options("tls-database", db.get(), "proxy-resolver",
                                                    nullptr, "user-agent",
                                                    "shotcall/" SHOTCALL_VERSION, nullptr));
  return std::unique_ptr<LcdPoller>(new LcdPoller(std::move(impl)));
}

void LcdPoller::set_state_callback(StateCallback cb) { impl_->on_state = std::move(cb); }
void LcdPoller::set_snapshot_callback(SnapshotCallback cb) { impl_->on_snapshot = std::move(cb); }

void LcdPoller::start() {
  if (impl_->running) return;
  impl_->running = true;
  if (!impl_->next_poll && !impl_->in_flight) impl_->schedule(0);
}

void LcdPoller::stop() { impl_->stop(); }

LcdState LcdPoller::state() const { return impl_->tracker.state(); }
const std::string& LcdPoller::detail() const { return impl_->tracker.detail(); }
const std::optional<GameSnapshot>& LcdPoller::snapshot() const { return impl_->tracker.snapshot(); }
std::uint64_t LcdPoller::polls_completed() const { return impl_->polls; }
const std::string& LcdPoller::url() const { return impl_->url; }

}  // namespace shotcall::game
