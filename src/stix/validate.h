// Validation of one STIX 2.1 object against every MUST of the specification
// (STIX 2.1 OS, sections 3-9) for its type: the 19 SDOs, the 2 SROs, the 18
// SCOs, marking-definition, language-content and extension-definition. Custom
// object types ("x-…") get the common-property rules; custom properties are
// allowed when their names follow the naming rules. Open-vocabulary values
// outside the suggested vocabulary, and other SHOULDs, are warnings.
//
// Thread safety: free functions over immutable tables; thread-safe.
#ifndef NCERT_STIX_VALIDATE_H_
#define NCERT_STIX_VALIDATE_H_

#include <vector>

#include "stix/issue.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace ncert::stix {

// Appends every problem of `object` to `issues`, each with the JSON pointer
// (relative to the object), the rule name and a message. Returns true if none
// of them is an error (warnings alone leave the object valid).
bool ValidateObject(const simdjson::dom::element& object,
                    std::vector<Issue>* issues);

}  // namespace ncert::stix

#endif  // NCERT_STIX_VALIDATE_H_
