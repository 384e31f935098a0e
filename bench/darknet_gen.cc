// Generates a darknet-like pcap for bench/darknet.sh: N packets (EN10MB) to
// the darknet 100.96.0.0/16 at 2,000 packets/s, seeded and deterministic.
//   80 % TCP SYNs to IoT and common ports from ~1M sources (skewed: a few
//        heavy scanners, a long tail), 5 % of them from Mirai-infected
//        sources with seq == destination;
//   10 % UDP probes; 5 % backscatter (SYN-ACK / RST / ICMP unreachable)
//        from 200 DoS victims.
//
//   darknet_gen N OUT.pcap

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "sensors/pcap_writer.h"

using ncert::sensors::testing::AppendPcapRecord;
using ncert::sensors::testing::BuildEthernetFrame;
using ncert::sensors::testing::Ip4;
using ncert::sensors::testing::PacketSpec;
using ncert::sensors::testing::PcapFileHeader;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: darknet_gen N OUT.pcap\n");
    return 2;
  }
  const uint64_t n = std::strtoull(argv[1], nullptr, 10);
  std::FILE* out = std::fopen(argv[2], "wb");
  if (out == nullptr) {
    std::perror(argv[2]);
    return 1;
  }
  static const uint16_t kPorts[] = {23, 23,  23,   23,   2323,  80,    8080,
                                    22, 445, 3389, 5555, 37215, 52869, 7547,
                                    81, 443, 6379, 8443, 1433,  3306};
  std::mt19937_64 rng(20221);
  std::string buf = PcapFileHeader(1);
  const int64_t t0 = 1656633600LL * 1000000;  // 2022-07-01T00:00:00Z
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t r = rng();
    PacketSpec p;
    uint32_t dst = Ip4(100, 96, 0, 0) | static_cast<uint32_t>(r & 0xffff);
    uint32_t kind = static_cast<uint32_t>((r >> 16) % 100);
    // Sources: 20 % from 64 heavy scanners, the rest from ~1M hosts.
    uint64_t pick = (r >> 24) % 100;
    uint32_t src = pick < 20
                       ? Ip4(45, 0, 0, 0) + static_cast<uint32_t>(pick * 977)
                       : Ip4(60, 0, 0, 0) +
                             static_cast<uint32_t>((r >> 32) % 1000000) * 13;
    p.dst4 = dst;
    p.src4 = src;
    p.sport = static_cast<uint16_t>(1024 + (r >> 40) % 60000);
    if (kind < 80) {
      p.proto = 6;
      p.tcp_flags = 0x02;
      p.dport = kPorts[(r >> 48) % (sizeof kPorts / sizeof kPorts[0])];
      bool mirai = ((r >> 32) % 1000000) < 50000 && pick >= 20;  // 5 %
      p.seq = mirai ? dst : static_cast<uint32_t>(r >> 20);
      if (mirai && (p.dport != 23 && p.dport != 2323)) p.dport = 23;
    } else if (kind < 90) {
      p.proto = 17;
      p.dport = static_cast<uint16_t>((r >> 48) % 2 ? 53 : 5060);
    } else {
      p.src4 = Ip4(198, 18, 0, 0) + static_cast<uint32_t>((r >> 32) % 200);
      if (kind < 96) {
        p.proto = 6;
        p.tcp_flags = kind < 93 ? 0x12 : 0x04;
        p.sport = 80;
        p.dport = static_cast<uint16_t>(1024 + (r >> 48) % 60000);
      } else {
        p.proto = 1;
        p.icmp_type = 3;
        p.icmp_code = 3;
      }
    }
    AppendPcapRecord(&buf, t0 + static_cast<int64_t>(i) * 500,
                     BuildEthernetFrame(p));
    if (buf.size() > (8u << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  return std::fclose(out) == 0 ? 0 : 1;
}
