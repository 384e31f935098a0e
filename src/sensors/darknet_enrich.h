// Enrichment for the darknet report: published research-scanner ranges
// (names by CIDR) and country / AS lookups in MaxMind DB files.
//
// Thread safety: ScannerRanges is immutable after loading (concurrent
// lookups are safe); GeoIp holds open MMDB handles and is used by one thread.
#ifndef NCERT_SENSORS_DARKNET_ENRICH_H_
#define NCERT_SENSORS_DARKNET_ENRICH_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env.h"
#include "core/status.h"

namespace ncert::sensors {

using IpBytes = std::array<uint8_t, 16>;  // IPv4 as ::ffff:a.b.c.d

struct IpRange {
  IpBytes lo{}, hi{};
};

// "192.0.2.7", "192.0.2.0/24", "2001:db8::/32" → the range it covers;
// nullopt when it is not an address or CIDR.
std::optional<IpRange> ParseCidr(std::string_view text);
std::string FormatIp(const IpBytes& ip);
bool InRange(const IpRange& r, const IpBytes& ip);

// Named address ranges of research scanners (Censys, Shodan, ...).
class ScannerRanges {
 public:
  // Adds ranges from a file: a MISP warninglist (JSON with "name" and
  // "list"; entries that are not CIDRs are skipped and counted), or text
  // with one "CIDR NAME..." per line ('#' starts a comment). Bad lines are
  // InvalidArgument with file:line.
  Status LoadFile(Env& env, const std::string& path);
  void Add(const IpRange& range, std::string name);

  // The name of the scanner owning `ip`, or nullptr. Call Freeze() first.
  void Freeze();
  const std::string* Lookup(const IpBytes& ip) const;
  // The same as an index into names(), or -1.
  int LookupId(const IpBytes& ip) const;
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return ranges_.size(); }
  size_t skipped() const { return skipped_; }

 private:
  struct Entry {
    IpRange range;
    uint32_t name;
  };
  std::vector<Entry> ranges_;    // sorted by lo after Freeze()
  std::vector<IpBytes> max_hi_;  // running maximum of hi
  std::vector<std::string> names_;
  size_t skipped_ = 0;
};

struct GeoInfo {
  std::string country;  // ISO 3166-1 alpha-2, "" when unknown
  uint32_t asn = 0;
  std::string as_org;
};

class GeoIp {
 public:
  // Opens the *Country*.mmdb and *ASN*.mmdb files in `dir` (either may be
  // missing, not both). NotFound / Corruption with the file name otherwise.
  static Result<std::unique_ptr<GeoIp>> OpenDir(Env& env,
                                                const std::string& dir);
  ~GeoIp();
  GeoIp(const GeoIp&) = delete;
  GeoIp& operator=(const GeoIp&) = delete;
  GeoInfo Lookup(const IpBytes& ip) const;

 private:
  GeoIp() = default;
  struct Db;
  std::unique_ptr<Db> country_;
  std::unique_ptr<Db> asn_;
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_DARKNET_ENRICH_H_
