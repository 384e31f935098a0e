// Who is asking, how often, and the audit trail of what they did over HTTP.
//
// Authenticator resolves "Authorization: Bearer <token>" or HTTP Basic (the
// token as the password; a non-empty user name must be the token's user)
// with store::Authenticate, caching a resolved token for a short time so that
// a busy client does not cost a database lookup per request (a revoked token
// therefore works for at most `cache_micros` more). RateLimiter is a token
// bucket per key. AuditSink writes audit entries on its own thread.
#ifndef NCERT_SERVER_AUTH_H_
#define NCERT_SERVER_AUTH_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "access/audit.h"
#include "access/principal.h"
#include "core/log.h"
#include "core/time.h"
#include "server/metrics.h"
#include "store/directory.h"

namespace ncert::server {

// Writes audit entries to the directory on a background thread, so that a
// request never waits for the audit log's commit. Entries that are equal but
// for their time (same actor, action, target, result) and queued together
// are written as one entry whose result carries the count ("200 x57"), so a
// busy client costs one commit per distinct request per flush rather than per
// request. What gathered while the last commit ran is written in one
// transaction (up to 1,000 entries per commit, Directory::AppendAudits), so
// the log keeps up with any request rate at one fsync per batch; the
// destructor and Flush write everything queued, so nothing is lost on
// shutdown. When more than `max_queue` distinct entries wait, further request
// entries are dropped and counted (ncert_audit_dropped_total); authentication
// failures are never dropped.
//
// Thread safety: thread-safe. The destructor flushes and joins.
class AuditSink {
 public:
  AuditSink(store::Directory& directory, Logger* log, Metrics* metrics,
            size_t max_queue = 10000);
  ~AuditSink();
  AuditSink(const AuditSink&) = delete;
  AuditSink& operator=(const AuditSink&) = delete;

  // A request's entry: dropped (and counted) when the queue is full.
  void Record(access::AuditEntry entry);
  // Never dropped: authentication failures, and reads that must be audited
  // (TAXII's audit_reads).
  void RecordFailure(access::AuditEntry entry);
  void RecordKept(access::AuditEntry entry);
  // Returns once everything queued before the call is written.
  void Flush();

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  void Enqueue(access::AuditEntry entry, bool must_keep);
  void Run();

  store::Directory& directory_;
  Logger* log_;
  Counter* dropped_;
  Counter* written_;
  const size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable flushed_cv_;
  std::map<Key, int64_t> counts_;                // guarded by mu_
  std::deque<Key> order_;                        // guarded by mu_
  uint64_t enqueued_seq_ = 0, written_seq_ = 0;  // guarded by mu_
  bool stop_ = false;                            // guarded by mu_
  std::thread thread_;
};

struct AuthResult {
  bool ok = true;  // false: answer 401
  // Null for an anonymous request.
  std::shared_ptr<const access::Principal> principal;
  std::string reason;  // why not (for the log and audit, never the client)
};

// Thread safety: thread-safe (the cache under a mutex; the directory is
// thread-safe).
class Authenticator {
 public:
  Authenticator(store::Directory& directory, Clock& clock, AuditSink* audit,
                int64_t cache_micros);
  // `authorization` is the header's value ("" when absent: anonymous).
  AuthResult Authenticate(std::string_view authorization,
                          std::string_view remote);

 private:
  struct Cached {
    std::shared_ptr<const access::Principal> principal;
    int64_t expires;
  };
  AuthResult Fail(std::string reason, std::string_view remote);

  store::Directory& directory_;
  Clock& clock_;
  AuditSink* audit_;
  const int64_t cache_micros_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // guarded by mu_
};

// Token bucket per key: `rate` tokens a second, at most `burst` saved.
//
// Thread safety: thread-safe.
class RateLimiter {
 public:
  RateLimiter(Clock& clock, double rate, double burst);
  // True if `key` may make a request now; otherwise false and
  // `*retry_after_seconds` says when it may (at least 1).
  bool Allow(std::string_view key, int* retry_after_seconds);
  bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens;
    int64_t last;
  };
  Clock& clock_;
  const double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace ncert::server

#endif  // NCERT_SERVER_AUTH_H_
