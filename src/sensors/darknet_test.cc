// The darknet analysis: generated captures with a known answer (exact SYN,
// Mirai, backscatter counts, N distinct sources checked against the HLL
// bound), every kind of bad input, every link type, real captures from
// ../shared/data/pcap, and the enrichment files in ../shared/data.

#include "sensors/darknet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "sensors/doorkeeper.h"
#include "sensors/pcap_writer.h"

namespace ncert::sensors {
namespace {

using testing::AppendPcapRecord;
using testing::BuildEthernetFrame;
using testing::BuildIpPacket;
using testing::Ip4;
using testing::PacketSpec;
using testing::PcapFileHeader;

// Series kept in memory: the last value per (key, resolution, bucket).
class MemorySink : public SeriesSink {
 public:
  Status Append(const SeriesKey& key, Resolution r,
                std::span<const Point> points) override {
    for (const Point& p : points) {
      points_[{key.metric, key.dimension, static_cast<int>(r)}]
             [p.bucket.micros] = p.value;
    }
    return Status::Ok();
  }
  // metric/dimension/resolution → bucket → value.
  const std::map<int64_t, double>& Get(const std::string& metric,
                                       const std::string& dim, Resolution r) {
    return points_[{metric, dim, static_cast<int>(r)}];
  }
  double Sum(const std::string& metric, const std::string& dim, Resolution r) {
    double s = 0;
    for (auto& [b, v] : Get(metric, dim, r)) s += v;
    return s;
  }

