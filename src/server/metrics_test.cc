#include "server/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace ncert::server {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  Metrics m;
  Counter& a = m.AddCounter("ncert_x_total", "Things", {{"kind", "a"}});
  Counter& b = m.AddCounter("ncert_x_total", "Things", {{"kind", "b\"q\\"}});
  EXPECT_EQ(&a, &m.AddCounter("ncert_x_total", "Things", {{"kind", "a"}}));
  a.Add(3);
  b.Add();
  m.AddGauge("ncert_g", "A gauge").Set(-4);
  m.AddCallbackGauge("ncert_cb", "Computed", {}, [] { return 2.5; });
  Histogram& h = m.AddHistogram("ncert_h_seconds", "Latency", {{"route", "r"}},
                                {0.001, 0.01});
  h.Observe(0.0005);
  h.Observe(0.005);
  h.Observe(3);
  EXPECT_EQ(m.Render(),
            "# HELP ncert_x_total Things\n"
            "# TYPE ncert_x_total counter\n"
            "ncert_x_total{kind=\"a\"} 3\n"
            "ncert_x_total{kind=\"b\\\"q\\\\\"} 1\n"
            "# HELP ncert_g A gauge\n"
            "# TYPE ncert_g gauge\n"
            "ncert_g -4\n"
            "# HELP ncert_cb Computed\n"
            "# TYPE ncert_cb gauge\n"
            "ncert_cb 2.5\n"
            "# HELP ncert_h_seconds Latency\n"
            "# TYPE ncert_h_seconds histogram\n"
            "ncert_h_seconds_bucket{route=\"r\",le=\"0.001\"} 1\n"
            "ncert_h_seconds_bucket{route=\"r\",le=\"0.01\"} 2\n"
            "ncert_h_seconds_bucket{route=\"r\",le=\"+Inf\"} 3\n"
            "ncert_h_seconds_sum{route=\"r\"} 3.0055\n"
            "ncert_h_seconds_count{route=\"r\"} 3\n");
}

TEST(MetricsTest, CountersAreSafeAcrossThreads) {
  Metrics m;
  Counter& c = m.AddCounter("ncert_c_total", "c");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Add();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
}

}  // namespace
}  // namespace ncert::server
