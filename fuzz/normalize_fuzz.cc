// Fuzz target for the matching engine's normalisers (match/normalize.h):
// any bytes as an IP / CIDR, host name, URL (alone and joined to a host),
// e-mail address, hex digest and hash algorithm name. Invariants: a
// normalised host name is lower case, at most 253 bytes, and normalises to
// itself; an IP block has no host bits and a prefix within its family; a
// normalised hex digest is the input's length in lower-case hex; a
// normalised e-mail has an '@' and a normalised domain after its last '@';
// a normalised URL has a scheme and its host (UrlHost) is never longer than
// the URL.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "match/normalize.h"

namespace {

using namespace ncert::match;

void One(std::string_view in) {
  if (auto p = ParseIpPrefix(in)) {
    int bits = p->addr.family == 4 ? 32 : 128;
    if (p->addr.family != 4 && p->addr.family != 6) std::abort();
    if (p->prefix < 0 || p->prefix > bits) std::abort();
    for (int b = p->prefix; b < bits; ++b) {
      if ((p->addr.bytes[b / 8] >> (7 - b % 8)) & 1) std::abort();
    }
  }
  if (auto d = NormalizeDomain(in)) {
    if (d->empty() || d->size() > 253) std::abort();
    for (char c : *d) {
      if (c >= 'A' && c <= 'Z') std::abort();
    }
    auto again = NormalizeDomain(*d);
    if (!again || *again != *d) std::abort();
  }
  if (auto h = NormalizeHex(in)) {
    if (h->size() != in.size()) std::abort();
    for (char c : *h) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) std::abort();
    }
  }
  if (auto e = NormalizeEmail(in)) {
    size_t at = e->rfind('@');
    if (at == std::string::npos) std::abort();
    auto d = NormalizeDomain(std::string_view(*e).substr(at + 1));
    if (!d || *d != e->substr(at + 1)) std::abort();
  }
  for (std::string_view host :
       {std::string_view(), std::string_view("a.example")}) {
    if (auto u = NormalizeUrl(in, host)) {
      if (u->find("://") == std::string::npos) std::abort();
      if (UrlHost(*u).size() > u->size()) std::abort();
    }
  }
  (void)NormalizeHashAlgorithm(in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  One(input);
  // Several values, one a line (the seed corpus is written that way).
  size_t start = 0;
  for (int lines = 0; start < input.size() && lines < 1000; ++lines) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    if (start > 0 || end < input.size()) One(input.substr(start, end - start));
    start = end + 1;
  }
  return 0;
}
