// Surge detection on synthetic hourly series with planted changes. Each
// property is measured over many seeds and checked against a bound that the
// CUSUM's theory gives (docs/sensors.md "Surge detection"), not only "it
// fires".
#include "sensors/surge.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

namespace ncert::sensors {
namespace {

constexpr int64_t kHour = 3600LL * 1000000;
constexpr int64_t kT0 = 1643587200LL * 1000000;  // 2022-01-31T00:00:00Z (Mon)
constexpr int kWeek = 168;
constexpr int kSeeds = 50;

// The expected count at hour `h`: a daily cycle (quiet at night) and a
// quieter weekend, as attack traffic to a sensor often has.
double Seasonal(double base, int h) {
  const double pi = 3.14159265358979;
  double daily = 1 + 0.5 * std::sin(2 * pi * (h % 24) / 24.0);
  double weekly = (h % kWeek) >= 5 * 24 ? 0.7 : 1.0;
  return base * daily * weekly;
}

// Over-dispersed counts: Poisson with a gamma-distributed mean (negative
// binomial, shape 30: about 1.8x the Poisson variance at 100).
Series Make(int seed, int hours, double base,
            const std::function<double(int, double)>& change) {
  std::mt19937_64 rng(static_cast<uint64_t>(seed) * 7919 + 1);
  std::gamma_distribution<double> gamma(30, 1.0 / 30);
  Series s;
  s.key = {"sensor", "unique_sources", "23/tcp"};
  s.resolution = Resolution::k1h;
  for (int h = 0; h < hours; ++h) {
    double mean = change(h, Seasonal(base, h)) * gamma(rng);
    std::poisson_distribution<int64_t> poisson(std::max(mean, 1e-9));
    s.points.push_back({{kT0 + h * kHour}, static_cast<double>(poisson(rng))});
  }
  return s;
}

int64_t HourOf(Timestamp t) { return (t.micros - kT0) / kHour; }

SurgeOptions Raw() {
  SurgeOptions o;
  o.min_ratio = 0;
  o.min_value = 0;
  return o;
}

// ARL0: in-control average run length. With k = 0.5 and h = 8 the normal
// theory (Siegmund's approximation) gives ~19,000 points; estimated sigma and
// count data lower that, so we require >= 2,000 hours (about 12 weeks)
// between false alarms of the raw detector, and at most 2 alerts in the
// 67,200 hours (>= 33,600 h, ~4 years, per series) once the alert filters
// (ratio >= 2, peak >= 10) apply.
TEST(SurgeTest, FewFalseAlarmsOnAWeeklyPatternWithoutChange) {
  const int hours = 10 * kWeek;  // 2 weeks warm-up + 8 weeks watched
  int64_t alarms = 0, alerts = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    Series s = Make(seed, hours, 100, [](int, double m) { return m; });
    alarms += static_cast<int64_t>(DetectEpisodes(s, Raw()).size());
    alerts += static_cast<int64_t>(DetectSurges(s, SurgeOptions{}).size());
  }
  const double watched = static_cast<double>(kSeeds) * 8 * kWeek;
  const double arl0 = alarms ? watched / static_cast<double>(alarms) : watched;
  RecordProperty("arl0_hours", static_cast<int>(arl0));
  std::printf("%lld raw false alarms in %.0f h: ARL0 %.0f h\n",
              static_cast<long long>(alarms), watched, arl0);
  EXPECT_GE(arl0, 2000) << alarms << " false alarms in " << watched << " h";
  EXPECT_LE(alerts, 2);
}

// Low counts (a quiet honeypot: ~3 per hour) must not alarm on Poisson
// noise either.
TEST(SurgeTest, FewFalseAlarmsOnLowCounts) {
  int64_t alerts = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    Series s = Make(seed, 10 * kWeek, 3, [](int, double m) { return m; });
    alerts += static_cast<int64_t>(DetectSurges(s, SurgeOptions{}).size());
  }
  EXPECT_LE(alerts, 1);
}

struct Delays {
  int detected = 0;
  double mean = 0;
  int64_t max = 0;
  int since_exact = 0;  // episodes dated within 2 h of the true change
};

Delays Measure(double base, int change_at, int hours,
               const std::function<double(int, double)>& change,
               const SurgeOptions& o) {
  Delays d;
  int64_t total = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    Series s = Make(seed, hours, base, change);
    for (const Surge& e : DetectSurges(s, o)) {
      int64_t at = HourOf(e.detected);
      if (at < change_at) continue;  // a false alarm before the change
      ++d.detected;
      total += at - change_at;
      d.max = std::max(d.max, at - change_at);
      if (std::abs(HourOf(e.since) - change_at) <= 2) ++d.since_exact;
      break;
    }
  }
  d.mean = d.detected ? static_cast<double>(total) / d.detected : 0;
  std::printf("detected %d/%d, delay mean %.2f h, max %lld h, dated %d\n",
              d.detected, kSeeds, d.mean, static_cast<long long>(d.max),
              d.since_exact);
  return d;
}

