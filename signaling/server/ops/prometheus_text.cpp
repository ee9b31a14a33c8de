#include "signaling/server/ops/prometheus_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace shotcall::server {
namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// Metric names may also hold ':' (recording rules); label names may not.
bool valid_name(std::string_view name, bool colon) {
  if (name.empty() || !(name_start(name[0]) || (colon && name[0] == ':'))) return false;
  for (char c : name)
    if (!name_char(c) && !(colon && c == ':')) return false;
  return true;
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

// Backslash and newline always; a double quote only inside a label value's quotes.
std::string escaped(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) { return escaped(value, true); }

std::string escape_help(std::string_view help) { return escaped(help, false); }

std::string PrometheusText::format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Whole numbers as integers ("10", not "1e+01").
  // (Range first: converting a double beyond long long's range is undefined.)
  if (v > -1e15 && v < 1e15 && v == static_cast<double>(static_cast<long long>(v))) {
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

void PrometheusText::family(std::string_view name, std::string_view help, MetricType type) {
  if (!valid_name(name, true)) throw Misuse("not a metric name: \"" + std::string{name} + "\"");
  if (!declared_.emplace(name).second)
    throw Misuse("metric family declared twice: " + std::string{name});
  current_ = name;
  current_type_ = type;
  histogram_written_ = false;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escape_help(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void PrometheusText::require_family(const char* what) const {
  if (current_.empty()) throw Misuse(std::string{what} + " before any metric family");
}

void PrometheusText::write_sample(std::initializer_list<Label> labels, std::string_view value) {
  require_family("a sample");
  if (current_type_ == MetricType::histogram)
    throw Misuse("plain sample in histogram family " + current_);
  out_ += current_;
  if (labels.size() != 0) {
    char separator = '{';
    for (const Label& l : labels) {
      // "le" and "quantile" mean buckets and quantiles; no other family may use them.
      if (!valid_name(l.name, false) || l.name == "le" || l.name == "quantile")
        throw Misuse("bad label name \"" + std::string{l.name} + "\" in " + current_);
      out_ += separator;
      out_ += l.name;
      out_ += "=\"";
      out_ += escape_label_value(l.value);
      out_ += '"';
      separator = ',';
    }
    out_ += '}';
  }
  out_ += ' ';
  out_ += value;
  out_ += '\n';
}

void PrometheusText::histogram(std::span<const double> upper_bounds,
                               std::span<const std::uint64_t> cumulative, double sum,
                               std::uint64_t count) {
  require_family("histogram samples");
  if (current_type_ != MetricType::histogram)
    throw Misuse("histogram samples in non-histogram family " + current_);
  if (histogram_written_) throw Misuse("histogram samples written twice for " + current_);
  if (upper_bounds.size() != cumulative.size())
    throw Misuse("histogram " + current_ + ": bounds and bucket counts differ in number");
  // Prometheus takes buckets as given: bounds out of order, a second +Inf bucket or counts that
  // fall would make every quantile computed from them wrong without a word.
  for (std::size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i]))
      throw Misuse("histogram " + current_ + ": a bound that is not a finite number");
    if (i > 0 && !(upper_bounds[i - 1] < upper_bounds[i]))
      throw Misuse("histogram " + current_ + ": bounds not strictly increasing");
    if ((i > 0 && cumulative[i] < cumulative[i - 1]) || cumulative[i] > count)
      throw Misuse("histogram " + current_ + ": bucket counts not cumulative");
  }
  histogram_written_ = true;
  for (std::size_t i = 0; i < upper_bounds.size(); ++i)
    out_ += current_ + "_bucket{le=\"" + format_value(upper_bounds[i]) + "\"} " +
            std::to_string(cumulative[i]) + "\n";
  out_ += current_ + "_bucket{le=\"+Inf\"} " + std::to_string(count) + "\n";
  out_ += current_ + "_sum " + format_value(sum) + "\n";
  out_ += current_ + "_count " + std::to_string(count) + "\n";
}

}  // namespace shotcall::server
