// ncert taxii pull|push: the TAXII 2.1 client (taxii/client.h).

#include <fmt/format.h>

#include "cli/commands.h"
#include "taxii/client.h"

namespace ncert::cli {
namespace {

struct TaxiiOptions {
  std::string url;
  std::string collection;
  std::string user, password, token;
  std::string since;
  std::string file;
  int envelope = 500;
};

taxii::ClientOptions Client(const Context& ctx, const TaxiiOptions& o) {
  taxii::ClientOptions c;
  c.user = o.user;
  c.password = o.password;
  c.token = o.token.empty() ? ctx.token : o.token;
  return c;
}

int RunPull(Context& ctx, const TaxiiOptions& o) {
  taxii::PullOptions p;
  p.api_root_url = o.url;
  p.collection = o.collection;
  if (!o.since.empty()) {
    auto t = ParseTimestamp(o.since);
    if (!t.ok()) return ctx.Fail(t.status().WithContext("--since"));
    p.since = *t;
  }
  auto st = ctx.OpenStore();
  if (!st.ok()) return ctx.Fail(st.status());
  auto caller = ctx.Caller((*st)->directory());
  if (!caller.ok()) return ctx.Fail(caller.status());
  // What is pulled belongs to the caller's organisation and stays with it
  // and the national CERT unless shared further (docs/access.md).
  p.ingest.share.owner_org = caller->org.id;
  p.ingest.share.distribution.orgs = {1};
  p.ingest.reader.max_object_bytes = ctx.config.max_object_bytes;
  p.ingest.reader.max_depth = ctx.config.max_depth;
  taxii::TaxiiClient client(Client(ctx, o));
  int64_t reported = 0;
  ingest::IngestCallbacks cb;
  cb.on_report = [&](const ingest::Report& r) {
    if (r.rejected && !ctx.quiet && ++reported <= 20) {
      fmt::print(ctx.err, "{}: rejected: {}\n", r.where.Format(),
                 r.issues.empty() ? "" : r.issues[0].message);
    }
  };
  auto r = taxii::Pull(client, **st, *ctx.clock, p, cb);
  std::string target = fmt::format("taxii pull {} {}", o.url, o.collection);
  if (!r.ok()) {
    ctx.Audit((*st)->directory(), *caller, "write", target,
              "error: " + r.status().message());
    return ctx.Fail(r.status());
  }
  ctx.Audit((*st)->directory(), *caller, "write", target,
            fmt::format("ok {} received, {} new, {} new versions, {} rejected",
                        r->received, r->counts.new_objects,
                        r->counts.new_versions, r->counts.rejected));
  std::string last =
      r->last_added ? FormatTimestamp(*r->last_added, 6) : std::string();
  if (ctx.json) {
    fmt::print(ctx.out,
               "{{\"pages\":{},\"received\":{},\"new\":{},\"new_versions\":{},"
               "\"unchanged\":{},\"rejected\":{},\"last_added\":\"{}\"}}\n",
               r->pages, r->received, r->counts.new_objects,
               r->counts.new_versions, r->counts.unchanged, r->counts.rejected,
               last);
  } else if (ctx.lang == Lang::kJa) {
    fmt::print(ctx.out,
               "{} ページ、{} 件受信: 新規 {}、新版 {}、変更なし {}、拒否 {}\n",
               r->pages, r->received, r->counts.new_objects,
               r->counts.new_versions, r->counts.unchanged, r->counts.rejected);
  } else {
    fmt::print(ctx.out,
               "{} pages, {} objects received: {} new, {} new versions, {} "
               "unchanged, {} rejected{}\n",
               r->pages, r->received, r->counts.new_objects,
               r->counts.new_versions, r->counts.unchanged, r->counts.rejected,
               last.empty() ? "" : "; next pull resumes after " + last);
  }
  return r->counts.rejected > 0 ? kExitInvalid : kExitOk;
}

int RunPush(Context& ctx, const TaxiiOptions& o) {
  auto st = ctx.OpenStore();
  if (!st.ok()) return ctx.Fail(st.status());
  auto caller = ctx.Caller((*st)->directory());
  if (!caller.ok()) return ctx.Fail(caller.status());
  taxii::PushOptions p;
  p.api_root_url = o.url;
  p.collection = o.collection;
  p.objects_per_envelope = static_cast<size_t>(o.envelope);
  taxii::TaxiiClient client(Client(ctx, o));
  auto r =
      taxii::Push(client, *ctx.env, o.file, p, [&](const stix::ReadUnit& u) {
        if (ctx.quiet) return;
        fmt::print(ctx.err, "{}: invalid, not sent: {}\n", u.where.Format(),
                   u.issues.empty() ? "" : u.issues[0].message);
      });
  std::string target =
      fmt::format("taxii push {} {} {}", o.url, o.collection, o.file);
  if (!r.ok()) {
    ctx.Audit((*st)->directory(), *caller, "export", target,
              "error: " + r.status().message());
    return ctx.Fail(r.status());
  }
  ctx.Audit((*st)->directory(), *caller, "export", target,
            fmt::format("ok {} sent, {} accepted, {} failed", r->sent,
                        r->succeeded, r->failed));
  if (ctx.json) {
    fmt::print(ctx.out,
               "{{\"envelopes\":{},\"sent\":{},\"succeeded\":{},\"failed\":{},"
               "\"invalid\":{}}}\n",
               r->envelopes, r->sent, r->succeeded, r->failed, r->invalid);
  } else {
    for (const auto& f : r->failures) fmt::print(ctx.err, "failed: {}\n", f);
    if (ctx.lang == Lang::kJa) {
      fmt::print(ctx.out, "{} 件送信: 受理 {}、失敗 {}、無効(未送信) {}\n",
                 r->sent, r->succeeded, r->failed, r->invalid);
    } else {
      fmt::print(ctx.out,
                 "{} objects sent in {} envelopes: {} accepted, {} failed, {} "
                 "invalid (not sent)\n",
                 r->sent, r->envelopes, r->succeeded, r->failed, r->invalid);
    }
  }
  return r->failed > 0 || r->invalid > 0 ? kExitInvalid : kExitOk;
}

void AddAuth(CLI::App* cmd, TaxiiOptions* o) {
  cmd->add_option("url", o->url,
                  "the API root URL, e.g. https://peer.example/taxii2/intel/")
      ->required();
  cmd->add_option("--collection", o->collection, "collection id or alias")
      ->required();
  cmd->add_option("--user", o->user, "HTTP Basic user");
  cmd->add_option("--password", o->password, "HTTP Basic password");
  cmd->add_option("--token", o->token,
                  "bearer token (else --token / NCERT_TOKEN)");
}

}  // namespace

void AddTaxiiCommand(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* taxii =
      app.add_subcommand("taxii", "exchange STIX 2.1 with TAXII 2.1 servers");
  taxii->require_subcommand(1);
  auto opt = std::make_shared<TaxiiOptions>();

  CLI::App* pull = taxii->add_subcommand(
      "pull", "fetch a collection's new objects and store them (resumes)");
  AddAuth(pull, opt.get());
  pull->add_option("--since", opt->since,
                   "only objects added after this time (overrides the stored "
                   "cursor)");
  pull->callback([&ctx, opt, exit_code] { *exit_code = RunPull(ctx, *opt); });

  CLI::App* push = taxii->add_subcommand(
      "push", "send a file's valid objects to a collection");
  AddAuth(push, opt.get());
  push->add_option("file", opt->file, "STIX file (bundle, array, NDJSON)")
      ->required()
      ->check(CLI::ExistingFile);
  push->add_option("--envelope", opt->envelope, "objects per envelope")
      ->check(CLI::Range(1, 10000));
  push->callback([&ctx, opt, exit_code] { *exit_code = RunPush(ctx, *opt); });
}

}  // namespace ncert::cli
