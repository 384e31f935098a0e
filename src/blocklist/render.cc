// The six writers. Values reach them validated (extract.cc); these add only
// each format's own escaping, and text from the indicator that is not a
// value (names, labels) is reduced to printable ASCII before it goes into a
// comment, a Suricata msg or a CSV field.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "blocklist/blocklist.h"
#include "core/json.h"

namespace ncert::blocklist {
namespace {

size_t Index(Kind k) { return static_cast<size_t>(k); }

// Printable ASCII only; everything else becomes '?'. At most `max` bytes.
std::string Printable(std::string_view s, size_t max = 120) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    const unsigned char u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  return out;
}

std::string NameOrId(const Indicator& ind) {
  return ind.name.empty() ? ind.id : Printable(ind.name);
}

std::string TlpText(const Indicator& ind) {
  return ind.tlp ? std::string(stix::TlpName(*ind.tlp)) : "";
}

// ---- stix -------------------------------------------------------------------

class StixWriter final : public Writer {
 public:
  explicit StixWriter(std::string bundle_id)
      : bundle_id_(std::move(bundle_id)) {}
  void Begin(std::string* out) override {
    *out += "{\"id\":";
    AppendJsonString(bundle_id_, out);
    *out += ",\"objects\":[";
  }
  void Add(const Indicator& ind, const std::vector<Value>& values,
           std::string* out) override {
    *out += n_++ == 0 ? "\n" : ",\n";
    *out += ind.json;  // canonical JSON as stored
    for (const Value& v : values) ++written_[Index(v.kind)];
  }
  void End(std::string* out) override {
    *out += n_ ? "\n" : "";
    *out += "],\"type\":\"bundle\"}\n";
  }

 private:
  std::string bundle_id_;
  int64_t n_ = 0;
};

// ---- csv --------------------------------------------------------------------

// RFC 4180 quoting; a field that a spreadsheet would read as a formula
// (= + - @ first) gets a leading apostrophe (OWASP CSV injection).
void AppendCsvField(std::string_view s, std::string* out) {
  std::string v = Printable(s, 1024);
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
    v.insert(0, "'");
  }
  if (v.find_first_of(",\"") == std::string::npos) {
    *out += v;
    return;
  }
  *out += '"';
  for (char c : v) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

class CsvWriter final : public Writer {
 public:
  void Begin(std::string* out) override {
    *out += "id,type,value,valid_from,valid_until,confidence,labels,tlp\n";
  }
  void Add(const Indicator& ind, const std::vector<Value>& values,
           std::string* out) override {
    std::string labels;
    for (const auto& l : ind.labels) {
      if (!labels.empty()) labels += ';';
      labels += l;
    }
    for (const Value& v : values) {
      ++written_[Index(v.kind)];
      *out += ind.id;
      *out += ',';
      *out += KindName(v.kind);
      *out += ',';
      AppendCsvField(v.value, out);
      *out += ',';
      if (ind.valid_from) *out += FormatTimestamp(*ind.valid_from);
      *out += ',';
      if (ind.valid_until) *out += FormatTimestamp(*ind.valid_until);
      *out += ',';
      if (ind.confidence) *out += std::to_string(*ind.confidence);
      *out += ',';
      AppendCsvField(labels, out);
      *out += ',';
      *out += TlpText(ind);
      *out += '\n';
    }
  }
  void End(std::string*) override {}
};

// ---- txt --------------------------------------------------------------------

class TxtWriter final : public Writer {
 public:
  explicit TxtWriter(Timestamp now) : now_(now) {}
  void Begin(std::string*) override {}
  void Add(const Indicator&, const std::vector<Value>& values,
           std::string*) override {
    for (const Value& v : values) values_[Index(v.kind)].insert(v.value);
  }
  void End(std::string* out) override {
    *out += fmt::format("# ncert block list, {}\n", FormatTimestamp(now_, 0));
    for (int k = 0; k < kKinds; ++k) {
      if (values_[k].empty()) continue;
      written_[k] = static_cast<int64_t>(values_[k].size());
      *out += fmt::format("# {} ({})\n", KindName(static_cast<Kind>(k)),
                          values_[k].size());
      for (const auto& v : values_[k]) {
        *out += v;
        *out += '\n';
      }
    }
  }

