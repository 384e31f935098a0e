#include "sensors/baseline.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace ncert::sensors {
namespace {
// E|X| = sigma * sqrt(2/pi) for a normal X: sigma = 1.2533 * mean |r|.
constexpr double kMadToSigma = 1.2533141373155;

// The Anscombe residual of count x against mean f (unit variance for
// Poisson counts).
double Anscombe(double x, double f) {
  return 2 * (std::sqrt(std::max(x, 0.0) + 0.375) -
              std::sqrt(std::max(f, 0.0) + 0.375));
}
}  // namespace

double HoltWinters::Z(double x) const {
  return Anscombe(x, Forecast()) / std::max(kMadToSigma * mad_, 1.0);
}

HoltWinters::HoltWinters(const HoltWintersOptions& options) : o_(options) {
  assert(o_.season > 0 && o_.warmup_seasons > 0);
  warmup_.reserve(static_cast<size_t>(o_.season * o_.warmup_seasons));
}

double HoltWinters::Forecast() const {
  if (!ready_) return 0;
  return level_ + trend_ + seasonal_[pos_];
}

double HoltWinters::Sigma() const {
  return std::max(kMadToSigma * mad_, 1.0) *
         std::sqrt(std::max(Forecast(), 1.0));
}

void HoltWinters::Initialise() {
  const size_t m = static_cast<size_t>(o_.season);
  const size_t n = warmup_.size();
  double total = 0;
  for (double x : warmup_) total += x;
  level_ = total / static_cast<double>(n);
  seasonal_.assign(m, 0);
  for (size_t i = 0; i < n; ++i) seasonal_[i % m] += warmup_[i] - level_;
  for (double& s : seasonal_) s /= static_cast<double>(o_.warmup_seasons);
  // In-sample residuals of a mean over k seasons have variance
  // (k-1)/k sigma^2, and the seasonal estimate itself carries sigma^2 / k
  // into every forecast: scale by sqrt((k+1)/(k-1)) (k = 1: by 2).
  const double k = o_.warmup_seasons;
  const double correction = k > 1 ? std::sqrt((k + 1) / (k - 1)) : 2.0;
  double abs = 0;
  for (size_t i = 0; i < n; ++i) {
    abs += std::fabs(Anscombe(warmup_[i], level_ + seasonal_[i % m]));
  }
  mad_ = correction * abs / static_cast<double>(n);
  trend_ = 0;
  pos_ = 0;
  ready_ = true;
  warmup_.clear();
  warmup_.shrink_to_fit();
}

void HoltWinters::Update(double x) {
  if (!ready_) {
    warmup_.push_back(x);
    if (warmup_.size() == static_cast<size_t>(o_.season * o_.warmup_seasons)) {
      Initialise();
    }
    return;
  }
  const double f = Forecast();
  const double limit = o_.huber * Sigma();
  const double r = std::clamp(x - f, -limit, limit);
  const double xc = f + r;  // the observation, cleaned
  const double prev_level = level_;
  level_ =
      o_.alpha * (xc - seasonal_[pos_]) + (1 - o_.alpha) * (level_ + trend_);
  trend_ = o_.beta * (level_ - prev_level) + (1 - o_.beta) * trend_;
  seasonal_[pos_] = o_.gamma * (xc - level_) + (1 - o_.gamma) * seasonal_[pos_];
  mad_ =
      o_.scale_alpha * std::fabs(Anscombe(xc, f)) + (1 - o_.scale_alpha) * mad_;
  pos_ = (pos_ + 1) % seasonal_.size();
}

void HoltWinters::Skip() {
  if (!ready_) {
    Update(0);  // cannot happen in practice: episodes need a ready baseline
    return;
  }
  level_ += trend_;
  pos_ = (pos_ + 1) % seasonal_.size();
}

}  // namespace ncert::sensors
