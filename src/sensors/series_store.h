// The series store: sensor time series (telemetry, not knowledge) kept in
// their own tables of the knowledge store's SQLite file (schema 4 of
// store/migrations.cc; docs/sensors.md "Series storage" says why there and
// not in a file beside it).
//
// A series is (sensor, metric, dimension), interned once in a dictionary;
// a point is one row (series, resolution, bucket index, value), the value an
// SQLite integer when it is a whole number. Appending a point for a bucket
// already stored replaces it, so re-running an analysis over the same input
// gives the same series. A query at a resolution that was never written for
// a series is answered by rolling up the finest resolution that was (5m ->
// 1h -> 1d, summing the finer buckets).
//
// Thread safety: thread-safe; one SQLite connection behind a mutex. Several
// processes may open the same file (SQLite's WAL locking serialises writers).
#ifndef NCERT_SENSORS_SERIES_STORE_H_
#define NCERT_SENSORS_SERIES_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "sensors/series.h"

namespace ncert::sensors {

// "5m", "1h", "1d".
std::string_view ResolutionName(Resolution r);
std::optional<Resolution> ParseResolution(std::string_view name);

// The start of the bucket of resolution `r` that holds `t`.
Timestamp BucketStart(Timestamp t, Resolution r);

struct SeriesFilter {
  std::optional<std::string> sensor;
  std::optional<std::string> metric;
  std::optional<std::string> dimension;
};

struct SeriesQuery {
  SeriesFilter filter;
  Resolution resolution = Resolution::k1h;
  std::optional<Timestamp> since;  // bucket start >= since
  std::optional<Timestamp> until;  // bucket start < until
};

struct Series {
  SeriesKey key;
  Resolution resolution = Resolution::k1h;
  // True when the points were summed from a finer resolution because none
  // were stored at this one. A sum of distinct counts ("unique_sources") is
  // an upper bound, which is why the honeypot analysis writes every
  // resolution itself.
  bool rolled_up = false;
  std::vector<Point> points;  // ascending bucket, only stored buckets
};

class SeriesStore final : public SeriesSink {
 public:
  // Opens (creating and migrating as the knowledge store does) the SQLite
  // file at `path`; ":memory:" for a private in-memory database.
  static Result<std::unique_ptr<SeriesStore>> Open(const std::string& path);
  ~SeriesStore() override;
  SeriesStore(const SeriesStore&) = delete;
  SeriesStore& operator=(const SeriesStore&) = delete;

  // One transaction per call. A point whose bucket is not aligned to
  // `resolution` is an InvalidArgument (nothing of the call is written).
  Status Append(const SeriesKey& key, Resolution resolution,
                std::span<const Point> points) override;

  // The series that match `filter`, sorted by key.
  Result<std::vector<SeriesKey>> List(const SeriesFilter& filter);

  // The points of every matching series (sorted by key), at the requested
  // resolution or rolled up to it (see Series::rolled_up).
  Result<std::vector<Series>> Query(const SeriesQuery& query);

  // Rows in series_points (for tests and `ncert sensors stats`).
  Result<int64_t> PointCount();

 private:
  struct Impl;
  explicit SeriesStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_SERIES_STORE_H_
