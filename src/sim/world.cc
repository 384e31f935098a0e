#include "sim/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace ncert::sim {
namespace {

struct NamePair {
  const char* en;
  const char* ja;
};

// Place names and trades for generated company names: "Mikawa Precision
// Co., Ltd." / "三河精密株式会社".
constexpr NamePair kPlaces[] = {
    {"Mikawa", "三河"},      {"Tokai", "東海"},     {"Hamana", "浜名"},
    {"Okazaki", "岡崎"},     {"Chita", "知多"},     {"Kariya", "刈谷"},
    {"Nishio", "西尾"},      {"Toyohashi", "豊橋"}, {"Anjo", "安城"},
    {"Suzuka", "鈴鹿"},      {"Kasugai", "春日井"}, {"Ichinomiya", "一宮"},
    {"Seto", "瀬戸"},        {"Gamagori", "蒲郡"},  {"Hekinan", "碧南"},
    {"Tahara", "田原"},      {"Inuyama", "犬山"},   {"Tsushima", "津島"},
    {"Yokkaichi", "四日市"}, {"Kuwana", "桑名"},    {"Ogaki", "大垣"},
    {"Gifu", "岐阜"},        {"Shizuoka", "静岡"},  {"Fuji", "富士"},
};
constexpr NamePair kTrades[] = {
    {"Precision", "精密"}, {"Press Works", "プレス工業"},
    {"Electric", "電機"},  {"Rubber Industries", "ゴム工業"},
    {"Plastics", "化成"},  {"Forging", "鍛造"},
    {"Casting", "鋳造"},   {"Spring", "発条"},
    {"Seiki", "精機"},     {"Wire Harness", "ワイヤーハーネス"},
    {"Coating", "塗装"},   {"Gear", "歯車製作所"},
};
constexpr NamePair kHospitals[] = {
    {"General Hospital", "総合病院"},
    {"Medical Center", "医療センター"},
    {"Red Cross Hospital", "赤十字病院"},
    {"Municipal Hospital", "市民病院"},
};
constexpr NamePair kIsps[] = {
    {"Net", "ネット"},
    {"Cable", "ケーブル"},
    {"Hikari", "光"},
    {"Broadband", "ブロードバンド"},
};
constexpr const char* kSurnames[] = {
    "sato",     "suzuki",    "takahashi", "tanaka", "watanabe", "ito",
    "yamamoto", "nakamura",  "kobayashi", "kato",   "yoshida",  "yamada",
    "sasaki",   "yamaguchi", "matsumoto", "inoue",  "kimura",   "hayashi",
    "shimizu",  "yamazaki",  "mori",      "abe",    "ikeda",    "hashimoto"};
constexpr const char* kGiven[] = {
    "hiroshi", "takashi", "yuki",    "akira", "kenji",  "yoko",  "keiko",
    "naoki",   "emi",     "daisuke", "mai",   "shota",  "ayaka", "ryo",
    "kaori",   "makoto",  "satoshi", "nana",  "tomoko", "yuta"};
constexpr const char* kRouters[] = {"HG8145V5 router", "TL-WR841N router",
                                    "DIR-615 router", "RT-N12 router",
                                    "WRC-1167 router"};
constexpr const char* kDvrs[] = {"XMeye DVR", "Hikvision DS-7104 DVR",
                                 "Dahua XVR5104 DVR", "TVT TD-2704 DVR"};
constexpr const char* kTlds[] = {"top", "xyz", "icu", "online", "site", "shop"};
constexpr const char* kSyllables[] = {
    "ka", "ri", "to", "mo", "na", "su", "ze", "lo", "vi", "qu", "ex",
    "ar", "on", "ti", "me", "ra", "do", "pe", "ul", "ix", "ne", "so"};

std::string Slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string Word(Rng& rng, int syllables) {
  std::string w;
  for (int i = 0; i < syllables; ++i) {
    w += kSyllables[rng.Below(std::size(kSyllables))];
  }
  return w;
}

class PoolAllocator {
 public:
  PoolAllocator(uint32_t base, int prefix)
      : next_(base),
        end_(static_cast<uint64_t>(base) + (1ull << (32 - prefix))) {}
  // A block of 2^(32-prefix) addresses, aligned.
  Result<uint32_t> Take(int prefix) {
    uint64_t size = 1ull << (32 - prefix);
    uint64_t start = (next_ + size - 1) / size * size;
    if (start + size > end_) {
      return Status::InvalidArgument(
          "world.public_pool is too small for the organisations and ISPs; "
          "give a larger block");
    }
    next_ = start + size;
    return static_cast<uint32_t>(start);
  }

