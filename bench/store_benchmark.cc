// Benchmarks of the SQLite knowledge store (docs/benchmarks.md).
//
//   BM_Put/5000        new indicators, batches of 5,000, into a file database
//                      (WAL, synchronous=FULL: every batch is durable)
//   BM_PutUnchanged    the same batches again: the re-ingest no-op
//   BM_Get             latest version by id, from 200,000 stored
//   BM_ScanLatest      every latest indicator of 200,000, in order
//   BM_PutFile         only with --ndjson=FILE: decodes FILE with StixReader
//                      (untimed), then times Put alone in batches of 5,000
//                      into a fresh database; reports objects/s, database
//                      bytes per object and database size / input size.
//
// Flags besides Google Benchmark's: --ndjson=FILE. The databases go in a new
// directory under $TMPDIR (default /tmp): point it at the disk to measure.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/id.h"
#include "core/time.h"
#include "stix/reader.h"
#include "store/sqlite_store.h"

namespace ncert::store {
namespace {

constexpr int kBatch = 5000;

// A fresh directory for one benchmark's database, removed afterwards.
class BenchDir {
 public:
  BenchDir() {
    std::string base = std::filesystem::temp_directory_path().string();
    std::string pattern = base + "/ncert_bench_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      fmt::print(stderr, "cannot create a directory in {}: {}\n", base,
                 std::strerror(errno));
      std::exit(1);
    }
    path_ = pattern;
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Db() const { return path_ + "/bench.db"; }

 private:
  std::string path_;
};

// Indicators like bench/gen_indicators.py writes, built directly as decoded
// Objects with canonical JSON (~500 bytes each).
class IndicatorMaker {
 public:
  explicit IndicatorMaker(uint64_t seed) : rng_(seed) {
    for (int i = 0; i < 40; ++i) identities_.push_back("identity--" + Uuid());
  }

