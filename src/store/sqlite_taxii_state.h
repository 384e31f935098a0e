// The SQLite implementation of TaxiiState, on the knowledge store's
// connection and mutex (like sqlite_directory.h). Its tables come from
// schema 3 (store/migrations_taxii.h).
//
// Thread safety: every method locks `*mu`.
#ifndef NCERT_STORE_SQLITE_TAXII_STATE_H_
#define NCERT_STORE_SQLITE_TAXII_STATE_H_

#include <memory>
#include <mutex>
#include <string>

#include "store/taxii_state.h"

struct sqlite3;

namespace ncert::store {

// `db` and `mu` must outlive the result. `name` is the file, for messages.
std::unique_ptr<TaxiiState> NewSqliteTaxiiState(sqlite3* db, std::mutex* mu,
                                                std::string name);

}  // namespace ncert::store

#endif  // NCERT_STORE_SQLITE_TAXII_STATE_H_
