// The ingest pipeline: files -> StixReader (parse, validate, decode) ->
// batches -> Store::Put. Reading and validating run on one thread, writing on
// the calling thread, joined by a bounded queue of batches, so the two cores
// work at once and memory stays at a few batches.
//
// Every unit that is rejected (invalid, or a conflicting version) and every
// warning is reported through `on_report` with its location; valid objects of
// the same file are stored all the same, and nothing already stored changes
// because of a rejected unit.
//
// Thread safety: an Ingester runs one Ingest call at a time; callbacks are
// invoked on the calling thread.
#ifndef NCERT_INGEST_INGEST_H_
#define NCERT_INGEST_INGEST_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "access/labeler.h"
#include "core/env.h"
#include "core/status.h"
#include "stix/issue.h"
#include "stix/reader.h"
#include "store/store.h"

namespace ncert::ingest {

struct IngestOptions {
  stix::ReaderOptions reader;
  int batch_size = 10000;  // objects per write transaction
  int queue_batches = 2;  // batches read ahead of the writer
  // Who shares what is ingested, and with whom: each object's access label
  // (docs/access.md) is derived from its markings and these choices.
  access::ShareOptions share;
};

struct IngestCounts {
  int64_t files = 0;
  int64_t objects = 0;  // valid objects read
  int64_t new_objects = 0;
  int64_t new_versions = 0;
  int64_t unchanged = 0;
  int64_t history = 0;   // older versions kept as history
  int64_t rejected = 0;  // invalid units + conflicting versions
  int64_t warnings = 0;
  uint64_t bytes = 0;
};

struct Report {
  stix::Location where;
  bool rejected = false;  // false: warnings only, the object was stored
  std::vector<stix::Issue> issues;
};

struct IngestCallbacks {
  std::function<void(const Report&)> on_report;
  // Called now and then with bytes read so far (for a progress bar).
  std::function<void(uint64_t bytes_read)> on_progress;
};

class Ingester {
 public:
  Ingester(Env& env, store::Store& store, IngestOptions options);

  // Ingests `files` in order. Returns an error only for operational failures
  // (a file cannot be read, the store cannot write); bad content is counted
  // and reported. On a store error the batch in flight is rolled back and
  // the objects committed before it stay.
  Result<IngestCounts> Ingest(const std::vector<std::string>& files,
                              const IngestCallbacks& callbacks);

 private:
  Env& env_;
  store::Store& store_;
  IngestOptions options_;
};

}  // namespace ncert::ingest

#endif  // NCERT_INGEST_INGEST_H_
