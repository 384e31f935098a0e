#include "access/marking_effect.h"

#include <simdjson.h>

namespace ncert::access {
namespace {

bool ArrayHas(simdjson::dom::element parent, std::string_view key,
              std::string_view value) {
  simdjson::dom::array arr;
  if (parent[key].get_array().get(arr) != simdjson::SUCCESS) return false;
  for (auto item : arr) {
    std::string_view s;
    if (item.get_string().get(s) == simdjson::SUCCESS && s == value) {
      return true;
    }
  }
  return false;
}

}  // namespace

MarkingEffect MarkingEffectOf(std::string_view json) {
  MarkingEffect deny;
  deny.owner_only = true;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return deny;
  }
  simdjson::dom::element acs;
  if (root["extensions"][kAcs3ExtensionId].get(acs) != simdjson::SUCCESS) {
    return {};  // a statement or terms of use: restricts nobody
  }
  MarkingEffect effect;
  std::string_view classification;
  if (acs["control_set"]["classification"].get_string().get(classification) ==
      simdjson::SUCCESS) {
    if (classification == "U") {
      effect.clearance = 0;
    } else if (classification == "C") {
      effect.clearance = 1;
    } else if (classification == "S") {
      effect.clearance = 2;
    } else if (classification == "TS") {
      effect.clearance = 3;
    } else {
      return deny;
    }
  }
  bool everyone = false;
  simdjson::dom::array privileges;
  if (acs["access_privilege"].get_array().get(privileges) ==
      simdjson::SUCCESS) {
    for (auto p : privileges) {
      std::string_view rule;
      if (p["rule_effect"].get_string().get(rule) != simdjson::SUCCESS) {
        continue;
      }
      simdjson::dom::element scope;
      if (rule == "permit" &&
          p["privilege_scope"].get(scope) == simdjson::SUCCESS &&
          ArrayHas(scope, "permitted_organizations", "ALL")) {
        everyone = true;
      }
    }
  }
  effect.owner_only = !everyone;
  return effect;
}

}  // namespace ncert::access
