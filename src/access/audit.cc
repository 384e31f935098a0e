#include "access/audit.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cassert>

#include "core/json.h"

namespace ncert::access {
namespace {

std::string Sha256Hex(std::string_view a, std::string_view b) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  assert(ctx != nullptr);
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// The hashed content: canonical JSON (members in sorted order) of every
// field but the hash itself.
std::string Content(const AuditEntry& e) {
  std::string s = "{\"action\":";
  AppendJsonString(e.action, &s);
  s += ",\"actor\":";
  AppendJsonString(e.actor, &s);
  s += fmt::format(",\"at\":{}", e.at.micros);
  s += ",\"prev_hash\":";
  AppendJsonString(e.prev_hash, &s);
  s += ",\"result\":";
  AppendJsonString(e.result, &s);
  s += fmt::format(",\"seq\":{}", e.seq);
  s += ",\"target\":";
  AppendJsonString(e.target, &s);
  s += '}';
  return s;
}

}  // namespace

std::string AuditHash(const AuditEntry& e, std::string_view prev_hash) {
  return Sha256Hex(prev_hash, Content(e));
}

void ChainAuditEntry(const std::optional<AuditEntry>& previous, AuditEntry* e) {
  e->seq = previous ? previous->seq + 1 : 1;
  e->prev_hash = previous ? previous->hash : std::string(kAuditGenesis);
  e->hash = AuditHash(*e, e->prev_hash);
}

void AuditVerifier::Add(const AuditEntry& e) {
  if (!v_.ok) return;
  ++v_.entries;
  auto fail = [&](std::string why) {
    v_.ok = false;
    v_.first_bad_seq = e.seq;
    v_.position = v_.entries;
    v_.why = std::move(why);
  };
  if (e.seq != prev_seq_ + 1) {
    fail(
        fmt::format("sequence number {} follows {}: an entry was removed or "
                    "moved",
                    e.seq, prev_seq_));
  } else if (e.prev_hash != prev_hash_) {
    fail(
        "its prev_hash does not match the entry before it: the entry before "
        "was edited, removed or moved");
  } else if (AuditHash(e, e.prev_hash) != e.hash) {
    fail("its hash does not match its content: the entry was edited");
  } else {
    prev_seq_ = e.seq;
    prev_hash_ = e.hash;
    v_.head_hash = e.hash;
  }
}

}  // namespace ncert::access
