// The read side of the store: get, query, export, stats.

#include <fmt/format.h>
#include <simdjson.h>

#include "cli/commands.h"
#include "core/id.h"
#include "core/json.h"

namespace ncert::cli {
namespace {

// The object's name (or an SCO's value) for listings. `parser` is reused
// across rows: a fresh one per row would allocate its buffers every time.
std::string NameOf(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::element el;
  if (parser.parse(json).get(el) != simdjson::SUCCESS) return "";
  std::string_view name;
  if (el["name"].get_string().get(name) == simdjson::SUCCESS) {
    return std::string(name);
  }
  if (el["value"].get_string().get(name) == simdjson::SUCCESS) {
    return std::string(name);
  }
  return "";
}

void AppendVersionJson(const store::StoredObject& o, std::string* out) {
  *out += "{\"modified\":";
  AppendJsonString(o.modified, out);
  *out += ",\"added\":";
  AppendJsonString(FormatTimestamp(o.added), out);
  *out +=
      fmt::format(",\"latest\":{},\"object\":", o.latest ? "true" : "false");
  *out += o.json;
  *out += '}';
}

// ---- get ------------------------------------------------------------------

struct GetOptions {
  std::string id;
  bool versions = false;
};

// The store and the caller for a read command.
struct ReadSession {
  std::unique_ptr<store::Store> store;
  access::Principal caller;
};

Result<ReadSession> OpenRead(Context& ctx) {
  ReadSession s;
  ASSIGN_OR_RETURN(s.store, ctx.OpenStore());
  ASSIGN_OR_RETURN(s.caller, ctx.Caller(s.store->directory()));
  return s;
}

int RunGet(Context& ctx, const GetOptions& opt) {
  auto session = OpenRead(ctx);
  if (!session.ok()) return ctx.Fail(session.status());
  store::Store& st = *session->store;
  store::Reader reader = store::Reader::As(session->caller);
  std::vector<store::StoredObject> versions;
  if (opt.versions) {
    auto v = st.Versions(reader, opt.id);
    if (!v.ok()) return ctx.Fail(v.status());
    versions = std::move(*v);
  } else {
    auto v = st.Get(reader, opt.id);
    if (!v.ok()) return ctx.Fail(v.status());
    if (*v) versions.push_back(std::move(**v));
  }
  ctx.Audit(st.directory(), session->caller, "read", "get " + opt.id,
            fmt::format("ok {} versions", versions.size()));
  if (versions.empty()) {
    return ctx.Fail(Status::NotFound(fmt::format(
        "no object {} in the store (see `ncert query` for what is there)",
        opt.id)));
  }
  if (!opt.versions) {
    fmt::print(ctx.out, "{}\n", versions[0].json);
    return kExitOk;
  }
  if (ctx.json) {
    std::string out = "{\"id\":";
    AppendJsonString(opt.id, &out);
    out += ",\"versions\":[";
    for (size_t i = 0; i < versions.size(); ++i) {
      if (i) out += ',';
      AppendVersionJson(versions[i], &out);
    }
    out += "]}";
    fmt::print(ctx.out, "{}\n", out);
    return kExitOk;
  }
  for (const auto& v : versions) {
    fmt::print(ctx.out, "{} {:<26} added {}{}\n", v.id,
               v.modified.empty() ? "(no versions)" : v.modified,
               FormatTimestamp(v.added), v.latest ? "  (latest)" : "");
  }
  return kExitOk;
}

// ---- query ----------------------------------------------------------------

struct QueryOptions {
  std::vector<std::string> types;
  std::string label;
  std::string modified_since;
  int64_t limit = 100;
  bool all_versions = false;
};

// "query type=indicator,malware label=x since=… all-versions limit=100"
std::string DescribeQuery(std::string_view verb, const store::Query& q) {
  std::string out(verb);
  if (!q.types.empty()) {
    out += " type=";
    for (size_t i = 0; i < q.types.size(); ++i) {
      if (i) out += ',';
      out += q.types[i];
    }
  }
  if (q.label) out += " label=" + *q.label;
  if (q.modified_since) out += " since=" + FormatTimestamp(*q.modified_since);
  if (!q.latest_only) out += " all-versions";
  if (q.limit >= 0) out += fmt::format(" limit={}", q.limit);
  return out;
}

Result<store::Query> BuildQuery(const std::vector<std::string>& types,
                                const std::string& label,
                                const std::string& modified_since,
                                int64_t limit, bool all_versions) {
  store::Query q;
  q.types = types;
  if (!label.empty()) q.label = label;
  if (!modified_since.empty()) {
    ASSIGN_OR_RETURN(Timestamp t, ParseTimestamp(modified_since));
    q.modified_since = t;
  }
  q.limit = limit;
  q.latest_only = !all_versions;
  return q;
}

int RunQuery(Context& ctx, const QueryOptions& opt) {
  auto q = BuildQuery(opt.types, opt.label, opt.modified_since, opt.limit,
                      opt.all_versions);
  if (!q.ok()) return ctx.Fail(q.status());
  auto session = OpenRead(ctx);
  if (!session.ok()) return ctx.Fail(session.status());
  int64_t n = 0;
  simdjson::dom::parser parser;  // for the names in the human listing
  bool first = true;
  if (ctx.json) fmt::print(ctx.out, "{{\"objects\":[\n");
  Status s = session->store->Scan(
      store::Reader::As(session->caller), *q,
      [&](const store::StoredObject& o) {
        ++n;
        if (ctx.json) {
          fmt::print(ctx.out, "{}{}", first ? "" : ",\n", o.json);
          first = false;
        } else {
          fmt::print(ctx.out, "{:<22} {:<60} {:<26} {}\n", o.type, o.id,
                     o.modified, NameOf(parser, o.json));
        }
        return true;
      });
  ctx.Audit(session->store->directory(), session->caller, "read",
            DescribeQuery("query", *q),
            s.ok() ? fmt::format("ok {} objects", n) : "error: " + s.message());
  if (!s.ok()) return ctx.Fail(s);
  std::fflush(ctx.out);  // the count on stderr comes after the list
  if (ctx.json) {
    fmt::print(ctx.out, "\n],\"count\":{}}}\n", n);
  } else if (ctx.lang == Lang::kJa) {
    fmt::print(ctx.err, "{} 件\n", n);
  } else {
    fmt::print(ctx.err, "{} objects\n", n);
  }
  return kExitOk;
}

// ---- export ---------------------------------------------------------------

struct ExportOptions {
  std::vector<std::string> types;
  std::string label;
  std::string modified_since;
  bool all_versions = false;
  std::string bundle_id;
};

int RunExport(Context& ctx, const ExportOptions& opt) {
  auto q = BuildQuery(opt.types, opt.label, opt.modified_since, -1,
                      opt.all_versions);
  if (!q.ok()) return ctx.Fail(q.status());
  std::string bundle_id = opt.bundle_id;
  if (bundle_id.empty()) {
    bundle_id = NewStixId("bundle");
  } else if (auto id = ParseStixId(bundle_id);
             !id.ok() || id->type != "bundle") {
    return ctx.Fail(Status::InvalidArgument(
        fmt::format("--bundle-id '{}' is not bundle--<uuid>", bundle_id)));
  }
  auto session = OpenRead(ctx);
  if (!session.ok()) return ctx.Fail(session.status());
  // One object per line inside the bundle: valid JSON, and greppable.
  std::string head = "{\"id\":";
  AppendJsonString(bundle_id, &head);
  fmt::print(ctx.out, "{},\"objects\":[", head);
  int64_t n = 0;
  Status s = session->store->Scan(store::Reader::As(session->caller), *q,
                                  [&](const store::StoredObject& o) {
                                    fmt::print(ctx.out, "{}\n{}",
                                               n == 0 ? "" : ",", o.json);
                                    ++n;
                                    return true;
                                  });
  fmt::print(ctx.out, "{}],\"type\":\"bundle\"}}\n", n == 0 ? "" : "\n");
  ctx.Audit(session->store->directory(), session->caller, "export",
            DescribeQuery("export", *q),
            s.ok() ? fmt::format("ok {} objects", n) : "error: " + s.message());
  if (!s.ok()) return ctx.Fail(s);
  if (!ctx.quiet) {
    if (ctx.lang == Lang::kJa) {
      fmt::print(ctx.err, "{} オブジェクトを書き出しました\n", n);
    } else {
      fmt::print(ctx.err, "exported {} objects\n", n);
    }
  }
  return kExitOk;
}

// ---- stats ----------------------------------------------------------------

int RunStats(Context& ctx) {
  auto session = OpenRead(ctx);
  if (!session.ok()) return ctx.Fail(session.status());
  auto st = session->store->Stats(store::Reader::As(session->caller));
  ctx.Audit(session->store->directory(), session->caller, "read", "stats",
            st.ok() ? fmt::format("ok {} objects", st->objects)
                    : "error: " + st.status().message());
  if (!st.ok()) return ctx.Fail(st.status());
  if (ctx.json) {
    std::string by_type;
    for (const auto& [type, count] : st->latest_by_type) {
      if (!by_type.empty()) by_type += ',';
      AppendJsonString(type, &by_type);
      by_type += fmt::format(":{}", count);
    }
    fmt::print(ctx.out,
               "{{\"objects\":{},\"versions\":{},\"file_bytes\":{},"
               "\"by_type\":{{{}}}}}\n",
               st->objects, st->versions, st->file_bytes, by_type);
    return kExitOk;
  }
  if (ctx.lang == Lang::kJa) {
    fmt::print(ctx.out, "{} が見られるオブジェクト {} 件（版 {} 件）\n",
               session->caller.user.name, st->objects, st->versions);
  } else {
    fmt::print(ctx.out, "{} objects ({} versions) visible to {}\n", st->objects,
               st->versions, session->caller.user.name);
  }
  for (const auto& [type, count] : st->latest_by_type) {
    fmt::print(ctx.out, "  {:<24} {:>9}\n", type, count);
  }
  return kExitOk;
}

void AddFilterOptions(CLI::App* cmd, std::vector<std::string>* types,
                      std::string* label, std::string* modified_since,
                      bool* all_versions) {
  cmd->add_option("--type", *types, "object type (repeatable)");
  cmd->add_option("--label", *label, "only objects with this label");
  cmd->add_option("--modified-since", *modified_since,
                  "only versions modified at or after this RFC 3339 time");
  cmd->add_flag("--all-versions", *all_versions,
                "every stored version, not only the latest");
}

}  // namespace

void AddGetCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<GetOptions>();
  CLI::App* cmd = app.add_subcommand(
      "get", "Print the latest version of one object, or all its versions");
  cmd->add_option("id", opt->id, "STIX id (type--uuid)")->required();
  cmd->add_flag("--versions", opt->versions, "list every stored version");
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunGet(ctx, *opt); });
}

void AddQueryCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<QueryOptions>();
  CLI::App* cmd =
      app.add_subcommand("query", "List stored objects matching filters");
  AddFilterOptions(cmd, &opt->types, &opt->label, &opt->modified_since,
                   &opt->all_versions);
  cmd->add_option("--limit", opt->limit, "at most this many (-1: all)")
      ->capture_default_str();
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunQuery(ctx, *opt); });
}

void AddExportCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write stored objects to stdout as one STIX 2.1 bundle");
  AddFilterOptions(cmd, &opt->types, &opt->label, &opt->modified_since,
                   &opt->all_versions);
  cmd->add_option("--bundle-id", opt->bundle_id,
                  "the bundle's id (default: a new random bundle--uuid)");
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunExport(ctx, *opt); });
}

void AddStatsCommand(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* cmd =
      app.add_subcommand("stats", "Count what the store holds, by type");
  cmd->callback([&ctx, exit_code] { *exit_code = RunStats(ctx); });
}

}  // namespace ncert::cli
