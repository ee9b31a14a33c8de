// The one writer of the Prometheus text exposition format (version 0.0.4) behind GET /metrics.
// Pure: no IO, no clock.
//
//   PrometheusText text;
//   text.family("shotcall_closes_total", "WebSocket connections closed, by close code.",
//               MetricType::counter);
//   text.sample({{"code", "1000"}}, 3);
//   return text.take();
//
// Every sample belongs to the family declared last, so a sample cannot name a family that was
// not declared (HELP and TYPE first), nor land inside another family's group; a family declared
// twice, a sample before any family, a histogram written as plain samples or a name that is not
// a metric name are programming errors and throw PrometheusText::Misuse (a server that renders
// them would serve text Prometheus rejects as a whole). The /metrics handler passes one writer
// through the server's, the Riot watcher's and identity's parts, so the guard holds across them.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shotcall::server {

enum class MetricType { counter, gauge, histogram };

struct Label {
  std::string_view name;
  std::string_view value;  // escaped by the writer
};

class PrometheusText {
 public:
  class Misuse : public std::logic_error {
   public:
    using std::logic_error::logic_error;
  };

  // Starts a family: its # HELP (escaped) and # TYPE lines. Throws Misuse when `name` was
  // declared before in this text or is not a metric name.
  void family(std::string_view name, std::string_view help, MetricType type);

  // A sample of the current (counter or gauge) family: `name{labels} value`.
  template <std::integral T>
  void sample(std::initializer_list<Label> labels, T value) {
    write_sample(labels, std::to_string(value));
  }
  void sample(std::initializer_list<Label> labels, double value) {
    write_sample(labels, format_value(value));
  }
  template <std::integral T>
  void sample(T value) {
    write_sample({}, std::to_string(value));
  }
  void sample(double value) { write_sample({}, format_value(value)); }

  // The samples of the current histogram family: one _bucket per upper bound with the
  // cumulative count at or below it, then le="+Inf", _sum and _count. Throws Misuse unless the
  // family is a histogram whose samples were not written yet, or when the spans differ in size,
  // the bounds are not finite and strictly increasing, or the counts are not cumulative (none
  // above `count`).
  void histogram(std::span<const double> upper_bounds, std::span<const std::uint64_t> cumulative,
                 double sum, std::uint64_t count);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

  // Sample values as Prometheus' own clients print them: whole numbers without a fraction
  // ("10"), others in the shortest text that reads back the same ("0.005"), "+Inf", "NaN".
  static std::string format_value(double value);

 private:
  void write_sample(std::initializer_list<Label> labels, std::string_view value);
  void require_family(const char* what) const;

  std::string out_;
  std::set<std::string, std::less<>> declared_;
  std::string current_;
  MetricType current_type_ = MetricType::counter;
  bool histogram_written_ = false;
};

// Label-value escaping (backslash, double quote, newline) and HELP escaping (backslash, newline).
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);

}  // namespace shotcall::server
