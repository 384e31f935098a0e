#include "sensors/alert.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "access/labeler.h"
#include "sensors/alert_stix.h"
#include "store/sqlite_store.h"

namespace ncert::sensors {
namespace {

using ::testing::HasSubstr;

// 2022-02-23T18:00:00Z = 2022-02-24 03:00 JST.
constexpr int64_t kSince = 1645639200LL * 1000000;
constexpr int64_t kHour = 3600LL * 1000000;

Surge Sample() {
  Surge s;
  s.key = {"darknet-tokyo-1", "unique_sources", "23/tcp"};
  s.resolution = Resolution::k1h;
  s.since = {kSince};
  s.detected = {kSince};
  s.last = {kSince + 5 * kHour};
  s.ratio = 9.84;
  s.peak = 1300;
  for (int i = -2; i < 6; ++i) {
    s.excerpt.push_back({{kSince + i * kHour}, i < 0 ? 130.0 : 1250.0, 127.0});
  }
  return s;
}

TEST(DisplayZoneTest, KnownNamesAndOffsets) {
  auto tokyo = ParseDisplayZone("Asia/Tokyo");
  ASSERT_TRUE(tokyo.ok());
  EXPECT_EQ(tokyo->offset_minutes, 540);
  EXPECT_EQ(FormatInZone({kSince}, *tokyo), "2022-02-24 03:00 JST");
  auto utc = ParseDisplayZone("UTC");
  EXPECT_EQ(FormatInZone({kSince}, *utc), "2022-02-23 18:00 UTC");
  auto minus = ParseDisplayZone("-05:30");
  ASSERT_TRUE(minus.ok());
  EXPECT_EQ(FormatInZone({kSince}, *minus), "2022-02-23 12:30 UTC-05:30");
  EXPECT_FALSE(ParseDisplayZone("Europe/Berlin").ok());  // has DST
  EXPECT_FALSE(ParseDisplayZone("+25:00").ok());
  EXPECT_FALSE(ParseDisplayZone("").ok());
}

TEST(AlertTest, SaysWhatRoseByHowMuchAndSinceWhen) {
  AlertText t = DescribeSurge(Sample(), AlertOptions{});
  EXPECT_EQ(t.en,
            "darknet-tokyo-1: unique sources to 23/TCP: 9.8× the 4-week "
            "baseline since 2022-02-24 03:00 JST, until 2022-02-24 08:00 JST");
  EXPECT_EQ(t.ja,
            "darknet-tokyo-1: 23/TCPへのユニーク送信元数が4週間のベースライン"
            "の9.8倍（2022-02-24 03:00 JST以降）、2022-02-24 08:00 JSTまで");
  Surge open = Sample();
  open.ongoing = true;
  open.key.dimension = "";
  open.key.metric = "x_custom";
  t = DescribeSurge(open, AlertOptions{});
  EXPECT_EQ(t.en,
            "darknet-tokyo-1: x_custom: 9.8× the 4-week baseline since "
            "2022-02-24 03:00 JST (ongoing)");
}

TEST(AlertTest, NoteIsValidDeterministicAndAmber) {
  auto a = SurgeToStix(Sample(), AlertOptions{});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), 2u);
  const stix::Object& identity = (*a)[0];
  const stix::Object& note = (*a)[1];
  EXPECT_EQ(identity.type, "identity");
  EXPECT_EQ(identity.id, SensorIdentityId("darknet-tokyo-1"));
  EXPECT_EQ(note.type, "note");
  EXPECT_THAT(note.json, HasSubstr(identity.id));
  EXPECT_THAT(note.json, HasSubstr("2022-02-24 03:00 JST"));
  EXPECT_THAT(note.json, HasSubstr("1250"));  // the excerpt
  EXPECT_EQ(note.object_marking_refs,
            std::vector<std::string>{
                std::string(stix::Tlp2MarkingId(stix::Tlp::kAmber))});
  EXPECT_EQ(note.modified, "2022-02-23T23:00:00.000Z");
  // Same episode, same id and bytes; another start, another id.
  auto b = SurgeToStix(Sample(), AlertOptions{});
  EXPECT_EQ((*b)[1].json, note.json);
  Surge later = Sample();
  later.since.micros += kHour;
  EXPECT_NE((*SurgeToStix(later, AlertOptions{}))[1].id, note.id);
}

TEST(AlertTest, StoredNoteIsVisibleToAnalystsNotToMembersOrThePublic) {
  FakeClock clock({kSince});
  store::SqliteOptions so;
  so.path = ":memory:";
  so.clock = &clock;
  auto st = store::OpenSqliteStore(so);
  ASSERT_TRUE(st.ok());
  auto objs = SurgeToStix(Sample(), AlertOptions{});
  ASSERT_TRUE(objs.ok());
  access::ShareOptions share;
  share.owner_org = 1;  // the national CERT
  access::Labeler labeler(share);
  std::vector<access::AccessLabel> labels;
  for (const auto& o : *objs) labels.push_back(labeler.Label(o));
  auto put = (*st)->Put(*objs, labels);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ((*put)[1], store::PutOutcome::kNew);
  // Re-running stores nothing new.
  put = (*st)->Put(*objs, labels);
  EXPECT_EQ((*put)[1], store::PutOutcome::kUnchanged);

  access::Principal analyst;
  analyst.user = {7, "tanaka", 1, access::Role::kAnalyst, 0};
  analyst.org = {
      1, "National CERT", access::OrgType::kNationalCert, {"government"}, ""};
  access::Principal member;
  member.user = {8, "sato", 2, access::Role::kMember, 0};
  member.org = {2,
                "Kanto Electric",
                access::OrgType::kCriticalInfrastructure,
                {"electric-power"},
                ""};
  const std::string& id = (*objs)[1].id;
  EXPECT_TRUE((*(*st)->Get(store::Reader::As(analyst), id)).has_value());
  EXPECT_FALSE((*(*st)->Get(store::Reader::As(member), id)).has_value());
  EXPECT_FALSE((*(*st)->Get(store::Reader::Public(), id)).has_value());
}

}  // namespace
}  // namespace ncert::sensors
