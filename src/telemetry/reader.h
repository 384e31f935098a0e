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
// Thread safety: a Reader is used by one thread.
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

class Reader {
 public:
  virtual ~Reader() = default;
  // Clears `batch` and fills it with up to batch_size events. Returns false
  // when every file is read and the batch is empty. A Status is an
  // operational error (a file could not be opened or read), not bad input.
  virtual Result<bool> Next(EventBatch* batch) = 0;
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
