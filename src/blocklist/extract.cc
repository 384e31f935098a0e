// Indicators in, validated block-list values out.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "blocklist/blocklist.h"
#include "pattern/pattern.h"

namespace ncert::blocklist {
namespace {

constexpr size_t kMaxDomainBytes = 253;
constexpr size_t kMaxUrlBytes = 2048;

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Addresses no public block list should carry: unspecified, loopback,
// private (RFC 1918, RFC 4193), link-local, shared (RFC 6598), multicast
// and reserved space. Documentation ranges stay allowed (examples use them).
const char* Reserved(bool v6, const unsigned char* b) {
  if (!v6) {
    if (b[0] == 0) return "the unspecified network 0.0.0.0/8";
    if (b[0] == 127) return "a loopback address";
    if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
        (b[0] == 192 && b[1] == 168)) {
      return "a private address (RFC 1918)";
    }
    if (b[0] == 100 && (b[1] & 0xc0) == 64)
      return "shared address space (RFC 6598)";
    if (b[0] == 169 && b[1] == 254) return "a link-local address";
    if (b[0] >= 224) return "a multicast or reserved address";
    return nullptr;
  }
  static const unsigned char kZero[16] = {};
  if (std::equal(b, b + 15, kZero) && (b[15] == 0 || b[15] == 1)) {
    return "the unspecified or loopback address";
  }
  if ((b[0] & 0xfe) == 0xfc) return "a unique local address (RFC 4193)";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "a link-local address";
  if (b[0] == 0xff) return "a multicast address";
  return nullptr;
}

Result<std::string> NormaliseIp(bool v6, std::string_view text) {
  std::string s(text);
  int prefix = -1;
  const int max_prefix = v6 ? 128 : 32;
  if (size_t slash = s.find('/'); slash != std::string::npos) {
    std::string_view p = std::string_view(s).substr(slash + 1);
    if (p.empty() || p.size() > 3 ||
        !std::all_of(p.begin(), p.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return Status::InvalidArgument("the prefix length is not a number");
    }
    prefix = std::stoi(std::string(p));
    if (prefix > max_prefix) {
      return Status::InvalidArgument(
          fmt::format("prefix /{} is longer than {}", prefix, max_prefix));
    }
    s.resize(slash);
  }
  unsigned char bytes[16] = {};
  if (inet_pton(v6 ? AF_INET6 : AF_INET, s.c_str(), bytes) != 1) {
    return Status::InvalidArgument(v6 ? "not an IPv6 address"
                                      : "not a dotted-quad IPv4 address");
  }
  if (prefix == 0) {
    return Status::InvalidArgument("a /0 block would match every address");
  }
  if (prefix >= 0 && prefix < (v6 ? 16 : 8)) {
    return Status::InvalidArgument(
        fmt::format("/{} is too broad for a block list (at most /{} blocks)",
                    prefix, v6 ? 16 : 8));
  }
  if (const char* why = Reserved(v6, bytes)) {
    return Status::InvalidArgument(fmt::format(
        "{}: blocking it would cut traffic that never leaves the site", why));
  }
  if (prefix >= 0) {  // clear the host bits: 192.0.2.1/24 is 192.0.2.0/24
    const int n = v6 ? 16 : 4;
    for (int i = 0; i < n; ++i) {
      int keep = std::clamp(prefix - i * 8, 0, 8);
      bytes[i] &= static_cast<unsigned char>(0xff00 >> keep);
    }
  }
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, buf, sizeof buf);
  std::string out = buf;
  if (prefix >= 0 && prefix < max_prefix) out += fmt::format("/{}", prefix);
  return out;
}

// Host names: LDH labels (and '_', which real names carry), 1..63 bytes
// each, at least two labels, ASCII only (IDNs must come as punycode).
Result<std::string> NormaliseDomain(std::string_view text) {
  std::string s = LowerAscii(text);
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s.empty()) return Status::InvalidArgument("empty name");
  if (s.size() > kMaxDomainBytes) {
    return Status::InvalidArgument("longer than 253 bytes");
  }
  size_t labels = 0;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('.', start);
    if (end == std::string::npos) end = s.size();
    std::string_view label = std::string_view(s).substr(start, end - start);
    if (label.empty() || label.size() > 63) {
      return Status::InvalidArgument("a label is empty or over 63 bytes");
    }
    for (char c : label) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u >= 0x80) {
        return Status::InvalidArgument(
            "non-ASCII: internationalised names must be given in punycode "
            "(xn--)");
      }
      if (!(std::isalnum(u) || c == '-' || c == '_')) {
        return Status::InvalidArgument(
            fmt::format("character {:#04x} is not allowed in a host name", u));
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return Status::InvalidArgument("a label starts or ends with '-'");
    }
    ++labels;
    start = end + 1;
  }
  if (labels < 2) {
    return Status::InvalidArgument(
        "a single label (a top-level domain) would block a whole TLD");
  }
  return s;
}

