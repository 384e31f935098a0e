#include "core/id.h"

#include <gtest/gtest.h>

namespace ncert {
namespace {

TEST(IdTest, ValidatesUuids) {
  EXPECT_TRUE(IsValidUuid("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_TRUE(IsValidUuid("8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F"));
  EXPECT_FALSE(IsValidUuid("8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f"));  // v0
  EXPECT_FALSE(IsValidUuid("8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f"));  // variant
  EXPECT_FALSE(IsValidUuid("8e2e2d2b17d44cbf938f98ee46b3cd3f"));
  EXPECT_FALSE(IsValidUuid("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3g"));
}

TEST(IdTest, UuidV5MatchesRfc4122) {
  // RFC 4122 appendix / Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
  auto ns = ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(UuidV5(*ns, "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(IdTest, StixScoNamespaceExample) {
  // STIX 2.1 section 2.9: ipv4-addr with value "198.51.100.3" canonicalises
  // to {"value":"198.51.100.3"}; python-stix2 computes this id for it.
  auto ns = ParseUuid(kStixScoNamespace);
  ASSERT_TRUE(ns.ok());
  std::string id = UuidV5(*ns, R"({"value":"198.51.100.3"})");
  EXPECT_TRUE(IsValidUuid(id));
  EXPECT_EQ(id[14], '5');
}

TEST(IdTest, UuidV4SetsVersionAndVariant) {
  UuidBytes zeros{};
  EXPECT_EQ(UuidV4FromBytes(zeros), "00000000-0000-4000-8000-000000000000");
  std::string a = NewUuidV4(), b = NewUuidV4();
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsValidUuid(a));
  EXPECT_EQ(a[14], '4');
}

TEST(IdTest, ParsesStixIds) {
  auto id = ParseStixId("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->type, "indicator");
  EXPECT_EQ(id->uuid, "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_TRUE(ParseStixId("x-mitre-tactic--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f").ok());
  for (const char* bad :
       {"indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "in--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "indicator--", "x--y--z", "a--b-c--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}) {
    EXPECT_FALSE(ParseStixId(bad).ok()) << bad;
  }
  EXPECT_EQ(NewStixId("bundle").substr(0, 8), "bundle--");
}

}  // namespace
}  // namespace ncert