 private:
  uint64_t next_, end_;
};

Sample MakeSample(Rng& rng, std::string name) {
  Sample s;
  s.file_name = std::move(name);
  s.md5 = rng.Hex(32);
  s.sha1 = rng.Hex(40);
  s.sha256 = rng.Hex(64);
  s.size = rng.Range(90000, 900000);
  return s;
}

}  // namespace

std::string_view HostKindName(HostKind k) {
  switch (k) {
    case HostKind::kPc:
      return "pc";
    case HostKind::kServer:
      return "server";
    case HostKind::kVpn:
      return "vpn";
    case HostKind::kRouter:
      return "router";
    case HostKind::kDvr:
      return "dvr";
  }
  return "?";
}

std::string FormatIpv4(uint32_t ip) {
  char buf[16];
  int n = std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24,
                        (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
  return std::string(buf, static_cast<size_t>(n));
}

Result<std::pair<uint32_t, int>> ParseCidr(std::string_view text) {
  unsigned a, b, c, d, p;
  char tail;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &p, &tail) !=
          5 ||
      a > 255 || b > 255 || c > 255 || d > 255 || p > 32) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not an IPv4 CIDR block", text));
  }
  uint32_t ip = (a << 24) | (b << 16) | (c << 8) | d;
  uint32_t mask = p == 0 ? 0 : ~0u << (32 - p);
  return std::make_pair(ip & mask, static_cast<int>(p));
}

std::vector<uint32_t> World::OrgsOf(std::string_view spec_id) const {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < orgs.size(); ++i) {
    if (orgs[i].spec_id == spec_id) out.push_back(i);
  }
  return out;
}

