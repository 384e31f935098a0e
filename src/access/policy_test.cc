// The leak matrix of the pure policy: every combination of TLP level x
// distribution x required clearance x caller (role, clearance, relation to
// the owner), judged against an oracle written independently of policy.cc,
// as a table of who may see what.

#include "access/policy.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace ncert::access {
namespace {

using stix::Tlp;

// The world of the matrix.
constexpr int64_t kIdOwnerOrg = 1;   // shares the objects
constexpr int64_t kIdNamedOrg = 2;   // named as recipient where a case says so
constexpr int64_t kIdSectorOrg = 3;  // in sector "finance"
constexpr int64_t kIdGroupOrg = 4;   // in sharing group 10
constexpr int64_t kIdOutsiderOrg = 5;  // in nothing
constexpr int64_t kIdNamedUser = 42;   // a user of kIdOutsiderOrg named for RED

enum class Dist {
  kEmpty,
  kNamedOrg,
  kSector,
  kGroup,
  kAllMembers,
  kPublic,
  kNamedUser
};
constexpr Dist kDists[] = {Dist::kEmpty,    Dist::kNamedOrg,   Dist::kSector,
                           Dist::kGroup,    Dist::kAllMembers, Dist::kPublic,
                           Dist::kNamedUser};
const char* DistName(Dist d) {
  switch (d) {
    case Dist::kEmpty:
      return "empty";
    case Dist::kNamedOrg:
      return "named-org";
    case Dist::kSector:
      return "sector";
    case Dist::kGroup:
      return "group";
    case Dist::kAllMembers:
      return "all-members";
    case Dist::kPublic:
      return "public";
    case Dist::kNamedUser:
      return "named-user";
  }
  return "?";
}

Distribution MakeDist(Dist d) {
  Distribution out;
  switch (d) {
    case Dist::kEmpty:
      break;
    case Dist::kNamedOrg:
      out.orgs = {kIdNamedOrg};
      break;
    case Dist::kSector:
      out.sectors = {"finance"};
      break;
    case Dist::kGroup:
      out.groups = {10};
      break;
    case Dist::kAllMembers:
      out.all_members = true;
      break;
    case Dist::kPublic:
      out.everyone = true;
      break;
    case Dist::kNamedUser:
      out.users = {kIdNamedUser};
      break;
  }
  return out;
}

// Who is asking, relative to the object.
enum class Rel {
  kOwner,
  kNamedOrg,
  kSectorOrg,
  kGroupOrg,
  kOutsider,
  kNamedUser,
  kPublic
};
constexpr Rel kRels[] = {Rel::kOwner,    Rel::kNamedOrg, Rel::kSectorOrg,
                         Rel::kGroupOrg, Rel::kOutsider, Rel::kNamedUser,
                         Rel::kPublic};
const char* RelName(Rel r) {
  switch (r) {
    case Rel::kOwner:
      return "owner-org";
    case Rel::kNamedOrg:
      return "named-org";
    case Rel::kSectorOrg:
      return "sector-org";
    case Rel::kGroupOrg:
      return "group-org";
    case Rel::kOutsider:
      return "outsider";
    case Rel::kNamedUser:
      return "named-user";
    case Rel::kPublic:
      return "public";
  }
  return "?";
}

Principal MakeCaller(Rel rel, Role role, Clearance clearance) {
  Principal p;
  p.user.id = rel == Rel::kNamedUser ? kIdNamedUser : 100;
  p.user.role = role;
  p.user.clearance = clearance;
  switch (rel) {
    case Rel::kOwner:
      p.org.id = kIdOwnerOrg;
      break;
    case Rel::kNamedOrg:
      p.org.id = kIdNamedOrg;
      break;
    case Rel::kSectorOrg:
      p.org.id = kIdSectorOrg;
      p.org.sectors = {"electric-power", "finance"};
      break;
    case Rel::kGroupOrg:
      p.org.id = kIdGroupOrg;
      p.groups = {7, 10};
      break;
    case Rel::kOutsider:
    case Rel::kNamedUser:
    case Rel::kPublic:
      p.org.id = kIdOutsiderOrg;
      p.org.sectors = {"food"};
      break;
  }
  p.user.org_id = p.org.id;
  return p;
}

// The oracle: for each TLP level, the set of relations that may see an object
// with a given distribution, before roles and clearance.
bool OracleAudience(std::optional<Tlp> tlp, Dist d, Rel r) {
  if (r == Rel::kOwner) return true;
  // Which relations the distribution names (the AMBER sense of recipient).
  auto named = [&](Rel x) {
    switch (d) {
      case Dist::kEmpty:
        return false;
      case Dist::kNamedOrg:
        return x == Rel::kNamedOrg;
      case Dist::kSector:
        return x == Rel::kSectorOrg;
      case Dist::kGroup:
        return x == Rel::kGroupOrg;
      case Dist::kAllMembers:
        return x != Rel::kPublic;
      case Dist::kPublic:
        return true;
      case Dist::kNamedUser:
        return x == Rel::kNamedUser;
    }
    return false;
  };
  if (!tlp) return r != Rel::kPublic && named(r);
  switch (*tlp) {
    case Tlp::kClear:
      if (d == Dist::kEmpty || d == Dist::kPublic) return true;
      return r != Rel::kPublic && named(r);
    case Tlp::kGreen:
      if (r == Rel::kPublic) return false;
      return d == Dist::kEmpty || named(r);
    case Tlp::kAmber:
      return r != Rel::kPublic && named(r);
    case Tlp::kAmberStrict:
      return d == Dist::kNamedOrg && r == Rel::kNamedOrg;
    case Tlp::kRed:
      return d == Dist::kNamedUser && r == Rel::kNamedUser;
  }
  return false;
}

bool Oracle(std::optional<Tlp> tlp, Dist d, Clearance need, Rel r, Role role,
            Clearance have) {
  if (r == Rel::kPublic) {
    return tlp == Tlp::kClear && need == 0 &&
           (d == Dist::kEmpty || d == Dist::kPublic);
  }
  if (role == Role::kSensor || role == Role::kPolicyReader) return false;
  if (have < need) return false;
  return OracleAudience(tlp, d, r);
}

TEST(PolicyTest, LeakMatrix) {
  const std::optional<Tlp> tlps[] = {std::nullopt,      Tlp::kClear,
                                     Tlp::kGreen,       Tlp::kAmber,
                                     Tlp::kAmberStrict, Tlp::kRed};
  const Role roles[] = {Role::kAdmin,       Role::kAnalyst, Role::kMemberAdmin,
                        Role::kMember,      Role::kSensor,  Role::kPartner,
                        Role::kPolicyReader};
  Policy policy;
  int cases = 0, allowed = 0;
  for (auto tlp : tlps) {
    for (Dist d : kDists) {
      for (Clearance need : {0, 2}) {
        AccessLabel label;
        label.tlp = tlp;
        label.owner_org = kIdOwnerOrg;
        label.distribution = MakeDist(d);
        label.clearance = need;
        for (Rel r : kRels) {
          for (Role role : roles) {
            for (Clearance have : {0, 2, 3}) {
              bool want = Oracle(tlp, d, need, r, role, have);
              bool got;
              if (r == Rel::kPublic) {
                got = policy.CanSee(nullptr, label);
              } else {
                Principal p = MakeCaller(r, role, have);
                got = policy.CanSee(&p, label);
              }
              ++cases;
              allowed += got;
              EXPECT_EQ(got, want) << fmt::format(
                  "tlp={} dist={} need={} caller={} role={} clearance={}",
                  tlp ? TlpName(*tlp) : "none", DistName(d), need, RelName(r),
                  RoleName(role), have);
            }
          }
        }
      }
    }
  }
  // 6 TLP x 7 distributions x 2 clearances x 7 relations x 7 roles x 3.
  EXPECT_EQ(cases, 6 * 7 * 2 * 7 * 7 * 3);
  EXPECT_GT(allowed, 0);
  EXPECT_LT(allowed, cases);
}

class OneMarking : public MarkingCatalog {
 public:
  const MarkingEffect* Find(std::string_view id) const override {
    return id == "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"
               ? &statement_
               : nullptr;
  }

