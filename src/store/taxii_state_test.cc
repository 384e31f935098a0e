// Store::ScanAdded (TAXII's acceptance-order read) and TaxiiState (status
// resources, withdrawals, pull cursors) on the SQLite backend.

#include "store/taxii_state.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/id.h"
#include "store/sqlite_store.h"

namespace ncert::store {
namespace {

stix::Object Obj(std::string type, int n, std::string modified) {
  stix::Object o;
  o.type = type;
  UuidBytes b{};
  b[15] = static_cast<uint8_t>(n);
  o.id = type + "--" + UuidV4FromBytes(b);
  o.spec_version = "2.1";
  o.modified = modified;
  o.version = *ParseTimestamp(modified);
  o.json = fmt::format(R"({{"id":"{}","modified":"{}","type":"{}"}})", o.id,
                       modified, type);
  return o;
}

access::AccessLabel Label(std::optional<stix::Tlp> tlp) {
  access::AccessLabel l;
  l.tlp = tlp;
  l.owner_org = 1;
  return l;
}

class ScanAddedTest : public testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = ":memory:";
    options.clock = &clock_;
    auto s = OpenSqliteStore(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void Put(const stix::Object& o, std::optional<stix::Tlp> tlp) {
    clock_.Advance(1000000);
    access::AccessLabel l = Label(tlp);
    ASSERT_TRUE(store_
                    ->Put(std::span<const stix::Object>(&o, 1),
                          std::span<const access::AccessLabel>(&l, 1))
                    .ok());
  }
  // (id, modified, seq) in scan order.
  std::vector<std::tuple<std::string, std::string, int64_t>> Scan(
      const Reader& r, const AddedQuery& q, int stop_after = 1000) {
    std::vector<std::tuple<std::string, std::string, int64_t>> out;
    Status s = store_->ScanAdded(r, q, [&](const StoredObject& o, int64_t seq) {
      out.emplace_back(o.id, o.modified, seq);
      return static_cast<int>(out.size()) < stop_after;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<Store> store_;
};

TEST_F(ScanAddedTest, AcceptanceOrderCursorVersionsAndTypes) {
  stix::Object a1 = Obj("indicator", 1, "2024-01-01T00:00:00.000Z");
  stix::Object b = Obj("malware", 2, "2024-01-01T00:00:00.000Z");
  stix::Object a2 = Obj("indicator", 1, "2024-02-01T00:00:00.000Z");
  stix::Object c = Obj("indicator", 3, "2023-01-01T00:00:00.000Z");
  Put(a1, stix::Tlp::kClear);
  Put(b, stix::Tlp::kClear);
  Put(a2, stix::Tlp::kClear);
  Put(c, stix::Tlp::kRed);  // the public may not see it

  AddedQuery all;
  all.latest_only = false;
  auto rows = Scan(Reader::System(), all);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(std::get<0>(rows[0]), a1.id);
  EXPECT_EQ(std::get<0>(rows[1]), b.id);
  EXPECT_EQ(std::get<1>(rows[2]), a2.modified);
  EXPECT_EQ(std::get<0>(rows[3]), c.id);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LT(std::get<2>(rows[i - 1]), std::get<2>(rows[i]));
  }

  // Latest only: a1 was superseded by a2.
  auto latest = Scan(Reader::System(), AddedQuery{});
  ASSERT_EQ(latest.size(), 3u);
  EXPECT_EQ(std::get<1>(latest[1]), a2.modified);

  // Resuming after a seq continues exactly where a page stopped.
  auto page = Scan(Reader::System(), all, 2);
  AddedQuery next = all;
  next.after_seq = std::get<2>(page.back());
  auto rest = Scan(Reader::System(), next);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(std::get<1>(rest[0]), a2.modified);

  // Types and added_after.
  AddedQuery malware = all;
  malware.types = {"malware"};
  EXPECT_EQ(Scan(Reader::System(), malware).size(), 1u);
  AddedQuery recent = all;
  recent.added_after = Timestamp{1700000000000000 + 2000000};  // after b
  auto r = Scan(Reader::System(), recent);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(std::get<1>(r[0]), a2.modified);
  AddedQuery none = all;
  none.types = {"campaign"};
  EXPECT_TRUE(Scan(Reader::System(), none).empty());

  // The policy: the public never sees the TLP:RED object.
  auto pub = Scan(Reader::Public(), all);
  EXPECT_EQ(pub.size(), 3u);
  for (const auto& row : pub) EXPECT_NE(std::get<0>(row), c.id);
}

TEST_F(ScanAddedTest, StatusWithdrawalsAndCursors) {
  TaxiiState& t = store_->taxii();
  TaxiiStatusRecord rec{"2d086da7-4bdc-4f91-900e-d77486753710", "api1", "sato",
                        Timestamp{5}, R"({"status":"complete"})"};
  ASSERT_TRUE(t.PutStatus(rec).ok());
  auto got = t.GetStatus("api1", rec.id);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->json, rec.json);
  EXPECT_EQ((*got)->owner, "sato");
  // Another API root does not see it.
  EXPECT_FALSE(t.GetStatus("api2", rec.id)->has_value());

  ASSERT_TRUE(t.Withdraw({"api1/c1", "indicator--x", Timestamp{1}, "a"}).ok());
  ASSERT_TRUE(t.Withdraw({"api1/c1", "indicator--x", Timestamp{2}, "b"}).ok());
  auto w = t.Withdrawn("api1/c1");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, std::vector<std::string>{"indicator--x"});
  EXPECT_TRUE(t.Withdrawn("api1/c2")->empty());

  EXPECT_FALSE(t.GetCursor("https://x/api1/", "c1")->has_value());
  ASSERT_TRUE(
      t.SetCursor({"https://x/api1/", "c1", Timestamp{10}, Timestamp{11}})
          .ok());
  ASSERT_TRUE(
      t.SetCursor({"https://x/api1/", "c1", Timestamp{20}, Timestamp{21}})
          .ok());
  auto c = t.GetCursor("https://x/api1/", "c1");
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->last_added.micros, 20);
}

}  // namespace
}  // namespace ncert::store
