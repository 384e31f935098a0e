#include "sensors/series_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <map>
#include <mutex>

#include "store/migrations.h"
#include "store/sqlite_util.h"

namespace ncert::sensors {
namespace {

constexpr int64_t kMicros = 1000000;

int ResolutionCode(Resolution r) {
  switch (r) {
    case Resolution::k5m:
      return 0;
    case Resolution::k1h:
      return 1;
    case Resolution::k1d:
      return 2;
  }
  return 0;
}

using Stmt = store::sqlite::StmtPtr;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t CeilDiv(int64_t a, int64_t b) { return -FloorDiv(-a, b); }

}  // namespace

std::string_view ResolutionName(Resolution r) {
  switch (r) {
    case Resolution::k5m:
      return "5m";
    case Resolution::k1h:
      return "1h";
    case Resolution::k1d:
      return "1d";
  }
  return "?";
}

std::optional<Resolution> ParseResolution(std::string_view name) {
  if (name == "5m") return Resolution::k5m;
  if (name == "1h") return Resolution::k1h;
  if (name == "1d") return Resolution::k1d;
  return std::nullopt;
}

Timestamp BucketStart(Timestamp t, Resolution r) {
  int64_t step = ResolutionSeconds(r) * kMicros;
  return {FloorDiv(t.micros, step) * step};
}

struct SeriesStore::Impl {
  std::string path;
  std::mutex mu;
  sqlite3* db = nullptr;
  Stmt find_series, insert_series, upsert_point;
  std::map<SeriesKey, int64_t> ids;  // cache of the series dictionary

  ~Impl() {
    find_series.reset();
    insert_series.reset();
    upsert_point.reset();
    sqlite3_close_v2(db);
  }

  Status Err(int rc, std::string_view what) {
    return store::SqliteStatus(db, rc, fmt::format("{} {}", what, path));
  }

  Status Exec(const char* sql) {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : Err(rc, "cannot write series to");
  }

  Status Prepare(const char* sql, Stmt* out) {
    return store::sqlite::PrepareStmt(db, sql, SQLITE_PREPARE_PERSISTENT,
                                      "cannot prepare on", path, out);
  }

