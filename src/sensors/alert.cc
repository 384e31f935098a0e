#include "sensors/alert.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/json.h"
#include "sensors/alert_stix.h"

namespace ncert::sensors {
namespace {

struct MetricName {
  std::string_view metric, en, ja;
};
constexpr MetricName kMetrics[] = {
    {"unique_sources", "unique sources", "ユニーク送信元数"},
    {"unique_destinations", "unique destinations", "ユニーク宛先数"},
    {"packets", "packets", "パケット数"},
    {"sessions", "sessions", "セッション数"},
    {"login_attempts", "login attempts", "ログイン試行数"},
    {"syn_scans", "SYN scans", "SYNスキャン数"},
    {"mirai", "Mirai-fingerprinted packets", "Mirai特徴パケット数"},
    {"backscatter", "backscatter packets", "バックスキャッタパケット数"},
};

// "23/tcp" -> "23/TCP"; "icmp" -> "ICMP".
std::string DimensionText(std::string_view d) {
  std::string out(d);
  size_t slash = out.find('/');
  for (size_t i = slash == std::string::npos ? 0 : slash; i < out.size(); ++i) {
    out[i] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(out[i])));
  }
  return out;
}

std::string RatioText(double r) {
  return r < 100 ? fmt::format("{:.1f}", r) : fmt::format("{:.0f}", r);
}

}  // namespace

Result<DisplayZone> ParseDisplayZone(std::string_view name) {
  struct Known {
    std::string_view name, abbrev;
    int offset;
  };
  static constexpr Known kKnown[] = {
      {"Asia/Tokyo", "JST", 540},
      {"Asia/Seoul", "KST", 540},
      {"Asia/Shanghai", "CST", 480},
      {"Asia/Singapore", "SGT", 480},
      {"UTC", "UTC", 0},
      {"Etc/UTC", "UTC", 0},
  };
  for (const Known& k : kKnown) {
    if (name == k.name)
      return DisplayZone{std::string(k.name), std::string(k.abbrev), k.offset};
  }
  // "+HH:MM" / "-HH:MM"
  if (name.size() == 6 && (name[0] == '+' || name[0] == '-') &&
      name[3] == ':' && std::isdigit(static_cast<unsigned char>(name[1])) &&
      std::isdigit(static_cast<unsigned char>(name[2])) &&
      std::isdigit(static_cast<unsigned char>(name[4])) &&
      std::isdigit(static_cast<unsigned char>(name[5]))) {
    int h = (name[1] - '0') * 10 + (name[2] - '0');
    int m = (name[4] - '0') * 10 + (name[5] - '0');
    if (h <= 14 && m < 60) {
      int off = (h * 60 + m) * (name[0] == '-' ? -1 : 1);
      return DisplayZone{std::string(name), "UTC" + std::string(name), off};
    }
  }
  return Status::InvalidArgument(fmt::format(
      "time zone '{}' is not known: use Asia/Tokyo, Asia/Seoul, "
      "Asia/Shanghai, Asia/Singapore, UTC or a fixed offset like +09:00",
      name));
}

std::string FormatInZone(Timestamp t, const DisplayZone& zone) {
  Timestamp local{t.micros + int64_t{zone.offset_minutes} * 60 * 1000000};
  std::string iso = FormatTimestamp(local, 0);  // 2022-02-24T03:00:00Z
  return fmt::format("{} {} {}", iso.substr(0, 10), iso.substr(11, 5),
                     zone.abbrev);
}

AlertText DescribeSurge(const Surge& s, const AlertOptions& o) {
  std::string_view en = s.key.metric, ja = s.key.metric;
  for (const MetricName& m : kMetrics) {
    if (m.metric == s.key.metric) {
      en = m.en;
      ja = m.ja;
    }
  }
  std::string dim = DimensionText(s.key.dimension);
  std::string since = FormatInZone(s.since, o.zone);
  std::string ratio = RatioText(s.ratio);
  AlertText t;
  t.en = fmt::format("{}: {}{}{}: {}× the {}-week baseline since {}",
                     s.key.sensor, en, dim.empty() ? "" : " to ", dim, ratio,
                     o.baseline_weeks, since);
  t.ja = fmt::format("{}: {}{}{}が{}週間のベースラインの{}倍（{}以降）",
                     s.key.sensor, dim, dim.empty() ? "" : "への", ja,
                     o.baseline_weeks, ratio, since);
  if (s.ongoing) {
    t.en += " (ongoing)";
    t.ja += "（継続中）";
  } else {
    t.en += fmt::format(", until {}", FormatInZone(s.last, o.zone));
    t.ja += fmt::format("、{}まで", FormatInZone(s.last, o.zone));
  }
  return t;
}

Result<std::vector<stix::Object>> SurgeToStix(const Surge& s,
                                              const AlertOptions& o) {
  AlertText text = DescribeSurge(s, o);
  std::string content = text.en + "\n" + text.ja + "\n\n";
  content += fmt::format(
      "{} {} {} ({}; {} bucket; peak {:.0f})\n", s.key.sensor, s.key.metric,
      s.key.dimension.empty() ? "(total)" : s.key.dimension, "value / baseline",
      ResolutionName(s.resolution), s.peak);
  for (const SurgePoint& p : s.excerpt) {
    content += fmt::format("{}  {:>10.0f}  {:>10.1f}\n",
                           FormatInZone(p.bucket, o.zone), p.value, p.baseline);
  }
  const std::string identity = SensorIdentityId(s.key.sensor);
  const std::string id = DeterministicId(
      "note", fmt::format("surge|{}|{}|{}|{}|{}", s.key.sensor, s.key.metric,
                          s.key.dimension, ResolutionName(s.resolution),
                          s.since.micros));
  std::string j = "{\"type\":\"note\",\"spec_version\":\"2.1\",\"id\":";
  AppendJsonString(id, &j);
  j += fmt::format(",\"created\":\"{}\",\"modified\":\"{}\"", StixTime(s.since),
                   StixTime(s.last));
  j += ",\"abstract\":";
  AppendJsonString(text.en, &j);
  j += ",\"content\":";
  AppendJsonString(content, &j);
  j += ",\"authors\":[\"ncert surge detection\"]";
  j += ",\"labels\":[\"surge\"]";
  j += ",\"object_refs\":[";
  AppendJsonString(identity, &j);
  j += "],\"object_marking_refs\":[";
  AppendJsonString(stix::Tlp2MarkingId(o.tlp), &j);
  j += "]}";
  std::vector<stix::Object> out;
  ASSIGN_OR_RETURN(stix::Object ident,
                   DecodeStixJson(SensorIdentityJson(s.key.sensor, o.tlp)));
  out.push_back(std::move(ident));
  ASSIGN_OR_RETURN(stix::Object note, DecodeStixJson(j));
  out.push_back(std::move(note));
  return out;
}

}  // namespace ncert::sensors
