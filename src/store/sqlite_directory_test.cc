#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "access/audit.h"
#include "access/token.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

namespace ncert::store {
namespace {

class DirectoryTest : public testing::Test {
 protected:
  void SetUp() override {
    // One file per test: ctest runs the tests of this binary in parallel.
    path_ = testing::TempDir() + "/ncert_directory_" +
            testing::UnitTest::GetInstance()->current_test_info()->name() +
            ".db";
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_ + suffix);
    }
    Open();
  }
  void Open() {
    store_.reset();
    SqliteOptions o;
    o.path = path_;
    o.clock = &clock_;
    auto s = OpenSqliteStore(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  Directory& dir() { return store_->directory(); }

  access::AuditVerdict Verify() {
    access::AuditVerifier v;
    EXPECT_TRUE(dir()
                    .ScanAudit({},
                               [&](const access::AuditEntry& e) {
                                 v.Add(e);
                                 return true;
                               })
                    .ok());
    return v.verdict();
  }

  // What an attacker with the file could do: bypass the triggers.
  void Tamper(const std::string& sql) {
    store_.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::string all =
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " +
        sql;
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
    Open();
  }

  void AppendFive() {
    for (int i = 0; i < 5; ++i) {
      access::AuditEntry e;
      e.actor = "local";
      e.action = "read";
      e.target = "query #" + std::to_string(i);
      e.result = "ok";
      clock_.Advance(1000000);
      ASSERT_TRUE(dir().AppendAudit(e).ok());
    }
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(DirectoryTest, BuiltInCertAndLocalOperator) {
  auto local = dir().FindPrincipal("local");
  ASSERT_TRUE(local.ok() && local->has_value());
  EXPECT_EQ((*local)->org.type, access::OrgType::kNationalCert);
  EXPECT_EQ((*local)->user.role, access::Role::kAdmin);
  EXPECT_EQ((*local)->user.clearance, access::kMaxClearance);
}

TEST_F(DirectoryTest, OrgsGroupsUsers) {
  access::Org power;
  power.name = "Power Co";
  power.type = access::OrgType::kCriticalInfrastructure;
  power.sectors = {"electric-power", "gas", "electric-power"};
  auto p = dir().AddOrg(power);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->sectors, (std::vector<std::string>{"electric-power", "gas"}));
  EXPECT_EQ(dir().AddOrg(power).status().code(), StatusCode::kAlreadyExists);
  access::Org bad;
  bad.name = "Bad";
  bad.sectors = {"Electric Power"};
  EXPECT_EQ(dir().AddOrg(bad).status().code(), StatusCode::kInvalidArgument);

  auto g = dir().AddGroup("energy-isac", {1, p->id});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->org_ids, (std::vector<int64_t>{1, p->id}));
  EXPECT_EQ(dir().AddGroup("ghosts", {999}).status().code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(dir().FindGroup("ghosts")->has_value());  // rolled back

  access::User u;
  u.name = "sato@power.example";
  u.org_id = p->id;
  u.role = access::Role::kMember;
  u.clearance = 1;
  ASSERT_TRUE(dir().AddUser(u).ok());
  u.org_id = 999;
  u.name = "nobody";
  EXPECT_EQ(dir().AddUser(u).status().code(), StatusCode::kNotFound);
  auto who = dir().FindPrincipal("sato@power.example");
  ASSERT_TRUE(who.ok() && who->has_value());
  EXPECT_EQ((*who)->org.name, "Power Co");
  EXPECT_EQ((*who)->groups, (std::vector<int64_t>{g->id}));
  Open();  // it persists
  EXPECT_EQ(dir().ListOrgs()->size(), 2u);
  EXPECT_EQ(dir().ListUsers()->size(), 2u);
}

TEST_F(DirectoryTest, TokensAuthenticateUntilRevokedOrExpired) {
  auto t = access::NewToken();
  ASSERT_TRUE(t.ok());
  TokenRecord r;
  r.key_id = t->key_id;
  r.hash = t->hash;
  r.user_id = 1;
  r.created = clock_.Now();
  r.expires = Timestamp{clock_.Now().micros + 3600000000};
  ASSERT_TRUE(dir().AddToken(r).ok());
  auto who = Authenticate(dir(), clock_, t->token);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->user.name, "local");
  std::string wrong = t->token;
  wrong.back() = wrong.back() == 'x' ? 'y' : 'x';
  EXPECT_EQ(Authenticate(dir(), clock_, wrong).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Authenticate(dir(), clock_, "garbage").status().code(),
            StatusCode::kInvalidArgument);
  clock_.Advance(3600000001);
  EXPECT_NE(
      Authenticate(dir(), clock_, t->token).status().message().find("expired"),
      std::string::npos);
  auto t2 = access::NewToken();
  r.key_id = t2->key_id;
  r.hash = t2->hash;
  r.expires.reset();
  ASSERT_TRUE(dir().AddToken(r).ok());
  ASSERT_TRUE(Authenticate(dir(), clock_, t2->token).ok());
  ASSERT_TRUE(dir().RevokeToken(t2->key_id).ok());
  EXPECT_NE(
      Authenticate(dir(), clock_, t2->token).status().message().find("revoked"),
      std::string::npos);
  EXPECT_EQ(dir().RevokeToken("nosuchid").code(), StatusCode::kNotFound);
  // Only hashes are stored.
  auto tokens = dir().ListTokens();
  ASSERT_TRUE(tokens.ok());
  for (const auto& rec : *tokens) {
    EXPECT_EQ(rec.hash.find("ncert_"), std::string::npos);
  }
}

TEST_F(DirectoryTest, AuditLogIsAppendOnlyAndVerifies) {
  AppendFive();
  access::AuditVerdict v = Verify();
  EXPECT_TRUE(v.ok) << v.why;
  EXPECT_EQ(v.entries, 5);
  // The triggers refuse edits through SQL.
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET result = 'x'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 2", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  Open();
  EXPECT_TRUE(Verify().ok);
}

TEST_F(DirectoryTest, AuditVerifyNamesEditedEntry) {
  AppendFive();
  Tamper("UPDATE audit_log SET result = 'denied' WHERE seq = 3;");
  access::AuditVerdict v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
}

TEST_F(DirectoryTest, AuditVerifyNamesRemovedEntry) {
  AppendFive();
  Tamper("DELETE FROM audit_log WHERE seq = 2;");
  access::AuditVerdict v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);  // the entry after the gap
}

TEST_F(DirectoryTest, AuditVerifyNamesReorderedEntries) {
  AppendFive();
  // Swap the contents of entries 2 and 4 (seq kept in place).
  Tamper(
      "CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (2, 4);"
      "UPDATE audit_log SET at_us = (SELECT at_us FROM t WHERE seq = 4), "
      "target = (SELECT target FROM t WHERE seq = 4), "
      "prev_hash = (SELECT prev_hash FROM t WHERE seq = 4), "
      "hash = (SELECT hash FROM t WHERE seq = 4) WHERE seq = 2;"
      "UPDATE audit_log SET at_us = (SELECT at_us FROM t WHERE seq = 2), "
      "target = (SELECT target FROM t WHERE seq = 2), "
      "prev_hash = (SELECT prev_hash FROM t WHERE seq = 2), "
      "hash = (SELECT hash FROM t WHERE seq = 2) WHERE seq = 4;");
  access::AuditVerdict v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 2);
}

TEST_F(DirectoryTest, AuditFilterByActorAndTime) {
  AppendFive();
  access::AuditEntry e;
  e.actor = "sato";
  e.action = "export";
  e.target = "export";
  e.result = "ok";
  ASSERT_TRUE(dir().AppendAudit(e).ok());
  AuditFilter f;
  f.actor = "sato";
  int n = 0;
  ASSERT_TRUE(dir()
                  .ScanAudit(f,
                             [&](const access::AuditEntry& x) {
                               EXPECT_EQ(x.seq, 6);
                               ++n;
                               return true;
                             })
                  .ok());
  EXPECT_EQ(n, 1);
  AuditFilter since;
  since.since = Timestamp{1700000000000000 + 4000000};
  n = 0;
  ASSERT_TRUE(dir()
                  .ScanAudit(since,
                             [&](const access::AuditEntry&) {
                               ++n;
                               return true;
                             })
                  .ok());
  EXPECT_EQ(n, 3);
}

}  // namespace
}  // namespace ncert::store
