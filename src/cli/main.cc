// ncert: the command line. main() wires the services (file system, clock,
// logger) into a Context and hands it to the chosen subcommand; nothing else
// in ncert reaches for the process environment.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstring>

#include "cli/commands.h"
#include "cli/context.h"
#include "core/config.h"
#include "core/env.h"
#include "core/log.h"
#include "core/time.h"

namespace ncert::cli {
namespace {

// Loads --config, or ./ncert.toml when it exists, and applies --lang / LANG.
Status Setup(Context& ctx, const std::string& lang) {
  std::string path = ctx.config_path;
  if (path.empty()) {
    auto info = ctx.env->Stat("ncert.toml");
    if (info.ok() && !info->is_directory) path = "ncert.toml";
  }
  if (!path.empty()) {
    ASSIGN_OR_RETURN(ctx.config, LoadConfig(*ctx.env, path));
  }
  ctx.log->set_min_level(ctx.config.log_level);
  if (ctx.token.empty()) {
    if (const char* t = std::getenv("NCERT_TOKEN"); t != nullptr) ctx.token = t;
  }
  if (lang == "ja") {
    ctx.lang = Lang::kJa;
  } else if (lang == "en") {
    ctx.lang = Lang::kEn;
  } else {
    const char* env_lang = std::getenv("LANG");
    ctx.lang = env_lang != nullptr && std::strncmp(env_lang, "ja", 2) == 0
                   ? Lang::kJa
                   : Lang::kEn;
  }
  return Status::Ok();
}

int Main(int argc, char** argv) {
  std::unique_ptr<Env> env = NewPosixEnv();
  SystemClock clock;
  Logger log(LogLevel::kWarning, stderr, &clock);
  Context ctx;
  ctx.env = env.get();
  ctx.clock = &clock;
  ctx.log = &log;

  CLI::App app(
      "ncert: a national CERT's operating system. Collects, analyses, "
      "coordinates and publishes threat knowledge (STIX 2.1).",
      "ncert");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "ncert 0.1.0");
  std::string lang;
  app.add_option("--db", ctx.db_path,
                 "knowledge store file (default: store.path in the config, "
                 "else ./ncert.db)");
  app.add_option("--config", ctx.config_path,
                 "configuration file (default: ./ncert.toml if present)")
      ->check(CLI::ExistingFile);
  app.add_flag("--json", ctx.json, "machine-readable JSON output");
  app.add_flag("-q,--quiet", ctx.quiet, "no progress bar and no warnings");
  app.add_option("--as", ctx.as_user,
                 "act as this user (name or id); default: local, the "
                 "operator of this machine");
  app.add_option("--token", ctx.token,
                 "act as the user of this API token (also NCERT_TOKEN)");
  app.add_option("--lang", lang,
                 "language of messages: en or ja (default: LANG)")
      ->check(CLI::IsMember({"en", "ja"}));

  int exit_code = kExitOk;
  AddValidateCommand(app, ctx, &exit_code);
  AddIngestCommand(app, ctx, &exit_code);
  AddGetCommand(app, ctx, &exit_code);
  AddQueryCommand(app, ctx, &exit_code);
  AddExportCommand(app, ctx, &exit_code);
  AddStatsCommand(app, ctx, &exit_code);
  AddAdminCommands(app, ctx, &exit_code);
  AddPatternCommand(app, ctx, &exit_code);
  AddSimCommand(app, ctx, &exit_code);
  AddTaxiiCommand(app, ctx, &exit_code);
  AddDemoCommand(app, ctx, &exit_code);
  AddExerciseCommand(app, ctx, &exit_code);
  AddTelemetryCommand(app, ctx, &exit_code);
  AddIndicatorsCommand(app, ctx, &exit_code);
  AddMatchCommand(app, ctx, &exit_code);
  AddSensorsCommand(app, ctx, &exit_code);
  AddServeCommand(app, ctx, &exit_code);

  Status setup;
  app.parse_complete_callback([&] {
    setup = Setup(ctx, lang);
    if (!setup.ok()) throw CLI::RuntimeError(kExitError);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError&) {  // thrown by Setup above
    return ctx.Fail(setup);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);  // prints help, version or the usage error
    return rc == 0 ? kExitOk : kExitInvalid;
  }
  return exit_code;
}

}  // namespace
}  // namespace ncert::cli

int main(int argc, char** argv) { return ncert::cli::Main(argc, argv); }
