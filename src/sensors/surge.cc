#include "sensors/surge.h"

#include <algorithm>

namespace ncert::sensors {
namespace {

constexpr int64_t kWeekSeconds = 7 * 86400;
constexpr int64_t kExcerptBefore = 6;
constexpr int64_t kExcerptMax = 48;
constexpr double kDatingK = 1.0;

struct Open {
  int64_t start = 0, detected = 0;
  double sum_x = 0, sum_f = 0, sum_r = 0;
  int64_t n = 0;
  int64_t last_high = 0;  // last point above quiet_z
  int quiet = 0;          // points in a row at or below quiet_z
};

}  // namespace

std::vector<Surge> DetectEpisodes(const Series& series,
                                  const SurgeOptions& options) {
  std::vector<Surge> out;
  if (series.points.empty()) return out;
  const int64_t step = ResolutionSeconds(series.resolution) * 1000000;
  const int64_t last_bucket = series.points.back().bucket.micros;
  const int64_t first = std::max(
      series.points.front().bucket.micros,
      last_bucket - (std::max<int64_t>(options.max_points, 1) - 1) * step);
  const int64_t n = (last_bucket - first) / step + 1;
  std::vector<double> x(static_cast<size_t>(n), 0.0);
  for (const Point& p : series.points) {
    if (p.bucket.micros < first) continue;
    x[static_cast<size_t>((p.bucket.micros - first) / step)] = p.value;
  }
  std::vector<double> f(x.size(), 0.0);
  std::vector<double> zs(x.size(), 0.0);

  HoltWintersOptions hwo = options.baseline;
  hwo.season = options.season_override > 0
                   ? options.season_override
                   : static_cast<int>(kWeekSeconds /
                                      ResolutionSeconds(series.resolution));
  HoltWinters hw(hwo);
  Cusum cusum(options.cusum);
  std::optional<Open> open;

  auto close = [&](int64_t last, bool ongoing, bool adapted) {
    Surge s;
    s.key = series.key;
    s.resolution = series.resolution;
    s.since = {first + open->start * step};
    s.detected = {first + open->detected * step};
    s.last = {first + last * step};
    s.ongoing = ongoing;
    s.adapted = adapted;
    double sum_x = 0, sum_f = 0;
    for (int64_t i = open->start; i <= last; ++i) {
      sum_x += x[static_cast<size_t>(i)];
      sum_f += std::max(f[static_cast<size_t>(i)], 1.0);
      s.peak = std::max(s.peak, x[static_cast<size_t>(i)]);
    }
    s.ratio = sum_f > 0 ? sum_x / sum_f : 0;
    int64_t from = std::max<int64_t>(0, open->start - kExcerptBefore);
    int64_t to = std::min(last, from + kExcerptMax - 1);
    for (int64_t i = from; i <= to; ++i) {
      s.excerpt.push_back({{first + i * step},
                           x[static_cast<size_t>(i)],
                           std::max(f[static_cast<size_t>(i)], 0.0)});
    }
    out.push_back(std::move(s));
    open.reset();
  };

  for (int64_t i = 0; i < n; ++i) {
    const double xi = x[static_cast<size_t>(i)];
    if (!hw.ready()) {
      hw.Update(xi);
      continue;
    }
    const double fi = hw.Forecast();
    f[static_cast<size_t>(i)] = fi;
    const double z = hw.Z(xi);
    zs[static_cast<size_t>(i)] = z;
    const bool alarm = cusum.Add(z, i);
    if (open) {
      if (z <= options.quiet_z) {
        if (++open->quiet >= options.quiet_points) {
          close(open->last_high, false, false);
          cusum.Reset();
          hw.Update(xi);
          continue;
        }
      } else {
        open->quiet = 0;
        open->last_high = i;
      }
      open->sum_r += xi - fi;
      ++open->n;
      if (open->n >= options.adapt_points) {
        hw.Shift(open->sum_r / static_cast<double>(open->n));
        cusum.Reset();
        close(i, false, true);
      }
      hw.Skip();
      continue;
    }
    if (alarm) {
      open = Open{};
      // Date the change as Page's estimate with a larger reference value:
      // the j in the excursion that maximises sum_{t=j..i} (z_t - 1). A
      // point of noise costs ~1, a point of a real shift of d sigmas gains
      // d - 1, so the estimate does not reach back over the noise the
      // excursion started on.
      open->start = i;
      double run = 0, best = -1e300;
      for (int64_t j = i; j >= std::max<int64_t>(cusum.excursion_start(), 0);
           --j) {
        run += zs[static_cast<size_t>(j)] - kDatingK;
        if (run > best) {
          best = run;
          open->start = j;
        }
      }
      open->detected = i;
      open->last_high = i;
      for (int64_t j = open->start; j <= i; ++j) {
        open->sum_r += x[static_cast<size_t>(j)] - f[static_cast<size_t>(j)];
        ++open->n;
      }
      hw.Skip();
      continue;
    }
    hw.Update(xi);
  }
  if (open) close(open->quiet > 0 ? open->last_high : n - 1, true, false);
  return out;
}

std::vector<Surge> DetectSurges(const Series& series,
                                const SurgeOptions& options) {
  std::vector<Surge> all = DetectEpisodes(series, options);
  std::vector<Surge> out;
  for (Surge& s : all) {
    if (s.peak >= options.min_value && s.ratio >= options.min_ratio) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace ncert::sensors
