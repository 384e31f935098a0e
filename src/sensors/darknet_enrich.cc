#include "sensors/darknet_enrich.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <maxminddb.h>
#include <simdjson.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace ncert::sensors {

std::optional<IpRange> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  std::string addr(text.substr(0, slash));
  int prefix = -1;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
  }
  IpBytes ip{};
  int bits;
  uint8_t v4[4];
  if (inet_pton(AF_INET, addr.c_str(), v4) == 1) {
    ip[10] = ip[11] = 0xff;
    std::memcpy(ip.data() + 12, v4, 4);
    bits = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), ip.data()) == 1) {
    bits = 128;
  } else {
    return std::nullopt;
  }
  if (prefix < 0) prefix = bits;
  if (prefix > bits) return std::nullopt;
  int keep = 128 - bits + prefix;  // leading bits of the 128 that are fixed
  IpRange r{ip, ip};
  for (int b = keep; b < 128; ++b) {
    uint8_t mask = static_cast<uint8_t>(0x80 >> (b % 8));
    r.lo[b / 8] = static_cast<uint8_t>(r.lo[b / 8] & ~mask);
    r.hi[b / 8] = static_cast<uint8_t>(r.hi[b / 8] | mask);
  }
  return r;
}

std::string FormatIp(const IpBytes& ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.data(), kMapped, 12) == 0) {
    inet_ntop(AF_INET, ip.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, ip.data(), buf, sizeof buf);
  }
  return buf;
}

bool InRange(const IpRange& r, const IpBytes& ip) {
  return r.lo <= ip && ip <= r.hi;
}

void ScannerRanges::Add(const IpRange& range, std::string name) {
  auto it = std::find(names_.begin(), names_.end(), name);
  uint32_t index = static_cast<uint32_t>(it - names_.begin());
  if (it == names_.end()) names_.push_back(std::move(name));
  ranges_.push_back({range, index});
}

Status ScannerRanges::LoadFile(Env& env, const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, env.ReadFile(path, 64u << 20));
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(text).get(doc); err) {
      return Status::InvalidArgument(fmt::format("{}: not valid JSON: {}", path,
                                                 simdjson::error_message(err)));
    }
    std::string_view name;
    simdjson::dom::array list;
    if (doc["name"].get_string().get(name) ||
        doc["list"].get_array().get(list)) {
      return Status::InvalidArgument(fmt::format(
          "{}: a MISP warninglist needs a string \"name\" and an array "
          "\"list\"",
          path));
    }
    for (simdjson::dom::element e : list) {
      std::string_view v;
      std::optional<IpRange> r;
      if (!e.get_string().get(v)) r = ParseCidr(v);
      if (!r) {
        ++skipped_;
        continue;
      }
      Add(*r, std::string(name));
    }
    return Status::Ok();
  }
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    auto trim = [](std::string_view s) {
      size_t a = s.find_first_not_of(" \t\r");
      if (a == std::string_view::npos) return std::string_view();
      size_t b = s.find_last_not_of(" \t\r");
      return s.substr(a, b - a + 1);
    };
    line = trim(line);
    if (line.empty()) continue;
    size_t space = line.find_first_of(" \t");
    std::string_view cidr = line.substr(0, space);
    std::string_view name =
        space == std::string_view::npos ? "" : trim(line.substr(space));
    std::optional<IpRange> r = ParseCidr(cidr);
    if (!r || name.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{}:{}: want \"CIDR NAME\" (for example \"162.142.125.0/24 "
          "Censys\")",
          path, line_no));
    }
    Add(*r, std::string(name));
  }
  return Status::Ok();
}

void ScannerRanges::Freeze() {
  std::sort(ranges_.begin(), ranges_.end(), [](const Entry& a, const Entry& b) {
    return a.range.lo < b.range.lo;
  });
  max_hi_.resize(ranges_.size());
  for (size_t i = 0; i < ranges_.size(); ++i) {
    max_hi_[i] = i == 0 ? ranges_[i].range.hi
                        : std::max(max_hi_[i - 1], ranges_[i].range.hi);
  }
}

