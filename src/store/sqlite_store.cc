#include "store/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstring>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "access/policy.h"
#include "core/hex.h"
#include "core/id.h"
#include "store/directory.h"
#include "store/key_filter.h"
#include "store/migrations.h"
#include "store/sqlite_directory.h"
#include "store/sqlite_taxii_state.h"
#include "store/sqlite_util.h"
#include "store/taxii_state.h"
#include "store/visibility.h"

namespace ncert::store {
namespace {

// Tuning; docs/storage.md ("Tuning") has the measurements behind each value.
constexpr int kPageSize = 16384;      // bytes; only for new files
constexpr int kBusyTimeoutMs = 5000;  // wait for another writer
// Checkpoint once the WAL holds 1 GiB: index pages that many Puts touch are
// then copied into the database once instead of once per Put.
constexpr int64_t kWalAutocheckpointBytes = int64_t{1} << 30;
// After a checkpoint the WAL file is cut back to this size.
constexpr int64_t kJournalSizeLimitBytes = int64_t{64} << 20;
// A Put of at least this many objects builds the version-key filter (a scan
// of the id index) if the connection has none yet; smaller Puts probe.
constexpr size_t kKeyFilterMinBatch = 1000;
// valid_from / valid_until buckets: micros >> 41 (2^41 us, ~25.5 days).
constexpr int kValidityBucketShift = 41;

using sqlite::BindText;
using sqlite::ColumnText;
using sqlite::ResetOnExit;
using Stmt = sqlite::StmtPtr;
using Db = sqlite::DbPtr;

void BindOptionalTime(sqlite3_stmt* s, int i,
                      const std::optional<Timestamp>& t) {
  if (t) {
    sqlite3_bind_int64(s, i, t->micros);
  } else {
    sqlite3_bind_null(s, i);
  }
}

UuidBytes ColumnUuid(sqlite3_stmt* s, int i) {
  UuidBytes uuid{};
  if (sqlite3_column_bytes(s, i) == 16) {  // CHECK in the schema
    std::memcpy(uuid.data(), sqlite3_column_blob(s, i), uuid.size());
  }
  return uuid;
}

// An object's key in the objects table besides its interned type.
struct ObjectKey {
  UuidBytes uuid;
  bool canonical_id;     // id == type + "--" + FormatUuid(uuid)
  int64_t type_key = 0;  // set inside the write transaction
};

// Put takes validated objects; an id that is not "type--UUID" of the
// object's own type is a caller bug, reported before anything is written.
// The common shape is parsed in place; anything else goes through
// ParseStixId for the exact error message.
Status ParseKey(const stix::Object& o, ObjectKey* key) {
  if (o.json.empty()) {
    return Status::InvalidArgument(
        fmt::format("object '{}' has no JSON", o.id));
  }
  const std::string_view id = o.id;
  const size_t n = o.type.size();
  if (n >= 3 && id.size() == n + 38 && id.starts_with(o.type) && id[n] == '-' &&
      id[n + 1] == '-') {
    std::string_view u = id.substr(n + 2);
    bool ok = u[8] == '-' && u[13] == '-' && u[18] == '-' && u[23] == '-';
    bool lower = true;
    size_t j = 0;
    for (size_t i = 0; ok && i < 36; i += 2) {
      if (i == 8 || i == 13 || i == 18 || i == 23) ++i;
      int hi = HexDigitValue(u[i]), lo = HexDigitValue(u[i + 1]);
      ok = hi >= 0 && lo >= 0;
      lower = lower && !(u[i] >= 'A' && u[i] <= 'F') &&
              !(u[i + 1] >= 'A' && u[i + 1] <= 'F');
      key->uuid[j++] = static_cast<uint8_t>(hi * 16 + lo);
    }
    int version = key->uuid[6] >> 4, variant = key->uuid[8] >> 6;
    if (ok && version >= 1 && version <= 5 && variant == 2) {
      key->canonical_id = lower;
      return Status::Ok();
    }
  }
  ASSIGN_OR_RETURN(StixId sid, ParseStixId(id));
  if (sid.type != o.type) {
    return Status::InvalidArgument(fmt::format(
        "object id '{}' does not start with its type '{}--'", id, o.type));
  }
  return Status::Internal(
      fmt::format("identifier '{}' passed ParseStixId but not ParseKey", id));
}

// True when `modified` is exactly FormatTimestamp(version, 3), so the column
// can hold NULL and reads rebuild the text (saves ~25 bytes a row).
bool ModifiedIsDerivable(const stix::Object& o) {
  if (o.modified.size() != 24 || o.modified[19] != '.' ||
      o.version.micros % 1000 != 0) {
    return false;
  }
  // The format is fixed-width and ParseTimestamp strict, so equal instants
  // mean equal text; the leap second (:60) parses to .999999 and fails the
  // millisecond test above.
  Result<Timestamp> t = ParseTimestamp(o.modified);
  bool derivable = t.ok() && *t == o.version;
  assert(!derivable || FormatTimestamp(o.version, 3) == o.modified);
  return derivable;
}

Status PrepareStmt(sqlite3* db, std::string_view file, const char* sql,
                   Stmt* stmt) {
  return sqlite::PrepareStmt(db, sql, SQLITE_PREPARE_PERSISTENT,
                             "cannot prepare a statement for", file, stmt);
}

// A lookup table of short repeated strings (types, labels, refs) with a
// cache of name -> key. Rows are never deleted or renamed, so a key once
// read from a committed row stays valid for ever, even when other processes
// write the file; keys this connection inserted are cached only when their
// transaction commits (Commit/Forget).
//
// Thread safety: none; used under SqliteStore::mu_.
class InternTable {
 public:
  Status Prepare(sqlite3* db, std::string_view file, std::string_view table,
                 std::string_view key_column, std::string_view name_column) {
    db_ = db;
    file_ = file;
    RETURN_IF_ERROR(PrepareStmt(db, file,
                                fmt::format("SELECT {} FROM {} WHERE {} = ?1",
                                            key_column, table, name_column)
                                    .c_str(),
                                &select_));
    return PrepareStmt(
        db, file,
        fmt::format("INSERT INTO {} ({}) VALUES (?1)", table, name_column)
            .c_str(),
        &insert_);
  }

  // The key of `name`, or 0 when it is not stored. Keys start at 1.
  Result<int64_t> Find(std::string_view name) {
    // Objects of a batch mostly share their type, creator and markings: a
    // few recent hits answer most lookups without hashing.
    for (const Recent& r : recent_) {
      if (r.key != 0 && r.name == name) return r.key;
    }
    if (auto it = cache_.find(name); it != cache_.end()) {
      Remember(it->first, it->second);
      return it->second;
    }
    for (const auto& [pending, key] : pending_) {
      if (pending == name) return key;
    }
    sqlite3_stmt* s = select_.get();
    ResetOnExit reset(s);
    BindText(s, 1, name);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return int64_t{0};
    if (rc != SQLITE_ROW) {
      return SqliteStatus(db_, rc, fmt::format("cannot read {}", file_));
    }
    int64_t key = sqlite3_column_int64(s, 0);
    // Committed by someone: valid for ever.
    auto [it, inserted] = cache_.emplace(name, key);
    Remember(it->first, key);
    return key;
  }

  // The key of `name`, inserting it if new. Only inside a write transaction.
  Result<int64_t> Intern(std::string_view name) {
    ASSIGN_OR_RETURN(int64_t key, Find(name));
    if (key != 0) return key;
    sqlite3_stmt* s = insert_.get();
    ResetOnExit reset(s);
    BindText(s, 1, name);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
      return SqliteStatus(db_, rc, fmt::format("cannot write {}", file_));
    }
    key = sqlite3_last_insert_rowid(db_);
    pending_.emplace_back(std::string(name), key);
    return key;
  }

