#include "store/sqlite_taxii_state.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/migrations.h"
#include "store/sqlite_util.h"

namespace ncert::store {
namespace {

using sqlite::Query;

class SqliteTaxiiState final : public TaxiiState {
 public:
  SqliteTaxiiState(sqlite3* db, std::mutex* mu, std::string name)
      : db_(db), mu_(mu), file_(std::move(name)) {}

  Status PutStatus(const TaxiiStatusRecord& r) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "INSERT OR REPLACE INTO taxii_status (status_id, api_root, owner, "
            "requested_us, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, r.id);
    q.Bind(2, r.api_root);
    q.Bind(3, r.owner);
    q.Bind(4, r.requested.micros);
    q.Bind(5, r.json);
    return q.Step().status();
  }

  Result<std::optional<TaxiiStatusRecord>> GetStatus(
      std::string_view api_root, std::string_view id) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "SELECT owner, requested_us, json FROM taxii_status "
            "WHERE status_id = ?1 AND api_root = ?2",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, id);
    q.Bind(2, api_root);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return std::optional<TaxiiStatusRecord>();
    TaxiiStatusRecord r{std::string(id), std::string(api_root), q.Text(0),
                        Timestamp{q.Int(1)}, q.Text(2)};
    return std::optional<TaxiiStatusRecord>(std::move(r));
  }

  Status Withdraw(const TaxiiWithdrawal& w) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "INSERT OR IGNORE INTO taxii_withdrawals (collection, object_id, "
            "at_us, by_user) VALUES (?1, ?2, ?3, ?4)",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, w.collection);
    q.Bind(2, w.object_id);
    q.Bind(3, w.at.micros);
    q.Bind(4, w.by);
    return q.Step().status();
  }

  Result<std::vector<std::string>> Withdrawn(
      std::string_view collection) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "SELECT object_id FROM taxii_withdrawals WHERE collection = ?1",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, collection);
    std::vector<std::string> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.push_back(q.Text(0));
    }
    return out;
  }

  Result<std::optional<TaxiiCursor>> GetCursor(
      std::string_view url, std::string_view collection) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "SELECT last_added_us, updated_us FROM taxii_cursors "
            "WHERE url = ?1 AND collection = ?2",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, url);
    q.Bind(2, collection);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return std::optional<TaxiiCursor>();
    TaxiiCursor c{std::string(url), std::string(collection),
                  Timestamp{q.Int(0)}, Timestamp{q.Int(1)}};
    return std::optional<TaxiiCursor>(std::move(c));
  }

  Status SetCursor(const TaxiiCursor& c) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "INSERT OR REPLACE INTO taxii_cursors (url, collection, "
            "last_added_us, updated_us) VALUES (?1, ?2, ?3, ?4)",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, c.url);
    q.Bind(2, c.collection);
    q.Bind(3, c.last_added.micros);
    q.Bind(4, c.updated.micros);
    return q.Step().status();
  }

 private:
  sqlite3* db_;
  std::mutex* mu_;
  const std::string file_;
};

}  // namespace

std::unique_ptr<TaxiiState> NewSqliteTaxiiState(sqlite3* db, std::mutex* mu,
                                                std::string name) {
  return std::make_unique<SqliteTaxiiState>(db, mu, std::move(name));
}

}  // namespace ncert::store
