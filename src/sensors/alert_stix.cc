#include "sensors/alert_stix.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cassert>
#include <vector>

#include "core/id.h"
#include "core/json.h"
#include "stix/decode.h"

namespace ncert::sensors {
namespace {

// Namespace of ncert's deterministic sensor object ids (a fixed UUIDv4).
constexpr std::string_view kSensorsNamespace =
    "6f1c7a52-2d0b-4c8e-9a51-3b7e0d9c4f21";
constexpr std::string_view kIdentityTime = "2020-01-01T00:00:00.000Z";

}  // namespace

std::string DeterministicId(std::string_view type, std::string_view name) {
  static_assert(kSensorsNamespace.size() == 36);
  Result<UuidBytes> ns = ParseUuid(kSensorsNamespace);
  assert(ns.ok());
  return fmt::format("{}--{}", type,
                     UuidV5(*ns, fmt::format("{}|{}", type, name)));
}

std::string SensorIdentityId(std::string_view sensor) {
  return DeterministicId("identity", fmt::format("sensor|{}", sensor));
}

std::string SensorIdentityJson(std::string_view sensor, stix::Tlp tlp) {
  std::string out = "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":";
  AppendJsonString(SensorIdentityId(sensor), &out);
  out += fmt::format(",\"created\":\"{}\",\"modified\":\"{}\"", kIdentityTime,
                     kIdentityTime);
  out += ",\"name\":";
  AppendJsonString(sensor, &out);
  out +=
      ",\"identity_class\":\"system\",\"description\":\"An ncert sensor "
      "(honeypot or darknet) as named in its telemetry.\"";
  out += ",\"object_marking_refs\":[";
  AppendJsonString(stix::Tlp2MarkingId(tlp), &out);
  out += "]}";
  return out;
}

std::string StixTime(Timestamp t) { return FormatTimestamp(t, 3); }

Result<stix::Object> DecodeStixJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element el;
  if (auto err = parser.parse(json.data(), json.size()).get(el)) {
    return Status::Internal(fmt::format("built STIX is not JSON: {}: {}",
                                        simdjson::error_message(err), json));
  }
  std::vector<stix::Issue> issues;
  std::optional<stix::Object> o = stix::ValidateAndDecode(el, &issues);
  if (!o) {
    std::string why;
    for (const auto& i : issues) {
      if (i.severity == stix::Severity::kError) {
        why += fmt::format(" {}: {}: {};", i.pointer, i.rule, i.message);
      }
    }
    return Status::Internal(
        fmt::format("built STIX object is invalid:{} {}", why, json));
  }
  return std::move(*o);
}

}  // namespace ncert::sensors
