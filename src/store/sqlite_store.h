// The SQLite backend of Store: one file, WAL journal, synchronous=FULL, so a
// Put returns only after its commit reached the disk.
//
// Thread safety: as Store (one connection behind a mutex).
#ifndef NCERT_STORE_SQLITE_STORE_H_
#define NCERT_STORE_SQLITE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace ncert::store {

struct SqliteOptions {
  std::string path = "ncert.db";  // ":memory:" for an in-memory database
  Clock* clock = nullptr;         // required: stamps `added`; must outlive
  bool create_if_missing = true;
  // New version keys are kept in a small table and moved into the main one,
  // in a single sorted pass, once this many have gathered (docs/storage.md,
  // "Version key"). Larger: fewer moves, more pages written per Put. Tests
  // set it low to exercise the move.
  int64_t recent_ids_max = 65536;
  // SQLite's page cache for this connection, in KiB. A command that reads
  // the store once from end to end (the matching index build) gains nothing
  // from a large cache and keeps its memory for itself.
  int64_t cache_kib = 128 * 1024;
};

// Opens (and creates or migrates) the database. An error names the file and
// what to do ("ncert.db was written by a newer ncert (schema 7 > 3)").
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

// A ChangeWatcher on the database at `path` (which must exist; not
// ":memory:"): its own connection asks SQLite's `PRAGMA data_version`
// (changed by any other connection's commit) and, only when that moved,
// whether the newest object version or the number of withdrawals did.
Result<std::unique_ptr<ChangeWatcher>> OpenSqliteChangeWatcher(
    const std::string& path);

}  // namespace ncert::store

#endif  // NCERT_STORE_SQLITE_STORE_H_
