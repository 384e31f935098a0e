// Darknet knowledge: Mirai hosts at or above the confidence become TLP:AMBER
// indicators with a note, stored; a re-run is a no-op.

#include "sensors/darknet_knowledge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite_store.h"

namespace ncert::sensors {
namespace {

TEST(DarknetKnowledge, MiraiHostsBecomeIndicatorsWithANote) {
  FakeClock clock(Timestamp::FromMillis(1700000000000));
  store::SqliteOptions so;
  so.path = ":memory:";
  so.clock = &clock;
  auto store = store::OpenSqliteStore(so);
  ASSERT_TRUE(store.ok()) << store.status().message();
  DarknetReport r;
  r.sensor = "darknet-test";
  r.first = Timestamp::FromMillis(1700000000000);
  r.last = Timestamp::FromMillis(1700000600000);
  MiraiHost strong;
  strong.ip = "192.0.2.10";
  strong.fingerprinted = 40;
  strong.syns = 40;
  strong.ports = {23, 2323};
  strong.variant = "Mirai (classic)";
  strong.confidence = 95;
  strong.first = r.first;
  strong.last = r.last;
  MiraiHost weak = strong;
  weak.ip = "192.0.2.11";
  weak.confidence = 50;
  r.mirai_hosts = {strong, weak};
  r.mirai_hosts_total = 2;
  DarknetKnowledgeOptions opt;
  opt.now = clock.Now();
  auto counts = RecordDarknetKnowledge(**store, r, opt);
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->indicators, 1);
  EXPECT_EQ(counts->notes, 1);
  EXPECT_EQ(counts->new_objects, 2);
  std::vector<store::StoredObject> got;
  store::Query q;
  ASSERT_TRUE((*store)
                  ->Scan(store::Reader::System(), q,
                         [&](const store::StoredObject& o) {
                           got.push_back(o);
                           return true;
                         })
                  .ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].type, "indicator");
  EXPECT_THAT(got[0].json,
              ::testing::HasSubstr("[ipv4-addr:value = '192.0.2.10']"));
  EXPECT_THAT(got[0].json, ::testing::HasSubstr(std::string(
                               stix::Tlp2MarkingId(stix::Tlp::kAmber))));
  EXPECT_THAT(got[0].json, ::testing::HasSubstr("\"confidence\":95"));
  EXPECT_EQ(got[1].type, "note");
  // Same report again: same ids and versions, nothing new.
  auto again = RecordDarknetKnowledge(**store, r, opt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->new_objects, 0);
}

}  // namespace
}  // namespace ncert::sensors