  // After the transaction committed: pending keys are now permanent.
  void Commit() {
    for (auto& [name, key] : pending_) cache_.emplace(std::move(name), key);
    pending_.clear();
  }
  // After a rollback: pending keys no longer exist.
  void Forget() { pending_.clear(); }

 private:
  // A committed entry of cache_ (its name is the map's key, whose storage
  // never moves: unordered_map nodes are stable).
  struct Recent {
    std::string_view name;
    int64_t key = 0;
  };
  void Remember(std::string_view name, int64_t key) {
    recent_[next_recent_] = {name, key};
    next_recent_ = (next_recent_ + 1) % recent_.size();
  }

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  sqlite3* db_ = nullptr;
  std::string_view file_;
  Stmt select_;
  Stmt insert_;
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> cache_;
  std::vector<std::pair<std::string, int64_t>> pending_;
  std::array<Recent, 4> recent_{};
  size_t next_recent_ = 0;
};

// One inverted-list table: collects a Put's (key, pk) entries and writes one
// row per key, (key, first_pk, "[offset,...]"), offsets = pk - first_pk.
//
// Thread safety: none; used under SqliteStore::mu_.
class PostingTable {
 public:
  Status Prepare(sqlite3* db, std::string_view file, std::string_view table,
                 std::string_view key_column) {
    db_ = db;
    file_ = file;
    RETURN_IF_ERROR(PrepareStmt(
        db, file,
        fmt::format(
            "INSERT INTO {} ({}, first_pk, offsets) VALUES (?1, ?2, ?3)", table,
            key_column)
            .c_str(),
        &insert_));
    return PrepareStmt(
        db, file,
        fmt::format("SELECT first_pk, offsets FROM {} WHERE {} = ?1 AND "
                    "first_pk >= ?2 ORDER BY first_pk",
                    table, key_column)
            .c_str(),
        &select_);
  }

  void Clear() { entries_.clear(); }
  void Add(int64_t key, int64_t offset) { entries_.emplace_back(key, offset); }

  Status Write(int64_t first_pk) {
    std::sort(entries_.begin(), entries_.end());
    sqlite3_stmt* s = insert_.get();
    for (size_t i = 0; i < entries_.size();) {
      const int64_t key = entries_[i].first;
      text_.assign("[");
      int64_t previous = -1;
      for (; i < entries_.size() && entries_[i].first == key; ++i) {
        if (entries_[i].second == previous) continue;  // a repeated label
        previous = entries_[i].second;
        if (text_.size() > 1) text_ += ',';
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, previous);
        text_.append(buf, end);
      }
      text_ += ']';
      ResetOnExit reset(s);
      sqlite3_bind_int64(s, 1, key);
      sqlite3_bind_int64(s, 2, first_pk);
      BindText(s, 3, text_);
      int rc = sqlite3_step(s);
      if (rc != SQLITE_DONE) {
        return SqliteStatus(db_, rc, fmt::format("cannot write {}", file_));
      }
    }
    return Status::Ok();
  }

  // Appends the pks listed under `key` that are >= min_pk, ascending.
  Status Read(int64_t key, int64_t min_pk, std::vector<int64_t>* pks) {
    sqlite3_stmt* s = select_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, key);
    sqlite3_bind_int64(s, 2, min_pk);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      const int64_t first = sqlite3_column_int64(s, 0);
      std::string_view text = ColumnText(s, 1);
      if (!ParseOffsets(text, first, pks)) {
        return Status::Corruption(fmt::format(
            "{}: inverted list row ({}, {}) is not a JSON array of offsets: "
            "{:.40}",
            file_, key, first, text));
      }
    }
    if (rc != SQLITE_DONE) {
      return SqliteStatus(db_, rc, fmt::format("cannot read {}", file_));
    }
    return Status::Ok();
  }

 private:
  static bool ParseOffsets(std::string_view text, int64_t first,
                           std::vector<int64_t>* pks) {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
      return false;
    }
    const char* p = text.data() + 1;
    const char* end = text.data() + text.size() - 1;
    while (p < end) {
      int64_t offset = 0;
      auto [next, ec] = std::from_chars(p, end, offset);
      if (ec != std::errc() || offset < 0) return false;
      pks->push_back(first + offset);
      p = next;
      if (p < end && *p++ != ',') return false;
    }
    return true;
  }

  sqlite3* db_ = nullptr;
  std::string_view file_;
  Stmt insert_;
  Stmt select_;
  std::vector<std::pair<int64_t, int64_t>> entries_;  // (key, offset)
  std::string text_;
};

// The columns every full-row read returns, in this order (see ReadRow).
#define NCERT_ROW_COLUMNS \
  "pk, uuid, id_text, modified, version_us, added_us, latest, json, access"