// URLs: http or https, a valid host, and only printable ASCII without
// white space, quotes, backslashes or semicolons anywhere.
Result<std::string> NormaliseUrl(std::string_view text) {
  if (text.size() > kMaxUrlBytes) {
    return Status::InvalidArgument("longer than 2048 bytes");
  }
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) {
      return Status::InvalidArgument(
          "white space, a control character or non-ASCII (URLs must be "
          "percent-encoded)");
    }
    if (c == '"' || c == '\'' || c == '\\' || c == ';' || c == '|' ||
        c == '`') {
      return Status::InvalidArgument(
          fmt::format("character '{}' is not allowed (percent-encode it)", c));
    }
  }
  std::string lower = LowerAscii(text.substr(0, 8));
  size_t scheme_len = lower.starts_with("http://")    ? 7
                      : lower.starts_with("https://") ? 8
                                                      : 0;
  if (scheme_len == 0) {
    return Status::InvalidArgument("not an http:// or https:// URL");
  }
  std::string_view rest = text.substr(scheme_len);
  size_t host_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, host_end);
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("user information in the URL");
  }
  std::string_view host = authority;
  std::string port;
  if (size_t colon = authority.rfind(':');
      colon != std::string_view::npos &&
      authority.find(']') == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = std::string(authority.substr(colon));
  }
  std::string norm_host;
  if (auto d = NormaliseDomain(host); d.ok()) {
    norm_host = *d;
  } else if (auto ip = NormaliseIp(false, host);
             ip.ok() && ip->find('/') == std::string::npos) {
    norm_host = *ip;
  } else {
    return Status::InvalidArgument("the host is not a valid name or address");
  }
  std::string path = host_end == std::string_view::npos
                         ? "/"
                         : std::string(rest.substr(host_end));
  if (path.front() != '/') path.insert(0, "/");
  if (size_t hash = path.find('#'); hash != std::string::npos)
    path.resize(hash);
  return std::string(lower.substr(0, scheme_len)) + norm_host + port + path;
}

Result<std::string> NormaliseHash(size_t hex_len, std::string_view text) {
  if (text.size() != hex_len ||
      !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c));
      })) {
    return Status::InvalidArgument(
        fmt::format("not {} hexadecimal digits", hex_len));
  }
  return LowerAscii(text);
}

// The kind of a prefilter atom's (object type, path), if block lists carry it.
std::optional<Kind> KindOf(std::string_view type, std::string_view path) {
  std::string p(path);
  p.erase(std::remove(p.begin(), p.end(), '\''), p.end());
  if (p == "value") {
    if (type == "ipv4-addr") return Kind::kIpv4;
    if (type == "ipv6-addr") return Kind::kIpv6;
    if (type == "domain-name") return Kind::kDomain;
    if (type == "url") return Kind::kUrl;
  }
  if (type == "file") {
    std::string upper = p;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "HASHES.MD5") return Kind::kMd5;
    if (upper == "HASHES.SHA-1" || upper == "HASHES.SHA1") return Kind::kSha1;
    if (upper == "HASHES.SHA-256" || upper == "HASHES.SHA256")
      return Kind::kSha256;
  }
  return std::nullopt;
}

