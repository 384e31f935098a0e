// Decoding one captured frame down to the fields the darknet analysis reads
// (private to sensors/). Link types: Ethernet (with up to two 802.1Q/802.1ad
// tags), raw IP, Linux cooked v1 and v2, BSD null and loopback. IPv4 and
// IPv6 (extension headers skipped), TCP, UDP, ICMP and ICMPv6. Every length
// is checked against the captured bytes before it is read; a frame too short
// for a header says which.
//
// Thread safety: pure functions.
#ifndef NCERT_SENSORS_DARKNET_DECODE_H_
#define NCERT_SENSORS_DARKNET_DECODE_H_

#include <array>
#include <cstdint>
#include <cstring>

namespace ncert::sensors::internal {

enum class DecodeResult {
  kOk,
  kShortLink,  // shorter than its link-layer header
  kNotIp,      // ARP, LLDP, ...
  kShortIp,    // shorter than its IP header, or a bad IP header
  kShortL4,    // shorter than its TCP/UDP/ICMP header
  kFragment,   // a non-first fragment: no transport header
  kOtherL4,    // IP, but neither TCP, UDP nor ICMP (GRE, ESP, ...)
};

enum class L4 : uint8_t { kTcp, kUdp, kIcmp, kIcmp6, kOther };

// TCP flags.
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

struct Decoded {
  bool v6 = false;
  std::array<uint8_t, 16> src{};  // IPv4 as ::ffff:a.b.c.d
  std::array<uint8_t, 16> dst{};
  uint32_t dst4 = 0;  // IPv4 destination, host order
  L4 l4 = L4::kOther;
  uint8_t ip_proto = 0;
  uint16_t sport = 0, dport = 0;  // TCP/UDP
  uint8_t tcp_flags = 0;
  uint32_t seq = 0;
  uint8_t icmp_type = 0, icmp_code = 0;
};

// Link types this decoder knows (DLT_* values as pcap_datalink() returns).
inline constexpr int kDltNull = 0, kDltEn10mb = 1, kDltRaw = 12,
                     kDltRawAlt = 14, kDltLoop = 108, kDltLinuxSll = 113,
                     kDltLinuxSll2 = 276, kDltIpv4 = 228, kDltIpv6 = 229,
                     kLinktypeRaw = 101;

bool KnownLinkType(int dlt);
const char* LinkTypeName(int dlt);

DecodeResult Decode(int dlt, const uint8_t* data, uint32_t caplen,
                    Decoded* out);

inline void MapV4(uint32_t host_order, std::array<uint8_t, 16>* a) {
  *a = {0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0xff,
        0xff,
        static_cast<uint8_t>(host_order >> 24),
        static_cast<uint8_t>(host_order >> 16),
        static_cast<uint8_t>(host_order >> 8),
        static_cast<uint8_t>(host_order)};
}

inline bool IsV4Mapped(const std::array<uint8_t, 16>& a) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a.data(), kPrefix, 12) == 0;
}

}  // namespace ncert::sensors::internal

#endif  // NCERT_SENSORS_DARKNET_DECODE_H_
