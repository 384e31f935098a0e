// The SQLite implementation of Directory, on a connection and mutex the
// knowledge store owns (so an in-memory database works too). Its tables come
// from the store's migrations (schema 1, docs/storage.md).
//
// Thread safety: every method locks `*mu`.
#ifndef NCERT_STORE_SQLITE_DIRECTORY_H_
#define NCERT_STORE_SQLITE_DIRECTORY_H_

#include <memory>
#include <mutex>
#include <string>

#include "core/time.h"
#include "store/directory.h"

struct sqlite3;

namespace ncert::store {

// `db`, `mu` and `clock` must outlive the directory. `name` is the file name
// for messages.
std::unique_ptr<Directory> NewSqliteDirectory(sqlite3* db, std::mutex* mu,
                                              Clock* clock, std::string name);

}  // namespace ncert::store

#endif  // NCERT_STORE_SQLITE_DIRECTORY_H_
