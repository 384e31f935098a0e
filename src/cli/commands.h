// The ncert subcommands. Each Add* registers one subcommand on `app`; when it
// is chosen, its callback runs with `ctx` and stores the exit code.
#ifndef NCERT_CLI_COMMANDS_H_
#define NCERT_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace ncert::cli {

void AddValidateCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddIngestCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddGetCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddQueryCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddExportCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddStatsCommand(CLI::App& app, Context& ctx, int* exit_code);
// org, group, user, token, audit.
void AddAdminCommands(CLI::App& app, Context& ctx, int* exit_code);
void AddPatternCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddSimCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddTaxiiCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddDemoCommand(CLI::App& app, Context& ctx, int* exit_code);
// exercise start|status|questions|answer|score.
void AddExerciseCommand(CLI::App& app, Context& ctx, int* exit_code);
// telemetry cat.
void AddTelemetryCommand(CLI::App& app, Context& ctx, int* exit_code);
// indicators export (block lists, docs/blocklists.md).
void AddIndicatorsCommand(CLI::App& app, Context& ctx, int* exit_code);
// sensors darknet (and the other sensor analyses, registered on the group).
void AddSensorsCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddSensorsDarknetCommand(CLI::App& sensors, Context& ctx, int* exit_code);
// sensors honeypot|stats|alerts (sensors_series_command.cc); each takes the
// `sensors` group, which main.cc creates.
void AddSensorsHoneypotCommand(CLI::App& sensors, Context& ctx, int* exit_code);
void AddSensorsStatsCommand(CLI::App& sensors, Context& ctx, int* exit_code);
void AddSensorsAlertsCommand(CLI::App& sensors, Context& ctx, int* exit_code);
// The HTTP server (server/), until SIGTERM or SIGINT.
void AddServeCommand(CLI::App& app, Context& ctx, int* exit_code);

// match (telemetry against the indicators, docs/matching.md).
void AddMatchCommand(CLI::App& app, Context& ctx, int* exit_code);

}  // namespace ncert::cli

#endif  // NCERT_CLI_COMMANDS_H_
