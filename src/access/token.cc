#include "access/token.h"

#include <fmt/format.h>
#include <sodium.h>

#include <cstring>

namespace ncert::access {
namespace {

constexpr std::string_view kPrefix = "ncert_";
constexpr size_t kKeyIdChars = 8;
constexpr size_t kSecretBytes = 32;

std::string Base64Url(const unsigned char* data, size_t n) {
  std::string out(
      sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
      '\0');
  sodium_bin2base64(out.data(), out.size(), data, n,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string HashHex(std::string_view token) {
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof(h),
                     reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  std::string hex(sizeof(h) * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), h, sizeof(h));
  hex.pop_back();
  return hex;
}

}  // namespace

Result<NewTokenParts> NewToken() {
  if (sodium_init() < 0) {
    return Status::Internal("libsodium could not be initialised");
  }
  unsigned char id_bytes[6];
  unsigned char secret[kSecretBytes];
  randombytes_buf(id_bytes, sizeof(id_bytes));
  randombytes_buf(secret, sizeof(secret));
  NewTokenParts t;
  t.key_id = Base64Url(id_bytes, sizeof(id_bytes));  // 8 characters
  t.token = fmt::format("{}{}_{}", kPrefix, t.key_id,
                        Base64Url(secret, sizeof(secret)));
  sodium_memzero(secret, sizeof(secret));
  t.hash = HashHex(t.token);
  return t;
}

Result<std::string> TokenKeyId(std::string_view token) {
  if (token.size() != kPrefix.size() + kKeyIdChars + 1 + 43 ||
      token.substr(0, kPrefix.size()) != kPrefix ||
      token[kPrefix.size() + kKeyIdChars] != '_') {
    return Status::InvalidArgument(
        "not an ncert token (want ncert_<id>_<secret>, as `ncert token "
        "create` prints it)");
  }
  return std::string(token.substr(kPrefix.size(), kKeyIdChars));
}

bool TokenMatches(std::string_view token, std::string_view stored_hash) {
  std::string h = HashHex(token);
  return h.size() == stored_hash.size() &&
         sodium_memcmp(h.data(), stored_hash.data(), h.size()) == 0;
}

}  // namespace ncert::access
