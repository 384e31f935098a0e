#include "match/pipeline.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ncert::match {

Status MatchPipeline::RunInline(telemetry::Reader& reader, const Sink& sink) {
  MatchScratch scratch;
  telemetry::EventBatch batch;
  std::vector<EventMatch> found;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&batch));
    if (!more) return Status::Ok();
    found.clear();
    matcher_.MatchBatch(batch.events, &scratch, &found);
    RETURN_IF_ERROR(sink(batch, found, reader.stats().bytes));
  }
}

namespace {

struct Slot {
  telemetry::PendingBatch pending;
  std::vector<EventMatch> found;
  uint64_t seq = 0;
  uint64_t bytes_read = 0;
};

// What the workers and the caller's thread share; every member under `mu`.
struct Shared {
  std::mutex mu;
  // Workers wait on `work` (a free slot and the reader's turn), the caller's
  // thread on `delivered` (the next batch matched): a handoff wakes only
  // the side that can use it.
  std::condition_variable work;
  std::condition_variable delivered;
  std::deque<Slot*> free;             // for a worker to read into
  std::map<uint64_t, Slot*> matched;  // by sequence number
  bool reading = false;               // a worker has the reader
  bool reading_done = false;
  uint64_t batches_read = 0;  // the next sequence number; final once done
  Status read_status;
  bool stop = false;  // the sink failed: everyone winds down
};

}  // namespace

Status MatchPipeline::Run(telemetry::Reader& reader, const Sink& sink) {
  if (options_.match_threads <= 0) return RunInline(reader, sink);
  const int in_flight = options_.in_flight > 0 ? options_.in_flight
                                               : 2 * options_.match_threads + 2;
  std::vector<std::unique_ptr<Slot>> slots;
  Shared sh;
  for (int i = 0; i < in_flight; ++i) {
    slots.push_back(std::make_unique<Slot>());
    sh.free.push_back(slots.back().get());
  }

  // Each worker takes its turn at the reader (one at a time: Read is
  // sequential), then parses and matches the batch it read. The lines go
  // from the kernel into the batch and through the parser on one core,
  // while still in its cache; with a reading thread of its own they crossed
  // cores, which cost about 7 % more CPU (docs/benchmarks.md).
  std::vector<std::thread> workers;
  for (int t = 0; t < options_.match_threads; ++t) {
    workers.emplace_back([&] {
      MatchScratch scratch;
      std::unique_ptr<telemetry::BatchParser> parser = reader.NewParser();
      while (true) {
        Slot* s;
        {
          std::unique_lock lock(sh.mu);
          sh.work.wait(lock, [&] {
            return (!sh.free.empty() && !sh.reading) || sh.reading_done ||
                   sh.stop;
          });
          if (sh.stop || sh.reading_done) break;
          s = sh.free.front();
          sh.free.pop_front();
          sh.reading = true;
        }
        Result<bool> more = reader.Read(&s->pending);
        {
          std::lock_guard lock(sh.mu);
          sh.reading = false;
          if (!more.ok() || !*more) {
            if (!more.ok()) sh.read_status = more.status();
            sh.free.push_back(s);
            sh.reading_done = true;  // batches_read is final
            sh.work.notify_all();
            sh.delivered.notify_all();
            break;
          }
          s->seq = sh.batches_read++;
          s->bytes_read = reader.stats().bytes;
        }
        sh.work.notify_one();  // the next worker may read
        parser->Parse(&s->pending);
        s->found.clear();
        matcher_.MatchBatch(s->pending.batch().events, &scratch, &s->found);
        {
          std::lock_guard lock(sh.mu);
          sh.matched.emplace(s->seq, s);
        }
        sh.delivered.notify_one();
      }
    });
  }

  Status result;
  for (uint64_t next = 0;; ++next) {
    Slot* s = nullptr;
    {
      std::unique_lock lock(sh.mu);
      sh.delivered.wait(lock, [&] {
        return sh.matched.count(next) > 0 ||
               (sh.reading_done && next >= sh.batches_read);
      });
      auto it = sh.matched.find(next);
      if (it == sh.matched.end()) {
        result = sh.read_status;  // every batch read was delivered
        break;
      }
      s = it->second;
      sh.matched.erase(it);
    }
    // Folded in here, on one thread, in the order read.
    reader.Commit(&s->pending);
    Status st = s->pending.batch().events.empty()
                    ? Status::Ok()
                    : sink(s->pending.batch(), s->found, s->bytes_read);
    {
      std::lock_guard lock(sh.mu);
      sh.free.push_back(s);
      if (!st.ok()) {
        result = st;
        sh.stop = true;
      }
    }
    if (!st.ok()) {
      sh.work.notify_all();
      break;
    }
    sh.work.notify_one();
  }
  for (std::thread& w : workers) w.join();
  return result;
}

}  // namespace ncert::match
