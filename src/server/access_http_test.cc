// The leak matrix of store/access_matrix_test.cc over HTTP: objects labelled
// with every TLP x distribution x clearance, read through GET /api/v1/objects
// and GET /api/v1/objects/{id} by principals of every relation, several
// roles and clearances, each with its own token, and by the public. Each must
// see exactly what the policy allows, and a hidden object must answer
// exactly like an absent one.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "access/policy.h"
#include "access/token.h"
#include "core/id.h"
#include "server/api.h"
#include "server/server.h"
#include "server/test_client.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

namespace ncert::server {
namespace {

using stix::Tlp;

struct Case {
  std::string id;
  access::AccessLabel label;
};

struct Caller {
  std::string name;
  access::Principal principal;  // as the directory resolves it
  std::string token;            // empty: the public
};

class AccessHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ncert_access_http_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "ncert.db").string();
    store::SqliteOptions options;
    options.path = path_;
    options.clock = &clock_;
    auto s = store::OpenSqliteStore(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    store::Directory& d = store_->directory();

    // Organisations by relation to the owner (org 0 here): owner, named,
    // sector member, group member, outsider.
    const char* names[] = {"Owner CERT", "Named Org", "Finance Org",
                           "Grouped Org", "Outsider Org"};
    for (int rel = 0; rel < 5; ++rel) {
      access::Org org;
      org.name = names[rel];
      org.type =
          rel == 0 ? access::OrgType::kNationalCert : access::OrgType::kCompany;
      if (rel == 2) org.sectors = {"finance"};
      if (rel == 4) org.sectors = {"food"};
      auto added = d.AddOrg(org);
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      org_ids_.push_back(added->id);
    }
    auto group = d.AddGroup("sharing-group", {org_ids_[3]});
    ASSERT_TRUE(group.ok());

    // Callers: relation x role x clearance; relation 5 is a named user of the
    // outsider organisation.
    const access::Role roles[] = {access::Role::kMember, access::Role::kSensor,
                                  access::Role::kAnalyst};
    std::vector<int64_t> named_users;
    for (int rel = 0; rel <= 5; ++rel) {
      for (access::Role role : roles) {
        for (access::Clearance have : {0, 2}) {
          access::User u;
          u.name = fmt::format("u{}-{}-{}", rel, access::RoleName(role), have);
          u.org_id = org_ids_[std::min(rel, 4)];
          u.role = role;
          u.clearance = have;
          auto added = d.AddUser(u);
          ASSERT_TRUE(added.ok()) << added.status().ToString();
          if (rel == 5) named_users.push_back(added->id);
          auto t = access::NewToken();
          ASSERT_TRUE(t.ok());
          store::TokenRecord rec;
          rec.key_id = t->key_id;
          rec.hash = t->hash;
          rec.user_id = added->id;
          rec.created = clock_.Now();
          ASSERT_TRUE(d.AddToken(rec).ok());
          Caller c;
          c.name = u.name;
          c.principal = **d.FindPrincipal(u.name);
          c.token = t->token;
          callers_.push_back(std::move(c));
        }
      }
    }
    callers_.push_back(Caller{"(public)", {}, ""});

    const std::optional<Tlp> tlps[] = {std::nullopt,      Tlp::kClear,
                                       Tlp::kGreen,       Tlp::kAmber,
                                       Tlp::kAmberStrict, Tlp::kRed};
    std::vector<access::Distribution> dists(7);
    dists[1].orgs = {org_ids_[1]};
    dists[2].sectors = {"finance"};
    dists[3].groups = {group->id};
    dists[4].all_members = true;
    dists[5].everyone = true;
    dists[6].users = named_users;
    std::vector<stix::Object> objects;
    std::vector<access::AccessLabel> labels;
    int n = 0;
    for (auto tlp : tlps) {
      for (const auto& dist : dists) {
        for (access::Clearance need : {0, 2}) {
          Case c;
          UuidBytes b{};
          b[0] = static_cast<uint8_t>(n >> 8);
          b[1] = static_cast<uint8_t>(n);
          ++n;
          c.id = "indicator--" + UuidV4FromBytes(b);
          c.label.tlp = tlp;
          c.label.owner_org = org_ids_[0];
          c.label.distribution = dist;
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
    ASSERT_TRUE(store_->Put(objects, labels).ok());

    auto pool = StorePool::Open(2, [&] {
      store::SqliteOptions ro;
      ro.path = path_;
      ro.clock = &clock_;
      return store::OpenSqliteStore(ro);
    });
    ASSERT_TRUE(pool.ok());
    pool_ = std::move(*pool);
    Router router;
    ApiDeps api;
    api.store = store_.get();
    api.readers = pool_.get();
    api.clock = &clock_;
    api.metrics = &metrics_;
    AddApiRoutes(router, api);
    ServerOptions so;
    so.listen = "127.0.0.1:0";
    // Thousands of distinct reads would each be one audit commit to wait for
    // at shutdown; this test is about visibility (server_test audits).
    so.audit_requests = false;
    ServerDeps deps;
    deps.directory = &store_->directory();
    deps.clock = &clock_;
    deps.metrics = &metrics_;
    auto srv = Server::Create(so, deps, std::move(router));
    ASSERT_TRUE(srv.ok());
    server_ = std::move(*srv);
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    pool_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::string path_;
  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<StorePool> pool_;
  Metrics metrics_;
  std::unique_ptr<Server> server_;
  std::vector<int64_t> org_ids_;
  std::vector<Case> cases_;
  std::vector<Caller> callers_;
};

TEST_F(AccessHttpTest, RestShowsExactlyWhatThePolicyAllows) {
  access::Policy policy;
  simdjson::dom::parser parser;
  const std::string absent_id =
      "indicator--ffffffff-ffff-4fff-bfff-ffffffffffff";
  int checks = 0;
  std::set<size_t> seen_sizes;
  for (const Caller& caller : callers_) {
    const access::Principal* who =
        caller.token.empty() ? nullptr : &caller.principal;
    std::string auth = caller.token.empty()
                           ? ""
                           : "Authorization: Bearer " + caller.token + "\r\n";
    std::set<std::string> expected;
    for (const Case& c : cases_) {
      if (policy.CanSee(who, c.label)) expected.insert(c.id);
    }
    seen_sizes.insert(expected.size());
    testing::TestConnection conn(server_->port());
    ASSERT_TRUE(conn.connected());

    // The listing, every version.
    auto list =
        conn.Request("GET", "/api/v1/objects?limit=10000&versions=true", auth);
    ASSERT_EQ(list.status, 200) << caller.name << " " << list.body;
    simdjson::dom::element el;
    ASSERT_EQ(parser.parse(list.body).get(el), simdjson::SUCCESS);
    std::set<std::string> listed;
    for (auto o : el["objects"].get_array()) {
      listed.insert(std::string(o["id"].get_string().value()));
    }
    EXPECT_EQ(listed, expected) << caller.name;
    // A limit counts only what the caller sees.
    auto limited = conn.Request("GET", "/api/v1/objects?limit=3", auth);
    ASSERT_EQ(parser.parse(limited.body).get(el), simdjson::SUCCESS);
    EXPECT_EQ(el["count"].get_int64().value(),
              std::min<int64_t>(3, static_cast<int64_t>(expected.size())));

    // One by one; a hidden object answers like an absent one.
    auto absent = conn.Request("GET", "/api/v1/objects/" + absent_id, auth);
    ASSERT_EQ(absent.status, 404);
    for (const Case& c : cases_) {
      auto r = conn.Request("GET", "/api/v1/objects/" + c.id, auth);
      if (expected.count(c.id)) {
        EXPECT_EQ(r.status, 200) << caller.name << " " << c.id;
        EXPECT_NE(r.body.find(c.id), std::string::npos);
      } else {
        EXPECT_EQ(r.status, 404) << caller.name << " " << c.id;
        std::string body = r.body;
        size_t at = body.find(c.id);
        ASSERT_NE(at, std::string::npos);
        body.replace(at, c.id.size(), absent_id);
        EXPECT_EQ(body, absent.body);
        EXPECT_EQ(r.headers, absent.headers);
      }
      auto versions = conn.Request(
          "GET", "/api/v1/objects/" + c.id + "?versions=true", auth);
      EXPECT_EQ(versions.status, expected.count(c.id) ? 200 : 404);
      checks += 2;
    }
    ++checks;
  }
  EXPECT_EQ(cases_.size(), 84u);
  EXPECT_EQ(callers_.size(), 6u * 3 * 2 + 1);
  EXPECT_GT(checks, 6000);
  // The callers really differ: many distinct visible sets.
  EXPECT_GE(seen_sizes.size(), 5u);
}

}  // namespace
}  // namespace ncert::server
