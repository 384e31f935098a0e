// sensors_benchmark: surge detection and the series store, each against a
// named limit measured in the same run.
//
//   build/bench/sensors_benchmark [--series N] [--store-series M] [--dir D]
//
// 1. Surge detection (robust Holt–Winters + CUSUM, src/sensors/surge.h)
//    over N series (default 10,000) x one year of hourly points (8,760),
//    in points/s; the limit beside it is one pass over the same points that
//    only sums them (memory and loop cost, no model).
// 2. Series store: M series (default 100) x 8,760 hourly points appended
//    through SeriesStore::Append (one transaction per series, upsert, id
//    dictionary) and read back with Query, against raw SQLite inserts of the
//    same rows into a plain table (same WITHOUT ROWID key, one prepared
//    INSERT, one transaction per series) and a raw SELECT of them. Both
//    files use WAL and synchronous=NORMAL, in the same directory.

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "sensors/series_store.h"
#include "sensors/surge.h"

namespace {

using ncert::Timestamp;
using ncert::sensors::Point;
using ncert::sensors::Resolution;
using ncert::sensors::Series;

constexpr int kHours = 8760;
constexpr int64_t kHour = 3600LL * 1000000;
constexpr int64_t kT0 = 1640995200LL * 1000000;  // 2022-01-01T00:00:00Z

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A year of hourly counts with a daily and weekly rhythm, noise, and (in
// one series of 50) a 10x surge for a day.
void Fill(Series* s, int index, std::mt19937_64& rng) {
  s->points.resize(kHours);
  std::normal_distribution<double> noise(0, 1);
  const double base = 20 + (index % 97);
  for (int h = 0; h < kHours; ++h) {
    double m = base * (1 + 0.5 * std::sin(2 * M_PI * (h % 24) / 24.0)) *
               ((h % 168) >= 120 ? 0.7 : 1.0);
    if (index % 50 == 0 && h >= 6000 && h < 6024) m *= 10;
    double v = std::max(0.0, std::round(m + std::sqrt(m) * noise(rng)));
    s->points[static_cast<size_t>(h)] = {Timestamp{kT0 + h * kHour}, v};
  }
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int n_series = 10000, store_series = 100;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--series")) n_series = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--store-series")) {
      store_series = std::atoi(argv[i + 1]);
    }
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  std::mt19937_64 rng(42);

  // ---- 1. surge detection -------------------------------------------------
  Series s;
  s.key = {"bench", "unique_sources", "23/tcp"};
  s.resolution = Resolution::k1h;
  ncert::sensors::SurgeOptions options;
  double detect_s = 0, sum_s = 0, sink = 0;
  int64_t alerts = 0;
  for (int i = 0; i < n_series; ++i) {
    Fill(&s, i, rng);
    double t0 = Now();
    alerts +=
        static_cast<int64_t>(ncert::sensors::DetectSurges(s, options).size());
    double t1 = Now();
    for (const Point& p : s.points) sink += p.value;
    sum_s += Now() - t1;
    detect_s += t1 - t0;
  }
  const double points = static_cast<double>(n_series) * kHours;
  std::printf(
      "surge detection: %d series x %d hourly points = %.0f points\n"
      "  ncert DetectSurges   %8.2f s  %12.0f points/s  (%lld alerts; %d "
      "series had a planted 10x day)\n"
      "  limit: sum of points %8.2f s  %12.0f points/s  (checksum %.0f)\n"
      "  ratio (limit / ncert): %.1fx\n",
      n_series, kHours, points, detect_s, points / detect_s,
      static_cast<long long>(alerts), (n_series + 49) / 50, sum_s,
      points / sum_s, sink, detect_s / sum_s);

  // ---- 2. series store against raw SQLite ---------------------------------
  std::filesystem::path d =
      dir.empty() ? std::filesystem::temp_directory_path() /
                        ("ncert_sensors_bench_" + std::to_string(::getpid()))
                  : std::filesystem::path(dir);
  std::filesystem::create_directories(d);
  const std::string ours = (d / "series.db").string();
  const std::string raw = (d / "raw.db").string();
  std::vector<Series> data(static_cast<size_t>(store_series));
  for (int i = 0; i < store_series; ++i) {
    data[static_cast<size_t>(i)].key = {"sensor-" + std::to_string(i % 10),
                                        "packets", std::to_string(i) + "/tcp"};
    Fill(&data[static_cast<size_t>(i)], i, rng);
  }
  const double rows = static_cast<double>(store_series) * kHours;

