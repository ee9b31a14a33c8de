// The one Prometheus text writer: exact bytes, escaping, and the guards that keep /metrics a text
// Prometheus accepts (no family twice, no sample outside its family). Its output is also read
// back by the strict exposition reader the integration tests use on a live /metrics.
#include "signaling/server/ops/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tests/server/exposition_check.hpp"

namespace shotcall::server {
namespace {

TEST(PrometheusText, WritesFamiliesAndSamplesByteForByte) {
  PrometheusText t;
  t.family("shotcall_connections", "Open WebSocket connections.", MetricType::gauge);
  t.sample(std::size_t{7});
  t.family("shotcall_closes_total", "Closed, by code.", MetricType::counter);
  t.sample({{"code", "1000"}}, std::uint64_t{3});
  t.sample({{"endpoint", "account"}, {"status", "200"}}, 10);
  t.family("shotcall_wait_seconds", "Wait.", MetricType::gauge);
  t.sample({{"endpoint", "spectator"}}, 1.5);
  t.sample(0.0);
  EXPECT_EQ(t.text(),
            "# HELP shotcall_connections Open WebSocket connections.\n"
            "# TYPE shotcall_connections gauge\n"
            "shotcall_connections 7\n"
            "# HELP shotcall_closes_total Closed, by code.\n"
            "# TYPE shotcall_closes_total counter\n"
            "shotcall_closes_total{code=\"1000\"} 3\n"
            "shotcall_closes_total{endpoint=\"account\",status=\"200\"} 10\n"
            "# HELP shotcall_wait_seconds Wait.\n"
            "# TYPE shotcall_wait_seconds gauge\n"
            "shotcall_wait_seconds{endpoint=\"spectator\"} 1.5\n"
            "shotcall_wait_seconds 0\n");
  EXPECT_TRUE(shotcall::test::check_exposition(t.text()).problems.empty());
}

TEST(PrometheusText, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_help("a\"b\\c\nd"), "a\"b\\\\c\\nd");  // quotes stay in HELP
  PrometheusText t;
  t.family("x_total", "back\\slash\nnew line \"quoted\"", MetricType::counter);
  t.sample({{"k", "q\"\\\n"}}, 1);
  EXPECT_EQ(t.text(),
            "# HELP x_total back\\\\slash\\nnew line \"quoted\"\n"
            "# TYPE x_total counter\n"
            "x_total{k=\"q\\\"\\\\\\n\"} 1\n");
  const auto check = shotcall::test::check_exposition(t.text());
  EXPECT_TRUE(check.problems.empty()) << check.problems.front();
}

TEST(PrometheusText, HistogramWritesCumulativeBucketsSumAndCount) {
  PrometheusText t;
  t.family("h", "help", MetricType::histogram);
  const std::vector<double> bounds{0.00005, 0.1, 1, 10};
  const std::vector<std::uint64_t> cumulative{0, 2, 3, 3};
  t.histogram(bounds, cumulative, 100.65, 4);
  EXPECT_EQ(t.text(),
            "# HELP h help\n# TYPE h histogram\n"
            "h_bucket{le=\"5e-05\"} 0\n"
            "h_bucket{le=\"0.1\"} 2\n"
            "h_bucket{le=\"1\"} 3\n"
            "h_bucket{le=\"10\"} 3\n"
            "h_bucket{le=\"+Inf\"} 4\n"
            "h_sum 100.65\n"
            "h_count 4\n");
  EXPECT_TRUE(shotcall::test::check_exposition(t.text()).problems.empty());
}

TEST(PrometheusText, FormatsValuesAsPrometheusClientsDo) {
  EXPECT_EQ(PrometheusText::format_value(10), "10");
  EXPECT_EQ(PrometheusText::format_value(0.005), "0.005");
  EXPECT_EQ(PrometheusText::format_value(60.25), "60.25");
  EXPECT_EQ(PrometheusText::format_value(-1.5), "-1.5");
  EXPECT_EQ(PrometheusText::format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(PrometheusText::format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(PrometheusText::format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(PrometheusText::format_value(1e20), "1e+20");
}

TEST(PrometheusText, RefusesAFamilyDeclaredTwice) {
  PrometheusText t;
  t.family("a_total", "a", MetricType::counter);
  t.family("b", "b", MetricType::gauge);
  EXPECT_THROW(t.family("a_total", "again", MetricType::counter), PrometheusText::Misuse);
  EXPECT_THROW(t.family("b", "b", MetricType::counter), PrometheusText::Misuse);
  // Nothing of the refused declarations was written.
  EXPECT_EQ(t.text().find("again"), std::string::npos);
}

TEST(PrometheusText, RefusesSamplesOutsideADeclaredFamily) {
  PrometheusText t;
  EXPECT_THROW(t.sample(1), PrometheusText::Misuse);
  EXPECT_THROW(t.sample({{"k", "v"}}, 1.0), PrometheusText::Misuse);
  const std::vector<double> bounds{1};
  const std::vector<std::uint64_t> counts{1};
  EXPECT_THROW(t.histogram(bounds, counts, 1, 1), PrometheusText::Misuse);
  EXPECT_TRUE(t.text().empty());
}

TEST(PrometheusText, RefusesMixingHistogramAndPlainSamples) {
  const std::vector<double> bounds{1};
  const std::vector<std::uint64_t> counts{1};
  PrometheusText t;
  t.family("g", "g", MetricType::gauge);
  EXPECT_THROW(t.histogram(bounds, counts, 1, 1), PrometheusText::Misuse);
  t.family("h", "h", MetricType::histogram);
  EXPECT_THROW(t.sample(1), PrometheusText::Misuse);
  const std::vector<std::uint64_t> too_many{1, 2};
  EXPECT_THROW(t.histogram(bounds, too_many, 1, 1), PrometheusText::Misuse);
  t.histogram(bounds, counts, 1, 1);
  EXPECT_THROW(t.histogram(bounds, counts, 1, 1), PrometheusText::Misuse);
}

TEST(PrometheusText, RefusesBucketsThatAreNotAHistogram) {
  const std::vector<std::uint64_t> counts{1, 2};
  const auto misuse = [](std::vector<double> bounds, std::vector<std::uint64_t> cumulative,
                         std::uint64_t count) {
    PrometheusText t;
    t.family("h", "h", MetricType::histogram);
    EXPECT_THROW(t.histogram(bounds, cumulative, 1, count), PrometheusText::Misuse)
        << t.text();
  };
  misuse({2, 1}, counts, 2);                                         // out of order
  misuse({1, 1}, counts, 2);                                         // twice the same bound
  misuse({1, std::numeric_limits<double>::infinity()}, counts, 2);  // +Inf is written for you
  misuse({1, std::nan("")}, counts, 2);
  misuse({1, 2}, {2, 1}, 2);  // counts falling
  misuse({1, 2}, counts, 1);  // a bucket above the total
  PrometheusText good;
  good.family("h", "h", MetricType::histogram);
  good.histogram(std::vector<double>{0.5, 1}, counts, 1, 2);
  EXPECT_NE(good.text().find("h_bucket{le=\"+Inf\"} 2"), std::string::npos);
}

TEST(PrometheusText, RefusesBadNames) {
  PrometheusText t;
  EXPECT_THROW(t.family("", "x", MetricType::gauge), PrometheusText::Misuse);
  EXPECT_THROW(t.family("1abc", "x", MetricType::gauge), PrometheusText::Misuse);
  EXPECT_THROW(t.family("a b", "x", MetricType::gauge), PrometheusText::Misuse);
  t.family("ns:ok_total", "recording-rule style names are metric names", MetricType::counter);
  EXPECT_THROW(t.sample({{"a:b", "v"}}, 1), PrometheusText::Misuse);
  EXPECT_THROW(t.sample({{"le", "1"}}, 1), PrometheusText::Misuse);
  EXPECT_THROW(t.sample({{"", "v"}}, 1), PrometheusText::Misuse);
}

// The reader the integration tests trust must itself catch what the writer guards against.
TEST(PrometheusText, ExpositionReaderFindsBrokenText) {
  using shotcall::test::check_exposition;
  EXPECT_TRUE(check_exposition("# HELP a x\n# TYPE a gauge\na 1\n").problems.empty());
  EXPECT_FALSE(check_exposition("a 1\n").problems.empty());                  // undeclared
  EXPECT_FALSE(check_exposition("# HELP a x\na 1\n").problems.empty());      // no TYPE
  EXPECT_FALSE(check_exposition("# TYPE a gauge\na 1\n").problems.empty());  // no HELP
  EXPECT_FALSE(check_exposition("# HELP a x\n# TYPE a gauge\na 1\n"
                                "# HELP a x\n# TYPE a gauge\na 2\n")
                   .problems.empty());  // twice
  EXPECT_FALSE(check_exposition("# HELP a x\n# TYPE a gauge\n"
                                "# HELP b x\n# TYPE b gauge\na 1\n")
                   .problems.empty());  // not grouped
  EXPECT_FALSE(check_exposition("# HELP a x\n# TYPE a gauge\na{k=\"\\q\"} 1\n")
                   .problems.empty());  // bad escape
  EXPECT_FALSE(check_exposition("# HELP a x\n# TYPE a gauge\na{k=\"v} 1\n")
                   .problems.empty());  // unterminated
  EXPECT_FALSE(check_exposition("# HELP a x\n# TYPE a gauge\na one\n").problems.empty());
  EXPECT_FALSE(check_exposition("# HELP a x\n# TYPE a gauge\na 1").problems.empty());
  EXPECT_FALSE(check_exposition("# HELP h x\n# TYPE h histogram\nh_bucket 1\n")
                   .problems.empty());  // bucket, no le
  EXPECT_TRUE(check_exposition("# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n"
                               "h_sum 0.5\nh_count 1\n")
                  .problems.empty());
}

}  // namespace
}  // namespace shotcall::server
