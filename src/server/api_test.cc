// The REST handlers without a socket: Router::Handle on Requests, against a
// store holding the STIX 2.1 specification's examples (../shared/data).

#include "server/api.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>

#include "core/env.h"
#include "ingest/ingest.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

namespace ncert::server {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.path = ":memory:";
    o.clock = &clock_;
    auto s = store::OpenSqliteStore(o);
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    auto& d = store_->directory();
    // Org 1, the national CERT, comes with every store.
    auto cert = d.FindOrg("1");
    ASSERT_TRUE(cert.ok() && cert->has_value());
    access::Org member;
    member.name = "Kanto Electric";
    member.type = access::OrgType::kCriticalInfrastructure;
    member.sectors = {"electric-power"};
    member_org_ = d.AddOrg(member)->id;
    admin_ = AddUser("admin", 1, access::Role::kAdmin);
    member_ = AddUser("sato", member_org_, access::Role::kMember);
    policy_ = AddUser("minister", 1, access::Role::kPolicyReader);

    // The examples of the specification, public (TLP:CLEAR, everyone).
    std::vector<std::string> files;
    for (const auto& e :
         std::filesystem::directory_iterator("../shared/data/stix/examples")) {
      if (e.path().extension() == ".json") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty());
    env_ = NewPosixEnv();
    ingest::IngestOptions io;
    io.share.owner_org = 1;
    io.share.default_tlp = stix::Tlp::kClear;
    io.share.distribution.everyone = true;
    ingest::Ingester ingester(*env_, *store_, io);
    auto counts = ingester.Ingest(files, {});
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
    ASSERT_GT(counts->new_objects, 10);

