#include "store/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/id.h"
#include "store/migrations.h"

namespace ncert::store {
namespace {

// Tuning; docs/storage.md ("Tuning") has the measurements behind each value.
constexpr int kPageSize = 16384;               // bytes; only for new files
constexpr int kBusyTimeoutMs = 5000;           // wait for another writer
constexpr int kCacheKib = 64 * 1024;           // page cache per connection
constexpr int kWalAutocheckpointPages = 4096;  // 64 MiB of WAL

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

// Resets a statement when the scope ends, so no statement keeps a read
// transaction open or holds bindings past the step that used them.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ResetOnExit() { sqlite3_reset(stmt_); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

void BindText(sqlite3_stmt* s, int i, std::string_view text) {
  // SQLITE_STATIC: the text outlives the step; the statement is reset after.
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()),
                    SQLITE_STATIC);
}

void BindOptionalTime(sqlite3_stmt* s, int i,
                      const std::optional<Timestamp>& t) {
  if (t) {
    sqlite3_bind_int64(s, i, t->micros);
  } else {
    sqlite3_bind_null(s, i);
  }
}

std::string_view ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* p = sqlite3_column_text(s, i);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<size_t>(sqlite3_column_bytes(s, i))};
}

// An object's key in the objects table: the type (interned) and the UUID.
struct ObjectKey {
  UuidBytes uuid;
  bool canonical_id;  // id == type + "--" + FormatUuid(uuid)
};

// Put takes validated objects; an id that is not "type--UUID" of the
// object's own type is a caller bug, reported before anything is written.
Status ParseKey(const stix::Object& o, ObjectKey* key) {
  ASSIGN_OR_RETURN(StixId sid, ParseStixId(o.id));
  if (sid.type != o.type) {
    return Status::InvalidArgument(fmt::format(
        "object id '{}' does not start with its type '{}--'", o.id, o.type));
  }
  ASSIGN_OR_RETURN(key->uuid, ParseUuid(sid.uuid));
  key->canonical_id = std::none_of(sid.uuid.begin(), sid.uuid.end(),
                                   [](char c) { return c >= 'A' && c <= 'F'; });
  if (o.json.empty()) {
    return Status::InvalidArgument(
        fmt::format("object '{}' has no JSON", o.id));
  }
  return Status::Ok();
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
    std::string select = fmt::format("SELECT {} FROM {} WHERE {} = ?1",
                                     key_column, table, name_column);
    std::string insert =
        fmt::format("INSERT INTO {} ({}) VALUES (?1)", table, name_column);
    for (auto [sql, stmt] :
         {std::pair{&select, &select_}, std::pair{&insert, &insert_}}) {
      sqlite3_stmt* raw = nullptr;
      int rc = sqlite3_prepare_v3(db, sql->c_str(), -1,
                                  SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
      stmt->reset(raw);
      if (rc != SQLITE_OK) {
        return SqliteStatus(db, rc, fmt::format("cannot prepare {}", file));
      }
    }
    return Status::Ok();
  }

  // The key of `name`, or 0 when it is not stored. Keys start at 1.
  Result<int64_t> Find(std::string_view name) {
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
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
    cache_.emplace(name, key);  // committed by someone: valid for ever
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
};

// The columns every read returns, in this order (see ReadRow).
constexpr std::string_view kRowColumns =
    "pk, uuid, id_text, modified, version_us, added_us, latest, json";

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
      std::span<const stix::Object> objects) override;
  Result<std::optional<StoredObject>> Get(std::string_view id) override;
  Result<std::vector<StoredObject>> Versions(std::string_view id) override;
  Status Scan(const Query& query,
              const std::function<bool(const StoredObject&)>& fn) override;
  Result<StoreStats> Stats() override;

 private:
  struct TypeDelta {
    int64_t type_key;
    int64_t objects;
    int64_t versions;
  };

  SqliteStore(Db db, std::string path, Clock* clock)
      : db_(std::move(db)), path_(std::move(path)), clock_(clock) {}

  Status Configure(bool in_memory);
  Status PrepareStatements();
  Status PrepareOne(const char* sql, Stmt* stmt);
  Status Error(int rc, std::string_view what) const {
    return SqliteStatus(db_.get(), rc, fmt::format("{} {}", what, path_));
  }
  // Steps a statement that returns no rows.
  Status Run(sqlite3_stmt* s, std::string_view what);
  void RollbackAfter();

  Status PutLocked(std::span<const stix::Object> objects,
                   std::vector<PutOutcome>* outcomes);
  Status PutOne(const stix::Object& o, const ObjectKey& key, int64_t added,
                PutOutcome* outcome);
  // Finds the (type_key, uuid) key of `id` for reads; false if not stored.
  Result<bool> ReadKey(std::string_view id, int64_t* type_key, UuidBytes* uuid);
  StoredObject ReadRow(sqlite3_stmt* s, std::string_view type) const;
  Status ScanLocked(const Query& query,
                    const std::function<bool(const StoredObject&)>& fn);
  Status StatsLocked(StoreStats* stats);

  std::mutex mu_;
  // Declared first so that it is destroyed last, after every statement.
  Db db_;
  const std::string path_;
  Clock* const clock_;

  InternTable types_;
  InternTable labels_;
  InternTable refs_;  // created_by_ref and object_marking_refs
  Stmt begin_write_, begin_read_, commit_, rollback_;
  Stmt find_, insert_, clear_latest_, insert_label_, insert_marking_;
  Stmt max_added_, add_counts_;
  Stmt get_latest_, get_versions_, list_types_;
  // Reused by Put so that a batch costs no per-object allocation.
  std::vector<ObjectKey> keys_;
  std::vector<TypeDelta> deltas_;
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
  std::unique_ptr<SqliteStore> store(
      new SqliteStore(std::move(db), options.path, options.clock));
  RETURN_IF_ERROR(store->Configure(options.path == ":memory:"));
  RETURN_IF_ERROR(Migrate(store->db_.get(), store->path_));
  RETURN_IF_ERROR(store->PrepareStatements());
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
      "PRAGMA wal_autocheckpoint = {};",
      kPageSize, kCacheKib, kWalAutocheckpointPages);
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
  return Status::Ok();
}

