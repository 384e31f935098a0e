// Turns one parsed, validated STIX object into an Object: the indexed fields
// and the canonical JSON.
//
// Thread safety: free functions; thread-safe.
#ifndef NCERT_STIX_DECODE_H_
#define NCERT_STIX_DECODE_H_

#include <cstddef>
#include <vector>

#include "core/status.h"
#include "stix/issue.h"
#include "stix/object.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace ncert::stix {

// Validates `element` (ValidateObject) and decodes it. Returns the Object, or
// nullopt with the errors in `issues`; warnings are appended either way.
// A member name repeated in one JSON object is an error ("json-duplicate-
// member"): the meaning of such an object is ambiguous. `size_hint`, the
// size of the JSON text when the caller knows it, sizes the canonical copy
// once instead of growing it.
std::optional<Object> ValidateAndDecode(const simdjson::dom::element& element,
                                        std::vector<Issue>* issues,
                                        size_t size_hint = 0);

}  // namespace ncert::stix

#endif  // NCERT_STIX_DECODE_H_
