// Writes classic pcap (little-endian, microsecond or nanosecond magic) by
// hand-built headers after the pcap file format (draft-ietf-opsawg-pcap),
// and builds the IPv4/IPv6 TCP, UDP and ICMP packets a darknet sees. For
// tests with a known answer and for the benchmark's generator; not a
// general-purpose writer (no checksums: the darknet analysis does not read
// them).
//
// Thread safety: free functions; thread-safe.
#ifndef NCERT_SENSORS_PCAP_WRITER_H_
#define NCERT_SENSORS_PCAP_WRITER_H_

#include <array>
#include <cstdint>
#include <string>

namespace ncert::sensors::testing {

// The 24-byte global header.
std::string PcapFileHeader(uint32_t link_type, uint32_t snaplen = 65535,
                           bool nanos = false);
// One record: 16-byte header + the first `caplen` bytes of `frame` (caplen
// -1: all of it). `wire_len` 0: the frame's size.
void AppendPcapRecord(std::string* out, int64_t ts_micros,
                      const std::string& frame, int64_t caplen = -1,
                      uint32_t wire_len = 0);

struct PacketSpec {
  bool v6 = false;
  uint32_t src4 = 0, dst4 = 0;  // host order
  std::array<uint8_t, 16> src6{}, dst6{};
  uint8_t proto = 6;  // 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6
  uint16_t sport = 0, dport = 0;
  uint8_t tcp_flags = 0x02;
  uint32_t seq = 0;
  uint8_t icmp_type = 0, icmp_code = 0;
};

// An IP packet (no link header).
std::string BuildIpPacket(const PacketSpec& p);
// The same inside an Ethernet II frame.
std::string BuildEthernetFrame(const PacketSpec& p);

inline uint32_t Ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d;
}

}  // namespace ncert::sensors::testing

#endif  // NCERT_SENSORS_PCAP_WRITER_H_
