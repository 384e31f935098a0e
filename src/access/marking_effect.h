// What a non-TLP marking definition means for access. Statements and terms
// of use restrict nobody. The ISA / CISA ACS 3.0 marking extension
// (extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce), which
// CISA-style bundles carry, is read so that its restrictions keep their
// meaning inside ncert:
//   control_set.classification  U / C / S / TS -> clearance none /
//                               confidential / secret / top-secret
//   access_privilege            a "permit" whose permitted_organizations
//                               include "ALL" lets every member see it (as far
//                               as TLP and distribution allow); anything
//                               narrower names parties ncert cannot map, so
//                               the object stays with its owner
// Anything in the extension ncert cannot read restricts to the owner: deny by
// default. further_sharing is not modelled: ncert never passes an object on
// outside the audience its label allows.
//
// Thread safety: values and pure functions.
#ifndef NCERT_ACCESS_MARKING_EFFECT_H_
#define NCERT_ACCESS_MARKING_EFFECT_H_

#include <string_view>

#include "access/principal.h"

namespace ncert::access {

inline constexpr std::string_view kAcs3ExtensionId =
    "extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce";

struct MarkingEffect {
  Clearance clearance = 0;  // at least this clearance to see marked objects
  bool owner_only = false;  // only the owner's organisation sees them

  friend bool operator==(const MarkingEffect&, const MarkingEffect&) = default;
};

// The effect of one marking-definition, given as JSON.
MarkingEffect MarkingEffectOf(std::string_view marking_definition_json);

}  // namespace ncert::access

#endif  // NCERT_ACCESS_MARKING_EFFECT_H_
