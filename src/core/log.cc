#include "core/log.h"

namespace ncert {

Result<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning" || name == "warn") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  if (name == "off") return LogLevel::kOff;
  return Status::InvalidArgument(fmt::format(
      "unknown log level '{}' (want debug, info, warning, error or off)",
      name));
}

void Logger::Write(LogLevel level, std::string_view message) {
  static constexpr char kLetters[] = "DIWE";
  std::string line = FormatTimestamp(clock_->Now());
  line += ' ';
  line += kLetters[static_cast<int>(level) & 3];
  line += ' ';
  line += message;
  line += '\n';
  std::lock_guard<std::mutex> l(mu_);
  std::fwrite(line.data(), 1, line.size(), sink_);
  std::fflush(sink_);
}

}  // namespace ncert
