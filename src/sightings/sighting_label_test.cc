// SightingLabel against the one policy: for every pair of (indicator,
// reporter) labels in a grid of TLP x distribution x owner x clearance x
// markings, and every caller in a set of relations x roles x clearances, a
// caller who may see the sighting's label may see both labels. And the
// narrowing keeps what it can: equal labels give the same audience, and a
// reporter sees its sighting of an indicator shared with it.

#include "sightings/sighting_label.h"

#include <gtest/gtest.h>

#include "access/policy.h"

namespace ncert::sightings {
namespace {

using access::AccessLabel;
using access::Distribution;
using access::Principal;
using access::Role;
using stix::Tlp;

constexpr char kKnown[] =
    "marking-definition--11111111-1111-4111-8111-111111111111";
constexpr char kUnknown[] =
    "marking-definition--22222222-2222-4222-8222-222222222222";

class Catalog : public access::MarkingCatalog {
 public:
  const access::MarkingEffect* Find(std::string_view id) const override {
    return id == kKnown ? &known_ : nullptr;
  }

 private:
  access::MarkingEffect known_;
};

std::vector<Distribution> Dists() {
  std::vector<Distribution> d(9);
  d[1].orgs = {2};
  d[2].orgs = {3, 4};
  d[3].sectors = {"finance"};
  d[4].groups = {10};
  d[5].all_members = true;
  d[6].everyone = true;
  d[7].users = {42};
  d[8].sectors = {"finance", "gas"};
  d[8].orgs = {5};
  return d;
}

std::vector<AccessLabel> Labels(std::vector<int64_t> owners,
                                std::vector<int> clearances,
                                bool with_markings) {
  const std::optional<Tlp> tlps[] = {std::nullopt,      Tlp::kClear,
                                     Tlp::kGreen,       Tlp::kAmber,
                                     Tlp::kAmberStrict, Tlp::kRed};
  std::vector<std::vector<std::string>> marks = {{}};
  if (with_markings) {
    marks.push_back({kKnown});
    marks.push_back({kUnknown});
  }
  std::vector<AccessLabel> out;
  for (auto tlp : tlps) {
    for (const auto& d : Dists()) {
      for (int64_t owner : owners) {
        for (int cl : clearances) {
          for (const auto& m : marks) {
            AccessLabel l;
            l.tlp = tlp;
            l.distribution = d;
            l.owner_org = owner;
            l.clearance = cl;
            l.markings = m;
            out.push_back(l);
          }
        }
      }
    }
  }
  return out;
}

std::vector<Principal> Callers() {
  std::vector<Principal> out;
  // org 1: the CERT (government); 2, 3, 4, 5 named; 6 in finance; 7 in group
  // 10; 8 an outsider in "gas"; user 42 works at org 8.
  struct O {
    int64_t id;
    std::vector<std::string> sectors;
    std::vector<int64_t> groups;
  };
  const O orgs[] = {{1, {"government"}, {}}, {2, {}, {}},
                    {3, {"finance"}, {10}},  {5, {}, {}},
                    {6, {"finance"}, {}},    {7, {}, {10}},
                    {8, {"gas"}, {}}};
  int64_t user = 40;
  for (const O& o : orgs) {
    for (Role role : {Role::kMember, Role::kAnalyst, Role::kSensor}) {
      for (int cl : {0, 2}) {
        Principal p;
        p.org.id = o.id;
        p.org.sectors = o.sectors;
        p.groups = o.groups;
        p.user.id = (o.id == 8 && role == Role::kMember) ? 42 : ++user;
        p.user.org_id = o.id;
        p.user.role = role;
        p.user.clearance = cl;
        out.push_back(p);
      }
    }
  }
  return out;
}

TEST(SightingLabelTest, NeverWiderThanEitherSide) {
  Catalog catalog;
  access::Policy policy(&catalog);
  const auto indicators = Labels({1, 2}, {0, 2}, true);
  const auto reporters = Labels({2, 3}, {0, 1}, false);
  const auto callers = Callers();
  int64_t checks = 0, visible = 0, both = 0;
  for (const AccessLabel& a : indicators) {
    for (const AccessLabel& b : reporters) {
      const AccessLabel r = SightingLabel(a, b);
      for (const Principal& p : callers) {
        ++checks;
        if (policy.CanSee(&p, a) && policy.CanSee(&p, b)) ++both;
        if (!policy.CanSee(&p, r)) continue;
        ++visible;
        ASSERT_TRUE(policy.CanSee(&p, a) && policy.CanSee(&p, b))
            << "caller org " << p.org.id << " user " << p.user.id
            << " sees the sighting\n indicator " << access::EncodeLabel(a)
            << "\n reporter  " << access::EncodeLabel(b) << "\n sighting  "
            << access::EncodeLabel(r);
      }
      // The public.
      if (policy.CanSee(nullptr, r)) {
        ASSERT_TRUE(policy.CanSee(nullptr, a) && policy.CanSee(nullptr, b));
      }
    }
  }
  EXPECT_GT(checks, 1'000'000);
  // The narrowing is conservative (sectors against organisations are not
  // resolved), but keeps most of what both sides allow.
  RecordProperty("visible_of_allowed_percent",
                 static_cast<int>(100 * visible / std::max<int64_t>(both, 1)));
  EXPECT_GT(visible * 10, both * 7) << visible << " of " << both;
}

TEST(SightingLabelTest, EqualLabelsKeepTheirAudience) {
  Catalog catalog;
  access::Policy policy(&catalog);
  const auto callers = Callers();
  for (const AccessLabel& a : Labels({1, 2}, {0, 2}, true)) {
    const AccessLabel r = SightingLabel(a, a);
    for (const Principal& p : callers) {
      ASSERT_EQ(policy.CanSee(&p, r), policy.CanSee(&p, a))
          << access::EncodeLabel(a) << " -> " << access::EncodeLabel(r)
          << " org " << p.org.id;
    }
    ASSERT_EQ(policy.CanSee(nullptr, r), policy.CanSee(nullptr, a));
  }
}

TEST(SightingLabelTest, ReporterSeesItsSightingOfAnIndicatorSharedWithIt) {
  access::Policy policy;
  Principal reporter;
  reporter.org.id = 5;
  reporter.user.id = 77;
  reporter.user.org_id = 5;
  reporter.user.role = Role::kMember;

  AccessLabel indicator;  // the CERT shares it AMBER with org 5 and org 2
  indicator.tlp = Tlp::kAmber;
  indicator.owner_org = 1;
  indicator.distribution.orgs = {2, 5};
  AccessLabel choice;  // the reporter: AMBER, to the CERT only
  choice.tlp = Tlp::kAmber;
  choice.owner_org = 5;
  choice.distribution.orgs = {1};

  const AccessLabel r = SightingLabel(indicator, choice);
  EXPECT_TRUE(policy.CanSee(&reporter, r));
  Principal org2 = reporter;
  org2.org.id = 2;
  org2.user.id = 78;
  EXPECT_FALSE(policy.CanSee(&org2, r))
      << "org 2 was not chosen by the reporter";
  Principal cert = reporter;
  cert.org.id = 1;
  cert.user.id = 79;
  EXPECT_TRUE(policy.CanSee(&cert, r))
      << "the CERT owns the indicator and the reporter chose it";
  // A reporter that shares with org 2 only: the CERT is outside its choice.
  choice.distribution.orgs = {2};
  EXPECT_FALSE(policy.CanSee(&cert, SightingLabel(indicator, choice)));
  EXPECT_TRUE(policy.CanSee(&org2, SightingLabel(indicator, choice)));
  EXPECT_TRUE(policy.CanSee(&reporter, SightingLabel(indicator, choice)));
}

TEST(SightingLabelTest, TlpIsTheStricter) {
  AccessLabel a, b;
  a.tlp = Tlp::kGreen;
  b.tlp = Tlp::kAmberStrict;
  EXPECT_EQ(SightingLabel(a, b).tlp, Tlp::kAmberStrict);
  b.tlp = std::nullopt;
  EXPECT_EQ(SightingLabel(a, b).tlp, std::nullopt);  // none reads as AMBER
  a.tlp = Tlp::kAmber;
  EXPECT_EQ(SightingLabel(a, b).tlp, Tlp::kAmber);
  a.tlp = Tlp::kRed;
  EXPECT_EQ(SightingLabel(a, b).tlp, Tlp::kRed);
}

}  // namespace
}  // namespace ncert::sightings
