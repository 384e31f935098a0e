// Shared SQLite plumbing for the modules that keep tables in the ncert
// store file: store/ itself, sightings/ (rollups) and sensors/ (series).
// Private to those modules (they all depend on ncert_store); not part of
// the store's public API.
//
// Thread safety: free functions and small RAII types over a caller-owned
// connection; the caller serialises use of that connection.
#ifndef NCERT_STORE_SQLITE_UTIL_H_
#define NCERT_STORE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace ncert::store::sqlite {

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
// An owned prepared statement, finalised when it goes.
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

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

// Binds `text` with SQLITE_STATIC: the text must outlive the step, and the
// statement must be reset (ResetOnExit) before it goes.
void BindText(sqlite3_stmt* s, int i, std::string_view text);

// Column i as text; empty for NULL. Valid until the next step or reset.
std::string_view ColumnText(sqlite3_stmt* s, int i);

// Prepares `sql` (sqlite3_prepare_v3 with `flags`, e.g.
// SQLITE_PREPARE_PERSISTENT for statements kept for the connection's life)
// into *out. On failure: SqliteStatus with the message "<action> <file>".
Status PrepareStmt(sqlite3* db, const char* sql, unsigned flags,
                   std::string_view action, std::string_view file,
                   StmtPtr* out);

// One prepared statement for one call; finalised at scope end. For tables
// used a few times per command or request, not in hot loops (no caching).
class Query {
 public:
  struct Options {
    // Step failures read "<step_action> <file>".
    std::string_view step_action = "cannot use";
    // Report a constraint violation as AlreadyExists (with SQLite's text)
    // instead of an internal error.
    bool constraint_is_already_exists = false;
  };

  Query(sqlite3* db, std::string_view sql, const std::string& file)
      : Query(db, sql, file, Options()) {}
  Query(sqlite3* db, std::string_view sql, const std::string& file,
        Options options);
  ~Query() { sqlite3_finalize(stmt_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Whether the statement compiled ("cannot read <file>" if not).
  Status prepared() const;
  // Binds a copy of `s` (SQLITE_TRANSIENT).
  void Bind(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()),
                      SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  // SQLITE_ROW -> true, SQLITE_DONE -> false, else an error.
  Result<bool> Step();
  std::string Text(int i) { return std::string(ColumnText(stmt_, i)); }
  int64_t Int(int i) { return sqlite3_column_int64(stmt_, i); }
  bool IsNull(int i) { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  const std::string& file_;
  Options options_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

}  // namespace ncert::store::sqlite

#endif  // NCERT_STORE_SQLITE_UTIL_H_
