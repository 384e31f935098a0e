// The darknet analysis with every table row in the report, for comparing
// two builds' tables (bench/darknet_compare.py; docs/benchmarks.md,
// "Darknet analysis"): the same analysis as `ncert sensors darknet
// --prefix PREFIX`, with report_top = 1,000,000 so that every source of the
// top-sources table, every scanner and Mirai host of the scanner table and
// every attack of the victim table is listed, as JSON on stdout.
//
//   darknet_tables [--doorkeeper=LOG2] PREFIX FILE...
//
// --doorkeeper sets DarknetOptions::doorkeeper_log2_counters (the source
// doorkeeper's size, 2^LOG2 counters).

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "core/env.h"
#include "sensors/darknet.h"

int main(int argc, char** argv) {
  ncert::sensors::DarknetOptions opt;
  int first = 1;
  if (argc > 1 && std::strncmp(argv[1], "--doorkeeper=", 13) == 0) {
    opt.doorkeeper_log2_counters = std::atoi(argv[1] + 13);
    ++first;
  }
  if (argc < first + 2) {
    std::fprintf(stderr,
                 "usage: darknet_tables [--doorkeeper=LOG2] PREFIX FILE...\n");
    return 2;
  }
  opt.prefixes = {argv[first]};
  opt.report_top = 1000000;
  ncert::sensors::DiscardingSink sink;
  auto analyzer = ncert::sensors::DarknetAnalyzer::Create(opt, &sink);
  if (!analyzer.ok()) {
    std::fprintf(stderr, "%s\n", analyzer.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<ncert::Env> env = ncert::NewPosixEnv();
  for (int i = first + 1; i < argc; ++i) {
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
