#include "tests/riot/riot_test_support.hpp"

#include <glib.h>
#include <libsoup/soup.h>

namespace shotcall::riot::test {

const std::vector<std::string> kBlueTeam = {"Ahri Main#EUW", "Jungle Diff#1234", "Tïlda Ström#EUW",
                                            "세나#KR1", "Mid or Feed#0001"};
const std::vector<std::string> kRedTeam = {"Baron Steal#EUW", "Zoë Lützow#LUX", "Top Gap#777",
                                           "Ward Bot#EUW", "Çağrı#TR1"};

std::string test_puuid(const std::string& riot_id) {
  gchar* a = g_compute_checksum_for_string(G_CHECKSUM_SHA256, riot_id.c_str(), -1);
  gchar* b = g_compute_checksum_for_string(G_CHECKSUM_SHA1, riot_id.c_str(), -1);
  std::string p = std::string(a) + "-" + b;  // 64 + 1 + 40 hex digits
  g_free(a);
  g_free(b);
  return p.substr(0, 78);
}

StandinGame ten_player_game(std::int64_t game_id) {
  StandinGame g;
  g.game_id = game_id;
  int champion = 10;
  for (const std::string& r : kBlueTeam) g.participants.push_back({test_puuid(r), r, 100, ++champion, false});
  for (const std::string& r : kRedTeam) g.participants.push_back({test_puuid(r), r, 200, ++champion, false});
  return g;
}

WatcherOptions fast_options(const RiotStandin& standin, const std::string& key) {
  WatcherOptions o;
  o.platform = "euw1";
  o.base_url = standin.base_url();
  o.api_key = key;
  o.rate_limits.windows = {{20, 1000}, {100, 10000}};
  o.rate_limits.safety_margin_ms = 150;
  o.rate_limits.default_retry_after_ms = 500;
  o.rate_limits.backoff_initial_ms = 200;
  o.rate_limits.backoff_max_ms = 2000;
  o.schedule.min_poll_interval_ms = 200;
  o.schedule.game_check_interval_ms = 600;
  o.schedule.end_confirmations = 2;
  o.schedule.budget_fraction = 0.8;
  o.request_timeout = std::chrono::milliseconds(3000);
  o.max_in_flight_per_host = 1;
  return o;
}

std::int64_t mono_ms() { return g_get_monotonic_time() / 1000; }

void Recorder::attach(Watcher& watcher) {
  watcher.set_game_started_callback([this](const GameStarted& e) {
    started.push_back(e);
    started_ms.push_back(mono_ms());
  });
  watcher.set_game_ended_callback([this](const GameEnded& e) {
    ended.push_back(e);
    ended_ms.push_back(mono_ms());
  });
  watcher.set_account_not_found_callback([this](const AccountNotFound& e) { not_found.push_back(e); });
}

std::size_t Recorder::players_started() const {
  std::size_t n = 0;
  for (const GameStarted& e : started) n += e.players.size();
  return n;
}

std::vector<StandinRequest> requests_of(const RiotStandin& standin, StandinEndpoint endpoint,
                                        std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<StandinRequest> out;
  for (StandinRequest& r : standin.requests()) {
    if (r.endpoint == endpoint && r.time_ms >= from_ms && r.time_ms <= to_ms) out.push_back(std::move(r));
  }
  return out;
}

HttpAnswer http_get(const std::string& url, const std::string& key) {
  HttpAnswer answer;
  SoupSession* session = soup_session_new_with_options(SOUP_SESSION_TIMEOUT, 10, nullptr);
  SoupMessage* msg = soup_message_new(SOUP_METHOD_GET, url.c_str());
  if (!msg) {
    g_object_unref(session);
    return answer;
  }
  if (!key.empty()) soup_message_headers_replace(msg->request_headers, "X-Riot-Token", key.c_str());
  answer.status = static_cast<int>(soup_session_send_message(session, msg));
  if (msg->response_body && msg->response_body->data) {
    answer.body.assign(msg->response_body->data, static_cast<std::size_t>(msg->response_body->length));
  }
  SoupMessageHeadersIter it;
  soup_message_headers_iter_init(&it, msg->response_headers);
  const char* name = nullptr;
  const char* value = nullptr;
  while (soup_message_headers_iter_next(&it, &name, &value)) answer.headers[name] = value;
  g_object_unref(msg);
  g_object_unref(session);
  return answer;
}

}  // namespace shotcall::riot::test
