// Reads telemetry and matches it on several threads, handing each batch's
// matches to the caller in input order (docs/matching.md, "Threads").
//
//   MatchPipeline pipeline(matcher, {.match_threads = 2});
//   Status s = pipeline.Run(*reader, [&](const telemetry::EventBatch& batch,
//                                        std::span<const EventMatch> found,
//                                        uint64_t bytes_read) {
//     ...  // print, aggregate: runs on the caller's thread, in order
//     return Status::Ok();
//   });
//
// `match_threads` workers take turns at the reader (telemetry::Reader::Read:
// one at a time, each reading a batch of lines into its own slot), then each
// parses and matches the batch it read; the caller's thread commits the
// batches' counts to the reader and receives them in the order they were
// read, so what it prints, and the reader's statistics and issues, are the
// same as a single-threaded run's. At most `in_flight` batches exist at once:
// memory is bounded by the reader's batch size, never by the input.
//
// Thread safety: one Run at a time per pipeline. The reader must not be used
// by anyone else during Run; its files() may be read from the sink (fixed
// once opened) and its stats() and issues() after Run returns.
#ifndef NCERT_MATCH_PIPELINE_H_
#define NCERT_MATCH_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <span>

#include "core/status.h"
#include "match/matcher.h"
#include "telemetry/event.h"
#include "telemetry/reader.h"

namespace ncert::match {

struct PipelineOptions {
  // Threads reading (in turn), parsing and matching batches. 0: no threads
  // at all, the caller's thread reads, parses and matches in turn.
  int match_threads = 1;
  // Batches read but not yet handed back by the sink; 0 picks
  // 2 * match_threads + 2.
  int in_flight = 0;
};

class MatchPipeline {
 public:
  // Called once per non-empty batch, in input order, on the thread that
  // called Run. `bytes_read` is the reader's byte count just after this
  // batch was read (for progress). An error stops the run and Run returns
  // it.
  using Sink = std::function<Status(const telemetry::EventBatch& batch,
                                    std::span<const EventMatch> found,
                                    uint64_t bytes_read)>;

  MatchPipeline(const Matcher& matcher, PipelineOptions options)
      : matcher_(matcher), options_(options) {}

  // Reads every event of `reader`, matches it, and calls `sink`. Returns
  // the first error: the reader's (after the batches read before it were
  // delivered) or the sink's.
  Status Run(telemetry::Reader& reader, const Sink& sink);

 private:
  Status RunInline(telemetry::Reader& reader, const Sink& sink);

  const Matcher& matcher_;
  PipelineOptions options_;
};

}  // namespace ncert::match

#endif  // NCERT_MATCH_PIPELINE_H_
