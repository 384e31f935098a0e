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

namespace {

Result<InputFiles> Expand(Env& env, const std::vector<std::string>& args,
                          const std::vector<std::string>& extensions) {
  InputFiles in;
  ASSIGN_OR_RETURN(in.paths, ExpandPaths(env, args, extensions));
  for (const auto& p : in.paths) {
    ASSIGN_OR_RETURN(FileInfo info, env.Stat(p));
    in.total_bytes += info.size;
  }
  return in;
}

}  // namespace

Result<InputFiles> ExpandInputs(Env& env,
                                const std::vector<std::string>& args) {
  return Expand(env, args, {".json", ".ndjson", ".jsonl", ".stix"});
}

Result<InputFiles> ExpandTelemetryInputs(Env& env,
                                         const std::vector<std::string>& args) {
  std::vector<std::string> ext;
  for (const char* e : {".json", ".ndjson", ".jsonl", ".log", ".csv"}) {
    ext.push_back(e);
    ext.push_back(std::string(e) + ".gz");
    ext.push_back(std::string(e) + ".zst");
  }
  return Expand(env, args, ext);
}

}  // namespace ncert::cli
