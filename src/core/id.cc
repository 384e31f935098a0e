#include "core/id.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cassert>

namespace ncert {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUuidShape(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (HexValue(s[i]) < 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsValidUuid(std::string_view s) {
  if (!IsUuidShape(s)) return false;
  int version = HexValue(s[14]);
  int variant = HexValue(s[19]);
  return version >= 1 && version <= 5 && variant >= 8 && variant <= 11;
}

Result<UuidBytes> ParseUuid(std::string_view s) {
  if (!IsUuidShape(s)) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a UUID (want 8-4-4-4-12 hex digits)", s));
  }
  UuidBytes b{};
  size_t j = 0;
  for (size_t i = 0; i < s.size(); i += 2) {
    if (s[i] == '-') ++i;
    b[j++] = static_cast<uint8_t>(HexValue(s[i]) * 16 + HexValue(s[i + 1]));
  }
  return b;
}

std::string FormatUuid(const UuidBytes& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  char out[36];
  size_t n = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[n++] = '-';
    out[n++] = kHex[b[i] >> 4];
    out[n++] = kHex[b[i] & 15];
  }
  return std::string(out, sizeof out);
}

std::string UuidV4FromBytes(UuidBytes b) {
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  return FormatUuid(b);
}

std::string NewUuidV4() {
  UuidBytes b{};
  int rc = RAND_bytes(b.data(), static_cast<int>(b.size()));
  assert(rc == 1 && "OpenSSL RAND_bytes failed: no entropy source");
  (void)rc;
  return UuidV4FromBytes(b);
}

std::string UuidV5(const UuidBytes& ns, std::string_view name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  assert(ctx != nullptr);
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, ns.data(), ns.size());
  EVP_DigestUpdate(ctx, name.data(), name.size());
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  assert(len >= 16);
  UuidBytes b{};
  for (size_t i = 0; i < 16; ++i) b[i] = digest[i];
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x50);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  return FormatUuid(b);
}

Result<StixId> ParseStixId(std::string_view s) {
  size_t sep = s.find("--");
  if (sep == std::string_view::npos) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a STIX identifier (want type--uuid)", s));
  }
  std::string_view type = s.substr(0, sep);
  std::string_view uuid = s.substr(sep + 2);
  if (type.size() < 3 || type.size() > 250) {
    return Status::InvalidArgument(
        fmt::format("identifier type '{}' must be 3 to 250 characters", type));
  }
  bool prev_hyphen = true;  // may not start with '-'
  for (char c : type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev_hyphen)) {
      return Status::InvalidArgument(fmt::format(
          "identifier type '{}' may hold only a-z, 0-9 and single hyphens",
          type));
    }
    prev_hyphen = c == '-';
  }
  if (type.back() == '-') {
    return Status::InvalidArgument(
        fmt::format("identifier type '{}' may not end in a hyphen", type));
  }
  if (!IsValidUuid(uuid)) {
    return Status::InvalidArgument(fmt::format(
        "'{}' after '--' is not an RFC 4122 UUID (version 1-5, variant 10xx)",
        uuid));
  }
  return StixId{type, uuid};
}

std::string NewStixId(std::string_view type) {
  std::string id(type);
  id += "--";
  id += NewUuidV4();
  return id;
}

}  // namespace ncert