// The Store on one SQLite connection.
//
// Thread safety: every public method takes mu_, so a SqliteStore may be
// shared by threads; calls run one at a time (a Scan holds the lock while it
// calls `fn`, so `fn` must not call back into this store). Other processes
// may open the same file: SQLite's WAL locks serialise writers (a writer
// waits up to kBusyTimeoutMs) and readers see committed transactions only.
class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const SqliteOptions& options);

  Result<std::vector<PutOutcome>> Put(
      std::span<const stix::Object> objects,
      std::span<const access::AccessLabel> labels) override;
  Result<std::optional<StoredObject>> Get(const Reader& reader,
                                          std::string_view id) override;
  Result<std::vector<StoredObject>> Versions(const Reader& reader,
                                             std::string_view id) override;
  Status Scan(const Reader& reader, const Query& query,
              const std::function<bool(const StoredObject&)>& fn) override;
  Status ScanAdded(
      const Reader& reader, const AddedQuery& query,
      const std::function<bool(StoredObject&, int64_t)>& fn) override;
  Result<StoreStats> Stats(const Reader& reader) override;
  Directory& directory() override { return *directory_; }
  TaxiiState& taxii() override { return *taxii_; }

 private:
  // The policy and its inputs for one read by someone other than the
  // system: the marking definitions held, and the labels of referenced
  // objects (looked up under the read's lock and transaction).
  class Guard;
  struct TypeDelta {
    int64_t type_key;
    int64_t objects;
    int64_t versions;
  };
  // A Scan match before its row is read: sorted, then fetched by pk.
  struct Hit {
    size_t type_rank;  // index into the name-ordered type list
    UuidBytes uuid;
    int64_t version;
    int64_t pk;
    friend bool operator<(const Hit& a, const Hit& b) {
      return std::tie(a.type_rank, a.uuid, a.version) <
             std::tie(b.type_rank, b.uuid, b.version);
    }
  };
  using TypeList = std::vector<std::pair<int64_t, std::string>>;

  SqliteStore(Db db, const SqliteOptions& options)
      : db_(std::move(db)),
        path_(options.path),
        clock_(options.clock),
        recent_ids_max_(options.recent_ids_max),
        cache_kib_(options.cache_kib) {}

  Status Configure(bool in_memory);
  Status PrepareStatements();
  Status PrepareOne(const char* sql, Stmt* stmt) {
    return PrepareStmt(db_.get(), path_, sql, stmt);
  }
  Status Error(int rc, std::string_view what) const {
    return SqliteStatus(db_.get(), rc, fmt::format("{} {}", what, path_));
  }
  // Steps a statement that returns no rows.
  Status Run(sqlite3_stmt* s, std::string_view what);
  // Steps a statement that returns one integer (0 for NULL).
  Result<int64_t> QueryInt(sqlite3_stmt* s);
  void RollbackAfter();

  Status PutLocked(std::span<const stix::Object> objects,
                   std::span<const std::string_view> labels,
                   std::vector<PutOutcome>* outcomes);
  Status PutOne(const stix::Object& o, const ObjectKey& key,
                std::string_view label, int64_t added, PutOutcome* outcome);
  // Unfiltered reads; the caller holds mu_ and a read transaction.
  Result<std::optional<StoredObject>> LatestLocked(std::string_view id);
  Status VersionsLocked(std::string_view id, std::vector<StoredObject>* out);
  Result<std::unique_ptr<Guard>> GuardLocked(const Reader& reader);
  // Runs `body` under mu_ in one read transaction (one snapshot).
  Status ReadTxn(const std::function<Status()>& body);
  // Finds the (type_key, uuid) key of `id` for reads; false if not stored.
  Result<bool> ReadKey(std::string_view id, int64_t* type_key, UuidBytes* uuid);
  StoredObject ReadRow(sqlite3_stmt* s, std::string_view type) const;
  Status ScanLocked(const Query& query,
                    const std::function<bool(const StoredObject&)>& fn);
  Status ScanByIndex(const Query& query, const TypeList& types, int64_t min_pk,
                     const std::function<bool(const StoredObject&)>& fn);
  // The (version, pk) of every stored version of a key, in no order.
  Status IdVersions(int64_t type_key, const UuidBytes& uuid,
                    std::vector<std::pair<int64_t, int64_t>>* out);
  // Reads row `pk` (kCorruption if a key names a row that is not there).
  Result<StoredObject> RowByPk(int64_t pk, std::string_view type);
  Status MergeRecentIds();
  // Brings key_filter_ up to date with the file (or builds it for a Put of
  // `batch` objects); inside the write transaction.
  Status SyncKeyFilter(size_t batch);
  Status ScanCandidates(const Query& query, const TypeList& types,
                        const std::vector<int64_t>* pks, int64_t min_pk,
                        const std::function<bool(const StoredObject&)>& fn);
  Status StatsLocked(StoreStats* stats);

  std::mutex mu_;
  // Declared first so that it is destroyed last, after every statement.
  Db db_;
  std::unique_ptr<Directory> directory_;  // shares db_ and mu_
  std::unique_ptr<TaxiiState> taxii_;     // shares db_ and mu_
  const std::string path_;
  Clock* const clock_;
  const int64_t recent_ids_max_;
  const int64_t cache_kib_;

  InternTable types_;
  InternTable labels_;
  InternTable refs_;  // created_by_ref and object_marking_refs
  PostingTable label_postings_, marking_postings_, creator_postings_;
  PostingTable valid_from_postings_, valid_until_postings_;
  Stmt begin_write_, begin_read_, commit_, rollback_;
  Stmt find_, json_by_pk_, insert_, insert_id_, clear_latest_;
  Stmt count_recent_, merge_ids_, clear_recent_;
  Stmt max_added_, insert_put_, add_counts_;
  Stmt list_types_, first_pk_after_, max_pk_;
  Stmt key_by_pk_, keys_from_pk_, row_by_pk_;
  Stmt scan_added_latest_, scan_added_all_;
  Stmt all_ids_, all_recent_ids_;
  // Version keys this connection knows are stored: every row up to
  // key_filter_pk_. Null until a large Put builds it.
  std::unique_ptr<internal::KeyFilter> key_filter_;
  int64_t key_filter_pk_ = 0;
  // Reused by Put so that a batch costs no per-object allocation.
  struct SortKey {
    int64_t type_key;
    uint64_t uuid_hi, uuid_lo;
    size_t index;
    friend auto operator<=>(const SortKey&, const SortKey&) = default;
  };
  std::vector<ObjectKey> keys_;
  std::vector<SortKey> order_;
  std::vector<TypeDelta> deltas_;
  int64_t first_pk_ = 0;  // of the Put in progress; 0 before its first insert
  int64_t last_pk_ = 0;
};

Result<std::unique_ptr<Store>> SqliteStore::Open(const SqliteOptions& options) {
  assert(options.clock != nullptr && "SqliteOptions::clock is required");
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    Status s =
        SqliteStatus(raw, rc, fmt::format("cannot open {}", options.path));
    if ((rc & 0xff) == SQLITE_CANTOPEN && !options.create_if_missing) {
      return Status::NotFound(
          s.message() + "; it may not exist, and create_if_missing is off");
    }
    return s;
  }
  sqlite3_extended_result_codes(raw, 1);
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(db), options));
  RETURN_IF_ERROR(store->Configure(options.path == ":memory:"));
  RETURN_IF_ERROR(Migrate(store->db_.get(), store->path_));
  RETURN_IF_ERROR(store->PrepareStatements());
  store->directory_ = NewSqliteDirectory(store->db_.get(), &store->mu_,
                                         store->clock_, store->path_);
  store->taxii_ =
      NewSqliteTaxiiState(store->db_.get(), &store->mu_, store->path_);
  return std::unique_ptr<Store>(std::move(store));
}

Status SqliteStore::Configure(bool in_memory) {
  sqlite3* db = db_.get();
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // page_size only takes effect on a file that has no pages yet, so it has
  // to come before journal_mode, which writes the header.
  const std::string setup = fmt::format(
      "PRAGMA page_size = {};"
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      "PRAGMA cache_size = -{};"
      "PRAGMA temp_store = MEMORY;"
      "PRAGMA journal_size_limit = {};",
      kPageSize, cache_kib_, kJournalSizeLimitBytes);
  int rc = sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "cannot open");

  // The first statement that reads the file: a damaged or foreign file fails
  // here with NOTADB (kCorruption).
  Stmt wal;
  RETURN_IF_ERROR(PrepareOne("PRAGMA journal_mode = WAL", &wal));
  rc = sqlite3_step(wal.get());
  if (rc != SQLITE_ROW) return Error(rc, "cannot open");
  std::string mode(ColumnText(wal.get(), 0));
  if (mode != "wal" && !(in_memory && mode == "memory")) {
    return Status::FailedPrecondition(fmt::format(
        "cannot switch {} to WAL journal mode (it stays in '{}'); put the "
        "database on a local file system",
        path_, mode));
  }
  // In pages of the file's own size (an existing file keeps its page size).
  Stmt page_size;
  RETURN_IF_ERROR(PrepareOne("PRAGMA page_size", &page_size));
  ASSIGN_OR_RETURN(int64_t bytes, QueryInt(page_size.get()));
  sqlite3_wal_autocheckpoint(db,
                             static_cast<int>(kWalAutocheckpointBytes /
                                              std::max<int64_t>(bytes, 512)));
  return Status::Ok();
}

