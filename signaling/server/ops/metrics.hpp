// The server's counters, gauges and relay-latency histogram, rendered in the Prometheus text
// exposition format (version 0.0.4) for GET /metrics. Pure: no IO, no clock.
//
// Label values come only from bounded sets the server controls (decoded message types, protocol
// error codes, close codes folded to known ones), so a client cannot grow this without bound.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/server/ops/prometheus_text.hpp"

namespace shotcall::server {

// A counter family with one label: `name{label="value"} n`.
class LabeledCounter {
 public:
  LabeledCounter(std::string name, std::string help, std::string label);
  void inc(std::string_view value, std::uint64_t n = 1);
  std::uint64_t get(std::string_view value) const;
  void render(PrometheusText& out) const;

 private:
  std::string name_, help_, label_;
  std::map<std::string, std::uint64_t, std::less<>> values_;
};

// Cumulative buckets as Prometheus wants them: `le` upper bounds, +Inf, _sum, _count.
class Histogram {
 public:
  Histogram(std::string name, std::string help, std::vector<double> upper_bounds);
  void observe(double value);
  std::uint64_t count() const { return count_; }
  void render(PrometheusText& out) const;

 private:
  std::string name_, help_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; rendered cumulatively
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

struct Gauges {
  std::size_t connections = 0;
  std::size_t registered_users = 0;
  std::size_t channels = 0;
};

class ServerMetrics {
 public:
  ServerMetrics();

  // A frame decoded as `type` ("register-user", …); "invalid" for frames that did not decode.
  void message_received(std::string_view type) { received_.inc(type); }
  void error_sent(std::string_view code) { errors_.inc(code); }
  void relay_latency(double seconds) { latency_.observe(seconds); }
  void frame_rate_limited() { ++rate_limited_; }
  // A WebSocket closed with `code` (what was sent or received; 1006 when none was).
  void connection_closed(int code);
  void connection_refused(std::string_view reason) { refused_.inc(reason); }
  void connection_opened() { ++opened_; }

  const LabeledCounter& received() const { return received_; }
  const LabeledCounter& errors() const { return errors_; }
  const LabeledCounter& closes() const { return closes_; }
  std::uint64_t rate_limited() const { return rate_limited_; }
  const Histogram& latency() const { return latency_; }

  // The exposition text; gauges are sampled by the caller at scrape time.
  void render(PrometheusText& out, const Gauges& gauges) const;

 private:
  LabeledCounter received_;
  LabeledCounter errors_;
  LabeledCounter closes_;
  LabeledCounter refused_;
  Histogram latency_;
  std::uint64_t rate_limited_ = 0;
  std::uint64_t opened_ = 0;
};

}  // namespace shotcall::server
