#include "access/policy.h"

#include <algorithm>

namespace ncert::access {
namespace {

bool Contains(const std::vector<int64_t>& v, int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool SharesSector(const std::vector<std::string>& org_sectors,
                  const std::vector<std::string>& wanted) {
  for (const auto& s : wanted) {
    if (std::find(org_sectors.begin(), org_sectors.end(), s) !=
        org_sectors.end()) {
      return true;
    }
  }
  return false;
}

bool SharesGroup(const std::vector<int64_t>& org_groups,
                 const std::vector<int64_t>& wanted) {
  for (int64_t g : wanted) {
    if (Contains(org_groups, g)) return true;
  }
  return false;
}

// Whether the caller's organisation is a recipient of `d` in the AMBER sense.
bool IsRecipient(const Principal& who, const Distribution& d) {
  return d.everyone || d.all_members || Contains(d.orgs, who.org.id) ||
         SharesSector(who.org.sectors, d.sectors) ||
         SharesGroup(who.groups, d.groups) || Contains(d.users, who.user.id);
}

}  // namespace

MarkingEffect Policy::Effects(const AccessLabel& label) const {
  MarkingEffect out;
  for (const auto& m : label.markings) {
    const MarkingEffect* e = catalog_ ? catalog_->Find(m) : nullptr;
    if (e == nullptr) {
      out.owner_only = true;
      continue;
    }
    out.clearance = std::max(out.clearance, e->clearance);
    out.owner_only = out.owner_only || e->owner_only;
  }
  return out;
}

Decision Policy::Check(const Principal* who, const AccessLabel& label) const {
  const Distribution& d = label.distribution;
  const MarkingEffect marks = Effects(label);
  const Clearance needed = std::max(label.clearance, marks.clearance);
  if (who == nullptr) {
    if (label.tlp == stix::Tlp::kClear && needed == 0 && !marks.owner_only &&
        (d.empty() || d.everyone)) {
      return {true, "TLP:CLEAR, public"};
    }
    return {false, "not public"};
  }
  if (!RoleReadsObjects(who->user.role)) {
    return {false, "role reads no objects"};
  }
  if (who->user.clearance < needed) {
    return {false, "clearance too low"};
  }
  if (label.owner_org != 0 && label.owner_org == who->org.id) {
    return {true, "own organisation"};
  }
  if (marks.owner_only) {
    return {false, "a marking restricts it to its owner (or is unknown)"};
  }
  if (!label.tlp) {
    return IsRecipient(*who, d) ? Decision{true, "recipient (no TLP)"}
                                : Decision{false, "not a recipient (no TLP)"};
  }
  switch (*label.tlp) {
    case stix::Tlp::kClear:
    case stix::Tlp::kGreen:
      if (d.empty() || IsRecipient(*who, d)) return {true, "TLP:CLEAR/GREEN"};
      return {false, "outside the distribution"};
    case stix::Tlp::kAmber:
      return IsRecipient(*who, d)
                 ? Decision{true, "TLP:AMBER recipient"}
                 : Decision{false, "not a TLP:AMBER recipient"};
    case stix::Tlp::kAmberStrict:
      return Contains(d.orgs, who->org.id)
                 ? Decision{true, "TLP:AMBER+STRICT recipient organisation"}
                 : Decision{false, "not a TLP:AMBER+STRICT recipient"};
    case stix::Tlp::kRed:
      return Contains(d.users, who->user.id)
                 ? Decision{true, "TLP:RED named recipient"}
                 : Decision{false, "not a named TLP:RED recipient"};
  }
  return {false, "unknown TLP"};
}

}  // namespace ncert::access