Status SqliteStore::PrepareStatements() {
  sqlite3* db = db_.get();
  RETURN_IF_ERROR(types_.Prepare(db, path_, "types", "type_key", "name"));
  RETURN_IF_ERROR(labels_.Prepare(db, path_, "labels", "label_key", "name"));
  RETURN_IF_ERROR(refs_.Prepare(db, path_, "refs", "ref_key", "ref"));
  RETURN_IF_ERROR(
      label_postings_.Prepare(db, path_, "object_labels", "label_key"));
  RETURN_IF_ERROR(
      marking_postings_.Prepare(db, path_, "object_markings", "ref_key"));
  RETURN_IF_ERROR(
      creator_postings_.Prepare(db, path_, "objects_by_creator", "ref_key"));
  RETURN_IF_ERROR(valid_from_postings_.Prepare(
      db, path_, "objects_by_valid_from", "bucket"));
  RETURN_IF_ERROR(valid_until_postings_.Prepare(
      db, path_, "objects_by_valid_until", "bucket"));
  const std::pair<const char*, Stmt*> statements[] = {
      {"BEGIN IMMEDIATE", &begin_write_},
      {"BEGIN", &begin_read_},
      {"COMMIT", &commit_},
      {"ROLLBACK", &rollback_},
      // The one lookup per object: every version of the key, from both
      // halves of the version key (for a new id: two probes, no rows).
      {"SELECT version_us, pk FROM recent_ids WHERE type_key = ?1 AND uuid = "
       "?2 "
       "UNION ALL "
       "SELECT version_us, pk FROM ids WHERE type_key = ?1 AND uuid = ?2",
       &find_},
      {"SELECT json FROM objects WHERE pk = ?1", &json_by_pk_},
      {"SELECT " NCERT_ROW_COLUMNS ", type_key FROM objects "
       "WHERE pk >= ?1 AND latest = 1 ORDER BY pk",
       &scan_added_latest_},
      {"SELECT " NCERT_ROW_COLUMNS ", type_key FROM objects "
       "WHERE pk >= ?1 ORDER BY pk",
       &scan_added_all_},
      {"INSERT INTO objects (type_key, uuid, id_text, modified, version_us, "
       "spec_version, created_by, revoked, valid_from, valid_until, added_us, "
       "latest, json, access) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
       &insert_},
      {"INSERT INTO recent_ids (type_key, uuid, version_us, pk) "
       "VALUES (?1, ?2, ?3, ?4)",
       &insert_id_},
      {"UPDATE objects SET latest = 0 WHERE pk = ?1", &clear_latest_},
      {"SELECT count(*) FROM recent_ids", &count_recent_},
      // Plain INSERT: a key already in ids fails the primary key, and the
      // merge reports the damage instead of hiding it.
      {"INSERT INTO ids SELECT type_key, uuid, version_us, pk FROM recent_ids",
       &merge_ids_},
      {"DELETE FROM recent_ids", &clear_recent_},
      {"SELECT max(added_us) FROM puts", &max_added_},
      {"INSERT INTO puts (first_pk, last_pk, added_us) VALUES (?1, ?2, ?3)",
       &insert_put_},
      {"UPDATE types SET objects = objects + ?2, versions = versions + ?3 "
       "WHERE type_key = ?1",
       &add_counts_},
      {"SELECT type_key, name, objects, versions FROM types ORDER BY name",
       &list_types_},
      {"SELECT first_pk FROM puts WHERE added_us > ?1 ORDER BY added_us "
       "LIMIT 1",
       &first_pk_after_},
      {"SELECT max(pk) FROM objects", &max_pk_},
      {"SELECT type_key, uuid, version_us, latest FROM objects WHERE pk = ?1",
       &key_by_pk_},
      {"SELECT pk, type_key, uuid, version_us, latest FROM objects "
       "WHERE pk >= ?1",
       &keys_from_pk_},
      {"SELECT " NCERT_ROW_COLUMNS " FROM objects WHERE pk = ?1", &row_by_pk_},
      {"SELECT type_key, uuid FROM ids", &all_ids_},
      {"SELECT type_key, uuid FROM recent_ids", &all_recent_ids_},
  };
  for (const auto& [sql, stmt] : statements) {
    RETURN_IF_ERROR(PrepareOne(sql, stmt));
  }
  return Status::Ok();
}

Status SqliteStore::Run(sqlite3_stmt* s, std::string_view what) {
  ResetOnExit reset(s);
  int rc = sqlite3_step(s);
  if (rc != SQLITE_DONE) return Error(rc, what);
  return Status::Ok();
}

Result<int64_t> SqliteStore::QueryInt(sqlite3_stmt* s) {
  ResetOnExit reset(s);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return int64_t{0};
  if (rc != SQLITE_ROW) return Error(rc, "cannot read");
  return sqlite3_column_int64(s, 0);
}

void SqliteStore::RollbackAfter() {
  if (!sqlite3_get_autocommit(db_.get())) {
    // Best effort: if even the rollback fails, SQLite rolls back when the
    // connection closes, and the WAL never holds an uncommitted transaction.
    sqlite3_step(rollback_.get());
    sqlite3_reset(rollback_.get());
  }
  types_.Forget();
  labels_.Forget();
  refs_.Forget();
  // The filter may hold keys of the rolled-back rows, and their pks will be
  // handed out again: rebuild it from the file when next needed.
  key_filter_.reset();
}

Result<std::vector<PutOutcome>> SqliteStore::Put(
    std::span<const stix::Object> objects,
    std::span<const access::AccessLabel> labels) {
  assert((labels.empty() || labels.size() == objects.size()) &&
         "Put needs one label per object, or none");
  // Labels repeat (one ingest shares everything alike): encode each run of
  // equal labels once.
  std::vector<std::string> distinct;
  std::vector<size_t> label_of(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i == 0 || !(labels[i] == labels[i - 1])) {
      distinct.push_back(access::EncodeLabel(labels[i]));
    }
    label_of[i] = distinct.size() - 1;
  }
  // "" (not a null view): SQLite binds a null pointer as NULL.
  std::vector<std::string_view> encoded(objects.size(), std::string_view(""));
  for (size_t i = 0; i < labels.size(); ++i) encoded[i] = distinct[label_of[i]];
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PutOutcome> outcomes;
  if (objects.empty()) return outcomes;
  keys_.resize(objects.size());
  for (size_t i = 0; i < objects.size(); ++i) {
    Status s = ParseKey(objects[i], &keys_[i]);
    if (!s.ok()) {
      return s.WithContext(fmt::format(
          "cannot store object {} of {} (nothing of the batch was written)", i,
          objects.size()));
    }
  }
  RETURN_IF_ERROR(Run(begin_write_.get(), "cannot write to"));
  Status s = PutLocked(objects, encoded, &outcomes);
  if (s.ok()) s = Run(commit_.get(), "cannot commit to");
  if (!s.ok()) {
    RollbackAfter();
    return s.WithContext(fmt::format(
        "put of {} objects rolled back, none stored", objects.size()));
  }
  types_.Commit();
  labels_.Commit();
  refs_.Commit();
  return outcomes;
}

