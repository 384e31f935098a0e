// Fuzz target for the honeypot log adapter and analysis: any bytes, split
// into lines, each parsed as a Cowrie / Dionaea JSON record and fed to the
// analyzer; then the report, the series and the knowledge are built.
// Invariants checked: a rejected line names a rule and a message; every
// knowledge object the analysis builds from hostile input is valid STIX
// (Knowledge() fails only on a bug); every problem names a rule.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sensors/honeypot.h"
#include "sensors/honeypot_ndjson.h"

namespace {

class NullSink : public ncert::sensors::SeriesSink {
 public:
  ncert::Status Append(const ncert::sensors::SeriesKey&,
                       ncert::sensors::Resolution,
                       std::span<const ncert::sensors::Point> points) override {
    for (const auto& p : points) {
      if (p.value < 0) std::abort();
    }
    return ncert::Status::Ok();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ncert::sensors::HoneypotAnalyzer analyzer(
      ncert::sensors::MiraiCredentials::Default());
  ncert::sensors::HoneypotLineReader reader("fuzz-sensor");
  std::vector<ncert::telemetry::Event> events;
  size_t start = 0;
  uint64_t line_no = 0;
  while (start < input.size() && line_no < 2000) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(start, end - start);
    start = end + 1;
    ++line_no;
    std::string rule, message;
    if (!reader.Parse(line, {0, line_no, 0}, &events, &rule, &message)) {
      if (rule.empty() || message.empty()) std::abort();
      continue;
    }
    for (const auto& e : events) analyzer.Add(e);
  }
  ncert::sensors::HoneypotReport r = analyzer.Report(5);
  for (const auto& p : r.problems) {
    if (p.rule.empty() || p.message.empty()) std::abort();
  }
  NullSink sink;
  if (!analyzer.WriteSeries(sink).ok()) std::abort();
  ncert::sensors::HoneypotKnowledgeOptions ko;
  ko.min_attacker_confidence = 0;
  if (!analyzer.Knowledge(ko).ok()) std::abort();
  return 0;
}
