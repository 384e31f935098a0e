// API tokens: 256 random bits (libsodium), shown once as
//   ncert_<8-char key id>_<43-char secret>   (base64url, no padding)
// and stored only as the key id plus a BLAKE2b-256 hash of the whole token.
// A token of 256 random bits needs no slow password hash: guessing is
// hopeless; the hash only keeps a stolen database from yielding tokens.
//
// Thread safety: free functions; thread-safe once sodium_init() succeeded
// (NewToken calls it).
#ifndef NCERT_ACCESS_TOKEN_H_
#define NCERT_ACCESS_TOKEN_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace ncert::access {

struct NewTokenParts {
  std::string token;   // give to the user, never stored
  std::string key_id;  // stored, used to find the row
  std::string hash;    // stored, hex
};

Result<NewTokenParts> NewToken();

// Splits a presented token; InvalidArgument when it is not of ncert's form.
Result<std::string> TokenKeyId(std::string_view token);

// Constant-time comparison of the presented token with a stored hash.
bool TokenMatches(std::string_view token, std::string_view stored_hash);

}  // namespace ncert::access

#endif  // NCERT_ACCESS_TOKEN_H_
