// ncert sim list | ncert sim run SCENARIO: the scenario simulator.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/sim_summary.h"
#include "core/json.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "sim/sink.h"

namespace ncert::cli {

std::string ScenarioDir(Context& ctx, const std::string& flag) {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string exe_dir = ".";
  if (n > 0) {
    std::string exe(buf, static_cast<size_t>(n));
    exe_dir = exe.substr(0, exe.rfind('/'));
  }
  return sim::DefaultScenarioDir(*ctx.env, flag, exe_dir);
}

namespace {

std::string Size(uint64_t bytes) {
  if (bytes >= 10ull << 20)
    return fmt::format("{:.0f} MB", static_cast<double>(bytes) / 1e6);
  if (bytes >= 1 << 20)
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
  if (bytes >= 1000)
    return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1e3);
  return fmt::format("{} B", bytes);
}

std::string_view Unit(const std::string& format, bool ja) {
  if (format == "stix-bundle") return ja ? "オブジェクト" : "objects";
  if (format == "pcap") return ja ? "パケット" : "packets";
  if (format == "cyclonedx-1.5") return ja ? "コンポーネント" : "components";
  if (format == "nmap-xml") return ja ? "ホスト" : "hosts";
  if (format == "masscan-json") return ja ? "開ポート" : "open ports";
  if (format == "ground-truth") return ja ? "ファイル" : "file";
  if (format == "incident-reports" || format == "damage-reports")
    return ja ? "件" : "reports";
  return ja ? "行" : "lines";
}

}  // namespace

void PrintSimFiles(Context& ctx, const sim::RunSummary& s,
                   const std::string& out_dir, double seconds) {
  bool ja = ctx.lang == Lang::kJa;
  size_t width = 0;
  for (const sim::OutputFile& f : s.files)
    width = std::max(width, out_dir.size() + 1 + f.path.size());
  for (const sim::OutputFile& f : s.files) {
    std::string marked;
    if (f.malicious > 0) {
      marked = ja ? fmt::format("  うち攻撃 {}", f.malicious)
                  : fmt::format("  ({} malicious)", f.malicious);
    }
    fmt::print(ctx.out, "  {:<38} {:>10} {:<11} {:>9}{}\n",
               out_dir + "/" + f.path, f.records, Unit(f.format, ja),
               Size(f.bytes), marked);
  }
  if (ja) {
    fmt::print(ctx.out,
               "  合計 {} ファイル、{} レコード、{}（{:.1f} 秒、{:.0f} "
               "レコード/秒）\n",
               s.files.size(), s.records, Size(s.bytes), seconds,
               seconds > 0 ? static_cast<double>(s.records) / seconds : 0.0);
  } else {
    fmt::print(ctx.out,
               "  {} files, {} records, {} in {:.1f} s ({:.0f} records/s)\n",
               s.files.size(), s.records, Size(s.bytes), seconds,
               seconds > 0 ? static_cast<double>(s.records) / seconds : 0.0);
  }
}

