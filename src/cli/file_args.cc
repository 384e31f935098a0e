#include "cli/file_args.h"

namespace ncert::cli {

void AddInputOptions(CLI::App* cmd, InputOptions* opt) {
  cmd->add_option("inputs", opt->inputs, "files or directories")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_flag("--no-warnings", opt->no_warnings, "list errors only");
  cmd->add_option("--max-issues", opt->max_issues,
                  "list at most this many issues (all are counted)")
      ->capture_default_str();
}

Result<InputFiles> ExpandInputs(Env& env,
                                const std::vector<std::string>& args) {
  InputFiles in;
  ASSIGN_OR_RETURN(
      in.paths,
      ExpandPaths(env, args, {".json", ".ndjson", ".jsonl", ".stix"}));
  for (const auto& p : in.paths) {
    ASSIGN_OR_RETURN(FileInfo info, env.Stat(p));
    in.total_bytes += info.size;
  }
  return in;
}

}  // namespace ncert::cli