  stix::Object Make() {
    static constexpr const char* kLabels[] = {
        "phishing", "c2",           "botnet",        "ransomware",
        "scanner",  "malware-drop", "apt",           "mirai",
        "spam",     "tor-exit",     "sector:energy", "sector:finance"};
    static constexpr const char* kTlp[] = {
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"};
    stix::Object o;
    o.type = "indicator";
    o.id = "indicator--" + Uuid();
    o.spec_version = "2.1";
    int64_t created = kEpochMs + static_cast<int64_t>(Below(kSpanMs));
    int64_t modified = Below(10) < 6 ? created : created + Below(30 * kDayMs);
    o.created = Timestamp::FromMillis(created);
    o.version = Timestamp::FromMillis(modified);
    o.modified = FormatTimestamp(o.version, 3);
    o.created_by_ref = identities_[Below(identities_.size())];
    o.valid_from = Timestamp::FromMillis(created - Below(3600 * 1000));
    if (Below(10) < 3) {
      o.valid_until = Timestamp::FromMillis(o.valid_from->millis() + kDayMs +
                                            Below(364 * kDayMs));
    }
    o.labels.push_back(kLabels[Below(std::size(kLabels))]);
    if (Below(2) == 0) {
      const char* second = kLabels[Below(std::size(kLabels))];
      if (o.labels[0] != second) o.labels.push_back(second);
    }
    o.object_marking_refs.push_back(kTlp[Below(4)]);
    std::string value = fmt::format("{}.{}.{}.{}", 1 + Below(223), Below(256),
                                    Below(256), 1 + Below(254));

    std::string& j = o.json;
    j.reserve(600);
    fmt::format_to(std::back_inserter(j),
                   R"({{"created":"{}","created_by_ref":"{}",)"
                   R"("description":"Scanning source seen by {} sensors.",)"
                   R"("id":"{}","labels":[)",
                   FormatTimestamp(*o.created, 3), o.created_by_ref,
                   Below(1000), o.id);
    for (size_t i = 0; i < o.labels.size(); ++i) {
      fmt::format_to(std::back_inserter(j), R"({}"{}")", i ? "," : "",
                     o.labels[i]);
    }
    fmt::format_to(
        std::back_inserter(j),
        R"(],"modified":"{}","name":"Malicious IPv4 {}",)"
        R"("object_marking_refs":["{}"],)"
        R"("pattern":"[ipv4-addr:value = '{}']","pattern_type":"stix",)"
        R"("spec_version":"2.1","type":"indicator","valid_from":"{}")",
        o.modified, value, o.object_marking_refs[0], value,
        FormatTimestamp(*o.valid_from, 3));
    if (o.valid_until) {
      fmt::format_to(std::back_inserter(j), R"(,"valid_until":"{}")",
                     FormatTimestamp(*o.valid_until, 3));
    }
    j += '}';
    return o;
  }

  std::vector<stix::Object> Batch(int n) {
    std::vector<stix::Object> batch;
    batch.reserve(n);
    for (int i = 0; i < n; ++i) batch.push_back(Make());
    return batch;
  }

 private:
  static constexpr int64_t kEpochMs = 1672531200000;  // 2023-01-01
  static constexpr int64_t kDayMs = 86400000;
  static constexpr int64_t kSpanMs = 3 * 365 * kDayMs;

  uint64_t Below(uint64_t n) { return rng_() % n; }
  std::string Uuid() {
    UuidBytes b;
    for (uint8_t& x : b) x = static_cast<uint8_t>(rng_());
    return UuidV4FromBytes(b);
  }

  std::mt19937_64 rng_;
  std::vector<std::string> identities_;
};

std::unique_ptr<Store> MustOpen(const std::string& path, Clock* clock) {
  SqliteOptions options;
  options.path = path;
  options.clock = clock;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  if (!store.ok()) {
    fmt::print(stderr, "{}\n", store.status().ToString());
    std::exit(1);
  }
  return std::move(store).value();
}

void MustPut(Store& store, const std::vector<stix::Object>& batch) {
  Result<std::vector<PutOutcome>> r = store.Put(batch);
  if (!r.ok()) {
    fmt::print(stderr, "{}\n", r.status().ToString());
    std::exit(1);
  }
}

int64_t FileBytes(Store& store) {
  Result<StoreStats> stats = store.Stats(Reader::System());
  return stats.ok() ? stats->file_bytes : 0;
}

void BM_Put(benchmark::State& state) {
  const int batch_size = static_cast<int>(state.range(0));
  IndicatorMaker maker(1);
  std::vector<std::vector<stix::Object>> batches;
  for (int64_t i = 0; i < state.max_iterations; ++i) {
    batches.push_back(maker.Batch(batch_size));
  }
  BenchDir dir;
  SystemClock clock;
  std::unique_ptr<Store> store = MustOpen(dir.Db(), &clock);
  size_t next = 0;
  for (auto _ : state) MustPut(*store, batches[next++]);
  int64_t objects = state.iterations() * batch_size;
  state.SetItemsProcessed(objects);
  state.counters["db_bytes_per_object"] =
      static_cast<double>(FileBytes(*store)) / static_cast<double>(objects);
}
// 40 batches of 5,000: the store grows to 200,000 objects during the run.
// Real time, not CPU time: a Put waits for its fsync.
BENCHMARK(BM_Put)->Arg(kBatch)->Iterations(40)->UseRealTime()->Unit(
    benchmark::kMillisecond);
BENCHMARK(BM_Put)->Arg(500)->Iterations(100)->UseRealTime()->Unit(
    benchmark::kMillisecond);

void BM_PutUnchanged(benchmark::State& state) {
  IndicatorMaker maker(2);
  std::vector<std::vector<stix::Object>> batches;
  for (int i = 0; i < 20; ++i) batches.push_back(maker.Batch(kBatch));
  BenchDir dir;
  SystemClock clock;
  std::unique_ptr<Store> store = MustOpen(dir.Db(), &clock);
  for (const auto& batch : batches) MustPut(*store, batch);
  size_t next = 0;
  for (auto _ : state) MustPut(*store, batches[next++ % batches.size()]);
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_PutUnchanged)
    ->Iterations(40)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// A store of 200,000 indicators shared by the read benchmarks.
struct ReadFixture {
  BenchDir dir;
  SystemClock clock;
  std::unique_ptr<Store> store;
  std::vector<std::string> ids;

