// The SQLite schema of the knowledge store as numbered migrations.
//
// Migration N turns schema N-1 into schema N; schema 0 is an empty file. The
// version a database is at lives in `PRAGMA user_version`, and
// `PRAGMA application_id` marks the file as an ncert store, so ncert never
// writes its tables into some other program's database. Migrations are only
// ever appended: a released migration is never edited, because databases in
// the field have already run it. docs/storage.md explains the schema.
//
// Also here, because both this file and sqlite_store.cc need it: the mapping
// from SQLite result codes to Status.
//
// Thread safety: free functions over a caller-owned connection; the caller
// serialises use of that connection.
#ifndef NCERT_STORE_MIGRATIONS_H_
#define NCERT_STORE_MIGRATIONS_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "core/status.h"

struct sqlite3;

namespace ncert::store {

struct Migration {
  int version;           // 1, 2, 3, ... in order, no gaps
  std::string_view sql;  // one or more statements
};

// "ncrt": the value of PRAGMA application_id in every ncert store.
inline constexpr int32_t kApplicationId = 0x6e637274;

// Every migration, oldest first.
std::span<const Migration> Migrations();

// The version the last migration produces: what this build writes.
int LatestSchemaVersion();

// Reads PRAGMA user_version.
Result<int> SchemaVersion(sqlite3* db, std::string_view name);

// Brings `db` to LatestSchemaVersion(). The pending migrations run in order
// inside one BEGIN IMMEDIATE transaction that also sets user_version, so a
// crash or a concurrent opener never sees a half-migrated file; re-running on
// an up-to-date database changes nothing. Fails, with `name` (the file, for
// messages) and what to do, when the database was written by a newer ncert
// (FailedPrecondition), or is some other program's SQLite database
// (FailedPrecondition).
Status Migrate(sqlite3* db, std::string_view name);

// Turns the failed SQLite result `rc` into a Status a user can act on, e.g.
//   IoError: "cannot open ncert.db: unable to open database file (is the
//   directory there and writable?)"
// `what` names the operation and the file ("cannot open ncert.db"). The text
// comes from sqlite3_errmsg(db) (db may be null), the code and the hint from
// the primary result code: CANTOPEN and IOERR -> kIoError, NOTADB and CORRUPT
// -> kCorruption, BUSY and LOCKED -> kUnavailable, READONLY and PERM ->
// kPermissionDenied, FULL, NOMEM and TOOBIG -> kResourceExhausted, anything
// else (a constraint or SQL error: a bug) -> kInternal.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

}  // namespace ncert::store

#endif  // NCERT_STORE_MIGRATIONS_H_
