// The TAXII 2.1 client: `ncert taxii pull` and `ncert taxii push`.
//
// Pull follows pagination both ways TAXII 2.1 allows (the envelope's `next`,
// and, when a server gives `more` without `next`, `added_after` set to the
// page's X-TAXII-Date-Added-Last), ingests each page through the normal
// validation and store path (ingest/ingest.h), and records the last
// date_added stored per (API root URL, collection) so the next pull resumes
// there (store/taxii_state.h). Push posts a file's valid objects in
// envelopes of a bounded size and polls each status resource until it is
// complete.
//
// HTTP is Boost.Beast over Asio (synchronous), TLS through OpenSSL for
// https URLs (peer certificate verified against the system store).
//
// Thread safety: a TaxiiClient is used by one thread at a time.
#ifndef NCERT_TAXII_CLIENT_H_
#define NCERT_TAXII_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "access/labeler.h"
#include "core/env.h"
#include "core/status.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace ncert::taxii {

struct ClientOptions {
  std::string user;  // HTTP Basic, with password
  std::string password;
  std::string token;  // else "Authorization: Bearer <token>"
  int timeout_seconds = 60;
};

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class TaxiiClient {
 public:
  explicit TaxiiClient(ClientOptions options) : options_(std::move(options)) {}

  // One request to an absolute http:// or https:// URL. A network failure
  // is Unavailable naming the host; any HTTP status comes back as a result.
  Result<HttpResult> Send(std::string_view method, const std::string& url,
                          const std::string& body = "",
                          std::string_view content_type = "");

 private:
  ClientOptions options_;
};

struct PullOptions {
  std::string api_root_url;        // "https://peer.example/taxii2/intel/"
  std::string collection;          // id or alias
  std::optional<Timestamp> since;  // overrides the stored cursor
  int64_t page_size = 1000;
  ingest::IngestOptions ingest;  // labels for what is stored
};

struct PullResult {
  int64_t pages = 0;
  int64_t received = 0;  // objects in the envelopes
  ingest::IngestCounts counts;
  std::optional<Timestamp> resumed_from;  // the added_after of the first page
  std::optional<Timestamp> last_added;    // the cursor now stored
};

// `env` is used for the ingest pipeline's in-memory page files only.
Result<PullResult> Pull(TaxiiClient& client, store::Store& store, Clock& clock,
                        const PullOptions& options,
                        const ingest::IngestCallbacks& callbacks = {});

struct PushOptions {
  std::string api_root_url;
  std::string collection;
  size_t objects_per_envelope = 500;
  int max_status_polls = 60;  // one a second
};

struct PushResult {
  int64_t envelopes = 0;
  int64_t sent = 0;
  int64_t succeeded = 0;
  int64_t failed = 0;                 // by the server (messages in `failures`)
  int64_t invalid = 0;                // rejected locally before sending
  std::vector<std::string> failures;  // "id: message"
};

Result<PushResult> Push(
    TaxiiClient& client, Env& env, const std::string& file,
    const PushOptions& options,
    const std::function<void(const stix::ReadUnit&)>& on_invalid = {});

}  // namespace ncert::taxii

#endif  // NCERT_TAXII_CLIENT_H_
