#include "access/labeler.h"

#include <algorithm>

namespace ncert::access {

AccessLabel Labeler::Label(const stix::Object& object) const {
  AccessLabel label;
  label.owner_org = options_.owner_org;
  if (object.type == "marking-definition") {
    label.tlp = stix::Tlp::kClear;
    label.distribution.everyone = true;
    return label;
  }
  label.distribution = options_.distribution;
  label.clearance = options_.clearance;
  auto consider = [&](const std::string& ref) {
    if (std::optional<stix::Tlp> t = stix::TlpOfMarking(ref)) {
      if (!label.tlp || *t > *label.tlp) label.tlp = t;
    } else if (std::find(label.markings.begin(), label.markings.end(), ref) ==
               label.markings.end()) {
      label.markings.push_back(ref);
    }
  };
  for (const auto& ref : object.object_marking_refs) consider(ref);
  for (const auto& ref : object.granular_marking_refs) consider(ref);
  if (!label.tlp) label.tlp = options_.default_tlp;
  return label;
}

}  // namespace ncert::access