// An observation holding only this value: matching it tells whether the
// value alone satisfies the pattern.
pattern::Observation Alone(Kind kind, const pattern::PrefilterAtom& atom,
                           Timestamp at) {
  using pattern::Value;
  std::vector<Value::Member> members = {
      {"type", Value::String(atom.object_type)}};
  switch (kind) {
    case Kind::kMd5:
    case Kind::kSha1:
    case Kind::kSha256: {
      // The key as the pattern writes it ("hashes.'SHA-256'", "hashes.md5").
      std::string algo = atom.path.substr(atom.path.find('.') + 1);
      algo.erase(std::remove(algo.begin(), algo.end(), '\''), algo.end());
      members.push_back(
          {"hashes", Value::Object({{algo, Value::String(atom.value)}})});
      break;
    }
    default:
      members.push_back({"value", Value::String(atom.value)});
  }
  pattern::Observation o;
  o.first_observed = at;
  o.last_observed = at;
  o.objects.push_back(
      {"0", atom.object_type, Value::Object(std::move(members))});
  return o;
}

}  // namespace

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "stix") return Format::kStix;
  if (name == "csv") return Format::kCsv;
  if (name == "txt") return Format::kTxt;
  if (name == "suricata") return Format::kSuricata;
  if (name == "rpz") return Format::kRpz;
  if (name == "nftables") return Format::kNftables;
  return std::nullopt;
}

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kStix:
      return "stix";
    case Format::kCsv:
      return "csv";
    case Format::kTxt:
      return "txt";
    case Format::kSuricata:
      return "suricata";
    case Format::kRpz:
      return "rpz";
    case Format::kNftables:
      return "nftables";
  }
  return "";
}

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kIpv4:
      return "ipv4-addr";
    case Kind::kIpv6:
      return "ipv6-addr";
    case Kind::kDomain:
      return "domain-name";
    case Kind::kUrl:
      return "url";
    case Kind::kMd5:
      return "file:md5";
    case Kind::kSha1:
      return "file:sha1";
    case Kind::kSha256:
      return "file:sha256";
  }
  return "";
}

std::optional<std::vector<Kind>> ParseTypeFilter(std::string_view name) {
  if (name == "ipv4-addr") return std::vector<Kind>{Kind::kIpv4};
  if (name == "ipv6-addr") return std::vector<Kind>{Kind::kIpv6};
  if (name == "domain-name") return std::vector<Kind>{Kind::kDomain};
  if (name == "url") return std::vector<Kind>{Kind::kUrl};
  if (name == "file") {
    return std::vector<Kind>{Kind::kMd5, Kind::kSha1, Kind::kSha256};
  }
  return std::nullopt;
}

Result<std::string> NormaliseValue(Kind kind, std::string_view value) {
  switch (kind) {
    case Kind::kIpv4:
      return NormaliseIp(false, value);
    case Kind::kIpv6:
      return NormaliseIp(true, value);
    case Kind::kDomain:
      return NormaliseDomain(value);
    case Kind::kUrl:
      return NormaliseUrl(value);
    case Kind::kMd5:
      return NormaliseHash(32, value);
    case Kind::kSha1:
      return NormaliseHash(40, value);
    case Kind::kSha256:
      return NormaliseHash(64, value);
  }
  return Status::InvalidArgument("unknown kind");
}

