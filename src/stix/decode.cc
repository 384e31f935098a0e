#include "stix/decode.h"

#include <simdjson.h>

#include "core/json.h"
#include "stix/spec.h"
#include "stix/validate.h"

namespace ncert::stix {
namespace {

std::string_view StringOr(const simdjson::dom::object& o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return {};
  return v;
}

std::optional<Timestamp> TimeOf(const simdjson::dom::object& o,
                                std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  auto t = ParseTimestamp(v);
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::vector<std::string> StringsOf(const simdjson::dom::object& o,
                                   std::string_view key) {
  std::vector<std::string> out;
  simdjson::dom::array arr;
  if (o[key].get_array().get(arr) != simdjson::SUCCESS) return out;
  for (auto item : arr) {
    std::string_view v;
    if (item.get_string().get(v) == simdjson::SUCCESS) out.emplace_back(v);
  }
  return out;
}

}  // namespace

std::optional<Object> ValidateAndDecode(const simdjson::dom::element& element,
                                        std::vector<Issue>* issues,
                                        size_t size_hint) {
  simdjson::dom::object o;
  if (element.get_object().get(o) != simdjson::SUCCESS) {
    issues->push_back({Severity::kError, "", "not-an-object",
                       "a STIX object must be a JSON object"});
    return std::nullopt;
  }
  Object obj;
  obj.json.reserve(size_hint);
  std::string dup;
  if (!AppendCanonicalJson(element, &obj.json, &dup).ok()) {
    issues->push_back({Severity::kError, dup, "json-duplicate-member",
                       "this member name appears twice in one JSON object; "
                       "which value is meant is ambiguous"});
    return std::nullopt;
  }
  if (!ValidateObject(element, issues)) return std::nullopt;

  obj.type = StringOr(o, "type");
  obj.id = StringOr(o, "id");
  obj.spec_version = StringOr(o, "spec_version");
  obj.created = TimeOf(o, "created");
  std::optional<ObjectClass> known = KnownTypeClass(obj.type);
  if (known) {
    obj.object_class = *known;
  } else {
    obj.object_class = obj.created ? ObjectClass::kSdo : ObjectClass::kSco;
  }
  if (obj.object_class != ObjectClass::kSco) {
    std::string_view modified = StringOr(o, "modified");
    if (modified.empty()) modified = StringOr(o, "created");
    obj.modified = modified;
    if (auto t = ParseTimestamp(modified); t.ok()) obj.version = *t;
  }
  obj.created_by_ref = StringOr(o, "created_by_ref");
  bool revoked = false;
  if (o["revoked"].get_bool().get(revoked) == simdjson::SUCCESS) {
    obj.revoked = revoked;
  }
  obj.valid_from = TimeOf(o, "valid_from");
  obj.valid_until = TimeOf(o, "valid_until");
  obj.labels = StringsOf(o, "labels");
    obj.object_marking_refs = StringsOf(o, "object_marking_refs");
  simdjson::dom::array granular;
  if (o["granular_markings"].get_array().get(granular) == simdjson::SUCCESS) {
    for (auto g : granular) {
      std::string_view ref;
      if (g["marking_ref"].get_string().get(ref) == simdjson::SUCCESS) {
        obj.granular_marking_refs.emplace_back(ref);
      }
    }
  }
  return obj;
}

}  // namespace ncert::stix
