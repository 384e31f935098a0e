// The directory of principals and the audit log, kept in the knowledge
// store's database: organisations, sharing groups, users, API tokens (as
// hashes), and the hash-chained audit entries (access/audit.h).
//
// Thread safety: thread-safe (the store's connection and mutex).
#ifndef NCERT_STORE_DIRECTORY_H_
#define NCERT_STORE_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/audit.h"
#include "access/principal.h"
#include "core/status.h"
#include "core/time.h"

namespace ncert::store {

struct Group {
  int64_t id = 0;
  std::string name;
  std::vector<int64_t> org_ids;
};

struct TokenRecord {
  std::string key_id;
  std::string hash;  // access/token.h
  int64_t user_id = 0;
  std::string user_name;
  Timestamp created;
  std::optional<Timestamp> expires;
  bool revoked = false;
  std::string note;
};

struct AuditFilter {
  std::optional<std::string> actor;
  std::optional<Timestamp> since;
  int64_t limit = -1;
};

class Directory {
 public:
  virtual ~Directory() = default;

  // Adds an organisation (its id is assigned). AlreadyExists if the name is
  // taken; InvalidArgument for a bad sector slug.
  virtual Result<access::Org> AddOrg(access::Org org) = 0;
  virtual Result<std::vector<access::Org>> ListOrgs() = 0;
  // By name or decimal id; nullopt if there is none.
  virtual Result<std::optional<access::Org>> FindOrg(std::string_view key) = 0;

  virtual Result<Group> AddGroup(std::string_view name,
                                 std::vector<int64_t> org_ids) = 0;
  virtual Result<std::vector<Group>> ListGroups() = 0;
  virtual Result<std::optional<Group>> FindGroup(std::string_view key) = 0;

  // Adds a user of an existing organisation. AlreadyExists for a taken name.
  virtual Result<access::User> AddUser(access::User user) = 0;
  virtual Result<std::vector<access::User>> ListUsers() = 0;
  // The user by name or id with their organisation and its groups.
  virtual Result<std::optional<access::Principal>> FindPrincipal(
      std::string_view key) = 0;

  virtual Status AddToken(const TokenRecord& token) = 0;
  virtual Result<std::optional<TokenRecord>> FindToken(
      std::string_view key_id) = 0;
  virtual Status RevokeToken(std::string_view key_id) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;

  // Appends `entry` after the last one (seq and hashes are filled in), in
  // its own transaction.
  virtual Result<access::AuditEntry> AppendAudit(access::AuditEntry entry) = 0;
  // Appends `entries` in order, all in one transaction (one commit, one
  // fsync, however many): all are written or, on error, none.
  virtual Status AppendAudits(std::vector<access::AuditEntry> entries) = 0;
  // Entries in stored order (seq ascending) that pass `filter`.
  virtual Status ScanAudit(
      const AuditFilter& filter,
      const std::function<bool(const access::AuditEntry&)>& fn) = 0;
};

// Resolves an API token to its principal: NotFound / PermissionDenied with a
// message that says why (unknown, wrong secret, revoked, expired) — callers
// show one generic "invalid token" to the network and log the reason.
Result<access::Principal> Authenticate(Directory& directory, Clock& clock,
                                       std::string_view token);

}  // namespace ncert::store

#endif  // NCERT_STORE_DIRECTORY_H_