    ApiDeps deps;
    deps.store = store_.get();
    deps.clock = &clock_;
    deps.metrics = &metrics_;
    AddApiRoutes(router_, deps);
  }

  access::Principal AddUser(const std::string& name, int64_t org,
                            access::Role role) {
    access::User u;
    u.name = name;
    u.org_id = org;
    u.role = role;
    EXPECT_TRUE(store_->directory().AddUser(u).ok());
    return **store_->directory().FindPrincipal(name);
  }

  Response Call(std::string method, std::string target,
                const access::Principal* who = nullptr, std::string body = "",
                std::string content_type = "application/json") {
    Request req;
    req.method = std::move(method);
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    // The query as the server would split it.
    if (q != std::string::npos) {
      std::string rest = target.substr(q + 1);
      size_t start = 0;
      while (start <= rest.size()) {
        size_t amp = rest.find('&', start);
        std::string part = rest.substr(
            start, amp == std::string::npos ? std::string::npos : amp - start);
        size_t eq = part.find('=');
        req.query.emplace_back(part.substr(0, eq), eq == std::string::npos
                                                       ? ""
                                                       : part.substr(eq + 1));
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
    }
    req.body = std::move(body);
    if (!content_type.empty()) req.headers["content-type"] = content_type;
    req.principal = who;
    return router_.Handle(req);
  }

  std::string ErrorCode(const Response& r) {
    simdjson::dom::element el;
    std::string_view code;
    if (parser_.parse(r.body).get(el) || el["error"].get_string().get(code)) {
      return "(not an error body: " + r.body + ")";
    }
    EXPECT_FALSE(el["message"].error());
    return std::string(code);
  }

  int64_t Count(const Response& r) {
    simdjson::dom::element el;
    int64_t n = -1;
    if (parser_.parse(r.body).get(el) || el["count"].get_int64().get(n))
      return -1;
    simdjson::dom::array objects;
    EXPECT_FALSE(el["objects"].get_array().get(objects));
    EXPECT_EQ(static_cast<int64_t>(objects.size()), n);
    return n;
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Env> env_;
  Metrics metrics_;
  Router router_;
  int64_t member_org_ = 0;
  access::Principal admin_, member_, policy_;
  simdjson::dom::parser parser_;
};

TEST_F(ApiTest, QueryFiltersLikeTheCli) {
  auto stats = store_->Stats(store::Reader::Public());
  ASSERT_TRUE(stats.ok());
  Response all = Call("GET", "/api/v1/objects?limit=10000");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(Count(all), stats->objects);
  Response ind = Call("GET", "/api/v1/objects?type=indicator&limit=10000");
  EXPECT_EQ(Count(ind), stats->latest_by_type["indicator"]);
  EXPECT_EQ(ind.body.find("\"type\":\"malware\""), std::string::npos);
  Response two = Call("GET", "/api/v1/objects?type=indicator,malware");
  EXPECT_EQ(Count(two), stats->latest_by_type["indicator"] +
                            stats->latest_by_type["malware"]);
  EXPECT_EQ(Count(Call("GET", "/api/v1/objects?limit=2")), 2);
  EXPECT_EQ(
      Count(Call("GET", "/api/v1/objects?added_after=2100-01-01T00:00:00Z")),
      0);
  EXPECT_EQ(Count(Call("GET", "/api/v1/objects?limit=10000&versions=true")),
            stats->versions);
  // SCOs have no `modified`: a modified_since filter leaves them out.
  int64_t since =
      Count(Call("GET",
                 "/api/v1/objects?modified_since=1990-01-01T00:00:00Z&"
                 "limit=10000&versions=true"));
  EXPECT_GT(since, 0);
  EXPECT_LE(since, stats->versions);
}

TEST_F(ApiTest, BadQueriesAre400NamingTheProblem) {
  for (std::string q :
       {"limit=-1", "limit=1000000000000", "limit=0", "limit=abc",
        "limit=10001", "limit=", "versions=maybe", "modified_since=yesterday",
        "added_after=2024-13-01T00:00:00Z"}) {
    Response r = Call("GET", "/api/v1/objects?" + q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(ErrorCode(r), "bad-request") << q;
  }
  Response r = Call("GET", "/api/v1/objects?tpye=indicator");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCode(r), "unknown-parameter");
  EXPECT_NE(r.body.find("'tpye'"), std::string::npos);
  EXPECT_EQ(Call("GET",
                 "/api/v1/objects/indicator--33fe3b22-0201-47cf-85d0-"
                 "97c02164528d?limit=1")
                .status,
            400);
}

TEST_F(ApiTest, GetsOneObjectOrItsVersions) {
  const std::string id = "indicator--33fe3b22-0201-47cf-85d0-97c02164528d";
  Response r = Call("GET", "/api/v1/objects/" + id);
  ASSERT_EQ(r.status, 200);
  auto stored = store_->Get(store::Reader::System(), id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(r.body, (*stored)->json);
  Response v = Call("GET", "/api/v1/objects/" + id + "?versions=true");
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(
      v.body.rfind("{\"id\":\"" + id + "\",\"versions\":[{\"modified\":", 0),
      0u);
  Response absent = Call(
      "GET", "/api/v1/objects/indicator--00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(absent.status, 404);
  EXPECT_EQ(ErrorCode(absent), "not-found");
  // Traversal attempts are ids that are not STIX ids.
  for (std::string bad : {"..%2f..%2fetc", "..%2F..%2Fetc%2Fpasswd",
                          "%2e%2e%2f", "indicator--x", "x"}) {
    Response b = Call("GET", "/api/v1/objects/" + bad);
    EXPECT_EQ(b.status, 400) << bad;
    EXPECT_EQ(ErrorCode(b), "bad-id");
  }
  // "/../" as a real dot segment never reaches a handler.
  EXPECT_EQ(Call("GET", "/api/v1/objects/../../etc").status, 400);
}

TEST_F(ApiTest, SightingsAreValidatedLabelledAndStored) {
  const std::string body =
      R"({"indicator_id":"indicator--33fe3b22-0201-47cf-85d0-97c02164528d",)"
      R"("count":3,"first_seen":"2024-05-01T00:00:00Z",)"
      R"("last_seen":"2024-05-01T01:00:00Z"})";
  EXPECT_EQ(Call("POST", "/api/v1/sightings", nullptr, body).status, 401);
  Response denied = Call("POST", "/api/v1/sightings", &policy_, body);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(
      Call("POST", "/api/v1/sightings", &member_, body, "text/plain").status,
      415);
  EXPECT_EQ(Call("POST", "/api/v1/sightings", &member_, body, "").status, 415);
  int64_t before = store_->Stats(store::Reader::System())->versions;
  for (std::string bad : {"{", "[1,2]", "\"x\"", "{\"indicator_id\":1}",
                          "{\"indicator_id\":\"not-an-id\"}",
                          "{\"indicator_id\":\"indicator--33fe3b22-0201-47cf-"
                          "85d0-97c02164528d\",\"count\":\"many\"}",
                          "{\"indicator_id\":\"indicator--33fe3b22-0201-47cf-"
                          "85d0-97c02164528d\",\"colour\":\"red\"}",
                          "{\"indicator_id\":\"indicator--33fe3b22-0201-47cf-"
                          "85d0-97c02164528d\",\"first_seen\":\"May 1\"}",
                          "{\"type\":\"malware\",\"id\":\"malware--1\"}"}) {
    Response r = Call("POST", "/api/v1/sightings", &member_, bad);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
  }
  EXPECT_EQ(store_->Stats(store::Reader::System())->versions, before);
  Response invalid = Call("POST", "/api/v1/sightings", &member_,
                          "{\"indicator_id\":\"not-an-id\"}");
  EXPECT_EQ(ErrorCode(invalid), "invalid-object");
  EXPECT_NE(invalid.body.find("\"issues\":[{\"pointer\":\"/sighting_of_ref\""),
            std::string::npos)
      << invalid.body;

  Response ok = Call("POST", "/api/v1/sightings", &member_, body);
  ASSERT_EQ(ok.status, 201) << ok.body;
  simdjson::dom::element el;
  ASSERT_FALSE(parser_.parse(ok.body).get(el));
  std::string id(el["id"].get_string().value());
  EXPECT_EQ(std::string(el["outcome"].get_string().value()), "new");
  // Labelled for the submitter: TLP:AMBER, their organisation and the CERT.
  auto stored = store_->Get(store::Reader::System(), id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->access,
            fmt::format("tlp=amber;owner={};orgs=1", member_org_));
  EXPECT_TRUE(store_->Get(store::Reader::As(member_), id)->has_value());
  EXPECT_FALSE(store_->Get(store::Reader::Public(), id)->has_value());

  // A STIX sighting as is; the second time it is unchanged.
  std::string stix = (*stored)->json;
  Response again = Call("POST", "/api/v1/sightings", &member_, stix,
                        "application/stix+json;version=2.1");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_NE(again.body.find("\"outcome\":\"unchanged\""), std::string::npos);
  EXPECT_NE(metrics_.Render().find(
                "ncert_ingest_objects_total{source=\"api\",outcome=\"new\"} 1"),
            std::string::npos);
}

TEST_F(ApiTest, DirectoryAdministrationIsForAdmins) {
  const std::string org =
      R"({"name":"Osaka Gas","type":"critical-infrastructure","sectors":["gas"]})";
  EXPECT_EQ(Call("POST", "/api/v1/orgs", nullptr, org).status, 401);
  Response forbidden = Call("POST", "/api/v1/orgs", &member_, org);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(ErrorCode(forbidden), "forbidden");
  EXPECT_EQ(Call("GET", "/api/v1/users", &member_).status, 403);
  Response added = Call("POST", "/api/v1/orgs", &admin_, org);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_NE(added.body.find("\"sectors\":[\"gas\"]"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/orgs", &admin_, org).status, 409);
  EXPECT_EQ(
      Call("POST", "/api/v1/orgs", &admin_, R"({"name":"X","type":"pirate"})")
          .status,
      400);
  Response user =
      Call("POST", "/api/v1/users", &admin_,
           R"({"name":"ito","org":"Osaka Gas","role":"member-admin"})");
  ASSERT_EQ(user.status, 201) << user.body;
  EXPECT_NE(Call("GET", "/api/v1/users", &admin_).body.find("\"name\":\"ito\""),
            std::string::npos);
  Response token = Call("POST", "/api/v1/tokens", &admin_,
                        R"({"user":"ito","days":30,"note":"taxii"})");
  ASSERT_EQ(token.status, 201) << token.body;
  simdjson::dom::element el;
  ASSERT_FALSE(parser_.parse(token.body).get(el));
  std::string secret(el["token"].get_string().value());
  std::string key_id(el["id"].get_string().value());
  auto who = store::Authenticate(store_->directory(), clock_, secret);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->user.name, "ito");
  Response list = Call("GET", "/api/v1/tokens", &admin_);
  EXPECT_NE(list.body.find(key_id), std::string::npos);
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + key_id, &admin_).status, 204);
  EXPECT_FALSE(store::Authenticate(store_->directory(), clock_, secret).ok());
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/nosuchkey", &admin_).status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/tokens", &admin_).status, 405);
}

