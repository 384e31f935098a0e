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

#include "access/label.h"
#include "access/principal.h"
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
  std::string json;    // canonical JSON, byte for byte as written (for a
                       // container read by a principal: refs to objects
                       // they may not see removed, store/visibility.h)
  std::string access;  // the access label, access::EncodeLabel form
};

// Who reads. Every read names one, and the access policy judges each object
// against it (docs/access.md): the invariant that every read path asks the
// policy is enforced here, in the one place all reads pass.
//
// Thread safety: a value; the principal it points to must outlive it.
class Reader {
 public:
  // ncert's own processing (deduplication, matching, migrations): sees
  // everything. Never for serving a person or a peer.
  static Reader System() { return Reader(Kind::kSystem, nullptr); }
  // Nobody authenticated: TLP:CLEAR for the public only.
  static Reader Public() { return Reader(Kind::kPublic, nullptr); }
  static Reader As(const access::Principal& who) {
    return Reader(Kind::kPrincipal, &who);
  }
  bool system() const { return kind_ == Kind::kSystem; }
  // Null for the public (and the system).
  const access::Principal* principal() const { return who_; }

 private:
  enum class Kind { kSystem, kPublic, kPrincipal };
  Reader(Kind kind, const access::Principal* who) : kind_(kind), who_(who) {}
  Kind kind_;
  const access::Principal* who_;
};

struct Query {
  std::vector<std::string> types;  // any of these; empty = all
  std::optional<std::string> label;
  std::optional<Timestamp> modified_since;  // version >= this
  std::optional<Timestamp> added_after;     // added > this
  bool latest_only = true;                  // false: every version
  int64_t limit = -1;                       // -1 = no limit
};

// A read in the order the store accepted versions (TAXII's date_added
// order): `seq` grows with every stored version, so "after seq S" is a
// range of the table, and a page costs what it returns, whatever the store
// size. taxii/ keeps `seq` inside its opaque pagination cursor.
struct AddedQuery {
  int64_t after_seq = 0;                 // only versions with seq > this
  std::optional<Timestamp> added_after;  // added > this
  std::vector<std::string> types;        // any of these; empty = all
  bool latest_only = true;               // false: every version
};

struct StoreStats {
  int64_t objects = 0;   // distinct ids
  int64_t versions = 0;  // rows
  std::map<std::string, int64_t> latest_by_type;
  int64_t file_bytes = 0;  // 0 where the backend cannot tell, and for every
                           // reader but the system
};

class Directory;
class TaxiiState;

class Store {
 public:
  virtual ~Store() = default;

  // Writes `objects` in one transaction and returns one outcome per object,
  // in order, once the transaction is durable. An object repeated in the
  // batch is judged against the earlier copy. On error nothing is written.
  // `labels` (one per object, or none: the empty label, which nobody but the
  // system may read) say who may see each version.
  virtual Result<std::vector<PutOutcome>> Put(
      std::span<const stix::Object> objects,
      std::span<const access::AccessLabel> labels = {}) = 0;

  // The latest version of `id`, or nullopt (also when `reader` may not see
  // it: a caller cannot tell "hidden" from "absent").
  virtual Result<std::optional<StoredObject>> Get(const Reader& reader,
                                                  std::string_view id) = 0;

  // Every stored version of `id` that `reader` may see, oldest first.
  virtual Result<std::vector<StoredObject>> Versions(const Reader& reader,
                                                     std::string_view id) = 0;

  // Calls `fn` for each match `reader` may see, ordered by (type, id,
  // version); stops early when `fn` returns false. `limit` counts only what
  // `reader` sees.
  virtual Status Scan(const Reader& reader, const Query& query,
                      const std::function<bool(const StoredObject&)>& fn) = 0;

  // Calls `fn(object, seq)` for each match `reader` may see, in acceptance
  // order (seq ascending, hence `added` ascending); stops early when `fn`
  // returns false. The cost is the rows walked, so callers stop as soon as
  // they have a page. `object` is the caller's to keep: `fn` may move from
  // it. Like Scan, `fn` must not call back into the store.
  virtual Status ScanAdded(
      const Reader& reader, const AddedQuery& query,
      const std::function<bool(StoredObject&, int64_t seq)>& fn) = 0;

  // Counts of what `reader` may see.
  virtual Result<StoreStats> Stats(const Reader& reader) = 0;

  // Organisations, users, tokens and the audit log (store/directory.h).
  virtual Directory& directory() = 0;

  // TAXII's own records: status resources, per-collection withdrawals and
  // the client's pull cursors (store/taxii_state.h).
  virtual TaxiiState& taxii() = 0;
};

// Tells readers that cache what they read (the TAXII page cache) when the
// knowledge may have changed.
//
// Thread safety: thread-safe.
class ChangeWatcher {
 public:
  virtual ~ChangeWatcher() = default;
  // A number that differs from every earlier answer once a commit (by any
  // connection, in this process or another) has added an object version or
  // a TAXII withdrawal; while it is unchanged, every read returns what it
  // returned before. Other commits (the audit log, cursors, status
  // resources, the directory) leave it as it is.
  virtual Result<uint64_t> Generation() = 0;
};

}  // namespace ncert::store

#endif  // NCERT_STORE_STORE_H_