Status SqliteStore::PrepareOne(const char* sql, Stmt* stmt) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT,
                              &raw, nullptr);
  stmt->reset(raw);
  if (rc != SQLITE_OK) return Error(rc, "cannot prepare a statement for");
  return Status::Ok();
}

Status SqliteStore::PrepareStatements() {
  RETURN_IF_ERROR(
      types_.Prepare(db_.get(), path_, "types", "type_key", "name"));
  RETURN_IF_ERROR(
      labels_.Prepare(db_.get(), path_, "labels", "label_key", "name"));
  RETURN_IF_ERROR(refs_.Prepare(db_.get(), path_, "refs", "ref_key", "ref"));
  const std::string get_latest = fmt::format(
      "SELECT {} FROM objects WHERE type_key = ?1 AND uuid = ?2 AND latest = 1",
      kRowColumns);
  const std::string get_versions = fmt::format(
      "SELECT {} FROM objects WHERE type_key = ?1 AND uuid = ?2 "
      "ORDER BY version_us",
      kRowColumns);
  const std::pair<const char*, Stmt*> statements[] = {
      {"BEGIN IMMEDIATE", &begin_write_},
      {"BEGIN", &begin_read_},
      {"COMMIT", &commit_},
      {"ROLLBACK", &rollback_},
      // One index probe per object: the latest row and the row of the same
      // version (usually none, at most two rows).
      {"SELECT pk, version_us, latest, json FROM objects "
       "WHERE type_key = ?1 AND uuid = ?2 AND (latest = 1 OR version_us = ?3)",
       &find_},
      {"INSERT INTO objects (type_key, uuid, id_text, modified, version_us, "
       "spec_version, created_by, revoked, valid_from, valid_until, added_us, "
       "latest, json) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
       &insert_},
      {"UPDATE objects SET latest = 0 WHERE pk = ?1", &clear_latest_},
      {"INSERT OR IGNORE INTO object_labels (label_key, object_pk) "
       "VALUES (?1, ?2)",
       &insert_label_},
      {"INSERT OR IGNORE INTO object_markings (ref_key, object_pk) "
       "VALUES (?1, ?2)",
       &insert_marking_},
      {"SELECT max(added_us) FROM objects", &max_added_},
      {"UPDATE types SET objects = objects + ?2, versions = versions + ?3 "
       "WHERE type_key = ?1",
       &add_counts_},
      {get_latest.c_str(), &get_latest_},
      {get_versions.c_str(), &get_versions_},
      {"SELECT type_key, name, objects, versions FROM types ORDER BY name",
       &list_types_},
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
}

Result<std::vector<PutOutcome>> SqliteStore::Put(
    std::span<const stix::Object> objects) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PutOutcome> outcomes;
  if (objects.empty()) return outcomes;
  outcomes.reserve(objects.size());
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
  Status s = PutLocked(objects, &outcomes);
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
                              std::vector<PutOutcome>* outcomes) {
  // `added` grows strictly from one Put to the next, even if the clock steps
  // back, so "added after T" never misses a later write (TAXII's
  // added_after relies on that).
  int64_t added = clock_->Now().micros;
  {
    sqlite3_stmt* s = max_added_.get();
    ResetOnExit reset(s);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) return Error(rc, "cannot read");
    if (sqlite3_column_type(s, 0) != SQLITE_NULL) {
      added = std::max<int64_t>(added, sqlite3_column_int64(s, 0) + 1);
    }
  }
  deltas_.clear();
  for (size_t i = 0; i < objects.size(); ++i) {
    PutOutcome outcome;
    RETURN_IF_ERROR(PutOne(objects[i], keys_[i], added, &outcome));
    outcomes->push_back(outcome);
  }
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
                           int64_t added, PutOutcome* outcome) {
  auto fail = [&](int rc) {
    return SqliteStatus(db_.get(), rc,
                        fmt::format("cannot store {} in {}", o.id, path_));
  };
  ASSIGN_OR_RETURN(int64_t type_key, types_.Intern(o.type));

  // Earlier copies in this batch are visible here: the transaction reads its
  // own writes, so a repeated object is judged against the earlier copy.
  bool have_latest = false, same_version = false, same_bytes = false;
  int64_t latest_pk = 0, latest_version = 0;
  {
    sqlite3_stmt* s = find_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, type_key);
    sqlite3_bind_blob(s, 2, key.uuid.data(), 16, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, o.version.micros);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      int64_t version = sqlite3_column_int64(s, 1);
      if (version == o.version.micros) {
        same_version = true;
        std::string_view json = ColumnText(s, 3);
        same_bytes = json == o.json;
      }
      if (sqlite3_column_int64(s, 2) != 0) {
        have_latest = true;
        latest_pk = sqlite3_column_int64(s, 0);
        latest_version = version;
      }
    }
    if (rc != SQLITE_DONE) return fail(rc);
  }
  if (same_version) {
    *outcome = same_bytes ? PutOutcome::kUnchanged : PutOutcome::kConflict;
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
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return fail(rc);
  }
  const int64_t pk = sqlite3_last_insert_rowid(db_.get());
  for (const std::string& label : o.labels) {
    ASSIGN_OR_RETURN(int64_t label_key, labels_.Intern(label));
    sqlite3_stmt* s = insert_label_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, label_key);
    sqlite3_bind_int64(s, 2, pk);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return fail(rc);
  }
  for (const std::string& ref : o.object_marking_refs) {
    ASSIGN_OR_RETURN(int64_t ref_key, refs_.Intern(ref));
    sqlite3_stmt* s = insert_marking_.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, ref_key);
    sqlite3_bind_int64(s, 2, pk);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return fail(rc);
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
  // Columns as kRowColumns: pk, uuid, id_text, modified, version_us,
  // added_us, latest, json.
  StoredObject out;
  if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
    out.id = ColumnText(s, 2);
  } else {
    UuidBytes uuid{};
    const void* blob = sqlite3_column_blob(s, 1);
    assert(sqlite3_column_bytes(s, 1) == 16);  // CHECK in the schema
    std::memcpy(uuid.data(), blob, uuid.size());
    out.id.reserve(type.size() + 38);
    out.id.append(type);
    out.id.append("--");
    out.id.append(FormatUuid(uuid));
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
  return out;
}

