// Leveled logging to a stream, one line per message:
//   2026-11-26T00:31:47.123Z W ingest: 3 objects rejected in apt1.json
// There is no global logger: main() makes one and hands it to services.
//
// Thread safety: Logger is thread-safe (lines are written whole, under a mutex).
#ifndef NCERT_CORE_LOG_H_
#define NCERT_CORE_LOG_H_

#include <cstdio>
#include <mutex>
#include <string_view>

#include <fmt/format.h>

#include "core/status.h"
#include "core/time.h"

namespace ncert {

enum class LogLevel { kDebug = 0, kInfo, kWarning, kError, kOff };

// "debug", "info", "warning", "error", "off".
Result<LogLevel> ParseLogLevel(std::string_view name);

class Logger {
 public:
  // `sink` and `clock` must outlive the logger.
  Logger(LogLevel min_level, std::FILE* sink, Clock* clock)
      : min_level_(min_level), sink_(sink), clock_(clock) {}

  bool Enabled(LogLevel level) const { return level >= min_level_; }
  void set_min_level(LogLevel level) { min_level_ = level; }

  template <typename... Args>
  void Debug(fmt::format_string<Args...> f, Args&&... args) {
    Log(LogLevel::kDebug, f, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Info(fmt::format_string<Args...> f, Args&&... args) {
    Log(LogLevel::kInfo, f, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Warning(fmt::format_string<Args...> f, Args&&... args) {
    Log(LogLevel::kWarning, f, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Error(fmt::format_string<Args...> f, Args&&... args) {
    Log(LogLevel::kError, f, std::forward<Args>(args)...);
  }

  template <typename... Args>
  void Log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) {
    if (!Enabled(level)) return;
    Write(level, fmt::format(f, std::forward<Args>(args)...));
  }
  void Write(LogLevel level, std::string_view message);

 private:
  LogLevel min_level_;
  std::FILE* sink_;
  Clock* clock_;
  std::mutex mu_;
};

}  // namespace ncert

#endif  // NCERT_CORE_LOG_H_