Status SqliteStore::PutLocked(std::span<const stix::Object> objects,
                              std::span<const std::string_view> labels,
                              std::vector<PutOutcome>* outcomes) {
  // `added` grows strictly from one Put to the next, even if the clock steps
  // back, so "added after T" never misses a later write (TAXII's
  // added_after relies on that) and a Put's rows form one pk range.
  ASSIGN_OR_RETURN(int64_t last_added, QueryInt(max_added_.get()));
  const int64_t added = std::max(clock_->Now().micros, last_added + 1);

  RETURN_IF_ERROR(SyncKeyFilter(objects.size()));

  ASSIGN_OR_RETURN(int64_t recent, QueryInt(count_recent_.get()));
  if (recent > 0 &&
      recent + static_cast<int64_t>(objects.size()) > recent_ids_max_) {
    RETURN_IF_ERROR(MergeRecentIds());
  }

  deltas_.clear();
  first_pk_ = last_pk_ = 0;
  for (PostingTable* p :
       {&label_postings_, &marking_postings_, &creator_postings_,
        &valid_from_postings_, &valid_until_postings_}) {
    p->Clear();
  }
  // Work in key order: the probes then walk ids and recent_ids forwards
  // instead of jumping around them (the UUIDs of a batch are random). The sort
  // is stable, so copies of one id keep their batch order and a repeat is
  // judged against the earlier copy.
  // The version key orders by (type_key, uuid): sort on integers (the UUID
  // as two big-endian halves compares as its bytes do), with the batch
  // position last so copies of one id keep their order.
  order_.resize(objects.size());
  for (size_t i = 0; i < objects.size(); ++i) {
    ASSIGN_OR_RETURN(keys_[i].type_key, types_.Intern(objects[i].type));
    uint64_t hi = 0, lo = 0;
    for (int b = 0; b < 8; ++b) hi = hi << 8 | keys_[i].uuid[b];
    for (int b = 8; b < 16; ++b) lo = lo << 8 | keys_[i].uuid[b];
    order_[i] = {keys_[i].type_key, hi, lo, i};
  }
  std::sort(order_.begin(), order_.end());
  outcomes->resize(objects.size());
  for (const SortKey& k : order_) {
    const size_t i = k.index;
    RETURN_IF_ERROR(
        PutOne(objects[i], keys_[i], labels[i], added, &(*outcomes)[i]));
  }
  if (first_pk_ == 0) return Status::Ok();  // nothing new

  for (PostingTable* p :
       {&label_postings_, &marking_postings_, &creator_postings_,
        &valid_from_postings_, &valid_until_postings_}) {
    RETURN_IF_ERROR(p->Write(first_pk_));
  }
  sqlite3_stmt* put = insert_put_.get();
  sqlite3_bind_int64(put, 1, first_pk_);
  sqlite3_bind_int64(put, 2, last_pk_);
  sqlite3_bind_int64(put, 3, added);
  RETURN_IF_ERROR(Run(put, "cannot write to"));
  for (const TypeDelta& d : deltas_) {
    sqlite3_stmt* s = add_counts_.get();
    sqlite3_bind_int64(s, 1, d.type_key);
    sqlite3_bind_int64(s, 2, d.objects);
    sqlite3_bind_int64(s, 3, d.versions);
    RETURN_IF_ERROR(Run(s, "cannot write to"));
  }
  return Status::Ok();
}

Status SqliteStore::PutOne(const stix::Object& o, const ObjectKey& key,
                           std::string_view access_label, int64_t added,
                           PutOutcome* outcome) {
  auto fail = [&](int rc) {
    return SqliteStatus(db_.get(), rc,
                        fmt::format("cannot store {} in {}", o.id, path_));
  };
  const int64_t type_key = key.type_key;

  // Earlier copies in this batch are visible here: the transaction reads its
  // own writes. The latest version is the highest one.
  bool have_latest = false;
  int64_t latest_pk = 0, latest_version = 0, same_version_pk = 0;
  if (key_filter_ == nullptr || key_filter_->MayContain(type_key, key.uuid)) {
    sqlite3_stmt* s = find_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, type_key);
    sqlite3_bind_blob(s, 2, key.uuid.data(), 16, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      int64_t version = sqlite3_column_int64(s, 0);
      int64_t pk = sqlite3_column_int64(s, 1);
      if (version == o.version.micros) same_version_pk = pk;
      if (!have_latest || version > latest_version) {
        have_latest = true;
        latest_pk = pk;
        latest_version = version;
      }
    }
    if (rc != SQLITE_DONE) return fail(rc);
  }
  if (same_version_pk != 0) {
    sqlite3_stmt* s = json_by_pk_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, same_version_pk);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) return fail(rc);
    *outcome = ColumnText(s, 0) == o.json ? PutOutcome::kUnchanged
                                          : PutOutcome::kConflict;
    return Status::Ok();
  }
  bool latest = true;
  if (!have_latest) {
    *outcome = PutOutcome::kNew;
  } else if (o.version.micros > latest_version) {
    *outcome = PutOutcome::kNewVersion;
    sqlite3_bind_int64(clear_latest_.get(), 1, latest_pk);
    RETURN_IF_ERROR(Run(clear_latest_.get(), "cannot write to"));
  } else {
    *outcome = PutOutcome::kHistory;
    latest = false;
  }

  int64_t created_by = 0;
  if (!o.created_by_ref.empty()) {
    ASSIGN_OR_RETURN(created_by, refs_.Intern(o.created_by_ref));
  }
  {
    sqlite3_stmt* s = insert_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, type_key);
    sqlite3_bind_blob(s, 2, key.uuid.data(), 16, SQLITE_STATIC);
    if (key.canonical_id) {
      sqlite3_bind_null(s, 3);
    } else {
      BindText(s, 3, o.id);
    }
    if (ModifiedIsDerivable(o)) {
      sqlite3_bind_null(s, 4);
    } else {
      BindText(s, 4, o.modified);
    }
    sqlite3_bind_int64(s, 5, o.version.micros);
    BindText(s, 6, o.spec_version);
    if (created_by != 0) {
      sqlite3_bind_int64(s, 7, created_by);
    } else {
      sqlite3_bind_null(s, 7);
    }
    sqlite3_bind_int(s, 8, o.revoked ? 1 : 0);
    BindOptionalTime(s, 9, o.valid_from);
    BindOptionalTime(s, 10, o.valid_until);
    sqlite3_bind_int64(s, 11, added);
    sqlite3_bind_int(s, 12, latest ? 1 : 0);
    BindText(s, 13, o.json);
    BindText(s, 14, access_label);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return fail(rc);
  }
  const int64_t pk = sqlite3_last_insert_rowid(db_.get());
  if (key_filter_ != nullptr) {
    key_filter_->Add(type_key, key.uuid);
    key_filter_pk_ = pk;
  }
  {
    sqlite3_stmt* s = insert_id_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, type_key);
    sqlite3_bind_blob(s, 2, key.uuid.data(), 16, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, o.version.micros);
    sqlite3_bind_int64(s, 4, pk);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return fail(rc);
  }
  if (first_pk_ == 0) first_pk_ = pk;
  last_pk_ = pk;
  const int64_t offset = pk - first_pk_;
  for (const std::string& label : o.labels) {
    ASSIGN_OR_RETURN(int64_t label_key, labels_.Intern(label));
    label_postings_.Add(label_key, offset);
  }
  for (const std::string& ref : o.object_marking_refs) {
    ASSIGN_OR_RETURN(int64_t ref_key, refs_.Intern(ref));
    marking_postings_.Add(ref_key, offset);
  }
  if (created_by != 0) creator_postings_.Add(created_by, offset);
  if (o.valid_from) {
    valid_from_postings_.Add(o.valid_from->micros >> kValidityBucketShift,
                             offset);
  }
  if (o.valid_until) {
    valid_until_postings_.Add(o.valid_until->micros >> kValidityBucketShift,
                              offset);
  }

  auto it =
      std::find_if(deltas_.begin(), deltas_.end(),
                   [&](const TypeDelta& d) { return d.type_key == type_key; });
  if (it == deltas_.end()) {
    deltas_.push_back({type_key, 0, 0});
    it = deltas_.end() - 1;
  }
  it->objects += *outcome == PutOutcome::kNew ? 1 : 0;
  it->versions += 1;
  return Status::Ok();
}

Result<bool> SqliteStore::ReadKey(std::string_view id, int64_t* type_key,
                                  UuidBytes* uuid) {
  ASSIGN_OR_RETURN(StixId sid, ParseStixId(id));
  ASSIGN_OR_RETURN(*uuid, ParseUuid(sid.uuid));
  ASSIGN_OR_RETURN(*type_key, types_.Find(sid.type));
  return *type_key != 0;
}

