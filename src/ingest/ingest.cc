#include "ingest/ingest.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

namespace ncert::ingest {
namespace {

struct Batch {
  std::vector<stix::Object> objects;
  std::vector<access::AccessLabel> labels;  // one per object
  std::vector<stix::Location> locations;    // one per object
  std::vector<Report> reports;              // rejections and warnings, in order
  uint64_t bytes_read = 0;
  int64_t files_done = 0;
  Status error;  // a read error ends the stream
  bool last = false;

  // Empties the batch but keeps its vectors' capacity.
  void Clear() {
    objects.clear();
    labels.clear();
    locations.clear();
    reports.clear();
    bytes_read = 0;
    files_done = 0;
    error = Status::Ok();
    last = false;
  }
};

// Batches the writer is done with, handed back to the reader thread: the
// reader frees what it allocated (glibc frees memory of another thread's
// arena slowly, and the writer is the bottleneck) and reuses the vectors.
// Thread-safe.
class SpentBatches {
 public:
  void Put(Batch b) {
    std::lock_guard<std::mutex> l(mu_);
    spent_.push_back(std::move(b));
  }
  // A spent batch, emptied, or a new one.
  Batch Take() {
    Batch b;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (spent_.empty()) return b;
      b = std::move(spent_.back());
      spent_.pop_back();
    }
    b.Clear();
    return b;
  }

 private:
  std::mutex mu_;
  std::vector<Batch> spent_;
};

// A bounded single-producer, single-consumer queue of batches.
// Thread-safe.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  // Returns false if the consumer has gone away.
  bool Push(Batch b) {
    std::unique_lock<std::mutex> l(mu_);
    not_full_.wait(l, [&] { return q_.size() < capacity_ || closed_; });
    if (closed_) return false;
    q_.push_back(std::move(b));
    not_empty_.notify_one();
    return true;
  }
  Batch Pop() {
    std::unique_lock<std::mutex> l(mu_);
    not_empty_.wait(l, [&] { return !q_.empty(); });
    Batch b = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return b;
  }
  void Close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> q_;
  size_t capacity_;
  bool closed_ = false;
};

uint64_t VersionKey(const stix::Object& o) {
  uint64_t h = std::hash<std::string>{}(o.id);
  return h ^ (static_cast<uint64_t>(o.version.micros) * 0x9E3779B97F4A7C15ull);
}

// Reads every file and pushes batches; runs on its own thread.
void Produce(Env& env, const IngestOptions& options,
             const std::vector<std::string>& files, BatchQueue* queue,
             SpentBatches* spent) {
  stix::StixReader reader(env, options.reader);
  access::Labeler labeler(options.share);
  Batch batch;
  bool stopped = false;  // the consumer went away after a store error
  auto flush = [&] {
    batch.bytes_read = reader.stats().bytes;
    if (!queue->Push(std::move(batch))) stopped = true;
    batch = spent->Take();
  };
  // (id, version) keys in this file: nodes from a pool, released whole when
  // the file ends (a million objects would otherwise cost a million
  // mallocs and frees here).
  std::pmr::monotonic_buffer_resource pool;
  std::optional<std::pmr::unordered_set<uint64_t>> seen;
  auto sink = [&](stix::ReadUnit&& unit) {
    if (stopped) return;
    if (unit.object) {
      if (!seen->insert(VersionKey(*unit.object)).second) {
        unit.issues.push_back(
            {stix::Severity::kWarning, "", "duplicate-in-file",
             fmt::format("{} (modified {}) appears more than once in this "
                         "file; the later copy is judged against the earlier",
                         unit.object->id, unit.object->modified)});
      }
      if (!unit.issues.empty()) {
        batch.reports.push_back({unit.where, false, std::move(unit.issues)});
      }
      batch.labels.push_back(labeler.Label(*unit.object));
      batch.objects.push_back(std::move(*unit.object));
      batch.locations.push_back(std::move(unit.where));
    } else {
      batch.reports.push_back({std::move(unit.where),
                               stix::HasError(unit.issues),
                               std::move(unit.issues)});
    }
    if (static_cast<int>(batch.objects.size()) >= options.batch_size ||
        batch.reports.size() >= 10000) {
      flush();
    }
  };
  for (const auto& path : files) {
    if (stopped) return;
    seen.reset();
    pool.release();
    seen.emplace(&pool);
    seen->reserve(1 << 14);
    Status s = reader.ReadFile(path, sink);
    if (!s.ok()) {
      batch.error = s;
      batch.last = true;
      flush();
      return;
    }
    batch.files_done++;
  }
  batch.last = true;
  flush();
}

}  // namespace

Ingester::Ingester(Env& env, store::Store& store, IngestOptions options)
    : env_(env), store_(store), options_(std::move(options)) {}

Result<IngestCounts> Ingester::Ingest(const std::vector<std::string>& files,
                                      const IngestCallbacks& callbacks) {
  BatchQueue queue(static_cast<size_t>(std::max(1, options_.queue_batches)));
  SpentBatches spent;
  std::thread producer(Produce, std::ref(env_), std::cref(options_),
                       std::cref(files), &queue, &spent);
  IngestCounts counts;
  Status error;
  while (true) {
    Batch b = queue.Pop();
    counts.files += b.files_done;
    counts.bytes = b.bytes_read;
    for (const Report& r : b.reports) {
      if (r.rejected) ++counts.rejected;
      for (const auto& i : r.issues) {
        if (i.severity == stix::Severity::kWarning) ++counts.warnings;
      }
      if (callbacks.on_report) callbacks.on_report(r);
    }
    if (!b.objects.empty() && error.ok()) {
      auto outcomes = store_.Put(b.objects, b.labels);
      if (!outcomes.ok()) {
        error = outcomes.status();
      } else {
        counts.objects += static_cast<int64_t>(b.objects.size());
        for (size_t i = 0; i < outcomes->size(); ++i) {
          switch ((*outcomes)[i]) {
            case store::PutOutcome::kNew:
              ++counts.new_objects;
              break;
            case store::PutOutcome::kNewVersion:
              ++counts.new_versions;
              break;
            case store::PutOutcome::kUnchanged:
              ++counts.unchanged;
              break;
            case store::PutOutcome::kHistory:
              ++counts.history;
              break;
            case store::PutOutcome::kConflict: {
              ++counts.rejected;
              Report r{
                  b.locations[i],
                  true,
                  {{stix::Severity::kError, "/modified", "version-conflict",
                    fmt::format("{} with modified {} is already stored "
                                "with different content; a changed "
                                "object needs a new modified timestamp",
                                b.objects[i].id, b.objects[i].modified)}}};
              if (callbacks.on_report) callbacks.on_report(r);
              break;
            }
          }
        }
      }
    }
    if (callbacks.on_progress) callbacks.on_progress(b.bytes_read);
    if (!b.error.ok() && error.ok()) error = b.error;
    if (b.last || !error.ok()) break;
    spent.Put(std::move(b));
  }
  queue.Close();  // unblocks a producer still pushing after an error
  producer.join();
  if (!error.ok()) return error;
  return counts;
}

}  // namespace ncert::ingest
