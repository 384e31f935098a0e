// ncert ingest FILE|DIR...: validates STIX 2.1 content and stores it.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "cli/commands.h"
#include "cli/file_args.h"
#include "cli/issue_printer.h"
#include "cli/progress.h"
#include "ingest/ingest.h"
#include "stix/markings.h"

namespace ncert::cli {
namespace {

struct IngestCommandOptions {
  InputOptions in;
  std::string tlp;  // for objects without a TLP marking
  std::vector<std::string>
      share_with;  // org:X sector:S group:G user:U all public
  std::string clearance = "none";
};

bool MayWriteKnowledge(access::Role r) {
  return r != access::Role::kSensor && r != access::Role::kPolicyReader;
}

// Turns --tlp, --share-with and --clearance into the sharing choices of
// `who`. Everything a member shares also reaches the national CERT (org 1):
// that is what sharing with the CERT means.
Result<access::ShareOptions> BuildShare(const IngestCommandOptions& opt,
                                        const access::Principal& who,
                                        store::Directory& dir) {
  access::ShareOptions share;
  share.owner_org = who.org.id;
  if (!opt.tlp.empty()) {
    std::string name = opt.tlp;
    for (char& c : name) c = static_cast<char>(std::toupper(c));
    if (name.rfind("TLP:", 0) != 0) name = "TLP:" + name;
    share.default_tlp = stix::ParseTlpName(name);
    if (!share.default_tlp) {
      return Status::InvalidArgument(fmt::format(
          "--tlp '{}' is not clear, green, amber, amber+strict or red",
          opt.tlp));
    }
  }
  auto clearance = access::Clearances().Parse(opt.clearance);
  if (!clearance) {
    return Status::InvalidArgument(fmt::format(
        "--clearance '{}' is not none, confidential, secret or top-secret",
        opt.clearance));
  }
  share.clearance = *clearance;
  access::Distribution& d = share.distribution;
  for (const std::string& target : opt.share_with) {
    size_t colon = target.find(':');
    std::string kind = target.substr(0, colon);
    std::string value =
        colon == std::string::npos ? "" : target.substr(colon + 1);
    if (target == "all") {
      d.all_members = true;
    } else if (target == "public") {
      d.everyone = true;
    } else if (kind == "org") {
      ASSIGN_OR_RETURN(auto org, dir.FindOrg(value));
      if (!org) {
        return Status::InvalidArgument(fmt::format(
            "--share-with {}: no such organisation (see `ncert org list`)",
            target));
      }
      d.orgs.push_back(org->id);
    } else if (kind == "sector") {
      if (!access::IsValidSectorSlug(value)) {
        return Status::InvalidArgument(
            fmt::format("--share-with {}: not a sector slug", target));
      }
      d.sectors.push_back(value);
    } else if (kind == "group") {
      ASSIGN_OR_RETURN(auto group, dir.FindGroup(value));
      if (!group) {
        return Status::InvalidArgument(
            fmt::format("--share-with {}: no such sharing group", target));
      }
      d.groups.push_back(group->id);
    } else if (kind == "user") {
      ASSIGN_OR_RETURN(auto user, dir.FindPrincipal(value));
      if (!user) {
        return Status::InvalidArgument(
            fmt::format("--share-with {}: no such user", target));
      }
      d.users.push_back(user->user.id);
    } else {
      return Status::InvalidArgument(fmt::format(
          "--share-with '{}': want org:NAME, sector:SLUG, group:NAME, "
          "user:NAME, all or public",
          target));
    }
  }
  if (who.org.id != 1 &&
      std::find(d.orgs.begin(), d.orgs.end(), 1) == d.orgs.end()) {
    d.orgs.push_back(1);  // the national CERT
  }
  return share;
}

int RunIngest(Context& ctx, const IngestCommandOptions& opt) {
  auto files = ExpandInputs(*ctx.env, opt.in.inputs);
  if (!files.ok()) return ctx.Fail(files.status());
  auto store = ctx.OpenStore();
  if (!store.ok()) return ctx.Fail(store.status());
  store::Directory& dir = (*store)->directory();
  auto caller = ctx.Caller(dir);
  if (!caller.ok()) return ctx.Fail(caller.status());
  if (!MayWriteKnowledge(caller->user.role)) {
    ctx.Audit(dir, *caller, "write", "ingest", "denied: role");
    return ctx.Fail(Status::PermissionDenied(
        fmt::format("{} ({}) may not add knowledge", caller->user.name,
                    access::RoleName(caller->user.role))));
  }
  auto share = BuildShare(opt, *caller, dir);
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
  cmd->add_option("--tlp", opt->tlp,
                  "TLP for objects that carry no TLP marking: clear, green, "
                  "amber, amber+strict or red (default: none, read as AMBER)");
  cmd->add_option("--share-with", opt->share_with,
                  "who may see it, repeatable: org:NAME, sector:SLUG, "
                  "group:NAME, user:NAME, all, public (the national CERT "
                  "always receives what members share)");
  cmd->add_option("--clearance", opt->clearance,
                  "clearance needed to see it: none, confidential, secret, "
                  "top-secret")
      ->capture_default_str();
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunIngest(ctx, *opt); });
}

}  // namespace ncert::cli
