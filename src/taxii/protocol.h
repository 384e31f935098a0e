// The wire side of TAXII 2.1 that both the server handlers and the client
// use: media types, the query parameters of the object endpoints, the
// opaque pagination cursor, error messages, and envelope parsing.
//
// Everything here parses outside input: it never throws or aborts, and a bad
// value comes back as an InvalidArgument naming the parameter or the JSON
// pointer (fuzz/taxii_envelope_fuzz.cc).
//
// Thread safety: free functions and values.
#ifndef NCERT_TAXII_PROTOCOL_H_
#define NCERT_TAXII_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace ncert::taxii {

inline constexpr std::string_view kTaxiiMediaType =
    "application/taxii+json;version=2.1";
inline constexpr std::string_view kStixMediaType =
    "application/stix+json;version=2.1";

// Pages hold at most this many objects: a larger `limit` is clamped to it
// (not an error: TAXII lets a server return fewer than asked for).
inline constexpr int64_t kMaxPageSize = 1000;
inline constexpr int64_t kDefaultPageSize = 100;

// Whether an Accept header admits TAXII 2.1 (absent, "*/*",
// "application/*", "application/taxii+json" with version 2.1 or none;
// q-values other than 0 are ignored).
bool AcceptsTaxii(std::string_view accept);
// Whether a Content-Type is TAXII 2.1 ("application/taxii+json", version
// 2.1 or none; white space and case in the type ignored).
bool IsTaxiiContentType(std::string_view content_type);

// Which versions of an object a request wants (match[version]).
struct VersionFilter {
  bool first = false;
  bool last = false;
  bool all = false;
  std::vector<Timestamp> at;  // exact `modified` values
  // Only "last" (the default), so the latest rows alone are read.
  bool LastOnly() const { return last && !first && !all && at.empty(); }
};

// Where a page ends: the store's acceptance seq (object and manifest
// endpoints), and the (date_added, id, version) of the last record returned
// (used where records come from one object's versions).
struct Cursor {
  int64_t seq = 0;
  Timestamp added;
  std::string id;
  std::string version;
};
// Opaque to clients: base64url of "1|seq|added|id|version".
std::string EncodeCursor(const Cursor& c);
Result<Cursor> DecodeCursor(std::string_view token);

// The query parameters of objects / manifest / object / versions.
struct ObjectQuery {
  std::optional<Timestamp> added_after;
  int64_t limit = kDefaultPageSize;  // clamped to 1..kMaxPageSize
  std::optional<Cursor> next;
  std::vector<std::string> ids;    // match[id]
  std::vector<std::string> types;  // match[type]
  VersionFilter versions;          // match[version]; default "last"
  // match[spec_version]: false when the request asked only for versions
  // ncert does not hold (it stores STIX 2.1 only).
  bool spec_21 = true;
};

// Which parameters an endpoint takes.
enum class Endpoint { kObjects, kManifest, kObject, kVersions };

// Parses `query` (decoded name/value pairs; a match[...] may repeat and
// holds comma-separated values). An unknown match[...] key, a bad value,
// limit < 1 or a parameter the endpoint does not take among match[...] is
// InvalidArgument naming it; other unknown parameters are ignored.
Result<ObjectQuery> ParseObjectQuery(
    const std::vector<std::pair<std::string, std::string>>& query,
    Endpoint endpoint);

// Whether `id` has the shape type--uuid (RFC 4122 text), which also rules out
// path traversal ("..%2f" decodes to "../", never an id).
bool IsStixIdShape(std::string_view id);

// A TAXII error message body: {"title", "description", "http_status", ...}.
std::string ErrorJson(int http_status, std::string_view title,
                      std::string_view description);

// One object of a POSTed envelope, cut out of the body for the validator.
struct EnvelopeObject {
  std::string pointer;  // "/objects/3"
  std::string json;     // the object's text (minified)
  std::string id;       // "" when the object has no string id
  std::string version;  // its "modified" ("created" / "" otherwise)
};

// Parses a TAXII envelope ({"objects": [...], ...}). An envelope that is not
// JSON, not an object, has no "objects" array, or holds more than
// `max_objects` is InvalidArgument (the handler answers 400 / 413 for
// ResourceExhausted). Members that are not JSON objects are returned with an
// empty json so the caller reports them per object.
Result<std::vector<EnvelopeObject>> ParseEnvelope(std::string_view body,
                                                  size_t max_objects);

// Reads a response envelope (client side): the objects, "more" and "next".
struct ReceivedEnvelope {
  std::vector<std::string> objects;  // each object's JSON text
  bool more = false;
  std::string next;
};
Result<ReceivedEnvelope> ParseReceivedEnvelope(std::string_view body);

}  // namespace ncert::taxii

#endif  // NCERT_TAXII_PROTOCOL_H_
