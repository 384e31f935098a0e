// Private to telemetry/: the line formats that are not JSON objects — Linux
// auditd text records (grouped into one event per serial) and CSV through a
// field map.
//
// Thread safety: one instance per reader thread.
#ifndef NCERT_TELEMETRY_TEXT_FORMAT_H_
#define NCERT_TELEMETRY_TEXT_FORMAT_H_

#include <string>
#include <string_view>
#include <vector>

#include "telemetry/field_map.h"
#include "telemetry/formats_internal.h"

namespace ncert::telemetry::internal {

// "type=SYSCALL msg=audit(1700000000.123:456): ..." -> type "SYSCALL",
// stamp "1700000000.123:456". False if the line is not an audit record.
bool ParseAuditHeader(std::string_view line, std::string_view* type,
                      std::string_view* stamp);

// Builds one Event from the records of one audit event (newline-separated,
// already in the batch's arena). False (reported) if nothing usable.
bool ParseAuditEvent(std::string_view records, Event* e, EventBatch* batch,
                     LineSink* sink);

// CSV (RFC 4180) through a field map.
class CsvFormat {
 public:
  explicit CsvFormat(const FieldMap& map);
  // True when `record` ends inside a quoted field (a record may span lines).
  static bool Incomplete(std::string_view record);
  // Parses one record in the arena. The first record is the header when the
  // map says so: it sets the columns and gives no event (returns false with
  // *header true). Otherwise false means reported and skipped.
  bool Parse(std::string_view record, Event* e, EventBatch* batch,
             LineSink* sink, bool* header);

 private:
  const FieldMap& map_;
  bool need_header_;
  size_t columns_ = 0;                          // 0: not known
  std::vector<std::pair<size_t, Slot>> slots_;  // column index -> slot
  std::vector<std::string> names_;              // for messages
  std::vector<std::string_view> cells_;
  std::string scratch_;
};

}  // namespace ncert::telemetry::internal

#endif  // NCERT_TELEMETRY_TEXT_FORMAT_H_
