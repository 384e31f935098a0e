#include "cli/context.h"

#include <fmt/format.h>
#include <unistd.h>

#include "store/sqlite_store.h"

namespace ncert::cli {

Result<std::unique_ptr<store::Store>> Context::OpenStore(int64_t cache_kib) {
  store::SqliteOptions options;
  options.path = db_path.empty() ? config.store_path : db_path;
  options.clock = clock;
  if (cache_kib > 0) options.cache_kib = cache_kib;
  return store::OpenSqliteStore(options);
}

int Context::Fail(const Status& status) {
  fmt::print(err, "ncert: {}\n", status.message());
  return status.code() == StatusCode::kInvalidArgument ? kExitInvalid
                                                       : kExitError;
}

bool Context::ShowProgress() const {
  return !json && !quiet && ::isatty(::fileno(err));
}

Result<access::Principal> Context::Caller(store::Directory& directory) {
  if (!token.empty()) {
    auto who = store::Authenticate(directory, *clock, token);
    if (!who.ok()) {
      access::Principal nobody;
      nobody.user.name = "(bad token)";
      Audit(directory, nobody, "auth", "token",
            "denied: " + who.status().message());
      return Status::PermissionDenied("invalid token: " +
                                      who.status().message());
    }
    return who;
  }
  std::string key = as_user.empty() ? "local" : as_user;
  ASSIGN_OR_RETURN(auto who, directory.FindPrincipal(key));
  if (!who) {
    return Status::NotFound(
        fmt::format("no user '{}' (see `ncert user list`)", key));
  }
  return std::move(*who);
}

void Context::Audit(store::Directory& directory, const access::Principal& who,
                    std::string_view action, std::string_view target,
                    std::string_view result) {
  access::AuditEntry e;
  e.actor = who.user.name;
  e.action = action;
  e.target = target;
  e.result = result;
  auto r = directory.AppendAudit(std::move(e));
  if (!r.ok()) {
    fmt::print(err, "ncert: warning: could not write the audit log: {}\n",
               r.status().message());
  }
}

}  // namespace ncert::cli