StoredObject SqliteStore::ReadRow(sqlite3_stmt* s,
                                  std::string_view type) const {
  // Columns as NCERT_ROW_COLUMNS: pk, uuid, id_text, modified, version_us,
  // added_us, latest, json, access.
  StoredObject out;
  if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
    out.id = ColumnText(s, 2);
  } else {
    out.id.reserve(type.size() + 38);
    out.id.append(type);
    out.id.append("--");
    out.id.append(FormatUuid(ColumnUuid(s, 1)));
  }
  out.type = type;
  Timestamp version{sqlite3_column_int64(s, 4)};
  if (sqlite3_column_type(s, 3) != SQLITE_NULL) {
    out.modified = ColumnText(s, 3);
  } else {
    out.modified = FormatTimestamp(version, 3);
  }
  out.added = Timestamp{sqlite3_column_int64(s, 5)};
  out.latest = sqlite3_column_int64(s, 6) != 0;
  out.json = ColumnText(s, 7);
  out.access = ColumnText(s, 8);
  return out;
}

Status SqliteStore::IdVersions(int64_t type_key, const UuidBytes& uuid,
                               std::vector<std::pair<int64_t, int64_t>>* out) {
  sqlite3_stmt* s = find_.get();
  ResetOnExit reset(s);
  sqlite3_bind_int64(s, 1, type_key);
  sqlite3_bind_blob(s, 2, uuid.data(), 16, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    out->emplace_back(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
  }
  if (rc != SQLITE_DONE) return Error(rc, "cannot read");
  return Status::Ok();
}

Result<StoredObject> SqliteStore::RowByPk(int64_t pk, std::string_view type) {
  sqlite3_stmt* s = row_by_pk_.get();
  ResetOnExit reset(s);
  sqlite3_bind_int64(s, 1, pk);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) {
    return Status::Corruption(fmt::format(
        "{}: the version key names row {}, which does not exist", path_, pk));
  }
  if (rc != SQLITE_ROW) return Error(rc, "cannot read");
  return ReadRow(s, type);
}

Status SqliteStore::SyncKeyFilter(size_t batch) {
  // Inside the write transaction: nobody else can add rows until it ends.
  ASSIGN_OR_RETURN(int64_t max_pk, QueryInt(max_pk_.get()));
  if (key_filter_ != nullptr &&
      key_filter_->keys() + batch > key_filter_->capacity()) {
    key_filter_.reset();  // too full to stay selective: rebuild larger
  }
  if (key_filter_ == nullptr) {
    if (batch < kKeyFilterMinBatch) return Status::Ok();
    // Every key of rows 1..max_pk is in ids or recent_ids. Room for twice
    // what is stored plus this batch, so rebuilds are rare.
    auto filter = std::make_unique<internal::KeyFilter>(
        2 * static_cast<size_t>(max_pk) + 2 * batch + 65536);
    for (sqlite3_stmt* s : {all_ids_.get(), all_recent_ids_.get()}) {
      ResetOnExit reset(s);
      int rc;
      while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        filter->Add(sqlite3_column_int64(s, 0), ColumnUuid(s, 1));
      }
      if (rc != SQLITE_DONE) return Error(rc, "cannot read");
    }
    key_filter_ = std::move(filter);
    key_filter_pk_ = max_pk;
    return Status::Ok();
  }
  if (max_pk > key_filter_pk_) {  // another connection wrote since
    sqlite3_stmt* s = keys_from_pk_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, key_filter_pk_ + 1);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      key_filter_->Add(sqlite3_column_int64(s, 1), ColumnUuid(s, 2));
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read");
    key_filter_pk_ = max_pk;
  }
  return Status::Ok();
}

Status SqliteStore::MergeRecentIds() {
  sqlite3_stmt* s = merge_ids_.get();
  ResetOnExit reset(s);
  int rc = sqlite3_step(s);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return Status::Corruption(fmt::format(
        "{}: a version key is in both ids and recent_ids ({}); the store is "
        "damaged, restore it from a backup",
        path_, sqlite3_errmsg(db_.get())));
  }
  if (rc != SQLITE_DONE) return Error(rc, "cannot write to");
  return Run(clear_recent_.get(), "cannot write to");
}

Status SqliteStore::ReadTxn(const std::function<Status()>& body) {
  // The caller holds mu_. One snapshot for everything `body` reads.
  RETURN_IF_ERROR(Run(begin_read_.get(), "cannot read"));
  Status s = body();
  Status end = Run(commit_.get(), "cannot read");
  RETURN_IF_ERROR(s);
  return end;
}

Result<std::optional<StoredObject>> SqliteStore::LatestLocked(
    std::string_view id) {
  int64_t type_key = 0;
  UuidBytes uuid{};
  ASSIGN_OR_RETURN(bool known, ReadKey(id, &type_key, &uuid));
  if (!known) return std::optional<StoredObject>();
  std::vector<std::pair<int64_t, int64_t>> versions;
  RETURN_IF_ERROR(IdVersions(type_key, uuid, &versions));
  if (versions.empty()) return std::optional<StoredObject>();
  int64_t pk = std::max_element(versions.begin(), versions.end())->second;
  ASSIGN_OR_RETURN(StoredObject row, RowByPk(pk, id.substr(0, id.find("--"))));
  return std::optional<StoredObject>(std::move(row));
}

Status SqliteStore::VersionsLocked(std::string_view id,
                                   std::vector<StoredObject>* out) {
  int64_t type_key = 0;
  UuidBytes uuid{};
  ASSIGN_OR_RETURN(bool known, ReadKey(id, &type_key, &uuid));
  if (!known) return Status::Ok();
  std::vector<std::pair<int64_t, int64_t>> versions;
  RETURN_IF_ERROR(IdVersions(type_key, uuid, &versions));
  std::sort(versions.begin(), versions.end());
  for (const auto& [version, pk] : versions) {
    ASSIGN_OR_RETURN(StoredObject row,
                     RowByPk(pk, id.substr(0, id.find("--"))));
    out->push_back(std::move(row));
  }
  return Status::Ok();
}

// The marking definitions held and what each means, as the policy's
// catalog.
class MarkingSet final : public access::MarkingCatalog {
 public:
  void Add(std::string id, access::MarkingEffect effect) {
    markings_.emplace_back(std::move(id), effect);
  }
  const access::MarkingEffect* Find(std::string_view id) const override {
    for (const auto& [m, effect] : markings_) {
      if (m == id) return &effect;
    }
    return nullptr;
  }

 private:
  // Few: a linear search is fastest.
  std::vector<std::pair<std::string, access::MarkingEffect>> markings_;
};

class SqliteStore::Guard {
 public:
  Guard(SqliteStore* store, const Reader& reader)
      : who_(reader.principal()),
        policy_(&markings_),
        filter_(policy_, reader.principal(),
                [store](std::string_view id)
                    -> Result<std::optional<access::AccessLabel>> {
                  ASSIGN_OR_RETURN(auto row, store->LatestLocked(id));
                  if (!row) return std::optional<access::AccessLabel>();
                  ASSIGN_OR_RETURN(access::AccessLabel l,
                                   access::DecodeLabel(row->access));
                  return std::optional<access::AccessLabel>(std::move(l));
                }) {}

  MarkingSet& markings() { return markings_; }

  // Calls `fn` with the object as the reader may see it, if at all; returns
  // what `fn` returned (true when the object was withheld). Copies the row
  // only when it must redact it.
  Result<bool> Show(const StoredObject& o,
                    const std::function<bool(const StoredObject&)>& fn) {
    if (!VisibilityFilter::DependsOnRefs(o.type)) {
      // The label alone decides, and many objects share a label: judge each
      // distinct label once per read.
      auto it = by_label_.find(o.access);
      if (it == by_label_.end()) {
        ASSIGN_OR_RETURN(access::AccessLabel label,
                         access::DecodeLabel(o.access));
        it = by_label_.emplace(o.access, policy_.CanSee(who_, label)).first;
      }
      return it->second ? fn(o) : true;
    }
    ASSIGN_OR_RETURN(access::AccessLabel label, access::DecodeLabel(o.access));
    ASSIGN_OR_RETURN(VisibilityFilter::Verdict v,
                     filter_.Apply(o.type, label, o.json, &redacted_));
    switch (v) {
      case VisibilityFilter::Verdict::kWithhold:
        return true;
      case VisibilityFilter::Verdict::kAsIs:
        return fn(o);
      case VisibilityFilter::Verdict::kRedacted: {
        StoredObject copy = o;
        copy.json = std::move(redacted_);
        return fn(copy);
      }
    }
    return true;
  }