  ReadFixture() {
    store = MustOpen(dir.Db(), &clock);
    IndicatorMaker maker(3);
    for (int b = 0; b < 40; ++b) {
      std::vector<stix::Object> batch = maker.Batch(kBatch);
      for (const stix::Object& o : batch) ids.push_back(o.id);
      MustPut(*store, batch);
    }
  }
};

// Built on first use, removed at exit.
ReadFixture& Reads() {
  static ReadFixture fixture;
  return fixture;
}

void BM_Get(benchmark::State& state) {
  ReadFixture& f = Reads();
  std::mt19937_64 rng(4);
  for (auto _ : state) {
    Result<std::optional<StoredObject>> got =
        f.store->Get(Reader::System(), f.ids[rng() % f.ids.size()]);
    if (!got.ok() || !got->has_value()) {
      state.SkipWithError("Get failed");
      break;
    }
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Get);

void BM_ScanLatest(benchmark::State& state) {
  ReadFixture& f = Reads();
  int64_t seen = 0;
  for (auto _ : state) {
    Query q;
    q.types = {"indicator"};
    Status s = f.store->Scan(Reader::System(), q, [&](const StoredObject& o) {
      benchmark::DoNotOptimize(o.json.data());
      ++seen;
      return true;
    });
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(seen);
}
BENCHMARK(BM_ScanLatest)->Unit(benchmark::kMillisecond);

// Put alone on what the real pipeline produces from FILE.
void BM_PutFile(benchmark::State& state, const std::string& path) {
  for (auto _ : state) {
    BenchDir dir;
    SystemClock clock;
    std::unique_ptr<Store> store = MustOpen(dir.Db(), &clock);
    std::unique_ptr<Env> env = NewPosixEnv();
    stix::StixReader reader(*env, stix::ReaderOptions{});
    std::vector<stix::Object> batch;
    batch.reserve(kBatch);
    double put_seconds = 0;
    int64_t stored = 0, rejected = 0;
    auto flush = [&] {
      auto start = std::chrono::steady_clock::now();
      MustPut(*store, batch);
      put_seconds += std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
      stored += static_cast<int64_t>(batch.size());
      batch.clear();
    };
    auto read_start = std::chrono::steady_clock::now();
    Status s = reader.ReadFile(path, [&](stix::ReadUnit&& unit) {
      if (!unit.object) {
        ++rejected;
        return;
      }
      batch.push_back(std::move(*unit.object));
      if (batch.size() == kBatch) flush();
    });
    if (!batch.empty()) flush();
    double total_seconds = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - read_start)
                               .count();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    state.SetIterationTime(put_seconds);
    int64_t db = FileBytes(*store);
    auto input = static_cast<double>(reader.stats().bytes);
    state.counters["objects"] = static_cast<double>(stored);
    state.counters["rejected"] = static_cast<double>(rejected);
    state.counters["put_objects_per_s"] =
        static_cast<double>(stored) / put_seconds;
    state.counters["read_decode_objects_per_s"] =
        static_cast<double>(stored) / (total_seconds - put_seconds);
    state.counters["db_bytes_per_object"] =
        static_cast<double>(db) / static_cast<double>(stored);
    state.counters["input_bytes_per_object"] =
        input / static_cast<double>(stored);
    state.counters["db_over_input"] = static_cast<double>(db) / input;
  }
}

}  // namespace
}  // namespace ncert::store

int main(int argc, char** argv) {
  // Take --ndjson out before Google Benchmark sees the rest.
  std::string ndjson;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--ndjson=")) {
      ndjson = arg.substr(9);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!ndjson.empty()) {
    benchmark::RegisterBenchmark("BM_PutFile", ncert::store::BM_PutFile, ndjson)
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