 private:
  std::map<std::tuple<std::string, std::string, int>, std::map<int64_t, double>>
      points_;
};

class DarknetTest : public ::testing::Test {
 protected:
  DarknetReport Run(
      const std::vector<std::pair<std::string, std::string>>& files,
      DarknetOptions opt = {}) {
    auto env = NewMemEnv();
    auto analyzer = DarknetAnalyzer::Create(opt, &sink_);
    EXPECT_TRUE(analyzer.ok()) << analyzer.status().message();
    for (const auto& [name, bytes] : files) {
      EXPECT_TRUE(env->WriteFile(name, bytes).ok());
      auto f = env->OpenSequential(name);
      EXPECT_TRUE(f.ok());
      EXPECT_TRUE((*analyzer)->AddCapture(name, std::move(*f)).ok());
    }
    auto report = (*analyzer)->Finish();
    EXPECT_TRUE(report.ok()) << report.status().message();
    return std::move(*report);
  }
  DarknetReport RunReal(const std::string& path, DarknetOptions opt = {}) {
    auto env = NewPosixEnv();
    auto analyzer = DarknetAnalyzer::Create(opt, &sink_);
    EXPECT_TRUE(analyzer.ok());
    auto f = env->OpenSequential(path);
    EXPECT_TRUE(f.ok()) << path;
    EXPECT_TRUE((*analyzer)->AddCapture(path, std::move(*f)).ok());
    auto report = (*analyzer)->Finish();
    EXPECT_TRUE(report.ok());
    return std::move(*report);
  }
  MemorySink sink_;
};

constexpr int64_t kT0 = 1700000000LL * 1000000;  // 2023-11-14T22:13:20Z

PacketSpec Syn(uint32_t src, uint32_t dst, uint16_t dport, uint32_t seq) {
  PacketSpec p;
  p.src4 = src;
  p.dst4 = dst;
  p.sport = 40000;
  p.dport = dport;
  p.tcp_flags = 0x02;
  p.seq = seq;
  return p;
}

// The known answer: darknet 203.0.113.0/24.
std::string KnownAnswerCapture(uint64_t* total) {
  std::string f = PcapFileHeader(1);
  int64_t t = kT0;
  uint64_t n = 0;
  auto add = [&](const PacketSpec& p, int64_t at) {
    AppendPcapRecord(&f, at, BuildEthernetFrame(p));
    ++n;
  };
  // 1000 distinct sources, one SYN each to 80/tcp (seq 1: not Mirai).
  for (uint32_t i = 0; i < 1000; ++i) {
    add(Syn(Ip4(10, 1, i >> 8, i & 0xff), Ip4(203, 0, 113, i % 256), 80, 1),
        t + i * 1000);
  }
  // A horizontal scanner: 256 destinations on 23/tcp.
  for (uint32_t i = 0; i < 256; ++i) {
    add(Syn(Ip4(198, 51, 100, 1), Ip4(203, 0, 113, i), 23, 7), t + i * 2000);
  }
  // Mirai classic: 40 fingerprinted SYNs to 23 and 2323.
  for (uint32_t i = 0; i < 40; ++i) {
    uint32_t dst = Ip4(203, 0, 113, 10 + i);
    add(Syn(Ip4(192, 0, 2, 10), dst, i % 10 == 0 ? 2323 : 23, dst),
        t + i * 3000);
  }
  // A Satori-style host: 3 fingerprinted SYNs to 37215.
  for (uint32_t i = 0; i < 3; ++i) {
    uint32_t dst = Ip4(203, 0, 113, 100 + i);
    add(Syn(Ip4(192, 0, 2, 11), dst, 37215, dst), t + i * 5000);
  }
  // Backscatter: 50 SYN-ACKs from 100.64.0.5 to 10 darknet addresses over
  // 120 s (an attack), 10 RSTs from .6 (too few), 30 ICMP unreachable from
  // .7 over 100 s to 5 addresses.
  for (uint32_t i = 0; i < 50; ++i) {
    PacketSpec p =
        Syn(Ip4(100, 64, 0, 5), Ip4(203, 0, 113, 200 + i % 10), 0, 9);
    p.sport = 80;
    p.dport = static_cast<uint16_t>(1024 + i);
    p.tcp_flags = 0x12;
    add(p, t + static_cast<int64_t>(i) * 120000000 / 49);
  }
  for (uint32_t i = 0; i < 10; ++i) {
    PacketSpec p = Syn(Ip4(100, 64, 0, 6), Ip4(203, 0, 113, 220 + i), 0, 9);
    p.tcp_flags = 0x04;
    add(p, t + i * 1000000);
  }
  for (uint32_t i = 0; i < 30; ++i) {
    PacketSpec p;
    p.proto = 1;
    p.src4 = Ip4(100, 64, 0, 7);
    p.dst4 = Ip4(203, 0, 113, 240 + i % 5);
    p.icmp_type = 3;
    p.icmp_code = 1;
    add(p, t + static_cast<int64_t>(i) * 100000000 / 29);
  }
  // Five packets to an address outside the darknet.
  for (uint32_t i = 0; i < 5; ++i) {
    add(Syn(Ip4(10, 9, 9, 9), Ip4(8, 8, 8, 8), 443, 1), t + i);
  }
  *total = n;
  return f;
}

TEST_F(DarknetTest, KnownAnswer) {
  uint64_t total = 0;
  std::string capture = KnownAnswerCapture(&total);
  DarknetOptions opt;
  opt.prefixes = {"203.0.113.0/24"};
  DarknetReport r = Run({{"known.pcap", capture}}, opt);
  EXPECT_EQ(r.monitored_addresses, 256);
  EXPECT_EQ(r.anomalies.outside_prefix, 5u);
  EXPECT_EQ(r.packets, total - 5);
  EXPECT_EQ(r.syn, 1000u + 256 + 40 + 3);
  EXPECT_EQ(r.mirai, 43u);
  EXPECT_EQ(r.backscatter, 90u);
  EXPECT_EQ(r.icmp, 30u);
  // 1000 + 1 + 2 + 3 sources: within 3 sigma of the series HLL (p = 12).
  const double n = 1000 + 1 + 2 + 3;
  EXPECT_NEAR(r.unique_sources, n, 3 * r.hll_relative_error * n);
  EXPECT_NEAR(r.unique_destinations, 256, 3 * r.hll_relative_error * 256);

  ASSERT_EQ(r.scanners_total, 1u);
  EXPECT_EQ(r.scanners[0].ip, "198.51.100.1");
  EXPECT_EQ(r.scanners[0].syns, 256u);
  EXPECT_NEAR(r.scanners[0].destinations, 256, 3 * 0.065 * 256);
  EXPECT_THAT(r.scanners[0].top_ports, ::testing::ElementsAre(23));

  ASSERT_EQ(r.mirai_hosts_total, 2u);
  EXPECT_EQ(r.mirai_hosts[0].ip, "192.0.2.10");
  EXPECT_EQ(r.mirai_hosts[0].fingerprinted, 40u);
  EXPECT_THAT(r.mirai_hosts[0].ports, ::testing::ElementsAre(23, 2323));
  EXPECT_EQ(r.mirai_hosts[0].variant, "Mirai (classic)");
  EXPECT_EQ(r.mirai_hosts[0].confidence, 95);
  EXPECT_EQ(r.mirai_hosts[1].ip, "192.0.2.11");
  EXPECT_EQ(r.mirai_hosts[1].variant, "Satori/Okiru");
  EXPECT_EQ(r.mirai_hosts[1].confidence, 70);
  EXPECT_NEAR(r.mirai_sources, 2, 0.01);

  ASSERT_EQ(r.attacks_total, 2u);
  const DosAttack& a = r.attacks[0];
  EXPECT_EQ(a.victim, "100.64.0.5");
  EXPECT_EQ(a.packets, 50u);
  EXPECT_EQ(a.syn_ack, 50u);
  EXPECT_EQ(a.destinations, 10);
  EXPECT_EQ(a.end.micros - a.start.micros, 120000000);
  EXPECT_NEAR(a.observed_pps, 50.0 / 120, 1e-9);
  // Moore et al.: scale by 2^32 / monitored addresses.
  EXPECT_NEAR(a.estimated_pps, 50.0 / 120 * 4294967296.0 / 256, 1e-3);
  EXPECT_EQ(r.attacks[1].victim, "100.64.0.7");
  EXPECT_EQ(r.attacks[1].icmp, 30u);

  EXPECT_EQ(r.top_ports[0].port, "80/tcp");
  EXPECT_EQ(r.top_ports[0].packets, 1000u);
  EXPECT_NEAR(r.top_ports[0].sources, 1000, 3 * r.hll_relative_error * 1000);
  EXPECT_EQ(r.top_sources[0].ip, "198.51.100.1");

  // The series hold every packet at every resolution.
  for (Resolution res : {Resolution::k5m, Resolution::k1h, Resolution::k1d}) {
    EXPECT_EQ(sink_.Sum("packets", "", res), double(total - 5));
    EXPECT_EQ(sink_.Sum("packets", "23/tcp", res), 256 + 36);
    EXPECT_EQ(sink_.Sum("mirai", "", res), 43);
    EXPECT_EQ(sink_.Sum("backscatter", "", res), 90);
  }
  // kT0 is 22:13:20: 5-minute buckets start on the 5 minutes.
  for (auto& [bucket, v] : sink_.Get("packets", "", Resolution::k5m)) {
    EXPECT_EQ(bucket % 300000000, 0);
  }
  EXPECT_EQ(sink_.Get("packets", "", Resolution::k1d).size(), 1u);
  EXPECT_NEAR(
      sink_.Get("unique_sources", "80/tcp", Resolution::k1d).begin()->second,
      1000, 3 * r.hll_relative_error * 1000);

  std::string json = DarknetReportJson(r);
  EXPECT_THAT(json, ::testing::HasSubstr("\"victim\":\"100.64.0.5\""));
  std::string en = FormatDarknetReport(r, false);
  std::string ja = FormatDarknetReport(r, true);
  EXPECT_THAT(en, ::testing::HasSubstr("Mirai (classic)"));
  EXPECT_THAT(ja, ::testing::HasSubstr("DoS 被害推定"));
}

TEST_F(DarknetTest, DoorkeeperSizeIsChecked) {
  DarknetOptions opt;
  for (int log2 : {Doorkeeper::kMinLog2 - 1, Doorkeeper::kMaxLog2 + 1}) {
    opt.doorkeeper_log2_counters = log2;
    auto analyzer = DarknetAnalyzer::Create(opt, &sink_);
    ASSERT_FALSE(analyzer.ok());
    EXPECT_EQ(analyzer.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(DarknetTest, WithoutPrefixTheDarknetSizeIsEstimated) {
  uint64_t total = 0;
  DarknetReport r = Run({{"k.pcap", KnownAnswerCapture(&total)}});
  EXPECT_TRUE(r.monitored_estimated);
  EXPECT_EQ(r.packets, total);
  EXPECT_NEAR(r.monitored_addresses, 257, 3 * r.hll_relative_error * 257);
  EXPECT_NEAR(r.attacks[0].estimated_pps,
              r.attacks[0].observed_pps * 4294967296.0 / r.monitored_addresses,
              1e-6);
}

TEST_F(DarknetTest, OutOfOrderTimestampsLandInTheirBuckets) {
  std::string f = PcapFileHeader(101);  // LINKTYPE_RAW
  auto pkt = BuildIpPacket(Syn(Ip4(10, 0, 0, 1), Ip4(203, 0, 113, 1), 23, 1));
  AppendPcapRecord(&f, kT0 + 1000 * 1000000LL, pkt);  // 22:30:00 bucket
  AppendPcapRecord(&f, kT0 + 700 * 1000000LL, pkt);   // back to 22:25:00
  AppendPcapRecord(&f, kT0 + 5000 * 1000000LL, pkt);  // 23:35:00
  AppendPcapRecord(&f, kT0 + 900 * 1000000LL, pkt);   // 22:25 again: too late
  DarknetReport r = Run({{"ooo.pcap", f}});
  EXPECT_EQ(r.packets, 4u);
  EXPECT_EQ(r.anomalies.out_of_order, 2u);
  EXPECT_EQ(r.anomalies.late_for_series, 1u);
  auto& five = sink_.Get("packets", "", Resolution::k5m);
  std::vector<std::pair<int64_t, double>> got(five.begin(), five.end());
  const int64_t b = (kT0 / 300000000) * 300000000;  // 22:10:00
  EXPECT_THAT(got, ::testing::ElementsAre(
                       std::pair<int64_t, double>{b + 900000000LL, 1},
                       std::pair<int64_t, double>{b + 1200000000LL, 1},
                       std::pair<int64_t, double>{b + 5100000000LL, 1}));
  EXPECT_EQ(r.first.micros, kT0 + 700 * 1000000LL);
}

TEST_F(DarknetTest, BadInputIsCountedAndTheRestIsRead) {
  auto syn = Syn(Ip4(10, 0, 0, 1), Ip4(203, 0, 113, 1), 23, 1);
  std::string eth = BuildEthernetFrame(syn);
  // Truncated: a good record, then half a record.
  std::string truncated = PcapFileHeader(1);
  AppendPcapRecord(&truncated, kT0, eth);
  AppendPcapRecord(&truncated, kT0 + 1, eth);
  truncated.resize(truncated.size() - 20);
  // Snaplen 0 in the header (libpcap reads it as "no limit").
  std::string snap0 = PcapFileHeader(1, 0);
  AppendPcapRecord(&snap0, kT0, eth);
  // Unknown link type (147, USER0).
  std::string user0 = PcapFileHeader(147);
  AppendPcapRecord(&user0, kT0, eth);
  // Packets shorter than their headers.
  std::string shorts = PcapFileHeader(1);
  AppendPcapRecord(&shorts, kT0, eth, 10);                // < Ethernet
  AppendPcapRecord(&shorts, kT0, eth, 14 + 12);           // < IPv4
  AppendPcapRecord(&shorts, kT0, eth, 14 + 20 + 8);       // < TCP
  AppendPcapRecord(&shorts, kT0, std::string(60, '\0'));  // ethertype 0
  DarknetReport r = Run({{"trunc.pcap", truncated},
                         {"snap0.pcap", snap0},
                         {"user0.pcap", user0},
                         {"short.pcap", shorts},
                         {"text.pcap", "this is not a capture"}});
  EXPECT_EQ(r.anomalies.truncated_files, 1u);
  EXPECT_EQ(r.anomalies.unknown_link_files, 1u);
  EXPECT_EQ(r.anomalies.unreadable_files, 1u);
  EXPECT_EQ(r.anomalies.short_link, 1u);
  EXPECT_EQ(r.anomalies.short_ip, 1u);
  EXPECT_EQ(r.anomalies.short_l4, 1u);
  EXPECT_EQ(r.anomalies.non_ip, 1u);
  EXPECT_EQ(r.syn, 2u);  // one from the truncated file, one from snaplen 0
  ASSERT_EQ(r.inputs.size(), 5u);
  EXPECT_THAT(r.inputs[0].problem, ::testing::HasSubstr("truncated"));
  EXPECT_EQ(r.inputs[0].packets, 1u);
  EXPECT_THAT(r.inputs[2].problem, ::testing::HasSubstr("147"));
  EXPECT_THAT(r.inputs[4].problem, ::testing::HasSubstr("not a readable"));
}

// pcapng, by hand after draft-ietf-opsawg-pcapng: SHB, IDBs, EPBs.
std::string NgBlock(uint32_t type, const std::string& body) {
  std::string b;
  uint32_t len =
      static_cast<uint32_t>(12 + body.size() + (4 - body.size() % 4) % 4);
  auto le32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<char>(v >> (8 * i)));
  };
  le32(type);
  le32(len);
  b += body;
  b.append((4 - body.size() % 4) % 4, '\0');
  le32(len);
  return b;
}
std::string Le32(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}
std::string NgShb() {
  return NgBlock(0x0a0d0d0a, Le32(0x1a2b3c4d) +
                                 std::string("\x01\x00\x00\x00", 4) +
                                 std::string(8, '\xff'));
}
std::string NgIdb(uint16_t link) {
  std::string body;
  body.push_back(static_cast<char>(link));
  body.push_back(static_cast<char>(link >> 8));
  body += std::string("\0\0", 2) + Le32(65535);
  return NgBlock(1, body);
}
std::string NgEpb(uint32_t iface, int64_t ts, const std::string& data) {
  return NgBlock(6, Le32(iface) + Le32(static_cast<uint32_t>(ts >> 32)) +
                        Le32(static_cast<uint32_t>(ts)) + Le32(data.size()) +
                        Le32(data.size()) + data);
}

TEST_F(DarknetTest, PcapngOneLinkTypeAndSeveral) {
  auto syn = Syn(Ip4(10, 0, 0, 1), Ip4(203, 0, 113, 1), 23, 1);
  std::string same = NgShb() + NgIdb(1) + NgIdb(1) +
                     NgEpb(0, kT0, BuildEthernetFrame(syn)) +
                     NgEpb(1, kT0 + 1, BuildEthernetFrame(syn));
  std::string mixed = NgShb() + NgIdb(1) +
                      NgEpb(0, kT0, BuildEthernetFrame(syn)) + NgIdb(101) +
                      NgEpb(1, kT0 + 1, BuildIpPacket(syn));
  DarknetReport r = Run({{"same.pcapng", same}, {"mixed.pcapng", mixed}});
  EXPECT_EQ(r.inputs[0].packets, 2u);
  EXPECT_EQ(r.inputs[0].problem, "");
  // libpcap stops a pcapng file at an interface of a second link type: the
  // packets before it are analysed, the stop is reported.
  EXPECT_EQ(r.inputs[1].packets, 1u);
  EXPECT_FALSE(r.inputs[1].problem.empty());
  EXPECT_EQ(r.anomalies.truncated_files, 1u);
  EXPECT_EQ(r.syn, 3u);
}

TEST_F(DarknetTest, EveryLinkTypeAndIpv6) {
  auto spec = Syn(Ip4(10, 0, 0, 1), Ip4(203, 0, 113, 1), 23, 1);
  std::string ip = BuildIpPacket(spec);
  std::string sll = std::string(14, '\0') + std::string("\x08\x00", 2) + ip;
  std::string sll2 = std::string("\x08\x00", 2) + std::string(18, '\0') + ip;
  std::string null_le = std::string("\x02\x00\x00\x00", 4) + ip;
  std::string loop_be = std::string("\x00\x00\x00\x02", 4) + ip;
  std::string vlan = BuildEthernetFrame(spec);
  vlan.insert(12, std::string("\x81\x00\x00\x05", 4));
  PacketSpec v6 = spec;
  v6.v6 = true;
  v6.src6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  v6.dst6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  std::vector<std::pair<std::string, std::string>> files;
  auto file = [&](uint32_t link, const std::string& frame) {
    std::string f = PcapFileHeader(link);
    AppendPcapRecord(&f, kT0, frame);
    files.push_back({"l" + std::to_string(files.size()), f});
  };
  file(113, sll);
  file(276, sll2);
  file(0, null_le);
  file(108, loop_be);
  file(1, vlan);
  file(101, BuildIpPacket(v6));
  file(1, BuildEthernetFrame(v6));
  DarknetReport r = Run(files);
  EXPECT_EQ(r.syn, 7u);
  EXPECT_EQ(r.mirai, 0u);
  for (const InputStat& in : r.inputs) EXPECT_EQ(in.problem, "") << in.file;
  EXPECT_EQ(r.inputs[0].link_type, "LINUX_SLL");
  EXPECT_EQ(r.inputs[1].link_type, "LINUX_SLL2");
}

// Real captures (../shared/data/pcap/SOURCE.md).
TEST_F(DarknetTest, RealNmapSweepIsAScanAndItsRepliesBackscatter) {
  DarknetOptions opt;
  opt.scan_min_destinations = 5;
  DarknetReport r = RunReal("../shared/data/pcap/zeek/nmap-vsn.pcap", opt);
  EXPECT_EQ(r.inputs[0].packets, 547u);
  EXPECT_EQ(r.anomalies.non_ip, 503u);  // the ARP sweep
  ASSERT_GE(r.scanners_total, 1u);
  EXPECT_EQ(r.scanners[0].ip, "192.168.1.71");
  EXPECT_GE(r.scanners[0].destinations, 5);
  EXPECT_EQ(r.mirai, 0u);
  EXPECT_GT(r.backscatter, 0u);  // the probed hosts' RST / SYN-ACK replies
}

TEST_F(DarknetTest, RealTelnetAndNanosecondSll) {
  DarknetReport t = RunReal("../shared/data/pcap/suricata-verify/telnet.pcap");
  EXPECT_EQ(t.inputs[0].packets, 92u);
  EXPECT_EQ(t.syn, 1u);
  bool has23 = false;
  for (const PortStat& p : t.top_ports) has23 |= p.port == "23/tcp";
  EXPECT_TRUE(has23);
  DarknetReport n =
      RunReal("../shared/data/pcap/tcpdump/tcp-handshake-nano.pcap");
  EXPECT_EQ(n.inputs[0].link_type, "LINUX_SLL");
  EXPECT_EQ(n.packets, 3u);
  EXPECT_EQ(n.syn, 1u);
  EXPECT_EQ(n.backscatter, 1u);  // the SYN-ACK, seen without its SYN's context
}

// The analysis reads packets through a read-ahead ring (darknet.cc,
// kLookahead) and libpcap's pcap_dispatch in batches: every packet must
// still be analysed once, in capture order, up to the last one of the file.
// Order-dependent results show it: out-of-order and late counts, and the
// per-bucket series.
TEST_F(DarknetTest, ReadAheadKeepsCaptureOrderToTheLastPacket) {
  std::string f = PcapFileHeader(1);
  std::map<int64_t, double> per_bucket;  // 5-minute bucket → packets
  const int kN = 5000;
  int64_t previous = 0;
  uint64_t out_of_order = 0;
  for (int i = 0; i < kN; ++i) {
    int64_t at = kT0 + int64_t{i} * 1000000;  // one per second
    if (i % 1000 == 999) at -= 5 * 1000000;   // 5 s back: still in a bucket
    if (i == 4000) at = kT0;                  // ~67 min back: too late
    if (i > 0 && at < previous) ++out_of_order;
    previous = at;
    if (i != 4000) per_bucket[(at / 1000000) / 300 * 300 * 1000000] += 1;
    PacketSpec p = Syn(Ip4(10, 9, (i >> 8) & 0xff, i & 0xff),
                       Ip4(203, 0, 113, i % 256), 23, 1);
    AppendPcapRecord(&f, at, BuildEthernetFrame(p));
  }
  for (bool read_thread : {false, true}) {
    SCOPED_TRACE(read_thread ? "reader thread" : "one thread");
    sink_ = MemorySink();
    DarknetOptions opt;
    opt.read_thread = read_thread;
    DarknetReport r = Run({{"order.pcap", f}}, opt);
    EXPECT_EQ(r.packets, static_cast<uint64_t>(kN));
    EXPECT_EQ(r.syn, static_cast<uint64_t>(kN));
    EXPECT_EQ(out_of_order, 6u);  // 999, 1999, 2999, 3999, 4000, 4999
    EXPECT_EQ(r.anomalies.out_of_order, out_of_order);
    EXPECT_EQ(r.anomalies.late_for_series, 1u);
    EXPECT_EQ(sink_.Get("packets", "", Resolution::k5m), per_bucket);
    EXPECT_EQ(r.last.micros, kT0 + int64_t{kN - 2} * 1000000);  // 4999: -5 s
  }
}

// The reader thread gives the same report and series as one thread, on
// the known-answer capture and on real captures.
TEST_F(DarknetTest, ReaderThreadGivesTheSameReportAndSeries) {
  uint64_t total = 0;
  std::string known = KnownAnswerCapture(&total);
  for (const std::string& real :
       {std::string("../shared/data/pcap/zeek/nmap-vsn.pcap"), std::string()}) {
    std::string json[2];
    std::map<double, double> series_sum[2];
    for (bool read_thread : {false, true}) {
      sink_ = MemorySink();
      DarknetOptions opt;
      if (real.empty()) opt.prefixes = {"203.0.113.0/24"};
      opt.read_thread = read_thread;
      DarknetReport r =
          real.empty() ? Run({{"known.pcap", known}}, opt) : RunReal(real, opt);
      EXPECT_GT(r.packets, 0u);
      json[read_thread] = DarknetReportJson(r);
      series_sum[read_thread][0] = sink_.Sum("packets", "", Resolution::k5m);
      series_sum[read_thread][1] =
          sink_.Sum("unique_sources", "", Resolution::k1h);
    }
    EXPECT_EQ(json[0], json[1]) << real;
    EXPECT_EQ(series_sum[0], series_sum[1]) << real;
  }
}

// A sink that fails from the first bucket on: AddCapture stops and returns
// its error (not only Finish), and writes nothing more.
class FailingSink : public SeriesSink {
 public:
  Status Append(const SeriesKey&, Resolution, std::span<const Point>) override {
    ++calls;
    return Status::Internal("series store is full");
  }
  int calls = 0;
};

TEST(DarknetAnalyzer, SinkErrorStopsTheCaptureAndProgressReachesTheEnd) {
  std::string f = PcapFileHeader(1);
  const int kN = 70000;  // past the 65,536-packet progress step
  for (int i = 0; i < kN; ++i) {
    PacketSpec p = Syn(Ip4(10, 8, (i >> 8) & 0xff, i & 0xff),
                       Ip4(203, 0, 113, i % 256), 80, 1);
    AppendPcapRecord(&f, kT0 + int64_t{i} * 100000, BuildEthernetFrame(p));
  }
  auto env = NewMemEnv();
  ASSERT_TRUE(env->WriteFile("p.pcap", f).ok());
  {
    MemorySink sink;
    auto analyzer = DarknetAnalyzer::Create({}, &sink);
    ASSERT_TRUE(analyzer.ok());
    std::vector<uint64_t> progress;
    auto file = env->OpenSequential("p.pcap");
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*analyzer)
                    ->AddCapture("p.pcap", std::move(*file),
                                 [&](uint64_t b) { progress.push_back(b); })
                    .ok());
    ASSERT_GE(progress.size(), 2u);
    EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
    EXPECT_EQ(progress.back(), f.size());
    auto r = (*analyzer)->Finish();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->packets, static_cast<uint64_t>(kN));
  }
  // 7,000 s of packets: buckets close while the file is read.
  for (bool read_thread : {false, true}) {
    SCOPED_TRACE(read_thread ? "reader thread" : "one thread");
    FailingSink failing;
    DarknetOptions opt;
    opt.read_thread = read_thread;
    auto analyzer = DarknetAnalyzer::Create(opt, &failing);
    ASSERT_TRUE(analyzer.ok());
    auto file = env->OpenSequential("p.pcap");
    ASSERT_TRUE(file.ok());
    Status s = (*analyzer)->AddCapture("p.pcap", std::move(*file));
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(s.message(), ::testing::HasSubstr("series store is full"));
    // The bucket that failed was the last one written, also by Finish().
    const int calls = failing.calls;
    EXPECT_GT(calls, 0);
    EXPECT_FALSE((*analyzer)->Finish().ok());
    EXPECT_EQ(failing.calls, calls);
  }
}

