// Fuzz target for TAXII input: the bytes as a POSTed envelope, as a
// received envelope, as a pagination cursor, as an Accept / Content-Type
// header, and (split at '&' and '=') as a query string for every endpoint.
// Invariants: nothing crashes or throws; an accepted envelope never returns
// more objects than the cap; a decoded cursor re-encodes to a token that
// decodes to the same cursor; a parsed query's limit is within 1..max.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "taxii/protocol.h"

using namespace ncert::taxii;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto env = ParseEnvelope(in, 16);
  if (env.ok() && env->size() > 16) std::abort();
  (void)ParseReceivedEnvelope(in);
  (void)AcceptsTaxii(in);
  (void)IsTaxiiContentType(in);
  (void)IsStixIdShape(in);
  if (auto c = DecodeCursor(in); c.ok()) {
    auto again = DecodeCursor(EncodeCursor(*c));
    if (!again.ok() || again->seq != c->seq || again->id != c->id ||
        again->added != c->added || again->version != c->version) {
      std::abort();
    }
  }
  std::vector<std::pair<std::string, std::string>> query;
  size_t start = 0;
  while (start <= in.size()) {
    size_t amp = in.find('&', start);
    std::string_view part =
        in.substr(start, amp == std::string_view::npos ? std::string_view::npos
                                                       : amp - start);
    size_t eq = part.find('=');
    query.emplace_back(std::string(part.substr(0, eq)),
                       eq == std::string_view::npos
                           ? std::string()
                           : std::string(part.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  for (Endpoint e : {Endpoint::kObjects, Endpoint::kManifest, Endpoint::kObject,
                     Endpoint::kVersions}) {
    auto q = ParseObjectQuery(query, e);
    if (q.ok() && (q->limit < 1 || q->limit > kMaxPageSize)) std::abort();
  }
  return 0;
}