void PrintSimTruth(Context& ctx, const sim::Scenario& sc,
                   const sim::RunSummary& s, const std::string& indent) {
  bool ja = ctx.lang == Lang::kJa;
  std::string sectors;
  for (const auto& id : s.sectors_hit) {
    const sim::SectorInfo* info = sim::FindSector(id);
    if (!sectors.empty()) sectors += ja ? "、" : ", ";
    sectors += info ? std::string(ja ? info->name_ja : info->name_en) : id;
  }
  if (s.infected_hosts > 0) {
    if (ja) {
      fmt::print(ctx.out,
                 "{}感染ホスト {} 台（{} 組織、分野: {}）。最初の感染 {}（{}）",
                 indent, s.infected_hosts, s.orgs_hit.size(), sectors,
                 s.patient_zero, FormatTimestamp(*s.first_infection, 0));
      if (s.encrypted_hosts > 0)
        fmt::print(ctx.out, "、暗号化 {} 台", s.encrypted_hosts);
      fmt::print(ctx.out, "\n");
    } else {
      fmt::print(ctx.out,
                 "{}{} hosts infected in {} organisations (sectors: {}); "
                 "first: {} at {}",
                 indent, s.infected_hosts, s.orgs_hit.size(), sectors,
                 s.patient_zero, FormatTimestamp(*s.first_infection, 0));
      if (s.encrypted_hosts > 0)
        fmt::print(ctx.out, "; {} encrypted", s.encrypted_hosts);
      fmt::print(ctx.out, "\n");
    }
  }
  if (s.surge_start) {
    fmt::print(ctx.out,
               fmt::runtime(ja ? "{}探索の急増: {} から約 {:.0f} 倍（23/TCP, "
                                 "2323/TCP）、感染IoT機器 {} 台\n"
                               : "{}Scan surge from {}, about x{:.0f} (23/TCP, "
                                 "2323/TCP); {} IoT devices infected\n"),
               indent, FormatTimestamp(*s.surge_start, 0), s.surge_factor,
               s.infected_devices);
  } else if (s.infected_devices > 0) {
    fmt::print(ctx.out,
               fmt::runtime(ja ? "{}感染IoT機器 {} 台\n"
                               : "{}{} IoT devices infected\n"),
               indent, s.infected_devices);
  }
  fmt::print(
      ctx.out,
      fmt::runtime(ja ? "{}共有された指標 {} 件（うち誤検知になる値 {} 件）\n"
                      : "{}{} indicators shared by partners ({} of them false "
                        "positives)\n"),
      indent, s.indicators, s.false_positive_indicators);
  (void)sc;
}

std::string SimSummaryJson(const sim::RunSummary& s, const std::string& out_dir,
                           double seconds) {
  std::string o = "{\"scenario\":";
  AppendJsonString(s.scenario, &o);
  o += fmt::format(",\"seed\":{},\"scale\":{},\"out\":", s.seed, s.scale);
  AppendJsonString(out_dir, &o);
  o += fmt::format(
      ",\"seconds\":{:.3f},\"records\":{},\"bytes\":{},\"packets\":{},\"pcap_"
      "bytes\":{},"
      "\"infected_hosts\":{},\"infected_devices\":{},\"encrypted_hosts\":{},"
      "\"indicators\":{},\"false_positive_indicators\":{},\"surge_start\":",
      seconds, s.records, s.bytes, s.packets, s.pcap_bytes, s.infected_hosts,
      s.infected_devices, s.encrypted_hosts, s.indicators,
      s.false_positive_indicators);
  if (s.surge_start) {
    AppendJsonString(FormatTimestamp(*s.surge_start), &o);
  } else {
    o += "null";
  }
  o += ",\"sectors_hit\":[";
  for (size_t i = 0; i < s.sectors_hit.size(); ++i) {
    if (i) o += ',';
    AppendJsonString(s.sectors_hit[i], &o);
  }
  o += "],\"files\":[";
  for (size_t i = 0; i < s.files.size(); ++i) {
    const sim::OutputFile& f = s.files[i];
    if (i) o += ',';
    o += "{\"path\":";
    AppendJsonString(f.path, &o);
    o += ",\"format\":";
    AppendJsonString(f.format, &o);
    o += fmt::format(",\"records\":{},\"bytes\":{},\"malicious\":{}", f.records,
                     f.bytes, f.malicious);
    if (!f.truth.empty()) {
      o += ",\"truth\":";
      AppendJsonString(f.truth, &o);
    }
    o += '}';
  }
  o += "]}";
  return o;
}

