// The leak matrix through the store's read paths: objects labelled with
// every combination of TLP x distribution x required clearance, read by
// callers of every relation x role x clearance through Get, Versions, Scan
// (query and export) and Stats (counts). Each path must show exactly the
// objects the policy allows (access/policy_test.cc checks the policy itself
// against an independent oracle), and counts must never count the others.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "access/policy.h"
#include "core/id.h"
#include "store/sqlite_store.h"

namespace ncert::store {
namespace {

using stix::Tlp;

struct Case {
  std::string id;
  access::AccessLabel label;
};

class AccessMatrixTest : public testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = ":memory:";
    options.clock = &clock_;
    auto s = OpenSqliteStore(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);

    const std::optional<Tlp> tlps[] = {std::nullopt,      Tlp::kClear,
                                       Tlp::kGreen,       Tlp::kAmber,
                                       Tlp::kAmberStrict, Tlp::kRed};
    std::vector<access::Distribution> dists(7);
    dists[1].orgs = {2};
    dists[2].sectors = {"finance"};
    dists[3].groups = {10};
    dists[4].all_members = true;
    dists[5].everyone = true;
    dists[6].users = {42};
    std::vector<stix::Object> objects;
    std::vector<access::AccessLabel> labels;
    int n = 0;
    for (auto tlp : tlps) {
      for (const auto& d : dists) {
        for (access::Clearance need : {0, 2}) {
          Case c;
          UuidBytes b{};
          b[0] = static_cast<uint8_t>(n >> 8);
          b[1] = static_cast<uint8_t>(n);
          ++n;
          c.id = "indicator--" + UuidV4FromBytes(b);
          c.label.tlp = tlp;
          c.label.owner_org = 1;
          c.label.distribution = d;
          c.label.clearance = need;
          stix::Object o;
          o.type = "indicator";
          o.id = c.id;
          o.spec_version = "2.1";
          o.modified = "2024-01-01T00:00:00.000Z";
          o.version = *ParseTimestamp(o.modified);
          o.json = fmt::format(R"({{"id":"{}","type":"indicator"}})", c.id);
          objects.push_back(o);
          labels.push_back(c.label);
          cases_.push_back(std::move(c));
        }
      }
    }
    auto r = store_->Put(objects, labels);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  static access::Principal Caller(int rel, access::Role role,
                                  access::Clearance clearance) {
    access::Principal p;
    p.user.id = rel == 5 ? 42 : 100;
    p.user.role = role;
    p.user.clearance = clearance;
    switch (rel) {
      case 0:
        p.org.id = 1;
        break;  // owner
      case 1:
        p.org.id = 2;
        break;  // named
      case 2:
        p.org.id = 3;
        p.org.sectors = {"finance"};
        break;  // sector
      case 3:
        p.org.id = 4;
        p.groups = {10};
        break;  // group
      default:
        p.org.id = 5;
        p.org.sectors = {"food"};
        break;  // outsider/user
    }
    return p;
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<Store> store_;
  std::vector<Case> cases_;
};

TEST_F(AccessMatrixTest, EveryReadPathAgreesWithThePolicy) {
  const access::Role roles[] = {
      access::Role::kAdmin,       access::Role::kAnalyst,
      access::Role::kMemberAdmin, access::Role::kMember,
      access::Role::kSensor,      access::Role::kPartner,
      access::Role::kPolicyReader};
  access::Policy policy;
  int callers = 0, checks = 0;
  for (int rel = 0; rel <= 6; ++rel) {
    for (access::Role role : roles) {
      for (access::Clearance have : {0, 2, 3}) {
        if (rel == 6 && (role != roles[0] || have != 0)) continue;  // public
        access::Principal p = Caller(rel, role, have);
        Reader reader = rel == 6 ? Reader::Public() : Reader::As(p);
        const access::Principal* who = rel == 6 ? nullptr : &p;
        std::set<std::string> expected;
        for (const Case& c : cases_) {
          bool want = policy.CanSee(who, c.label);
          if (want) expected.insert(c.id);
          auto got = store_->Get(reader, c.id);
          ASSERT_TRUE(got.ok());
          EXPECT_EQ(got->has_value(), want)
              << "get " << c.id << " rel " << rel << " role "
              << access::RoleName(role) << " clearance " << have;
          auto versions = store_->Versions(reader, c.id);
          ASSERT_TRUE(versions.ok());
          EXPECT_EQ(versions->size(), want ? 1u : 0u);
          checks += 2;
        }
        std::set<std::string> scanned;
        Query all;
        all.latest_only = false;  // export --all-versions
        ASSERT_TRUE(store_
                        ->Scan(reader, all,
                               [&](const StoredObject& o) {
                                 scanned.insert(o.id);
                                 return true;
                               })
                        .ok());
        EXPECT_EQ(scanned, expected) << "scan rel " << rel;
        // A limit counts only what the caller sees.
        Query limited;
        limited.limit = 3;
        int64_t n = 0;
        ASSERT_TRUE(store_
                        ->Scan(reader, limited,
                               [&](const StoredObject& o) {
                                 EXPECT_TRUE(expected.count(o.id)) << o.id;
                                 ++n;
                                 return true;
                               })
                        .ok());
        EXPECT_EQ(n,
                  std::min<int64_t>(3, static_cast<int64_t>(expected.size())));
        auto stats = store_->Stats(reader);
        ASSERT_TRUE(stats.ok());
        EXPECT_EQ(stats->objects, static_cast<int64_t>(expected.size()));
        EXPECT_EQ(stats->file_bytes, 0);
        checks += 3;
        ++callers;
      }
    }
  }
  EXPECT_EQ(cases_.size(), 84u);
  EXPECT_EQ(callers, 6 * 7 * 3 + 1);
  EXPECT_GT(checks, 20000);
}

TEST_F(AccessMatrixTest, UnlabelledObjectsAreSystemOnly) {
  stix::Object o;
  o.type = "malware";
  o.id = "malware--" + UuidV4FromBytes(UuidBytes{9});
  o.spec_version = "2.1";
  o.modified = "2024-01-01T00:00:00.000Z";
  o.version = *ParseTimestamp(o.modified);
  o.json = R"({"type":"malware"})";
  ASSERT_TRUE(store_->Put(std::span<const stix::Object>(&o, 1)).ok());
  access::Principal owner = Caller(0, access::Role::kAnalyst, 3);
  EXPECT_FALSE(store_->Get(Reader::As(owner), o.id)->has_value());
  EXPECT_FALSE(store_->Get(Reader::Public(), o.id)->has_value());
  EXPECT_TRUE(store_->Get(Reader::System(), o.id)->has_value());
}

}  // namespace
}  // namespace ncert::store
