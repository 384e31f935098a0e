#include "match/normalize.h"

#include <arpa/inet.h>
#include <idn2.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "core/hex.h"

namespace ncert::match {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

// Percent-encoding: decode unreserved, upper-case the hex of the rest.
// Runs without '%' (most of a URL) are appended whole.
void AppendPercentNormalized(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      size_t run = i;
      while (run < s.size() && s[run] != '%') ++run;
      out->append(s.data() + i, run - i);
      i = run - 1;
      continue;
    }
    if (i + 2 < s.size()) {
      int hi = HexDigitValue(s[i + 1]), lo = HexDigitValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        unsigned char c = static_cast<unsigned char>(hi * 16 + lo);
        if (Unreserved(c)) {
          out->push_back(static_cast<char>(c));
        } else {
          static constexpr char kHex[] = "0123456789ABCDEF";
          out->push_back('%');
          out->push_back(kHex[hi]);
          out->push_back(kHex[lo]);
        }
        i += 2;
        continue;
      }
    }
    out->push_back(s[i]);
  }
}

std::string_view DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return "80";
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

}  // namespace

std::optional<telemetry::IpAddr> ParseIp(std::string_view text) {
  return telemetry::IpAddr::Parse(text);
}

std::optional<IpPrefix> ParseIpPrefix(std::string_view text) {
  size_t slash = text.find('/');
  std::optional<telemetry::IpAddr> ip = ParseIp(text.substr(0, slash));
  if (!ip) return std::nullopt;
  IpPrefix p;
  p.addr = *ip;
  int max = ip->family == 4 ? 32 : 128;
  p.prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view n = text.substr(slash + 1);
    int v = -1;
    auto r = std::from_chars(n.data(), n.data() + n.size(), v);
    if (n.empty() || r.ec != std::errc() || r.ptr != n.data() + n.size() ||
        v < 0) {
      return std::nullopt;
    }
    // An IPv4-mapped block written in IPv6 ("::ffff:1.2.3.0/120").
    bool mapped = ip->family == 4 && text.find(':') != std::string_view::npos;
    if (mapped) {
      if (v < 96 || v > 128) return std::nullopt;
      v -= 96;
    } else if (v > max) {
      return std::nullopt;
    }
    p.prefix = v;
  }
  int bytes = max / 8;
  for (int i = 0; i < bytes; ++i) {
    int keep = p.prefix - i * 8;
    if (keep >= 8) continue;
    p.addr.bytes[i] &= keep <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
  }
  return p;
}

namespace {

// The ASCII case of NormalizeDomainInto in one pass: checks each byte,
// lower-cases it into `*out` and measures the labels. Returns 1 (normal),
// 0 (rejected) or -1 when a byte is not ASCII (the caller takes the IDNA
// path, which checks everything again).
int NormalizeAsciiDomain(std::string_view text, std::string* out) {
  out->resize(text.size());
  char* o = out->data();
  bool ok = true;
  size_t label = 0;  // bytes in the current label
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return -1;
    ok &= !(u <= 0x20 || u == 0x7f || c == '/' || c == '@' || c == '\\');
    o[i] = Lower(c);
    if (c == '.') {
      ok &= label != 0 && label <= 63;
      label = 0;
    } else {
      ++label;
    }
  }
  ok &= label != 0 && label <= 63 && text.size() <= 253;
  return ok ? 1 : 0;
}

}  // namespace

bool NormalizeDomainInto(std::string_view text, std::string* out) {
  while (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 1024) return false;
  int fast = NormalizeAsciiDomain(text, out);
  if (fast >= 0) return fast == 1;
  bool ascii = true;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      ascii = false;
    } else if (u <= 0x20 || u == 0x7f || c == '/' || c == '@' || c == '\\') {
      return false;
    }
  }
  if (ascii) {
    out->assign(text);
  } else {
    std::string in(text);
    char* converted = nullptr;
    int rc = idn2_to_ascii_8z(in.c_str(), &converted,
                              IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      rc = idn2_to_ascii_8z(in.c_str(), &converted,
                            IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
    }
    if (rc != IDN2_OK || converted == nullptr) return false;
    out->assign(converted);
    idn2_free(converted);
  }
  for (char& c : *out) c = Lower(c);
  if (out->size() > 253) return false;
  size_t start = 0;
  while (start <= out->size()) {
    size_t dot = out->find('.', start);
    if (dot == std::string::npos) dot = out->size();
    size_t len = dot - start;
    if (len == 0 || len > 63) return false;
    start = dot + 1;
  }
  return true;
}

std::optional<std::string> NormalizeDomain(std::string_view text) {
  std::string out;
  if (!NormalizeDomainInto(text, &out)) return std::nullopt;
  return out;
}

