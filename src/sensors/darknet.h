// Darknet (network telescope) analysis: reads pcap/pcapng captures of
// traffic to unused addresses and tells who scans for what, which sources
// carry the Mirai fingerprint, and which hosts are under denial of service
// (from their backscatter). Writes per-port time series at 5-minute, 1-hour
// and 1-day resolution to a SeriesSink and returns a DarknetReport.
// docs/sensors.md ("Darknet") explains each analysis and its references.
//
// Memory is bounded by the options (sketch sizes, table capacities, the
// number of per-port series, the lateness window), never by the input size.
//
// Thread safety: a DarknetAnalyzer is used by one thread; the report is a
// value. With `read_thread`, AddCapture runs a reader thread of its own for
// the capture's duration (joined before it returns); the sink and the
// progress callback are only ever called from the caller's thread.
#ifndef NCERT_SENSORS_DARKNET_H_
#define NCERT_SENSORS_DARKNET_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "core/time.h"
#include "sensors/darknet_enrich.h"
#include "sensors/series.h"

namespace ncert::sensors {

struct DarknetOptions {
  std::string sensor = "darknet";  // SeriesKey::sensor
  // The darknet's own prefixes ("203.0.113.0/24"). Packets to other
  // destinations are counted and left out. Empty: every packet is read as
  // darknet traffic and the monitored size is taken as the number of
  // distinct destinations seen (a lower bound, flagged in the report).
  std::vector<std::string> prefixes;
  // A source is a SYN scanner when its SYNs without ACK reach at least this
  // many distinct destinations, or this many distinct ports on them.
  uint32_t scan_min_destinations = 100;
  uint32_t scan_min_ports = 100;
  // Backscatter attacks after Moore et al. 2006: packets of one victim
  // separated by less than `attack_timeout_s` form one attack; an attack is
  // reported when it has at least `attack_min_packets` packets, lasts at
  // least `attack_min_seconds` and reached `attack_min_destinations`
  // darknet addresses.
  int64_t attack_timeout_s = 300;
  uint64_t attack_min_packets = 25;
  int64_t attack_min_seconds = 60;
  uint32_t attack_min_destinations = 2;
  // Out-of-order packets up to this much older than the newest one seen
  // still land in their 5-minute bucket; older ones are counted as late and
  // left out of the series (not out of the totals and detections).
  int64_t lateness_s = 300;
  // Sizes: HLL precision of the totals and of each series bucket; tracked
  // sources per table; distinct port/protocol series (the rest: "other").
  int hll_precision = 14;
  int series_hll_precision = 12;
  size_t top_sources_capacity = 1024;
  size_t top_ports_capacity = 1024;  // unused: ports are counted exactly
  size_t scanner_capacity = 8192;
  size_t victim_capacity = 4096;
  size_t max_series_ports = 256;
  size_t max_attacks = 100000;
  size_t report_top = 20;  // rows per list in the report
  // The source doorkeeper in front of the three source tables: 2^this
  // 8-bit counters (19: 512 KiB, for about a million distinct sources; a
  // smaller one only refuses fewer one-packet sources, the tables' bounds
  // hold at any size). docs/sensors.md, "Source doorkeeper".
  int doorkeeper_log2_counters = 19;
  // Read (libpcap, decode, hash) on a second thread while the calling one
  // analyses. The same results; more CPU time in all (the batches cross
  // cores), less wall-clock time only on an idle second core.
  // docs/sensors.md, "Reading".
  bool read_thread = false;
  // Enrichment (optional, not owned).
  const ScannerRanges* scanners = nullptr;
  const GeoIp* geoip = nullptr;
};

// One row of the Mirai variant table (darknet.cc, with its references).
struct MiraiPortInfo {
  uint16_t port;
  const char* family;  // "Mirai (classic)", "Satori", ...
  const char* target;  // what listens there
};
const std::vector<MiraiPortInfo>& MiraiPortTable();

struct PortStat {
  std::string port;  // "23/tcp", "53/udp", "icmp"
  uint64_t packets = 0;
  uint64_t error = 0;  // space-saving: packets - error <= true count
  double sources = 0;  // distinct sources (HLL), when a series tracks it
  const MiraiPortInfo* mirai = nullptr;
};

struct SourceStat {
  std::string ip;
  uint64_t packets = 0;
  uint64_t error = 0;
  std::string research;  // research scanner name, "" when not listed
  GeoInfo geo;
};

struct ScannerStat {
  std::string ip;
  uint64_t syns = 0;  // SYNs without ACK while tracked
  double destinations = 0;
  double ports = 0;
  std::vector<uint16_t> top_ports;  // up to 8, most probed first
  Timestamp first, last;
  bool mirai = false;
  std::string research;
  GeoInfo geo;
};

struct MiraiHost {
  std::string ip;
  uint64_t fingerprinted = 0;  // SYNs with seq == destination address
  uint64_t syns = 0;
  std::vector<uint16_t> ports;  // fingerprinted destination ports
  std::string variant;          // from the port table
  int confidence = 0;           // 0..100 (docs/sensors.md)
  Timestamp first, last;
  GeoInfo geo;
};

struct DosAttack {
  std::string victim;
  Timestamp start, end;
  uint64_t packets = 0;
  double destinations = 0;  // darknet addresses reached
  uint64_t syn_ack = 0, rst = 0, icmp = 0;
  double observed_pps = 0;   // packets / duration at the darknet
  double estimated_pps = 0;  // scaled by 2^32 (2^128 for IPv6) / monitored
  GeoInfo geo;
};

struct ResearchStat {
  std::string name;
  uint64_t packets = 0;
  double sources = 0;
};

struct CountStat {
  std::string key;  // "JP", "AS15169 Google Inc."
  uint64_t packets = 0;
};

struct InputStat {
  std::string file;
  std::string link_type;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  std::string problem;  // "" when read to the end
};

struct DarknetAnomalies {
  uint64_t unreadable_files = 0;    // not a capture
  uint64_t truncated_files = 0;     // stopped early (truncated, 2nd link type)
  uint64_t unknown_link_files = 0;  // skipped
  uint64_t short_link = 0, short_ip = 0, short_l4 = 0;
  uint64_t non_ip = 0, fragments = 0, other_l4 = 0;
  uint64_t out_of_order = 0;  // timestamp before the previous packet's
  uint64_t late_for_series = 0;
  uint64_t outside_prefix = 0;
};

struct DarknetReport {
  std::string sensor;
  std::vector<std::string> prefixes;
  double monitored_addresses = 0;
  bool monitored_estimated = false;  // no --prefix: distinct destinations
  Timestamp first, last;
  uint64_t packets = 0, bytes = 0;
  uint64_t tcp = 0, udp = 0, icmp = 0, other = 0;
  uint64_t syn = 0, mirai = 0, backscatter = 0, research_packets = 0;
  double unique_sources = 0, unique_destinations = 0, mirai_sources = 0;
  double hll_relative_error = 0;
  std::vector<PortStat> top_ports;
  std::vector<SourceStat> top_sources;
  std::vector<ScannerStat> scanners;
  uint64_t scanners_total = 0;  // before truncation to report_top
  std::vector<MiraiHost> mirai_hosts;
  uint64_t mirai_hosts_total = 0;
  std::vector<DosAttack> attacks;
  uint64_t attacks_total = 0;
  uint64_t attacks_dropped = 0;  // past max_attacks
  std::vector<ResearchStat> research;
  std::vector<CountStat> countries;  // over top sources, by packets
  std::vector<CountStat> ases;
  std::vector<InputStat> inputs;
  DarknetAnomalies anomalies;
  uint64_t series_points = 0;
};

class DarknetAnalyzer {
 public:
  static Result<std::unique_ptr<DarknetAnalyzer>> Create(DarknetOptions options,
                                                         SeriesSink* sink);
  ~DarknetAnalyzer();

  // Reads one capture to its end. Problems inside the capture (truncation,
  // unknown link type, bad packets) are counted in the report and do not
  // fail the call; a Status error is only for the sink failing.
  // `on_progress` (may be empty) gets the bytes read so far in this file.
  Status AddCapture(const std::string& name,
                    std::unique_ptr<SequentialFile> file,
                    const std::function<void(uint64_t)>& on_progress = {});

  // Flushes the open series buckets and builds the report. Call once.
  Result<DarknetReport> Finish();

 private:
  struct State;
  explicit DarknetAnalyzer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Human-readable report (English or Japanese headings) and JSON.
std::string FormatDarknetReport(const DarknetReport& report, bool japanese);
std::string DarknetReportJson(const DarknetReport& report);

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_DARKNET_H_
