// The page cache on its own (bound, LRU, generations), and ncert serve's
// TAXII read path around it: a commit by another connection makes every
// cached page unusable, one that changes no knowledge (the audit log) does
// not, and read audits go through the batching sink without loss.

#include "taxii/page_cache.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "access/audit.h"
#include "core/id.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/metrics.h"
#include "store/directory.h"
#include "store/sqlite_store.h"
#include "store/taxii_state.h"
#include "taxii/pooled_reads_testing.h"
#include "taxii/protocol.h"
#include "taxii/service.h"

namespace ncert::taxii {
namespace {

PageCache::Page MakePage(std::string body) {
  PageCache::Page p;
  p.body = std::move(body);
  p.records = 1;
  return p;
}

TEST(PageCacheTest, ReturnsOnlyTheGenerationAPageWasReadAt) {
  PageCache cache(1 << 20);
  cache.Insert("a", 1, MakePage("one"));
  auto hit = cache.Find("a", 1);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->body, "one");
  EXPECT_EQ(cache.Find("b", 1), nullptr);
  // A newer generation: every page is gone.
  EXPECT_EQ(cache.Find("a", 2), nullptr);
  EXPECT_EQ(cache.stats().pages, 0u);
  // A page read at an older generation than the cache has seen (a request
  // that raced a commit) is not kept, and an old generation never hits.
  cache.Insert("a", 1, MakePage("stale"));
  EXPECT_EQ(cache.stats().pages, 0u);
  cache.Insert("a", 2, MakePage("two"));
  EXPECT_EQ(cache.Find("a", 1), nullptr);
  ASSERT_NE(cache.Find("a", 2), nullptr);
  EXPECT_EQ(cache.Find("a", 2)->body, "two");
  // The page handed out stays valid after the cache drops it.
  auto held = cache.Find("a", 2);
  cache.Insert("b", 3, MakePage("three"));
  EXPECT_EQ(held->body, "two");
  EXPECT_EQ(cache.stats().hits, 4u);
}

TEST(PageCacheTest, BoundedInBytesLeastRecentlyUsedFirst) {
  const std::string body(1000, 'x');
  PageCache cache(4000);  // three pages of ~1.2 KB fit, four do not
  cache.Insert("a", 1, MakePage(body));
  cache.Insert("b", 1, MakePage(body));
  cache.Insert("c", 1, MakePage(body));
  EXPECT_EQ(cache.stats().pages, 3u);
  ASSERT_NE(cache.Find("a", 1), nullptr);  // a is now the most recent
  cache.Insert("d", 1, MakePage(body));    // evicts b, the least recent
  EXPECT_EQ(cache.Find("b", 1), nullptr);
  EXPECT_NE(cache.Find("a", 1), nullptr);
  EXPECT_NE(cache.Find("c", 1), nullptr);
  EXPECT_NE(cache.Find("d", 1), nullptr);
  EXPECT_LE(cache.stats().bytes, 4000u);
  EXPECT_EQ(cache.stats().evictions, 1u);
  // Replacing a key does not count twice; a page larger than the bound is
  // never kept.
  cache.Insert("d", 1, MakePage(body));
  EXPECT_EQ(cache.stats().pages, 3u);
  cache.Insert("huge", 1, MakePage(std::string(5000, 'y')));
  EXPECT_EQ(cache.Find("huge", 1), nullptr);
  EXPECT_EQ(cache.stats().pages, 3u);
}

// A file store served the way ncert serve serves it: pool, watcher, cache,
// audit sink; and a second connection on the same file, as another process
// (ncert ingest, ncert taxii pull) would write.
class CachedServiceTest : public testing::Test {
 protected:
  static constexpr char kColl[] = "2e4c4d5e-1111-4aaa-8bbb-000000000001";

