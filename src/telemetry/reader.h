// Telemetry readers: Cowrie, Dionaea, Suricata EVE, Zeek (JSON), ECS /
// Winlogbeat / Sysmon, Linux auditd, and CSV / NDJSON through a field map,
// all turned into telemetry::Event batches (docs/telemetry.md).
//
//   ASSIGN_OR_RETURN(auto r, OpenReader(env, {"eve.json.gz"}, {}));
//   EventBatch batch;
//   while (true) {
//     ASSIGN_OR_RETURN(bool more, r->Next(&batch));
//     if (!more) break;
//     for (const Event& e : batch.events) ...
//   }
//
// Files are streamed (gzip and zstd are recognised by their magic bytes and
// decompressed on the fly); memory is bounded by the batch size and the
// maximum line length. Malformed input is data: the line is skipped (or the
// field dropped), counted in ReadStats by rule and listed, capped, as issues.
//
// Thread safety: a Reader is used by one thread, except in the three-step
// form (Read, BatchParser::Parse, Commit below): then one thread at a time
// reads (the calls to Read may come from different threads if each hands
// over to the next, as MatchPipeline's workers do under a mutex), any
// number parse, and one commits (stats() and issues() belong to the
// committing thread).
#ifndef NCERT_TELEMETRY_READER_H_
#define NCERT_TELEMETRY_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "core/time.h"
#include "telemetry/event.h"
#include "telemetry/field_map.h"

namespace ncert::telemetry {

enum class Format {
  kAuto,
  kCowrie,
  kDionaea,
  kEve,
  kZeek,
  kEcs,  // ECS, Winlogbeat, Sysmon and flat Windows event JSON
  kAuditd,
  kCsv,     // needs ReaderOptions::field_map
  kNdjson,  // generic JSON lines; needs ReaderOptions::field_map
};

std::string_view FormatName(Format f);  // "cowrie", "eve", ..., "auto"
std::optional<Format> ParseFormat(std::string_view name);

// Guesses the format of a file from its first (decompressed) bytes; the rules
// are in docs/telemetry.md. nullopt when nothing fits.
std::optional<Format> DetectFormat(std::string_view head,
                                   std::string_view file_name);

struct ReaderOptions {
  Format format = Format::kAuto;    // kAuto: detect per file
  size_t batch_size = 1024;         // events per Next()
  size_t max_line_bytes = 1 << 20;  // longer lines: line-too-long, skipped
  size_t max_issues = 100;          // issues kept (all are counted)
  // Events dated more than `max_future_micros` after clock->Now(), or more
  // than `max_past_micros` before it, are kept and flagged suspicious-time.
  // No clock: no check.
  Clock* clock = nullptr;
  int64_t max_future_micros = 24LL * 3600 * 1000000;           // 1 day
  int64_t max_past_micros = 10LL * 366 * 24 * 3600 * 1000000;  // ~10 years
  // Required for kCsv and kNdjson (and used by auto-detection for CSV).
  const FieldMap* field_map = nullptr;
};

// A problem in the input: "file:line: rule: message".
struct ReadIssue {
  std::string file;
  uint64_t line = 0;
  std::string rule;
  std::string message;
  std::string ToString() const;
};

struct ReadStats {
  uint64_t files = 0;
  uint64_t lines = 0;           // physical lines seen (incl. skipped ones)
  uint64_t bytes = 0;           // decompressed bytes read
  uint64_t events = 0;          // events produced
  uint64_t skipped_lines = 0;   // lines (or records) that gave no event
  uint64_t dropped_fields = 0;  // bad values dropped from kept events
  // Every issue counted by rule: line-too-long, json-invalid, field-type,
  // bad-ip, bad-port, bad-time, suspicious-time, truncated-input, ...
  std::map<std::string, uint64_t, std::less<>> by_rule;
  // Events whose kind the reader does not know (kept), by kind; at most 256
  // distinct kinds are listed, the rest are counted under "(other)".
  std::map<std::string, uint64_t, std::less<>> unknown_kinds;
  // Files per detected format.
  std::map<std::string, uint64_t, std::less<>> formats;
};

namespace internal {
struct PendingState;  // reader.cc
}

// A batch between the three steps of Reader::Read, BatchParser::Parse and
// Reader::Commit: the lines read (copied into the batch's arena), then the
// events parsed from them, and what was found wrong on the way.
//
// Thread safety: used by one thread at a time; the steps hand it over.
class PendingBatch {
 public:
  PendingBatch();
  ~PendingBatch();
  PendingBatch(const PendingBatch&) = delete;
  PendingBatch& operator=(const PendingBatch&) = delete;

  // The events, once parsed; strings point into its arena.
  EventBatch& batch() { return batch_; }
  const EventBatch& batch() const { return batch_; }
  internal::PendingState& state() { return *state_; }

 private:
  EventBatch batch_;
  std::unique_ptr<internal::PendingState> state_;
};

// Turns the lines of a PendingBatch into events. One per parsing thread.
//
// Thread safety: one thread at a time per parser; parsers of one reader
// may run at once, each on its own batch.
class BatchParser {
 public:
  virtual ~BatchParser() = default;
  // Fills p->batch().events, in line order, and notes malformed lines.
  virtual void Parse(PendingBatch* p) = 0;
};

class Reader {
 public:
  virtual ~Reader() = default;
  // Clears `batch` and fills it with up to batch_size events. Returns false
  // when every file is read and the batch is empty. A Status is an
  // operational error (a file could not be opened or read), not bad input.
  // The same as Read, Parse and Commit in turn.
  virtual Result<bool> Next(EventBatch* batch) = 0;

  // Reading in three steps, for a caller that parses on several threads
  // (match::MatchPipeline): Read splits the input into lines on one thread
  // (decompressing, numbering lines, parsing the multi-line formats CSV and
  // auditd); each parsing thread turns lines into events with its own
  // BatchParser; Commit folds a batch's counts and issues into stats() and
  // issues() and must see the batches in the order they were read. The
  // events, statistics and issues are those Next would give.
  //
  // Read: up to batch_size lines (or records) into `p`. False when the
  // input is exhausted and `p` holds nothing, not even an issue (a batch
  // read with true must be committed, even if it parses to no event).
  virtual Result<bool> Read(PendingBatch* p) = 0;
  // A parser for this reader's files; thread-safe to call.
  virtual std::unique_ptr<BatchParser> NewParser() const = 0;
  virtual void Commit(PendingBatch* p) = 0;

  virtual const ReadStats& stats() const = 0;
  virtual const std::vector<ReadIssue>& issues() const = 0;
  // The files, in the order read; RawRef::file indexes this list.
  virtual const std::vector<std::string>& files() const = 0;
};

// Opens a reader over `files` (read in order, each opened when reached).
// Fails when the options are inconsistent (CSV without a field map).
Result<std::unique_ptr<Reader>> OpenReader(Env& env,
                                           std::vector<std::string> files,
                                           ReaderOptions options);

}  // namespace ncert::telemetry

#endif  // NCERT_TELEMETRY_READER_H_
