#include "access/audit.h"

#include <gtest/gtest.h>

#include <vector>

namespace ncert::access {
namespace {

std::vector<AuditEntry> Chain(int n) {
  std::vector<AuditEntry> log;
  std::optional<AuditEntry> prev;
  for (int i = 0; i < n; ++i) {
    AuditEntry e;
    e.at = Timestamp{1700000000000000 + i * 1000000};
    e.actor = i % 2 ? "sato@power.example" : "local";
    e.action = i % 3 ? "read" : "write";
    e.target = "query type=indicator #" + std::to_string(i);
    e.result = "ok " + std::to_string(i) + " objects";
    ChainAuditEntry(prev, &e);
    log.push_back(e);
    prev = e;
  }
  return log;
}

AuditVerdict Verify(const std::vector<AuditEntry>& log) {
  AuditVerifier v;
  for (const auto& e : log) v.Add(e);
  return v.verdict();
}

TEST(AuditTest, IntactChainVerifies) {
  auto log = Chain(10);
  AuditVerdict v = Verify(log);
  EXPECT_TRUE(v.ok) << v.why;
  EXPECT_EQ(v.entries, 10);
  EXPECT_EQ(v.head_hash, log.back().hash);
  EXPECT_EQ(log.front().prev_hash, kAuditGenesis);
  EXPECT_TRUE(Verify({}).ok);
}

// Every field of every entry, edited alone: the edited entry is named.
TEST(AuditTest, EveryEditIsFoundAtTheEditedEntry) {
  const auto log = Chain(6);
  for (size_t i = 0; i < log.size(); ++i) {
    for (int field = 0; field < 6; ++field) {
      auto edited = log;
      AuditEntry& e = edited[i];
      switch (field) {
        case 0:
          e.at.micros += 1;
          break;
        case 1:
          e.actor = "mallory";
          break;
        case 2:
          e.action = "admin";
          break;
        case 3:
          e.target += " ";
          break;
        case 4:
          e.result = "denied";
          break;
        case 5:
          e.hash[0] = e.hash[0] == 'a' ? 'b' : 'a';
          break;
      }
      AuditVerdict v = Verify(edited);
      EXPECT_FALSE(v.ok) << "entry " << i << " field " << field;
      EXPECT_EQ(v.first_bad_seq, log[i].seq)
          << "entry " << i << " field " << field;
    }
  }
}

TEST(AuditTest, RemovalIsFoundAtTheNextEntry) {
  const auto log = Chain(6);
  for (size_t i = 0; i < log.size() - 1; ++i) {
    auto cut = log;
    cut.erase(cut.begin() + static_cast<long>(i));
    AuditVerdict v = Verify(cut);
    EXPECT_FALSE(v.ok) << "removed " << i;
    EXPECT_EQ(v.first_bad_seq, log[i + 1].seq);
    EXPECT_EQ(v.position, static_cast<int64_t>(i + 1));
  }
}

TEST(AuditTest, ReorderIsFound) {
  auto log = Chain(6);
  std::swap(log[2], log[3]);
  AuditVerdict v = Verify(log);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.position, 3);
  EXPECT_EQ(v.first_bad_seq, 4);
}

// A forger who renumbers and rehashes everything after an edit still cannot
// make the chain agree with the head anchored before the edit.
TEST(AuditTest, RewrittenTailChangesTheHead) {
  auto log = Chain(6);
  std::string anchored = Verify(log).head_hash;
  log[3].result = "ok 0 objects";
  std::optional<AuditEntry> prev = log[2];
  for (size_t i = 3; i < log.size(); ++i) {
    ChainAuditEntry(prev, &log[i]);
    prev = log[i];
  }
  AuditVerdict v = Verify(log);
  EXPECT_TRUE(v.ok);
  EXPECT_NE(v.head_hash, anchored);
}

TEST(AuditTest, TruncationShowsAsAnOlderHead) {
  auto log = Chain(6);
  AuditVerdict full = Verify(log);
  log.pop_back();
  AuditVerdict cut = Verify(log);
  EXPECT_TRUE(cut.ok);
  EXPECT_EQ(cut.entries, 5);
  EXPECT_NE(cut.head_hash, full.head_hash);
}

}  // namespace
}  // namespace ncert::access
