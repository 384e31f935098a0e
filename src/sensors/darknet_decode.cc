#include "sensors/darknet_decode.h"

namespace ncert::sensors::internal {
namespace {

inline uint16_t Be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t Be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | p[3];
}

DecodeResult DecodeL4(const uint8_t* p, uint32_t n, Decoded* out) {
  switch (out->ip_proto) {
    case 6:
      out->l4 = L4::kTcp;
      if (n < 20) return DecodeResult::kShortL4;
      out->sport = Be16(p);
      out->dport = Be16(p + 2);
      out->seq = Be32(p + 4);
      out->tcp_flags = p[13];
      return DecodeResult::kOk;
    case 17:
      out->l4 = L4::kUdp;
      if (n < 8) return DecodeResult::kShortL4;
      out->sport = Be16(p);
      out->dport = Be16(p + 2);
      return DecodeResult::kOk;
    case 1:
    case 58:
      out->l4 = out->ip_proto == 1 ? L4::kIcmp : L4::kIcmp6;
      if (n < 4) return DecodeResult::kShortL4;
      out->icmp_type = p[0];
      out->icmp_code = p[1];
      return DecodeResult::kOk;
    default:
      out->l4 = L4::kOther;
      return DecodeResult::kOtherL4;
  }
}

DecodeResult DecodeIp4(const uint8_t* p, uint32_t n, Decoded* out) {
  if (n < 20 || (p[0] >> 4) != 4) return DecodeResult::kShortIp;
  uint32_t ihl = (p[0] & 0x0f) * 4u;
  if (ihl < 20 || n < ihl) return DecodeResult::kShortIp;
  out->v6 = false;
  uint32_t src = Be32(p + 12);
  out->dst4 = Be32(p + 16);
  MapV4(src, &out->src);
  MapV4(out->dst4, &out->dst);
  out->ip_proto = p[9];
  // Trust the shorter of the captured bytes and the IP total length (an
  // Ethernet frame may carry padding past the datagram).
  uint32_t total = Be16(p + 2);
  if (total >= ihl && total < n) n = total;
  if ((Be16(p + 6) & 0x1fff) != 0) {
    out->l4 = out->ip_proto == 6    ? L4::kTcp
              : out->ip_proto == 17 ? L4::kUdp
              : out->ip_proto == 1  ? L4::kIcmp
                                    : L4::kOther;
    return DecodeResult::kFragment;
  }
  return DecodeL4(p + ihl, n - ihl, out);
}

DecodeResult DecodeIp6(const uint8_t* p, uint32_t n, Decoded* out) {
  if (n < 40 || (p[0] >> 4) != 6) return DecodeResult::kShortIp;
  out->v6 = true;
  std::memcpy(out->src.data(), p + 8, 16);
  std::memcpy(out->dst.data(), p + 24, 16);
  uint8_t next = p[6];
  uint32_t off = 40;
  // Hop-by-hop, routing, fragment, destination options, AH: at most 8.
  for (int i = 0; i < 8; ++i) {
    if (next == 0 || next == 43 || next == 60 || next == 51) {
      if (n < off + 2) return DecodeResult::kShortIp;
      uint32_t len =
          next == 51 ? (p[off + 1] + 2u) * 4u : (p[off + 1] + 1u) * 8u;
      next = p[off];
      off += len;
    } else if (next == 44) {
      if (n < off + 8) return DecodeResult::kShortIp;
      uint16_t frag = Be16(p + off + 2);
      next = p[off];
      off += 8;
      if ((frag & 0xfff8) != 0) {
        out->ip_proto = next;
        out->l4 = next == 6    ? L4::kTcp
                  : next == 17 ? L4::kUdp
                  : next == 58 ? L4::kIcmp6
                               : L4::kOther;
        return DecodeResult::kFragment;
      }
    } else {
      break;
    }
  }
  if (off > n) return DecodeResult::kShortIp;
  out->ip_proto = next;
  return DecodeL4(p + off, n - off, out);
}

DecodeResult DecodeIpByVersion(const uint8_t* p, uint32_t n, Decoded* out) {
  if (n < 1) return DecodeResult::kShortIp;
  switch (p[0] >> 4) {
    case 4:
      return DecodeIp4(p, n, out);
    case 6:
      return DecodeIp6(p, n, out);
    default:
      return DecodeResult::kNotIp;
  }
}

DecodeResult DecodeEtherType(uint16_t type, const uint8_t* p, uint32_t n,
                             Decoded* out) {
  if (type == 0x0800) return DecodeIp4(p, n, out);
  if (type == 0x86dd) return DecodeIp6(p, n, out);
  return DecodeResult::kNotIp;
}

}  // namespace

bool KnownLinkType(int dlt) {
  switch (dlt) {
    case kDltNull:
    case kDltEn10mb:
    case kDltRaw:
    case kDltRawAlt:
    case kDltLoop:
    case kDltLinuxSll:
    case kDltLinuxSll2:
    case kDltIpv4:
    case kDltIpv6:
    case kLinktypeRaw:
      return true;
    default:
      return false;
  }
}

const char* LinkTypeName(int dlt) {
  switch (dlt) {
    case kDltNull:
      return "NULL";
    case kDltEn10mb:
      return "EN10MB";
    case kDltRaw:
    case kDltRawAlt:
    case kLinktypeRaw:
      return "RAW";
    case kDltLoop:
      return "LOOP";
    case kDltLinuxSll:
      return "LINUX_SLL";
    case kDltLinuxSll2:
      return "LINUX_SLL2";
    case kDltIpv4:
      return "IPV4";
    case kDltIpv6:
      return "IPV6";
    default:
      return "unknown";
  }
}

DecodeResult Decode(int dlt, const uint8_t* p, uint32_t n, Decoded* out) {
  switch (dlt) {
    case kDltEn10mb: {
      if (n < 14) return DecodeResult::kShortLink;
      uint16_t type = Be16(p + 12);
      uint32_t off = 14;
      for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8);
           ++tags) {
        if (n < off + 4) return DecodeResult::kShortLink;
        type = Be16(p + off + 2);
        off += 4;
      }
      return DecodeEtherType(type, p + off, n - off, out);
    }
    case kDltLinuxSll:
      if (n < 16) return DecodeResult::kShortLink;
      return DecodeEtherType(Be16(p + 14), p + 16, n - 16, out);
    case kDltLinuxSll2:
      if (n < 20) return DecodeResult::kShortLink;
      return DecodeEtherType(Be16(p), p + 20, n - 20, out);
    case kDltNull:
    case kDltLoop: {
      if (n < 4) return DecodeResult::kShortLink;
      // NULL: the family in the capturing host's byte order; LOOP: network
      // order. Either way one of the two readings is a small number.
      uint32_t be = Be32(p);
      uint32_t le = p[0] | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) |
                    (uint32_t{p[3]} << 24);
      uint32_t family = be < 256 ? be : le;
      if (family == 2) return DecodeIp4(p + 4, n - 4, out);
      if (family == 10 || family == 24 || family == 28 || family == 30) {
        return DecodeIp6(p + 4, n - 4, out);
      }
      return DecodeResult::kNotIp;
    }
    case kDltRaw:
    case kDltRawAlt:
    case kLinktypeRaw:
      return DecodeIpByVersion(p, n, out);
    case kDltIpv4:
      return DecodeIp4(p, n, out);
    case kDltIpv6:
      return DecodeIp6(p, n, out);
    default:
      return DecodeResult::kNotIp;
  }
}

}  // namespace ncert::sensors::internal
