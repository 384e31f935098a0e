// ncert's configuration file (TOML, read with toml++). Every key is optional;
// an unknown key is an error, so a typo never silently falls back to a default.
//
//   [store]
//   path = "ncert.db"          # SQLite file
//   batch_size = 5000          # objects per write transaction
//   [ingest]
//   max_object_bytes = 16777216  # one STIX object (16 MiB); larger ones
//                                # are rejected as object-too-large
//   max_depth = 64               # JSON nesting
//   [log]
//   level = "info"
//
// Thread safety: Config is a value.
#ifndef NCERT_CORE_CONFIG_H_
#define NCERT_CORE_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/env.h"
#include "core/log.h"
#include "core/status.h"

namespace ncert {

struct Config {
  std::string store_path = "ncert.db";
  int batch_size = 5000;
  uint64_t max_object_bytes = 16ull << 20;
  int max_depth = 64;
  LogLevel log_level = LogLevel::kWarning;
};

// Parses TOML text; errors name `source` with line and column.
Result<Config> ParseConfig(std::string_view toml_text, std::string_view source);
Result<Config> LoadConfig(Env& env, const std::string& path);

}  // namespace ncert

#endif  // NCERT_CORE_CONFIG_H_
