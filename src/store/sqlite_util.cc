#include "store/sqlite_util.h"

#include <fmt/format.h>

#include "store/migrations.h"

namespace ncert::store::sqlite {

void BindText(sqlite3_stmt* s, int i, std::string_view text) {
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()),
                    SQLITE_STATIC);
}

std::string_view ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* p = sqlite3_column_text(s, i);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<size_t>(sqlite3_column_bytes(s, i))};
}

Status PrepareStmt(sqlite3* db, const char* sql, unsigned flags,
                   std::string_view action, std::string_view file,
                   StmtPtr* out) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql, -1, flags, &raw, nullptr);
  out->reset(raw);
  if (rc != SQLITE_OK) {
    return SqliteStatus(db, rc, fmt::format("{} {}", action, file));
  }
  return Status::Ok();
}

Query::Query(sqlite3* db, std::string_view sql, const std::string& file,
             Options options)
    : db_(db), file_(file), options_(options) {
  rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_,
                           nullptr);
}

Status Query::prepared() const {
  return rc_ == SQLITE_OK
             ? Status::Ok()
             : SqliteStatus(db_, rc_, fmt::format("cannot read {}", file_));
}

Result<bool> Query::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if (options_.constraint_is_already_exists &&
      (rc & 0xff) == SQLITE_CONSTRAINT) {
    return Status::AlreadyExists(sqlite3_errmsg(db_));
  }
  return SqliteStatus(db_, rc,
                      fmt::format("{} {}", options_.step_action, file_));
}

}  // namespace ncert::store::sqlite
