#include "store/visibility.h"

#include <gtest/gtest.h>

#include <map>

namespace ncert::store {
namespace {

constexpr char kRed[] = "indicator--11111111-1111-4111-8111-111111111111";
constexpr char kGreen[] = "malware--22222222-2222-4222-8222-222222222222";
constexpr char kUnknown[] = "identity--33333333-3333-4333-8333-333333333333";

class VisibilityTest : public testing::Test {
 protected:
  VisibilityTest() {
    access::AccessLabel red;
    red.tlp = stix::Tlp::kRed;
    red.owner_org = 1;
    access::AccessLabel green;
    green.tlp = stix::Tlp::kGreen;
    green.owner_org = 1;
    labels_[kRed] = red;
    labels_[kGreen] = green;
    caller_.user.id = 5;
    caller_.org.id = 2;
    caller_.user.role = access::Role::kMember;
    green_label_ = green;
  }

  VisibilityFilter Filter() {
    return VisibilityFilter(
        policy_, &caller_,
        [this](
            std::string_view id) -> Result<std::optional<access::AccessLabel>> {
          ++lookups_;
          auto it = labels_.find(std::string(id));
          if (it == labels_.end()) return std::optional<access::AccessLabel>();
          return std::optional<access::AccessLabel>(it->second);
        });
  }

  access::Policy policy_;
  access::Principal caller_;
  access::AccessLabel green_label_;
  std::map<std::string, access::AccessLabel> labels_;
  int lookups_ = 0;
};

// OpenCTI #11496: a relationship to a TLP:RED object disclosed it.
TEST_F(VisibilityTest, Regression_OpenCti11496_RelationshipToRedIsWithheld) {
  auto f = Filter();
  std::string rel =
      std::string(R"({"relationship_type":"indicates","source_ref":")") + kRed +
      R"(","target_ref":")" + kGreen + R"(","type":"relationship"})";
  std::string red;
  auto r = f.Apply("relationship", green_label_, rel, &red);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, VisibilityFilter::Verdict::kWithhold);
  std::string rel2 =
      std::string(R"({"relationship_type":"uses","source_ref":")") + kUnknown +
      R"(","target_ref":")" + kGreen + R"(","type":"relationship"})";
  auto r2 = f.Apply("relationship", green_label_, rel2, &red);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(*r2, VisibilityFilter::Verdict::kAsIs);
}

// OpenCTI #6785: restricted names showed through a container's listing.
TEST_F(VisibilityTest, Regression_OpenCti6785_ReportRefsAreRedacted) {
  auto f = Filter();
  std::string report = std::string(R"({"name":"r","object_refs":[")") + kRed +
                       R"(",")" + kGreen + R"("],"type":"report"})";
  std::string shown;
  auto r = f.Apply("report", green_label_, report, &shown);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, VisibilityFilter::Verdict::kRedacted);
  EXPECT_EQ(shown, std::string(R"({"name":"r","object_refs":[")") + kGreen +
                       R"("],"type":"report"})");
  EXPECT_EQ(shown.find(kRed), std::string::npos);
  std::string only_red = std::string(R"({"name":"r","object_refs":[")") + kRed +
                         R"("],"type":"report"})";
  auto withheld = f.Apply("report", green_label_, only_red, &shown);
  ASSERT_TRUE(withheld.ok());
  EXPECT_EQ(*withheld, VisibilityFilter::Verdict::kWithhold);
  EXPECT_EQ(lookups_, 2);  // the verdict on kRed was cached
}

TEST_F(VisibilityTest, OwnLabelFirst) {
  auto f = Filter();
  access::AccessLabel red = labels_[kRed];
  std::string unused;
  auto r = f.Apply("indicator", red, R"({"type":"indicator"})", &unused);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, VisibilityFilter::Verdict::kWithhold);
  auto g =
      f.Apply("indicator", green_label_, R"({"type":"indicator"})", &unused);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, VisibilityFilter::Verdict::kAsIs);
}

}  // namespace
}  // namespace ncert::store
