// What every ncert command runs with: the services main() wired together and
// the options common to all commands. Commands get it by reference; nothing
// in cli/ is global.
//
// Thread safety: used by the one command that runs.
#ifndef NCERT_CLI_CONTEXT_H_
#define NCERT_CLI_CONTEXT_H_

#include <cstdio>
#include <memory>
#include <string>

#include "access/principal.h"
#include "core/config.h"
#include "core/env.h"
#include "core/log.h"
#include "core/status.h"
#include "core/time.h"
#include "store/directory.h"
#include "store/store.h"

namespace ncert::cli {

// Exit codes, as documented in docs/cli.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitInvalid = 2;  // bad usage or invalid input

enum class Lang { kEn, kJa };

struct Context {
  Env* env = nullptr;
  Clock* clock = nullptr;
  Logger* log = nullptr;
  std::FILE* out = stdout;
  std::FILE* err = stderr;

  // Common options.
  std::string db_path;      // --db (empty: from config, else ./ncert.db)
  std::string config_path;  // --config (empty: ./ncert.toml if present)
  bool json = false;        // --json
  bool quiet = false;       // --quiet: no progress bar, no warnings
  Lang lang = Lang::kEn;    // --lang, else from LANG
  std::string as_user;      // --as: act as this user (name or id)
  std::string token;        // --token (or NCERT_TOKEN): act as its user

  Config config;  // loaded before the command runs

  // Opens the knowledge store named by --db / the config. `cache_kib`: the
  // SQLite page cache (0: the store's default).
  Result<std::unique_ptr<store::Store>> OpenStore(int64_t cache_kib = 0);
  // The error as "ncert: <message>" on stderr; returns kExitError (or
  // kExitInvalid for InvalidArgument).
  int Fail(const Status& status);
  // True when a progress bar may be drawn (stderr is a terminal, not --json
  // or --quiet).
  bool ShowProgress() const;

  // Who runs this command: the token's user (--token), else the user named
  // by --as, else "local" (the operator of this machine: an administrator of
  // the national CERT). A bad token or unknown user is PermissionDenied /
  // NotFound, and is itself audited.
  Result<access::Principal> Caller(store::Directory& directory);
  // Appends an audit entry for `who`; a failure to audit is reported on
  // stderr (the command's own result stands).
  void Audit(store::Directory& directory, const access::Principal& who,
             std::string_view action, std::string_view target,
             std::string_view result);
};

}  // namespace ncert::cli

#endif  // NCERT_CLI_CONTEXT_H_
