// A small metrics registry rendered in the Prometheus text exposition format
// (version 0.0.4). The server owns one and passes it to whoever counts:
// the REST API's ingest counters, the TAXII handlers, the matching engine.
// No globals: a module that wants a counter is handed the registry.
//
//   Counter& c = metrics.AddCounter("ncert_ingest_objects_total",
//                                   "Objects accepted", {{"outcome", "new"}});
//   c.Add();
//
// Thread safety: Add*/Render are thread-safe (a mutex guards the registry);
// Counter, Gauge and Histogram updates are lock-free atomics, so the hot
// path never takes the registry's lock.
#ifndef NCERT_SERVER_METRICS_H_
#define NCERT_SERVER_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ncert::server {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { v_.store(v, std::memory_order_relaxed); }
  void Add(int64_t n) { v_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Cumulative buckets with upper bounds in seconds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double seconds);
  const std::vector<double>& bounds() const { return bounds_; }
  // Count in bucket i (not cumulative); i == bounds().size() is +Inf.
  uint64_t bucket(size_t i) const { return counts_[i].load(); }
  uint64_t count() const { return count_.load(); }
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_nanos_{0};
};

// Latency buckets for request handling: 100 µs to 10 s.
std::vector<double> LatencyBuckets();

class Metrics {
 public:
  // Families are identified by name; each name has one type and help text
  // (the first registration's). The same name and labels give the same
  // instance back.
  Counter& AddCounter(std::string_view name, std::string_view help,
                      Labels labels = {});
  Gauge& AddGauge(std::string_view name, std::string_view help,
                  Labels labels = {});
  // A gauge computed when /metrics is read (store size, connections).
  void AddCallbackGauge(std::string_view name, std::string_view help,
                        Labels labels, std::function<double()> fn);
  Histogram& AddHistogram(std::string_view name, std::string_view help,
                          Labels labels, std::vector<double> bounds);

  // The whole registry, families in registration order.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::function<double()> callback;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string name;
    std::string help;
    Type type;
    std::vector<std::unique_ptr<Series>> series;
  };
  Series& Find(std::string_view name, std::string_view help, Type type,
               Labels labels);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;  // guarded by mu_
};

// Escapes a label value for the exposition format (\\, \", \n).
std::string EscapeLabelValue(std::string_view v);

}  // namespace ncert::server

#endif  // NCERT_SERVER_METRICS_H_
