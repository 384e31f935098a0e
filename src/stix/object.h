// One version of one STIX 2.1 object, validated, with the properties the store
// indexes pulled out and the object itself in canonical JSON (core/json.h).
// The JSON keeps every property, custom properties and extensions included;
// the fields beside it are derived from it and never disagree with it.
//
// Thread safety: a value.
#ifndef NCERT_STIX_OBJECT_H_
#define NCERT_STIX_OBJECT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace ncert::stix {

enum class ObjectClass {
  kSdo,         // the 19 domain objects (and custom "x-" types with created)
  kSro,         // relationship, sighting
  kSco,         // the 18 cyber-observable types (and custom ones)
  kMeta,        // marking-definition, language-content, extension-definition
};

struct Object {
  std::string type;
  std::string id;
  ObjectClass object_class = ObjectClass::kSdo;
  std::string spec_version;  // "2.1"
  // The version key. SDOs, SROs, language-content and extension-definition:
  // `modified`. marking-definition: `created` (it has no modified). SCOs have
  // no versions: 0 and `modified` empty.
  std::string modified;        // as written
  Timestamp version;           // parsed `modified` (see above)
  std::optional<Timestamp> created;
  std::string created_by_ref;  // "" if absent
  bool revoked = false;
  std::optional<Timestamp> valid_from;   // indicator, sighting-less types: none
  std::optional<Timestamp> valid_until;
  std::vector<std::string> labels;
    std::vector<std::string> object_marking_refs;
  // marking_ref of each granular_markings entry (lang entries have none).
  std::vector<std::string> granular_marking_refs;
  std::string json;  // canonical serialisation of the whole object
};

}  // namespace ncert::stix

#endif  // NCERT_STIX_OBJECT_H_
