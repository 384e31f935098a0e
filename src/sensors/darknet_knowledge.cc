#include "sensors/darknet_knowledge.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "access/labeler.h"
#include "core/id.h"
#include "core/json.h"
#include "stix/decode.h"

namespace ncert::sensors {
namespace {

// UUIDv5 namespace of ncert's darknet knowledge (a fixed random UUID).
constexpr UuidBytes kNamespace = {0x6b, 0x1f, 0x5e, 0x2a, 0x93, 0x0c,
                                  0x4d, 0x7e, 0x8a, 0x41, 0x2f, 0x6d,
                                  0x0b, 0x93, 0xc4, 0x55};

std::string Q(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

Result<stix::Object> Decode(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element el;
  if (auto err = parser.parse(json).get(el); err) {
    return Status::Internal("darknet knowledge: bad JSON built");
  }
  std::vector<stix::Issue> issues;
  std::optional<stix::Object> o = stix::ValidateAndDecode(el, &issues);
  if (!o) {
    std::string why = issues.empty() ? "" : issues.front().message;
    return Status::Internal("darknet knowledge: invalid STIX built: " + why);
  }
  return std::move(*o);
}

}  // namespace

Result<DarknetKnowledgeCounts> RecordDarknetKnowledge(
    store::Store& store, const DarknetReport& report,
    const DarknetKnowledgeOptions& options) {
  DarknetKnowledgeCounts counts;
  std::vector<stix::Object> objects;
  std::vector<std::string> refs;
  const std::string now = FormatTimestamp(options.now, 3);
  const std::string marking(stix::Tlp2MarkingId(options.tlp));
  for (const MiraiHost& m : report.mirai_hosts) {
    if (m.confidence < options.min_confidence) continue;
    bool v6 = m.ip.find(':') != std::string::npos;
    std::string id =
        "indicator--" + UuidV5(kNamespace, report.sensor + "|" + m.ip);
    Timestamp until{m.last.micros + options.valid_days * 86400LL * 1000000};
    std::string json = fmt::format(
        "{{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":{},"
        "\"created\":{},\"modified\":{},\"name\":{},\"description\":{},"
        "\"indicator_types\":[\"compromised\",\"malicious-activity\"],"
        "\"pattern\":{},\"pattern_type\":\"stix\",\"valid_from\":{},"
        "\"valid_until\":{},\"confidence\":{},\"labels\":[\"mirai\","
        "\"darknet\"],\"object_marking_refs\":[{}]}}",
        Q(id), Q(now), Q(now), Q("Mirai-infected host " + m.ip),
        Q(fmt::format("{} TCP SYNs with sequence number = destination address "
                      "(Mirai's scanner fingerprint) out of {} SYNs seen at "
                      "darknet sensor {}, ports {}; {}.",
                      m.fingerprinted, m.syns, report.sensor,
                      fmt::join(m.ports, ","), m.variant)),
        Q(fmt::format("[{}:value = '{}']", v6 ? "ipv6-addr" : "ipv4-addr",
                      m.ip)),
        Q(FormatTimestamp(m.first, 3)), Q(FormatTimestamp(until, 3)),
        m.confidence, Q(marking));
    ASSIGN_OR_RETURN(stix::Object o, Decode(json));
    refs.push_back(id);
    objects.push_back(std::move(o));
    ++counts.indicators;
  }
  if (!refs.empty()) {
    std::string refs_json;
    for (size_t i = 0; i < refs.size(); ++i) {
      refs_json += (i ? "," : "") + Q(refs[i]);
    }
    std::string id =
        "note--" + UuidV5(kNamespace, report.sensor + "|note|" +
                                          FormatTimestamp(report.first, 0));
    std::string json = fmt::format(
        "{{\"type\":\"note\",\"spec_version\":\"2.1\",\"id\":{},"
        "\"created\":{},\"modified\":{},\"abstract\":{},\"content\":{},"
        "\"object_refs\":[{}],\"object_marking_refs\":[{}]}}",
        Q(id), Q(now), Q(now),
        Q(fmt::format("Darknet {}: {} Mirai-fingerprinted hosts", report.sensor,
                      report.mirai_hosts_total)),
        Q(fmt::format(
            "{} .. {}: {} packets to {} monitored addresses; {} SYN, {} "
            "Mirai-fingerprinted, {} backscatter packets; about {} distinct "
            "sources; {} SYN scanners; {} DoS attacks inferred from "
            "backscatter.",
            FormatTimestamp(report.first, 0), FormatTimestamp(report.last, 0),
            report.packets, report.monitored_addresses, report.syn,
            report.mirai, report.backscatter, report.unique_sources,
            report.scanners_total, report.attacks_total)),
        refs_json, Q(marking));
    ASSIGN_OR_RETURN(stix::Object o, Decode(json));
    objects.push_back(std::move(o));
    ++counts.notes;
  }
  if (objects.empty()) return counts;
  access::ShareOptions share;
  share.owner_org = options.owner_org;
  share.default_tlp = options.tlp;
  access::Labeler labeler(share);
  std::vector<access::AccessLabel> labels;
  for (const stix::Object& o : objects) labels.push_back(labeler.Label(o));
  ASSIGN_OR_RETURN(std::vector<store::PutOutcome> outcomes,
                   store.Put(objects, labels));
  for (store::PutOutcome p : outcomes) {
    if (p == store::PutOutcome::kNew || p == store::PutOutcome::kNewVersion) {
      ++counts.new_objects;
    }
  }
  return counts;
}

}  // namespace ncert::sensors
