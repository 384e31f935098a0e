// The inside of an Index: what IndexBuilder fills and Matcher reads.
// Private to match/.
//
// Thread safety: immutable once built, except `rate`, whose elements are
// atomics.
#ifndef NCERT_MATCH_INDEX_INTERNAL_H_
#define NCERT_MATCH_INDEX_INTERNAL_H_

#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "match/matcher.h"
#include "match/structures_internal.h"
#include "pattern/pattern.h"

namespace ncert::match {

// Keys in the value table start with one byte that says what they are.
enum Space : char {
  kSpaceIp = 'I',      // + 4 or 16 address bytes
  kSpaceCidr = 'C',    // + prefix length byte + 4 or 16 masked address bytes
  kSpaceDomain = 'D',  // + normalised host name
  kSpaceUrl = 'U',     // + normalised URL
  kSpaceEmail = 'E',   // + normalised address
  kSpaceHash = 'H',    // + algorithm + ':' + lower hex
  kSpaceJa3 = 'J',     // + lower hex (JA3 and JA3S share it)
  kSpaceHassh = 'S',   // + lower hex
  kSpaceString = 'T',  // + field byte + value as written (pattern atoms)
};

inline uint32_t FieldBit(Field f) { return 1u << static_cast<unsigned>(f); }

// The `prefix` leading bits of `a`, the rest zero, into `out` (4 or 16
// bytes); returns how many.
inline size_t MaskAddress(const telemetry::IpAddr& a, int prefix, char* out) {
  const size_t n = a.family == 4 ? 4 : 16;
  for (size_t i = 0; i < n; ++i) {
    const int keep = prefix - static_cast<int>(i) * 8;
    const uint8_t mask = keep >= 8   ? 0xff
                         : keep <= 0 ? 0
                                     : static_cast<uint8_t>(0xff << (8 - keep));
    out[i] = static_cast<char>(a.bytes[i] & mask);
  }
  return n;
}

// The value-table key of the address `a` into `out` (at least 17 bytes);
// returns its length.
inline size_t AddressKey(const telemetry::IpAddr& a, char* out) {
  const size_t n = a.family == 4 ? 4 : 16;
  out[0] = kSpaceIp;
  std::memcpy(out + 1, a.bytes.data(), n);
  return n + 1;
}

// The value-table key of the block of `prefix` bits containing `a`.
inline std::string CidrKey(const telemetry::IpAddr& a, int prefix) {
  char masked[16];
  const size_t n = MaskAddress(a, prefix, masked);
  std::string key(1, kSpaceCidr);
  key.push_back(static_cast<char>(prefix));
  key.append(masked, n);
  return key;
}

struct Index::Impl {
  struct Indicator {
    uint32_t id_off = 0, id_len = 0;
    int32_t pattern = -1;  // index into `patterns` for full patterns
  };
  IndexOptions options;
  IndexStats stats;
  std::string ids;  // arena of indicator ids
  std::vector<Indicator> indicators;
  internal::ValueTable values;
  // CIDR blocks are keys of `values` (kSpaceCidr), one per block: an
  // address is looked up once per prefix length the index holds, masked,
  // with the other keys of its event (hashed and prefetched together). A
  // trie walk was up to 32 dependent cache misses an address; these are
  // independent. The lengths present, per family (IPv4, IPv6), ascending.
  std::array<std::vector<uint8_t>, 2> cidr_lengths;
  internal::RegexSet regexes;
  std::vector<std::unique_ptr<pattern::Pattern>> patterns;
  std::vector<uint32_t> unanchored;  // indicators tried on every event
  bool has_string_keys = false;      // any kSpaceString key in `values`
  // Spaces (the key's first byte) with at least one key: an event value of
  // a kind no indicator has costs no lookup.
  std::array<bool, 256> has_space{};
  // The fewest labels of any domain key ("example.com": 2): parents of an
  // event's name with fewer labels are not looked up (nobody lists "com").
  int min_domain_labels = 1;
  // Per indicator: (window << 32) | events matched in it.
  std::unique_ptr<std::atomic<uint64_t>[]> rate;

  std::string_view Id(uint32_t i) const {
    return std::string_view(ids).substr(indicators[i].id_off,
                                        indicators[i].id_len);
  }
};

// Which event fields a STIX object path can be matched in, and how; for
// atoms the typed structures understand. Empty fields: none.
struct PathInfo {
  enum class Kind {
    kNone,
    kIp,
    kDomain,
    kUrl,
    kEmail,
    kHash,
    kJa3,
    kHassh,
    kString,
  };
  Kind kind = Kind::kNone;
  uint32_t fields = 0;
  std::string algorithm;  // kHash: normalised algorithm name
};
PathInfo ClassifyPath(std::string_view object_type, std::string_view path);

// The fast path for the commonest indicator, one equality on a typed value
// as feeds write it: "[ipv4-addr:value = '198.51.100.1']", domain-name, url,
// email-addr, and file:hashes with an MD5, SHA-1 or SHA-256 of the right
// length. Fills `*atom` with exactly the prefilter atom pattern::Compile
// would give (tested on the patterning corpus) and returns true; anything
// else (other spacing, escapes, other paths or operators) returns false and
// takes the full compiler. Saves the lexer, parser, checker and renderer
// for most of a million indicators.
bool ParseSimplePattern(std::string_view text, pattern::PrefilterAtom* atom);

// The observation a full pattern is confirmed against (docs/matching.md,
// "Event as observation").
pattern::Observation EventObservation(const telemetry::Event& event);

}  // namespace ncert::match

#endif  // NCERT_MATCH_INDEX_INTERNAL_H_
