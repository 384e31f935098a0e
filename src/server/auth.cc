#include "server/auth.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ncert::server {
namespace {

// Audit entries written per transaction, at most.
constexpr size_t kAuditBatch = 1000;

}  // namespace

// ---- AuditSink --------------------------------------------------------------

AuditSink::AuditSink(store::Directory& directory, Logger* log, Metrics* metrics,
                     size_t max_queue)
    : directory_(directory), log_(log), max_queue_(max_queue) {
  dropped_ = &metrics->AddCounter(
      "ncert_audit_dropped_total",
      "Request audit entries dropped because the audit log fell behind");
  written_ = &metrics->AddCounter("ncert_audit_written_total",
                                  "Audit entries written by the server");
  thread_ = std::thread([this] { Run(); });
}

AuditSink::~AuditSink() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void AuditSink::Record(access::AuditEntry entry) {
  Enqueue(std::move(entry), false);
}

void AuditSink::RecordFailure(access::AuditEntry entry) {
  Enqueue(std::move(entry), true);
}

void AuditSink::RecordKept(access::AuditEntry entry) {
  Enqueue(std::move(entry), true);
}

void AuditSink::Enqueue(access::AuditEntry e, bool must_keep) {
  Key key{std::move(e.actor), std::move(e.action), std::move(e.target),
          std::move(e.result)};
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = counts_.find(key);
    if (it != counts_.end()) {
      ++it->second;
    } else {
      if (!must_keep && order_.size() >= max_queue_) {
        dropped_->Add();
        return;
      }
      counts_.emplace(key, 1);
      order_.push_back(std::move(key));
    }
    ++enqueued_seq_;
  }
  cv_.notify_one();
}

void AuditSink::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t target = enqueued_seq_;
  cv_.notify_one();
  flushed_cv_.wait(lock, [&] { return written_seq_ >= target; });
}

void AuditSink::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || !order_.empty(); });
    if (order_.empty() && stop_) break;
    std::deque<Key> batch;
    batch.swap(order_);
    std::map<Key, int64_t> counts;
    counts.swap(counts_);
    uint64_t seq = enqueued_seq_;
    lock.unlock();
    // One transaction per kAuditBatch entries: whatever gathered while the
    // last commit ran is written with one fsync (group commit).
    std::vector<access::AuditEntry> entries;
    entries.reserve(std::min(batch.size(), kAuditBatch));
    auto write = [&] {
      const size_t n = entries.size();
      Status s = directory_.AppendAudits(std::move(entries));
      entries.clear();
      if (!s.ok()) {
        if (log_) log_->Error("could not write the audit log: {}", s.message());
      } else {
        written_->Add(static_cast<uint64_t>(n));
      }
    };
    for (Key& k : batch) {
      int64_t n = counts[k];
      access::AuditEntry e;
      e.actor = std::move(std::get<0>(k));
      e.action = std::move(std::get<1>(k));
      e.target = std::move(std::get<2>(k));
      e.result = std::move(std::get<3>(k));
      if (n > 1) e.result += fmt::format(" x{}", n);
      entries.push_back(std::move(e));
      if (entries.size() >= kAuditBatch) write();
    }
    if (!entries.empty()) write();
    lock.lock();
    written_seq_ = seq;
    flushed_cv_.notify_all();
  }
  written_seq_ = enqueued_seq_;
  flushed_cv_.notify_all();
}

// ---- Authenticator ----------------------------------------------------------

Authenticator::Authenticator(store::Directory& directory, Clock& clock,
                             AuditSink* audit, int64_t cache_micros)
    : directory_(directory),
      clock_(clock),
      audit_(audit),
      cache_micros_(cache_micros) {}

AuthResult Authenticator::Fail(std::string reason, std::string_view remote) {
  if (audit_) {
    access::AuditEntry e;
    e.actor = "(bad token)";
    e.action = "auth";
    e.target = fmt::format("http {}", remote.substr(0, remote.rfind(':')));
    e.result = "denied: " + reason;
    audit_->RecordFailure(std::move(e));
  }
  AuthResult r;
  r.ok = false;
  r.reason = std::move(reason);
  return r;
}

AuthResult Authenticator::Authenticate(std::string_view header,
                                       std::string_view remote) {
  if (header.empty()) return AuthResult{};
  size_t sp = header.find(' ');
  std::string scheme(header.substr(0, sp));
  for (char& c : scheme) c = static_cast<char>(std::tolower(c));
  std::string_view cred =
      sp == std::string_view::npos ? std::string_view() : header.substr(sp + 1);
  while (!cred.empty() && cred.front() == ' ') cred.remove_prefix(1);
  while (!cred.empty() && cred.back() == ' ') cred.remove_suffix(1);
  std::string token;
  std::string user;
  if (scheme == "bearer") {
    token = std::string(cred);
  } else if (scheme == "basic") {
    if (cred.size() > 4096) return Fail("basic credentials too long", remote);
    std::string bin(cred.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()),
                          bin.size(), cred.data(), cred.size(), nullptr, &len,
                          nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
      return Fail("basic credentials are not base64", remote);
    }
    bin.resize(len);
    size_t colon = bin.find(':');
    if (colon == std::string::npos) {
      return Fail("basic credentials without ':'", remote);
    }
    user = bin.substr(0, colon);
    token = bin.substr(colon + 1);
  } else {
    return Fail(fmt::format("unsupported authorization scheme '{}'",
                            scheme.substr(0, 32)),
                remote);
  }
  if (token.empty()) return Fail("empty token", remote);

  int64_t now = clock_.Now().micros;
  std::shared_ptr<const access::Principal> who;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(token);
    if (it != cache_.end()) {
      if (it->second.expires > now) {
        who = it->second.principal;
      } else {
        cache_.erase(it);
      }
    }
  }
  if (!who) {
    auto p = store::Authenticate(directory_, clock_, token);
    if (!p.ok()) return Fail(p.status().message(), remote);
    who = std::make_shared<const access::Principal>(std::move(*p));
    if (cache_micros_ > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      if (cache_.size() > 100000) cache_.clear();  // bounded memory
      cache_[token] = Cached{who, now + cache_micros_};
    }
  }
  if (!user.empty() && user != who->user.name) {
    return Fail(fmt::format("basic user '{}' is not the token's user",
                            user.substr(0, 64)),
                remote);
  }
  AuthResult r;
  r.principal = std::move(who);
  return r;
}

// ---- RateLimiter ------------------------------------------------------------

RateLimiter::RateLimiter(Clock& clock, double rate, double burst)
    : clock_(clock), rate_(rate), burst_(std::max(burst, 1.0)) {}

bool RateLimiter::Allow(std::string_view key, int* retry_after_seconds) {
  if (rate_ <= 0) return true;
  int64_t now = clock_.Now().micros;
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() > 100000) buckets_.clear();  // bounded memory
  auto [it, inserted] =
      buckets_.try_emplace(std::string(key), Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    double elapsed = static_cast<double>(now - b.last) / 1e6;
    if (elapsed > 0) b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = std::max(b.last, now);
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  double wait = (1.0 - b.tokens) / rate_;
  *retry_after_seconds = std::max(1, static_cast<int>(std::ceil(wait)));
  return false;
}

}  // namespace ncert::server