TEST(DarknetEnrich, CidrsWarninglistsAndGeoIp) {
  auto r = ParseCidr("198.51.100.77/24");
  ASSERT_TRUE(r);
  EXPECT_EQ(FormatIp(r->lo), "198.51.100.0");
  EXPECT_EQ(FormatIp(r->hi), "198.51.100.255");
  EXPECT_FALSE(ParseCidr("198.51.100.0/33"));
  EXPECT_FALSE(ParseCidr("nope"));
  EXPECT_EQ(FormatIp(ParseCidr("2001:db8::/32")->hi),
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");

  auto env = NewPosixEnv();
  ScannerRanges ranges;
  ASSERT_TRUE(ranges
                  .LoadFile(*env,
                            "../shared/data/warninglists/lists/"
                            "censys-scanning/list.json")
                  .ok());
  ASSERT_TRUE(ranges
                  .LoadFile(*env,
                            "../shared/data/warninglists/lists/"
                            "shodan-scanning/list.json")
                  .ok());
  ranges.Freeze();
  const std::string* name = ranges.Lookup(ParseCidr("162.142.125.9")->lo);
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(*name, "Censys IP Ranges Used for Scanning");
  EXPECT_EQ(ranges.Lookup(ParseCidr("192.0.2.1")->lo), nullptr);

  auto mem = NewMemEnv();
  ASSERT_TRUE(mem->WriteFile("s.txt",
                             "# research\n10.0.0.0/8 Example Lab\n"
                             "10.1.0.0/16  Inner Lab  # nested\n")
                  .ok());
  ScannerRanges text;
  ASSERT_TRUE(text.LoadFile(*mem, "s.txt").ok());
  text.Freeze();
  EXPECT_EQ(*text.Lookup(ParseCidr("10.2.0.1")->lo), "Example Lab");
  EXPECT_EQ(*text.Lookup(ParseCidr("10.1.0.1")->lo), "Inner Lab");
  ASSERT_TRUE(mem->WriteFile("bad.txt", "10.0.0.0/8 ok\nnot-a-cidr x\n").ok());
  Status bad = text.LoadFile(*mem, "bad.txt");
  EXPECT_THAT(bad.message(), ::testing::HasSubstr("bad.txt:2"));

  auto geo = GeoIp::OpenDir(*env, "../shared/data/asn");
  ASSERT_TRUE(geo.ok()) << geo.status().message();
  GeoInfo g = (*geo)->Lookup(ParseCidr("1.0.0.1")->lo);
  EXPECT_EQ(g.asn, 15169u);
  EXPECT_EQ(g.as_org, "Google Inc.");
  EXPECT_EQ((*geo)->Lookup(ParseCidr("2.125.160.217")->lo).country, "GB");
  EXPECT_EQ((*geo)->Lookup(ParseCidr("192.0.2.1")->lo).asn, 0u);
  EXPECT_FALSE(GeoIp::OpenDir(*env, "../shared/data/pcap").ok());
}

TEST_F(DarknetTest, ReportTagsResearchScannersAndEnrichesSources) {
  std::string f = PcapFileHeader(1);
  for (uint32_t i = 0; i < 20; ++i) {
    AppendPcapRecord(&f, kT0 + i,
                     BuildEthernetFrame(Syn(Ip4(162, 142, 125, 9),
                                            Ip4(203, 0, 113, i), 443, 5)));
  }
  AppendPcapRecord(&f, kT0 + 99,
                   BuildEthernetFrame(Syn(Ip4(1, 0, 0, 1), Ip4(203, 0, 113, 1),
                                          23, Ip4(203, 0, 113, 1))));
  auto env = NewPosixEnv();
  ScannerRanges ranges;
  ASSERT_TRUE(ranges
                  .LoadFile(*env,
                            "../shared/data/warninglists/lists/"
                            "censys-scanning/list.json")
                  .ok());
  ranges.Freeze();
  auto geo = GeoIp::OpenDir(*env, "../shared/data/asn");
  ASSERT_TRUE(geo.ok());
  DarknetOptions opt;
  opt.scanners = &ranges;
  opt.geoip = geo->get();
  opt.scan_min_destinations = 10;
  DarknetReport r = Run({{"r.pcap", f}}, opt);
  ASSERT_EQ(r.research.size(), 1u);
  EXPECT_EQ(r.research[0].packets, 20u);
  EXPECT_EQ(r.research_packets, 20u);
  ASSERT_EQ(r.scanners.size(), 1u);
  EXPECT_EQ(r.scanners[0].research, "Censys IP Ranges Used for Scanning");
  ASSERT_EQ(r.mirai_hosts.size(), 1u);
  EXPECT_EQ(r.mirai_hosts[0].geo.asn, 15169u);
  EXPECT_EQ(r.mirai_hosts[0].confidence, 50);
  bool google = false;
  for (const CountStat& c : r.ases) google |= c.key == "AS15169 Google Inc.";
  EXPECT_TRUE(google);
}

}  // namespace
}  // namespace ncert::sensors
