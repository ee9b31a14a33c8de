#include "signaling/server/ops/metrics.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace shotcall::server {
namespace {

// What `render` writes with a writer of its own.
template <typename Render>
std::string rendered(Render render) {
  PrometheusText out;
  render(out);
  return out.take();
}

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

TEST(Metrics, EmptyRegistryRendersEveryFamilyWithZeroes) {
  ServerMetrics m;
  const auto text = rendered([&](PrometheusText& o) { m.render(o, {}); });
  EXPECT_TRUE(has_line(text, "# TYPE shotcall_connections gauge"));
  EXPECT_TRUE(has_line(text, "shotcall_connections 0"));
  EXPECT_TRUE(has_line(text, "shotcall_registered_users 0"));
  EXPECT_TRUE(has_line(text, "shotcall_channels 0"));
  EXPECT_TRUE(has_line(text, "# TYPE shotcall_messages_received_total counter"));
  EXPECT_TRUE(has_line(text, "# TYPE shotcall_errors_sent_total counter"));
  EXPECT_TRUE(has_line(text, "# TYPE shotcall_frames_rate_limited_total counter"));
  EXPECT_TRUE(has_line(text, "shotcall_frames_rate_limited_total 0"));
  EXPECT_TRUE(has_line(text, "# TYPE shotcall_closes_total counter"));
  EXPECT_TRUE(has_line(text, "# TYPE shotcall_relay_latency_seconds histogram"));
  EXPECT_TRUE(has_line(text, "shotcall_relay_latency_seconds_bucket{le=\"+Inf\"} 0"));
  EXPECT_TRUE(has_line(text, "shotcall_relay_latency_seconds_count 0"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(Metrics, CountersGaugesAndLabels) {
  ServerMetrics m;
  m.message_received("register-user");
  m.message_received("register-user");
  m.message_received("signal");
  m.error_sent("riot-id-in-use");
  m.frame_rate_limited();
  m.frame_rate_limited();
  m.frame_rate_limited();
  m.connection_closed(1009);
  m.connection_closed(1001);
  m.connection_closed(1001);
  m.connection_closed(4321);  // a peer's own code: folded
  m.connection_closed(65535);
  m.connection_refused("address-full");
  const auto text = rendered([&](PrometheusText& o) { m.render(o, {7, 5, 2}); });
  EXPECT_TRUE(has_line(text, "shotcall_connections 7"));
  EXPECT_TRUE(has_line(text, "shotcall_registered_users 5"));
  EXPECT_TRUE(has_line(text, "shotcall_channels 2"));
  EXPECT_TRUE(has_line(text, "shotcall_messages_received_total{type=\"register-user\"} 2"));
  EXPECT_TRUE(has_line(text, "shotcall_messages_received_total{type=\"signal\"} 1"));
  EXPECT_TRUE(has_line(text, "shotcall_errors_sent_total{code=\"riot-id-in-use\"} 1"));
  EXPECT_TRUE(has_line(text, "shotcall_frames_rate_limited_total 3"));
  EXPECT_TRUE(has_line(text, "shotcall_closes_total{code=\"1009\"} 1"));
  EXPECT_TRUE(has_line(text, "shotcall_closes_total{code=\"1001\"} 2"));
  EXPECT_TRUE(has_line(text, "shotcall_closes_total{code=\"other\"} 2"));
  EXPECT_TRUE(has_line(text, "shotcall_connections_refused_total{reason=\"address-full\"} 1"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Histogram h("h", "help", {0.1, 1, 10});
  h.observe(0.05);
  h.observe(0.1);  // on the bound: counts in that bucket (le = less or equal)
  h.observe(0.5);
  h.observe(100);
  const std::string text = rendered([&](PrometheusText& o) { h.render(o); });
  EXPECT_TRUE(has_line(text, "h_bucket{le=\"0.1\"} 2"));
  EXPECT_TRUE(has_line(text, "h_bucket{le=\"1\"} 3"));
  EXPECT_TRUE(has_line(text, "h_bucket{le=\"10\"} 3"));
  EXPECT_TRUE(has_line(text, "h_bucket{le=\"+Inf\"} 4"));
  const auto sum_at = text.find("\nh_sum ");
  ASSERT_NE(sum_at, std::string::npos);
  EXPECT_NEAR(std::stod(text.substr(sum_at + 7)), 100.65, 1e-9);
  EXPECT_TRUE(has_line(text, "h_count 4"));
  EXPECT_EQ(h.count(), 4u);
}

TEST(Metrics, RelayLatencyIsObservedInSeconds) {
  ServerMetrics m;
  m.relay_latency(0.0002);
  const auto text = rendered([&](PrometheusText& o) { m.render(o, {}); });
  EXPECT_TRUE(has_line(text, "shotcall_relay_latency_seconds_bucket{le=\"0.0001\"} 0"));
  EXPECT_TRUE(has_line(text, "shotcall_relay_latency_seconds_bucket{le=\"0.00025\"} 1"));
  EXPECT_TRUE(has_line(text, "shotcall_relay_latency_seconds_count 1"));
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  LabeledCounter c("x_total", "x", "k");
  c.inc("q\"");
  const std::string text = rendered([&](PrometheusText& o) { c.render(o); });
  EXPECT_TRUE(has_line(text, "x_total{k=\"q\\\"\"} 1"));
  EXPECT_EQ(c.get("q\""), 1u);
  EXPECT_EQ(c.get("absent"), 0u);
}

}  // namespace
}  // namespace shotcall::server
