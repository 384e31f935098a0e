// ncert ingest FILE|DIR...: validates STIX 2.1 content and stores it.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "cli/commands.h"
#include "cli/file_args.h"
#include "cli/issue_printer.h"
#include "cli/progress.h"
#include "cli/share_args.h"
#include "ingest/ingest.h"
#include "stix/markings.h"

namespace ncert::cli {
namespace {

struct IngestCommandOptions {
  InputOptions in;
  ShareArgs share;
};

int RunIngest(Context& ctx, const IngestCommandOptions& opt) {
  auto files = ExpandInputs(*ctx.env, opt.in.inputs);
  if (!files.ok()) return ctx.Fail(files.status());
  auto store = ctx.OpenStore();
  if (!store.ok()) return ctx.Fail(store.status());
  store::Directory& dir = (*store)->directory();
  auto caller = ctx.Caller(dir);
  if (!caller.ok()) return ctx.Fail(caller.status());
  if (Status s = CheckMayWriteKnowledge(ctx, dir, *caller, "ingest"); !s.ok()) {
    return ctx.Fail(s);
  }
  auto share = BuildShare(opt.share, *caller, dir);
  if (!share.ok()) return ctx.Fail(share.status());
  ingest::IngestOptions io;
  io.share = *share;
  io.reader.max_object_bytes = ctx.config.max_object_bytes;
  io.reader.max_depth = ctx.config.max_depth;
  io.batch_size = ctx.config.batch_size;
  ingest::Ingester ingester(*ctx.env, **store, io);
  IssuePrinter printer(ctx, !opt.in.no_warnings && !ctx.quiet,
                       opt.in.max_issues);
  ProgressBar bar(ctx.err, ctx.clock, "ingest", files->total_bytes,
                  ctx.ShowProgress());
  Timestamp start = ctx.clock->Now();
  int64_t reported = 0;
  ingest::IngestCallbacks cb;
  cb.on_report = [&](const ingest::Report& r) {
    bar.Finish();
    printer.Print(r.where, r.issues);
    ++reported;
  };
  cb.on_progress = [&](uint64_t bytes) { bar.Update(bytes, reported); };
  auto counts = ingester.Ingest(files->paths, cb);
  bar.Finish();
  ctx.Audit(dir, *caller, "write",
            fmt::format("ingest {} files", files->paths.size()),
            counts.ok() ? fmt::format("ok {} new, {} new versions, {} rejected",
                                      counts->new_objects, counts->new_versions,
                                      counts->rejected)
                        : "error: " + counts.status().message());
  if (!counts.ok()) return ctx.Fail(counts.status());
  const ingest::IngestCounts& c = *counts;
  double secs =
      static_cast<double>(ctx.clock->Now().micros - start.micros) / 1e6;
  if (ctx.json) {
    fmt::print(ctx.out,
               "{{\"files\":{},\"objects\":{},\"new\":{},\"new_version\":{},"
               "\"unchanged\":{},\"history\":{},\"rejected\":{},"
               "\"warnings\":{},\"bytes\":{},\"seconds\":{:.3f},{}}}\n",
               c.files, c.objects, c.new_objects, c.new_versions, c.unchanged,
               c.history, c.rejected, c.warnings, c.bytes, secs,
               printer.JsonMember());
  } else if (ctx.lang == Lang::kJa) {
    fmt::print(
        ctx.out,
        "{} ファイル、{} オブジェクト: 新規 {}、新しい版 {}、変更なし {}、"
        "履歴 {}、拒否 {}、警告 {}（{:.1f} 秒）\n",
        c.files, c.objects, c.new_objects, c.new_versions, c.unchanged,
        c.history, c.rejected, c.warnings, secs);
  } else {
    fmt::print(ctx.out,
               "{} files, {} objects: {} new, {} new versions, {} unchanged, "
               "{} history, {} rejected, {} warnings ({:.1f} s)\n",
               c.files, c.objects, c.new_objects, c.new_versions, c.unchanged,
               c.history, c.rejected, c.warnings, secs);
  }
  return c.rejected > 0 ? kExitInvalid : kExitOk;
}

}  // namespace

void AddIngestCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<IngestCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Validate STIX 2.1 content and store it (invalid objects are rejected "
      "with their errors; the valid rest of each file is stored)");
  AddInputOptions(cmd, &opt->in);
  AddShareOptions(cmd, &opt->share, "objects");
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunIngest(ctx, *opt); });
}

}  // namespace ncert::cli
