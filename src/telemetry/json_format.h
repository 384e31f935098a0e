// Private to telemetry/: the JSON-lines formats (Cowrie, Dionaea, EVE, Zeek,
// ECS/Winlogbeat/Sysmon, and NDJSON through a field map). A table maps each
// dotted source path ("tls.ja3.hash") to a Slot; one walk over the document
// with simdjson On-Demand fills the Event, skipping unmapped subtrees.
//
// Thread safety: one JsonFormat per reader thread.
#ifndef NCERT_TELEMETRY_JSON_FORMAT_H_
#define NCERT_TELEMETRY_JSON_FORMAT_H_

#include <memory>
#include <string_view>

#include "telemetry/field_map.h"
#include "telemetry/formats_internal.h"
#include "telemetry/reader.h"

namespace ncert::telemetry::internal {

class JsonFormat {
 public:
  virtual ~JsonFormat() = default;
  // `line` lies in `batch`'s arena followed by at least 64 readable bytes.
  // Fills `e` (strings point into the line, or into the arena when they
  // had escapes). Returns false (after reporting why) when the line gives
  // no event. Sets *unknown_kind when the kind is not one the format knows.
  virtual bool Parse(std::string_view line, Event* e, EventBatch* batch,
                     LineSink* sink, bool* unknown_kind) = 0;

  // A run of lines lying one after another in `run` (each but the last
  // ended by its newline; `run` followed by at least 64 readable bytes):
  // the lines passed to ParseInRun until the next StartRun are its lines,
  // in order. One stage-1 pass of simdjson then covers the whole run
  // instead of one per line.
  virtual void StartRun(std::string_view run) { (void)run; }
  // Parse for a line of the current run: the same event and the same
  // issues (a line the run's pass cannot vouch for is parsed alone).
  virtual bool ParseInRun(std::string_view line, Event* e, EventBatch* batch,
                          LineSink* sink, bool* unknown_kind) {
    return Parse(line, e, batch, sink, unknown_kind);
  }
};

// `file_name` lets Zeek take the log's name from the file when `_path` is
// missing. `map` is required for kNdjson.
std::unique_ptr<JsonFormat> NewJsonFormat(Format format, const FieldMap* map,
                                          std::string_view file_name);

// The format a JSON object line looks like, from its top-level keys.
std::optional<Format> DetectJsonLine(std::string_view line);

}  // namespace ncert::telemetry::internal

#endif  // NCERT_TELEMETRY_JSON_FORMAT_H_
