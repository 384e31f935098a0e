// Deterministic identifiers of STIX Cyber-observable Objects (STIX 2.1
// section 2.9): "type--" + UUIDv5 in the namespace kStixScoNamespace
// (core/id.h) of the canonical JSON (RFC 8785, as core/json.h writes it) of an
// object made of the type's ID Contributing Properties that are present.
// `hashes` contributes a single hash: MD5, else SHA-1, else SHA-256, else
// SHA-512, else the first one in the object (as the OASIS stix2 library does).
//
// Thread safety: pure functions; thread-safe.
#ifndef NCERT_STIX_SCO_ID_H_
#define NCERT_STIX_SCO_ID_H_

#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace ncert::stix {

// The ID Contributing Properties of a predefined SCO type, empty for process
// (always UUIDv4) and for types the specification does not define.
std::span<const std::string_view> ScoIdContributingProperties(
    std::string_view type);

// The deterministic id of `sco` ("ipv4-addr--…"). NotFound when the type has no
// ID Contributing Properties (process, custom types) or none of them is
// present: the producer then uses a UUIDv4. InvalidArgument when `sco` is not
// an object with a string `type` or repeats a member name.
Result<std::string> ComputeScoId(const simdjson::dom::element& sco);

}  // namespace ncert::stix

#endif  // NCERT_STIX_SCO_ID_H_