// A 10x surge (the unique sources to 23/tcp after the invasion began) is
// tens of sigmas: the CUSUM crosses h on its first hour.
TEST(SurgeTest, TenfoldSurgeIsCaughtOnItsFirstHour) {
  const int at = 5 * kWeek + 50;
  Delays d = Measure(
      100, at, 7 * kWeek,
      [&](int h, double m) { return h >= at && h < at + 24 ? 10 * m : m; },
      SurgeOptions{});
  EXPECT_EQ(d.detected, kSeeds);
  EXPECT_EQ(d.max, 0);
  EXPECT_GE(d.since_exact, kSeeds * 9 / 10);
}

// A step to 1.5x: on the square-root scale, with this noise's dispersion
// (~2 at 100), a shift of ~2.2 sigmas at the daily mean and ~1.8 at night.
// CUSUM theory (ARL1 ~ (h + 1.166) / (d - k)) gives 5.4 h at d = 2.2 and
// 7 h at d = 1.8; we require a mean of at most 6 h (the busy hours help)
// and a worst case of 36 h. ratio >= 1.3 so the filter keeps it.
TEST(SurgeTest, StepIsCaughtWithinHours) {
  const int at = 4 * kWeek + 100;
  SurgeOptions o;
  o.min_ratio = 1.3;
  Delays d = Measure(
      100, at, 6 * kWeek,
      [&](int h, double m) { return h >= at ? 1.5 * m : m; }, o);
  EXPECT_EQ(d.detected, kSeeds);
  EXPECT_LE(d.mean, 6.0);
  EXPECT_LE(d.max, 36);
  EXPECT_GE(d.since_exact, kSeeds * 8 / 10);
}

// A ramp from 1x to 3x over 72 hours: caught on the way up.
TEST(SurgeTest, RampIsCaughtOnTheWayUp) {
  const int at = 4 * kWeek + 30;
  SurgeOptions o;
  o.min_ratio = 1.2;
  Delays d = Measure(
      100, at, 6 * kWeek,
      [&](int h, double m) {
        if (h < at) return m;
        return m * (1 + 2 * std::min(1.0, (h - at) / 72.0));
      },
      o);
  EXPECT_EQ(d.detected, kSeeds);
  EXPECT_LE(d.mean, 18.0);
  EXPECT_LE(d.max, 30);
}

// A lasting tripling is one alert, then the new normal: at most one more
// episode in the three weeks after it.
TEST(SurgeTest, LastingChangeBecomesTheNewNormal) {
  const int at = 3 * kWeek;
  int extra = 0, adapted = 0, dated = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    Series s = Make(seed, 7 * kWeek, 100,
                    [&](int h, double m) { return h >= at ? 3 * m : m; });
    auto all = DetectSurges(s, SurgeOptions{});
    size_t first = 0;  // skip a false alarm before the change
    while (first < all.size() && HourOf(all[first].detected) < at) ++first;
    ASSERT_LT(first, all.size());
    if (std::abs(HourOf(all[first].since) - at) <= 2) ++dated;
    if (all[first].adapted) ++adapted;
    extra += static_cast<int>(all.size() - first) - 1;
  }
  EXPECT_EQ(adapted, kSeeds);
  EXPECT_GE(dated, kSeeds * 9 / 10);
  EXPECT_LE(extra, kSeeds / 5);
}

TEST(SurgeTest, EpisodeCarriesRatioAndExcerpt) {
  const int at = 3 * kWeek + 10;
  Series s = Make(1, 4 * kWeek, 100, [&](int h, double m) {
    return h >= at && h < at + 6 ? 10 * m : m;
  });
  auto all = DetectSurges(s, SurgeOptions{});
  ASSERT_EQ(all.size(), 1u);
  const Surge& e = all[0];
  EXPECT_EQ(HourOf(e.since), at);
  EXPECT_FALSE(e.ongoing);
  EXPECT_GE(HourOf(e.last), at + 5);
  EXPECT_LE(HourOf(e.last), at + 8);
  EXPECT_GT(e.ratio, 6);
  EXPECT_LT(e.ratio, 14);
  ASSERT_FALSE(e.excerpt.empty());
  EXPECT_EQ(HourOf(e.excerpt.front().bucket), at - 6);
  EXPECT_GT(e.excerpt.front().baseline, 0);
}

TEST(SurgeTest, AStrayTimestampDoesNotBlowUpTheSeries) {
  Series s = Make(1, 4 * kWeek, 100, [&](int h, double m) {
    return h >= 3 * kWeek + 10 && h < 3 * kWeek + 16 ? 10 * m : m;
  });
  // A point 40 years earlier: 350,000 hours away.
  s.points.insert(s.points.begin(), {{kT0 - 40LL * 8760 * kHour}, 5});
  SurgeOptions o;
  o.max_points = 5 * kWeek;
  auto all = DetectSurges(s, o);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(HourOf(all[0].since), 3 * kWeek + 10);
}

TEST(SurgeTest, ShortSeriesOnlyTrains) {
  Series s =
      Make(1, kWeek, 100, [](int h, double m) { return h > 100 ? 50 * m : m; });
  EXPECT_TRUE(DetectSurges(s, SurgeOptions{}).empty());
  EXPECT_TRUE(DetectSurges(Series{}, SurgeOptions{}).empty());
}

}  // namespace
}  // namespace ncert::sensors
