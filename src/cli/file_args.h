// Turning FILE|DIR arguments into the list of files to read.
#ifndef NCERT_CLI_FILE_ARGS_H_
#define NCERT_CLI_FILE_ARGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/status.h"

namespace ncert::cli {

struct InputFiles {
  std::vector<std::string> paths;
  uint64_t total_bytes = 0;
};

// The options every command that reads STIX files shares.
struct InputOptions {
  std::vector<std::string> inputs;
  bool no_warnings = false;
  int64_t max_issues = 1000;
};

// Declares FILE|DIR... (required, must exist), --no-warnings and
// --max-issues on `cmd`.
void AddInputOptions(CLI::App* cmd, InputOptions* opt);

// Files named directly are read whatever their name; directories are walked
// for *.json, *.ndjson, *.jsonl and *.stix files (STIX input).
Result<InputFiles> ExpandInputs(Env& env, const std::vector<std::string>& args);

// The same for telemetry: directories are walked for JSON, NDJSON, Zeek and
// auditd logs, CSV, and their .gz / .zst forms.
Result<InputFiles> ExpandTelemetryInputs(Env& env,
                                         const std::vector<std::string>& args);

}  // namespace ncert::cli

#endif  // NCERT_CLI_FILE_ARGS_H_
