#include "sightings/aggregator.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <unordered_map>

#include "core/id.h"
#include "core/json.h"
#include "sightings/sighting_label.h"
#include "stix/decode.h"
#include "stix/markings.h"
#include "stix/sco_id.h"

namespace ncert::sightings {
namespace {

// The namespace of ncert's own deterministic ids (sightings, observed-data,
// sensor identities): UUIDv5 of "ncert.sightings" in the STIX SCO namespace.
const UuidBytes& SightingNamespace() {
  static const UuidBytes ns =
      *ParseUuid(UuidV5(*ParseUuid(kStixScoNamespace), "ncert.sightings"));
  return ns;
}

constexpr size_t kMaxValueBytes = 2048;
constexpr int64_t kMaxStixCount = 999'999'999;
constexpr int64_t kMinuteMicros = 60'000'000;

int64_t FloorTo(int64_t t, int64_t step) {
  int64_t q = t / step;
  if (t % step < 0) --q;
  return q * step;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
  });
}

bool SupportedType(std::string_view t) {
  return t == "ipv4-addr" || t == "ipv6-addr" || t == "domain-name" ||
         t == "url" || t == "email-addr" || t == "mac-addr" || t == "file";
}

// The SCO for one observed value, as JSON (without id).
std::string ScoBody(const TypedValue& v) {
  std::string out = "{\"spec_version\":\"2.1\",\"type\":";
  AppendJsonString(v.type, &out);
  if (v.type == "file") {
    std::string_view algo;
    if (IsHex(v.value)) {
      switch (v.value.size()) {
        case 32:
          algo = "MD5";
          break;
        case 40:
          algo = "SHA-1";
          break;
        case 64:
          algo = "SHA-256";
          break;
        case 128:
          algo = "SHA-512";
          break;
        default:
          break;
      }
    }
    if (!algo.empty()) {
      out += fmt::format(",\"hashes\":{{\"{}\":", algo);
      AppendJsonString(v.value, &out);
      out += '}';
    } else {
      out += ",\"name\":";
      AppendJsonString(v.value, &out);
    }
  } else {
    out += ",\"value\":";
    AppendJsonString(v.value, &out);
  }
  out += '}';
  return out;
}

// Parses and validates one object we built; the problem in words if it
// fails (e.g. an ipv4-addr value that is not an address).
Result<stix::Object> Decode(simdjson::dom::parser& parser,
                            const std::string& json) {
  simdjson::dom::element el;
  if (auto err = parser.parse(json).get(el)) {
    return Status::Internal(
        fmt::format("built invalid JSON: {}", simdjson::error_message(err)));
  }
  std::vector<stix::Issue> issues;
  std::optional<stix::Object> o = stix::ValidateAndDecode(el, &issues);
  if (!o) {
    for (const auto& i : issues) {
      if (i.severity == stix::Severity::kError) {
        return Status::InvalidArgument(
            fmt::format("{}: {}: {}", i.pointer, i.rule, i.message));
      }
    }
    return Status::InvalidArgument("rejected by validation");
  }
  return std::move(*o);
}

std::string Ts(Timestamp t) { return FormatTimestamp(t, 3); }

// Truncates to the millisecond STIX timestamps carry here.
Timestamp Ms(Timestamp t) { return Timestamp::FromMillis(t.millis()); }

void AppendRefs(const std::vector<std::string>& refs, std::string* out) {
  *out += '[';
  for (size_t i = 0; i < refs.size(); ++i) {
    if (i) *out += ',';
    AppendJsonString(refs[i], out);
  }
  *out += ']';
}

std::vector<std::string> MarkingRefs(const access::AccessLabel& label) {
  std::vector<std::string> refs;
  if (label.tlp) refs.emplace_back(stix::Tlp2MarkingId(*label.tlp));
  refs.insert(refs.end(), label.markings.begin(), label.markings.end());
  std::sort(refs.begin(), refs.end());
  return refs;
}

// The newer `modified` for a changed object: now, or just after the stored
// version when the clock is behind it.
Timestamp NextVersion(Timestamp now, const std::optional<Timestamp>& stored) {
  Timestamp t = Ms(now);
  if (stored && t <= *stored) t = Timestamp{stored->micros + 1000};
  return t;
}

// Totals over every source's contribution to one sighting.
struct Totals {
  int64_t count = 0;
  Timestamp first{INT64_MAX};
  Timestamp last{INT64_MIN};
  int64_t distinct = 0;
  std::vector<TypedValue> values;
};

