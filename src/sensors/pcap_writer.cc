#include "sensors/pcap_writer.h"

namespace ncert::sensors::testing {
namespace {

void Le(std::string* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void Be(std::string* out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    out->push_back(static_cast<char>(v >> (8 * i)));
  }
}

}  // namespace

std::string PcapFileHeader(uint32_t link_type, uint32_t snaplen, bool nanos) {
  std::string h;
  Le(&h, nanos ? 0xa1b23c4d : 0xa1b2c3d4, 4);
  Le(&h, 2, 2);  // version 2.4
  Le(&h, 4, 2);
  Le(&h, 0, 4);  // thiszone
  Le(&h, 0, 4);  // sigfigs
  Le(&h, snaplen, 4);
  Le(&h, link_type, 4);
  return h;
}

void AppendPcapRecord(std::string* out, int64_t ts_micros,
                      const std::string& frame, int64_t caplen,
                      uint32_t wire_len) {
  size_t n = caplen < 0 ? frame.size() : static_cast<size_t>(caplen);
  if (n > frame.size()) n = frame.size();
  Le(out, static_cast<uint64_t>(ts_micros / 1000000), 4);
  Le(out, static_cast<uint64_t>(ts_micros % 1000000), 4);
  Le(out, n, 4);
  Le(out, wire_len != 0 ? wire_len : frame.size(), 4);
  out->append(frame, 0, n);
}

std::string BuildIpPacket(const PacketSpec& p) {
  std::string l4;
  if (p.proto == 6) {
    Be(&l4, p.sport, 2);
    Be(&l4, p.dport, 2);
    Be(&l4, p.seq, 4);
    Be(&l4, (p.tcp_flags & 0x10) ? 1 : 0, 4);  // ack number
    l4.push_back(0x50);                        // data offset 5
    l4.push_back(static_cast<char>(p.tcp_flags));
    Be(&l4, 65535, 2);  // window
    Be(&l4, 0, 2);      // checksum (not computed)
    Be(&l4, 0, 2);      // urgent
  } else if (p.proto == 17) {
    Be(&l4, p.sport, 2);
    Be(&l4, p.dport, 2);
    Be(&l4, 8, 2);
    Be(&l4, 0, 2);
  } else {
    l4.push_back(static_cast<char>(p.icmp_type));
    l4.push_back(static_cast<char>(p.icmp_code));
    Be(&l4, 0, 2);
    Be(&l4, 0, 4);
  }
  std::string ip;
  if (!p.v6) {
    ip.push_back(0x45);
    ip.push_back(0);
    Be(&ip, 20 + l4.size(), 2);
    Be(&ip, 0, 2);       // id
    Be(&ip, 0x4000, 2);  // DF
    ip.push_back(64);
    ip.push_back(static_cast<char>(p.proto));
    Be(&ip, 0, 2);
    Be(&ip, p.src4, 4);
    Be(&ip, p.dst4, 4);
  } else {
    Be(&ip, 0x60000000, 4);
    Be(&ip, l4.size(), 2);
    ip.push_back(static_cast<char>(p.proto));
    ip.push_back(64);
    ip.append(reinterpret_cast<const char*>(p.src6.data()), 16);
    ip.append(reinterpret_cast<const char*>(p.dst6.data()), 16);
  }
  return ip + l4;
}

std::string BuildEthernetFrame(const PacketSpec& p) {
  std::string f = std::string("\x02\x00\x00\x00\x00\x01", 6) +
                  std::string("\x02\x00\x00\x00\x00\x02", 6);
  Be(&f, p.v6 ? 0x86dd : 0x0800, 2);
  return f + BuildIpPacket(p);
}

}  // namespace ncert::sensors::testing
