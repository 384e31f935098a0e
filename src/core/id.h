// STIX identifiers ("type--uuid") and RFC 4122 UUIDs, version 4 (random) and
// version 5 (SHA-1 of a namespace and a name), as STIX 2.1 section 2.9 uses them.
//
// Thread safety: free functions, all thread-safe.
#ifndef NCERT_CORE_ID_H_
#define NCERT_CORE_ID_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace ncert {

using UuidBytes = std::array<uint8_t, 16>;

// The namespace STIX 2.1 fixes for deterministic SCO identifiers.
inline constexpr std::string_view kStixScoNamespace =
    "00abedb4-aa42-466c-9c01-fed23315a9b7";

// True for the canonical 8-4-4-4-12 form with a version of 1..5 and the
// RFC 4122 variant, as the STIX identifier rule requires. Hex of either case.
bool IsValidUuid(std::string_view text);

Result<UuidBytes> ParseUuid(std::string_view text);
std::string FormatUuid(const UuidBytes& bytes);  // lower case

// Sets the version and variant bits of 16 random bytes. The caller supplies
// the randomness (the simulator passes seeded bytes for repeatable worlds).
std::string UuidV4FromBytes(UuidBytes random);
// UUIDv4 from the operating system's CSPRNG (OpenSSL RAND_bytes).
std::string NewUuidV4();
// UUIDv5: SHA-1(namespace bytes || name), RFC 4122 section 4.3.
std::string UuidV5(const UuidBytes& ns, std::string_view name);

struct StixId {
  std::string_view type;  // views into the parsed text
  std::string_view uuid;
};

// Splits "indicator--8e2e2d2b-…" and checks both halves: the type is
// lower-case letters, digits and single hyphens (3..250 chars), the UUID as
// IsValidUuid. The message names what is wrong.
Result<StixId> ParseStixId(std::string_view text);

// "type--" + a new random UUIDv4.
std::string NewStixId(std::string_view type);

}  // namespace ncert

#endif  // NCERT_CORE_ID_H_
