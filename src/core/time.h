// RFC 3339 timestamps as STIX 2.1 uses them (UTC, "Z", optional fraction),
// kept as microseconds since the Unix epoch, and the Clock seam.
//
// Thread safety: Timestamp is a value. SystemClock is thread-safe; FakeClock is
// not (tests drive it from one thread).
#ifndef NCERT_CORE_TIME_H_
#define NCERT_CORE_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace ncert {

struct Timestamp {
  int64_t micros = 0;  // since 1970-01-01T00:00:00Z

  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
  static Timestamp FromMillis(int64_t ms) { return {ms * 1000}; }
  int64_t millis() const;  // floor
};

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]Z" strictly: upper-case T and Z, a
// real calendar date (no 2024-02-30), hour < 24, minute < 60, second <= 60
// (a leap second is read as :59.999999), at most 9 fraction digits (digits
// past the microsecond are truncated). The error message says which part is
// wrong. RFC 3339 offsets other than Z are rejected: STIX requires UTC.
Result<Timestamp> ParseTimestamp(std::string_view text);

// Formats with exactly `fraction_digits` (0, 3 or 6) digits:
// "2024-02-29T23:59:59.123Z" for 3, the STIX default.
std::string FormatTimestamp(Timestamp t, int fraction_digits = 3);

// The OS clock seam (after LevelDB's Env): production code takes a Clock&.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() override;
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_(start) {}
  Timestamp Now() override { return now_; }
  void Advance(int64_t micros) { now_.micros += micros; }
  void Set(Timestamp t) { now_ = t; }

 private:
  Timestamp now_;
};

}  // namespace ncert

#endif  // NCERT_CORE_TIME_H_