  // The object as the reader may see it, or nullopt.
  Result<std::optional<StoredObject>> Show(StoredObject o) {
    std::optional<StoredObject> out;
    ASSIGN_OR_RETURN(bool unused, Show(o, [&](const StoredObject& shown) {
                       out = shown;
                       return true;
                     }));
    (void)unused;
    return out;
  }

 private:
  const access::Principal* who_;
  MarkingSet markings_;
  access::Policy policy_;
  VisibilityFilter filter_;
  std::string redacted_;
  std::unordered_map<std::string, bool> by_label_;  // label text -> verdict
};

Result<std::unique_ptr<SqliteStore::Guard>> SqliteStore::GuardLocked(
    const Reader& reader) {
  auto guard = std::make_unique<Guard>(this, reader);
  Query q;
  q.types = {"marking-definition"};
  RETURN_IF_ERROR(ScanLocked(q, [&](const StoredObject& o) {
    guard->markings().Add(o.id, access::MarkingEffectOf(o.json));
    return true;
  }));
  return guard;
}

Result<std::optional<StoredObject>> SqliteStore::Get(const Reader& reader,
                                                     std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<StoredObject> out;
  Status read = ReadTxn([&]() -> Status {
    ASSIGN_OR_RETURN(out, LatestLocked(id));
    if (!out || reader.system()) return Status::Ok();
    ASSIGN_OR_RETURN(auto guard, GuardLocked(reader));
    ASSIGN_OR_RETURN(out, guard->Show(std::move(*out)));
    return Status::Ok();
  });
  RETURN_IF_ERROR(read);
  return out;
}

Result<std::vector<StoredObject>> SqliteStore::Versions(const Reader& reader,
                                                        std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StoredObject> out;
  Status read = ReadTxn([&]() -> Status {
    std::vector<StoredObject> all;
    RETURN_IF_ERROR(VersionsLocked(id, &all));
    if (reader.system()) {
      out = std::move(all);
      return Status::Ok();
    }
    if (all.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(auto guard, GuardLocked(reader));
    for (StoredObject& o : all) {
      ASSIGN_OR_RETURN(auto shown, guard->Show(std::move(o)));
      if (shown) out.push_back(std::move(*shown));
    }
    return Status::Ok();
  });
  RETURN_IF_ERROR(read);
  return out;
}

Status SqliteStore::Scan(const Reader& reader, const Query& query,
                         const std::function<bool(const StoredObject&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  // One read transaction: the whole scan sees one snapshot, even while other
  // processes commit.
  return ReadTxn([&]() -> Status {
    if (reader.system()) return ScanLocked(query, fn);
    if (query.limit == 0) return Status::Ok();
    ASSIGN_OR_RETURN(auto guard, GuardLocked(reader));
    Query all = query;
    all.limit = -1;  // the limit counts what the reader sees
    int64_t remaining = query.limit;
    Status inner;
    RETURN_IF_ERROR(ScanLocked(all, [&](const StoredObject& o) {
      bool more = true;
      auto go_on = guard->Show(o, [&](const StoredObject& shown) {
        more = fn(shown) && !(remaining > 0 && --remaining == 0);
        return more;
      });
      if (!go_on.ok()) {
        inner = go_on.status();
        return false;
      }
      return more;
    }));
    return inner;
  });
}

// TAXII's read: the objects table in pk order (pks grow with every insert,
// and `added` with every Put), from the first pk after the cursor.
Status SqliteStore::ScanAdded(
    const Reader& reader, const AddedQuery& query,
    const std::function<bool(StoredObject&, int64_t)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  return ReadTxn([&]() -> Status {
    std::unordered_map<int64_t, std::string> wanted;  // type_key -> name
    {
      sqlite3_stmt* s = list_types_.get();
      ResetOnExit reset(s);
      int rc;
      while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        std::string name(ColumnText(s, 1));
        if (query.types.empty() ||
            std::find(query.types.begin(), query.types.end(), name) !=
                query.types.end()) {
          wanted.emplace(sqlite3_column_int64(s, 0), std::move(name));
        }
      }
      if (rc != SQLITE_DONE) return Error(rc, "cannot read");
    }
    if (wanted.empty()) return Status::Ok();
    int64_t min_pk = std::max<int64_t>(query.after_seq, 0) + 1;
    if (query.added_after) {
      sqlite3_stmt* s = first_pk_after_.get();
      sqlite3_bind_int64(s, 1, query.added_after->micros);
      ASSIGN_OR_RETURN(int64_t first, QueryInt(s));
      if (first == 0) return Status::Ok();  // nothing added since
      min_pk = std::max(min_pk, first);
    }
    std::unique_ptr<Guard> guard;
    if (!reader.system()) {
      ASSIGN_OR_RETURN(guard, GuardLocked(reader));
    }
    // Prepared once per connection (TAXII pages run this per request).
    sqlite3_stmt* s =
        query.latest_only ? scan_added_latest_.get() : scan_added_all_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, min_pk);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      auto it = wanted.find(sqlite3_column_int64(s, 9));
      if (it == wanted.end()) continue;
      const int64_t pk = sqlite3_column_int64(s, 0);
      StoredObject row = ReadRow(s, it->second);
      if (guard == nullptr) {
        if (!fn(row, pk)) return Status::Ok();
        continue;
      }
      bool more = true;
      ASSIGN_OR_RETURN(bool unused,
                       guard->Show(row, [&](const StoredObject& o) {
                         // `o` is `row` or Show's redacted copy, both
                         // mutable and unused after this call: `fn` may
                         // take it.
                         more = fn(const_cast<StoredObject&>(o), pk);
                         return more;
                       }));
      (void)unused;
      if (!more) return Status::Ok();
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read");
    return Status::Ok();
  });
}

Status SqliteStore::ScanLocked(
    const Query& query, const std::function<bool(const StoredObject&)>& fn) {
  if (query.limit == 0) return Status::Ok();
  TypeList types;  // wanted types, in name order
  int64_t rows = 0;
  {
    sqlite3_stmt* s = list_types_.get();
    ResetOnExit reset(s);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::string name(ColumnText(s, 1));
      rows += sqlite3_column_int64(s, 3);
      if (!query.types.empty() &&
          std::find(query.types.begin(), query.types.end(), name) ==
              query.types.end()) {
        continue;
      }
      types.emplace_back(sqlite3_column_int64(s, 0), std::move(name));
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read");
  }
  if (types.empty()) return Status::Ok();

  // added > T is pk >= the first pk of the first Put after T.
  int64_t min_pk = 0;
  if (query.added_after) {
    sqlite3_stmt* s = first_pk_after_.get();
    sqlite3_bind_int64(s, 1, query.added_after->micros);
    ASSIGN_OR_RETURN(min_pk, QueryInt(s));
    if (min_pk == 0) return Status::Ok();  // nothing added since
  }
  if (query.label) {
    ASSIGN_OR_RETURN(int64_t label_key, labels_.Find(*query.label));
    if (label_key == 0) return Status::Ok();  // no object has it
    std::vector<int64_t> pks;
    RETURN_IF_ERROR(label_postings_.Read(label_key, min_pk, &pks));
    return ScanCandidates(query, types, &pks, min_pk, fn);
  }
  if (query.added_after) {
    // Recent additions (the TAXII poll): read the pk range and sort it,
    // rather than walk every id of the wanted types.
    ASSIGN_OR_RETURN(int64_t max_pk, QueryInt(max_pk_.get()));
    if ((max_pk - min_pk + 1) * 4 < rows) {
      return ScanCandidates(query, types, nullptr, min_pk, fn);
    }
  }
  return ScanByIndex(query, types, min_pk, fn);
}

