#include "pattern/observation.h"

#include <fmt/format.h>

#include <deque>
#include <unordered_set>

#include "core/env.h"
#include "stix/reader.h"

namespace ncert::pattern {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// Appends every id named by a `*_ref` / `*_refs` member anywhere in `v`.
void CollectRefs(const Value& v, std::vector<std::string_view>* out,
                 int depth = 0) {
  if (depth > 64) return;
  if (v.is_object()) {
    for (const auto& [key, child] : v.members()) {
      if (EndsWith(key, "_ref") && child.is_string()) {
        out->push_back(child.string_value());
      } else if (EndsWith(key, "_refs") && child.is_array()) {
        for (const Value& item : child.items()) {
          if (item.is_string()) out->push_back(item.string_value());
        }
      } else {
        CollectRefs(child, out, depth + 1);
      }
    }
  } else if (v.is_array()) {
    for (const Value& item : v.items()) CollectRefs(item, out, depth + 1);
  }
}

Result<Timestamp> TimeMember(const Value& od, std::string_view key) {
  std::string_view text = od.StringMember(key);
  if (text.empty()) {
    return Status::InvalidArgument(fmt::format("observed-data has no {}", key));
  }
  return ParseTimestamp(text);
}

}  // namespace

const Sco* Observation::Find(std::string_view key) const {
  for (const Sco& s : objects) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

Result<Observation> ObservationFromObservedData(
    std::string_view observed_data_json, const ScoLookup& lookup,
    std::vector<std::string>* missing) {
  ASSIGN_OR_RETURN(Value od, Value::Parse(observed_data_json));
  if (!od.is_object() || od.StringMember("type") != "observed-data") {
    return Status::InvalidArgument("not an observed-data object");
  }
  Observation obs;
  obs.id = std::string(od.StringMember("id"));
  ASSIGN_OR_RETURN(obs.first_observed, TimeMember(od, "first_observed"));
  ASSIGN_OR_RETURN(obs.last_observed, TimeMember(od, "last_observed"));
  const Value* n = od.Find("number_observed");
  if (n == nullptr || n->kind() != Value::Kind::kInt) {
    return Status::InvalidArgument(
        "observed-data has no integer number_observed");
  }
  obs.number_observed = n->int_value();

  if (const Value* objects = od.Find("objects"); objects != nullptr) {
    if (!objects->is_object()) {
      return Status::InvalidArgument("observed-data objects is not an object");
    }
    for (const auto& [key, sco] : objects->members()) {
      if (!sco.is_object()) continue;
      obs.objects.push_back(
          Sco{key, std::string(sco.StringMember("type")), sco});
    }
    return obs;
  }
  const Value* refs = od.Find("object_refs");
  if (refs == nullptr || !refs->is_array()) {
    return Status::InvalidArgument(
        "observed-data has neither objects nor object_refs");
  }
  std::unordered_set<std::string> seen;
  std::deque<std::string> queue;
  for (const Value& r : refs->items()) {
    if (r.is_string() && seen.insert(r.string_value()).second) {
      queue.push_back(r.string_value());
    }
  }
  while (!queue.empty()) {
    std::string id = std::move(queue.front());
    queue.pop_front();
    const Value* sco = lookup ? lookup(id) : nullptr;
    if (sco == nullptr) {
      // object_refs may name SDOs and SROs too (STIX 2.1 observed-data
      // allows them); only missing SCO-looking ids are worth reporting.
      if (missing != nullptr) missing->push_back(id);
      continue;
    }
    obs.objects.push_back(
        Sco{id, std::string(sco->StringMember("type")), *sco});
    std::vector<std::string_view> more;
    CollectRefs(*sco, &more);
    for (std::string_view m : more) {
      if (seen.insert(std::string(m)).second) queue.emplace_back(m);
    }
  }
  return obs;
}

void ObservationCollector::Add(const stix::Object& object) {
  if (object.type == "observed-data") {
    observed_data_.push_back(Pending{object.id, object.json});
    return;
  }
  if (object.object_class != stix::ObjectClass::kSco) return;
  auto v = Value::Parse(object.json);
  if (!v.ok()) {
    warnings_.push_back(fmt::format("{}: {}", object.id, v.status().message()));
    return;
  }
  scos_.emplace(object.id, std::move(*v));
}

std::vector<Observation> ObservationCollector::Finish(
    std::vector<std::string>* warnings) {
  std::vector<Observation> out;
  auto lookup = [this](std::string_view id) -> const Value* {
    auto it = scos_.find(std::string(id));
    return it == scos_.end() ? nullptr : &it->second;
  };
  for (const Pending& p : observed_data_) {
    std::vector<std::string> missing;
    auto obs = ObservationFromObservedData(p.json, lookup, &missing);
    if (!obs.ok()) {
      warnings_.push_back(fmt::format("{}: {}", p.id, obs.status().message()));
      continue;
    }
    for (const std::string& m : missing) {
      warnings_.push_back(
          fmt::format("{}: references {}, which is not in the input", p.id, m));
    }
    out.push_back(std::move(*obs));
  }
  if (warnings != nullptr) {
    warnings->insert(warnings->end(), warnings_.begin(), warnings_.end());
  }
  warnings_.clear();
  observed_data_.clear();
  scos_.clear();
  return out;
}

std::vector<Observation> LoadObservationsFromBuffer(
    std::string_view name, std::string_view data,
    std::vector<std::string>* errors) {
  auto env = NewMemEnv();
  stix::StixReader reader(*env, stix::ReaderOptions{});
  ObservationCollector collector;
  Status s = reader.ReadBuffer(name, data, [&](stix::ReadUnit&& unit) {
    if (unit.object) {
      collector.Add(*unit.object);
      return;
    }
    if (errors == nullptr) return;
    for (const stix::Issue& issue : unit.issues) {
      if (issue.severity != stix::Severity::kError) continue;
      errors->push_back(fmt::format("{}: {}: {}",
                                    unit.where.Format(issue.pointer),
                                    issue.rule, issue.message));
    }
  });
  if (!s.ok() && errors != nullptr) errors->push_back(s.ToString());
  return collector.Finish(nullptr);
}

}  // namespace ncert::pattern
