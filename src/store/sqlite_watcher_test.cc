// OpenSqliteChangeWatcher: the generation moves with every commit that
// changes what a read returns, from any connection, and with nothing else.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "core/id.h"
#include "store/directory.h"
#include "store/sqlite_store.h"
#include "store/taxii_state.h"

namespace ncert::store {
namespace {

class ChangeWatcherTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::TempDir() + "/change_watcher_" +
            std::to_string(::getpid()) + ".db";
    Remove();
    writer_ = Open(true);
    other_ = Open(false);
    ASSERT_TRUE(writer_ && other_);
  }
  void TearDown() override {
    writer_.reset();
    other_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((path_ + suffix).c_str());
    }
  }
  std::unique_ptr<Store> Open(bool create) {
    SqliteOptions o;
    o.path = path_;
    o.clock = &clock_;
    o.create_if_missing = create;
    auto s = OpenSqliteStore(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  void Put(Store& s, int n, const char* modified) {
    stix::Object o;
    o.type = "indicator";
    o.id = "indicator--" + UuidV4FromBytes(UuidBytes{static_cast<uint8_t>(n)});
    o.spec_version = "2.1";
    o.modified = modified;
    o.version = *ParseTimestamp(modified);
    o.json = fmt::format(R"({{"id":"{}","modified":"{}","type":"indicator"}})",
                         o.id, modified);
    access::AccessLabel l;
    l.owner_org = 1;
    clock_.Advance(1000);
    ASSERT_TRUE(s.Put(std::span<const stix::Object>(&o, 1),
                      std::span<const access::AccessLabel>(&l, 1))
                    .ok());
  }
  uint64_t Gen(ChangeWatcher& w) {
    auto g = w.Generation();
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : 0;
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::string path_;
  std::unique_ptr<Store> writer_, other_;
};

TEST_F(ChangeWatcherTest, MovesWithKnowledgeCommitsFromAnyConnectionOnly) {
  auto w = OpenSqliteChangeWatcher(path_);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ChangeWatcher& watcher = **w;
  uint64_t g0 = Gen(watcher);
  EXPECT_EQ(Gen(watcher), g0);  // nothing committed

  Put(*writer_, 1, "2024-01-01T00:00:00.000Z");
  uint64_t g1 = Gen(watcher);
  EXPECT_NE(g1, g0);
  Put(*other_, 2, "2024-01-01T00:00:00.000Z");  // another connection
  uint64_t g2 = Gen(watcher);
  EXPECT_NE(g2, g1);
  Put(*other_, 2, "2024-02-01T00:00:00.000Z");  // a new version
  uint64_t g3 = Gen(watcher);
  EXPECT_NE(g3, g2);
  ASSERT_TRUE(other_->taxii()
                  .Withdraw({"intel/c", "indicator--x", clock_.Now(), "u"})
                  .ok());
  uint64_t g4 = Gen(watcher);
  EXPECT_NE(g4, g3);

  // Commits that change no read: the same version again, the audit log, a
  // pull cursor.
  Put(*writer_, 1, "2024-01-01T00:00:00.000Z");
  access::AuditEntry e;
  e.actor = "local";
  e.action = "admin";
  e.target = "t";
  e.result = "ok";
  ASSERT_TRUE(other_->directory().AppendAudit(e).ok());
  ASSERT_TRUE(other_->taxii()
                  .SetCursor({"http://x/", "c", clock_.Now(), clock_.Now()})
                  .ok());
  EXPECT_EQ(Gen(watcher), g4);
}

TEST_F(ChangeWatcherTest, NeedsAFile) {
  EXPECT_FALSE(OpenSqliteChangeWatcher(":memory:").ok());
  EXPECT_FALSE(OpenSqliteChangeWatcher(path_ + ".absent").ok());
}

}  // namespace
}  // namespace ncert::store
