// How the matching engine normalises values before it compares them, on the
// indicator side and on the telemetry side alike (docs/matching.md,
// "Normalisation"). Every function takes untrusted text and returns nullopt
// when the text is not a value of that kind; none allocates more than its
// output.
//
// Thread safety: pure functions.
#ifndef NCERT_MATCH_NORMALIZE_H_
#define NCERT_MATCH_NORMALIZE_H_

#include <optional>
#include <string>
#include <string_view>

#include "telemetry/event.h"

namespace ncert::match {

// Strict IPv4 / IPv6 parsing (no leading zeros in IPv4, no zone ids);
// IPv4-mapped IPv6 becomes the IPv4 address. This is
// telemetry::IpAddr::Parse: indicators and events are read by one parser.
std::optional<telemetry::IpAddr> ParseIp(std::string_view text);

// An address or CIDR block ("198.51.100.0/24"); host bits are cleared. A
// plain address has prefix 32 / 128. "::ffff:1.2.3.0/120" becomes
// 1.2.3.0/24.
struct IpPrefix {
  telemetry::IpAddr addr;
  int prefix = 0;
};
std::optional<IpPrefix> ParseIpPrefix(std::string_view text);

// A host name: ASCII lower case, trailing dot dropped, Unicode labels to
// punycode (IDNA 2008 non-transitional via libidn2, NFC first). Rejects the
// empty name, empty labels, labels over 63 bytes, names over 253 bytes,
// white space and control characters.
std::optional<std::string> NormalizeDomain(std::string_view text);
// The same into `*out` (its capacity reused: no allocation per call on a
// hot path); false and `*out` unspecified when the name is rejected.
bool NormalizeDomainInto(std::string_view text, std::string* out);

// A URL (docs/matching.md lists each rule): scheme and host lower case, the
// host through NormalizeDomain, the default port of http/https/ftp/ws/wss
// dropped, "%xx" of unreserved characters decoded and other escapes
// upper-cased, empty path as "/", fragment dropped. Text without a scheme
// is read as http ("example.com/a" -> "http://example.com/a"). A bare path
// ("/a?b") is joined to `host` when one is given.
std::optional<std::string> NormalizeUrl(std::string_view text,
                                        std::string_view host = {});
// The same into `*out`, with `*scratch` for the host (both keep their
// capacity between calls); false and both unspecified when rejected.
bool NormalizeUrlInto(std::string_view text, std::string_view host,
                      std::string* out, std::string* scratch);
// The host part of a normalised URL ("" for an IP literal's brackets kept).
std::string_view UrlHost(std::string_view normalized_url);

// local@domain: the domain through NormalizeDomain, the local part ASCII
// lower case and otherwise unchanged (no dot or "+tag" folding).
std::optional<std::string> NormalizeEmail(std::string_view text);

// Hex digests and fingerprints: ASCII lower case; nullopt unless all hex.
std::optional<std::string> NormalizeHex(std::string_view text);
// The same into `*out`; false unless all hex.
bool NormalizeHexInto(std::string_view text, std::string* out);

// Hash algorithm names: "SHA-256", "sha_256", "SHA256" -> "sha256".
std::string NormalizeHashAlgorithm(std::string_view name);

}  // namespace ncert::match

#endif  // NCERT_MATCH_NORMALIZE_H_
