// SetSlot and the value parsers shared by every format.
#include <fmt/format.h>

#include <array>
#include <charconv>

#include "telemetry/formats_internal.h"

namespace ncert::telemetry::internal {
namespace {

constexpr std::pair<std::string_view, Slot> kSlotNames[] = {
    {"time", Slot::kTime},
    {"kind", Slot::kKind},
    {"src_ip", Slot::kSrcIp},
    {"dst_ip", Slot::kDstIp},
    {"src_port", Slot::kSrcPort},
    {"dst_port", Slot::kDstPort},
    {"protocol", Slot::kProtocol},
    {"domain", Slot::kDomain},
    {"url", Slot::kUrl},
    {"email", Slot::kEmail},
    {"user_agent", Slot::kUserAgent},
    {"ja3", Slot::kJa3},
    {"ja3s", Slot::kJa3s},
    {"hassh", Slot::kHassh},
    {"md5", Slot::kMd5},
    {"sha1", Slot::kSha1},
    {"sha256", Slot::kSha256},
    {"file_name", Slot::kFileName},
    {"process", Slot::kProcess},
    {"command_line", Slot::kCommandLine},
    {"user", Slot::kUser},
    {"password", Slot::kPassword},
    {"host", Slot::kHost},
    {"sensor", Slot::kSensor},
    {"session", Slot::kSession},
};

bool Digits(std::string_view s, size_t at, size_t n, int* out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<Timestamp> ParseIso(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() < 19 || !Digits(s, 0, 4, &y) || s[4] != '-' ||
      !Digits(s, 5, 2, &mo) || s[7] != '-' || !Digits(s, 8, 2, &d) ||
      (s[10] != 'T' && s[10] != ' ' && s[10] != 't') || !Digits(s, 11, 2, &h) ||
      s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &se)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60) {
    return std::nullopt;
  }
  int dim = kDays[mo - 1] + (mo == 2 && LeapYear(y) ? 1 : 0);
  if (d > dim) return std::nullopt;
  if (se == 60) se = 59;
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    size_t start = i;
    int64_t scale = 100000;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (scale > 0) frac += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start || i - start > 9) return std::nullopt;
  }
  int64_t offset_s = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      int oh, om = 0;
      if (!Digits(s, i + 1, 2, &oh)) return std::nullopt;
      i += 3;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size()) {
        if (!Digits(s, i, 2, &om)) return std::nullopt;
        i += 2;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset_s = sign * (oh * 3600 + om * 60);
    }
  }
  if (i != s.size()) return std::nullopt;
  int64_t secs =
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) *
          86400 +
      h * 3600 + mi * 60 + se - offset_s;
  return Timestamp{secs * 1000000 + frac};
}

// "1700000000", "1700000000.123456", "1.7e9" is refused (not a log format).
std::optional<Timestamp> ParseEpoch(std::string_view s, bool millis) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    ++i;
  }
  int64_t whole = 0;
  size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (i - start >= 15) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    ++i;
  }
  if (i == start) return std::nullopt;
  int64_t frac = 0;  // micros (or nanos for millis)
  if (i < s.size() && s[i] == '.') {
    ++i;
    int64_t scale = millis ? 100 : 100000;
    size_t fs = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (scale > 0) frac += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == fs) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  int64_t micros = millis ? whole * 1000 + frac : whole * 1000000 + frac;
  return Timestamp{neg ? -micros : micros};
}

bool IsAbsent(std::string_view v) { return v.empty() || v == "-"; }

bool ParsePort(std::string_view v, uint16_t* out) {
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), p);
  if (ec != std::errc() || ptr != v.data() + v.size() || p > 65535) {
    return false;
  }
  *out = static_cast<uint16_t>(p);
  return true;
}

bool IsHex(std::string_view v) {
  static constexpr auto kHex = [] {
    std::array<bool, 256> t{};
    for (char c : std::string_view("0123456789abcdefABCDEF")) {
      t[static_cast<uint8_t>(c)] = true;
    }
    return t;
  }();
  bool ok = true;
  for (char c : v) ok &= kHex[static_cast<uint8_t>(c)];
  return ok;
}

std::string Shorten(std::string_view v) {
  if (v.size() <= 60) return std::string(v);
  return std::string(v.substr(0, 57)) + "...";
}

void SetHash(std::string_view* dst, size_t len, std::string_view v,
             std::string_view field, LineSink* sink) {
  if (v.size() != len || !IsHex(v)) {
    sink->Issue("bad-hash", fmt::format("{}: '{}' is not a {}-digit hex hash",
                                        field, Shorten(v), len));
    sink->DroppedField();
    return;
  }
  *dst = v;
}

// Sysmon "SHA1=..,MD5=..,SHA256=..,IMPHASH=..".
void SetHashes(std::string_view v, std::string_view field, Event* e,
               LineSink* sink) {
  while (!v.empty()) {
    size_t comma = v.find(',');
    std::string_view part = v.substr(0, comma);
    v = comma == std::string_view::npos ? std::string_view()
                                        : v.substr(comma + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = part.substr(0, eq), val = part.substr(eq + 1);
    if (name == "MD5") SetHash(&e->md5, 32, val, field, sink);
    if (name == "SHA1") SetHash(&e->sha1, 40, val, field, sink);
    if (name == "SHA256") SetHash(&e->sha256, 64, val, field, sink);
  }
}

}  // namespace

Slot SlotByName(std::string_view name) {
  for (const auto& [n, s] : kSlotNames) {
    if (n == name) return s;
  }
  return Slot::kNone;
}

