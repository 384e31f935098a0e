// ncert validate FILE|DIR...: checks STIX 2.1 content without storing it.

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/file_args.h"
#include "cli/issue_printer.h"
#include "cli/progress.h"
#include "stix/reader.h"

namespace ncert::cli {
namespace {

struct ValidateOptions {
  InputOptions in;
};

int RunValidate(Context& ctx, const ValidateOptions& opt) {
  auto files = ExpandInputs(*ctx.env, opt.in.inputs);
  if (!files.ok()) return ctx.Fail(files.status());
  stix::ReaderOptions ro;
  ro.max_object_bytes = ctx.config.max_object_bytes;
  ro.max_depth = ctx.config.max_depth;
  stix::StixReader reader(*ctx.env, ro);
  IssuePrinter printer(ctx, !opt.in.no_warnings && !ctx.quiet,
                       opt.in.max_issues);
  ProgressBar bar(ctx.err, ctx.clock, "validate", files->total_bytes,
                  ctx.ShowProgress());
  int64_t objects = 0;
  auto sink = [&](stix::ReadUnit&& unit) {
    if (unit.object) ++objects;
    printer.Print(unit.where, unit.issues);
    bar.Update(reader.stats().bytes, objects);
  };
  for (const auto& path : files->paths) {
    Status s = reader.ReadFile(path, sink);
    if (!s.ok()) return ctx.Fail(s);
  }
  bar.Finish();
  const stix::ReadStats& st = reader.stats();
  if (ctx.json) {
    fmt::print(ctx.out,
               "{{\"files\":{},\"units\":{},\"valid\":{},\"invalid\":{},"
               "\"errors\":{},\"warnings\":{},{}}}\n",
               files->paths.size(), st.units, st.valid, st.rejected,
               printer.errors(), printer.warnings(), printer.JsonMember());
  } else if (ctx.lang == Lang::kJa) {
    fmt::print(
        ctx.out,
        "{} ファイル: 有効なオブジェクト {} 件、不正 {} 件、警告 {} 件\n",
        files->paths.size(), st.valid, st.rejected, printer.warnings());
  } else {
    fmt::print(ctx.out, "{} files: {} valid objects, {} invalid, {} warnings\n",
               files->paths.size(), st.valid, st.rejected, printer.warnings());
  }
  return st.rejected > 0 ? kExitInvalid : kExitOk;
}

}  // namespace

void AddValidateCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check STIX 2.1 bundles, objects or NDJSON against the specification; "
      "prints each problem as file:pointer: rule: message");
  AddInputOptions(cmd, &opt->in);
  cmd->callback(
      [&ctx, opt, exit_code] { *exit_code = RunValidate(ctx, *opt); });
}

}  // namespace ncert::cli