// Walks the version key one type at a time, merging its two ordered halves
// (ids and recent_ids): already in (type, id, version) order, so it streams
// without holding results.
Status SqliteStore::ScanByIndex(
    const Query& query, const TypeList& types, int64_t min_pk,
    const std::function<bool(const StoredObject&)>& fn) {
  std::string where = "WHERE type_key = ?1";
  if (query.modified_since) where += " AND version_us >= ?2";
  if (min_pk > 0) where += " AND pk >= ?3";
  Stmt halves[2];
  const char* tables[2] = {"ids", "recent_ids"};
  for (int h = 0; h < 2; ++h) {
    std::string sql = fmt::format(
        "SELECT uuid, version_us, pk FROM {} {} ORDER BY uuid, version_us",
        tables[h], where);
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
    halves[h].reset(raw);
    if (rc != SQLITE_OK) return Error(rc, "cannot read");
  }
  int64_t remaining = query.limit;  // < 0: no limit
  for (const auto& [type_key, name] : types) {
    bool more[2];
    for (int h = 0; h < 2; ++h) {
      sqlite3_stmt* s = halves[h].get();
      sqlite3_reset(s);
      sqlite3_bind_int64(s, 1, type_key);
      if (query.modified_since) {
        sqlite3_bind_int64(s, 2, query.modified_since->micros);
      }
      if (min_pk > 0) sqlite3_bind_int64(s, 3, min_pk);
      int rc = sqlite3_step(s);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return Error(rc, "cannot read");
      more[h] = rc == SQLITE_ROW;
    }
    while (more[0] || more[1]) {
      int h = 0;  // the half with the smaller (uuid, version)
      if (!more[0]) {
        h = 1;
      } else if (more[1]) {
        sqlite3_stmt* a = halves[0].get();
        sqlite3_stmt* b = halves[1].get();
        int c = std::memcmp(sqlite3_column_blob(a, 0),
                            sqlite3_column_blob(b, 0), 16);
        if (c > 0 || (c == 0 && sqlite3_column_int64(a, 1) >
                                    sqlite3_column_int64(b, 1))) {
          h = 1;
        }
      }
      sqlite3_stmt* s = halves[h].get();
      int64_t pk = sqlite3_column_int64(s, 2);
      int rc = sqlite3_step(s);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return Error(rc, "cannot read");
      more[h] = rc == SQLITE_ROW;
      ASSIGN_OR_RETURN(StoredObject row, RowByPk(pk, name));
      if (query.latest_only && !row.latest) continue;
      if (!fn(row)) return Status::Ok();
      if (remaining > 0 && --remaining == 0) return Status::Ok();
    }
  }
  return Status::Ok();
}

// Filters candidate rows (the pks in `pks`, or every pk >= min_pk when
// `pks` is null) by their keys, sorts the matches into (type, id, version)
// order, then reads and hands out the rows one by one.
Status SqliteStore::ScanCandidates(
    const Query& query, const TypeList& types, const std::vector<int64_t>* pks,
    int64_t min_pk, const std::function<bool(const StoredObject&)>& fn) {
  std::unordered_map<int64_t, size_t> rank;  // type_key -> index in `types`
  for (size_t i = 0; i < types.size(); ++i) rank[types[i].first] = i;
  std::vector<Hit> hits;
  auto consider = [&](int64_t pk, int64_t type_key, sqlite3_stmt* s, int col) {
    auto it = rank.find(type_key);
    if (it == rank.end()) return;
    int64_t version = sqlite3_column_int64(s, col + 1);
    if (query.latest_only && sqlite3_column_int64(s, col + 2) == 0) return;
    if (query.modified_since && version < query.modified_since->micros) return;
    hits.push_back({it->second, ColumnUuid(s, col), version, pk});
  };
  if (pks != nullptr) {
    sqlite3_stmt* s = key_by_pk_.get();
    for (int64_t pk : *pks) {
      ResetOnExit reset(s);
      sqlite3_bind_int64(s, 1, pk);
      int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) {
        return Status::Corruption(fmt::format(
            "{}: an inverted list names row {}, which does not exist", path_,
            pk));
      }
      if (rc != SQLITE_ROW) return Error(rc, "cannot read");
      consider(pk, sqlite3_column_int64(s, 0), s, 1);
    }
  } else {
    sqlite3_stmt* s = keys_from_pk_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, min_pk);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      consider(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), s, 2);
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read");
  }
  std::sort(hits.begin(), hits.end());
  if (query.limit >= 0 && hits.size() > static_cast<size_t>(query.limit)) {
    hits.resize(static_cast<size_t>(query.limit));
  }
  sqlite3_stmt* s = row_by_pk_.get();
  for (const Hit& hit : hits) {
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, hit.pk);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) return Error(rc, "cannot read");
    if (!fn(ReadRow(s, types[hit.type_rank].second))) return Status::Ok();
  }
  return Status::Ok();
}

Result<StoreStats> SqliteStore::Stats(const Reader& reader) {
  std::lock_guard<std::mutex> lock(mu_);
  StoreStats stats;
  Status read = ReadTxn([&]() -> Status {
    if (reader.system()) return StatsLocked(&stats);
    // Counts never count what the reader may not see: walk the latest
    // versions through the policy.
    ASSIGN_OR_RETURN(auto guard, GuardLocked(reader));
    Status inner;
    Query every;
    every.latest_only = false;
    RETURN_IF_ERROR(ScanLocked(every, [&](const StoredObject& o) {
      auto shown = guard->Show(o, [&](const StoredObject&) {
        ++stats.versions;
        if (o.latest) {
          ++stats.objects;
          ++stats.latest_by_type[o.type];
        }
        return true;
      });
      if (!shown.ok()) {
        inner = shown.status();
        return false;
      }
      return true;
    }));
    return inner;
  });
  RETURN_IF_ERROR(read);
  return stats;
}

Status SqliteStore::StatsLocked(StoreStats* stats) {
  {
    sqlite3_stmt* s = list_types_.get();
    ResetOnExit reset(s);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      int64_t objects = sqlite3_column_int64(s, 2);
      stats->objects += objects;
      stats->versions += sqlite3_column_int64(s, 3);
      if (objects > 0) {
        stats->latest_by_type[std::string(ColumnText(s, 1))] = objects;
      }
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read");
  }
  // The logical size: what the file measures once the WAL is checkpointed.
  int64_t page_count = 0, page_size = 0;
  for (auto [sql, out] : {std::pair{"PRAGMA page_count", &page_count},
                          std::pair{"PRAGMA page_size", &page_size}}) {
    Stmt stmt;
    RETURN_IF_ERROR(PrepareOne(sql, &stmt));
    ASSIGN_OR_RETURN(*out, QueryInt(stmt.get()));
  }
  stats->file_bytes = page_count * page_size;
  return Status::Ok();
}

#undef NCERT_ROW_COLUMNS

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  return SqliteStore::Open(options);
}

}  // namespace ncert::store
