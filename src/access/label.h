// The access label of one stored object version: who may see it. Derived at
// ingest from the object's markings and the submitter's sharing choices
// (labeler.h), stored beside the object, and judged by the Policy on every
// read.
//
// Thread safety: values.
#ifndef NCERT_ACCESS_LABEL_H_
#define NCERT_ACCESS_LABEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/principal.h"
#include "core/status.h"
#include "stix/markings.h"

namespace ncert::access {

// Where an object may go, beyond its owner. Empty = nowhere but the owner
// (and, for TLP:CLEAR / TLP:GREEN, wherever the TLP level allows).
struct Distribution {
  bool everyone = false;             // "public": anyone, even unauthenticated
  bool all_members = false;          // every registered organisation
  std::vector<int64_t> orgs;         // named recipient organisations
  std::vector<std::string> sectors;  // every organisation in these sectors
  std::vector<int64_t> groups;       // every organisation in these groups
  std::vector<int64_t> users;        // named people (TLP:RED)

  bool empty() const {
    return !everyone && !all_members && orgs.empty() && sectors.empty() &&
           groups.empty() && users.empty();
  }
  friend bool operator==(const Distribution&, const Distribution&) = default;
};

struct AccessLabel {
  std::optional<stix::Tlp> tlp;  // none: no TLP marking
  int64_t owner_org = 0;         // the organisation that shared it
  Distribution distribution;
  Clearance clearance = 0;  // required clearance level
                            // The object's marking refs other than TLP
                            // (statements, terms of use, …).
  // The policy sees an object whose marking it does not know as the owner's
  // only: deny by default. Whether a marking is known is decided at read
  // time (a marking-definition may arrive after the objects it marks).
  std::vector<std::string> markings;

  friend bool operator==(const AccessLabel&, const AccessLabel&) = default;
};

// A compact, stable text form for storage:
//   "tlp=amber;owner=3;cl=2;orgs=4,9;sectors=finance,medical;groups=2;users=7;
//    all;public;marks=marking-definition--…,marking-definition--…"
// Fields with default values are left out; the empty string is the default
// label. Parsing rejects anything else with a message naming the field.
std::string EncodeLabel(const AccessLabel& label);
Result<AccessLabel> DecodeLabel(std::string_view text);

}  // namespace ncert::access

#endif  // NCERT_ACCESS_LABEL_H_