bool NormalizeUrlInto(std::string_view text, std::string_view host,
                      std::string* out, std::string* scratch) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' ||
                           text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 65536) return false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') return false;
  }
  // A bare path joined to `host` ("/a?b" -> "http://host/a?b").
  std::string joined;
  if (text.front() == '/' && !(text.size() > 1 && text[1] == '/')) {
    if (host.empty()) return false;
    joined = "http://";
    joined += host;
    joined += text;
    text = joined;
  }
  // scheme
  std::string scheme = "http";
  size_t colon = text.find("://");
  if (colon != std::string_view::npos) {
    std::string_view s = text.substr(0, colon);
    if (s.empty()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (i > 0 &&
                 ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!ok) return false;
    }
    scheme = LowerAscii(s);
    text.remove_prefix(colon + 3);
  } else if (text.starts_with("//")) {
    text.remove_prefix(2);
  }
  // The authority ends at the first '/', '?' or '#' (a loop: find_first_of
  // would search the set once per byte).
  size_t end = 0;
  while (end < text.size() && text[end] != '/' && text[end] != '?' &&
         text[end] != '#') {
    ++end;
  }
  if (end == text.size()) end = std::string_view::npos;
  std::string_view authority = text.substr(0, end);
  std::string_view rest =
      end == std::string_view::npos ? std::string_view() : text.substr(end);
  size_t at = authority.rfind('@');
  std::string_view userinfo;
  if (at != std::string_view::npos) {
    userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
  }
  std::string_view hostpart = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    hostpart = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
    }
  } else {
    size_t pc = authority.rfind(':');
    if (pc != std::string_view::npos) {
      hostpart = authority.substr(0, pc);
      port = authority.substr(pc + 1);
    }
  }
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  if (port == DefaultPort(scheme)) port = {};
  out->assign(scheme);
  *out += "://";
  if (!userinfo.empty()) {
    AppendPercentNormalized(userinfo, out);
    *out += '@';
  }
  if (hostpart.empty()) {
    if (scheme != "file") return false;
  } else if (hostpart.front() == '[') {
    std::string_view inner = hostpart.substr(1, hostpart.size() - 2);
    std::optional<telemetry::IpAddr> ip = ParseIp(inner);
    if (!ip || ip->family != 6) return false;
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, ip->bytes.data(), buf, sizeof buf);
    *out += '[';
    *out += buf;
    *out += ']';
  } else {
    // The host through NormalizeDomain, percent-decoded first when it has
    // escapes; `*scratch` holds the normalised name.
    std::string decoded;
    std::string_view name = hostpart;
    if (hostpart.find('%') != std::string_view::npos) {
      AppendPercentNormalized(hostpart, &decoded);
      name = decoded;
    }
    if (!NormalizeDomainInto(name, scratch)) return false;
    *out += *scratch;
  }
  if (!port.empty()) {
    *out += ':';
    *out += port;
  }
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (rest.empty() || rest.front() != '/') *out += '/';
  AppendPercentNormalized(rest, out);
  return true;
}

std::optional<std::string> NormalizeUrl(std::string_view text,
                                        std::string_view host) {
  std::string out, scratch;
  if (!NormalizeUrlInto(text, host, &out, &scratch)) return std::nullopt;
  return out;
}

std::string_view UrlHost(std::string_view url) {
  size_t s = url.find("://");
  if (s == std::string_view::npos) return {};
  url.remove_prefix(s + 3);
  url = url.substr(0, url.find('/'));
  size_t at = url.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') return {};
  return url.substr(0, url.rfind(':'));
}

std::optional<std::string> NormalizeEmail(std::string_view text) {
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || text.size() > 320) {
    return std::nullopt;
  }
  std::string_view local = text.substr(0, at);
  for (char c : local) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::nullopt;
  }
  std::optional<std::string> domain = NormalizeDomain(text.substr(at + 1));
  if (!domain) return std::nullopt;
  std::string out = LowerAscii(local);
  out += '@';
  out += *domain;
  return out;
}

bool NormalizeHexInto(std::string_view text, std::string* out) {
  if (text.empty()) return false;
  out->resize(text.size());
  char* o = out->data();
  // Arithmetic instead of a table lookup per byte: the loop vectorises.
  unsigned char ok = 1;  // stays 1 while every byte is a hex digit
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    auto lower = static_cast<unsigned char>(c | 0x20);
    unsigned char digit = static_cast<unsigned char>(c - '0') < 10;
    unsigned char letter = static_cast<unsigned char>(lower - 'a') < 6;
    o[i] = static_cast<char>(digit ? c : lower);
    ok &= digit | letter;
  }
  return ok != 0;
}

std::optional<std::string> NormalizeHex(std::string_view text) {
  std::string out;
  if (!NormalizeHexInto(text, &out)) return std::nullopt;
  return out;
}

std::string NormalizeHashAlgorithm(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '\'' || c == ' ') continue;
    out.push_back(Lower(c));
  }
  return out;
}

}  // namespace ncert::match
