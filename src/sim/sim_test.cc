// Tests of the simulator: the generator, scenario files, determinism, the
// validity of every STIX output, ground truth against the outputs, and
// memory staying bounded at a larger scale. Run from the project root.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/env.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/sink.h"
#include "sim/world.h"
#include "stix/reader.h"

namespace ncert::sim {
namespace {

using ::testing::HasSubstr;

Scenario Load(const std::string& name) {
  auto env = NewPosixEnv();
  auto sc = LoadScenario(*env, "sim/scenarios/" + name + ".toml");
  EXPECT_TRUE(sc.ok()) << sc.status().ToString();
  return sc.ok() ? *sc : Scenario{};
}

struct Played {
  RunSummary summary;
  std::map<std::string, std::string> files;
};

Played Play(const std::string& name, uint64_t seed, double scale) {
  MemOutputDir dir;
  RunOptions o;
  o.seed = seed;
  o.scale = scale;
  auto s = RunScenario(Load(name), dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return {s.ok() ? *s : RunSummary{}, dir.files()};
}

uint32_t Ip(std::string_view text) {
  auto c = ParseCidr(std::string(text) + "/32");
  return c.ok() ? c->first : 0;
}

// ---- the pcap, read back ----

struct Packet {
  int64_t t_us;
  uint32_t src, dst;
  uint16_t sport, dport;
  uint32_t seq;
  uint8_t flags;
  bool checksums_ok;
};

uint16_t Be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t Be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[3]) << 24 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[1]) << 8 | p[0];
}
uint16_t Checksum(const uint8_t* p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

std::vector<Packet> ReadPcap(const std::string& data) {
  std::vector<Packet> out;
  const auto* d = reinterpret_cast<const uint8_t*>(data.data());
  EXPECT_GE(data.size(), 24u);
  EXPECT_EQ(Le32(d), 0xa1b2c3d4u);
  EXPECT_EQ(Le32(d + 20), 1u);  // Ethernet
  size_t off = 24;
  while (off + 16 <= data.size()) {
    uint32_t len = Le32(d + off + 8);
    const uint8_t* e = d + off + 16;
    EXPECT_LE(off + 16 + len, data.size());
    Packet p;
    p.t_us = static_cast<int64_t>(Le32(d + off)) * 1000000 + Le32(d + off + 4);
    const uint8_t* ip = e + 14;
    const uint8_t* tcp = ip + 20;
    p.src = Be32(ip + 12);
    p.dst = Be32(ip + 16);
    p.sport = Be16(tcp);
    p.dport = Be16(tcp + 2);
    p.seq = Be32(tcp + 4);
    p.flags = tcp[13];
    uint32_t pseudo = (p.src >> 16) + (p.src & 0xffff) + (p.dst >> 16) +
                      (p.dst & 0xffff) + 6 + 20;
    p.checksums_ok = Be16(e + 12) == 0x0800 && Checksum(ip, 20, 0) == 0 &&
                     Checksum(tcp, 20, pseudo) == 0;
    out.push_back(p);
    off += 16 + len;
  }
  EXPECT_EQ(off, data.size());
  return out;
}

// ---- memory: first, so the peak RSS is this test's own ----

TEST(SimScale, PcapOf200MbKeepsMemoryBounded) {
  std::string dir = testing::TempDir() + "/sim_scale";
  std::filesystem::remove_all(dir);
  auto out = NewPosixOutputDir(dir);
  RunOptions o;
#if defined(__SANITIZE_ADDRESS__)
  o.scale = 1;  // the sanitizers make it slow and use their own memory
#else
  o.scale = 7;
#endif
  auto s = RunScenario(Load("iot-surge"), *out, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  struct rusage ru;
  ASSERT_EQ(getrusage(RUSAGE_SELF, &ru), 0);
  double peak_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;
  std::printf("pcap %.0f MB, %lld packets, peak RSS %.1f MB\n",
              static_cast<double>(s->pcap_bytes) / 1e6,
              static_cast<long long>(s->packets), peak_mb);
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_GE(s->pcap_bytes, 200u * 1000 * 1000);
  EXPECT_LT(peak_mb, 100.0);
#endif
  EXPECT_EQ(std::filesystem::file_size(dir + "/sensors/darknet.pcap"),
            s->pcap_bytes);
  std::filesystem::remove_all(dir);
}

// ---- the generator ----

TEST(SimRng, SameSeedSameNumbersAndKnownFirstValue) {
  Rng a(42), b(42), c(43);
  std::vector<uint64_t> va, vb, vc;
  for (int i = 0; i < 100; ++i) {
    va.push_back(a.Next());
    vb.push_back(b.Next());
    vc.push_back(c.Next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
  // splitmix64(0)'s first output is a published constant.
  uint64_t x = 0;
  EXPECT_EQ(Rng::SplitMix64(&x), 0xe220a8397b1dcdafull);
}

TEST(SimRng, BelowIsInRangeAndRoughlyUniform) {
  Rng r(7);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = r.Below(10);
    ASSERT_LT(v, 10u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) sum += r.Exponential(90);
  EXPECT_NEAR(sum / 100000, 90, 2);
}

TEST(SimRng, ForkDependsOnNameNotOnDraws) {
  Rng a(5), b(5);
  for (int i = 0; i < 10; ++i) b.Next();
  EXPECT_EQ(a.Fork("pcap").Next(), b.Fork("pcap").Next());
  EXPECT_NE(a.Fork("pcap").Next(), a.Fork("sysmon").Next());
}

// ---- scenario files ----

TEST(SimScenario, AllShippedScenariosParse) {
  auto env = NewPosixEnv();
  auto list = ListScenarios(*env, "sim/scenarios");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  std::set<std::string> names;
  for (const auto& s : *list) {
    names.insert(s.name);
    EXPECT_FALSE(s.title_ja.empty()) << s.name;
  }
  EXPECT_TRUE(names.count("supply-chain"));
  EXPECT_TRUE(names.count("iot-surge"));
  EXPECT_TRUE(names.count("hospital-ransomware"));
}

TEST(SimScenario, ErrorsNameFileLineAndColumn) {
  const std::string head =
      "[scenario]\nname = \"x\"\ntitle = \"t\"\ntitle_ja = \"t\"\nstart = "
      "\"2026-01-01T00:00:00Z\"\n"
      "hours = 4\n[threat]\nactor = \"a\"\nmalware = \"m\"\n";
  struct Case {
    std::string text, want;
  } cases[] = {
      {head +
           "[[event]]\nat = 1\naction = \"phishing_wave\"\ntargetz = \"s\"\n",
       "f.toml:13:1: unknown key 'targetz'"},
      {head + "[[event]]\nat = 1\naction = \"explode\"\n",
       "f.toml:12:10: unknown action 'explode'"},
      {head + "[[event]]\nat = 9\naction = \"news\"\ntopic = \"iot\"\n",
       "f.toml:11:6: 'at' must be a number from 0 to 4"},
      {head + "[[event]]\nat = 1\naction = \"ransomware\"\norg = \"nobody\"\n",
       "f.toml:13:7: 'nobody' is no [[world.org]] id"},
      {head + "[world]\ndarknet = \"10.0.0.0/33\"\n",
       "f.toml:11:11: 'darknet' must be an IPv4 CIDR"},
      {head + "[[world.org]]\nid = \"a\"\nsector = \"space\"\n",
       "f.toml:12:10: unknown sector 'space'"},
      {head + "[[partner]]\nid = \"p\"\nname = \"P\"\ntlp = \"TLP:PURPLE\"\n",
       "f.toml:13:7: unknown TLP 'TLP:PURPLE'"},
      {"[scenario]\nname = \"x\"\ntitle = \n", "f.toml:3:"},
      {"[scenario]\nname = \"x\"\ntitle = \"t\"\ntitle_ja = \"t\"\nstart = "
       "\"2026-02-30T00:00:00Z\"\n",
       "f.toml:5:9: 'start' must be an RFC 3339 UTC timestamp"},
  };
  for (const Case& c : cases) {
    auto r = ParseScenario(c.text, "f.toml");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(c.want)) << c.text;
  }
}

// ---- determinism ----

TEST(SimDeterminism, SameSeedSameBytesOtherSeedOtherBytes) {
  for (const char* name :
       {"supply-chain", "iot-surge", "hospital-ransomware"}) {
    Played a = Play(name, 11, 0.2);
    Played b = Play(name, 11, 0.2);
    Played c = Play(name, 12, 0.2);
    ASSERT_FALSE(a.files.empty());
    EXPECT_EQ(a.files.size(), b.files.size());
    for (const auto& [path, bytes] : a.files) {
      EXPECT_TRUE(b.files[path] == bytes)
          << name << ": " << path << " differs between runs";
    }
    int differing = 0;
    for (const auto& [path, bytes] : a.files)
      differing += c.files[path] != bytes;
    EXPECT_GT(differing, static_cast<int>(a.files.size()) / 2) << name;
  }
}

// ---- validity ----

TEST(SimStix, EveryBundleValidatesWithoutErrorsOrWarnings) {
  for (const char* name :
       {"supply-chain", "iot-surge", "hospital-ransomware"}) {
    for (uint64_t seed : {1, 2}) {
      Played run = Play(name, seed, 0.1);
      auto env = NewMemEnv();
      stix::StixReader reader(*env, stix::ReaderOptions{});
      int bundles = 0;
      std::set<std::string> types;
      for (const auto& [path, bytes] : run.files) {
        if (path.rfind("stix/", 0) != 0) continue;
        ++bundles;
        Status s = reader.ReadBuffer(path, bytes, [&](stix::ReadUnit&& u) {
          for (const auto& i : u.issues) {
            ADD_FAILURE() << u.where.Format(i.pointer) << ": " << i.rule << ": "
                          << i.message;
          }
          if (u.object) types.insert(u.object->type);
        });
        ASSERT_TRUE(s.ok());
      }
      EXPECT_GE(bundles, 2) << name;
      EXPECT_EQ(reader.stats().rejected, 0);
      EXPECT_EQ(reader.stats().warnings, 0);
      for (const char* t :
           {"identity", "marking-definition", "indicator", "malware",
            "threat-actor", "attack-pattern", "relationship", "report"}) {
        EXPECT_TRUE(types.count(t)) << name << " has no " << t;
      }
    }
  }
}

TEST(SimOutputs, EveryJsonLineParsesAndCycloneDxIsWellFormed) {
  for (const char* name : {"supply-chain", "iot-surge"}) {
    Played run = Play(name, 3, 0.1);
    simdjson::dom::parser parser;
    for (const auto& [path, bytes] : run.files) {
      bool ndjson = path.find(".ndjson") != std::string::npos ||
                    path.find(".log") != std::string::npos ||
                    path == "network/eve.json" ||
                    path.rfind("sensors/", 0) == 0;
      if (path.find(".pcap") != std::string::npos) continue;
      if (ndjson) {
        size_t start = 0;
        int line = 0;
        while (start < bytes.size()) {
          size_t end = bytes.find('\n', start);
          ++line;
          simdjson::dom::element el;
          ASSERT_EQ(parser.parse(bytes.substr(start, end - start)).get(el),
                    simdjson::SUCCESS)
              << path << ":" << line;
          start = end + 1;
        }
      } else if (path.find(".xml") == std::string::npos) {
        simdjson::dom::element el;
        ASSERT_EQ(parser.parse(bytes).get(el), simdjson::SUCCESS) << path;
        if (path.rfind("sbom/", 0) == 0) {
          std::string_view format, version;
          EXPECT_EQ(el["bomFormat"].get(format), simdjson::SUCCESS);
          EXPECT_EQ(format, "CycloneDX");
          EXPECT_EQ(el["specVersion"].get(version), simdjson::SUCCESS);
          EXPECT_EQ(version, "1.5");
        }
      }
    }
    if (std::string(name) == "iot-surge") {
      const std::string& xml = run.files["scans/nmap.xml"];
      EXPECT_THAT(xml, HasSubstr("<nmaprun scanner=\"nmap\""));
      EXPECT_THAT(xml, HasSubstr("</nmaprun>"));
    }
  }
}

// ---- ground truth against the outputs ----

TEST(SimTruth, PlantedInfectionsAppearInSysmonAndNetworkLogs) {
  Played run = Play("supply-chain", 1, 0.2);
  simdjson::dom::parser parser;
  simdjson::dom::element gt;
  ASSERT_EQ(parser.parse(run.files["ground_truth.json"]).get(gt),
            simdjson::SUCCESS);
  simdjson::dom::array infected;
  ASSERT_EQ(gt["infected_hosts"].get(infected), simdjson::SUCCESS);
  ASSERT_GT(infected.size(), 3u);
  EXPECT_EQ(run.summary.infected_hosts, static_cast<int64_t>(infected.size()));
  const std::string& sysmon = run.files["endpoint/sysmon.ndjson"];
  const std::string& eve = run.files["network/eve.json"];
  const std::string& conn = run.files["network/zeek/conn.log"];
  int checked = 0;
  for (simdjson::dom::element h : infected) {
    std::string_view fqdn, ip, via;
    ASSERT_EQ(h["fqdn"].get(fqdn), simdjson::SUCCESS);
    ASSERT_EQ(h["ip"].get(ip), simdjson::SUCCESS);
    ASSERT_EQ(h["via"].get(via), simdjson::SUCCESS);
    if (via == "ransomware") continue;
    std::string host = "\"Hostname\":\"" + std::string(fqdn) + "\"";
    EXPECT_THAT(
        sysmon,
        HasSubstr(host + ",\"SourceName\":\"Microsoft-Windows-Sysmon\""));
    // Its regsvr32 loader and its C2 traffic.
    size_t p = sysmon.find(host);
    bool loader = false;
    while (p != std::string::npos && !loader) {
      size_t e = sysmon.find('\n', p);
      loader =
          sysmon.substr(p, e - p).find("regsvr32.exe /s") != std::string::npos;
      p = sysmon.find(host, e);
    }
    EXPECT_TRUE(loader) << fqdn;
    EXPECT_THAT(eve, HasSubstr("\"src_ip\":\"" + std::string(ip) + "\""));
    EXPECT_THAT(conn, HasSubstr("\"id.orig_h\":\"" + std::string(ip) + "\""));
    ++checked;
  }
  EXPECT_GT(checked, 3);
  // Every truth line points at a record that names the host it labels.
  const std::string& truth = run.files["truth/sysmon.ndjson"];
  std::vector<size_t> starts = {0};
  for (size_t i = 0; i < sysmon.size(); ++i) {
    if (sysmon[i] == '\n') starts.push_back(i + 1);
  }
  size_t pos = 0;
  int lines = 0;
  while (pos < truth.size()) {
    size_t end = truth.find('\n', pos);
    simdjson::dom::element t;
    ASSERT_EQ(parser.parse(truth.substr(pos, end - pos)).get(t),
              simdjson::SUCCESS);
    int64_t line;
    std::string_view host;
    ASSERT_EQ(t["line"].get(line), simdjson::SUCCESS);
    ASSERT_EQ(t["host"].get(host), simdjson::SUCCESS);
    ASSERT_LT(static_cast<size_t>(line), starts.size());
    std::string record =
        sysmon.substr(starts[line - 1], starts[line] - starts[line - 1]);
    EXPECT_THAT(record, HasSubstr(std::string(host))) << "truth line " << line;
    pos = end + 1;
    ++lines;
  }
  EXPECT_GT(lines, 20);
  EXPECT_GT(run.summary.encrypted_hosts, 0);
}

TEST(SimTruth, SurgeShowsInThePcapCountsAndMiraiFingerprint) {
  Played run = Play("iot-surge", 1, 1.0);
  ASSERT_TRUE(run.summary.surge_start.has_value());
  const int64_t surge = run.summary.surge_start->micros;
  const int64_t hour = 3600LL * 1000000;
  std::vector<Packet> packets = ReadPcap(run.files["sensors/darknet.pcap"]);
  ASSERT_EQ(static_cast<int64_t>(packets.size()), run.summary.packets);
  // Baseline: the three hours before the event; surge: three hours after
  // the ramp (2 hours).
  int64_t base = 0, after = 0, mirai = 0, fingerprinted = 0, backscatter = 0;
  int64_t prev = 0;
  std::set<uint32_t> bot_sources;
  for (const Packet& p : packets) {
    ASSERT_TRUE(p.checksums_ok);
    ASSERT_GE(p.t_us, prev);  // time order
    prev = p.t_us;
    bool syn = p.flags == 0x02;
    if (syn && p.dport == 23) {
      if (p.t_us >= surge - 3 * hour && p.t_us < surge) ++base;
      if (p.t_us >= surge + 2 * hour && p.t_us < surge + 5 * hour) ++after;
    }
    if (syn && (p.dport == 23 || p.dport == 2323)) {
      ++mirai;
      if (p.seq == p.dst) {
        ++fingerprinted;
        bot_sources.insert(p.src);
      }
    }
    if (p.flags == 0x12 || p.flags == 0x14) ++backscatter;
  }
  std::printf(
      "23/TCP SYNs: %lld in the 3 h before, %lld in 3 h after the ramp\n",
      static_cast<long long>(base), static_cast<long long>(after));
  ASSERT_GT(base, 100);
  EXPECT_GE(after, 8 * base);
  EXPECT_GT(fingerprinted, mirai * 8 / 10);
  EXPECT_GT(backscatter, 0);
  // Every Mirai-fingerprinted source is an infected device of the truth.
  simdjson::dom::parser parser;
  simdjson::dom::element gt;
  ASSERT_EQ(parser.parse(run.files["ground_truth.json"]).get(gt),
            simdjson::SUCCESS);
  std::set<uint32_t> truth_bots;
  for (simdjson::dom::element b : gt["infected_devices"].get_array()) {
    std::string_view ip;
    ASSERT_EQ(b["ip"].get(ip), simdjson::SUCCESS);
    truth_bots.insert(Ip(ip));
  }
  EXPECT_EQ(static_cast<int64_t>(truth_bots.size()),
            run.summary.infected_devices);
  for (uint32_t src : bot_sources)
    EXPECT_TRUE(truth_bots.count(src)) << FormatIpv4(src);
  // The per-minute truth agrees with the packets.
  const std::string& counts = run.files["truth/darknet.ndjson"];
  int64_t total = 0;
  size_t pos = 0;
  while (pos < counts.size()) {
    size_t end = counts.find('\n', pos);
    simdjson::dom::element m;
    ASSERT_EQ(parser.parse(counts.substr(pos, end - pos)).get(m),
              simdjson::SUCCESS);
    int64_t n;
    ASSERT_EQ(m["packets"].get(n), simdjson::SUCCESS);
    total += n;
    pos = end + 1;
  }
  EXPECT_EQ(total, static_cast<int64_t>(packets.size()));
}

TEST(SimTruth, IndicatorsInTruthMatchTheBundles) {
  Played run = Play("supply-chain", 4, 0.1);
  simdjson::dom::parser parser;
  simdjson::dom::element gt;
  ASSERT_EQ(parser.parse(run.files["ground_truth.json"]).get(gt),
            simdjson::SUCCESS);
  int64_t n = 0, fp = 0;
  for (simdjson::dom::element i : gt["indicators"].get_array()) {
    std::string_view partner, id, value;
    bool malicious;
    ASSERT_EQ(i["partner"].get(partner), simdjson::SUCCESS);
    ASSERT_EQ(i["indicator"].get(id), simdjson::SUCCESS);
    ASSERT_EQ(i["value"].get(value), simdjson::SUCCESS);
    ASSERT_EQ(i["malicious"].get(malicious), simdjson::SUCCESS);
    const std::string& bundle =
        run.files["stix/" + std::string(partner) + ".json"];
    EXPECT_THAT(bundle, HasSubstr(std::string(id)));
    EXPECT_THAT(bundle, HasSubstr(std::string(value)));
    ++n;
    fp += !malicious;
  }
  EXPECT_EQ(n, run.summary.indicators);
  EXPECT_EQ(fp, run.summary.false_positive_indicators);
  EXPECT_GT(fp, 0);
}

}  // namespace
}  // namespace ncert::sim