Result<Indicator> ParseIndicator(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element el;
  if (auto err = parser.parse(json.data(), json.size()).get(el)) {
    return Status::InvalidArgument(
        fmt::format("not JSON: {}", simdjson::error_message(err)));
  }
  std::string_view type, s;
  if (el["type"].get_string().get(type) || type != "indicator") {
    return Status::InvalidArgument("not an indicator");
  }
  Indicator ind;
  if (el["id"].get_string().get(s)) return Status::InvalidArgument("no id");
  ind.id = std::string(s);
  if (!el["name"].get_string().get(s)) ind.name = std::string(s);
  if (!el["modified"].get_string().get(s)) {
    ind.modified = std::string(s);
    if (auto t = ParseTimestamp(s); t.ok()) ind.version = *t;
  }
  if (!el["pattern"].get_string().get(s)) ind.pattern = std::string(s);
  if (!el["pattern_type"].get_string().get(s))
    ind.pattern_type = std::string(s);
  if (!el["valid_from"].get_string().get(s)) {
    if (auto t = ParseTimestamp(s); t.ok()) ind.valid_from = *t;
  }
  if (!el["valid_until"].get_string().get(s)) {
    if (auto t = ParseTimestamp(s); t.ok()) ind.valid_until = *t;
  }
  int64_t confidence = 0;
  if (!el["confidence"].get_int64().get(confidence))
    ind.confidence = confidence;
  bool revoked = false;
  if (!el["revoked"].get_bool().get(revoked)) ind.revoked = revoked;
  simdjson::dom::array labels;
  if (!el["labels"].get_array().get(labels)) {
    for (auto l : labels) {
      if (!l.get_string().get(s)) ind.labels.emplace_back(s);
    }
  }
  ind.json = std::string(json);
  return ind;
}

bool IsCurrent(const Indicator& ind, Timestamp now) {
  if (ind.revoked) return false;
  if (ind.valid_from && now < *ind.valid_from) return false;
  if (ind.valid_until && !(now < *ind.valid_until)) return false;
  return true;
}

void ExtractValues(const Indicator& ind, std::vector<Value>* values,
                   std::vector<Skipped>* skipped) {
  auto skip = [&](std::string value, std::string reason) {
    skipped->push_back({ind.id, std::move(value), std::move(reason)});
  };
  if (ind.pattern_type != "stix") {
    return skip("",
                fmt::format("pattern_type '{}' is not stix", ind.pattern_type));
  }
  pattern::CompileResult compiled = pattern::Compile(ind.pattern);
  if (!compiled.ok()) {
    return skip(
        "", "pattern does not compile: " + compiled.first_error()->ToString());
  }
  const pattern::Pattern& p = *compiled.pattern;
  pattern::Prefilter pre = p.GetPrefilter();
  if (!pre.anchored || pre.any_of.empty()) {
    return skip("", "not a simple pattern: some match needs no single value");
  }
  const size_t before = values->size();
  for (const pattern::PrefilterAtom& atom : pre.any_of) {
    using K = pattern::PrefilterAtom::Kind;
    if ((atom.kind != K::kEquals && atom.kind != K::kCidr) ||
        !atom.string_value) {
      values->resize(before);
      return skip(atom.value,
                  "not a simple pattern: LIKE, MATCHES or a "
                  "non-string comparison");
    }
    std::optional<Kind> kind = KindOf(atom.object_type, atom.path);
    if (!kind) {
      values->resize(before);
      return skip(atom.value, fmt::format("{}:{} is not a block-list type",
                                          atom.object_type, atom.path));
    }
    const pattern::Observation alone =
        Alone(*kind, atom, ind.valid_from.value_or(Timestamp{}));
    if (!p.Match({&alone, 1}).matched()) {
      values->resize(before);
      return skip(atom.value,
                  "not a simple pattern: the value alone does not match "
                  "(AND, FOLLOWEDBY, REPEATS or a time window)");
    }
    auto norm = NormaliseValue(*kind, atom.value);
    if (!norm.ok()) {
      skip(atom.value,
           fmt::format("{}: {}", KindName(*kind), norm.status().message()));
      continue;
    }
    values->push_back({*kind, std::move(*norm)});
  }
}

}  // namespace ncert::blocklist
