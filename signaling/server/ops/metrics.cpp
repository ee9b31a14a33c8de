#include "signaling/server/ops/metrics.hpp"

#include <cstdio>
#include <cstdlib>

namespace shotcall::server {
namespace {

// Prometheus floats: shortest round-trip text, "+Inf" for infinity.
std::string format_double(double v) {
  char buf[64];
  // Whole numbers as integers ("10", not "1e+01"), as Prometheus' own clients print them.
  if (v == static_cast<double>(static_cast<long long>(v)) && v > -1e15 && v < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Prefer short forms where they round-trip (0.005 rather than 0.0050000000000000001).
  for (int precision = 1; precision < 17; ++precision) {
    char shorter[64];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) return shorter;
  }
  return buf;
}

void header(std::string& out, const std::string& name, const std::string& help,
            std::string_view type) {
  out += "# HELP " + name + " " + help + "\n";
  out += "# TYPE " + name + " ";
  out += type;
  out += "\n";
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

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

void LabeledCounter::render(std::string& out) const {
  header(out, name_, help_, "counter");
  for (const auto& [value, n] : values_)
    out += name_ + "{" + label_ + "=\"" + escape_label_value(value) + "\"} " + std::to_string(n) +
           "\n";
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

void Histogram::render(std::string& out) const {
  header(out, name_, help_, "histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += name_ + "_bucket{le=\"" + format_double(bounds_[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name_ + "_bucket{le=\"+Inf\"} " + std::to_string(count_) + "\n";
  out += name_ + "_sum " + format_double(sum_) + "\n";
  out += name_ + "_count " + std::to_string(count_) + "\n";
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

std::string ServerMetrics::render(const Gauges& g) const {
  std::string out;
  header(out, "shotcall_connections", "Open WebSocket connections.", "gauge");
  out += "shotcall_connections " + std::to_string(g.connections) + "\n";
  header(out, "shotcall_registered_users", "Connections that registered a Riot ID.", "gauge");
  out += "shotcall_registered_users " + std::to_string(g.registered_users) + "\n";
  header(out, "shotcall_channels", "Channels that exist.", "gauge");
  out += "shotcall_channels " + std::to_string(g.channels) + "\n";
  header(out, "shotcall_connections_opened_total", "WebSocket connections accepted.", "counter");
  out += "shotcall_connections_opened_total " + std::to_string(opened_) + "\n";
  received_.render(out);
  errors_.render(out);
  header(out, "shotcall_frames_rate_limited_total",
         "Frames dropped because a connection went over its rate limit.", "counter");
  out += "shotcall_frames_rate_limited_total " + std::to_string(rate_limited_) + "\n";
  closes_.render(out);
  refused_.render(out);
  latency_.render(out);
  return out;
}

}  // namespace shotcall::server
