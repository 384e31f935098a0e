// The darknet analysis with every table row in the report, for comparing
// two builds' tables (bench/darknet_compare.py; docs/benchmarks.md,
// "Darknet analysis"): the same analysis as `ncert sensors darknet
// --prefix PREFIX`, with report_top = 1,000,000 so that every source of the
// top-sources table, every scanner and Mirai host of the scanner table and
// every attack of the victim table is listed, as JSON on stdout.
//
//   darknet_tables PREFIX FILE...

#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "core/env.h"
#include "sensors/darknet.h"

namespace {

class NullSink : public ncert::sensors::SeriesSink {
 public:
  ncert::Status Append(const ncert::sensors::SeriesKey&,
                       ncert::sensors::Resolution,
                       std::span<const ncert::sensors::Point>) override {
    return ncert::Status::Ok();
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: darknet_tables PREFIX FILE...\n");
    return 2;
  }
  ncert::sensors::DarknetOptions opt;
  opt.prefixes = {argv[1]};
  opt.report_top = 1000000;
  NullSink sink;
  auto analyzer = ncert::sensors::DarknetAnalyzer::Create(opt, &sink);
  if (!analyzer.ok()) {
    std::fprintf(stderr, "%s\n", analyzer.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<ncert::Env> env = ncert::NewPosixEnv();
  for (int i = 2; i < argc; ++i) {
    auto file = env->OpenSequential(argv[i]);
    if (!file.ok()) {
      std::fprintf(stderr, "%s\n", file.status().ToString().c_str());
      return 1;
    }
    ncert::Status s = (*analyzer)->AddCapture(argv[i], std::move(*file));
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
  }
  auto report = (*analyzer)->Finish();
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
    return 1;
  }
  std::string json = ncert::sensors::DarknetReportJson(*report);
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}
