#include "sightings/rollup_store.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <functional>

#include "core/json.h"
#include "store/migrations.h"
#include "store/sqlite_util.h"

namespace ncert::sightings {
namespace {

constexpr int kBusyTimeoutMs = 10000;

using Stmt = store::sqlite::StmtPtr;

std::string ValuesJson(const std::vector<TypedValue>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '[';
    AppendJsonString(values[i].type, &out);
    out += ',';
    AppendJsonString(values[i].value, &out);
    out += ']';
  }
  out += ']';
  return out;
}

Status ParseValues(simdjson::dom::parser& parser, std::string_view json,
                   std::vector<TypedValue>* out) {
  simdjson::dom::array arr;
  if (parser.parse(json.data(), json.size()).get_array().get(arr)) {
    return Status::Corruption("sighting_sources.values is not a JSON array");
  }
  for (simdjson::dom::element pair : arr) {
    std::string_view type, value;
    if (pair.at(0).get_string().get(type) ||
        pair.at(1).get_string().get(value)) {
      return Status::Corruption(
          "sighting_sources.values holds something other than [type, value]");
    }
    out->push_back({std::string(type), std::string(value)});
  }
  return Status::Ok();
}

}  // namespace

struct RollupStore::Impl {
  sqlite3* db = nullptr;
  std::string path;
  Stmt put_contribution, get_contributions, put_minute, get_minutes;

  ~Impl() {
    put_contribution.reset();
    get_contributions.reset();
    put_minute.reset();
    get_minutes.reset();
    if (db) sqlite3_close_v2(db);
  }
  Status Error(int rc, std::string_view what) {
    return store::SqliteStatus(db, rc, fmt::format("{} {}", what, path));
  }
  Status Prepare(const char* sql, Stmt* out) {
    return store::sqlite::PrepareStmt(
        db, sql, /*flags=*/0, "cannot prepare a statement on", path, out);
  }
  Status Exec(const char* sql) {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : Error(rc, "cannot write to");
  }
  // Runs `body` in one write transaction.
  Status Write(const std::function<Status()>& body) {
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status s = body();
    if (s.ok()) s = Exec("COMMIT");
    if (!s.ok() && !sqlite3_get_autocommit(db)) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    return s;
  }
  Status Step(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "cannot write to");
  }
};

RollupStore::RollupStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RollupStore::~RollupStore() = default;

Result<std::unique_ptr<RollupStore>> RollupStore::Open(
    const std::string& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file::memory:")) {
    return Status::InvalidArgument(
        "the sightings rollups need a store file, not an in-memory database");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  int rc =
      sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    return store::SqliteStatus(impl->db, rc,
                               fmt::format("cannot open {}", path));
  }
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, kBusyTimeoutMs);
  RETURN_IF_ERROR(impl->Exec("PRAGMA synchronous = FULL"));
  RETURN_IF_ERROR(store::Migrate(impl->db, path));
  RETURN_IF_ERROR(impl->Prepare(
      "INSERT INTO sighting_sources (sighting_id, source, count, first_us, "
      "last_us, distinct_values, \"values\") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
      "?7) ON CONFLICT (sighting_id, source) DO UPDATE SET "
      "count = excluded.count, first_us = excluded.first_us, "
      "last_us = excluded.last_us, distinct_values = excluded.distinct_values, "
      "\"values\" = excluded.\"values\"",
      &impl->put_contribution));
  RETURN_IF_ERROR(impl->Prepare(
      "SELECT source, count, first_us, last_us, distinct_values, \"values\" "
      "FROM sighting_sources WHERE sighting_id = ?1 ORDER BY source",
      &impl->get_contributions));
  RETURN_IF_ERROR(impl->Prepare(
      "INSERT INTO match_rollups (indicator_id, minute_us, source, count) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (indicator_id, minute_us, source) "
      "DO UPDATE SET count = excluded.count",
      &impl->put_minute));
  RETURN_IF_ERROR(impl->Prepare(
      "SELECT minute_us, sum(count) FROM match_rollups WHERE indicator_id = ?1 "
      "AND minute_us >= ?2 AND minute_us < ?3 GROUP BY minute_us "
      "ORDER BY minute_us",
      &impl->get_minutes));
  return std::unique_ptr<RollupStore>(new RollupStore(std::move(impl)));
}

Status RollupStore::PutContributions(std::span<const Contribution> rows) {
  return impl_->Write([&]() -> Status {
    sqlite3_stmt* s = impl_->put_contribution.get();
    for (const Contribution& c : rows) {
      std::string values = ValuesJson(c.values);
      sqlite3_bind_text(s, 1, c.sighting_id.data(),
                        static_cast<int>(c.sighting_id.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 2, c.source.data(),
                        static_cast<int>(c.source.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 3, c.count);
      sqlite3_bind_int64(s, 4, c.first.micros);
      sqlite3_bind_int64(s, 5, c.last.micros);
      sqlite3_bind_int64(s, 6, c.distinct_values);
      sqlite3_bind_text(s, 7, values.data(), static_cast<int>(values.size()),
                        SQLITE_STATIC);
      RETURN_IF_ERROR(impl_->Step(s));
    }
    return Status::Ok();
  });
}

Result<std::vector<Contribution>> RollupStore::Contributions(
    std::string_view sighting_id) {
  sqlite3_stmt* s = impl_->get_contributions.get();
  sqlite3_bind_text(s, 1, sighting_id.data(),
                    static_cast<int>(sighting_id.size()), SQLITE_STATIC);
  std::vector<Contribution> out;
  simdjson::dom::parser parser;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    Contribution c;
    c.sighting_id = std::string(sighting_id);
    c.source = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    c.count = sqlite3_column_int64(s, 1);
    c.first.micros = sqlite3_column_int64(s, 2);
    c.last.micros = sqlite3_column_int64(s, 3);
    c.distinct_values = sqlite3_column_int64(s, 4);
    std::string_view values(
        reinterpret_cast<const char*>(sqlite3_column_text(s, 5)),
        static_cast<size_t>(sqlite3_column_bytes(s, 5)));
    Status parsed = ParseValues(parser, values, &c.values);
    if (!parsed.ok()) {
      sqlite3_reset(s);
      return parsed;
    }
    out.push_back(std::move(c));
  }
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return impl_->Error(rc, "cannot read");
  return out;
}

Status RollupStore::PutMinuteCounts(std::string_view source,
                                    std::span<const MinuteCount> rows) {
  return impl_->Write([&]() -> Status {
    sqlite3_stmt* s = impl_->put_minute.get();
    for (const MinuteCount& m : rows) {
      sqlite3_bind_text(s, 1, m.indicator_id.data(),
                        static_cast<int>(m.indicator_id.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 2, m.minute.micros);
      sqlite3_bind_text(s, 3, source.data(), static_cast<int>(source.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(s, 4, m.count);
      RETURN_IF_ERROR(impl_->Step(s));
    }
    return Status::Ok();
  });
}

Result<std::vector<MinuteCount>> RollupStore::MinuteCounts(
    std::string_view indicator_id, Timestamp from, Timestamp to) {
  sqlite3_stmt* s = impl_->get_minutes.get();
  sqlite3_bind_text(s, 1, indicator_id.data(),
                    static_cast<int>(indicator_id.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, from.micros);
  sqlite3_bind_int64(s, 3, to.micros);
  std::vector<MinuteCount> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    out.push_back({std::string(indicator_id),
                   {sqlite3_column_int64(s, 0)},
                   sqlite3_column_int64(s, 1)});
  }
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return impl_->Error(rc, "cannot read");
  return out;
}

}  // namespace ncert::sightings
