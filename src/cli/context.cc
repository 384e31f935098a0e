#include "cli/context.h"

#include <unistd.h>

#include <fmt/format.h>

#include "store/sqlite_store.h"

namespace ncert::cli {

Result<std::unique_ptr<store::Store>> Context::OpenStore() {
  store::SqliteOptions options;
  options.path = db_path.empty() ? config.store_path : db_path;
  options.clock = clock;
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

}  // namespace ncert::cli
