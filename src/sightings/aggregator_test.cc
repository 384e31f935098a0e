#include "sightings/aggregator.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>

#include "access/policy.h"
#include "core/id.h"
#include "stix/decode.h"
#include "store/sqlite_store.h"

namespace ncert::sightings {
namespace {

using access::AccessLabel;
using stix::Tlp;

constexpr char kReporter[] = "identity--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
constexpr char kOther[] = "identity--bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const Timestamp kT0 = *ParseTimestamp("2024-05-01T00:00:00Z");
constexpr int64_t kHour = int64_t{3600} * 1'000'000;

stix::Object Decode(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element el;
  EXPECT_EQ(parser.parse(json).get(el), simdjson::SUCCESS);
  std::vector<stix::Issue> issues;
  auto o = stix::ValidateAndDecode(el, &issues);
  EXPECT_TRUE(o.has_value()) << json << "\n"
                             << (issues.empty() ? "" : issues[0].message);
  return o ? *o : stix::Object{};
}

std::string IndicatorId(int i) {
  return fmt::format("indicator--{:08x}-0000-4000-8000-000000000000", i + 1);
}

class AggregatorTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format(
               "ncert-sightings-{}-{}", getpid(),
               testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    store::SqliteOptions o;
    o.path = (dir_ / "ncert.db").string();
    o.clock = &clock_;
    auto s = store::OpenSqliteStore(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto r = RollupStore::Open(o.path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    rollups_ = std::move(*r);
  }
  void TearDown() override {
    rollups_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Stores indicators 0..n-1, labelled `label`.
  void PutIndicators(int n, const AccessLabel& label) {
    std::vector<stix::Object> objects;
    std::vector<AccessLabel> labels;
    for (int i = 0; i < n; ++i) {
      objects.push_back(Decode(fmt::format(
          R"({{"type":"indicator","spec_version":"2.1","id":"{}",)"
          R"("created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
          R"("pattern":"[ipv4-addr:value = '198.51.100.{}']","pattern_type":"stix",)"
          R"("valid_from":"2024-01-01T00:00:00Z"}})",
          IndicatorId(i), i % 250)));
      labels.push_back(label);
    }
    auto r = store_->Put(objects, labels);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  static AccessLabel CertLabel() {
    AccessLabel l;
    l.tlp = Tlp::kAmber;
    l.owner_org = 1;
    l.distribution.orgs = {1, 5};
    return l;
  }
  // The reporter (org 5) shares with the CERT only.
  ReporterLabel Reporters() {
    return [](std::string_view where) -> Result<AccessLabel> {
      if (where == kOther) return Status::NotFound("not a member");
      AccessLabel l;
      l.tlp = Tlp::kAmber;
      l.owner_org = 5;
      l.distribution.orgs = {1};
      return l;
    };
  }

  std::vector<store::StoredObject> All(const store::Reader& reader,
                                       std::string type) {
    std::vector<store::StoredObject> out;
    store::Query q;
    q.types = {std::move(type)};
    Status s = store_->Scan(reader, q, [&](const store::StoredObject& o) {
      out.push_back(o);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  static int64_t Count(const std::string& json, const char* field) {
    simdjson::dom::parser p;
    int64_t n = -1;
    if (p.parse(json)[field].get_int64().get(n) != simdjson::SUCCESS) return -1;
    return n;
  }

  std::filesystem::path dir_;
  FakeClock clock_{*ParseTimestamp("2024-06-01T00:00:00Z")};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<RollupStore> rollups_;
};

MatchRecord Rec(int indicator, std::string value, Timestamp t,
                std::string where = kReporter) {
  return {IndicatorId(indicator), std::move(value), "ipv4-addr", t,
          std::move(where),       "sensor-1"};
}

TEST_F(AggregatorTest, HundredThousandMatchesBecomeAtMostFiftyPerBucket) {
  PutIndicators(50, CertLabel());
  Aggregator agg;
  constexpr int kRecords = 100'000;
  constexpr int kBuckets = 3;  // records span three hours
  for (int i = 0; i < kRecords; ++i) {
    Timestamp t{kT0.micros + int64_t{i} * (kBuckets * kHour / kRecords)};
    agg.Add(Rec(i % 50, fmt::format("203.0.113.{}", i % 37), t));
  }
  EXPECT_EQ(agg.accepted(), kRecords);
  EXPECT_EQ(agg.rejected(), 0);
  auto r = agg.Flush(*store_, *rollups_, "telemetry-1.json", Reporters(),
                     clock_.Now());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sightings_new, 50 * kBuckets);
  EXPECT_EQ(r->records, kRecords);

  auto sightings = All(store::Reader::System(), "sighting");
  ASSERT_LE(sightings.size(), size_t{50 * kBuckets});
  int64_t total = 0;
  for (const auto& s : sightings) total += Count(s.json, "count");
  EXPECT_EQ(total, kRecords);

  auto summaries = All(store::Reader::System(), "observed-data");
  ASSERT_EQ(summaries.size(), sightings.size());
  simdjson::dom::parser p;
  simdjson::dom::element el;
  ASSERT_EQ(p.parse(summaries[0].json).get(el), simdjson::SUCCESS);
  simdjson::dom::array refs;
  ASSERT_EQ(el["object_refs"].get_array().get(refs), simdjson::SUCCESS);
  EXPECT_EQ(refs.size(), 10u);  // capped
  int64_t distinct = 0, unlisted = 0;
  ASSERT_EQ(el["x_ncert_distinct_values"].get_int64().get(distinct),
            simdjson::SUCCESS);
  ASSERT_EQ(el["x_ncert_values_not_listed"].get_int64().get(unlisted),
            simdjson::SUCCESS);
  EXPECT_GT(distinct, 10);
  EXPECT_EQ(unlisted, distinct - 10);
  // Only the distinct SCOs are stored, never one object per event.
  EXPECT_LE(All(store::Reader::System(), "ipv4-addr").size(), 37u);

  // Per-minute rollups: every record counted once.
  int64_t minutes_total = 0;
  for (int i = 0; i < 50; ++i) {
    auto m = rollups_->MinuteCounts(IndicatorId(i), kT0,
                                    {kT0.micros + kBuckets * kHour});
    ASSERT_TRUE(m.ok());
    for (const auto& c : *m) minutes_total += c.count;
  }
  EXPECT_EQ(minutes_total, kRecords);
}

TEST_F(AggregatorTest, RerunningTheSameSourceChangesNothing) {
  PutIndicators(2, CertLabel());
  auto run = [&](std::string_view source, int n) {
    Aggregator agg;
    for (int i = 0; i < n; ++i) {
      agg.Add(Rec(i % 2, "203.0.113.9", {kT0.micros + i * 1'000'000}));
    }
    clock_.Advance(1'000'000);
    auto r = agg.Flush(*store_, *rollups_, source, Reporters(), clock_.Now());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : FlushResult{};
  };
  const std::string sid =
      Aggregator::SightingId(IndicatorId(0), kReporter, kT0);
  FlushResult first = run("a.json", 10);
  EXPECT_EQ(first.sightings_new, 2);
  // The same file again: no new version, the same count.
  FlushResult again = run("a.json", 10);
  EXPECT_EQ(again.sightings_unchanged, 2);
  EXPECT_EQ(again.sightings_new + again.sightings_updated, 0);
  auto versions = store_->Versions(store::Reader::System(), sid);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 1u);
  EXPECT_EQ(Count(versions->back().json, "count"), 5);
  // The file grew by 4 events: only those are added.
  FlushResult grown = run("a.json", 14);
  EXPECT_EQ(grown.sightings_updated, 2);
  versions = store_->Versions(store::Reader::System(), sid);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ(Count(versions->back().json, "count"), 7);
  EXPECT_LT(versions->front().modified, versions->back().modified);
  // Another source adds up.
  run("b.json", 6);
  auto latest = store_->Get(store::Reader::System(), sid);
  ASSERT_TRUE(latest.ok() && *latest);
  EXPECT_EQ(Count((*latest)->json, "count"), 10);
  auto m = rollups_->MinuteCounts(IndicatorId(0), kT0, {kT0.micros + kHour});
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].count, 10);
}

TEST_F(AggregatorTest, BadRecordsAreCountedNotFatal) {
  PutIndicators(1, CertLabel());
  Aggregator agg;
  agg.Add(Rec(0, "203.0.113.1", kT0));
  agg.Add({"not-an-id", "1.2.3.4", "ipv4-addr", kT0, kReporter, ""});
  agg.Add({IndicatorId(0), "x", "process", kT0, kReporter, ""});
  agg.Add({IndicatorId(0), "", "ipv4-addr", kT0, kReporter, ""});
  agg.Add({IndicatorId(0), "1.2.3.4", "ipv4-addr", kT0, "", ""});
  agg.Add({IndicatorId(0), "1.2.3.4", "ipv4-addr", kT0,
           "relationship--"
           "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
           ""});
  // Hostile values are data: counted in the sighting, not listed as SCOs.
  agg.Add(Rec(0, "1.2.3.4'; DROP TABLE objects; --", kT0));
  // Unknown indicator and unknown reporter: skipped at Flush.
  agg.Add(Rec(7, "203.0.113.1", kT0));
  agg.Add(Rec(0, "203.0.113.1", kT0, kOther));
  EXPECT_EQ(agg.accepted(), 4);
  EXPECT_EQ(agg.rejected(), 5);
  auto r = agg.Flush(*store_, *rollups_, "x", Reporters(), clock_.Now());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sightings_new, 1);
  EXPECT_EQ(r->records, 2);
  EXPECT_EQ(r->records_skipped, 2);
  bool named_bad_value = false;
  for (const auto& p : r->problems) {
    if (p.find("DROP TABLE") != std::string::npos) named_bad_value = true;
  }
  EXPECT_TRUE(named_bad_value);
  auto ods = All(store::Reader::System(), "observed-data");
  ASSERT_EQ(ods.size(), 1u);
  EXPECT_EQ(Count(ods[0].json, "x_ncert_values_not_listed"), 1);
  EXPECT_EQ(All(store::Reader::System(), "ipv4-addr").size(), 1u);
}

TEST_F(AggregatorTest, SensorWithoutIdentityGetsADerivedOne) {
  PutIndicators(1, CertLabel());
  Aggregator agg;
  agg.Add({IndicatorId(0), "203.0.113.1", "ipv4-addr", kT0, "", "hp-3"});
  auto r = agg.Flush(*store_, *rollups_, "x", Reporters(), clock_.Now());
  ASSERT_TRUE(r.ok());
  auto s = store_->Get(
      store::Reader::System(),
      Aggregator::SightingId(IndicatorId(0),
                             Aggregator::SensorIdentityId("hp-3"), kT0));
  ASSERT_TRUE(s.ok() && *s);
  EXPECT_NE((*s)->json.find(Aggregator::SensorIdentityId("hp-3")),
            std::string::npos);
}

// Who sees the sighting and its summary: never anyone who may not see the
// indicator, nor anyone outside the reporter's chosen audience.
TEST_F(AggregatorTest, VisibleOnlyToWhoSeesBothIndicatorAndReporterChoice) {
  // Indicator 0: the CERT shares it AMBER with orgs 5 (the reporter) and 6.
  // Indicator 1: TLP:RED for user 900 only (the reporter cannot see it).
  AccessLabel shared = CertLabel();
  shared.distribution.orgs = {1, 5, 6};
  PutIndicators(1, shared);
  {
    AccessLabel red;
    red.tlp = Tlp::kRed;
    red.owner_org = 1;
    red.distribution.users = {900};
    std::vector<stix::Object> o = {Decode(fmt::format(
        R"({{"type":"indicator","spec_version":"2.1","id":"{}",)"
        R"("created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
        R"("pattern":"[domain-name:value = 'x.example']","pattern_type":"stix",)"
        R"("valid_from":"2024-01-01T00:00:00Z"}})",
        IndicatorId(1)))};
    std::vector<AccessLabel> l = {red};
    ASSERT_TRUE(store_->Put(o, l).ok());
  }
  // The reporter shares its sightings with the CERT and org 6.
  ReporterLabel reporters = [](std::string_view) -> Result<AccessLabel> {
    AccessLabel l;
    l.tlp = Tlp::kAmber;
    l.owner_org = 5;
    l.distribution.orgs = {1, 6};
    return l;
  };
  Aggregator agg;
  agg.Add(Rec(0, "203.0.113.5", kT0));
  agg.Add({IndicatorId(1), "x.example", "domain-name", kT0, kReporter, ""});
  auto r = agg.Flush(*store_, *rollups_, "x", reporters, clock_.Now());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->sightings_new, 2);

  auto who = [](int64_t org, int64_t user) {
    access::Principal p;
    p.org.id = org;
    p.user.id = user;
    p.user.org_id = org;
    p.user.role = access::Role::kMember;
    return p;
  };
  const access::Principal cert = who(1, 1), reporter = who(5, 50),
                          org6 = who(6, 60), org7 = who(7, 70),
                          red_user = who(1, 900);
  auto seen = [&](const access::Principal& p, const char* type) {
    return All(store::Reader::As(p), type).size();
  };
  // Indicator 0: seen by CERT, the reporter and org 6; the reporter chose
  // CERT and org 6. All three see the sighting and its summary.
  // Indicator 1 (RED, user 900 only): the sighting exists, but only user 900
  // may see the indicator and 900 is not among the reporter's recipients'
  // users: nobody sees it.
  EXPECT_EQ(seen(cert, "sighting"), 1u);
  EXPECT_EQ(seen(reporter, "sighting"), 1u);
  EXPECT_EQ(seen(org6, "sighting"), 1u);
  EXPECT_EQ(seen(org7, "sighting"), 0u);
  EXPECT_EQ(seen(red_user, "sighting"), 1u);  // as a CERT member: indicator 0
  EXPECT_EQ(seen(cert, "observed-data"), 1u);
  EXPECT_EQ(seen(reporter, "observed-data"), 1u);
  EXPECT_EQ(seen(org7, "observed-data"), 0u);
  EXPECT_EQ(All(store::Reader::Public(), "sighting").size(), 0u);
  // What each caller sees is exactly what the policy allows for both.
  access::Policy policy;
  for (const auto* p : {&cert, &reporter, &org6, &org7, &red_user}) {
    for (const auto& s : All(store::Reader::As(*p), "sighting")) {
      simdjson::dom::parser parser;
      std::string_view of;
      ASSERT_EQ(parser.parse(s.json)["sighting_of_ref"].get_string().get(of),
                simdjson::SUCCESS);
      auto ind = store_->Get(store::Reader::As(*p), of);
      ASSERT_TRUE(ind.ok());
      EXPECT_TRUE(ind->has_value())
          << "org " << p->org.id << " sees a sighting of " << of;
      EXPECT_TRUE(policy.CanSee(p, *reporters(kReporter)));
    }
  }
  // The sighting carries the TLP of the combination as a marking.
  auto s = store_->Get(store::Reader::System(),
                       Aggregator::SightingId(IndicatorId(0), kReporter, kT0));
  ASSERT_TRUE(s.ok() && *s);
  EXPECT_NE((*s)->json.find(stix::Tlp2MarkingId(Tlp::kAmber)),
            std::string::npos);
}

}  // namespace
}  // namespace ncert::sightings