Result<std::optional<StoredObject>> SqliteStore::Get(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t type_key = 0;
  UuidBytes uuid{};
  ASSIGN_OR_RETURN(bool known, ReadKey(id, &type_key, &uuid));
  if (!known) return std::optional<StoredObject>();
  sqlite3_stmt* s = get_latest_.get();
  ResetOnExit reset(s);
  sqlite3_bind_int64(s, 1, type_key);
  sqlite3_bind_blob(s, 2, uuid.data(), 16, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return std::optional<StoredObject>();
  if (rc != SQLITE_ROW) return Error(rc, "cannot read");
  std::string_view type = id.substr(0, id.find("--"));
  return std::optional<StoredObject>(ReadRow(s, type));
}

Result<std::vector<StoredObject>> SqliteStore::Versions(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StoredObject> out;
  int64_t type_key = 0;
  UuidBytes uuid{};
  ASSIGN_OR_RETURN(bool known, ReadKey(id, &type_key, &uuid));
  if (!known) return out;
  sqlite3_stmt* s = get_versions_.get();
  ResetOnExit reset(s);
  sqlite3_bind_int64(s, 1, type_key);
  sqlite3_bind_blob(s, 2, uuid.data(), 16, SQLITE_STATIC);
  std::string_view type = id.substr(0, id.find("--"));
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(ReadRow(s, type));
  if (rc != SQLITE_DONE) return Error(rc, "cannot read");
  return out;
}

Status SqliteStore::Scan(const Query& query,
                         const std::function<bool(const StoredObject&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  // One read transaction: the whole scan sees one snapshot, even while other
  // processes commit.
  RETURN_IF_ERROR(Run(begin_read_.get(), "cannot read"));
  Status s = ScanLocked(query, fn);
  Status end = Run(commit_.get(), "cannot read");
  if (!s.ok()) return s;
  return end;
}

Status SqliteStore::ScanLocked(
    const Query& query, const std::function<bool(const StoredObject&)>& fn) {
  if (query.limit == 0) return Status::Ok();
  int64_t label_key = 0;
  if (query.label) {
    ASSIGN_OR_RETURN(label_key, labels_.Find(*query.label));
    if (label_key == 0) return Status::Ok();  // no object has it
  }

  // Types in name order; each type is one range of objects_by_id, which is
  // ordered by (uuid, version) = (id, version) within the type.
  std::vector<std::pair<int64_t, std::string>> types;
  {
    sqlite3_stmt* s = list_types_.get();
    ResetOnExit reset(s);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::string name(ColumnText(s, 1));
      if (!query.types.empty() &&
          std::find(query.types.begin(), query.types.end(), name) ==
              query.types.end()) {
        continue;
      }
      types.emplace_back(sqlite3_column_int64(s, 0), std::move(name));
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read");
  }

  std::string sql =
      fmt::format("SELECT {} FROM objects WHERE type_key = ?1", kRowColumns);
  if (query.latest_only) sql += " AND latest = 1";
  if (query.modified_since) sql += " AND version_us >= ?2";
  if (query.added_after) sql += " AND added_us > ?3";
  if (query.label) {
    sql +=
        " AND pk IN (SELECT object_pk FROM object_labels "
        "WHERE label_key = ?4)";
  }
  sql += " ORDER BY uuid, version_us LIMIT ?5";
  Stmt stmt;
  {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
    stmt.reset(raw);
    if (rc != SQLITE_OK) return Error(rc, "cannot read");
  }
  sqlite3_stmt* s = stmt.get();
  int64_t remaining = query.limit;  // < 0: no limit
  for (const auto& [type_key, name] : types) {
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, type_key);
    if (query.modified_since)
      sqlite3_bind_int64(s, 2, query.modified_since->micros);
    if (query.added_after) sqlite3_bind_int64(s, 3, query.added_after->micros);
    if (query.label) sqlite3_bind_int64(s, 4, label_key);
    sqlite3_bind_int64(s, 5, remaining < 0 ? -1 : remaining);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      if (!fn(ReadRow(s, name))) return Status::Ok();
      if (remaining > 0 && --remaining == 0) return Status::Ok();
    }
    if (rc != SQLITE_DONE) return Error(rc, "cannot read");
  }
  return Status::Ok();
}

Result<StoreStats> SqliteStore::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  StoreStats stats;
  RETURN_IF_ERROR(Run(begin_read_.get(), "cannot read"));
  Status s = StatsLocked(&stats);
  Status end = Run(commit_.get(), "cannot read");
  RETURN_IF_ERROR(s);
  RETURN_IF_ERROR(end);
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
    int rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW) return Error(rc, "cannot read");
    *out = sqlite3_column_int64(stmt.get(), 0);
  }
  stats->file_bytes = page_count * page_size;
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  return SqliteStore::Open(options);
}

}  // namespace ncert::store