TEST_F(ApiTest, ExportServesStixAndLeavesBlockListsForLater) {
  Response r = Call("GET", "/api/v1/indicators/export?format=stix");
  ASSERT_EQ(r.status, 200);
  simdjson::dom::element el;
  ASSERT_FALSE(parser_.parse(r.body).get(el));
  EXPECT_EQ(std::string(el["type"].get_string().value()), "bundle");
  for (auto o : el["objects"].get_array()) {
    EXPECT_EQ(std::string(o["type"].get_string().value()), "indicator");
  }
  Response csv = Call("GET", "/api/v1/indicators/export?format=csv");
  EXPECT_EQ(csv.status, 501);
  EXPECT_EQ(ErrorCode(csv), "not-implemented");
  EXPECT_EQ(Call("GET", "/api/v1/indicators/export?type=malware").status, 400);
}

TEST_F(ApiTest, OpenApiIsJsonAndListsEveryRoute) {
  Response r = Call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  simdjson::dom::element el;
  ASSERT_EQ(parser_.parse(r.body).get(el), simdjson::SUCCESS);
  EXPECT_EQ(std::string(el["openapi"].get_string().value()).substr(0, 2), "3.");
  for (size_t i = 0; i < router_.size(); ++i) {
    std::string name =
        router_.RouteName(static_cast<int>(i));  // "GET /api/v1/x"
    size_t sp = name.find(' ');
    std::string method = name.substr(0, sp);
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    std::string path = name.substr(sp + 1 + std::string("/api/v1").size());
    if (path.find("key_id") != std::string::npos) path = "/tokens/{key_id}";
    simdjson::dom::element op;
    EXPECT_EQ(el["paths"][path][method].get(op), simdjson::SUCCESS) << name;
  }
}

}  // namespace
}  // namespace ncert::server