Result<World> BuildWorld(const Scenario& sc, const Rng& seed) {
  World w;
  Rng rng = seed.Fork("world");
  ASSIGN_OR_RETURN(auto pool, ParseCidr(sc.world.public_pool));
  PoolAllocator alloc(pool.first, pool.second);
  ASSIGN_OR_RETURN(auto dark, ParseCidr(sc.world.darknet));
  w.darknet_base = dark.first;
  w.darknet_prefix = dark.second;
  w.darknet_size = 1ull << (32 - dark.second);

  // Organisations and their hosts.
  std::vector<std::string> used_codes;
  for (const OrgSpec& spec : sc.world.orgs) {
    for (int k = 0; k < spec.count; ++k) {
      Org o;
      o.spec_id = spec.id;
      o.spec_index = k;
      o.sector = spec.sector;
      o.kind = spec.kind;
      if (!spec.name.empty() && spec.count == 1) {
        o.name = spec.name;
        o.name_ja = spec.name_ja.empty() ? spec.name : spec.name_ja;
      } else {
        const NamePair& place = kPlaces[rng.Below(std::size(kPlaces))];
        if (spec.kind == "hospital") {
          const NamePair& t = kHospitals[rng.Below(std::size(kHospitals))];
          o.name = fmt::format("{} {}", place.en, t.en);
          o.name_ja = fmt::format("{}{}", place.ja, t.ja);
        } else if (spec.kind == "isp") {
          const NamePair& t = kIsps[rng.Below(std::size(kIsps))];
          o.name = fmt::format("{} {} Inc.", place.en, t.en);
          o.name_ja = fmt::format("{}{}株式会社", place.ja, t.ja);
        } else {
          const NamePair& t = kTrades[rng.Below(std::size(kTrades))];
          o.name = fmt::format("{} {} Co., Ltd.", place.en, t.en);
          o.name_ja = fmt::format("{}{}株式会社", place.ja, t.ja);
        }
        // Keep names unique within the world.
        for (const Org& other : w.orgs) {
          if (other.name == o.name) {
            o.name = fmt::format("{} ({})", o.name, w.orgs.size());
            o.name_ja = fmt::format("{}（{}）", o.name_ja, w.orgs.size());
          }
        }
      }
      std::string slug = Slug(o.name);
      for (const char* suffix : {"-co-ltd", "-inc"}) {
        if (slug.size() > strlen(suffix) &&
            slug.compare(slug.size() - strlen(suffix), std::string::npos,
                         suffix) == 0) {
          slug.resize(slug.size() - strlen(suffix));
        }
      }
      o.domain = !spec.domain.empty() && spec.count == 1 ? spec.domain
                                                         : slug + ".example";
      // A three-letter host name prefix.
      std::string code;
      for (char c : slug) {
        if (c != '-' && code.size() < 3)
          code += static_cast<char>(std::toupper(c));
      }
      std::string base = code;
      for (int n = 2; std::find(used_codes.begin(), used_codes.end(), code) !=
                      used_codes.end();
           ++n) {
        code = base.substr(0, 2) + std::to_string(n);
      }
      used_codes.push_back(code);
      o.code = code;
      uint32_t index = static_cast<uint32_t>(w.orgs.size());
      o.internal_base = (10u << 24) | ((index & 0xff) << 16);
      if (spec.kind == "isp") {
        int prefix = 24;
        while (prefix > 8 && (1ull << (32 - prefix)) <
                                 static_cast<uint64_t>(spec.devices) * 4) {
          --prefix;
        }
        ASSIGN_OR_RETURN(o.public_base, alloc.Take(prefix));
        o.public_prefix = prefix;
        o.asn = spec.asn != 0 && spec.count == 1 ? spec.asn
                                                 : 64512 + rng.Below(1000);
      } else {
        ASSIGN_OR_RETURN(o.public_base, alloc.Take(28));
        o.public_prefix = 28;
      }
      o.identity_id = "identity--" + rng.UuidV4();
      o.first_host = static_cast<uint32_t>(w.hosts.size());
      for (int h = 0; h < spec.hosts; ++h) {
        Host host;
        host.org = index;
        bool server = spec.hosts >= 5 && h < std::max(1, spec.hosts / 10);
        host.kind = server ? HostKind::kServer : HostKind::kPc;
        host.ip = o.internal_base + 10 + static_cast<uint32_t>(h);
        host.name = server ? fmt::format("{}-SV{:02d}", o.code, h + 1)
                           : fmt::format("{}-PC{:03d}", o.code, h + 1);
        host.user =
            fmt::format("{}.{}", kSurnames[rng.Below(std::size(kSurnames))],
                        kGiven[rng.Below(std::size(kGiven))]);
        w.hosts.push_back(std::move(host));
      }
      if (spec.kind == "hospital" || spec.kind == "government") {
        Host vpn;
        vpn.org = index;
        vpn.kind = HostKind::kVpn;
        vpn.ip = o.public_base + 1;
        vpn.name = fmt::format("{}-VPN01", o.code);
        w.hosts.push_back(std::move(vpn));
      }
      o.host_count = static_cast<uint32_t>(w.hosts.size()) - o.first_host;
      w.orgs.push_back(std::move(o));
    }
  }
  for (Org& o : w.orgs) {
    const OrgSpec* spec = sc.FindOrg(o.spec_id);
    if (spec != nullptr && !spec->supplier_of.empty()) {
      auto targets = w.OrgsOf(spec->supplier_of);
      if (!targets.empty()) o.supplier_of = static_cast<int>(targets[0]);
    }
  }
  // IoT devices in ISPs' space (after all PCs, so PC indexes stay compact).
  for (uint32_t i = 0; i < w.orgs.size(); ++i) {
    Org& o = w.orgs[i];
    const OrgSpec* spec = sc.FindOrg(o.spec_id);
    if (spec == nullptr || spec->devices == 0) continue;
    o.first_device = static_cast<uint32_t>(w.hosts.size());
    uint64_t size = 1ull << (32 - o.public_prefix);
    uint64_t offset = rng.Below(size);
    for (int d = 0; d < spec->devices; ++d) {
      Host host;
      host.org = i;
      bool dvr = rng.Chance(0.35);
      host.kind = dvr ? HostKind::kDvr : HostKind::kRouter;
      // An odd multiplier is a bijection modulo a power of two: distinct
      // addresses spread over the block.
      uint64_t off = (static_cast<uint64_t>(d) * 2654435761ull + offset) % size;
      if ((off & 255) == 0 || (off & 255) == 255) off ^= 1;
      host.ip = o.public_base + static_cast<uint32_t>(off);
      host.name = dvr ? kDvrs[rng.Below(std::size(kDvrs))]
                      : kRouters[rng.Below(std::size(kRouters))];
      w.devices.push_back(static_cast<uint32_t>(w.hosts.size()));
      w.hosts.push_back(std::move(host));
    }
    o.device_count = static_cast<uint32_t>(w.hosts.size()) - o.first_device;
  }

  // Threat landscape.
  Rng trng = seed.Fork("threat");
  const ThreatSpec& ts = sc.threat;
  ASSIGN_OR_RETURN(auto c2pool, ParseCidr(ts.c2_pool));
  uint64_t c2size = 1ull << (32 - c2pool.second);
  auto pool_ip = [&](uint64_t i) {
    return c2pool.first +
           static_cast<uint32_t>((i * 2654435761ull + 7) % c2size);
  };
  static constexpr uint16_t kC2Ports[] = {443, 8080, 7080, 443, 8443};
  for (int i = 0; i < ts.c2; ++i) {
    w.threat.c2_ips.push_back(
        pool_ip(static_cast<uint64_t>(i) + trng.Below(3) * 1000));
    w.threat.c2_ports.push_back(kC2Ports[trng.Below(std::size(kC2Ports))]);
  }
  w.threat.loader_ip = pool_ip(static_cast<uint64_t>(ts.c2) + 11);
  w.threat.exploit_ip = pool_ip(static_cast<uint64_t>(ts.c2) + 23);
  for (int i = 0; i < ts.domains; ++i) {
    std::string d = fmt::format("{}-{}.{}", Word(trng, 3), Word(trng, 2),
                                kTlds[trng.Below(std::size(kTlds))]);
    w.threat.domains.push_back(d);
    w.threat.urls.push_back(fmt::format("http://{}/wp-content/{}/{}/", d,
                                        Word(trng, 2), trng.Hex(6)));
  }
  std::string family = Slug(ts.malware);
  for (int i = 0; i < ts.samples; ++i) {
    bool bot = std::find(ts.malware_types.begin(), ts.malware_types.end(),
                         "bot") != ts.malware_types.end();
    std::string name =
        bot ? fmt::format("{}.{}", Word(trng, 1),
                          i % 3 == 0   ? "arm7"
                          : i % 3 == 1 ? "mips"
                                       : "x86")
            : fmt::format("{}_{}.doc", i % 2 ? "請求書" : "Invoice",
                          trng.Range(1000, 9999));
    w.threat.samples.push_back(MakeSample(trng, name));
  }
  if (!ts.ransomware.empty()) {
    w.threat.ransomware = MakeSample(trng, Slug(ts.ransomware) + ".exe");
  }
  (void)family;

  // Sensors.
  Rng srng = seed.Fork("sensors");
  for (int i = 0; i < sc.world.honeypots; ++i) {
    w.honeypots.push_back(
        w.darknet_base + 1 +
        static_cast<uint32_t>(srng.Below(w.darknet_size - 2)));
  }
  static constexpr const char* kScanners[] = {
      "Shadowserver", "Censys",
      "Shodan",       "Rapid7 Project Sonar",
      "BinaryEdge",   "Internet Census",
      "Stretchoid",   "Palo Alto Cortex Xpanse"};
  for (int i = 0; i < sc.background.research_scanners; ++i) {
    // TEST-NET-2, 198.51.100.0/24.
    w.research_scanners.push_back(
        {(198u << 24) | (51u << 16) | (100u << 8) |
             static_cast<uint32_t>(10 + i % 240),
         kScanners[static_cast<size_t>(i) % std::size(kScanners)]});
  }
  // Real, benign, and often reported by mistake.
  for (const char* ip : {"104.16.132.229", "151.101.1.69", "23.215.0.136",
                         "13.107.21.200", "142.250.196.110", "8.8.8.8"}) {
    auto c = ParseCidr(std::string(ip) + "/32");
    w.cdn_ips.push_back(c->first);
  }
  w.popular_domains = {"www.google.com",
                       "www.microsoft.com",
                       "ctldl.windowsupdate.com",
                       "www.yahoo.co.jp",
                       "www.amazon.co.jp",
                       "cdn.jsdelivr.net",
                       "login.microsoftonline.com",
                       "outlook.office365.com",
                       "www.nhk.or.jp",
                       "ajax.googleapis.com"};
  return w;
}

}  // namespace ncert::sim
