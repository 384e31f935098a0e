// ncert sensors darknet FILE...: darknet (network telescope) analysis of
// pcap/pcapng captures. The `sensors` group is created by AddSensorsCommand;
// each analysis registers itself under it.

#include <fmt/format.h>

#include <bit>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/share_args.h"
#include "sensors/darknet.h"
#include "sensors/darknet_enrich.h"
#include "sensors/darknet_knowledge.h"

namespace ncert::cli {
namespace {

struct DarknetCommandOptions {
  std::vector<std::string> files;
  std::string sensor = "darknet";
  std::vector<std::string> prefixes;
  std::vector<std::string> scanners;
  std::string geoip;
  bool record = false;
  bool read_thread = false;
  uint32_t scan_min = 100;
  int64_t lateness = 300;
  uint32_t doorkeeper_kib = 512;  // a power of two
};

// Series are counted here; the series store (surge detection) plugs in as
// the sink where it is built.
class CountingSink : public sensors::SeriesSink {
 public:
  Status Append(const sensors::SeriesKey&, sensors::Resolution,
                std::span<const sensors::Point> points) override {
    points_ += static_cast<int64_t>(points.size());
    return Status::Ok();
  }
  int64_t points() const { return points_; }

 private:
  int64_t points_ = 0;
};

int RunDarknet(Context& ctx, const DarknetCommandOptions& opt) {
  sensors::ScannerRanges ranges;
  for (const std::string& f : opt.scanners) {
    Status s = ranges.LoadFile(*ctx.env, f);
    if (!s.ok()) return ctx.Fail(s);
  }
  ranges.Freeze();
  std::unique_ptr<sensors::GeoIp> geo;
  if (!opt.geoip.empty()) {
    auto g = sensors::GeoIp::OpenDir(*ctx.env, opt.geoip);
    if (!g.ok()) return ctx.Fail(g.status());
    geo = std::move(*g);
  }
  sensors::DarknetOptions dopt;
  dopt.sensor = opt.sensor;
  dopt.prefixes = opt.prefixes;
  dopt.scan_min_destinations = opt.scan_min;
  dopt.scan_min_ports = opt.scan_min;
  dopt.lateness_s = opt.lateness;
  dopt.read_thread = opt.read_thread;
  dopt.doorkeeper_log2_counters = std::bit_width(opt.doorkeeper_kib) - 1 + 10;
  dopt.scanners = ranges.size() > 0 ? &ranges : nullptr;
  dopt.geoip = geo.get();
  CountingSink sink;
  auto analyzer = sensors::DarknetAnalyzer::Create(dopt, &sink);
  if (!analyzer.ok()) return ctx.Fail(analyzer.status());

  uint64_t total = 0;
  for (const std::string& f : opt.files) {
    if (f == "-") continue;
    auto info = ctx.env->Stat(f);
    if (!info.ok()) return ctx.Fail(info.status());
    total += info->size;
  }
  ProgressBar bar(ctx.err, ctx.clock, "darknet", total, ctx.ShowProgress());
  uint64_t done = 0;
  for (const std::string& f : opt.files) {
    std::string path = f == "-" ? "/dev/stdin" : f;
    auto file = ctx.env->OpenSequential(path);
    if (!file.ok()) return ctx.Fail(file.status());
    Status s = (*analyzer)->AddCapture(
        f == "-" ? "(stdin)" : f, std::move(*file),
        [&](uint64_t bytes) { bar.Update(done + bytes, 0); });
    if (!s.ok()) return ctx.Fail(s);
    if (f != "-") {
      auto info = ctx.env->Stat(f);
      if (info.ok()) done += info->size;
    }
  }
  bar.Finish();
  auto report = (*analyzer)->Finish();
  if (!report.ok()) return ctx.Fail(report.status());

  std::string recorded;
  if (opt.record) {
    auto store = ctx.OpenStore();
    if (!store.ok()) return ctx.Fail(store.status());
    store::Directory& dir = (*store)->directory();
    auto caller = ctx.Caller(dir);
    if (!caller.ok()) return ctx.Fail(caller.status());
    if (Status s = CheckMayWriteKnowledge(ctx, dir, *caller, "sensors darknet");
        !s.ok()) {
      return ctx.Fail(s);
    }
    sensors::DarknetKnowledgeOptions kopt;
    kopt.now = ctx.clock->Now();
    kopt.owner_org = caller->org.id;
    auto counts = sensors::RecordDarknetKnowledge(**store, *report, kopt);
    ctx.Audit(dir, *caller, "write",
              fmt::format("sensors darknet {} ({} files)", opt.sensor,
                          opt.files.size()),
              counts.ok() ? fmt::format("ok {} indicators, {} notes",
                                        counts->indicators, counts->notes)
                          : "error: " + counts.status().message());
    if (!counts.ok()) return ctx.Fail(counts.status());
    recorded =
        ctx.json
            ? fmt::format(
                  ",\"recorded\":{{\"indicators\":{},"
                  "\"notes\":{},\"new\":{}}}",
                  counts->indicators, counts->notes, counts->new_objects)
            : fmt::format(
                  fmt::runtime(ctx.lang == Lang::kJa
                                   ? "\n記録: 指標 {}、ノート {}（新規 {}）\n"
                                   : "\nrecorded: {} indicators, {} "
                                     "notes ({} new)\n"),
                  counts->indicators, counts->notes, counts->new_objects);
  }
  if (ctx.json) {
    std::string json = sensors::DarknetReportJson(*report);
    json.pop_back();  // the closing brace
    fmt::print(ctx.out, "{}{}}}\n", json, recorded);
  } else {
    fmt::print(ctx.out, "{}{}",
               sensors::FormatDarknetReport(*report, ctx.lang == Lang::kJa),
               recorded);
  }
  const sensors::DarknetAnomalies& an = report->anomalies;
  bool bad_input =
      an.unreadable_files + an.truncated_files + an.unknown_link_files > 0;
  return bad_input ? kExitInvalid : kExitOk;
}

}  // namespace

void AddSensorsDarknetCommand(CLI::App& sensors, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<DarknetCommandOptions>();
  CLI::App* cmd = sensors.add_subcommand(
      "darknet",
      "Analyse darknet (unused address space) captures, pcap or pcapng: "
      "scanners, Mirai-infected hosts, DoS victims from backscatter, per-port "
      "time series");
  cmd->add_option("FILE", opt->files, "captures to read; - for stdin")
      ->required();
  cmd->add_option("--sensor", opt->sensor, "sensor name in the series")
      ->capture_default_str();
  cmd->add_option("--prefix", opt->prefixes,
                  "the darknet's own prefix (CIDR), repeatable; default: "
                  "every destination, size estimated");
  cmd->add_option("--scanners", opt->scanners,
                  "research-scanner ranges: a MISP warninglist JSON or "
                  "\"CIDR NAME\" lines, repeatable")
      ->check(CLI::ExistingFile);
  cmd->add_option("--geoip", opt->geoip,
                  "folder with MaxMind-format *Country*.mmdb / *ASN*.mmdb")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--scan-threshold", opt->scan_min,
                  "distinct destinations (or ports) that make a SYN scanner")
      ->capture_default_str();
  cmd->add_option("--lateness", opt->lateness,
                  "seconds an out-of-order packet may lag and still be "
                  "bucketed")
      ->capture_default_str();
  cmd->add_option("--doorkeeper-kib", opt->doorkeeper_kib,
                  "KiB of 8-bit counters in front of the source tables, a "
                  "power of two (512 suits about a million distinct sources "
                  "per capture; more for a larger darknet)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 20))
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            uint32_t n = static_cast<uint32_t>(std::stoul(v));
            return std::has_single_bit(n) ? "" : "must be a power of two";
          },
          "POWER OF 2"));
  // Measured on 2 idle cores: 20 M packets in 1.8 s instead of 3.3 s
  // (docs/benchmarks.md, "Darknet analysis").
  opt->read_thread = std::thread::hardware_concurrency() >= 2;
  cmd->add_flag("--read-thread,!--no-read-thread", opt->read_thread,
                "read and decode on a second thread (same results; default "
                "with two or more cores)");
  cmd->add_flag("--record", opt->record,
                "store Mirai-host indicators and a note in the knowledge "
                "store (--db)");
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunDarknet(ctx, *opt); });
}

void AddSensorsCommand(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* sensors = app.add_subcommand(
      "sensors",
      "Sensor data: darknet captures, honeypot logs, their time series and "
      "surge alerts");
  sensors->require_subcommand(1);
  AddSensorsDarknetCommand(*sensors, ctx, exit_code);
  AddSensorsHoneypotCommand(*sensors, ctx, exit_code);
  AddSensorsStatsCommand(*sensors, ctx, exit_code);
  AddSensorsAlertsCommand(*sensors, ctx, exit_code);
}

}  // namespace ncert::cli
