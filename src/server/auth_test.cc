#include "server/auth.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "access/audit.h"
#include "access/token.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

namespace ncert::server {
namespace {

// How many requests one audit entry stands for: "status 200 x57" is 57.
int64_t Times(const std::string& result) {
  size_t x = result.rfind(" x");
  if (x == std::string::npos || x + 2 >= result.size() ||
      result.find_first_not_of("0123456789", x + 2) != std::string::npos) {
    return 1;
  }
  return std::stoll(result.substr(x + 2));
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.path = ":memory:";
    o.clock = &clock_;
    store_ = std::move(*store::OpenSqliteStore(o));
    auto& d = store_->directory();
    access::Org org;
    org.name = "Org";
    int64_t org_id = d.AddOrg(org)->id;
    access::User u;
    u.name = "sato";
    u.org_id = org_id;
    user_id_ = d.AddUser(u)->id;
    auto t = *access::NewToken();
    store::TokenRecord rec;
    rec.key_id = t.key_id;
    rec.hash = t.hash;
    rec.user_id = user_id_;
    rec.created = clock_.Now();
    ASSERT_TRUE(d.AddToken(rec).ok());
    token_ = t.token;
    key_id_ = t.key_id;
  }

  int CountAudit(std::string_view action) {
    int n = 0;
    EXPECT_TRUE(store_->directory()
                    .ScanAudit({},
                               [&](const access::AuditEntry& e) {
                                 if (e.action == action) ++n;
                                 return true;
                               })
                    .ok());
    return n;
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<store::Store> store_;
  Metrics metrics_;
  int64_t user_id_ = 0;
  std::string token_, key_id_;
};

TEST_F(AuthTest, CachesForAWhileThenSeesARevocation) {
  AuditSink audit(store_->directory(), nullptr, &metrics_);
  Authenticator auth(store_->directory(), clock_, &audit, 10000000);
  EXPECT_TRUE(auth.Authenticate("", "1.2.3.4:5").ok);
  EXPECT_EQ(auth.Authenticate("", "1.2.3.4:5").principal, nullptr);
  AuthResult r = auth.Authenticate("Bearer " + token_, "1.2.3.4:5");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.principal->user.name, "sato");
  EXPECT_TRUE(auth.Authenticate("bearer  " + token_ + " ", "x:1").ok);
  ASSERT_TRUE(store_->directory().RevokeToken(key_id_).ok());
  EXPECT_TRUE(auth.Authenticate("Bearer " + token_, "x:1").ok);  // cached
  clock_.Advance(10000001);
  AuthResult after = auth.Authenticate("Bearer " + token_, "x:1");
  EXPECT_FALSE(after.ok);
  EXPECT_NE(after.reason.find("revoked"), std::string::npos) << after.reason;
}

TEST_F(AuthTest, AuditSinkMergesRepeatsAndNeverDropsFailures) {
  {
    AuditSink audit(store_->directory(), nullptr, &metrics_, /*max_queue=*/2);
    Authenticator auth(store_->directory(), clock_, &audit, 0);
    // Hold the writer busy is not possible from here; instead fill the queue
    // faster than one flush: failures beyond max_queue are still kept.
    for (int i = 0; i < 50; ++i) {
      EXPECT_FALSE(
          auth.Authenticate("Bearer ncert_bad" + std::to_string(i), "h:1").ok);
    }
    for (int i = 0; i < 100; ++i) {
      access::AuditEntry e;
      e.actor = "sato";
      e.action = "read";
      e.target = "http GET /x";
      e.result = "status 200";
      audit.Record(e);
    }
    audit.Flush();
  }
  // Each failure is kept: separate entries, or merged with a count.
  int64_t failures = 0;
  ASSERT_TRUE(store_->directory()
                  .ScanAudit({},
                             [&](const access::AuditEntry& e) {
                               if (e.action != "auth") return true;
                               failures += Times(e.result);
                               return true;
                             })
                  .ok());
  EXPECT_EQ(failures, 50);
  EXPECT_GE(CountAudit("auth"), 1);
  int reads = 0;
  int64_t merged = 0;
  ASSERT_TRUE(store_->directory()
                  .ScanAudit({},
                             [&](const access::AuditEntry& e) {
                               if (e.action != "read") return true;
                               ++reads;
                               merged += Times(e.result);
                               return true;
                             })
                  .ok());
  uint64_t dropped = 0;
  std::string text = metrics_.Render();
  size_t at = text.find("\nncert_audit_dropped_total ");
  ASSERT_NE(at, std::string::npos);
  dropped = std::stoull(text.substr(at + 27));
  EXPECT_GE(reads, 1);
  EXPECT_EQ(static_cast<uint64_t>(merged) + dropped, 100u);
}

TEST(RateLimiterTest, TokenBucket) {
  FakeClock clock{Timestamp{0}};
  RateLimiter off(clock, 0, 0);
  int retry = 0;
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(off.Allow("a", &retry));
  RateLimiter rl(clock, 0.5, 2);  // one every 2 s, 2 saved
  EXPECT_TRUE(rl.Allow("a", &retry));
  EXPECT_TRUE(rl.Allow("a", &retry));
  EXPECT_FALSE(rl.Allow("a", &retry));
  EXPECT_EQ(retry, 2);
  EXPECT_TRUE(rl.Allow("b", &retry));  // its own bucket
  clock.Advance(1000000);
  EXPECT_FALSE(rl.Allow("a", &retry));
  EXPECT_EQ(retry, 1);
  clock.Advance(1000000);
  EXPECT_TRUE(rl.Allow("a", &retry));
  clock.Advance(100000000);  // long idle: only `burst` saved
  EXPECT_TRUE(rl.Allow("a", &retry));
  EXPECT_TRUE(rl.Allow("a", &retry));
  EXPECT_FALSE(rl.Allow("a", &retry));
}

TEST_F(AuthTest, AuditSinkWritesInBatchesAndLosesNothingOnShutdown) {
  // More distinct entries than one transaction holds, from two threads,
  // then shutdown: every one is written, in one unbroken chain.
  constexpr int kPerThread = 1300;
  {
    AuditSink audit(store_->directory(), nullptr, &metrics_);
    auto record = [&](int thread) {
      for (int i = 0; i < kPerThread; ++i) {
        access::AuditEntry e;
        e.actor = "sato";
        e.action = "read";
        e.target = "taxii objects t" + std::to_string(thread);
        e.result = "ok " + std::to_string(i) + " objects";
        audit.RecordKept(std::move(e));
      }
    };
    std::thread a(record, 1), b(record, 2);
    a.join();
    b.join();
  }  // no Flush: the destructor writes what is queued
  access::AuditVerifier verify;
  int reads = 0;
  ASSERT_TRUE(store_->directory()
                  .ScanAudit({},
                             [&](const access::AuditEntry& e) {
                               verify.Add(e);
                               if (e.action == "read") ++reads;
                               return true;
                             })
                  .ok());
  EXPECT_EQ(reads, 2 * kPerThread);
  EXPECT_TRUE(verify.verdict().ok) << verify.verdict().why;
}

TEST_F(AuthTest, AppendAuditsIsOneTransaction) {
  std::vector<access::AuditEntry> batch(3);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].actor = "sato";
    batch[i].action = "read";
    batch[i].target = "t" + std::to_string(i);
    batch[i].result = "ok";
  }
  ASSERT_TRUE(store_->directory().AppendAudits(batch).ok());
  ASSERT_TRUE(store_->directory().AppendAudits({}).ok());
  std::vector<std::string> targets;
  access::AuditVerifier verify;
  ASSERT_TRUE(store_->directory()
                  .ScanAudit({},
                             [&](const access::AuditEntry& e) {
                               verify.Add(e);
                               targets.push_back(e.target);
                               return true;
                             })
                  .ok());
  EXPECT_EQ(targets, (std::vector<std::string>{"t0", "t1", "t2"}));
  EXPECT_TRUE(verify.verdict().ok) << verify.verdict().why;
}

}  // namespace
}  // namespace ncert::server