namespace {

struct SimOptions {
  std::string scenarios;
  std::string scenario;
  uint64_t seed = 1;
  double scale = 1.0;
  std::string out;
};

int RunList(Context& ctx, const SimOptions& opt) {
  std::string dir = ScenarioDir(ctx, opt.scenarios);
  auto list = sim::ListScenarios(*ctx.env, dir);
  if (!list.ok()) return ctx.Fail(list.status());
  if (ctx.json) {
    std::string o = "{\"scenarios\":[";
    for (size_t i = 0; i < list->size(); ++i) {
      const sim::Scenario& s = (*list)[i];
      if (i) o += ',';
      o += "{\"name\":";
      AppendJsonString(s.name, &o);
      o += ",\"title\":";
      AppendJsonString(s.title, &o);
      o += ",\"title_ja\":";
      AppendJsonString(s.title_ja, &o);
      o += ",\"summary\":";
      AppendJsonString(s.summary, &o);
      o += ",\"summary_ja\":";
      AppendJsonString(s.summary_ja, &o);
      o += fmt::format(",\"hours\":{},\"file\":", s.hours);
      AppendJsonString(s.source, &o);
      o += '}';
    }
    o += "]}";
    fmt::print(ctx.out, "{}\n", o);
    return kExitOk;
  }
  for (const sim::Scenario& s : *list) {
    fmt::print(ctx.out, "{:<22} {}\n{:<22} {}\n", s.name, s.title, "",
               s.title_ja);
  }
  return kExitOk;
}

int RunSim(Context& ctx, const SimOptions& opt) {
  std::string dir = ScenarioDir(ctx, opt.scenarios);
  auto sc = sim::FindScenario(*ctx.env, dir, opt.scenario);
  if (!sc.ok()) {
    Status s = sc.status();
    if (s.code() == StatusCode::kNotFound)
      s = Status::InvalidArgument(s.message());
    return ctx.Fail(s);
  }
  std::string out = opt.out.empty() ? "sim-out/" + sc->name : opt.out;
  auto out_dir = sim::NewPosixOutputDir(out);
  ProgressBar bar(ctx.err, ctx.clock, "sim", 1000, ctx.ShowProgress());
  sim::RunOptions ro;
  ro.seed = opt.seed;
  ro.scale = opt.scale;
  ro.on_progress = [&](double fraction, int64_t records) {
    bar.Update(static_cast<uint64_t>(fraction * 1000), records);
  };
  Timestamp t0 = ctx.clock->Now();
  auto summary = sim::RunScenario(*sc, *out_dir, ro);
  bar.Finish();
  if (!summary.ok()) return ctx.Fail(summary.status());
  double secs = static_cast<double>(ctx.clock->Now().micros - t0.micros) / 1e6;
  if (ctx.json) {
    fmt::print(ctx.out, "{}\n", SimSummaryJson(*summary, out, secs));
    return kExitOk;
  }
  bool ja = ctx.lang == Lang::kJa;
  fmt::print(
      ctx.out,
      fmt::runtime(
          ja ? "{}（シード {}、規模 {}）: {} から {} 時間分を {} に出力\n"
             : "{} (seed {}, scale {}): {} hours from {} written to {}\n"),
      sc->name, opt.seed, opt.scale,
      ja ? FormatTimestamp(sc->start, 0) : std::to_string(sc->hours),
      ja ? std::to_string(sc->hours) : FormatTimestamp(sc->start, 0), out);
  PrintSimFiles(ctx, *summary, out, secs);
  fmt::print(
      ctx.out,
      fmt::runtime(ja ? "正解データ（{}/ground_truth.json、{}/truth/）:\n"
                      : "Ground truth ({}/ground_truth.json, {}/truth/):\n"),
      out, out);
  PrintSimTruth(ctx, *sc, *summary, "  ");
  return kExitOk;
}

}  // namespace

void AddSimCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<SimOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sim",
      "Scenario simulator: generates realistic, seeded worlds in every format "
      "ncert reads, with ground truth");
  cmd->require_subcommand(1);
  cmd->add_option(
      "--scenarios", opt->scenarios,
      "folder of scenario files (default: sim/scenarios of the project)");
  CLI::App* list =
      cmd->add_subcommand("list", "List the scenarios (English and Japanese)");
  list->callback([&ctx, opt, exit_code] { *exit_code = RunList(ctx, *opt); });
  CLI::App* run = cmd->add_subcommand("run",
                                      "Play a scenario into files (STIX, pcap, "
                                      "logs, scans, SBOMs, posts, reports) "
                                      "with their ground truth");
  run->add_option("scenario", opt->scenario,
                  "scenario name (see `ncert sim list`) or a .toml file")
      ->required();
  run->add_option("--seed", opt->seed,
                  "seed: the same seed gives the same bytes")
      ->capture_default_str();
  run->add_option("--scale", opt->scale,
                  "multiplies every telemetry rate (1 = demo size; 100+ = "
                  "benchmark size)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run->add_option("--out", opt->out,
                  "output folder (default: sim-out/SCENARIO)");
  run->callback([&ctx, opt, exit_code] { *exit_code = RunSim(ctx, *opt); });
}

}  // namespace ncert::cli
