// Time series of sensor counts (telemetry, not knowledge): what the darknet
// and honeypot analyses produce and surge detection reads. A series is named
// by (sensor, metric, dimension) and kept at 5-minute, 1-hour and 1-day
// resolution; a point is the value of one bucket.
//
// Thread safety: the value types are values; a SeriesSink states its own.
#ifndef NCERT_SENSORS_SERIES_H_
#define NCERT_SENSORS_SERIES_H_

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"
#include "core/time.h"

namespace ncert::sensors {

enum class Resolution { k5m, k1h, k1d };

inline int64_t ResolutionSeconds(Resolution r) {
  switch (r) {
    case Resolution::k5m:
      return 300;
    case Resolution::k1h:
      return 3600;
    case Resolution::k1d:
      return 86400;
  }
  return 0;
}

struct SeriesKey {
  std::string sensor;     // "darknet-tokyo-1", "cowrie-03"
  std::string metric;     // "packets", "unique_sources", "unique_destinations",
                          // "syn_scans", "mirai", "backscatter", "sessions"...
  std::string dimension;  // "23/tcp", "icmp", "" for the sensor's total
  friend auto operator<=>(const SeriesKey&, const SeriesKey&) = default;
};

struct Point {
  Timestamp bucket;  // start of the bucket, aligned to the resolution (UTC)
  double value = 0;
};

// Where analyses write their series. Appending a point for a bucket already
// stored replaces it (a re-run of the same input gives the same series).
class SeriesSink {
 public:
  virtual ~SeriesSink() = default;
  virtual Status Append(const SeriesKey& key, Resolution resolution,
                        std::span<const Point> points) = 0;
};

// Drops every point: for runs that want an analysis's report, not its
// series (benchmarks, fuzz targets). Thread-safe (it holds nothing).
class DiscardingSink final : public SeriesSink {
 public:
  Status Append(const SeriesKey&, Resolution, std::span<const Point>) override {
    return Status::Ok();
  }
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_SERIES_H_
