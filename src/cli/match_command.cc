// ncert match FILE...: matches telemetry (honeypot, IDS, DNS, proxy,
// endpoint logs) against every current indicator the caller may see, prints
// the matches, and with --record stores them as aggregated sightings.

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/file_args.h"
#include "cli/progress.h"
#include "cli/share_args.h"
#include "core/json.h"
#include "match/matcher.h"
#include "match/pipeline.h"
#include "match/warninglist.h"
#include "sightings/aggregator.h"
#include "sightings/rollup_store.h"
#include "telemetry/reader.h"

namespace ncert::cli {
namespace {

struct MatchCommandOptions {
  std::vector<std::string> inputs;
  std::string format = "auto";
  std::string field_map;
  std::string warninglists;  // a folder of MISP warninglists
  std::vector<std::string> downrank;
  bool show_suppressed = false;
  int64_t max_print = 50;
  uint32_t max_events_per_indicator = 1000;
  bool record = false;
  std::string sensor;
  int threads = -1;  // reading, parsing and matching threads; -1: per core
  ShareArgs share;
};

// The STIX cyber-observable type a matched value is recorded as, or "" when
// the field holds nothing an observed-data summary can name.
std::string ValueType(const match::Match& m) {
  using match::Field;
  switch (m.field) {
    case Field::kSrcIp:
    case Field::kDstIp:
      return m.value.find(':') != std::string::npos ? "ipv6-addr" : "ipv4-addr";
    case Field::kDomain:
    case Field::kUrlHost:
      return "domain-name";
    case Field::kUrl:
      return "url";
    case Field::kEmail:
      return "email-addr";
    case Field::kMd5:
    case Field::kSha1:
    case Field::kSha256:
    case Field::kFileName:
      return "file";
    default:
      return "";
  }
}

struct Summary {
  uint64_t matches = 0;
  uint64_t suppressed = 0;
  uint64_t downranked = 0;
  uint64_t over_correlating = 0;
  uint64_t not_recordable = 0;
  std::map<std::string, uint64_t> by_kind;
  std::map<std::string, uint64_t> suppressed_by_list;
  std::map<std::string, uint64_t> indicators;  // distinct indicator ids
};

void AppendMatchJson(const telemetry::Reader& reader, const telemetry::Event& e,
                     const match::Match& m, std::string* out) {
  out->append("{\"file\":");
  AppendJsonString(reader.files()[e.raw.file], out);
  out->append(
      fmt::format(",\"line\":{},\"offset\":{}", e.raw.line, e.raw.offset));
  if (e.time) {
    out->append(",\"time\":");
    AppendJsonString(FormatTimestamp(*e.time, 3), out);
  }
  out->append(",\"indicator_id\":");
  AppendJsonString(m.indicator_id, out);
  out->append(",\"field\":");
  AppendJsonString(match::FieldName(m.field), out);
  out->append(",\"kind\":");
  AppendJsonString(match::MatchKindName(m.kind), out);
  out->append(",\"value\":");
  AppendJsonString(m.value, out);
  if (!m.indicator_value.empty()) {
    out->append(",\"indicator_value\":");
    AppendJsonString(m.indicator_value, out);
  }
  out->append(",\"warninglist\":{\"action\":");
  AppendJsonString(match::WarninglistActionName(m.warninglist.action), out);
  if (!m.warninglist.list.empty()) {
    out->append(",\"list\":");
    AppendJsonString(m.warninglist.list, out);
  }
  out->append("}");
  if (m.over_correlating) {
    out->append(fmt::format(",\"over_correlating\":true,\"indicators\":{}",
                            m.indicator_count));
  }
  out->append("}\n");
}

void PrintMatchHuman(Context& ctx, const telemetry::Reader& reader,
                     const telemetry::Event& e, const match::Match& m) {
  std::string where =
      fmt::format("{}:{}", reader.files()[e.raw.file], e.raw.line);
  std::string what = fmt::format("{} {}", match::FieldName(m.field), m.value);
  if (!m.indicator_value.empty()) {
    what += fmt::format(" (in {})", m.indicator_value);
  }
  std::string note;
  if (m.warninglist.action == match::WarninglistAction::kSuppress) {
    note = ctx.lang == Lang::kJa
               ? fmt::format("  [抑止: {}]", m.warninglist.list)
               : fmt::format("  [suppressed: {}]", m.warninglist.list);
  } else if (m.warninglist.action == match::WarninglistAction::kDownrank) {
    note = ctx.lang == Lang::kJa
               ? fmt::format("  [優先度低: {}]", m.warninglist.list)
               : fmt::format("  [down-ranked: {}]", m.warninglist.list);
  }
  if (m.over_correlating) {
    note += ctx.lang == Lang::kJa
                ? fmt::format("  [過剰相関: {} 件の指標]", m.indicator_count)
                : fmt::format("  [over-correlating: {} indicators]",
                              m.indicator_count);
  }
  fmt::print(ctx.out, "{}  {}  {}  {}{}\n", where, what,
             match::MatchKindName(m.kind), m.indicator_id, note);
}

// CPU seconds of the whole process (all threads): reported beside the wall
// clock so a benchmark on a shared machine can state MB per CPU-second.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

int RunMatch(Context& ctx, const MatchCommandOptions& opt) {
  auto files = ExpandTelemetryInputs(*ctx.env, opt.inputs);
  if (!files.ok()) return ctx.Fail(files.status());
  auto format = telemetry::ParseFormat(opt.format);
  if (!format) {
    return ctx.Fail(Status::InvalidArgument(fmt::format(
        "--format '{}' is not auto, cowrie, dionaea, eve, zeek, ecs, auditd, "
        "csv or ndjson",
        opt.format)));
  }
  telemetry::FieldMap field_map;
  telemetry::ReaderOptions ro;
  ro.format = *format;
  ro.clock = ctx.clock;
  if (!opt.field_map.empty()) {
    auto fm = telemetry::LoadFieldMap(*ctx.env, opt.field_map);
    if (!fm.ok()) return ctx.Fail(fm.status());
    field_map = std::move(*fm);
    ro.field_map = &field_map;
  }

  // The index build reads every indicator once: a small page cache, so the
  // memory goes to the index (docs/matching.md, "At build time").
  constexpr int64_t kMatchCacheKib = 16 * 1024;
  auto store = ctx.OpenStore(kMatchCacheKib);
  if (!store.ok()) return ctx.Fail(store.status());
  store::Directory& dir = (*store)->directory();
  auto caller = ctx.Caller(dir);
  if (!caller.ok()) return ctx.Fail(caller.status());
  std::optional<access::ShareOptions> share;
  if (opt.record) {
    if (Status s = CheckMayWriteKnowledge(ctx, dir, *caller, "match --record",
                                          " (sightings)");
        !s.ok()) {
      return ctx.Fail(s);
    }
    auto s = BuildShare(opt.share, *caller, dir);
    if (!s.ok()) return ctx.Fail(s.status());
    share = std::move(*s);
  }

  // The index holds exactly what the caller may see.
  Timestamp build_start = ctx.clock->Now();
  const double build_cpu_start = ProcessCpuSeconds();
  auto index = match::BuildIndexFromStore(**store, store::Reader::As(*caller),
                                          *ctx.clock);
  if (!index.ok()) return ctx.Fail(index.status());
  const double build_secs =
      static_cast<double>(ctx.clock->Now().micros - build_start.micros) / 1e6;
  const double build_cpu = ProcessCpuSeconds() - build_cpu_start;

  match::MatcherOptions mo;
  mo.max_events_per_indicator = opt.max_events_per_indicator;
  match::WarninglistLoadReport wl_report;
  if (!opt.warninglists.empty()) {
    match::WarninglistOptions wo;
    wo.downrank.insert(opt.downrank.begin(), opt.downrank.end());
    auto lists =
        match::WarninglistSet::Load(*ctx.env, opt.warninglists, wo, &wl_report);
    if (!lists.ok()) return ctx.Fail(lists.status());
    mo.warninglists = std::move(*lists);
  }
  match::Matcher matcher(mo);
  matcher.Swap(*index);

  auto reader = telemetry::OpenReader(*ctx.env, files->paths, ro);
  if (!reader.ok()) return ctx.Fail(reader.status());

  sightings::Aggregator aggregator;
  std::string where_ref = caller->org.identity_ref;
  std::string sensor = opt.sensor;
  if (!sensor.empty()) where_ref.clear();  // the sensor's derived identity
  if (where_ref.empty() && sensor.empty()) sensor = caller->org.name;

  ProgressBar bar(ctx.err, ctx.clock, "match", files->total_bytes,
                  ctx.ShowProgress());
  Timestamp start = ctx.clock->Now();
  const double cpu_start = ProcessCpuSeconds();
  Summary sum;
  std::string line;
  int64_t printed = 0;
  match::PipelineOptions po;
  // By default one worker per core: each reads a batch in turn, then parses
  // and matches it; this thread only prints (docs/matching.md,
  // "Concurrency").
  po.match_threads =
      opt.threads >= 0
          ? opt.threads
          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  match::MatchPipeline pipeline(matcher, po);
  // Runs on this thread, batch after batch in input order.
  auto sink = [&](const telemetry::EventBatch& batch,
                  std::span<const match::EventMatch> found,
                  uint64_t bytes_read) -> Status {
    for (const match::EventMatch& em : found) {
      const match::Match& m = em.match;
      const telemetry::Event& e = batch.events[em.event];
      const bool suppressed =
          m.warninglist.action == match::WarninglistAction::kSuppress;
      if (suppressed) {
        ++sum.suppressed;
        ++sum.suppressed_by_list[m.warninglist.list];
      } else {
        ++sum.matches;
        ++sum.by_kind[std::string(match::MatchKindName(m.kind))];
        ++sum.indicators[m.indicator_id];
        if (m.warninglist.action == match::WarninglistAction::kDownrank) {
          ++sum.downranked;
        }
        if (m.over_correlating) ++sum.over_correlating;
      }
      if (suppressed && !opt.show_suppressed) continue;
      if (ctx.json) {
        line.clear();
        AppendMatchJson(**reader, e, m, &line);
        std::fwrite(line.data(), 1, line.size(), ctx.out);
      } else if (printed < opt.max_print) {
        bar.Finish();
        PrintMatchHuman(ctx, **reader, e, m);
        ++printed;
      }
      if (opt.record && !suppressed) {
        sightings::MatchRecord r;
        r.indicator_id = m.indicator_id;
        r.matched_value = m.value;
        r.value_type = ValueType(m);
        if (r.value_type.empty()) {
          // A JA3/HASSH fingerprint, a user agent, a command line: STIX has
          // no cyber-observable to name them in an observed-data summary
          // (and calling them a file would be false knowledge). Counted and
          // reported, not recorded.
          ++sum.not_recordable;
          continue;
        }
        r.time = e.time.value_or(ctx.clock->Now());
        r.where_sighted_ref = where_ref;
        r.sensor = sensor;
        aggregator.Add(r);
      }
    }
    bar.Update(bytes_read, static_cast<int64_t>(sum.matches + sum.suppressed));
    return Status::Ok();
  };
  if (Status s = pipeline.Run(**reader, sink); !s.ok()) {
    bar.Finish();
    return ctx.Fail(s);
  }
  bar.Finish();
  const double secs =
      static_cast<double>(ctx.clock->Now().micros - start.micros) / 1e6;
  const double cpu_secs = ProcessCpuSeconds() - cpu_start;
  const telemetry::ReadStats& rs = (*reader)->stats();

  sightings::FlushResult flushed;
  if (opt.record) {
    auto rollups = sightings::RollupStore::Open(
        ctx.db_path.empty() ? ctx.config.store_path : ctx.db_path);
    if (!rollups.ok()) return ctx.Fail(rollups.status());
    const access::ShareOptions& so = *share;
    sightings::ReporterLabel reporter =
        [&](std::string_view) -> Result<access::AccessLabel> {
      access::AccessLabel label;
      label.tlp = so.default_tlp.value_or(stix::Tlp::kAmber);
      label.owner_org = so.owner_org;
      label.distribution = so.distribution;
      label.clearance = so.clearance;
      return label;
    };
    std::string source = fmt::format("match:{}", fmt::join(files->paths, ","));
    auto r = aggregator.Flush(**store, **rollups, source, reporter,
                              ctx.clock->Now());
    ctx.Audit(dir, *caller, "write",
              fmt::format("match --record {} files", files->paths.size()),
              r.ok() ? fmt::format("ok {} new sightings, {} updated",
                                   r->sightings_new, r->sightings_updated)
                     : "error: " + r.status().message());
    if (!r.ok()) return ctx.Fail(r.status());
    flushed = *r;
  } else {
    ctx.Audit(dir, *caller, "read",
              fmt::format("match {} files", files->paths.size()),
              fmt::format("ok {} matches", sum.matches));
  }

  const double mb = static_cast<double>(rs.bytes) / 1e6;
  if (ctx.json) {
    std::string s = "{\"summary\":{";
    s += fmt::format(
        "\"files\":{},\"events\":{},\"bytes\":{},\"seconds\":{:.3f},"
        "\"cpu_seconds\":{:.3f},\"mb_per_s\":{:.1f},\"index\":{{"
        "\"indicators\":{},\"build_seconds\":{:.3f},\"build_cpu_seconds\":"
        "{:.3f}}},\"matches\":{},\"indicators_matched\":{},\"suppressed\":{},"
        "\"downranked\":{},\"over_correlating\":{},\"skipped_lines\":{}",
        rs.files, rs.events, rs.bytes, secs, cpu_secs,
        secs > 0 ? mb / secs : 0.0, (*index)->size(), build_secs, build_cpu,
        sum.matches, sum.indicators.size(), sum.suppressed, sum.downranked,
        sum.over_correlating, rs.skipped_lines);
    auto append_map = [&s](std::string_view name, const auto& m) {
      s += fmt::format(",\"{}\":{{", name);
      bool first = true;
      for (const auto& [k, v] : m) {
        if (!first) s += ',';
        first = false;
        AppendJsonString(k, &s);
        s += fmt::format(":{}", v);
      }
      s += '}';
    };
    append_map("by_kind", sum.by_kind);
    append_map("suppressed_by_list", sum.suppressed_by_list);
    append_map("malformed_by_rule", rs.by_rule);
    s += ",\"issues\":[";
    for (size_t i = 0; i < (*reader)->issues().size(); ++i) {
      if (i > 0) s += ',';
      AppendJsonString((*reader)->issues()[i].ToString(), &s);
    }
    s += ']';
    if (opt.record) {
      s += fmt::format(
          ",\"recorded\":{{\"sightings_new\":{},\"sightings_updated\":{},"
          "\"sightings_unchanged\":{},\"observed_data\":{},\"records\":{},"
          "\"records_skipped\":{},\"not_recordable\":{}}}",
          flushed.sightings_new, flushed.sightings_updated,
          flushed.sightings_unchanged, flushed.observed_data_written,
          flushed.records, flushed.records_skipped, sum.not_recordable);
    }
    s += "}}\n";
    std::fwrite(s.data(), 1, s.size(), ctx.out);
  } else {
    const uint64_t shown =
        sum.matches + (opt.show_suppressed ? sum.suppressed : 0);
    if (shown > static_cast<uint64_t>(printed)) {
      fmt::print(
          ctx.out,
          fmt::runtime(ctx.lang == Lang::kJa
                           ? "… ほか {} 件（すべて見るには --json）\n"
                           : "... and {} more (--json lists them all)\n"),
          shown - static_cast<uint64_t>(printed));
    }
    if (ctx.lang == Lang::kJa) {
      fmt::print(
          ctx.out,
          "{} ファイル、{} イベント（{:.1f} MB、{:.1f} 秒）を {} 件の指標と"
          "照合: 一致 {}（指標 {} 件）、抑止 {}、過剰相関 {}、読み飛ばした行 "
          "{}\n",
          rs.files, rs.events, mb, secs, (*index)->size(), sum.matches,
          sum.indicators.size(), sum.suppressed, sum.over_correlating,
          rs.skipped_lines);
    } else {
      fmt::print(ctx.out,
                 "{} files, {} events ({:.1f} MB, {:.1f} s) against {} "
                 "indicators: {} matches of {} indicators, {} suppressed by "
                 "warninglists, {} over-correlating, {} lines skipped\n",
                 rs.files, rs.events, mb, secs, (*index)->size(), sum.matches,
                 sum.indicators.size(), sum.suppressed, sum.over_correlating,
                 rs.skipped_lines);
    }
    for (const auto& [list, n] : sum.suppressed_by_list) {
      fmt::print(ctx.out,
                 fmt::runtime(ctx.lang == Lang::kJa ? "  抑止 {}: {}\n"
                                                    : "  suppressed {}: {}\n"),
                 n, list);
    }
    if (!ctx.quiet) {
      for (const auto& issue : (*reader)->issues()) {
        fmt::print(ctx.err, "{}\n", issue.ToString());
      }
    }
    if (opt.record) {
      fmt::print(
          ctx.out,
          fmt::runtime(
              ctx.lang == Lang::kJa
                  ? "記録: 新しいサイティング {}、更新 {}、変更なし {}\n"
                  : "recorded: {} new sightings, {} updated, {} unchanged\n"),
          flushed.sightings_new, flushed.sightings_updated,
          flushed.sightings_unchanged);
      if (sum.not_recordable > 0) {
        fmt::print(
            ctx.out,
            fmt::runtime(ctx.lang == Lang::kJa
                             ? "  記録しなかった一致 {}（フィンガープリント・"
                               "コマンド行など、STIX の観測対象がないもの）\n"
                             : "  {} matches not recorded (fingerprints, "
                               "command lines: no STIX observable "
                               "names them)\n"),
            sum.not_recordable);
      }
      for (const auto& p : flushed.problems) fmt::print(ctx.err, "{}\n", p);
    }
  }
  return kExitOk;
}

}  // namespace

void AddMatchCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<MatchCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "match",
      "Match telemetry (Cowrie, Dionaea, Suricata EVE, Zeek, ECS/Sysmon, "
      "auditd, CSV/NDJSON; gzip/zstd) against every current indicator you "
      "may see; --record stores the matches as aggregated sightings");
  cmd->add_option("FILE", opt->inputs, "telemetry files or folders")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--format", opt->format,
                  "auto, cowrie, dionaea, eve, zeek, ecs, auditd, csv, ndjson")
      ->capture_default_str();
  cmd->add_option("--field-map", opt->field_map,
                  "TOML field map for csv / ndjson (docs/telemetry.md)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--warninglists", opt->warninglists,
                  "folder of MISP warninglists: matches on listed benign "
                  "values are suppressed, naming the list")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--downrank", opt->downrank,
                  "warninglist folder names whose hits are down-ranked "
                  "instead of suppressed (repeatable)");
  cmd->add_flag("--show-suppressed", opt->show_suppressed,
                "also print suppressed matches");
  cmd->add_option("--max-print", opt->max_print,
                  "matches printed without --json")
      ->capture_default_str();
  cmd->add_option("--max-events-per-indicator", opt->max_events_per_indicator,
                  "an indicator matching more events per hour is reported "
                  "once as over-correlating (0: off)")
      ->capture_default_str();
  cmd->add_flag("--record", opt->record,
                "store the matches as STIX sightings (one per indicator, "
                "where sighted and hour)");
  cmd->add_option("--sensor", opt->sensor,
                  "where the telemetry was seen (default: your "
                  "organisation)");
  cmd->add_option("--threads", opt->threads,
                  "threads that read (in turn), parse and match (default: "
                  "one per core; 0: all on the main thread)")
      ->check(CLI::Range(0, 256));
  AddShareOptions(cmd, &opt->share, "sightings");
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunMatch(ctx, *opt); });
}

}  // namespace ncert::cli
