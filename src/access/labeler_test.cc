#include "access/labeler.h"

#include <gtest/gtest.h>

namespace ncert::access {
namespace {

constexpr char kTlp1Green[] =
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
constexpr char kTlp1Red[] =
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
constexpr char kAttackCopyright[] =
    "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168";

TEST(LabelerTest, MostRestrictiveTlpAnywhereWins) {
  ShareOptions share;
  share.owner_org = 7;
  share.distribution.sectors = {"finance"};
  share.clearance = 1;
  Labeler labeler(share);
  stix::Object o;
  o.type = "indicator";
  o.object_marking_refs = {kTlp1Green, kAttackCopyright};
  o.granular_marking_refs = {
      std::string(stix::Tlp2MarkingId(stix::Tlp::kAmberStrict))};
  AccessLabel l = labeler.Label(o);
  EXPECT_EQ(l.tlp, stix::Tlp::kAmberStrict);
  EXPECT_EQ(l.owner_org, 7);
  EXPECT_EQ(l.clearance, 1);
  EXPECT_EQ(l.distribution.sectors, (std::vector<std::string>{"finance"}));
  EXPECT_EQ(l.markings, (std::vector<std::string>{kAttackCopyright}));
  o.object_marking_refs.push_back(kTlp1Red);
  EXPECT_EQ(labeler.Label(o).tlp, stix::Tlp::kRed);  // TLP 1.0 read as 2.0
}

TEST(LabelerTest, DefaultTlpOnlyWhenUnmarked) {
  ShareOptions share;
  share.default_tlp = stix::Tlp::kClear;
  Labeler labeler(share);
  stix::Object o;
  o.type = "attack-pattern";
  EXPECT_EQ(labeler.Label(o).tlp, stix::Tlp::kClear);
  o.object_marking_refs = {kTlp1Green};
  EXPECT_EQ(labeler.Label(o).tlp, stix::Tlp::kGreen);
  Labeler no_default(ShareOptions{});
  o.object_marking_refs.clear();
  EXPECT_FALSE(no_default.Label(o).tlp.has_value());
}

TEST(LabelerTest, MarkingDefinitionsArePublic) {
  ShareOptions share;
  share.owner_org = 3;
  share.distribution.orgs = {9};
  share.clearance = 3;
  stix::Object m;
  m.type = "marking-definition";
  AccessLabel l = Labeler(share).Label(m);
  EXPECT_EQ(l.tlp, stix::Tlp::kClear);
  EXPECT_TRUE(l.distribution.everyone);
  EXPECT_EQ(l.clearance, 0);
}

}  // namespace
}  // namespace ncert::access
