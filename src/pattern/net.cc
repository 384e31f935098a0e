#include "pattern/net.h"

#include <arpa/inet.h>

#include <string>

namespace ncert::pattern::internal {

bool Cidr::Contains(const Cidr& inner) const {
  if (v6 != inner.v6 || inner.prefix < prefix) return false;
  int full = prefix / 8;
  for (int i = 0; i < full; ++i) {
    if (addr[static_cast<size_t>(i)] != inner.addr[static_cast<size_t>(i)]) {
      return false;
    }
  }
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (addr[static_cast<size_t>(full)] & mask) ==
         (inner.addr[static_cast<size_t>(full)] & mask);
}

std::optional<Cidr> ParseCidr(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  Cidr c;
  std::string_view host = text;
  size_t slash = text.find('/');
  int prefix = -1;
  if (slash != std::string_view::npos) {
    host = text.substr(0, slash);
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return std::nullopt;
    prefix = 0;
    for (char ch : p) {
      if (ch < '0' || ch > '9') return std::nullopt;
      prefix = prefix * 10 + (ch - '0');
    }
    c.had_prefix = true;
  }
  std::string h(host);
  if (inet_pton(AF_INET, h.c_str(), c.addr.data()) == 1) {
    c.v6 = false;
    if (prefix > 32) return std::nullopt;
    c.prefix = prefix < 0 ? 32 : prefix;
    return c;
  }
  if (inet_pton(AF_INET6, h.c_str(), c.addr.data()) == 1) {
    c.v6 = true;
    if (prefix > 128) return std::nullopt;
    c.prefix = prefix < 0 ? 128 : prefix;
    return c;
  }
  return std::nullopt;
}

}  // namespace ncert::pattern::internal