Totals Merge(const std::vector<Contribution>& rows, size_t max_values) {
  Totals t;
  std::set<TypedValue> values;
  for (const Contribution& c : rows) {
    t.count += c.count;
    t.first = std::min(t.first, c.first);
    t.last = std::max(t.last, c.last);
    t.distinct = std::max(t.distinct, c.distinct_values);
    values.insert(c.values.begin(), c.values.end());
  }
  // Distinct over several sources is a lower bound: the sources' value sets
  // are not kept whole (docs/matching.md).
  t.distinct =
      std::max<int64_t>(t.distinct, static_cast<int64_t>(values.size()));
  for (const TypedValue& v : values) {
    if (t.values.size() == max_values) break;
    t.values.push_back(v);
  }
  return t;
}

}  // namespace

Aggregator::Aggregator(AggregatorOptions options)
    : options_(std::move(options)) {
  if (options_.bucket_micros <= 0) options_.bucket_micros = 3600'000'000;
}

Aggregator::~Aggregator() = default;

std::string Aggregator::SightingId(std::string_view indicator_id,
                                   std::string_view where_ref,
                                   Timestamp bucket) {
  return "sighting--" + UuidV5(SightingNamespace(),
                               fmt::format("sighting\n{}\n{}\n{}", indicator_id,
                                           where_ref, bucket.micros));
}

std::string Aggregator::ObservedDataId(std::string_view sighting_id) {
  return "observed-data--" +
         UuidV5(SightingNamespace(), fmt::format("summary\n{}", sighting_id));
}

std::string Aggregator::SensorIdentityId(std::string_view sensor) {
  return "identity--" +
         UuidV5(SightingNamespace(), fmt::format("sensor:{}", sensor));
}

void Aggregator::Add(const MatchRecord& r) {
  auto reject = [&](std::string_view why) {
    problems_.push_back(
        fmt::format("record for {} ({} '{}'): {}",
                    r.indicator_id.empty() ? "(no indicator)" : r.indicator_id,
                    r.value_type, r.matched_value.substr(0, 64), why));
  };
  auto id = ParseStixId(r.indicator_id);
  if (!id.ok()) return reject("indicator_id: " + id.status().message());
  std::string where = r.where_sighted_ref;
  if (where.empty()) {
    if (r.sensor.empty()) return reject("neither where_sighted_ref nor sensor");
    where = SensorIdentityId(r.sensor);
  }
  auto wid = ParseStixId(where);
  if (!wid.ok() || (wid->type != "identity" && wid->type != "location")) {
    return reject("where_sighted_ref must be an identity or location id");
  }
  if (!SupportedType(r.value_type)) {
    return reject(
        "unsupported value_type (ipv4-addr, ipv6-addr, domain-name, "
        "url, email-addr, mac-addr, file)");
  }
  if (r.matched_value.empty() || r.matched_value.size() > kMaxValueBytes) {
    return reject(
        fmt::format("matched_value empty or over {} bytes", kMaxValueBytes));
  }
  if (r.time.micros < 0) return reject("time before 1970");

  const int64_t bucket = FloorTo(r.time.micros, options_.bucket_micros);
  Bucket& b = buckets_[Key(r.indicator_id, where, bucket)];
  ++b.count;
  b.first = std::min(b.first, r.time);
  b.last = std::max(b.last, r.time);
  b.distinct.insert(std::hash<std::string_view>()(r.value_type) * 31 ^
                    std::hash<std::string_view>()(r.matched_value));
  if (b.smallest.size() < options_.max_values ||
      (!b.smallest.empty() &&
       TypedValue{r.value_type, r.matched_value} < *b.smallest.rbegin())) {
    b.smallest.insert({r.value_type, r.matched_value});
    if (b.smallest.size() > options_.max_values) {
      b.smallest.erase(std::prev(b.smallest.end()));
    }
  }
  ++minutes_[{r.indicator_id, FloorTo(r.time.micros, kMinuteMicros)}];
  ++accepted_;
}

