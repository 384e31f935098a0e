// The audit log's hash chain: every entry carries the hash of the one before
// it, so an edited, removed or reordered entry breaks the chain at a place
// VerifyChain names. Storage is the store's (append-only table); this file
// is the arithmetic.
//
//   hash(n) = SHA-256( hash(n-1) || canonical JSON of entry n without hash )
//   hash(0) = 64 zeros (the genesis)
//
// What the chain cannot show by itself: entries cut from the end. `ncert
// audit verify` prints the head (last seq and hash); anchor it elsewhere
// (a ticket, a signed mail) and a later verify that reports an older head
// shows the truncation.
//
// Thread safety: values and pure functions.
#ifndef NCERT_ACCESS_AUDIT_H_
#define NCERT_ACCESS_AUDIT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/time.h"

namespace ncert::access {

inline constexpr std::string_view kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, … without gaps
  Timestamp at;
  std::string actor;      // user name, "public", or "local" (the CLI operator)
  std::string action;     // read, write, export, admin, auth
  std::string target;     // what: "query type=indicator", "org add ACME", …
  std::string result;     // "ok 12 objects", "denied: …", "error: …"
  std::string prev_hash;  // hex
  std::string hash;       // hex, over all of the above
};

// The hash entry `e` must carry given the previous entry's hash.
std::string AuditHash(const AuditEntry& e, std::string_view prev_hash);

// Fills seq, prev_hash and hash of `e` to follow `previous` (nullopt: `e`
// is the first entry).
void ChainAuditEntry(const std::optional<AuditEntry>& previous, AuditEntry* e);

// Checks entries in order as they are stored.
struct AuditVerdict {
  bool ok = true;
  int64_t entries = 0;
  int64_t first_bad_seq = 0;  // the stored seq of the first bad entry
  int64_t position = 0;       // its 1-based position in the stored order
  std::string why;            // what is wrong with it
  std::string head_hash;      // hash of the last good entry
};

class AuditVerifier {
 public:
  // Feed entries in stored order; after the first bad one the rest is
  // ignored (the chain is broken there).
  void Add(const AuditEntry& e);
  const AuditVerdict& verdict() const { return v_; }

 private:
  AuditVerdict v_;
  std::string prev_hash_ = std::string(kAuditGenesis);
  int64_t prev_seq_ = 0;
};

}  // namespace ncert::access

#endif  // NCERT_ACCESS_AUDIT_H_