const std::string* ScannerRanges::Lookup(const IpBytes& ip) const {
  int id = LookupId(ip);
  return id < 0 ? nullptr : &names_[static_cast<size_t>(id)];
}

int ScannerRanges::LookupId(const IpBytes& ip) const {
  // The last range starting at or before ip, then back while an earlier
  // range could still reach ip (nested or overlapping lists).
  auto it = std::upper_bound(
      ranges_.begin(), ranges_.end(), ip,
      [](const IpBytes& v, const Entry& e) { return v < e.range.lo; });
  for (size_t i = static_cast<size_t>(it - ranges_.begin()); i-- > 0;) {
    if (max_hi_[i] < ip) break;
    if (ip <= ranges_[i].range.hi) return static_cast<int>(ranges_[i].name);
  }
  return -1;
}

struct GeoIp::Db {
  MMDB_s mmdb{};
  ~Db() { MMDB_close(&mmdb); }
};

GeoIp::~GeoIp() = default;

Result<std::unique_ptr<GeoIp>> GeoIp::OpenDir(Env& env,
                                              const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, env.ListDir(dir));
  std::unique_ptr<GeoIp> geo(new GeoIp());
  for (const std::string& name : names) {
    if (name.size() < 5 || name.substr(name.size() - 5) != ".mmdb") continue;
    bool is_country = name.find("Country") != std::string::npos;
    bool is_asn = name.find("ASN") != std::string::npos;
    if (!is_country && !is_asn) continue;
    std::unique_ptr<Db>& slot = is_country ? geo->country_ : geo->asn_;
    if (slot) continue;  // the first in name order
    auto db = std::make_unique<Db>();
    std::string path = dir + "/" + name;
    // libmaxminddb reads (mmaps) the file itself: MaxMind DBs are opened by
    // path, outside the Env seam, like SQLite databases.
    int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb);
    if (rc != MMDB_SUCCESS) {
      return Status::Corruption(fmt::format("{}: {}", path, MMDB_strerror(rc)));
    }
    slot = std::move(db);
  }
  if (!geo->country_ && !geo->asn_) {
    return Status::NotFound(fmt::format(
        "{}: no *Country*.mmdb or *ASN*.mmdb file (MaxMind DB format)", dir));
  }
  return geo;
}

namespace {

std::string LookupString(MMDB_s* db, const IpBytes& ip,
                         std::initializer_list<const char*> path,
                         uint32_t* number) {
  sockaddr_storage ss{};
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.data(), kMapped, 12) == 0) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, ip.data() + 12, 4);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, ip.data(), 16);
  }
  int rc = MMDB_SUCCESS;
  MMDB_lookup_result_s res =
      MMDB_lookup_sockaddr(db, reinterpret_cast<sockaddr*>(&ss), &rc);
  if (rc != MMDB_SUCCESS || !res.found_entry) return "";
  std::vector<const char*> p(path.begin(), path.end());
  p.push_back(nullptr);
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(&res.entry, &data, p.data()) != MMDB_SUCCESS ||
      !data.has_data) {
    return "";
  }
  if (data.type == MMDB_DATA_TYPE_UTF8_STRING) {
    return std::string(data.utf8_string, data.data_size);
  }
  if (number != nullptr && data.type == MMDB_DATA_TYPE_UINT32) {
    *number = data.uint32;
  }
  return "";
}

}  // namespace

GeoInfo GeoIp::Lookup(const IpBytes& ip) const {
  GeoInfo g;
  if (country_) {
    g.country =
        LookupString(&country_->mmdb, ip, {"country", "iso_code"}, nullptr);
  }
  if (asn_) {
    LookupString(&asn_->mmdb, ip, {"autonomous_system_number"}, &g.asn);
    g.as_org = LookupString(&asn_->mmdb, ip, {"autonomous_system_organization"},
                            nullptr);
  }
  return g;
}

}  // namespace ncert::sensors