Result<FlushResult> Aggregator::Flush(store::Store& store, RollupStore& rollups,
                                      std::string_view source,
                                      const ReporterLabel& reporter,
                                      Timestamp now) {
  FlushResult result;
  const store::Reader system = store::Reader::System();

  // The indicators' labels, and the reporters' choices.
  std::unordered_map<std::string, std::optional<access::AccessLabel>>
      indicators;
  std::unordered_map<std::string, std::optional<access::AccessLabel>> reporters;
  for (const auto& [key, b] : buckets_) {
    const std::string& ind = std::get<0>(key);
    if (!indicators.contains(ind)) {
      ASSIGN_OR_RETURN(auto stored, store.Get(system, ind));
      std::optional<access::AccessLabel> label;
      if (stored) {
        ASSIGN_OR_RETURN(label, access::DecodeLabel(stored->access));
      } else {
        result.problems.push_back(fmt::format(
            "{}: not in the store; its matches are not recorded", ind));
      }
      indicators.emplace(ind, std::move(label));
    }
    const std::string& where = std::get<1>(key);
    if (!reporters.contains(where)) {
      auto label = reporter(where);
      if (!label.ok() && label.status().code() != StatusCode::kNotFound) {
        return label.status();
      }
      if (!label.ok()) {
        result.problems.push_back(
            fmt::format("{}: no reporting organisation: {}", where,
                        label.status().message()));
        reporters.emplace(where, std::nullopt);
      } else {
        reporters.emplace(where, std::move(*label));
      }
    }
  }

  // This source's contributions, replacing what it contributed before.
  struct Pending {
    const Key* key;
    std::string sighting_id;
    access::AccessLabel label;
  };
  std::vector<Pending> pending;
  std::vector<Contribution> contributions;
  for (const auto& [key, b] : buckets_) {
    const auto& ind = indicators[std::get<0>(key)];
    const auto& rep = reporters[std::get<1>(key)];
    if (!ind || !rep) {
      result.records_skipped += b.count;
      continue;
    }
    std::string sid =
        SightingId(std::get<0>(key), std::get<1>(key), {std::get<2>(key)});
    Contribution c;
    c.sighting_id = sid;
    c.source = std::string(source);
    c.count = b.count;
    c.first = b.first;
    c.last = b.last;
    c.distinct_values = static_cast<int64_t>(b.distinct.size());
    c.values.assign(b.smallest.begin(), b.smallest.end());
    contributions.push_back(std::move(c));
    pending.push_back({&key, std::move(sid), SightingLabel(*ind, *rep)});
    result.records += b.count;
  }
  RETURN_IF_ERROR(rollups.PutContributions(contributions));
  std::vector<MinuteCount> minutes;
  for (const auto& [k, n] : minutes_) {
    const auto it = indicators.find(k.first);
    if (it == indicators.end() || !it->second) continue;
    minutes.push_back({k.first, {k.second}, n});
  }
  RETURN_IF_ERROR(rollups.PutMinuteCounts(source, minutes));

  // The knowledge: sightings, their summaries and the SCOs they name.
  simdjson::dom::parser parser;
  std::vector<stix::Object> objects;
  std::vector<access::AccessLabel> labels;
  std::vector<int> sighting_is_new;  // per object: 1 new, 0 update, -1 other
  std::string created_by;
  if (!options_.created_by_ref.empty()) {
    created_by = ",\"created_by_ref\":";
    AppendJsonString(options_.created_by_ref, &created_by);
  }
  for (const Pending& p : pending) {
    ASSIGN_OR_RETURN(std::vector<Contribution> rows,
                     rollups.Contributions(p.sighting_id));
    const Totals t = Merge(rows, options_.max_values);
    const std::vector<std::string> markings = MarkingRefs(p.label);

    // SCOs: each validated; a value that is not valid for its type (an
    // ipv4-addr that is no address) is counted, not named.
    std::vector<std::string> sco_ids;
    for (const TypedValue& v : t.values) {
      std::string body = ScoBody(v);
      simdjson::dom::element el;
      if (parser.parse(body).get(el)) continue;
      auto sco_id = stix::ComputeScoId(el);
      if (!sco_id.ok()) continue;
      std::string json = body;
      json.pop_back();
      json += ",\"id\":";
      AppendJsonString(*sco_id, &json);
      json += '}';
      auto sco = Decode(parser, json);
      if (!sco.ok()) {
        result.problems.push_back(
            fmt::format("{} '{}' seen by {}: not listed: {}", v.type, v.value,
                        p.sighting_id, sco.status().message()));
        continue;
      }
      sco_ids.push_back(*sco_id);
      objects.push_back(std::move(*sco));
      labels.push_back(p.label);
      sighting_is_new.push_back(-1);
    }
    std::sort(sco_ids.begin(), sco_ids.end());
    sco_ids.erase(std::unique(sco_ids.begin(), sco_ids.end()), sco_ids.end());

    // Builds the object with the given created/modified; unchanged when the
    // stored latest version is byte for byte what we would write again.
    auto build = [&](std::string_view id,
                     const std::function<std::string(std::string_view,
                                                     std::string_view)>& body)
        -> Result<std::optional<stix::Object>> {
      ASSIGN_OR_RETURN(auto stored, store.Get(system, id));
      if (stored) {
        ASSIGN_OR_RETURN(auto existing, Decode(parser, stored->json));
        std::string created = existing.created ? Ts(*existing.created) : "";
        ASSIGN_OR_RETURN(auto again,
                         Decode(parser, body(created, existing.modified)));
        if (again.json == stored->json) return std::optional<stix::Object>();
        ASSIGN_OR_RETURN(
            auto next,
            Decode(parser,
                   body(created, Ts(NextVersion(now, existing.version)))));
        return std::optional<stix::Object>(std::move(next));
      }
      ASSIGN_OR_RETURN(auto fresh,
                       Decode(parser, body(Ts(Ms(now)), Ts(Ms(now)))));
      return std::optional<stix::Object>(std::move(fresh));
    };

    std::string od_id;
    if (!sco_ids.empty()) {
      od_id = ObservedDataId(p.sighting_id);
      const int64_t listed = static_cast<int64_t>(sco_ids.size());
      auto od_body = [&](std::string_view created, std::string_view modified) {
        std::string o =
            "{\"type\":\"observed-data\",\"spec_version\":\"2.1\",\"id\":";
        AppendJsonString(od_id, &o);
        o += fmt::format(
            ",\"created\":\"{}\",\"modified\":\"{}\",\"first_observed\":\"{}\","
            "\"last_observed\":\"{}\",\"number_observed\":{},\"object_refs\":",
            created, modified, Ts(Ms(t.first)), Ts(Ms(t.last)),
            std::clamp<int64_t>(t.count, 1, kMaxStixCount));
        AppendRefs(sco_ids, &o);
        o += ",\"object_marking_refs\":";
        AppendRefs(markings, &o);
        o += fmt::format(
            ",\"x_ncert_distinct_values\":{},"
            "\"x_ncert_values_not_listed\":{}",
            std::max(t.distinct, listed),
            std::max<int64_t>(t.distinct - listed, 0));
        o += created_by + "}";
        return o;
      };
      ASSIGN_OR_RETURN(auto od, build(od_id, od_body));
      if (od) {
        objects.push_back(std::move(*od));
        labels.push_back(p.label);
        sighting_is_new.push_back(-1);
        ++result.observed_data_written;
      }
    }

    const std::string& indicator = std::get<0>(*p.key);
    const std::string& where = std::get<1>(*p.key);
    auto s_body = [&](std::string_view created, std::string_view modified) {
      std::string o = "{\"type\":\"sighting\",\"spec_version\":\"2.1\",\"id\":";
      AppendJsonString(p.sighting_id, &o);
      o += fmt::format(
          ",\"created\":\"{}\",\"modified\":\"{}\",\"first_seen\":\"{}\","
          "\"last_seen\":\"{}\",\"count\":{},\"sighting_of_ref\":",
          created, modified, Ts(Ms(t.first)), Ts(Ms(t.last)),
          std::min(t.count, kMaxStixCount));
      AppendJsonString(indicator, &o);
      o += ",\"where_sighted_refs\":";
      AppendRefs({where}, &o);
      if (!od_id.empty()) {
        o += ",\"observed_data_refs\":";
        AppendRefs({od_id}, &o);
      }
      o += ",\"object_marking_refs\":";
      AppendRefs(markings, &o);
      o += created_by + "}";
      return o;
    };
    auto existed = store.Get(system, p.sighting_id);
    if (!existed.ok()) return existed.status();
    ASSIGN_OR_RETURN(auto s, build(p.sighting_id, s_body));
    if (!s) {
      ++result.sightings_unchanged;
      continue;
    }
    objects.push_back(std::move(*s));
    labels.push_back(p.label);
    sighting_is_new.push_back(*existed ? 0 : 1);
  }

  ASSIGN_OR_RETURN(std::vector<store::PutOutcome> outcomes,
                   store.Put(objects, labels));
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (sighting_is_new[i] == 1) ++result.sightings_new;
    if (sighting_is_new[i] == 0) ++result.sightings_updated;
    if (objects[i].object_class == stix::ObjectClass::kSco &&
        outcomes[i] == store::PutOutcome::kNew) {
      ++result.scos_written;
    }
  }
  buckets_.clear();
  minutes_.clear();
  return result;
}

}  // namespace ncert::sightings
