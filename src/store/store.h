// The knowledge store: every version of every STIX object ncert has accepted,
// kept forever. Backends: SQLite (embedded default, sqlite_store.h) and, later,
// PostgreSQL; one schema for both, applied by numbered migrations.
//
// Version rules (invariant): a version is (id, modified). Writing a version
// that is already stored with the same bytes is a no-op; a newer `modified`
// is a new version and becomes the latest; an older one is kept as history;
// the same (id, modified) with different content is a conflict and changes
// nothing. A Put is acknowledged only after its transaction is durable.
//
// Thread safety: a Store may be used from several threads; writes are
// serialised inside the backend.
#ifndef NCERT_STORE_STORE_H_
#define NCERT_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "stix/object.h"

namespace ncert::store {

enum class PutOutcome {
  kNew,         // first version of this id
  kNewVersion,  // newer than the stored latest: now the latest
  kUnchanged,   // this exact version was already stored
  kHistory,     // older than the stored latest: kept, latest unchanged
  kConflict,    // same (id, modified) already stored with other content
};

struct StoredObject {
  std::string id;
  std::string type;
  std::string modified;  // as written ("" for SCOs)
  Timestamp added;       // when the store accepted this version
  bool latest = false;
  std::string json;      // canonical JSON, byte for byte as written
};

struct Query {
  std::vector<std::string> types;  // any of these; empty = all
  std::optional<std::string> label;
  std::optional<Timestamp> modified_since;  // version >= this
  std::optional<Timestamp> added_after;     // added > this
  bool latest_only = true;                  // false: every version
  int64_t limit = -1;                       // -1 = no limit
};

struct StoreStats {
  int64_t objects = 0;   // distinct ids
  int64_t versions = 0;  // rows
  std::map<std::string, int64_t> latest_by_type;
  int64_t file_bytes = 0;  // 0 where the backend cannot tell
};

class Store {
 public:
  virtual ~Store() = default;

  // Writes `objects` in one transaction and returns one outcome per object,
  // in order, once the transaction is durable. An object repeated in the
  // batch is judged against the earlier copy. On error nothing is written.
  virtual Result<std::vector<PutOutcome>> Put(
      std::span<const stix::Object> objects) = 0;

  // The latest version of `id`, or nullopt.
  virtual Result<std::optional<StoredObject>> Get(std::string_view id) = 0;

  // Every stored version of `id`, oldest first (empty if unknown).
  virtual Result<std::vector<StoredObject>> Versions(std::string_view id) = 0;

  // Calls `fn` for each match, ordered by (type, id, version); stops early
  // when `fn` returns false.
  virtual Status Scan(const Query& query,
                      const std::function<bool(const StoredObject&)>& fn) = 0;

  virtual Result<StoreStats> Stats() = 0;
};

}  // namespace ncert::store

#endif  // NCERT_STORE_STORE_H_
