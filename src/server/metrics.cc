#include "server/metrics.h"

#include <fmt/format.h>

#include <cassert>
#include <cmath>

namespace ncert::server {
namespace {

std::string LabelText(const Labels& labels, std::string_view extra_key = {},
                      std::string_view extra_value = {}) {
  if (labels.empty() && extra_key.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += fmt::format("{}=\"{}\"", k, EscapeLabelValue(v));
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += fmt::format("{}=\"{}\"", extra_key, extra_value);
  }
  return out + "}";
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  return fmt::format("{}", v);
}

}  // namespace

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e9),
                       std::memory_order_relaxed);
}

double Histogram::sum() const {
  return static_cast<double>(sum_nanos_.load()) / 1e9;
}

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

Metrics::Series& Metrics::Find(std::string_view name, std::string_view help,
                               Type type, Labels labels) {
  // Caller holds mu_.
  Family* fam = nullptr;
  for (auto& f : families_) {
    if (f->name == name) fam = f.get();
  }
  if (fam == nullptr) {
    families_.push_back(std::make_unique<Family>());
    fam = families_.back().get();
    fam->name = std::string(name);
    fam->help = std::string(help);
    fam->type = type;
  }
  assert(fam->type == type && "a metric name has one type");
  for (auto& s : fam->series) {
    if (s->labels == labels) return *s;
  }
  fam->series.push_back(std::make_unique<Series>());
  fam->series.back()->labels = std::move(labels);
  return *fam->series.back();
}

Counter& Metrics::AddCounter(std::string_view name, std::string_view help,
                             Labels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = Find(name, help, Type::kCounter, std::move(labels));
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Metrics::AddGauge(std::string_view name, std::string_view help,
                         Labels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = Find(name, help, Type::kGauge, std::move(labels));
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

void Metrics::AddCallbackGauge(std::string_view name, std::string_view help,
                               Labels labels, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = Find(name, help, Type::kGauge, std::move(labels));
  s.callback = std::move(fn);
}

Histogram& Metrics::AddHistogram(std::string_view name, std::string_view help,
                                 Labels labels, std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = Find(name, help, Type::kHistogram, std::move(labels));
  if (!s.histogram)
    s.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *s.histogram;
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : families_) {
    const char* type = f->type == Type::kCounter ? "counter"
                       : f->type == Type::kGauge ? "gauge"
                                                 : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f->name, f->help,
                       f->name, type);
    for (const auto& s : f->series) {
      if (s->counter) {
        out += fmt::format("{}{} {}\n", f->name, LabelText(s->labels),
                           s->counter->value());
      } else if (s->gauge) {
        out += fmt::format("{}{} {}\n", f->name, LabelText(s->labels),
                           s->gauge->value());
      } else if (s->callback) {
        out += fmt::format("{}{} {}\n", f->name, LabelText(s->labels),
                           Number(s->callback()));
      } else if (s->histogram) {
        const Histogram& h = *s->histogram;
        uint64_t cumulative = 0;
        for (size_t i = 0; i <= h.bounds().size(); ++i) {
          cumulative += h.bucket(i);
          std::string le =
              i < h.bounds().size() ? Number(h.bounds()[i]) : "+Inf";
          out += fmt::format("{}_bucket{} {}\n", f->name,
                             LabelText(s->labels, "le", le), cumulative);
        }
        out += fmt::format("{}_sum{} {}\n", f->name, LabelText(s->labels),
                           h.sum());
        out += fmt::format("{}_count{} {}\n", f->name, LabelText(s->labels),
                           cumulative);
      }
    }
  }
  return out;
}

}  // namespace ncert::server
