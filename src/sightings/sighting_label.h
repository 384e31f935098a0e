// Who may see a sighting: never anyone who may not see the indicator it is a
// sighting of, nor anyone outside the audience the reporting organisation
// chose. SightingLabel() narrows the two labels into one that grants no
// reader more than both do (docs/matching.md, "Sightings", "Access").
//
// Thread safety: pure functions; thread-safe.
#ifndef NCERT_SIGHTINGS_SIGHTING_LABEL_H_
#define NCERT_SIGHTINGS_SIGHTING_LABEL_H_

#include "access/label.h"

namespace ncert::sightings {

// A label whose audience, under access::Policy and any marking catalog, lies
// inside both `indicator`'s and `reporter`'s:
//  * TLP: the more restrictive (no TLP counts as AMBER); clearance: the
//    higher; other markings: both sets (an unknown one keeps the object with
//    its owner).
//  * owner: kept only when both labels have the same owner, else none (0):
//    owning one side grants nothing on the other.
//  * distribution: when one side reaches every registered organisation, the
//    other side's lists; otherwise only the organisations, sectors, groups
//    and users named on both sides (a sector on one side and an organisation
//    in that sector on the other is not resolved: it is left out, which only
//    ever hides more).
//  * each side's owner is added as a recipient when both labels show it may
//    see them (it owns one and is named in, or reached by, the other): a
//    member sees its own sightings of indicators shared with it, and the
//    CERT sees sightings of its indicators reported to it.
// The store's read path also withholds a sighting whose indicator the reader
// may not see (store/visibility.h), which closes what the lists cannot
// express for the sighting itself; the observed-data summary relies on this
// label alone.
access::AccessLabel SightingLabel(const access::AccessLabel& indicator,
                                  const access::AccessLabel& reporter);

}  // namespace ncert::sightings

#endif  // NCERT_SIGHTINGS_SIGHTING_LABEL_H_
