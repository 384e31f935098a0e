// Surge detection on one series: a robust Holt–Winters baseline with a
// weekly season (baseline.h) and a one-sided CUSUM on the standardised
// residuals (cusum.h). A surge is one alert episode: it opens when the CUSUM
// crosses h, dates its start at the start of the CUSUM excursion, and closes
// after `quiet_points` points in a row within `quiet_z` sigmas of the
// baseline (the CUSUM restarts from zero then); it ends at the last point
// above that. While it is open the baseline does not
// learn from the points (a surge is not the new normal); an episode that
// lasts `adapt_points` is accepted as the new normal: the level moves by the
// episode's mean residual and detection restarts.
//
// Thread safety: free functions; thread-safe.
#ifndef NCERT_SENSORS_SURGE_H_
#define NCERT_SENSORS_SURGE_H_

#include <vector>

#include "sensors/baseline.h"
#include "sensors/cusum.h"
#include "sensors/series_store.h"

namespace ncert::sensors {

struct SurgeOptions {
  // baseline.season is set from the series' resolution (a week of points)
  // unless season_override > 0.
  HoltWintersOptions baseline;
  int season_override = 0;
  CusumOptions cusum;
  double min_value = 10;   // report only if the peak value reaches this
  double min_ratio = 2.0;  // ... and values / baseline over the episode this
  int adapt_points = 168;  // an episode this long becomes the new normal
  int quiet_points = 3;    // points back near the baseline that end it
  double quiet_z = 2.0;
  // Only the last max_points buckets of a series are analysed (a stray
  // timestamp decades away must not make a series of billions of buckets):
  // 120,000 is 13.7 years of hours or 14 months of 5-minute buckets.
  int64_t max_points = 120000;
};

struct SurgePoint {
  Timestamp bucket;
  double value = 0;
  double baseline = 0;  // the forecast the value was compared with (>= 0)
};

struct Surge {
  SeriesKey key;
  Resolution resolution = Resolution::k1h;
  Timestamp since;       // first bucket of the change (CUSUM excursion start)
  Timestamp detected;    // bucket at which the CUSUM crossed h
  Timestamp last;        // last bucket of the episode
  bool ongoing = false;  // still open at the end of the series
  bool adapted = false;  // lasted adapt_points: accepted as the new normal
  double ratio = 0;      // sum of values / sum of baselines, since..last
  double peak = 0;       // highest value in the episode
  // From a few buckets before `since` to at most 48 buckets.
  std::vector<SurgePoint> excerpt;
};

// Runs detection over `series` (missing buckets between the first and the
// last stored one count as 0) and returns the episodes that pass min_value
// and min_ratio, oldest first. The first warmup_seasons seasons only train
// the baseline.
std::vector<Surge> DetectSurges(const Series& series,
                                const SurgeOptions& options);

// All episodes, before the min_value / min_ratio filter: for tests that
// measure the detector itself (false alarms, delay).
std::vector<Surge> DetectEpisodes(const Series& series,
                                  const SurgeOptions& options);

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_SURGE_H_
