// OpenSqliteChangeWatcher (sqlite_store.h).

#include <fmt/format.h>
#include <sqlite3.h>

#include <mutex>

#include "store/migrations.h"
#include "store/sqlite_store.h"
#include "store/sqlite_util.h"

namespace ncert::store {
namespace {

using sqlite::DbPtr;
using sqlite::ResetOnExit;
using sqlite::StmtPtr;

constexpr int kBusyTimeoutMs = 5000;

// Thread safety: thread-safe (its one connection behind a mutex).
class SqliteChangeWatcher final : public ChangeWatcher {
 public:
  SqliteChangeWatcher(DbPtr db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}

  Status Prepare() {
    RETURN_IF_ERROR(sqlite::PrepareStmt(db_.get(), "PRAGMA data_version",
                                        SQLITE_PREPARE_PERSISTENT,
                                        "cannot read", path_, &data_version_));
    // Objects are only ever inserted (pks grow, never reused) and
    // withdrawals only appended, so these two numbers move with every
    // commit that changes what a read returns.
    return sqlite::PrepareStmt(
        db_.get(),
        "SELECT (SELECT ifnull(max(pk), 0) FROM objects), "
        "(SELECT count(*) FROM taxii_withdrawals)",
        SQLITE_PREPARE_PERSISTENT, "cannot read", path_, &fingerprint_);
  }

  Result<uint64_t> Generation() override {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(int64_t dv, One(data_version_.get(), nullptr));
    if (known_ && dv == data_version_value_) return generation_;
    int64_t withdrawals = 0;
    ASSIGN_OR_RETURN(int64_t max_pk, One(fingerprint_.get(), &withdrawals));
    if (!known_ || max_pk != max_pk_ || withdrawals != withdrawals_) {
      ++generation_;
    }
    known_ = true;
    data_version_value_ = dv;
    max_pk_ = max_pk;
    withdrawals_ = withdrawals;
    return generation_;
  }

 private:
  // The first column of the one row `s` returns (and the second into
  // `second`).
  Result<int64_t> One(sqlite3_stmt* s, int64_t* second) {
    ResetOnExit reset(s);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
      return SqliteStatus(db_.get(), rc, fmt::format("cannot read {}", path_));
    }
    if (second) *second = sqlite3_column_int64(s, 1);
    return sqlite3_column_int64(s, 0);
  }

  DbPtr db_;
  const std::string path_;
  std::mutex mu_;
  StmtPtr data_version_, fingerprint_;  // guarded by mu_
  bool known_ = false;                  // guarded by mu_ (and below)
  int64_t data_version_value_ = 0;
  int64_t max_pk_ = 0;
  int64_t withdrawals_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace

Result<std::unique_ptr<ChangeWatcher>> OpenSqliteChangeWatcher(
    const std::string& path) {
  if (path == ":memory:" || path.empty()) {
    return Status::InvalidArgument(
        "an in-memory store cannot be watched from another connection");
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return SqliteStatus(raw, rc, fmt::format("cannot open {}", path));
  }
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  auto w = std::make_unique<SqliteChangeWatcher>(std::move(db), path);
  RETURN_IF_ERROR(w->Prepare());
  // The first answer fixes the state the generation starts from.
  RETURN_IF_ERROR(w->Generation().status());
  return std::unique_ptr<ChangeWatcher>(std::move(w));
}

}  // namespace ncert::store
