// IPv4 and IPv6 addresses and CIDR blocks, for =, ISSUBSET and ISSUPERSET on
// ipv4-addr / ipv6-addr values.
//
// Private to pattern/.
//
// Thread safety: values and pure functions.
#ifndef NCERT_PATTERN_NET_H_
#define NCERT_PATTERN_NET_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ncert::pattern::internal {

struct Cidr {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};  // IPv4 in the first 4 bytes
  int prefix = 0;                  // 0..32 or 0..128
  bool had_prefix = false;         // written with "/n"

  // True when every address of `inner` is in this block (same family).
  bool Contains(const Cidr& inner) const;
};

// "198.51.100.7", "198.51.100.0/24", "2001:db8::/32". Host bits may be set
// ("192.168.0.1/24" is the block 192.168.0.0/24).
std::optional<Cidr> ParseCidr(std::string_view text);

}  // namespace ncert::pattern::internal

#endif  // NCERT_PATTERN_NET_H_
