#include "core/time.h"

#include <fmt/format.h>

#include <chrono>

namespace ncert {
namespace {

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

Status Bad(std::string_view text, std::string_view why) {
  return Status::InvalidArgument(
      fmt::format("'{}' is not an RFC 3339 UTC timestamp: {}", text, why));
}

}  // namespace

int64_t Timestamp::millis() const {
  return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
}

Result<Timestamp> ParseTimestamp(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 20) return Bad(s, "too short (want YYYY-MM-DDTHH:MM:SSZ)");
  if (!ParseDigits(s, 0, 4, &y) || s[4] != '-' || !ParseDigits(s, 5, 2, &mo) ||
      s[7] != '-' || !ParseDigits(s, 8, 2, &d)) {
    return Bad(s, "date part must be YYYY-MM-DD");
  }
  if (s[10] != 'T') return Bad(s, "date and time must be separated by 'T'");
  if (!ParseDigits(s, 11, 2, &h) || s[13] != ':' ||
      !ParseDigits(s, 14, 2, &mi) || s[16] != ':' ||
      !ParseDigits(s, 17, 2, &sec)) {
    return Bad(s, "time part must be HH:MM:SS");
  }
  std::chrono::year_month_day ymd{std::chrono::year(y),
                                  std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return Bad(s, "no such calendar date");
  if (h > 23) return Bad(s, "hour out of range");
  if (mi > 59) return Bad(s, "minute out of range");
  if (sec > 60) return Bad(s, "second out of range");
  size_t pos = 19;
  int64_t frac_us = 0;
  if (s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_us += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return Bad(s, "'.' must be followed by digits");
    if (pos - start > 9) return Bad(s, "more than 9 fraction digits");
  }
  if (pos != s.size() - 1 || s[pos] != 'Z') {
    return Bad(s, "must end in 'Z' (UTC) right after the seconds or fraction");
  }
  if (sec == 60) {  // leap second: the last representable instant of :59
    sec = 59;
    frac_us = 999999;
  }
  auto days = std::chrono::sys_days(ymd).time_since_epoch().count();
  int64_t secs = static_cast<int64_t>(days) * 86400 + h * 3600 + mi * 60 + sec;
  return Timestamp{secs * 1000000 + frac_us};
}

std::string FormatTimestamp(Timestamp t, int fraction_digits) {
  assert(fraction_digits == 0 || fraction_digits == 3 || fraction_digits == 6);
  int64_t secs =
      t.micros >= 0 ? t.micros / 1000000 : -((-t.micros + 999999) / 1000000);
  int64_t frac = t.micros - secs * 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  std::chrono::year_month_day ymd{
      std::chrono::sys_days(std::chrono::days(days))};
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // outside RFC 3339: as fmt would write it
    std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year,
                                  static_cast<unsigned>(ymd.month()),
                                  static_cast<unsigned>(ymd.day()), rem / 3600,
                                  (rem / 60) % 60, rem % 60);
    if (fraction_digits == 3) out += fmt::format(".{:03}", frac / 1000);
    if (fraction_digits == 6) out += fmt::format(".{:06}", frac);
    out += 'Z';
    return out;
  }
  // The common case by hand: this runs for every row a page reads.
  char buf[32];
  auto put = [](char* p, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(buf, year, 4);
  buf[4] = '-';
  put(buf + 5, static_cast<unsigned>(ymd.month()), 2);
  buf[7] = '-';
  put(buf + 8, static_cast<unsigned>(ymd.day()), 2);
  buf[10] = 'T';
  put(buf + 11, rem / 3600, 2);
  buf[13] = ':';
  put(buf + 14, (rem / 60) % 60, 2);
  buf[16] = ':';
  put(buf + 17, rem % 60, 2);
  size_t n = 19;
  if (fraction_digits == 3) {
    buf[n++] = '.';
    put(buf + n, frac / 1000, 3);
    n += 3;
  } else if (fraction_digits == 6) {
    buf[n++] = '.';
    put(buf + n, frac, 6);
    n += 6;
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

Timestamp SystemClock::Now() {
  auto d = std::chrono::system_clock::now().time_since_epoch();
  return {std::chrono::duration_cast<std::chrono::microseconds>(d).count()};
}

}  // namespace ncert
