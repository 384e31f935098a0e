#include "server/target.h"

#include <fmt/format.h>

namespace ncert::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 pchar plus '/' and '?' (query), and '%' for escapes.
bool AllowedTargetByte(unsigned char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':  // sub-delims
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
    case '/':
    case '?':
    case '%':
    case '[':
    case ']':  // seen unencoded in TAXII's match[type]
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return Status::InvalidArgument(
            fmt::format("truncated percent escape at byte {}", i));
      }
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument(
            fmt::format("bad percent escape at byte {}", i));
      }
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') {
        return Status::InvalidArgument(
            fmt::format("percent-encoded NUL at byte {}", i));
      }
      out += decoded;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<Target> ParseTarget(std::string_view target) {
  if (target.empty() || target[0] != '/') {
    return Status::InvalidArgument("request target must start with '/'");
  }
  if (target.size() > kMaxTargetBytes) {
    return Status::InvalidArgument(
        fmt::format("request target longer than {} bytes", kMaxTargetBytes));
  }
  for (size_t i = 0; i < target.size(); ++i) {
    if (!AllowedTargetByte(static_cast<unsigned char>(target[i]))) {
      return Status::InvalidArgument(
          fmt::format("byte 0x{:02x} at {} is not allowed in a request target",
                      static_cast<unsigned char>(target[i]), i));
    }
  }
  Target t;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  std::string_view raw_query =
      q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  // Segments are decoded one by one: "%2F" stays inside its segment.
  size_t pos = 1;
  while (true) {
    size_t slash = raw_path.find('/', pos);
    std::string_view seg = raw_path.substr(pos, slash == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : slash - pos);
    ASSIGN_OR_RETURN(std::string decoded, PercentDecode(seg, false));
    if (decoded == "." || decoded == "..") {
      return Status::InvalidArgument(
          "dot segment ('.' or '..') in the request path");
    }
    t.segments.push_back(std::move(decoded));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  ASSIGN_OR_RETURN(t.path, PercentDecode(raw_path, false));

  if (!raw_query.empty()) {
    size_t start = 0;
    while (start <= raw_query.size()) {
      size_t amp = raw_query.find('&', start);
      std::string_view part = raw_query.substr(
          start,
          amp == std::string_view::npos ? std::string_view::npos : amp - start);
      if (!part.empty()) {
        if (t.query.size() >= kMaxQueryParams) {
          return Status::InvalidArgument(
              fmt::format("more than {} query parameters", kMaxQueryParams));
        }
        size_t eq = part.find('=');
        ASSIGN_OR_RETURN(std::string key,
                         PercentDecode(part.substr(0, eq), true));
        std::string value;
        if (eq != std::string_view::npos) {
          ASSIGN_OR_RETURN(value, PercentDecode(part.substr(eq + 1), true));
        }
        t.query.emplace_back(std::move(key), std::move(value));
      }
      if (amp == std::string_view::npos) break;
      start = amp + 1;
    }
  }
  return t;
}

}  // namespace ncert::server
