// Fuzz target for the darknet analysis: the input is a capture (pcap or
// pcapng) read through libpcap and decoded by sensors/darknet_decode.cc, with
// the first byte also choosing a few options (the reader thread too).
// Invariants: no crash, no unbounded memory, the report's counts add up
// (packets never exceed the packets read) and render as text and JSON.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "sensors/darknet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto env = ncert::NewMemEnv();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!env->WriteFile("f", bytes).ok()) std::abort();
  ncert::sensors::DarknetOptions opt;
  opt.scanner_capacity = 16;
  opt.victim_capacity = 16;
  opt.top_sources_capacity = 16;
  opt.max_series_ports = 4;
  opt.scan_min_destinations = 2;
  opt.attack_min_packets = 2;
  opt.attack_min_seconds = 0;
  opt.lateness_s = size > 0 ? data[0] : 0;
  if (size > 0 && (data[0] & 1)) opt.prefixes = {"0.0.0.0/1", "::/0"};
  opt.read_thread = size > 0 && (data[0] & 2);  // both read paths
  ncert::sensors::DiscardingSink sink;
  auto analyzer = ncert::sensors::DarknetAnalyzer::Create(opt, &sink);
  if (!analyzer.ok()) std::abort();
  auto file = env->OpenSequential("f");
  if (!file.ok()) std::abort();
  if (!(*analyzer)->AddCapture("f", std::move(*file)).ok()) std::abort();
  auto report = (*analyzer)->Finish();
  if (!report.ok()) std::abort();
  uint64_t read = 0;
  for (const auto& in : report->inputs) read += in.packets;
  if (report->packets > read) std::abort();
  if (report->syn + report->backscatter > report->packets) std::abort();
  (void)ncert::sensors::FormatDarknetReport(*report, true);
  (void)ncert::sensors::DarknetReportJson(*report);
  return 0;
}