  void SetUp() override {
    path_ = testing::TempDir() + "/taxii_page_cache_" +
            std::to_string(::getpid()) + ".db";
    Remove();
    store_ = Open(true);
    other_ = Open(false);
    ASSERT_TRUE(store_ && other_);
    for (int i = 1; i <= 3; ++i) Put(*store_, i);
    reads_ = OpenPooledReads(path_, clock_, 1 << 20);
    ASSERT_TRUE(reads_.pool && reads_.watcher);
    audit_ = std::make_unique<server::AuditSink>(store_->directory(), nullptr,
                                                 &metrics_);
    TaxiiConfig config;
    ApiRootConfig root;
    root.name = "intel";
    root.title = "intel";
    CollectionConfig all;
    all.id = kColl;
    all.title = "everything";
    all.public_read = true;
    root.collections.push_back(all);
    config.api_roots.push_back(root);
    config.audit_reads = true;
    TaxiiReadPath rp = reads_.Path();
    rp.audit = audit_.get();
    svc_ = std::make_unique<TaxiiService>(*store_, *env_, clock_, config, rp);
  }
  void TearDown() override {
    svc_.reset();
    audit_.reset();
    reads_ = {};
    other_.reset();
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((path_ + suffix).c_str());
    }
  }
  std::unique_ptr<store::Store> Open(bool create) {
    store::SqliteOptions o;
    o.path = path_;
    o.clock = &clock_;
    o.create_if_missing = create;
    auto s = store::OpenSqliteStore(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  static std::string Id(int n) {
    return "indicator--" + UuidV4FromBytes(UuidBytes{static_cast<uint8_t>(n)});
  }
  // Indicator n, a minimal stored form.
  static stix::Object Indicator(int n) {
    stix::Object o;
    o.type = "indicator";
    o.id = Id(n);
    o.spec_version = "2.1";
    o.modified = "2024-01-01T00:00:00.000Z";
    o.version = *ParseTimestamp(o.modified);
    o.json = fmt::format(
        R"({{"id":"{}","modified":"{}","spec_version":"2.1","type":"indicator"}})",
        o.id, o.modified);
    return o;
  }
  // Stores indicator n, TLP:CLEAR for everyone.
  void Put(store::Store& s, int n) {
    stix::Object o = Indicator(n);
    access::AccessLabel label;
    label.tlp = stix::Tlp::kClear;
    label.owner_org = 1;
    label.distribution.everyone = true;
    clock_.Advance(1000);
    ASSERT_TRUE(s.Put(std::span<const stix::Object>(&o, 1),
                      std::span<const access::AccessLabel>(&label, 1))
                    .ok());
  }
  server::Response Page(const access::Principal* who = nullptr) {
    server::Request r;
    r.method = "GET";
    r.headers["accept"] = std::string(kTaxiiMediaType);
    r.params = {{"api_root", "intel"}, {"id", kColl}};
    r.query = {{"limit", "10"}};
    r.principal = who;
    return svc_->GetObjects(r);
  }
  static std::string Header(const server::Response& r, std::string_view n) {
    for (const auto& [k, v] : r.headers) {
      if (k == n) return v;
    }
    return "";
  }
  static int Count(std::string_view body) {
    int n = 0;
    for (size_t p = 0;
         (p = body.find("\"type\":\"indicator\"", p)) != std::string::npos;
         ++p) {
      ++n;
    }
    return n;
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::string path_;
  std::unique_ptr<store::Store> store_, other_;
  server::Metrics metrics_;
  PooledReads reads_;
  std::unique_ptr<server::AuditSink> audit_;
  std::unique_ptr<TaxiiService> svc_;
};

TEST_F(CachedServiceTest, AWriteFromAnotherConnectionIsSeenAtOnce) {
  auto first = Page();
  ASSERT_EQ(first.status, 200) << first.Body();
  EXPECT_EQ(Count(first.Body()), 3);
  auto again = Page();
  EXPECT_EQ(again.Body(), first.Body());
  EXPECT_EQ(again.headers, first.headers);
  EXPECT_EQ(reads_.cache->stats().hits, 1u);

  // Another connection (as another process would) adds an object.
  Put(*other_, 4);
  auto after = Page();
  EXPECT_EQ(Count(after.Body()), 4) << after.Body();
  EXPECT_NE(Header(after, "X-TAXII-Date-Added-Last"),
            Header(first, "X-TAXII-Date-Added-Last"));
  EXPECT_EQ(reads_.cache->stats().hits, 1u);  // a miss, not the old page

  // ... or withdraws one from the collection.
  ASSERT_TRUE(other_->taxii()
                  .Withdraw({std::string("intel/") + kColl, Id(2), clock_.Now(),
                             "tanaka"})
                  .ok());
  auto withdrawn = Page();
  EXPECT_EQ(Count(withdrawn.Body()), 3);
  EXPECT_EQ(withdrawn.Body().find(Id(2)), std::string::npos);

  // A commit that changes no knowledge (an audit entry) keeps the page.
  access::AuditEntry e;
  e.actor = "local";
  e.action = "admin";
  e.target = "test";
  e.result = "ok";
  ASSERT_TRUE(other_->directory().AppendAudit(e).ok());
  const uint64_t hits = reads_.cache->stats().hits;
  EXPECT_EQ(Page().Body(), withdrawn.Body());
  EXPECT_EQ(reads_.cache->stats().hits, hits + 1);
}

TEST_F(CachedServiceTest, CallersWithDifferentViewsNeverShareAPage) {
  // A TLP:AMBER object for organisation 2 only.
  {
    stix::Object o = Indicator(9);
    access::AccessLabel label;
    label.tlp = stix::Tlp::kAmber;
    label.owner_org = 1;
    label.distribution.orgs = {2};
    ASSERT_TRUE(store_
                    ->Put(std::span<const stix::Object>(&o, 1),
                          std::span<const access::AccessLabel>(&label, 1))
                    .ok());
  }
  access::Principal in, out;
  in.user = {8, "sato", 2, access::Role::kMember, 0};
  in.org = {2, "Kanto Electric", access::OrgType::kCompany, {}, ""};
  out = in;
  out.user.org_id = 3;
  out.org.id = 3;
  out.org.name = "Other";
  // Each twice, interleaved: the second of each comes from the cache, and
  // is still that caller's own page.
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(Count(Page(&in).Body()), 4);
    EXPECT_NE(Page(&in).Body().find(Id(9)), std::string::npos);
    EXPECT_EQ(Count(Page(&out).Body()), 3);
    EXPECT_EQ(Page(&out).Body().find(Id(9)), std::string::npos);
    EXPECT_EQ(Count(Page(nullptr).Body()), 3);
  }
  EXPECT_EQ(reads_.cache->stats().misses, 3u);  // one per view
  EXPECT_GE(reads_.cache->stats().hits, 5u);
}

TEST_F(CachedServiceTest, EveryReadIsAuditedCachedOrNotAndNothingIsLost) {
  access::Principal who;
  who.user = {8, "sato", 2, access::Role::kMember, 0};
  who.org = {2, "Kanto Electric", access::OrgType::kCompany, {}, ""};
  constexpr int kReads = 250;
  for (int i = 0; i < kReads; ++i) {
    ASSERT_EQ(Page(&who).status, 200);
    if (i == 100) Put(*other_, 5);  // later pages hold one more object
  }
  audit_.reset();  // shutdown: the sink writes what it holds, then stops
  int64_t reads = 0;
  int entries = 0;
  access::AuditVerifier verify;
  ASSERT_TRUE(
      store_->directory()
          .ScanAudit({},
                     [&](const access::AuditEntry& e) {
                       verify.Add(e);
                       if (e.actor != "sato" || e.action != "read") {
                         return true;
                       }
                       ++entries;
                       EXPECT_EQ(e.target,
                                 std::string("taxii objects intel/") + kColl);
                       // "ok 3 objects" or "ok 3 objects x57".
                       size_t x = e.result.rfind(" x");
                       reads += x == std::string::npos
                                    ? 1
                                    : std::stoll(e.result.substr(x + 2));
                       return true;
                     })
          .ok());
  EXPECT_EQ(reads, kReads);
  EXPECT_GE(entries, 2);  // "ok 3 objects" and "ok 4 objects" at least
  EXPECT_TRUE(verify.verdict().ok) << verify.verdict().why;
}

}  // namespace
}  // namespace ncert::taxii
