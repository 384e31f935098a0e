#include "store/sqlite_directory.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>

#include "access/token.h"
#include "store/migrations.h"
#include "store/sqlite_util.h"

namespace ncert::store {
namespace {

// A step failure is a write failure here, and a constraint violation (a
// duplicate name) is AlreadyExists.
class Query : public sqlite::Query {
 public:
  Query(sqlite3* db, std::string_view sql, const std::string& file)
      : sqlite::Query(db, sql, file,
                      {.step_action = "cannot write",
                       .constraint_is_already_exists = true}) {}
};

std::string JoinSectors(const std::vector<std::string>& sectors) {
  std::string out;
  for (const auto& s : sectors) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

std::vector<std::string> SplitSectors(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t p = s.find(',');
    out.emplace_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

bool ParseDecimal(std::string_view s, int64_t* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

class SqliteDirectory final : public Directory {
 public:
  SqliteDirectory(sqlite3* db, std::mutex* mu, Clock* clock, std::string name)
      : db_(db), mu_(mu), clock_(clock), file_(std::move(name)) {}

  Result<access::Org> AddOrg(access::Org org) override {
    std::sort(org.sectors.begin(), org.sectors.end());
    org.sectors.erase(std::unique(org.sectors.begin(), org.sectors.end()),
                      org.sectors.end());
    for (const auto& s : org.sectors) {
      if (!access::IsValidSectorSlug(s)) {
        return Status::InvalidArgument(fmt::format(
            "'{}' is not a sector (want a slug such as electric-power or "
            "automotive)",
            s));
      }
    }
    if (org.name.empty()) {
      return Status::InvalidArgument("an organisation needs a name");
    }
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "INSERT INTO orgs (name, type, sectors, identity_ref) "
            "VALUES (?1, ?2, ?3, ?4)",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, org.name);
    q.Bind(2, access::OrgTypeName(org.type));
    q.Bind(3, JoinSectors(org.sectors));
    if (org.identity_ref.empty()) {
      q.BindNull(4);
    } else {
      q.Bind(4, org.identity_ref);
    }
    auto r = q.Step();
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists(
            fmt::format("an organisation named '{}' already exists", org.name));
      }
      return r.status();
    }
    org.id = sqlite3_last_insert_rowid(db_);
    return org;
  }

  Result<std::vector<access::Org>> ListOrgs() override {
    std::lock_guard<std::mutex> l(*mu_);
    return SelectOrgs("", "");
  }

  Result<std::optional<access::Org>> FindOrg(std::string_view key) override {
    std::lock_guard<std::mutex> l(*mu_);
    return FindOrgLocked(key);
  }

  Result<Group> AddGroup(std::string_view name,
                         std::vector<int64_t> org_ids) override {
    if (name.empty()) return Status::InvalidArgument("a group needs a name");
    std::lock_guard<std::mutex> l(*mu_);
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status s = AddGroupLocked(name, org_ids);
    if (!s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
    Group g;
    g.id = sqlite3_last_insert_rowid(db_);
    RETURN_IF_ERROR(Exec("COMMIT"));
    auto found = FindGroupLocked(name);
    if (!found.ok()) return found.status();
    return **found;
  }

  Result<std::vector<Group>> ListGroups() override {
    std::lock_guard<std::mutex> l(*mu_);
    std::vector<Group> out;
    Query q(db_, "SELECT group_id FROM sharing_groups ORDER BY group_id",
            file_);
    RETURN_IF_ERROR(q.prepared());
    std::vector<int64_t> ids;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      ids.push_back(q.Int(0));
    }
    for (int64_t id : ids) {
      ASSIGN_OR_RETURN(auto g, FindGroupLocked(std::to_string(id)));
      if (g) out.push_back(std::move(*g));
    }
    return out;
  }

  Result<std::optional<Group>> FindGroup(std::string_view key) override {
    std::lock_guard<std::mutex> l(*mu_);
    return FindGroupLocked(key);
  }

  Result<access::User> AddUser(access::User user) override {
    if (user.name.empty())
      return Status::InvalidArgument("a user needs a name");
    if (user.clearance < 0 || user.clearance > access::kMaxClearance) {
      return Status::InvalidArgument("clearance must be 0 to 3");
    }
    std::lock_guard<std::mutex> l(*mu_);
    ASSIGN_OR_RETURN(auto org, FindOrgLocked(std::to_string(user.org_id)));
    if (!org) {
      return Status::NotFound(
          fmt::format("no organisation with id {}", user.org_id));
    }
    Query q(db_,
            "INSERT INTO users (name, org_id, role, clearance) "
            "VALUES (?1, ?2, ?3, ?4)",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, user.name);
    q.Bind(2, user.org_id);
    q.Bind(3, access::RoleName(user.role));
    q.Bind(4, int64_t{user.clearance});
    auto r = q.Step();
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists(
            fmt::format("a user named '{}' already exists", user.name));
      }
      return r.status();
    }
    user.id = sqlite3_last_insert_rowid(db_);
    return user;
  }

