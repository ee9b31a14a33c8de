#include "signaling/server/ops/metrics.hpp"

namespace shotcall::server {

LabeledCounter::LabeledCounter(std::string name, std::string help, std::string label)
    : name_(std::move(name)), help_(std::move(help)), label_(std::move(label)) {}

void LabeledCounter::inc(std::string_view value, std::uint64_t n) {
  auto it = values_.find(value);
  if (it == values_.end()) it = values_.emplace(std::string{value}, 0).first;
  it->second += n;
}

std::uint64_t LabeledCounter::get(std::string_view value) const {
  auto it = values_.find(value);
  return it == values_.end() ? 0 : it->second;
}

void LabeledCounter::render(PrometheusText& out) const {
  out.family(name_, help_, MetricType::counter);
  for (const auto& [value, n] : values_) out.sample({{label_, value}}, n);
}

Histogram::Histogram(std::string name, std::string help, std::vector<double> upper_bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      bounds_(std::move(upper_bounds)),
      counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  ++count_;
  sum_ += value;
}

void Histogram::render(PrometheusText& out) const {
  out.family(name_, help_, MetricType::histogram);
  std::vector<std::uint64_t> cumulative(bounds_.size());
  std::uint64_t below = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) cumulative[i] = below += counts_[i];
  out.histogram(bounds_, cumulative, sum_, count_);
}

ServerMetrics::ServerMetrics()
    : received_("shotcall_messages_received_total", "Frames received, by message type.", "type"),
      errors_("shotcall_errors_sent_total", "Error replies sent, by error code.", "code"),
      closes_("shotcall_closes_total", "WebSocket connections closed, by close code.", "code"),
      refused_("shotcall_connections_refused_total",
               "WebSocket handshakes refused, by reason.", "reason"),
      latency_("shotcall_relay_latency_seconds",
               "Time from receiving a signal frame to handing the relayed frame to the socket.",
               {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                0.25, 1}) {}

void ServerMetrics::connection_closed(int code) {
  // Close codes are 16-bit numbers a peer may pick; keep the label set small and known.
  switch (code) {
    case 1000: case 1001: case 1002: case 1003: case 1005: case 1006: case 1007: case 1008:
    case 1009: case 1010: case 1011:
      closes_.inc(std::to_string(code));
      break;
    default:
      closes_.inc("other");
  }
}

void ServerMetrics::render(PrometheusText& out, const Gauges& g) const {
  out.family("shotcall_connections", "Open WebSocket connections.", MetricType::gauge);
  out.sample(g.connections);
  out.family("shotcall_registered_users", "Connections that registered a Riot ID.",
             MetricType::gauge);
  out.sample(g.registered_users);
  out.family("shotcall_channels", "Channels that exist.", MetricType::gauge);
  out.sample(g.channels);
  out.family("shotcall_connections_opened_total", "WebSocket connections accepted.",
             MetricType::counter);
  out.sample(opened_);
  received_.render(out);
  errors_.render(out);
  out.family("shotcall_frames_rate_limited_total",
             "Frames dropped because a connection went over its rate limit.", MetricType::counter);
  out.sample(rate_limited_);
  closes_.render(out);
  refused_.render(out);
  latency_.render(out);
}

}  // namespace shotcall::server