  auto st = ncert::sensors::SeriesStore::Open(ours);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.status().ToString().c_str());
    return 1;
  }
  double t0 = Now();
  for (const Series& x : data) {
    ncert::Status a = (*st)->Append(x.key, Resolution::k1h, x.points);
    if (!a.ok()) {
      std::fprintf(stderr, "%s\n", a.ToString().c_str());
      return 1;
    }
  }
  const double ours_append = Now() - t0;
  t0 = Now();
  ncert::sensors::SeriesQuery q;
  q.resolution = Resolution::k1h;
  auto got = (*st)->Query(q);
  const double ours_query = Now() - t0;
  size_t read = 0;
  if (got.ok()) {
    for (const auto& x : *got) read += x.points.size();
  }

  sqlite3* db = nullptr;
  Check(sqlite3_open(raw.c_str(), &db), db, "open");
  Check(sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE p (series_id INTEGER, resolution INTEGER,"
                     " bucket INTEGER, value, PRIMARY KEY (series_id,"
                     " resolution, bucket)) WITHOUT ROWID;",
                     nullptr, nullptr, nullptr),
        db, "schema");
  sqlite3_stmt* ins = nullptr;
  Check(sqlite3_prepare_v2(db, "INSERT INTO p VALUES (?1, 1, ?2, ?3)", -1, &ins,
                           nullptr),
        db, "prepare");
  t0 = Now();
  for (size_t i = 0; i < data.size(); ++i) {
    Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
    for (const Point& p : data[i].points) {
      sqlite3_bind_int64(ins, 1, static_cast<int64_t>(i));
      sqlite3_bind_int64(ins, 2, p.bucket.micros / kHour);
      sqlite3_bind_int64(ins, 3, static_cast<int64_t>(p.value));
      Check(sqlite3_step(ins), db, "insert");
      sqlite3_reset(ins);
    }
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  }
  const double raw_append = Now() - t0;
  sqlite3_finalize(ins);
  sqlite3_stmt* sel = nullptr;
  Check(sqlite3_prepare_v2(db,
                           "SELECT series_id, bucket, value FROM p WHERE "
                           "resolution = 1 ORDER BY series_id, bucket",
                           -1, &sel, nullptr),
        db, "prepare");
  t0 = Now();
  size_t raw_read = 0;
  double raw_sum = 0;
  while (sqlite3_step(sel) == SQLITE_ROW) {
    raw_sum += sqlite3_column_double(sel, 2);
    ++raw_read;
  }
  const double raw_query = Now() - t0;
  sqlite3_finalize(sel);
  sqlite3_close(db);
  st->reset();
  auto size = [](const std::string& p) {
    std::error_code ec;
    auto n = std::filesystem::file_size(p, ec);
    auto w = std::filesystem::file_size(p + "-wal", ec);
    return static_cast<double>(n + (ec ? 0 : w)) / 1e6;
  };
  std::printf(
      "series store: %d series x %d hourly points = %.0f rows\n"
      "  append  ncert SeriesStore %7.2f s  %10.0f rows/s\n"
      "          raw SQLite INSERT %7.2f s  %10.0f rows/s   ratio %.2fx\n"
      "  query   ncert Query       %7.2f s  %10.0f rows/s  (%zu rows)\n"
      "          raw SQLite SELECT %7.2f s  %10.0f rows/s  (%zu rows)   "
      "ratio %.2fx\n"
      "  file    ncert %.1f MB, raw %.1f MB (with WAL)\n",
      store_series, kHours, rows, ours_append, rows / ours_append, raw_append,
      rows / raw_append, ours_append / raw_append, ours_query,
      static_cast<double>(read) / ours_query, read, raw_query,
      static_cast<double>(raw_read) / raw_query, raw_read,
      ours_query / raw_query, size(ours), size(raw));
  if (dir.empty()) std::filesystem::remove_all(d);
  return raw_sum < 0 ? 1 : 0;
}
