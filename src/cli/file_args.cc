#include "cli/file_args.h"

namespace ncert::cli {

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