  Result<std::vector<access::User>> ListUsers() override {
    std::lock_guard<std::mutex> l(*mu_);
    return SelectUsers("", "");
  }

  Result<std::optional<access::Principal>> FindPrincipal(
      std::string_view key) override {
    std::lock_guard<std::mutex> l(*mu_);
    int64_t id = 0;
    ASSIGN_OR_RETURN(auto users,
                     ParseDecimal(key, &id)
                         ? SelectUsers("WHERE user_id = ?1", std::to_string(id))
                         : SelectUsers("WHERE name = ?1", key));
    if (users.empty()) return std::optional<access::Principal>();
    access::Principal p;
    p.user = users[0];
    ASSIGN_OR_RETURN(auto org, FindOrgLocked(std::to_string(p.user.org_id)));
    if (!org) {
      return Status::Corruption(fmt::format(
          "{}: user {} belongs to a missing organisation", file_, p.user.name));
    }
    p.org = std::move(*org);
    Query q(db_,
            "SELECT group_id FROM group_members WHERE org_id = ?1 "
            "ORDER BY group_id",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, p.org.id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      p.groups.push_back(q.Int(0));
    }
    return std::optional<access::Principal>(std::move(p));
  }

  Status AddToken(const TokenRecord& t) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "INSERT INTO tokens (key_id, hash, user_id, created_us, "
            "expires_us, revoked, note) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, t.key_id);
    q.Bind(2, t.hash);
    q.Bind(3, t.user_id);
    q.Bind(4, t.created.micros);
    if (t.expires) {
      q.Bind(5, t.expires->micros);
    } else {
      q.BindNull(5);
    }
    q.Bind(6, t.note);
    return q.Step().status();
  }

  Result<std::optional<TokenRecord>> FindToken(
      std::string_view key_id) override {
    std::lock_guard<std::mutex> l(*mu_);
    ASSIGN_OR_RETURN(auto tokens, SelectTokens("WHERE t.key_id = ?1", key_id));
    if (tokens.empty()) return std::optional<TokenRecord>();
    return std::optional<TokenRecord>(std::move(tokens[0]));
  }

  Status RevokeToken(std::string_view key_id) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_, "UPDATE tokens SET revoked = 1 WHERE key_id = ?1", file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, key_id);
    RETURN_IF_ERROR(q.Step().status());
    if (sqlite3_changes(db_) == 0) {
      return Status::NotFound(fmt::format("no token with id {}", key_id));
    }
    return Status::Ok();
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    std::lock_guard<std::mutex> l(*mu_);
    return SelectTokens("", "");
  }

  Result<access::AuditEntry> AppendAudit(access::AuditEntry entry) override {
    std::lock_guard<std::mutex> l(*mu_);
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    auto appended = AppendAuditLocked(std::move(entry));
    if (!appended.ok()) {
      (void)Exec("ROLLBACK");
      return appended;
    }
    RETURN_IF_ERROR(Exec("COMMIT"));
    return appended;
  }

  Status AppendAudits(std::vector<access::AuditEntry> entries) override {
    if (entries.empty()) return Status::Ok();
    std::lock_guard<std::mutex> l(*mu_);
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    for (access::AuditEntry& e : entries) {
      auto appended = AppendAuditLocked(std::move(e));
      if (!appended.ok()) {
        (void)Exec("ROLLBACK");
        return appended.status();
      }
    }
    Status committed = Exec("COMMIT");
    if (!committed.ok()) (void)Exec("ROLLBACK");
    return committed;
  }

  Status ScanAudit(
      const AuditFilter& filter,
      const std::function<bool(const access::AuditEntry&)>& fn) override {
    std::lock_guard<std::mutex> l(*mu_);
    Query q(db_,
            "SELECT seq, at_us, actor, action, target, result, prev_hash, "
            "hash FROM audit_log ORDER BY seq",
            file_);
    RETURN_IF_ERROR(q.prepared());
    int64_t n = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      access::AuditEntry e = ReadEntry(q);
      if (filter.actor && e.actor != *filter.actor) continue;
      if (filter.since && e.at < *filter.since) continue;
      if (filter.limit >= 0 && n >= filter.limit) break;
      ++n;
      if (!fn(e)) break;
    }
    return Status::Ok();
  }

 private:
  Status Exec(const char* sql) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteStatus(db_, rc, fmt::format("cannot write {}", file_));
    }
    return Status::Ok();
  }

  static access::AuditEntry ReadEntry(Query& q) {
    access::AuditEntry e;
    e.seq = q.Int(0);
    e.at = Timestamp{q.Int(1)};
    e.actor = q.Text(2);
    e.action = q.Text(3);
    e.target = q.Text(4);
    e.result = q.Text(5);
    e.prev_hash = q.Text(6);
    e.hash = q.Text(7);
    return e;
  }

  Result<access::AuditEntry> AppendAuditLocked(access::AuditEntry entry) {
    std::optional<access::AuditEntry> last;
    {
      Query q(db_,
              "SELECT seq, at_us, actor, action, target, result, prev_hash, "
              "hash FROM audit_log ORDER BY seq DESC LIMIT 1",
              file_);
      RETURN_IF_ERROR(q.prepared());
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) last = ReadEntry(q);
    }
    if (entry.at.micros == 0) entry.at = clock_->Now();
    access::ChainAuditEntry(last, &entry);
    Query q(db_,
            "INSERT INTO audit_log (seq, at_us, actor, action, target, result, "
            "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            file_);
    RETURN_IF_ERROR(q.prepared());
    q.Bind(1, entry.seq);
    q.Bind(2, entry.at.micros);
    q.Bind(3, entry.actor);
    q.Bind(4, entry.action);
    q.Bind(5, entry.target);
    q.Bind(6, entry.result);
    q.Bind(7, entry.prev_hash);
    q.Bind(8, entry.hash);
    RETURN_IF_ERROR(q.Step().status());
    return entry;
  }

  Status AddGroupLocked(std::string_view name,
                        const std::vector<int64_t>& org_ids) {
    {
      Query q(db_, "INSERT INTO sharing_groups (name) VALUES (?1)", file_);
      RETURN_IF_ERROR(q.prepared());
      q.Bind(1, name);
      auto r = q.Step();
      if (!r.ok()) {
        if (r.status().code() == StatusCode::kAlreadyExists) {
          return Status::AlreadyExists(
              fmt::format("a sharing group named '{}' already exists", name));
        }
        return r.status();
      }
    }
    int64_t group_id = sqlite3_last_insert_rowid(db_);
    for (int64_t org : org_ids) {
      ASSIGN_OR_RETURN(auto found, FindOrgLocked(std::to_string(org)));
      if (!found) {
        return Status::NotFound(fmt::format("no organisation with id {}", org));
      }
      Query q(db_,
              "INSERT OR IGNORE INTO group_members (group_id, org_id) "
              "VALUES (?1, ?2)",
              file_);
      RETURN_IF_ERROR(q.prepared());
      q.Bind(1, group_id);
      q.Bind(2, org);
      RETURN_IF_ERROR(q.Step().status());
    }
    return Status::Ok();
  }

  Result<std::optional<Group>> FindGroupLocked(std::string_view key) {
    int64_t id = 0;
    bool by_id = ParseDecimal(key, &id);
    Query q(
        db_,
        by_id ? "SELECT group_id, name FROM sharing_groups WHERE group_id = ?1"
              : "SELECT group_id, name FROM sharing_groups WHERE name = ?1",
        file_);
    RETURN_IF_ERROR(q.prepared());
    if (by_id) {
      q.Bind(1, id);
    } else {
      q.Bind(1, key);
    }
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return std::optional<Group>();
    Group g;
    g.id = q.Int(0);
    g.name = q.Text(1);
    Query m(db_,
            "SELECT org_id FROM group_members WHERE group_id = ?1 "
            "ORDER BY org_id",
            file_);
    RETURN_IF_ERROR(m.prepared());
    m.Bind(1, g.id);
    while (true) {
      ASSIGN_OR_RETURN(bool more, m.Step());
      if (!more) break;
      g.org_ids.push_back(m.Int(0));
    }
    return std::optional<Group>(std::move(g));
  }

  Result<std::optional<access::Org>> FindOrgLocked(std::string_view key) {
    int64_t id = 0;
    ASSIGN_OR_RETURN(auto orgs,
                     ParseDecimal(key, &id)
                         ? SelectOrgs("WHERE org_id = ?1", std::to_string(id))
                         : SelectOrgs("WHERE name = ?1", key));
    if (orgs.empty()) return std::optional<access::Org>();
    return std::optional<access::Org>(std::move(orgs[0]));
  }

  Result<std::vector<access::Org>> SelectOrgs(std::string_view where,
                                              std::string_view arg) {
    Query q(db_,
            fmt::format("SELECT org_id, name, type, sectors, identity_ref "
                        "FROM orgs {} ORDER BY org_id",
                        where),
            file_);
    RETURN_IF_ERROR(q.prepared());
    if (!where.empty()) q.Bind(1, arg);
    std::vector<access::Org> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      access::Org o;
      o.id = q.Int(0);
      o.name = q.Text(1);
      auto type = access::ParseOrgType(q.Text(2));
      if (!type) {
        return Status::Corruption(fmt::format(
            "{}: organisation {} has an unknown type", file_, o.name));
      }
      o.type = *type;
      o.sectors = SplitSectors(q.Text(3));
      o.identity_ref = q.Text(4);
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<std::vector<access::User>> SelectUsers(std::string_view where,
                                                std::string_view arg) {
    Query q(db_,
            fmt::format("SELECT user_id, name, org_id, role, clearance "
                        "FROM users {} ORDER BY user_id",
                        where),
            file_);
    RETURN_IF_ERROR(q.prepared());
    if (!where.empty()) q.Bind(1, arg);
    std::vector<access::User> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      access::User u;
      u.id = q.Int(0);
      u.name = q.Text(1);
      u.org_id = q.Int(2);
      auto role = access::ParseRole(q.Text(3));
      if (!role) {
        return Status::Corruption(
            fmt::format("{}: user {} has an unknown role", file_, u.name));
      }
      u.role = *role;
      u.clearance = static_cast<access::Clearance>(q.Int(4));
      out.push_back(std::move(u));
    }
    return out;
  }

  Result<std::vector<TokenRecord>> SelectTokens(std::string_view where,
                                                std::string_view arg) {
    Query q(db_,
            fmt::format("SELECT t.key_id, t.hash, t.user_id, u.name, "
                        "t.created_us, t.expires_us, t.revoked, t.note "
                        "FROM tokens t JOIN users u USING (user_id) {} "
                        "ORDER BY t.created_us, t.key_id",
                        where),
            file_);
    RETURN_IF_ERROR(q.prepared());
    if (!where.empty()) q.Bind(1, arg);
    std::vector<TokenRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      TokenRecord t;
      t.key_id = q.Text(0);
      t.hash = q.Text(1);
      t.user_id = q.Int(2);
      t.user_name = q.Text(3);
      t.created = Timestamp{q.Int(4)};
      if (!q.IsNull(5)) t.expires = Timestamp{q.Int(5)};
      t.revoked = q.Int(6) != 0;
      t.note = q.Text(7);
      out.push_back(std::move(t));
    }
    return out;
  }

  sqlite3* db_;
  std::mutex* mu_;
  Clock* clock_;
  std::string file_;
};

}  // namespace

std::unique_ptr<Directory> NewSqliteDirectory(sqlite3* db, std::mutex* mu,
                                              Clock* clock, std::string name) {
  return std::make_unique<SqliteDirectory>(db, mu, clock, std::move(name));
}

Result<access::Principal> Authenticate(Directory& directory, Clock& clock,
                                       std::string_view token) {
  ASSIGN_OR_RETURN(std::string key_id, access::TokenKeyId(token));
  ASSIGN_OR_RETURN(auto record, directory.FindToken(key_id));
  if (!record) return Status::NotFound("unknown token");
  if (!access::TokenMatches(token, record->hash)) {
    return Status::PermissionDenied("wrong token secret");
  }
  if (record->revoked) return Status::PermissionDenied("token revoked");
  if (record->expires && clock.Now() >= *record->expires) {
    return Status::PermissionDenied(
        fmt::format("token expired at {}", FormatTimestamp(*record->expires)));
  }
  ASSIGN_OR_RETURN(auto principal,
                   directory.FindPrincipal(std::to_string(record->user_id)));
  if (!principal) return Status::NotFound("the token's user is gone");
  return std::move(*principal);
}

}  // namespace ncert::store
