// Schema 3: TAXII's tables (store/taxii_state.h). Kept in its own file so
// that the TAXII schema is read in one place; migrations.cc lists it (a
// constant expression, hence in the header).
//
// Thread safety: constants.
#ifndef NCERT_STORE_MIGRATIONS_TAXII_H_
#define NCERT_STORE_MIGRATIONS_TAXII_H_

#include <string_view>

namespace ncert::store {

// taxii_status: one row per POSTed envelope; the resource is kept whole as
// JSON (it is served as is and never queried inside).
// taxii_withdrawals: TAXII DELETE. Append-only, like the audit log: the
// store's versions are never erased, a withdrawal only hides an id from one
// collection (docs/taxii.md).
// taxii_cursors: where `ncert taxii pull` resumes, per (API root URL,
// collection).
inline constexpr std::string_view kSchema3Taxii = R"sql(
CREATE TABLE taxii_status (
  status_id    TEXT PRIMARY KEY,
  api_root     TEXT NOT NULL,
  owner        TEXT NOT NULL,
  requested_us INTEGER NOT NULL,
  json         TEXT NOT NULL
);
CREATE TABLE taxii_withdrawals (
  collection TEXT NOT NULL,
  object_id  TEXT NOT NULL,
  at_us      INTEGER NOT NULL,
  by_user    TEXT NOT NULL,
  PRIMARY KEY (collection, object_id)
) WITHOUT ROWID;
CREATE TRIGGER taxii_withdrawals_no_delete BEFORE DELETE ON taxii_withdrawals
BEGIN SELECT RAISE(ABORT, 'withdrawals are append-only'); END;
CREATE TABLE taxii_cursors (
  url           TEXT NOT NULL,
  collection    TEXT NOT NULL,
  last_added_us INTEGER NOT NULL,
  updated_us    INTEGER NOT NULL,
  PRIMARY KEY (url, collection)
) WITHOUT ROWID;
)sql";

}  // namespace ncert::store

#endif  // NCERT_STORE_MIGRATIONS_TAXII_H_
