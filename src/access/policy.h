// The one access policy. Every read path (get, query, export, counts, TAXII,
// statistics, derived views) asks it; nothing else in ncert decides who may
// see what. docs/access.md explains the model with examples.
//
// The rules, in order:
//  1. Roles that read no objects (sensor, policy-reader) see none.
//  2. Clearance: the caller's clearance must be at least the label's, for
//     everyone, the owner's organisation included (clearance is law, not a
//     sharing choice).
//  3. The owner's organisation always sees its own objects.
//  4. An object with a marking the catalog does not know, or one that
//     restricts to the owner (ACS 3.0 access privileges ncert cannot map), is
//     seen by the owner only; a marking's classification raises the
//     clearance rule 2 asks for.
//  5. TLP and distribution, both of which must allow:
//       CLEAR        anyone (public); a non-empty distribution narrows it
//       GREEN        any registered organisation; a non-empty distribution
//                    narrows it
//       AMBER        recipients: named orgs, orgs in named sectors or groups,
//                    or all members when the distribution says so
//       AMBER+STRICT the named recipient organisations only (sectors, groups
//                    and "all members" do not widen it: AMBER never implies
//                    AMBER+STRICT)
//       RED          the named users only
//       no TLP       as AMBER: recipients only, the owner if there are none
//  The admin role grants no reads: administering principals is not a
//  licence to read knowledge.
//
// Thread safety: immutable after construction; thread-safe.
#ifndef NCERT_ACCESS_POLICY_H_
#define NCERT_ACCESS_POLICY_H_

#include <string>

#include "access/label.h"
#include "access/marking_effect.h"
#include "access/principal.h"

namespace ncert::access {

struct Decision {
  bool allowed = false;
  const char* reason = "";  // a static phrase, for audit and --explain
};

// The non-TLP marking definitions ncert holds and what each means
// (access/marking_effect.h). A marking not in the catalog is unknown.
class MarkingCatalog {
 public:
  virtual ~MarkingCatalog() = default;
  // The effect of the marking with this id, or null if ncert does not hold
  // its definition.
  virtual const MarkingEffect* Find(std::string_view marking_id) const = 0;
};

class Policy {
 public:
  // `catalog` may be null (no marking is known) and must outlive the policy.
  explicit Policy(const MarkingCatalog* catalog = nullptr)
      : catalog_(catalog) {}
  // May `who` see an object labelled `label`? `who` == nullptr is the public
  // (no authentication): it sees TLP:CLEAR with a public distribution only.
  Decision Check(const Principal* who, const AccessLabel& label) const;
  bool CanSee(const Principal* who, const AccessLabel& label) const {
    return Check(who, label).allowed;
  }

 private:
  // The combined effect of the label's markings; an unknown one is
  // owner-only.
  MarkingEffect Effects(const AccessLabel& label) const;
  const MarkingCatalog* catalog_;
};

}  // namespace ncert::access

#endif  // NCERT_ACCESS_POLICY_H_
