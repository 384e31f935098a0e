#include "store/visibility.h"

#include <simdjson.h>

#include <vector>

#include "core/json.h"

namespace ncert::store {
namespace {

bool IsEdge(std::string_view type) {
  return type == "relationship" || type == "sighting";
}

bool IsContainer(std::string_view type) {
  return type == "report" || type == "note" || type == "opinion" ||
         type == "grouping" || type == "observed-data";
}

// Collects every string value of members named `*_ref` or `*_refs` at the
// top level of the object.
void TopLevelRefs(const simdjson::dom::object& o,
                  std::vector<std::string_view>* out) {
  for (auto field : o) {
    std::string_view k = field.key;
    bool ref = k.size() > 4 && k.substr(k.size() - 4) == "_ref";
    bool refs = k.size() > 5 && k.substr(k.size() - 5) == "_refs";
    if (!ref && !refs) continue;
    if (k == "created_by_ref" || k == "object_marking_refs") continue;
    std::string_view s;
    if (field.value.get_string().get(s) == simdjson::SUCCESS) {
      out->push_back(s);
      continue;
    }
    simdjson::dom::array arr;
    if (field.value.get_array().get(arr) == simdjson::SUCCESS) {
      for (auto item : arr) {
        if (item.get_string().get(s) == simdjson::SUCCESS) out->push_back(s);
      }
    }
  }
}

}  // namespace

bool VisibilityFilter::DependsOnRefs(std::string_view type) {
  return IsEdge(type) || IsContainer(type);
}

Result<bool> VisibilityFilter::CanSeeRef(std::string_view id) {
  if (auto it = ref_cache_.find(std::string(id)); it != ref_cache_.end()) {
    return it->second;
  }
  ASSIGN_OR_RETURN(std::optional<access::AccessLabel> label, lookup_(id));
  bool visible = !label || policy_.CanSee(who_, *label);
  ref_cache_.emplace(std::string(id), visible);
  return visible;
}

Result<VisibilityFilter::Verdict> VisibilityFilter::Apply(
    std::string_view type, const access::AccessLabel& label,
    const std::string& json, std::string* redacted) {
  if (!policy_.CanSee(who_, label)) return Verdict::kWithhold;
  if (!IsEdge(type) && !IsContainer(type)) {
    return Verdict::kAsIs;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) {
    return Status::Corruption("a stored object is not valid JSON");
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::Corruption("a stored object is not a JSON object");
  }
  if (IsEdge(type)) {
    std::vector<std::string_view> refs;
    TopLevelRefs(obj, &refs);
    for (std::string_view r : refs) {
      ASSIGN_OR_RETURN(bool ok, CanSeeRef(r));
      if (!ok) return Verdict::kWithhold;
    }
    return Verdict::kAsIs;
  }
  // Containers: drop invisible object_refs, keep the rest byte for byte.
  simdjson::dom::array refs;
  if (obj["object_refs"].get_array().get(refs) != simdjson::SUCCESS) {
    return Verdict::kAsIs;
  }
  std::vector<std::string_view> kept;
  bool dropped = false;
  for (auto item : refs) {
    std::string_view r;
    if (item.get_string().get(r) != simdjson::SUCCESS) continue;
    ASSIGN_OR_RETURN(bool ok, CanSeeRef(r));
    if (ok) {
      kept.push_back(r);
    } else {
      dropped = true;
    }
  }
  if (!dropped) return Verdict::kAsIs;
  if (kept.empty()) return Verdict::kWithhold;
  // Members are already in canonical order; rewrite only object_refs.
  std::string& out = *redacted;
  out = "{";
  bool first = true;
  for (auto field : obj) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(field.key, &out);
    out += ':';
    if (field.key == "object_refs") {
      out += '[';
      for (size_t i = 0; i < kept.size(); ++i) {
        if (i) out += ',';
        AppendJsonString(kept[i], &out);
      }
      out += ']';
    } else {
      RETURN_IF_ERROR(AppendCanonicalJson(field.value, &out));
    }
  }
  out += '}';
  return Verdict::kRedacted;
}

}  // namespace ncert::store
