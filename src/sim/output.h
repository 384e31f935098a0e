// Internal to sim/: the building blocks the engine writes with. A JSON
// builder, a per-minute sorted line output with its truth file, the pcap
// writer, the state the engine's play leaves for the end-of-run writers
// (STIX, scans, SBOMs, reports, posts), and those writers.
//
// Thread safety: one thread (the engine's).
#ifndef NCERT_SIM_OUTPUT_H_
#define NCERT_SIM_OUTPUT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/sink.h"
#include "sim/world.h"

namespace ncert::sim::internal {

// Builds one JSON object member by member, in the order given.
class Json {
 public:
  Json& Str(std::string_view key, std::string_view value);
  Json& Int(std::string_view key, int64_t value);
  Json& Num(std::string_view key, double value, int decimals);
  Json& Bool(std::string_view key, bool value);
  Json& Raw(std::string_view key, std::string_view json);
  Json& StrList(std::string_view key, const std::vector<std::string>& values);
  std::string Done() {
    s_ += '}';
    return std::move(s_);
  }

 private:
  void Key(std::string_view key);
  std::string s_ = "{";
};

// Time formats of the outputs.
std::string Rfc3339(int64_t micros, int digits = 3);  // "...T..:..:..123Z"
std::string EveTime(int64_t micros);    // "2026-02-02T09:13:05.123456+0000"
std::string ZeekTime(int64_t micros);   // "1770000000.123456"
std::string SysmonUtc(int64_t micros);  // "2026-02-02 09:13:05.123"

// A line-oriented output (NDJSON, Zeek JSON): records of the current minute
// are collected, sorted by time (stable) and written by Flush(); a record
// with a truth label also gets a line in truth/<name>.ndjson:
// {"line":N,<label members>}. The files are created at the first record.
class LineOutput {
 public:
  LineOutput(OutputDir& dir, std::string path, std::string format,
             std::string truth_path)
      : dir_(dir),
        path_(std::move(path)),
        format_(std::move(format)),
        truth_path_(std::move(truth_path)) {}
  // `truth`: JSON members without braces ("\"label\":\"malicious\",...")
  // or empty for a benign record.
  void Add(int64_t t_us, std::string line, std::string truth = {});
  Status Flush();
  Status Close();
  OutputFile Info() const;
  int64_t records() const { return records_; }

 private:
  struct Rec {
    int64_t t;
    std::string line, truth;
  };
  OutputDir& dir_;
  std::string path_, format_, truth_path_;
  std::unique_ptr<FileSink> sink_, truth_sink_;
  std::vector<Rec> pending_;
  std::string buf_;
  int64_t records_ = 0, malicious_ = 0;
  uint64_t bytes_ = 0;
};

// TCP flags.
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08,
                         kAck = 0x10;

// Classic libpcap file (magic a1b2c3d4, microseconds, LINKTYPE_ETHERNET) of
// 54-byte Ethernet/IPv4/TCP frames with correct IP and TCP checksums.
class PcapOutput {
 public:
  PcapOutput(OutputDir& dir, std::string path)
      : dir_(dir), path_(std::move(path)) {}
  struct Tcp {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags, ttl;
    uint16_t ip_id, window;
  };
  Status Add(int64_t t_us, const Tcp& p);
  Status Close();
  OutputFile Info() const;
  int64_t packets() const { return packets_; }
  uint64_t bytes() const { return sink_ ? sink_->bytes() : bytes_; }

 private:
  OutputDir& dir_;
  std::string path_;
  std::unique_ptr<FileSink> sink_;
  std::string buf_;
  int64_t packets_ = 0;
  uint64_t bytes_ = 0;
};

// What the play left for the end-of-run writers.
struct Infection {
  uint32_t host;
  int64_t t_us;
  std::string via;    // "phishing", "lateral", "vpn", "ransomware"
  int64_t from = -1;  // host index that infected it
};
struct Bot {
  uint32_t host;
  int64_t t_us;
};
struct Incident {
  std::string kind;  // "ransomware", "business_stop", "ddos", "vpn_exploit"
  uint32_t org = 0;
  int64_t t_us = 0, end_us = 0;
  int hosts = 0;                  // hosts encrypted / affected
  int plants = 0;                 // business_stop
  std::vector<uint32_t> victims;  // ddos: victim addresses
};
struct PlayState {
  std::vector<Infection> infections;  // time order
  std::vector<Bot> bots;              // time order
  std::vector<Incident> incidents;
  int64_t first_phish_us = -1;
  int64_t surge_event_us = -1;  // the scan_surge action
  double surge_factor = 0;
  double surge_ramp_hours = 0;
  int64_t end_us = 0;
  // Indicator values seen in the telemetry and when first.
  std::map<std::string, int64_t> first_seen;
};

// A file written whole at the end (small: knowledge, reports).
Status WriteWhole(OutputDir& dir, const std::string& path,
                  std::string_view data, const std::string& format,
                  int64_t records, std::vector<OutputFile>* files);

// One STIX 2.1 bundle per partner; appends the indicators' ground truth
// (JSON objects) to `truth`.
Status WriteStixBundles(const Scenario& sc, const World& w, const PlayState& st,
                        Rng rng, OutputDir& dir, std::vector<OutputFile>* files,
                        std::vector<std::string>* truth, int64_t* indicators,
                        int64_t* false_positives);
// masscan JSON and nmap XML of the ISPs' devices.
Status WriteScans(const Scenario& sc, const World& w, const PlayState& st,
                  Rng rng, OutputDir& dir, std::vector<OutputFile>* files);
// CycloneDX 1.5 SBOMs from the scenario's [[sbom]] entries.
Status WriteSboms(const Scenario& sc, const World& w, Rng rng, OutputDir& dir,
                  std::vector<OutputFile>* files,
                  std::vector<std::string>* truth);
// Incident and damage reports from the incidents.
Status WriteReports(const Scenario& sc, const World& w, const PlayState& st,
                    Rng rng, OutputDir& dir, std::vector<OutputFile>* files);

// Japanese and English text for a topic ("plant_stop", ...): a news item
// or a post, filled in from the world. `variant` picks among templates.
struct Text {
  std::string title, body;
};
Text NewsText(std::string_view topic, bool ja, const Scenario& sc,
              const World& w, const Org* org, uint64_t variant);
std::string PostText(std::string_view topic, bool ja, const Scenario& sc,
                     const World& w, const Org* org, uint64_t variant);
// Every topic NewsText/PostText knows.
bool KnownTopic(std::string_view topic);

}  // namespace ncert::sim::internal

#endif  // NCERT_SIM_OUTPUT_H_
