// ncert telemetry cat [--format F] [--map FILE] FILE...: what ncert reads
// from telemetry logs, as normalised events (docs/telemetry.md).

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress.h"
#include "core/json.h"
#include "telemetry/event_json.h"
#include "telemetry/reader.h"

namespace ncert::cli {
namespace {

struct CatOptions {
  std::vector<std::string> files;
  std::string format = "auto";
  std::string map;
  int64_t limit = 0;
  int64_t max_issues = 100;
  int64_t max_line_bytes = 1 << 20;
};

std::string Detail(const telemetry::Event& e) {
  std::vector<std::string> parts;
  auto add = [&](std::string_view name, std::string_view v) {
    if (!v.empty()) parts.push_back(fmt::format("{}={}", name, v));
  };
  add("domain", e.domain);
  add("url", e.url);
  add("user", e.user);
  add("password", e.password);
  add("cmd", e.command_line);
  add("process", e.process);
  add("file", e.file_name);
  add("sha256", e.sha256);
  if (e.sha256.empty()) add("md5", e.md5);
  add("ja3", e.ja3);
  add("hassh", e.hassh);
  add("ua", e.user_agent);
  add("email", e.email);
  std::string s;
  for (const std::string& p : parts) {
    if (!s.empty()) s += ' ';
    s += p;
  }
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

std::string Endpoint(const telemetry::IpAddr& ip, uint16_t port) {
  if (!ip.present()) return "-";
  std::string s = ip.ToString();
  if (port == 0) return s;
  return ip.family == 6 ? fmt::format("[{}]:{}", s, port)
                        : fmt::format("{}:{}", s, port);
}

int RunCat(Context& ctx, const CatOptions& opt) {
  bool ja = ctx.lang == Lang::kJa;
  std::optional<telemetry::Format> format = telemetry::ParseFormat(opt.format);
  if (!format) {
    return ctx.Fail(Status::InvalidArgument(
        fmt::format("unknown --format '{}'", opt.format)));
  }
  std::optional<telemetry::FieldMap> map;
  if (!opt.map.empty()) {
    auto m = telemetry::LoadFieldMap(*ctx.env, opt.map);
    if (!m.ok()) return ctx.Fail(m.status());
    map = std::move(*m);
  }
  telemetry::ReaderOptions ro;
  ro.format = *format;
  ro.field_map = map ? &*map : nullptr;
  ro.clock = ctx.clock;
  ro.max_issues = static_cast<size_t>(std::max<int64_t>(0, opt.max_issues));
  ro.max_line_bytes =
      static_cast<size_t>(std::max<int64_t>(64, opt.max_line_bytes));
  uint64_t total = 0;
  for (const std::string& f : opt.files) {
    auto info = ctx.env->Stat(f);
    if (info.ok()) total += info->size;
  }
  auto reader = telemetry::OpenReader(*ctx.env, opt.files, ro);
  if (!reader.ok()) return ctx.Fail(reader.status());
  telemetry::Reader& r = **reader;

  ProgressBar bar(ctx.err, ctx.clock, "telemetry", total, ctx.ShowProgress());
  telemetry::EventBatch batch;
  int64_t printed = 0;
  bool header = false;
  std::string out;
  while (opt.limit == 0 || printed < opt.limit) {
    auto more = r.Next(&batch);
    if (!more.ok()) return ctx.Fail(more.status());
    if (!*more) break;
    out.clear();
    for (const telemetry::Event& e : batch.events) {
      if (opt.limit > 0 && printed >= opt.limit) break;
      ++printed;
      if (ctx.json) {
        telemetry::AppendEventJson(e, r.files()[e.raw.file], &out);
        out += '\n';
        continue;
      }
      if (!header) {
        out += fmt::format("{:<24} {:<28} {:<22} {:<22} {}\n",
                           ja ? "時刻" : "TIME", ja ? "種別" : "KIND",
                           ja ? "送信元" : "SOURCE",
                           ja ? "宛先" : "DESTINATION", ja ? "詳細" : "DETAIL");
        header = true;
      }
      out += fmt::format("{:<24} {:<28} {:<22} {:<22} {}\n",
                         e.time ? FormatTimestamp(*e.time) : "-", e.kind,
                         Endpoint(e.src_ip, e.src_port),
                         Endpoint(e.dst_ip, e.dst_port), Detail(e));
    }
    std::fwrite(out.data(), 1, out.size(), ctx.out);
    bar.Update(std::min(total, r.stats().bytes), static_cast<int64_t>(printed));
  }
  bar.Finish();

  const telemetry::ReadStats& s = r.stats();
  // Every problem is listed; all but suspicious-time (the event is kept as
  // read) make the exit code 2.
  uint64_t problems = 0, bad = 0;
  for (const auto& [rule, n] : s.by_rule) {
    problems += n;
    if (rule != "suspicious-time") bad += n;
  }
  if (ctx.json) {
    std::string j = fmt::format(
        "{{\"summary\":{{\"files\":{},\"lines\":{},\"bytes\":{},\"events\":{},"
        "\"printed\":{},\"skipped_lines\":{},\"dropped_fields\":{},\"formats\":"
        "{{",
        s.files, s.lines, s.bytes, s.events, printed, s.skipped_lines,
        s.dropped_fields);
    bool first = true;
    for (const auto& [name, n] : s.formats) {
      if (!first) j += ',';
      first = false;
      AppendJsonString(name, &j);
      j += fmt::format(":{}", n);
    }
    j += "},\"by_rule\":{";
    first = true;
    for (const auto& [rule, n] : s.by_rule) {
      if (!first) j += ',';
      first = false;
      AppendJsonString(rule, &j);
      j += fmt::format(":{}", n);
    }
    j += "},\"unknown_kinds\":{";
    first = true;
    for (const auto& [kind, n] : s.unknown_kinds) {
      if (!first) j += ',';
      first = false;
      AppendJsonString(kind, &j);
      j += fmt::format(":{}", n);
    }
    j += "},\"issues\":[";
    for (size_t i = 0; i < r.issues().size(); ++i) {
      const telemetry::ReadIssue& is = r.issues()[i];
      if (i > 0) j += ',';
      j += "{\"file\":";
      AppendJsonString(is.file, &j);
      j += fmt::format(",\"line\":{},\"rule\":", is.line);
      AppendJsonString(is.rule, &j);
      j += ",\"message\":";
      AppendJsonString(is.message, &j);
      j += '}';
    }
    j += "]}}";
    fmt::print(ctx.out, "{}\n", j);
  } else {
    if (!ctx.quiet) {
      for (const telemetry::ReadIssue& is : r.issues()) {
        fmt::print(ctx.err, "{}\n", is.ToString());
      }
      if (r.issues().size() < problems) {
        fmt::print(
            ctx.err,
            ja ? fmt::runtime("... ほか {} 件の問題 (--max-issues)\n")
               : fmt::runtime("... and {} more problems (--max-issues)\n"),
            problems - r.issues().size());
      }
    }
    std::string formats;
    for (const auto& [name, n] : s.formats) {
      formats += fmt::format("{}{} {}", formats.empty() ? "" : ", ", n, name);
    }
    if (ja) {
      fmt::print(ctx.err,
                 "{} 件のイベント ({} ファイル [{}], {} 行, {} バイト); "
                 "読み飛ばした行 {}, 捨てた値 {}\n",
                 s.events, s.files, formats, s.lines, s.bytes, s.skipped_lines,
                 s.dropped_fields);
    } else {
      fmt::print(ctx.err,
                 "{} events from {} files [{}], {} lines, {} bytes; "
                 "{} lines skipped, {} values dropped\n",
                 s.events, s.files, formats, s.lines, s.bytes, s.skipped_lines,
                 s.dropped_fields);
    }
    for (const auto& [rule, n] : s.by_rule) {
      fmt::print(ctx.err, "  {}: {}\n", rule, n);
    }
    for (const auto& [kind, n] : s.unknown_kinds) {
      fmt::print(ctx.err,
                 ja ? fmt::runtime("  未知の種別 {}: {}\n")
                    : fmt::runtime("  unknown kind {}: {}\n"),
                 kind, n);
    }
  }
  return bad > 0 ? kExitInvalid : kExitOk;
}

}  // namespace

void AddTelemetryCommand(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "telemetry",
      "Telemetry logs (Cowrie, Dionaea, Suricata EVE, Zeek, ECS/Sysmon, "
      "auditd, CSV/NDJSON): see what ncert reads (docs/telemetry.md)");
  cmd->require_subcommand(1);
  auto opt = std::make_shared<CatOptions>();
  CLI::App* cat = cmd->add_subcommand(
      "cat",
      "Print the normalised events read from FILE... (a table, or NDJSON "
      "with --json) and a summary of malformed lines; exit 2 if any");
  cat->add_option("files", opt->files, "log files (gzip and zstd are read too)")
      ->required()
      ->check(CLI::ExistingFile);
  cat->add_option("--format", opt->format,
                  "auto (default: detected per file), cowrie, dionaea, eve, "
                  "zeek, ecs, auditd, csv, ndjson");
  cat->add_option("--map", opt->map,
                  "field map (TOML) for csv and ndjson input")
      ->check(CLI::ExistingFile);
  cat->add_option("--limit", opt->limit, "print at most N events (0: all)");
  cat->add_option("--max-issues", opt->max_issues,
                  "list at most N problems (all are counted)");
  cat->add_option("--max-line-bytes", opt->max_line_bytes,
                  "longer lines are skipped as line-too-long (default 1 MiB)");
  cat->callback([&ctx, opt, exit_code] { *exit_code = RunCat(ctx, *opt); });
}

}  // namespace ncert::cli
