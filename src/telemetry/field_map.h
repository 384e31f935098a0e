// The field map for generic CSV and NDJSON telemetry: which column (CSV) or
// JSON path (NDJSON, dotted: "client.ip") fills which Event field, and how
// timestamps are written. Read from a small TOML file (docs/telemetry.md):
//
//   format = "csv"            # or "ndjson"
//   source = "proxy"          # Event::source
//   kind = "proxy.request"    # constant Event::kind (or map a field to kind)
//   delimiter = ","           # CSV only; one character (use "\t" for TSV)
//   header = true             # CSV: the first line names the columns
//   time_format = "iso8601"   # iso8601 | epoch (seconds) | epoch_ms
//   [fields]
//   time = "ts"               # CSV: a column name, or its 1-based number
//   src_ip = "client"
//   url = "request.url"
//
// Thread safety: a value.
#ifndef NCERT_TELEMETRY_FIELD_MAP_H_
#define NCERT_TELEMETRY_FIELD_MAP_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/env.h"
#include "core/status.h"

namespace ncert::telemetry {

struct FieldMap {
  enum class TimeFormat { kIso8601, kEpochSeconds, kEpochMillis };
  bool csv = true;  // false: NDJSON
  std::string source = "csv";
  std::string kind;
  char delimiter = ',';
  bool header = true;
  TimeFormat time_format = TimeFormat::kIso8601;
  // (Event field name, column name / 1-based column number / JSON path).
  std::vector<std::pair<std::string, std::string>> fields;
};

// The Event field names a map may use: time, kind, src_ip, dst_ip, src_port,
// dst_port, protocol, domain, url, email, user_agent, ja3, ja3s, hassh, md5,
// sha1, sha256, file_name, process, command_line, user, password, host,
// sensor, session.
Result<FieldMap> ParseFieldMap(std::string_view toml_text,
                               std::string_view source_name);
Result<FieldMap> LoadFieldMap(Env& env, const std::string& path);

}  // namespace ncert::telemetry

#endif  // NCERT_TELEMETRY_FIELD_MAP_H_
