// Canonical JSON: the one serialisation ncert writes for stored objects.
// Object members sorted by the bytes of their UTF-8 names (= code point order),
// no insignificant white space, strings with only the escapes JSON requires
// (\" \\ and control characters; \b \f \n \r \t in short form), integers as
// integers, other numbers in their shortest round-trip form. The same value
// therefore always serialises to the same bytes (close to RFC 8785; differs
// only in member order for names outside the Basic Multilingual Plane and in
// the exponent form of very large or small numbers).
//
// Thread safety: free functions, all thread-safe.
#ifndef NCERT_CORE_JSON_H_
#define NCERT_CORE_JSON_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace ncert {

// Appends `v` in canonical form. Returns InvalidArgument naming the JSON
// pointer of the first object that has a member name twice; that pointer is
// also stored in `*duplicate_pointer` when given.
Status AppendCanonicalJson(const simdjson::dom::element& v, std::string* out,
                           std::string* duplicate_pointer = nullptr);

// Parses `json` and returns its canonical form.
Result<std::string> CanonicalizeJson(std::string_view json);

// Appends `s` (valid UTF-8) as a quoted, escaped JSON string.
void AppendJsonString(std::string_view s, std::string* out);

// Appends one reference token to a JSON pointer: "/" + token with "~" as "~0"
// and "/" as "~1" (RFC 6901).
void AppendJsonPointerToken(std::string_view token, std::string* pointer);

}  // namespace ncert

#endif  // NCERT_CORE_JSON_H_
