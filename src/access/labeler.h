// Derives the access label of an object at ingest: its TLP from its markings
// (TLP 1.0 is read as 2.0; the most restrictive TLP anywhere on the object,
// granular markings included, applies to the whole object, since ncert does
// not redact single properties), its other markings, and the sharing choices
// of whoever submitted it (owner, distribution, clearance, the TLP to assume
// when the object has none).
//
// Thread safety: immutable after construction; thread-safe.
#ifndef NCERT_ACCESS_LABELER_H_
#define NCERT_ACCESS_LABELER_H_

#include <optional>

#include "access/label.h"
#include "stix/object.h"

namespace ncert::access {

struct ShareOptions {
  int64_t owner_org = 0;
  // The TLP of objects that carry none. nullopt: they stay unmarked, which
  // the policy treats as AMBER (recipients only).
  std::optional<stix::Tlp> default_tlp;
  Distribution distribution;
  Clearance clearance = 0;
};

class Labeler {
 public:
  explicit Labeler(ShareOptions options) : options_(std::move(options)) {}

  // Marking definitions themselves are public (TLP:CLEAR, everyone): a
  // marking must be readable by whoever sees an object it marks.
  AccessLabel Label(const stix::Object& object) const;

  const ShareOptions& options() const { return options_; }

 private:
  ShareOptions options_;
};

}  // namespace ncert::access

#endif  // NCERT_ACCESS_LABELER_H_
