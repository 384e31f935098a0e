// The engine plays a scenario in a world, minute by minute, into files in
// the real formats ncert reads, each with its ground truth (docs/sim.md):
//
//   stix/<partner>.json         STIX 2.1 bundles, one per partner, TLP 2.0
//   sensors/darknet.pcap        Ethernet/IPv4/TCP, libpcap format
//   sensors/cowrie.json         Cowrie JSON log (one event per line)
//   sensors/dionaea.json        Dionaea JSON log
//   endpoint/sysmon.ndjson      Sysmon / Windows events, flat JSON
//   network/eve.json            Suricata EVE JSON
//   network/zeek/{conn,dns,http}.log   Zeek JSON logs
//   scans/masscan.json, scans/nmap.xml IoT survey results
//   sbom/<org>-<product>.cdx.json     CycloneDX 1.5
//   osint/posts.ndjson, osint/news.ndjson   Japanese and English
//   reports/incidents.json, reports/damage.json
//   truth/*.ndjson, ground_truth.json, manifest.json
//
// Output is streamed: each log holds only the current simulated minute in
// memory and the pcap writer none, so memory is bounded by the world and one
// minute of events, never by --scale. The same scenario, seed and scale give
// the same bytes.
//
// Thread safety: RunScenario is a pure function of its arguments; run one
// per OutputDir.
#ifndef NCERT_SIM_ENGINE_H_
#define NCERT_SIM_ENGINE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "sim/scenario.h"
#include "sim/sink.h"

namespace ncert::sim {

struct RunOptions {
  uint64_t seed = 1;
  double scale = 1.0;  // multiplies every background and telemetry rate
  // Called now and then with the fraction of simulated time played.
  std::function<void(double fraction, int64_t records)> on_progress;
};

struct OutputFile {
  std::string path;     // relative to the output folder
  std::string format;   // "stix-bundle", "pcap", "cowrie", ...
  int64_t records = 0;  // objects, lines or packets
  uint64_t bytes = 0;
  int64_t malicious = 0;  // records the ground truth marks as the attack's
  std::string truth;      // its truth file ("" when in ground_truth.json)
};

struct RunSummary {
  std::string scenario;
  uint64_t seed = 0;
  double scale = 1;
  Timestamp start, end;
  std::vector<OutputFile> files;
  int64_t records = 0;  // all lines, objects and packets
  int64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t pcap_bytes = 0;
  // Ground truth highlights, for people.
  std::vector<std::string> sectors_hit;  // sector ids, sorted
  std::vector<std::string> orgs_hit;     // names, in order of first infection
  int64_t infected_hosts = 0;
  int64_t infected_devices = 0;
  int64_t encrypted_hosts = 0;
  std::string patient_zero;  // first infected host
  std::optional<Timestamp> first_infection;
  std::optional<Timestamp> surge_start;
  double surge_factor = 0;
  int64_t indicators = 0, false_positive_indicators = 0;
};

Result<RunSummary> RunScenario(const Scenario& scenario, OutputDir& out,
                               const RunOptions& options);

}  // namespace ncert::sim

#endif  // NCERT_SIM_ENGINE_H_
