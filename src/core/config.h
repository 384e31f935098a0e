// ncert's configuration file (TOML, read with toml++). Every key is optional;
// an unknown key is an error, so a typo never silently falls back to a default.
//
//   [store]
//   path = "ncert.db"          # SQLite file
//   batch_size = 10000         # objects per write transaction
//   [ingest]
//   max_object_bytes = 16777216  # one STIX object (16 MiB); larger ones
//                                # are rejected as object-too-large
//   max_depth = 64               # JSON nesting
//   [log]
//   level = "info"
//   [sensors.surge]              # surge detection (docs/sensors.md)
//   k = 0.5                      # CUSUM reference value (sigmas)
//   h = 8.0                      # CUSUM decision interval (sigmas)
//   alpha = 0.01                 # Holt–Winters level smoothing
//   beta = 0.0                   # trend smoothing
//   gamma = 0.25                 # seasonal smoothing (per week)
//   warmup_weeks = 2             # weeks that only train the baseline
//   huber = 2.0                  # clip residuals at this many sigmas
//   min_value = 10.0             # alert only if the peak reaches this
//   min_ratio = 2.0              # ... and value / baseline reaches this
//   adapt_hours = 168            # an episode this long is the new normal
//   time_zone = "Asia/Tokyo"     # for display; times are stored in UTC
//   tlp = "amber"                # TLP of recorded alerts
//   [server]                     # `ncert serve` (docs/server.md)
//   listen = "127.0.0.1:8443"
//   threads = 2
//   tls_cert = "cert.pem"        # both or neither
//   tls_key = "key.pem"
//   max_body_bytes = 16777216
//   header_timeout_ms = 10000    # and body_, idle_, write_timeout_ms
//   max_connections = 10000
//   rate_per_second = 0          # per token (or remote IP); 0 = off
//   rate_burst = 0               # 0 = twice the rate
//   shutdown_grace_ms = 10000
//   auth_cache_ms = 10000
//   access_log = "-"             # "-" stderr, "" off, else a file
//   audit_requests = true        # audit every authenticated request
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

// [sensors.surge]; the sensors module checks time_zone.
struct SurgeConfig {
  double k = 0.5;
  double h = 8.0;
  double alpha = 0.01;
  double beta = 0.0;
  double gamma = 0.25;
  int warmup_weeks = 2;
  double huber = 2.0;
  double min_value = 10.0;
  double min_ratio = 2.0;
  int adapt_hours = 168;
  std::string time_zone = "Asia/Tokyo";
  std::string tlp = "amber";  // clear, green, amber, amber+strict, red
};

// The [server] section. Plain values: server/ maps them onto its options.
struct ServerConfig {
  std::string listen = "127.0.0.1:8443";
  int threads = 2;
  std::string tls_cert;
  std::string tls_key;
  uint64_t max_body_bytes = 16ull << 20;
  int64_t header_timeout_ms = 10000;
  int64_t body_timeout_ms = 30000;
  int64_t idle_timeout_ms = 60000;
  int64_t write_timeout_ms = 30000;
  int max_connections = 10000;
  double rate_per_second = 0;
  double rate_burst = 0;
  int64_t shutdown_grace_ms = 10000;
  int64_t auth_cache_ms = 10000;
  std::string access_log = "-";
  bool audit_requests = true;
};

struct Config {
  std::string store_path = "ncert.db";
  int batch_size = 10000;
  uint64_t max_object_bytes = 16ull << 20;
  int max_depth = 64;
  LogLevel log_level = LogLevel::kWarning;
  SurgeConfig surge;
  ServerConfig server;
};

// Parses TOML text; errors name `source` with line and column.
Result<Config> ParseConfig(std::string_view toml_text, std::string_view source);
Result<Config> LoadConfig(Env& env, const std::string& path);

}  // namespace ncert

#endif  // NCERT_CORE_CONFIG_H_