 private:
  MarkingEffect statement_;
};

TEST(PolicyTest, UnknownMarkingIsOwnerOnlyKnownMarkingRestrictsNobody) {
  OneMarking catalog;
  Policy policy(&catalog);
  AccessLabel l;
  l.tlp = Tlp::kClear;
  l.owner_org = kIdOwnerOrg;
  l.markings = {"marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"};
  Principal owner = MakeCaller(Rel::kOwner, Role::kMember, 0);
  Principal other = MakeCaller(Rel::kSectorOrg, Role::kAnalyst, 3);
  EXPECT_TRUE(policy.CanSee(&other, l));
  EXPECT_TRUE(policy.CanSee(nullptr, l));
  l.markings.push_back(
      "marking-definition--00000000-0000-4000-8000-000000000000");
  EXPECT_TRUE(policy.CanSee(&owner, l));
  EXPECT_FALSE(policy.CanSee(&other, l));
  EXPECT_FALSE(policy.CanSee(nullptr, l));
  EXPECT_FALSE(Policy().CanSee(&other, l));  // no catalog: nothing known
}

// OpenCTI #6913 made AMBER and AMBER+STRICT equal: a sector or group
// recipient of AMBER must not be a recipient of AMBER+STRICT.
TEST(PolicyTest, Regression_OpenCti6913_AmberIsNotAmberStrict) {
  Policy policy;
  Principal sector = MakeCaller(Rel::kSectorOrg, Role::kMember, 0);
  AccessLabel l;
  l.owner_org = kIdOwnerOrg;
  l.distribution.sectors = {"finance"};
  l.distribution.all_members = true;
  l.tlp = Tlp::kAmber;
  EXPECT_TRUE(policy.CanSee(&sector, l));
  l.tlp = Tlp::kAmberStrict;
  EXPECT_FALSE(policy.CanSee(&sector, l));
}

// MISP #1721: an admin (sync) user saw everything. Admin grants no reads.
TEST(PolicyTest, Regression_Misp1721_AdminSeesNothingExtra) {
  Policy policy;
  Principal admin = MakeCaller(Rel::kOutsider, Role::kAdmin, kMaxClearance);
  for (Tlp t : {Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    AccessLabel l;
    l.tlp = t;
    l.owner_org = kIdOwnerOrg;
    l.distribution.orgs = {kIdNamedOrg};
    EXPECT_FALSE(policy.CanSee(&admin, l)) << TlpName(t);
  }
}

// MISP #1720: an organisation outside a sharing group pulled its event.
TEST(PolicyTest, Regression_Misp1720_OutsideSharingGroup) {
  Policy policy;
  AccessLabel l;
  l.tlp = Tlp::kAmber;
  l.owner_org = kIdOwnerOrg;
  l.distribution.groups = {10};
  Principal member = MakeCaller(Rel::kGroupOrg, Role::kMember, 0);
  Principal outsider = MakeCaller(Rel::kOutsider, Role::kPartner, 0);
  EXPECT_TRUE(policy.CanSee(&member, l));
  EXPECT_FALSE(policy.CanSee(&outsider, l));
}

TEST(PolicyTest, ClearanceBindsTheOwnerToo) {
  Policy policy;
  AccessLabel l;
  l.tlp = Tlp::kAmberStrict;
  l.owner_org = kIdOwnerOrg;
  l.clearance = 2;
  Principal uncleared = MakeCaller(Rel::kOwner, Role::kMember, 1);
  EXPECT_FALSE(policy.CanSee(&uncleared, l));
  Principal cleared = MakeCaller(Rel::kOwner, Role::kMember, 2);
  EXPECT_TRUE(policy.CanSee(&cleared, l));
}

// ACS 3.0 markings as CISA-style bundles carry them (the shape of
// extension-definition--3a65884d-…: access_privilege, control_set).
std::string Acs(std::string_view classification, std::string_view orgs) {
  return fmt::format(
      R"({{"type":"marking-definition","spec_version":"2.1",)"
      R"("id":"marking-definition--75ad3822-3fbe-4de8-ac94-f02f01bf778b",)"
      R"("created":"2021-08-14T01:08:09.163Z","extensions":{{"{}":{{)"
      R"("extension_type":"property-extension",)"
      R"("identifier":"isa:guide.19001.ACS3-e0c28f68-5570-434a-9764-3e8498f0a59a",)"
      R"("policy_reference":"urn:isa:policy:acs:ns:v3.0?privdefault=deny&sharedefault=deny",)"
      R"("access_privilege":[{{"privilege_action":"CISAUSES","privilege_scope":{{)"
      R"("permitted_nationalities":["ALL"],"permitted_organizations":[{}],)"
      R"("shareability":["ALL"],"entity":["ALL"]}},"rule_effect":"permit"}}],)"
      R"("further_sharing":[{{"sharing_scope":["USA.USG"],"rule_effect":"permit"}}],)"
      R"("control_set":{{"classification":"{}","formal_determination":["FOUO","AIS"]}}}}}}}})",
      kAcs3ExtensionId, orgs, classification);
}

TEST(MarkingEffectTest, ReadsAcs3) {
  EXPECT_EQ(MarkingEffectOf(Acs("U", R"("ALL")")), (MarkingEffect{0, false}));
  EXPECT_EQ(MarkingEffectOf(Acs("S", R"("ALL")")), (MarkingEffect{2, false}));
  EXPECT_EQ(MarkingEffectOf(Acs("TS", R"("ALL")")), (MarkingEffect{3, false}));
  // Named parties ncert cannot map: the owner only.
  EXPECT_TRUE(MarkingEffectOf(Acs("U", R"("USA.USG")")).owner_only);
  // A classification ncert does not know: deny.
  EXPECT_TRUE(MarkingEffectOf(Acs("X", R"("ALL")")).owner_only);
  // Statements restrict nobody; broken JSON restricts to the owner.
  EXPECT_EQ(MarkingEffectOf(
                R"({"type":"marking-definition","definition_type":"statement",)"
                R"("definition":{"statement":"Copyright MITRE"}})"),
            MarkingEffect{});
  EXPECT_TRUE(MarkingEffectOf("{oops").owner_only);
}

class AcsCatalog : public MarkingCatalog {
 public:
  explicit AcsCatalog(MarkingEffect e) : e_(e) {}
  const MarkingEffect* Find(std::string_view) const override { return &e_; }

 private:
  MarkingEffect e_;
};

TEST(PolicyTest, AcsClassificationRaisesClearanceForEveryone) {
  AcsCatalog secret(MarkingEffectOf(Acs("S", R"("ALL")")));
  Policy policy(&secret);
  AccessLabel l;
  l.tlp = Tlp::kGreen;
  l.owner_org = kIdOwnerOrg;
  l.markings = {"marking-definition--75ad3822-3fbe-4de8-ac94-f02f01bf778b"};
  Principal uncleared = MakeCaller(Rel::kOutsider, Role::kMember, 1);
  Principal cleared = MakeCaller(Rel::kOutsider, Role::kMember, 2);
  Principal owner_uncleared = MakeCaller(Rel::kOwner, Role::kMember, 0);
  EXPECT_FALSE(policy.CanSee(&uncleared, l));
  EXPECT_TRUE(policy.CanSee(&cleared, l));
  EXPECT_FALSE(policy.CanSee(&owner_uncleared, l));
  EXPECT_FALSE(policy.CanSee(nullptr, l));
  AcsCatalog narrow(MarkingEffectOf(Acs("U", R"("USA.USG")")));
  Policy narrow_policy(&narrow);
  Principal owner = MakeCaller(Rel::kOwner, Role::kMember, 0);
  EXPECT_TRUE(narrow_policy.CanSee(&owner, l));
  EXPECT_FALSE(narrow_policy.CanSee(&cleared, l));
}

TEST(LabelTest, EncodeDecodeRoundTrip) {
  AccessLabel l;
  EXPECT_EQ(EncodeLabel(l), "");
  EXPECT_EQ(*DecodeLabel(""), l);
  l.tlp = Tlp::kAmberStrict;
  l.owner_org = 3;
  l.clearance = 2;
  l.distribution.orgs = {4, 9};
  l.distribution.sectors = {"finance", "medical"};
  l.distribution.groups = {2};
  l.distribution.users = {7};
  l.distribution.all_members = true;
  l.distribution.everyone = true;
  l.markings = {"marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"};
  std::string text = EncodeLabel(l);
  EXPECT_EQ(text,
            "tlp=amber+strict;owner=3;cl=2;orgs=4,9;sectors=finance,medical;"
            "groups=2;users=7;all;public;"
            "marks=marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168");
  auto back = DecodeLabel(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, l);
  for (const char* bad : {"tlp=purple", "owner=x", "cl=9", "orgs=1,,2",
                          "sectors=Bad_Sector", "frob", "all=1", "marks="}) {
    EXPECT_FALSE(DecodeLabel(bad).ok()) << bad;
  }
}

TEST(PrincipalTest, NamesRoundTrip) {
  for (Role r :
       {Role::kAdmin, Role::kAnalyst, Role::kMemberAdmin, Role::kMember,
        Role::kSensor, Role::kPartner, Role::kPolicyReader}) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_EQ(ParseOrgType("isp"), OrgType::kIsp);
  EXPECT_FALSE(ParseOrgType("bank").has_value());
  EXPECT_EQ(std::size(kCriticalSectors), 14u);
  EXPECT_TRUE(IsCriticalSector("electric-power"));
  EXPECT_FALSE(IsCriticalSector("automotive"));
  EXPECT_TRUE(IsValidSectorSlug("automotive"));
  EXPECT_FALSE(IsValidSectorSlug("Auto"));
  Clearances c;
  EXPECT_EQ(c.Name(2), "secret");
  EXPECT_EQ(c.Parse("top-secret"), 3);
  Clearances custom({"unclassified", "restricted", "classified", "top"});
  EXPECT_EQ(custom.Parse("restricted"), 1);
}

}  // namespace
}  // namespace ncert::access