std::optional<Timestamp> ParseLooseTime(std::string_view s, TimeStyle style) {
  switch (style) {
    case TimeStyle::kIso8601:
      return ParseIso(s);
    case TimeStyle::kEpochSeconds:
      return ParseEpoch(s, false);
    case TimeStyle::kEpochMillis:
      return ParseEpoch(s, true);
    case TimeStyle::kAuto:
      break;
  }
  if (s.size() >= 19 && s[4] == '-') return ParseIso(s);
  return ParseEpoch(s, false);
}

std::string_view NormaliseProtocol(std::string_view p, EventBatch* batch) {
  static constexpr std::string_view kKnown[] = {"tcp",       "udp",  "icmp",
                                                "ipv6-icmp", "sctp", "ssh",
                                                "telnet",    "http", "https"};
  if (p == "6") return "tcp";
  if (p == "17") return "udp";
  if (p == "1") return "icmp";
  if (p == "58") return "ipv6-icmp";
  for (std::string_view k : kKnown) {
    if (p.size() != k.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < p.size(); ++i) {
      char c = p[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != k[i]) {
        eq = false;
        break;
      }
    }
    if (eq) return k;
  }
  bool lower = true;
  for (char c : p) {
    if (c >= 'A' && c <= 'Z') lower = false;
  }
  if (lower) return p;
  std::string l(p);
  for (char& c : l) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return batch->Intern(l);
}

void SetSlot(Slot slot, std::string_view v, bool numeric, int prio,
             std::string_view field, Event* e, Scratch* sc, EventBatch* batch,
             LineSink* sink, TimeStyle time_style) {
  if (IsAbsent(v)) return;
  auto set_ip = [&](IpAddr* dst) {
    if (numeric) {
      sink->Issue("field-type",
                  fmt::format("{}: an IP address must be a string", field));
      sink->DroppedField();
      return;
    }
    std::optional<IpAddr> ip = IpAddr::Parse(v);
    if (!ip) {
      sink->Issue("bad-ip", fmt::format("{}: '{}' is not an IP address", field,
                                        Shorten(v)));
      sink->DroppedField();
      return;
    }
    *dst = *ip;
  };
  auto set_port = [&](uint16_t* dst) {
    if (!ParsePort(v, dst)) {
      sink->Issue("bad-port",
                  fmt::format("{}: '{}' is not a port number (0-65535)", field,
                              Shorten(v)));
      sink->DroppedField();
    }
  };
  auto set_str = [&](std::string_view* dst) {
    if (dst->empty()) *dst = v;
  };
  switch (slot) {
    case Slot::kNone:
    case Slot::kCount:
      return;
    case Slot::kTime: {
      if (prio >= sc->time_prio) return;
      std::optional<Timestamp> t = ParseLooseTime(v, time_style);
      if (!t) {
        sink->Issue("bad-time", fmt::format("{}: '{}' is not a timestamp",
                                            field, Shorten(v)));
        sink->DroppedField();
        return;
      }
      e->time = *t;
      sc->time_prio = prio;
      return;
    }
    case Slot::kKind:
      set_str(&e->kind);
      return;
    case Slot::kSrcIp:
      set_ip(&e->src_ip);
      return;
    case Slot::kDstIp:
      set_ip(&e->dst_ip);
      return;
    case Slot::kSrcPort:
      set_port(&e->src_port);
      return;
    case Slot::kDstPort:
      set_port(&e->dst_port);
      return;
    case Slot::kProtocol:
      if (e->protocol.empty()) e->protocol = NormaliseProtocol(v, batch);
      return;
    case Slot::kDomain:
      set_str(&e->domain);
      return;
    case Slot::kUrl:
      set_str(&e->url);
      return;
    case Slot::kEmail:
      set_str(&e->email);
      return;
    case Slot::kUserAgent:
      set_str(&e->user_agent);
      return;
    case Slot::kJa3:
      SetHash(&e->ja3, 32, v, field, sink);
      return;
    case Slot::kJa3s:
      SetHash(&e->ja3s, 32, v, field, sink);
      return;
    case Slot::kHassh:
      SetHash(&e->hassh, 32, v, field, sink);
      return;
    case Slot::kMd5:
      SetHash(&e->md5, 32, v, field, sink);
      return;
    case Slot::kSha1:
      SetHash(&e->sha1, 40, v, field, sink);
      return;
    case Slot::kSha256:
      SetHash(&e->sha256, 64, v, field, sink);
      return;
    case Slot::kFileName:
      set_str(&e->file_name);
      return;
    case Slot::kProcess:
      set_str(&e->process);
      return;
    case Slot::kCommandLine:
      set_str(&e->command_line);
      return;
    case Slot::kUser:
      set_str(&e->user);
      return;
    case Slot::kPassword:
      set_str(&e->password);
      return;
    case Slot::kHost:
      set_str(&e->host);
      return;
    case Slot::kSensor:
      set_str(&e->sensor);
      return;
    case Slot::kSession:
      set_str(&e->session);
      return;
    case Slot::kUrlHost:
      if (sc->url_host.empty()) sc->url_host = v;
      return;
    case Slot::kUrlPath:
      if (sc->url_path.empty()) sc->url_path = v;
      return;
    case Slot::kEventId:
      if (sc->event_id.empty()) sc->event_id = v;
      return;
    case Slot::kProvider:
      if (sc->provider.empty()) sc->provider = v;
      return;
    case Slot::kChannel:
      if (sc->channel.empty()) sc->channel = v;
      return;
    case Slot::kZeekPath:
      if (sc->zeek_path.empty()) sc->zeek_path = v;
      return;
    case Slot::kHashes:
      SetHashes(v, field, e, sink);
      return;
    case Slot::kConnType:
      if (sc->conn_type.empty()) sc->conn_type = v;
      return;
    case Slot::kAction:
      if (sc->action.empty()) sc->action = v;
      return;
  }
}

}  // namespace ncert::telemetry::internal
