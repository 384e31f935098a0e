// The request-target of an HTTP/1.1 request line in origin form
// ("/path?query", RFC 9112 section 3.2.1), split and percent-decoded for the
// router. Outside input: every malformed target is an InvalidArgument whose
// message names the rule broken, never a crash.
//
// Thread safety: free functions; thread-safe.
#ifndef NCERT_SERVER_TARGET_H_
#define NCERT_SERVER_TARGET_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace ncert::server {

struct Target {
  // Percent-decoded path. Raw segments are kept too, so that an encoded
  // "/" ("%2F") inside a segment never becomes a path separator.
  std::string path;
  std::vector<std::string> segments;  // each decoded on its own
  std::vector<std::pair<std::string, std::string>> query;
};

// Limits that keep a hostile target cheap to parse.
inline constexpr size_t kMaxTargetBytes = 8192;
inline constexpr size_t kMaxQueryParams = 64;

// Parses an origin-form target. Rejects: empty or not starting with "/",
// longer than kMaxTargetBytes, bytes outside the RFC 3986 set (controls,
// space, non-ASCII, '#'), bad or NUL percent escapes, decoded segments "."
// or ".." (dot segments; a client must resolve them itself), a decoded
// segment with a NUL, more than kMaxQueryParams parameters. "+" in the query
// is a space (application/x-www-form-urlencoded).
Result<Target> ParseTarget(std::string_view target);

// Percent-decodes `in`; `plus_is_space` for query components.
Result<std::string> PercentDecode(std::string_view in, bool plus_is_space);

}  // namespace ncert::server

#endif  // NCERT_SERVER_TARGET_H_