  Result<int64_t> SeriesId(const SeriesKey& key) {
    if (auto it = ids.find(key); it != ids.end()) return it->second;
    for (sqlite3_stmt* s : {find_series.get(), insert_series.get()}) {
      sqlite3_reset(s);
      sqlite3_bind_text(s, 1, key.sensor.data(),
                        static_cast<int>(key.sensor.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 2, key.metric.data(),
                        static_cast<int>(key.metric.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 3, key.dimension.data(),
                        static_cast<int>(key.dimension.size()), SQLITE_STATIC);
      int rc = sqlite3_step(s);
      if (rc == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        ids.emplace(key, id);
        return id;
      }
      sqlite3_reset(s);
      if (rc == SQLITE_DONE && s == insert_series.get()) {
        int64_t id = sqlite3_last_insert_rowid(db);
        ids.emplace(key, id);
        return id;
      }
      if (rc != SQLITE_DONE) return Err(rc, "cannot write series to");
    }
    return Status::Internal("series id neither found nor inserted");
  }
};

SeriesStore::SeriesStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SeriesStore::~SeriesStore() = default;

Result<std::unique_ptr<SeriesStore>> SeriesStore::Open(
    const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  int rc = sqlite3_open_v2(
      path.c_str(), &impl->db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) return impl->Err(rc, "cannot open");
  sqlite3_busy_timeout(impl->db, 10000);
  // WAL as the knowledge store; synchronous=NORMAL because series are
  // derived data that a re-run of the analysis rebuilds (a power cut may
  // lose the last commits, never corrupt the file).
  RETURN_IF_ERROR(impl->Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(impl->Exec("PRAGMA synchronous=NORMAL"));
  RETURN_IF_ERROR(store::Migrate(impl->db, path));
  RETURN_IF_ERROR(impl->Prepare(
      "SELECT series_id FROM series WHERE sensor = ?1 AND metric = ?2 AND "
      "dimension = ?3",
      &impl->find_series));
  RETURN_IF_ERROR(impl->Prepare(
      "INSERT INTO series (sensor, metric, dimension) VALUES (?1, ?2, ?3)",
      &impl->insert_series));
  RETURN_IF_ERROR(impl->Prepare(
      "INSERT INTO series_points (series_id, resolution, bucket, value) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET value = "
      "excluded.value",
      &impl->upsert_point));
  return std::unique_ptr<SeriesStore>(new SeriesStore(std::move(impl)));
}

Status SeriesStore::Append(const SeriesKey& key, Resolution resolution,
                           std::span<const Point> points) {
  const int64_t step = ResolutionSeconds(resolution) * kMicros;
  for (const Point& p : points) {
    if (p.bucket.micros < 0 || p.bucket.micros % step != 0) {
      return Status::InvalidArgument(fmt::format(
          "series {}/{}/{}: bucket {} is not a {} bucket start after 1970",
          key.sensor, key.metric, key.dimension, FormatTimestamp(p.bucket),
          ResolutionName(resolution)));
    }
    if (!std::isfinite(p.value)) {
      return Status::InvalidArgument(
          fmt::format("series {}/{}/{}: value at {} is not finite", key.sensor,
                      key.metric, key.dimension, FormatTimestamp(p.bucket)));
    }
  }
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    ASSIGN_OR_RETURN(int64_t id, impl_->SeriesId(key));
    sqlite3_stmt* st = impl_->upsert_point.get();
    for (const Point& p : points) {
      sqlite3_reset(st);
      sqlite3_bind_int64(st, 1, id);
      sqlite3_bind_int(st, 2, ResolutionCode(resolution));
      sqlite3_bind_int64(st, 3, p.bucket.micros / step);
      double whole = std::nearbyint(p.value);
      if (whole == p.value && std::fabs(whole) < 9.0e15) {
        sqlite3_bind_int64(st, 4, static_cast<int64_t>(whole));
      } else {
        sqlite3_bind_double(st, 4, p.value);
      }
      int rc = sqlite3_step(st);
      if (rc != SQLITE_DONE) return impl_->Err(rc, "cannot write series to");
    }
    sqlite3_reset(st);
    return impl_->Exec("COMMIT");
  }();
  if (!s.ok()) {
    sqlite3_exec(impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
    impl_->ids.clear();  // ids inserted by the rolled-back transaction
  }
  return s;
}

namespace {

void BindFilter(sqlite3_stmt* s, const SeriesFilter& f) {
  auto bind = [&](int i, const std::optional<std::string>& v) {
    if (v) {
      sqlite3_bind_text(s, i, v->data(), static_cast<int>(v->size()),
                        SQLITE_STATIC);
    } else {
      sqlite3_bind_null(s, i);
    }
  };
  bind(1, f.sensor);
  bind(2, f.metric);
  bind(3, f.dimension);
}

std::string ColumnText(sqlite3_stmt* s, int i) {
  return std::string(store::sqlite::ColumnText(s, i));
}

}  // namespace

Result<std::vector<SeriesKey>> SeriesStore::List(const SeriesFilter& filter) {
  std::lock_guard lock(impl_->mu);
  Stmt st;
  RETURN_IF_ERROR(impl_->Prepare(
      "SELECT sensor, metric, dimension FROM series WHERE "
      "(?1 IS NULL OR sensor = ?1) AND (?2 IS NULL OR metric = ?2) AND "
      "(?3 IS NULL OR dimension = ?3) ORDER BY sensor, metric, dimension",
      &st));
  BindFilter(st.get(), filter);
  std::vector<SeriesKey> out;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    out.push_back({ColumnText(st.get(), 0), ColumnText(st.get(), 1),
                   ColumnText(st.get(), 2)});
  }
  if (rc != SQLITE_DONE) return impl_->Err(rc, "cannot read series from");
  return out;
}

Result<std::vector<Series>> SeriesStore::Query(const SeriesQuery& q) {
  std::lock_guard lock(impl_->mu);
  Stmt list, has, points;
  RETURN_IF_ERROR(impl_->Prepare(
      "SELECT series_id, sensor, metric, dimension FROM series WHERE "
      "(?1 IS NULL OR sensor = ?1) AND (?2 IS NULL OR metric = ?2) AND "
      "(?3 IS NULL OR dimension = ?3) ORDER BY sensor, metric, dimension",
      &list));
  RETURN_IF_ERROR(impl_->Prepare(
      "SELECT 1 FROM series_points WHERE series_id = ?1 AND resolution = ?2 "
      "LIMIT 1",
      &has));
  // Buckets of resolution `from` (step f seconds) summed into buckets of
  // step t seconds; f = t reads the stored points as they are.
  RETURN_IF_ERROR(impl_->Prepare(
      "SELECT bucket * ?3 / ?4 AS b, sum(value) FROM series_points "
      "WHERE series_id = ?1 AND resolution = ?2 AND bucket >= ?5 AND "
      "bucket < ?6 GROUP BY b ORDER BY b",
      &points));
  BindFilter(list.get(), q.filter);
  const int64_t t = ResolutionSeconds(q.resolution);
  const int64_t lo_coarse = q.since ? CeilDiv(q.since->micros, t * kMicros) : 0;
  const int64_t hi_coarse =
      q.until ? CeilDiv(q.until->micros, t * kMicros) : INT64_MAX / 86400;
  std::vector<Series> out;
  int rc;
  while ((rc = sqlite3_step(list.get())) == SQLITE_ROW) {
    Series series;
    int64_t id = sqlite3_column_int64(list.get(), 0);
    series.key = {ColumnText(list.get(), 1), ColumnText(list.get(), 2),
                  ColumnText(list.get(), 3)};
    series.resolution = q.resolution;
    // The requested resolution if it was written, else the coarsest finer
    // one that was.
    std::optional<Resolution> from;
    for (Resolution r : {q.resolution, Resolution::k1h, Resolution::k5m}) {
      if (ResolutionSeconds(r) > t) continue;
      sqlite3_reset(has.get());
      sqlite3_bind_int64(has.get(), 1, id);
      sqlite3_bind_int(has.get(), 2, ResolutionCode(r));
      int hrc = sqlite3_step(has.get());
      if (hrc == SQLITE_ROW) {
        from = r;
        break;
      }
      if (hrc != SQLITE_DONE) return impl_->Err(hrc, "cannot read series from");
    }
    sqlite3_reset(has.get());
    if (from) {
      const int64_t f = ResolutionSeconds(*from);
      series.rolled_up = f != t;
      sqlite3_reset(points.get());
      sqlite3_bind_int64(points.get(), 1, id);
      sqlite3_bind_int(points.get(), 2, ResolutionCode(*from));
      sqlite3_bind_int64(points.get(), 3, f);
      sqlite3_bind_int64(points.get(), 4, t);
      sqlite3_bind_int64(points.get(), 5, lo_coarse * (t / f));
      sqlite3_bind_int64(
          points.get(), 6,
          hi_coarse >= INT64_MAX / 86400 ? INT64_MAX : hi_coarse * (t / f));
      int prc;
      while ((prc = sqlite3_step(points.get())) == SQLITE_ROW) {
        series.points.push_back(
            {Timestamp{sqlite3_column_int64(points.get(), 0) * t * kMicros},
             sqlite3_column_double(points.get(), 1)});
      }
      if (prc != SQLITE_DONE) return impl_->Err(prc, "cannot read series from");
      sqlite3_reset(points.get());
    }
    out.push_back(std::move(series));
  }
  if (rc != SQLITE_DONE) return impl_->Err(rc, "cannot read series from");
  return out;
}

Result<int64_t> SeriesStore::PointCount() {
  std::lock_guard lock(impl_->mu);
  Stmt st;
  RETURN_IF_ERROR(impl_->Prepare("SELECT count(*) FROM series_points", &st));
  int rc = sqlite3_step(st.get());
  if (rc != SQLITE_ROW) return impl_->Err(rc, "cannot read series from");
  return sqlite3_column_int64(st.get(), 0);
}

}  // namespace ncert::sensors