 private:
  Timestamp now_;
  std::array<std::set<std::string>, kKinds> values_;
};

// ---- suricata
// -----------------------------------------------------------------

// A Suricata msg: printable ASCII with '"', ';' and '\' escaped.
std::string SuricataMsg(const Indicator& ind) {
  std::string out;
  for (char c :
       fmt::format("ncert block list: {} ({})", NameOrId(ind), ind.id)) {
    if (c == '"' || c == ';' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Content strings: the validated values hold none of '"', ';', '\', '|' or
// white space; any that did would be written as |xx| hex, never raw.
std::string SuricataContent(std::string_view s) {
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == ';' || c == '\\' || c == '|' || u < 0x21 || u > 0x7e) {
      out += fmt::format("|{:02X}|", u);
    } else {
      out += c;
    }
  }
  return out;
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

class SuricataWriter final : public Writer {
 public:
  explicit SuricataWriter(const WriterOptions& o) : o_(o) {}
  void Begin(std::string* out) override {
    *out += fmt::format(
        "# ncert block list: Suricata 7 rules, {}\n"
        "# sids {}..{}; rev = the indicator's modified time (Unix seconds)\n",
        FormatTimestamp(o_.now, 0), o_.sid_base, o_.sid_base + o_.sid_span - 1);
  }
  void Add(const Indicator& ind, const std::vector<Value>& values,
           std::string* out) override {
    const std::string msg = SuricataMsg(ind);
    const int64_t rev = std::max<int64_t>(1, ind.version.micros / 1'000'000);
    auto tail = [&](std::string_view tag) {
      return fmt::format(
          "metadata:ncert_indicator {}; classtype:bad-unknown; "
          "sid:{}; rev:{};)\n",
          ind.id, Sid(ind.id, tag), rev);
    };
    std::vector<std::string> addrs;
    for (const Value& v : values) {
      if (!seen_[Index(v.kind)].insert(v.value).second) continue;  // first wins
      ++written_[Index(v.kind)];
      switch (v.kind) {
        case Kind::kIpv4:
        case Kind::kIpv6:
          addrs.push_back(v.value);
          break;
        case Kind::kDomain: {
          const std::string c = SuricataContent("." + v.value);
          *out += fmt::format(
              "alert dns any any -> any any (msg:\"{}\"; dns.query; dotprefix; "
              "content:\"{}\"; nocase; endswith; {}",
              msg, c, tail("dns:" + v.value));
          *out += fmt::format(
              "alert tls any any -> any any (msg:\"{}\"; tls.sni; dotprefix; "
              "content:\"{}\"; nocase; endswith; {}",
              msg, c, tail("tls:" + v.value));
          break;
        }
        case Kind::kUrl:
          AddUrl(msg, v.value, tail("url:" + v.value), out);
          break;
        case Kind::kMd5:
        case Kind::kSha1:
        case Kind::kSha256:
          hashes_[Index(v.kind)].insert(v.value);
          break;
      }
    }
    for (size_t i = 0; i < addrs.size(); i += o_.max_addresses_per_rule) {
      std::string list;
      for (size_t j = i;
           j < std::min(addrs.size(), i + o_.max_addresses_per_rule); ++j) {
        if (!list.empty()) list += ',';
        list += addrs[j];
      }
      *out += fmt::format("alert ip any any -> [{}] any (msg:\"{}\"; {}", list,
                          msg, tail(fmt::format("ip:{}", i)));
    }
  }
  void End(std::string* out) override {
    static constexpr std::pair<Kind, const char*> kLists[] = {
        {Kind::kMd5, "md5"}, {Kind::kSha1, "sha1"}, {Kind::kSha256, "sha256"}};
    for (const auto& [kind, algo] : kLists) {
      const auto& set = hashes_[Index(kind)];
      if (set.empty()) continue;
      std::string name = fmt::format("{}-{}.txt", o_.hash_list_prefix, algo);
      std::string content;
      for (const auto& h : set) content += h + "\n";
      companions_.push_back({name, std::move(content)});
      for (const char* proto : {"http", "smtp", "smb", "ftp-data"}) {
        *out += fmt::format(
            "alert {} any any -> any any (msg:\"ncert block list: file {} on "
            "the list {}\"; file{}:{}; classtype:bad-unknown; sid:{}; "
            "rev:1;)\n",
            proto, algo, name, algo, name,
            Sid("file", fmt::format("{}:{}", proto, algo)));
      }
    }
  }
  std::vector<Companion> Companions() override { return companions_; }

 private:
  // A sid that stays the same for the same rule across exports (a hash of
  // the indicator id and the rule), moved on past collisions.
  int64_t Sid(std::string_view id, std::string_view tag) {
    uint64_t h = Fnv1a(fmt::format("{}|{}", id, tag));
    int64_t sid = o_.sid_base +
                  static_cast<int64_t>(h % static_cast<uint64_t>(o_.sid_span));
    while (!used_.insert(sid).second) {
      sid = sid + 1 >= o_.sid_base + o_.sid_span ? o_.sid_base : sid + 1;
    }
    return sid;
  }
  void AddUrl(const std::string& msg, const std::string& url,
              const std::string& tail, std::string* out) {
    // Validated: scheme://host[:port]/path; http.host has no port.
    size_t host_start = url.find("://") + 3;
    size_t path_start = std::min(url.find('/', host_start), url.size());
    std::string authority = url.substr(host_start, path_start - host_start);
    std::string host = authority.substr(
        0, authority.rfind(':') == std::string::npos ? authority.size()
                                                     : authority.rfind(':'));
    std::string path = path_start < url.size() ? url.substr(path_start) : "/";
    std::string rule = fmt::format(
        "alert http any any -> any any (msg:\"{}\"; "
        "flow:established,to_server; "
        "http.host; content:\"{}\"; nocase; bsize:{}; ",
        msg, SuricataContent(host), host.size());
    if (path != "/") {
      rule += fmt::format("http.uri.raw; content:\"{}\"; startswith; ",
                          SuricataContent(path));
    }
    *out += rule + tail;
  }

  WriterOptions o_;
  std::unordered_set<int64_t> used_;
  std::array<std::unordered_set<std::string>, kKinds> seen_;
  std::array<std::set<std::string>, kKinds> hashes_;
  std::vector<Companion> companions_;
};

// ---- rpz --------------------------------------------------------------------

class RpzWriter final : public Writer {
 public:
  RpzWriter(const WriterOptions& o, std::string target)
      : o_(o), target_(std::move(target)) {}
  void Begin(std::string* out) override {
    *out += fmt::format(
        "; ncert block list: DNS response policy zone, policy {}, {}\n"
        "$TTL {}\n$ORIGIN {}.\n"
        "@ IN SOA localhost. hostmaster.localhost. ( {} 3600 600 86400 {} )\n"
        "  IN NS localhost.\n",
        o_.rpz_policy, FormatTimestamp(o_.now, 0), o_.rpz_ttl, o_.rpz_zone,
        static_cast<uint32_t>(o_.now.micros / 1'000'000), o_.rpz_ttl);
  }
  void Add(const Indicator& ind, const std::vector<Value>& values,
           std::string* out) override {
    bool commented = false;
    for (const Value& v : values) {
      if (v.kind != Kind::kDomain) continue;
      if (!seen_.insert(v.value).second) continue;
      ++written_[Index(v.kind)];
      if (!commented) {
        *out += fmt::format("; {} {}\n", ind.id, NameOrId(ind));
        commented = true;
      }
      *out += fmt::format("{} CNAME {}\n*.{} CNAME {}\n", v.value, target_,
                          v.value, target_);
    }
  }
  void End(std::string*) override {}

 private:
  WriterOptions o_;
  std::string target_;
  std::unordered_set<std::string> seen_;
};

// ---- nftables
// -----------------------------------------------------------------

class NftWriter final : public Writer {
 public:
  explicit NftWriter(const WriterOptions& o) : o_(o) {}
  void Begin(std::string*) override {}
  void Add(const Indicator&, const std::vector<Value>& values,
           std::string*) override {
    for (const Value& v : values) {
      if (v.kind == Kind::kIpv4) v4_.insert(v.value);
      if (v.kind == Kind::kIpv6) v6_.insert(v.value);
    }
  }
  void End(std::string* out) override {
    written_[Index(Kind::kIpv4)] = static_cast<int64_t>(v4_.size());
    written_[Index(Kind::kIpv6)] = static_cast<int64_t>(v6_.size());
    const std::string& t = o_.nft_table;
    *out += fmt::format(
        "#!/usr/sbin/nft -f\n"
        "# ncert block list, {}: {} IPv4 and {} IPv6 entries\n"
        "# Replaces table inet {} as a whole (the first line makes the delete\n"
        "# safe when it does not exist yet).\n"
        "table inet {}\ndelete table inet {}\ntable inet {} {{\n",
        FormatTimestamp(o_.now, 0), v4_.size(), v6_.size(), t, t, t, t);
    Set("blocked_v4", "ipv4_addr", v4_, out);
    Set("blocked_v6", "ipv6_addr", v6_, out);
    *out +=
        "\tchain forward {\n"
        "\t\ttype filter hook forward priority filter; policy accept;\n"
        "\t\tip daddr @blocked_v4 drop\n\t\tip saddr @blocked_v4 drop\n"
        "\t\tip6 daddr @blocked_v6 drop\n\t\tip6 saddr @blocked_v6 drop\n"
        "\t}\n"
        "\tchain output {\n"
        "\t\ttype filter hook output priority filter; policy accept;\n"
        "\t\tip daddr @blocked_v4 drop\n\t\tip6 daddr @blocked_v6 drop\n"
        "\t}\n}\n";
  }

 private:
  static void Set(std::string_view name, std::string_view type,
                  const std::set<std::string>& values, std::string* out) {
    *out += fmt::format(
        "\tset {} {{\n\t\ttype {}\n\t\tflags interval\n"
        "\t\tauto-merge\n",
        name, type);
    if (!values.empty()) {
      *out += "\t\telements = {";
      size_t i = 0;
      for (const auto& v : values) {
        *out += i == 0 ? " " : (i % 8 == 0 ? ",\n\t\t\t" : ", ");
        *out += v;
        ++i;
      }
      *out += " }\n";
    }
    *out += "\t}\n";
  }

  WriterOptions o_;
  std::set<std::string> v4_, v6_;
};

bool IsDnsName(std::string_view s) {
  return NormaliseValue(Kind::kDomain, s).ok();
}

}  // namespace

Result<std::unique_ptr<Writer>> NewWriter(const WriterOptions& o) {
  switch (o.format) {
    case Format::kStix:
      return std::unique_ptr<Writer>(new StixWriter(o.bundle_id));
    case Format::kCsv:
      return std::unique_ptr<Writer>(new CsvWriter());
    case Format::kTxt:
      return std::unique_ptr<Writer>(new TxtWriter(o.now));
    case Format::kSuricata:
      if (o.sid_base < 1 || o.sid_span < 1 ||
          o.sid_base + o.sid_span - 1 > int64_t{4294967295}) {
        return Status::InvalidArgument(
            "the sid range must lie within 1..4294967295");
      }
      if (o.max_addresses_per_rule < 1) {
        return Status::InvalidArgument("addresses per rule must be at least 1");
      }
      for (char c : o.hash_list_prefix) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
              c == '_')) {
          return Status::InvalidArgument(
              "the hash list prefix may hold letters, digits, '-' and '_'");
        }
      }
      return std::unique_ptr<Writer>(new SuricataWriter(o));
    case Format::kRpz: {
      if (!IsDnsName(o.rpz_zone)) {
        return Status::InvalidArgument(fmt::format(
            "--rpz-zone '{}' is not a DNS name", Printable(o.rpz_zone)));
      }
      if (o.rpz_ttl < 0 || o.rpz_ttl > 2147483647) {
        return Status::InvalidArgument("the RPZ TTL must be 0..2147483647");
      }
      std::string target;
      if (o.rpz_policy == "nxdomain")
        target = ".";
      else if (o.rpz_policy == "nodata")
        target = "*.";
      else if (o.rpz_policy == "drop")
        target = "rpz-drop.";
      else if (o.rpz_policy == "passthru")
        target = "rpz-passthru.";
      else if (o.rpz_policy == "redirect") {
        if (!IsDnsName(o.rpz_redirect)) {
          return Status::InvalidArgument(
              "--rpz-policy redirect needs --rpz-redirect HOST, a DNS name");
        }
        target = *NormaliseValue(Kind::kDomain, o.rpz_redirect) + ".";
      } else {
        return Status::InvalidArgument(fmt::format(
            "unknown RPZ policy '{}' (nxdomain, nodata, drop, passthru, "
            "redirect)",
            Printable(o.rpz_policy)));
      }
      return std::unique_ptr<Writer>(new RpzWriter(o, std::move(target)));
    }
    case Format::kNftables: {
      const std::string& t = o.nft_table;
      if (t.empty() || t.size() > 64 ||
          !std::isalpha(static_cast<unsigned char>(t[0])) ||
          !std::all_of(t.begin(), t.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
          })) {
        return Status::InvalidArgument(
            "the nft table name must be a letter then letters, digits or '_'");
      }
      return std::unique_ptr<Writer>(new NftWriter(o));
    }
  }
  return Status::InvalidArgument("unknown format");
}

}  // namespace ncert::blocklist
