// The TAXII handlers against medallion's fixture (../shared/data/taxii/
// default_data.json: its API roots, collections and the eight object
// versions of collection 91a7b528 with their date_added), bad input, and
// the leak matrix through every TAXII read path.

#include "taxii/service.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "access/labeler.h"
#include "access/policy.h"
#include "core/id.h"
#include "stix/reader.h"
#include "store/directory.h"
#include "store/sqlite_store.h"
#include "store/taxii_state.h"
#include "taxii/pooled_reads_testing.h"
#include "taxii/protocol.h"

namespace ncert::taxii {
namespace {

using ::testing::HasSubstr;

constexpr char kFixture[] = "../shared/data/taxii/default_data.json";
constexpr char kHigh[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kInd6770[] = "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The fixture's collections as ncert configuration: can_read / can_write
// become analyst rights; the collection with neither stays configured but
// invisible.
TaxiiConfig FixtureConfig(simdjson::dom::element root) {
  TaxiiConfig c;
  c.title = std::string(root["/discovery"]["title"].get_string().value());
  c.contact = std::string(root["/discovery"]["contact"].get_string().value());
  c.default_api_root = "trustgroup1";
  for (const char* name : {"api1", "api2", "trustgroup1"}) {
    simdjson::dom::element r = root[name];
    ApiRootConfig api;
    api.name = name;
    api.title = std::string(r["information"]["title"].get_string().value());
    api.description =
        std::string(r["information"]["description"].get_string().value());
    api.max_content_length =
        r["information"]["max_content_length"].get_int64().value();
    simdjson::dom::array cols;
    if (r["collections"].get_array().get(cols) == simdjson::SUCCESS) {
      for (simdjson::dom::element col : cols) {
        CollectionConfig cc;
        cc.id = std::string(col["id"].get_string().value());
        cc.title = std::string(col["title"].get_string().value());
        bool can_read = col["can_read"].get_bool().value();
        bool can_write = col["can_write"].get_bool().value();
        cc.read_roles = {access::Role::kAnalyst};
        if (!can_read) cc.read_roles = {access::Role::kSensor};  // nobody reads
        if (can_write) cc.write_roles = {access::Role::kAnalyst};
        api.collections.push_back(std::move(cc));
      }
    }
    c.api_roots.push_back(std::move(api));
  }
  return c;
}

class TaxiiServiceTest : public testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = ":memory:";
    options.clock = &clock_;
    auto s = store::OpenSqliteStore(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);

    fixture_text_ = ReadAll(kFixture);
    ASSERT_FALSE(fixture_text_.empty()) << "missing " << kFixture;
    simdjson::dom::element root;
    ASSERT_EQ(parser_.parse(fixture_text_).get(root), simdjson::SUCCESS);
    config_ = FixtureConfig(root);
    LoadFixtureObjects(root);

    analyst_.user = {7, "tanaka", 1, access::Role::kAnalyst, 3};
    analyst_.org = {1, "National CERT", access::OrgType::kNationalCert, {}, ""};
    member_.user = {8, "sato", 2, access::Role::kMember, 0};
    member_.org = {2,
                   "Kanto Electric",
                   access::OrgType::kCriticalInfrastructure,
                   {"electric-power"},
                   ""};
    svc_ = std::make_unique<TaxiiService>(*store_, *env_, clock_, config_);
  }

  // Stores the eight versions of collection 91a7b528, each at its
  // manifest's date_added (the clock is set before each Put).
  void LoadFixtureObjects(simdjson::dom::element root) {
    simdjson::dom::element col = root["trustgroup1"]["collections"].at(2);
    std::map<std::pair<std::string, std::string>, Timestamp> added;
    for (simdjson::dom::element m : col["manifest"].get_array()) {
      added[{std::string(m["id"].get_string().value()),
             std::string(m["version"].get_string().value())}] =
          *ParseTimestamp(m["date_added"].get_string().value());
    }
    std::vector<std::pair<Timestamp, std::string>> versions;
    for (simdjson::dom::element o : col["objects"].get_array()) {
      std::string id(o["id"].get_string().value());
      std::string_view v;
      if (o["modified"].get_string().get(v) != simdjson::SUCCESS) {
        v = o["created"].get_string().value();
      }
      auto it = added.find({id, std::string(v)});
      ASSERT_NE(it, added.end()) << id << " " << v;
      versions.emplace_back(it->second, simdjson::minify(o));
    }
    ASSERT_EQ(versions.size(), 8u);
    std::sort(versions.begin(), versions.end());
    stix::StixReader reader(*env_, stix::ReaderOptions{});
    access::ShareOptions share;
    share.owner_org = 1;
    share.default_tlp = stix::Tlp::kGreen;
    share.distribution.all_members = true;
    access::Labeler labeler(share);
    for (const auto& [when, json] : versions) {
      std::optional<stix::Object> obj;
      ASSERT_TRUE(reader
                      .ReadBuffer("fixture", json,
                                  [&](stix::ReadUnit&& u) {
                                    obj = std::move(u.object);
                                  })
                      .ok());
      if (!obj) {
        ++rejected_;  // the STIX 2.0 malware version (no spec_version)
        continue;
      }
      clock_.Set(when);
      access::AccessLabel l = labeler.Label(*obj);
      ASSERT_TRUE(store_
                      ->Put(std::span<const stix::Object>(&*obj, 1),
                            std::span<const access::AccessLabel>(&l, 1))
                      .ok());
    }
    clock_.Set(Timestamp{1700000000000000});
  }

  server::Request Get(std::string path_params_root, std::string coll = "",
                      std::string object = "") {
    server::Request r;
    r.method = "GET";
    r.headers["accept"] = std::string(kTaxiiMediaType);
    r.params["api_root"] = std::move(path_params_root);
    if (!coll.empty()) r.params["id"] = std::move(coll);
    if (!object.empty()) r.params["object_id"] = std::move(object);
    r.principal = &analyst_;
    return r;
  }

  simdjson::dom::element Parse(const server::Response& resp) {
    simdjson::dom::element el;
    EXPECT_EQ(parser_.parse(resp.body).get(el), simdjson::SUCCESS) << resp.body;
    return el;
  }

  static std::string Header(const server::Response& r, std::string_view n) {
    for (const auto& [k, v] : r.headers) {
      if (k == n) return v;
    }
    return "";
  }

  // (id, modified) of each object in an envelope.
  std::vector<std::pair<std::string, std::string>> Objects(
      const server::Response& resp) {
    std::vector<std::pair<std::string, std::string>> out;
    simdjson::dom::element el = Parse(resp);
    simdjson::dom::array objs;
    if (el["objects"].get_array().get(objs) != simdjson::SUCCESS) return out;
    for (simdjson::dom::element o : objs) {
      std::string_view v;
      if (o["modified"].get_string().get(v) != simdjson::SUCCESS) {
        v = o["created"].get_string().value();
      }
      out.emplace_back(std::string(o["id"].get_string().value()), v);
    }
    return out;
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::unique_ptr<store::Store> store_;
  std::string fixture_text_;
  simdjson::dom::parser parser_;
  TaxiiConfig config_;
  std::unique_ptr<TaxiiService> svc_;
  access::Principal analyst_, member_;
  int rejected_ = 0;
};

TEST_F(TaxiiServiceTest, DiscoveryApiRootAndCollections) {
  server::Request r = Get("");
  auto d = svc_->Discovery(r);
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ(Header(d, "Content-Type"), kTaxiiMediaType);
  auto el = Parse(d);
  EXPECT_EQ(el["title"].get_string().value(), "Some TAXII Server");
  EXPECT_EQ(el["api_roots"].get_array().size(), 3u);
  EXPECT_EQ(el["default"].get_string().value(), "/taxii2/trustgroup1/");

  auto a = svc_->ApiRoot(Get("trustgroup1"));
  EXPECT_EQ(a.status, 200);
  el = Parse(a);
  EXPECT_EQ(el["title"].get_string().value(), "Malware Research Group");
  EXPECT_EQ(el["max_content_length"].get_int64().value(), 9765625);
  EXPECT_EQ(el["versions"].at(0).get_string().value(), kTaxiiMediaType);
  EXPECT_EQ(svc_->ApiRoot(Get("nope")).status, 404);

  auto c = svc_->Collections(Get("trustgroup1"));
  EXPECT_EQ(c.status, 200);
  el = Parse(c);
  // 64993447 (neither read nor write) is invisible.
  EXPECT_EQ(el["collections"].get_array().size(), 4u);
  EXPECT_THAT(c.body, ::testing::Not(HasSubstr("64993447")));
  EXPECT_THAT(c.body, HasSubstr(R"("can_read":false,"can_write":true)"));
  // api1 has no collections: an empty object.
  EXPECT_EQ(svc_->Collections(Get("api1")).body, "{}");

  auto one = svc_->Collection(Get("trustgroup1", kHigh));
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(Parse(one)["title"].get_string().value(),
            "High Value Indicator Collection");
  EXPECT_EQ(svc_->Collection(
                    Get("trustgroup1", "64993447-4d7e-4f70-b94d-d7f33742ee63"))
                .status,
            404);
  server::Request anon = Get("trustgroup1", kHigh);
  anon.principal = nullptr;
  EXPECT_EQ(svc_->Collection(anon).status, 401);
}

TEST_F(TaxiiServiceTest, ObjectsLatestVersionsInDateAddedOrder) {
  EXPECT_EQ(rejected_, 1);  // malware 2018 is STIX 2.0 (no spec_version)
  auto resp = svc_->GetObjects(Get("trustgroup1", kHigh));
  ASSERT_EQ(resp.status, 200) << resp.body;
  auto objs = Objects(resp);
  ASSERT_EQ(objs.size(), 5u) << resp.body;
  EXPECT_EQ(objs[0].first,
            "relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463");
  EXPECT_EQ(objs[1].first, "indicator--cd981c25-8042-4166-8945-51178443bdac");
  EXPECT_EQ(objs[2].first,
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da");
  EXPECT_EQ(objs[3].first, "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec");
  EXPECT_EQ(objs[4], std::make_pair(std::string(kInd6770),
                                    std::string("2017-01-27T13:49:53.935Z")));
  EXPECT_EQ(Header(resp, "X-TAXII-Date-Added-First"),
            "2014-05-08T09:00:00.000000Z");
  EXPECT_EQ(Header(resp, "X-TAXII-Date-Added-Last"),
            "2017-12-31T13:49:53.935000Z");
  EXPECT_FALSE(Parse(resp)["more"].get_bool().value());
}

TEST_F(TaxiiServiceTest, Filters) {
  auto with = [&](std::vector<std::pair<std::string, std::string>> q) {
    server::Request r = Get("trustgroup1", kHigh);
    r.query = std::move(q);
    return svc_->GetObjects(r);
  };
  EXPECT_EQ(Objects(with({{"match[version]", "all"}})).size(), 7u);
  auto first = Objects(with({{"match[version]", "first"}}));
  ASSERT_EQ(first.size(), 5u);
  EXPECT_THAT(first, ::testing::Contains(std::make_pair(
                         std::string(kInd6770),
                         std::string("2016-11-03T12:30:59.000Z"))));
  auto at = Objects(with({{"match[version]", "2016-12-25T12:30:59.444Z"}}));
  ASSERT_EQ(at.size(), 1u);
  EXPECT_EQ(at[0].first, kInd6770);
  EXPECT_EQ(Objects(with({{"match[version]", "first,last"}})).size(), 6u);
  EXPECT_EQ(Objects(with({{"match[type]", "indicator"}})).size(), 2u);
  EXPECT_EQ(Objects(with({{"match[type]", "indicator,malware"}})).size(), 3u);
  EXPECT_EQ(Objects(with({{"match[id]", kInd6770}, {"match[version]", "all"}}))
                .size(),
            3u);
  // Latest versions added after 2016-11-03T12:30:59.001: the marking,
  // the malware and the last 6770.
  EXPECT_EQ(Objects(with({{"added_after", "2016-11-03T12:30:59.001Z"}})).size(),
            3u);
  EXPECT_EQ(Objects(with({{"added_after", "2030-01-01T00:00:00Z"}})).size(),
            0u);
  EXPECT_EQ(with({{"added_after", "2030-01-01T00:00:00Z"}}).body, "{}");
  EXPECT_EQ(Objects(with({{"match[spec_version]", "2.0"}})).size(), 0u);
  EXPECT_EQ(Objects(with({{"match[spec_version]", "2.0,2.1"}})).size(), 5u);
}

TEST_F(TaxiiServiceTest, PaginationFollowsNextWithoutGapsOrRepeats) {
  for (std::string version : {"last", "all"}) {
    std::vector<std::pair<std::string, std::string>> seen;
    std::string next;
    int pages = 0;
    while (true) {
      server::Request r = Get("trustgroup1", kHigh);
      r.query = {{"limit", "2"}, {"match[version]", version}};
      if (!next.empty()) r.query.emplace_back("next", next);
      auto resp = svc_->GetObjects(r);
      ASSERT_EQ(resp.status, 200) << resp.body;
      auto objs = Objects(resp);
      ASSERT_LE(objs.size(), 2u);
      seen.insert(seen.end(), objs.begin(), objs.end());
      ++pages;
      auto el = Parse(resp);
      bool more = false;
      if (el["more"].get_bool().get(more) != simdjson::SUCCESS) more = false;
      if (!more) break;
      next = std::string(el["next"].get_string().value());
      ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(seen.size(), version == "all" ? 7u : 5u);
    std::set<std::pair<std::string, std::string>> unique(seen.begin(),
                                                         seen.end());
    EXPECT_EQ(unique.size(), seen.size());
  }
}

TEST_F(TaxiiServiceTest, ManifestObjectAndVersions) {
  auto m = svc_->Manifest(Get("trustgroup1", kHigh));
  ASSERT_EQ(m.status, 200);
  auto rec = Parse(m)["objects"].at(0);
  EXPECT_EQ(rec["date_added"].get_string().value(),
            "2014-05-08T09:00:00.000000Z");
  EXPECT_EQ(rec["version"].get_string().value(), "2014-05-08T09:00:00.000Z");
  EXPECT_EQ(rec["media_type"].get_string().value(), kStixMediaType);

  auto o = svc_->GetObject(Get("trustgroup1", kHigh, kInd6770));
  ASSERT_EQ(o.status, 200) << o.body;
  auto objs = Objects(o);
  ASSERT_EQ(objs.size(), 1u);
  EXPECT_EQ(objs[0].second, "2017-01-27T13:49:53.935Z");

  auto v = svc_->Versions(Get("trustgroup1", kHigh, kInd6770));
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(Parse(v)["versions"].get_array().size(), 3u);
  EXPECT_THAT(v.body, HasSubstr(R"("2016-11-03T12:30:59.000Z")"));
  EXPECT_EQ(Header(v, "X-TAXII-Date-Added-Last"),
            "2017-12-31T13:49:53.935000Z");

  EXPECT_EQ(
      svc_->GetObject(Get("trustgroup1", kHigh,
                          "indicator--00000000-0000-4000-8000-000000000000"))
          .status,
      404);
  // Traversal and junk in the id: 400, never a file or another collection.
  for (std::string bad :
       {"../../etc/passwd", "..%2f..%2fstatus", "indicator--not-a-uuid", ""}) {
    auto r = svc_->GetObject(Get("trustgroup1", kHigh, bad));
    EXPECT_EQ(r.status, bad.empty() ? 400 : 400) << bad;
  }
}

TEST_F(TaxiiServiceTest, BadQueriesAndMediaTypes) {
  auto status_of = [&](std::string name, std::string value) {
    server::Request r = Get("trustgroup1", kHigh);
    r.query = {{name, value}};
    return svc_->GetObjects(r);
  };
  EXPECT_EQ(status_of("limit", "-1").status, 400);
  EXPECT_EQ(status_of("limit", "0").status, 400);
  EXPECT_EQ(status_of("limit", "ten").status, 400);
  auto huge = status_of("limit", "1000000000000");
  EXPECT_EQ(huge.status, 200);  // clamped to kMaxPageSize
  EXPECT_EQ(Objects(huge).size(), 5u);
  EXPECT_EQ(status_of("limit", "99999999999999999999999").status, 200);
  auto unknown = status_of("match[colour]", "red");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Parse(unknown)["http_status"].get_string().value(), "400");
  EXPECT_THAT(unknown.body, HasSubstr("colour"));
  EXPECT_EQ(status_of("added_after", "yesterday").status, 400);
  EXPECT_EQ(status_of("next", "garbage!").status, 400);
  EXPECT_EQ(status_of("match[version]", "newest").status, 400);
  EXPECT_EQ(status_of("match[id]", "../x").status, 400);
  EXPECT_EQ(status_of("unrelated", "x").status, 200);  // ignored

  server::Request v = Get("trustgroup1", kHigh, kInd6770);
  v.query = {{"match[type]", "indicator"}};
  EXPECT_EQ(svc_->Versions(v).status, 400);

  for (std::string accept :
       {"application/json", "text/html", "application/taxii+json;version=2.0",
        "application/stix+json;version=2.1"}) {
    server::Request r = Get("trustgroup1", kHigh);
    r.headers["accept"] = accept;
    EXPECT_EQ(svc_->GetObjects(r).status, 406) << accept;
    EXPECT_EQ(svc_->Discovery(r).status, 406) << accept;
  }
  for (std::string accept :
       {"application/taxii+json", "*/*", "application/taxii+json; version=2.1",
        "text/html, application/taxii+json;version=2.1"}) {
    server::Request r = Get("trustgroup1", kHigh);
    r.headers["accept"] = accept;
    EXPECT_EQ(svc_->GetObjects(r).status, 200) << accept;
  }
}

class TaxiiPostTest : public TaxiiServiceTest {
 protected:
  server::Request Post(std::string body, std::string coll = kHigh) {
    server::Request r = Get("trustgroup1", std::move(coll));
    r.method = "POST";
    r.headers["content-type"] = std::string(kTaxiiMediaType);
    r.body = std::move(body);
    return r;
  }
  static std::string Indicator(int n, std::string modified) {
    return fmt::format(
        R"({{"type":"indicator","spec_version":"2.1","id":"indicator--{}",)"
        R"("created":"2024-01-01T00:00:00.000Z","modified":"{}",)"
        R"("pattern":"[ipv4-addr:value = '198.51.100.{}']",)"
        R"("pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}})",
        UuidV4FromBytes(UuidBytes{static_cast<uint8_t>(n)}), modified, n);
  }
};

TEST_F(TaxiiPostTest, EnvelopeStatusAndRejectedObjectsChangeNothing) {
  std::string bad =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--x"})";
  auto resp = svc_->AddObjects(Post(R"({"objects":[)" +
                                    Indicator(1, "2024-01-01T00:00:00.000Z") +
                                    "," + bad + R"(,42]})"));
  ASSERT_EQ(resp.status, 202) << resp.body;
  auto st = Parse(resp);
  EXPECT_EQ(st["status"].get_string().value(), "complete");
  EXPECT_EQ(st["total_count"].get_int64().value(), 3);
  EXPECT_EQ(st["success_count"].get_int64().value(), 1);
  EXPECT_EQ(st["failure_count"].get_int64().value(), 2);
  EXPECT_EQ(st["pending_count"].get_int64().value(), 0);
  std::string failure(st["failures"].at(0)["message"].get_string().value());
  EXPECT_THAT(failure, HasSubstr("/objects/1"));
  std::string status_id(st["id"].get_string().value());

  // The status resource is persisted, and only its owner reads it.
  server::Request sr = Get("trustgroup1");
  sr.params["status_id"] = status_id;
  auto again = svc_->GetStatus(sr);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, resp.body);
  sr.principal = &member_;
  EXPECT_EQ(svc_->GetStatus(sr).status, 404);
  sr.principal = nullptr;
  EXPECT_EQ(svc_->GetStatus(sr).status, 401);

  // The one valid object is now in the collection (the poster's org owns it).
  server::Request g = Get("trustgroup1", kHigh);
  g.query = {{"match[type]", "indicator"}};
  EXPECT_EQ(Objects(svc_->GetObjects(g)).size(), 3u);
  // The bad one is nowhere.
  store::StoreStats stats = *store_->Stats(store::Reader::System());
  EXPECT_EQ(stats.latest_by_type["indicator"], 3);

  // A conflicting version (same id and modified, other content) fails and
  // keeps the stored one.
  std::string changed = Indicator(1, "2024-01-01T00:00:00.000Z");
  changed.replace(changed.find("198.51.100.1"), 12, "203.0.113.99");
  auto conflict = svc_->AddObjects(Post(R"({"objects":[)" + changed + "]}"));
  EXPECT_EQ(Parse(conflict)["failure_count"].get_int64().value(), 1);
  auto kept = store_->Get(store::Reader::System(),
                          "indicator--" + UuidV4FromBytes(UuidBytes{1}));
  ASSERT_TRUE(kept->has_value());
  EXPECT_THAT((*kept)->json, HasSubstr("198.51.100.1"));
}

TEST_F(TaxiiPostTest, BadEnvelopesAndRights) {
  EXPECT_EQ(svc_->AddObjects(Post("{not json")).status, 400);
  EXPECT_EQ(svc_->AddObjects(Post("[]")).status, 400);
  EXPECT_EQ(svc_->AddObjects(Post(R"({"objects":{}})")).status, 400);
  server::Request wrong = Post(R"({"objects":[]})");
  wrong.headers["content-type"] = "application/json";
  EXPECT_EQ(svc_->AddObjects(wrong).status, 415);
  wrong.headers["content-type"] = "application/stix+json;version=2.1";
  EXPECT_EQ(svc_->AddObjects(wrong).status, 415);

  std::string many = R"({"objects":[)";
  for (size_t i = 0; i <= config_.max_objects_per_envelope; ++i) {
    many += (i ? ",{}" : "{}");
  }
  many += "]}";
  auto too_many = svc_->AddObjects(Post(many));
  EXPECT_EQ(too_many.status, 413);
  EXPECT_EQ(Parse(too_many)["http_status"].get_string().value(), "413");
  std::string big =
      R"({"objects":[],"pad":")" + std::string(9765625, 'x') + "\"}";
  EXPECT_EQ(svc_->AddObjects(Post(big)).status, 413);

  server::Request anon = Post(R"({"objects":[]})");
  anon.principal = nullptr;
  EXPECT_EQ(svc_->AddObjects(anon).status, 401);
  // 52892447 is read-only.
  EXPECT_EQ(svc_->AddObjects(Post(R"({"objects":[]})",
                                  "52892447-4d7e-4f70-b94d-d7f22742ff63"))
                .status,
            403);
  server::Request member = Post(R"({"objects":[]})");
  member.principal = &member_;  // a member may not see the collection at all
  EXPECT_EQ(svc_->AddObjects(member).status, 404);
}

TEST_F(TaxiiPostTest, DeleteWithdrawsFromOneCollectionAndKeepsHistory) {
  server::Request d = Get("trustgroup1", kHigh, kInd6770);
  d.method = "DELETE";
  EXPECT_EQ(svc_->DeleteObject(d).status, 200);
  EXPECT_EQ(svc_->GetObject(Get("trustgroup1", kHigh, kInd6770)).status, 404);
  EXPECT_EQ(svc_->Versions(Get("trustgroup1", kHigh, kInd6770)).status, 404);
  EXPECT_EQ(Objects(svc_->GetObjects(Get("trustgroup1", kHigh))).size(), 4u);
  // Every version is still in the store, and in the other collection.
  EXPECT_EQ(store_->Versions(store::Reader::System(), kInd6770)->size(), 3u);
  EXPECT_EQ(
      svc_->GetObject(Get("trustgroup1", "365fed99-08fa-fdcd-a1b3-fb247eb41d01",
                          kInd6770))
          .status,
      200);
  // A second DELETE: already absent.
  EXPECT_EQ(svc_->DeleteObject(d).status, 404);
  // Audited.
  bool audited = false;
  ASSERT_TRUE(store_->directory()
                  .ScanAudit({},
                             [&](const access::AuditEntry& e) {
                               audited = audited ||
                                         (e.action == "write" &&
                                          e.target.find("taxii delete") == 0 &&
                                          e.target.find(kInd6770) !=
                                              std::string::npos);
                               return true;
                             })
                  .ok());
  EXPECT_TRUE(audited);
}

TEST_F(TaxiiServiceTest, FixtureStatusResourcesAreServedAsStored) {
  simdjson::dom::element root;
  ASSERT_EQ(parser_.parse(fixture_text_).get(root), simdjson::SUCCESS);
  simdjson::dom::element s0 = root["trustgroup1"]["status"].at(0);
  store::TaxiiStatusRecord rec;
  rec.id = std::string(s0["id"].get_string().value());
  rec.api_root = "trustgroup1";
  rec.owner = analyst_.user.name;
  rec.json = simdjson::minify(s0);
  ASSERT_TRUE(store_->taxii().PutStatus(rec).ok());
  server::Request r = Get("trustgroup1");
  r.params["status_id"] = rec.id;
  auto resp = svc_->GetStatus(r);
  EXPECT_EQ(resp.status, 200);
  auto el = Parse(resp);
  EXPECT_EQ(el["pending_count"].get_int64().value(), 2);
  r.params["api_root"] = "api1";  // another root does not have it
  EXPECT_EQ(svc_->GetStatus(r).status, 404);
}

// ---- the leak matrix through TAXII --------------------------------------

class TaxiiLeakTest : public testing::Test {
 protected:
  // Where the store lives (a file where other connections must reach it).
  virtual std::string StorePath() { return ":memory:"; }
  virtual void MakeService(TaxiiConfig config) {
    svc_ = std::make_unique<TaxiiService>(*store_, *env_, clock_, config);
  }

  void SetUp() override {
    store::SqliteOptions options;
    options.path = StorePath();
    options.clock = &clock_;
    store_ = std::move(*store::OpenSqliteStore(options));
    const std::optional<stix::Tlp> tlps[] = {
        std::nullopt,      stix::Tlp::kClear,       stix::Tlp::kGreen,
        stix::Tlp::kAmber, stix::Tlp::kAmberStrict, stix::Tlp::kRed};
    std::vector<access::Distribution> dists(6);
    dists[1].orgs = {2};
    dists[2].sectors = {"finance"};
    dists[3].all_members = true;
    dists[4].everyone = true;
    dists[5].users = {42};
    int n = 0;
    for (auto tlp : tlps) {
      for (const auto& d : dists) {
        for (access::Clearance need : {0, 2}) {
          UuidBytes b{};
          b[0] = static_cast<uint8_t>(n);
          ++n;
          std::string id = "indicator--" + UuidV4FromBytes(b);
          access::AccessLabel label;
          label.tlp = tlp;
          label.owner_org = 1;
          label.distribution = d;
          label.clearance = need;
          // Two versions each, so versions and match[version] are covered.
          for (const char* mod :
               {"2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"}) {
            stix::Object o;
            o.type = "indicator";
            o.id = id;
            o.spec_version = "2.1";
            o.modified = mod;
            o.version = *ParseTimestamp(mod);
            o.json = fmt::format(
                R"({{"id":"{}","modified":"{}","type":"indicator"}})", id, mod);
            clock_.Advance(1000);
            ASSERT_TRUE(
                store_
                    ->Put(std::span<const stix::Object>(&o, 1),
                          std::span<const access::AccessLabel>(&label, 1))
                    .ok());
          }
          cases_.emplace_back(id, label);
        }
      }
    }
    TaxiiConfig config;
    ApiRootConfig root;
    root.name = "intel";
    root.title = "intel";
    CollectionConfig all;
    all.id = "2e4c4d5e-1111-4aaa-8bbb-000000000001";
    all.title = "everything";
    all.public_read = true;
    root.collections.push_back(all);
    config.api_roots.push_back(root);
    config.audit_reads = false;
    MakeService(config);
  }

  // Every principal shape against every label, through objects, manifest,
  // one object and its versions; returns the number of checks.
  int RunMatrix();

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TaxiiService> svc_;
  std::vector<std::pair<std::string, access::AccessLabel>> cases_;
};

TEST_F(TaxiiLeakTest, EveryTaxiiReadAgreesWithThePolicy) {
  EXPECT_GT(RunMatrix(), 1000);
}

// The same matrix through ncert serve's read path: pooled connections and
// one page cache shared by every caller, twice (the second time from the
// cache). Principals that differ in anything the policy looks at never get
// each other's pages.
class TaxiiLeakCachedTest : public TaxiiLeakTest {
 protected:
  std::string StorePath() override {
    path_ = testing::TempDir() + "/taxii_leak_cached_" +
            std::to_string(::getpid()) + ".db";
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((path_ + suffix).c_str());
    }
    return path_;
  }
  void MakeService(TaxiiConfig config) override {
    reads_ = OpenPooledReads(path_, clock_, 8 << 20);
    ASSERT_TRUE(reads_.pool && reads_.watcher);
    TaxiiReadPath rp = reads_.Path();
    svc_ = std::make_unique<TaxiiService>(*store_, *env_, clock_, config, rp);
  }
  void TearDown() override {
    svc_.reset();
    reads_ = {};
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((path_ + suffix).c_str());
    }
  }

  std::string path_;
  PooledReads reads_;
};

TEST_F(TaxiiLeakCachedTest, CachedPagesAgreeWithThePolicyForEveryCaller) {
  EXPECT_GT(RunMatrix(), 1000);
  const PageCache::Stats first = reads_.cache->stats();
  EXPECT_GT(first.misses, 0u);
  // Principals of the matrix that the policy cannot tell apart (the same
  // view) may share; everything else missed. Now every page is cached.
  EXPECT_GT(RunMatrix(), 1000);
  const PageCache::Stats second = reads_.cache->stats();
  EXPECT_EQ(second.misses, first.misses);  // all from the cache
  EXPECT_GT(second.hits, first.hits);
}

int TaxiiLeakTest::RunMatrix() {
  const access::Role roles[] = {access::Role::kAnalyst, access::Role::kMember,
                                access::Role::kPartner};
  access::Policy policy;
  simdjson::dom::parser parser;
  int checks = 0;
  for (int rel = 0; rel <= 5; ++rel) {
    for (access::Role role : roles) {
      for (access::Clearance have : {0, 3}) {
        if (rel == 5 && (role != roles[0] || have != 0)) continue;  // public
        access::Principal p;
        p.user.id = rel == 4 ? 42 : 100;
        p.user.name = "u";
        p.user.role = role;
        p.user.clearance = have;
        p.org.id = rel == 0 ? 1 : rel == 1 ? 2 : 5;
        if (rel == 2) p.org.sectors = {"finance"};
        const access::Principal* who = rel == 5 ? nullptr : &p;
        std::set<std::string> expected;
        for (const auto& [id, label] : cases_) {
          if (policy.CanSee(who, label)) expected.insert(id);
        }
        auto request = [&](std::string object = "") {
          server::Request r;
          r.headers["accept"] = std::string(kTaxiiMediaType);
          r.params = {{"api_root", "intel"},
                      {"id", "2e4c4d5e-1111-4aaa-8bbb-000000000001"}};
          if (!object.empty()) r.params["object_id"] = object;
          r.principal = who;
          return r;
        };
        // Objects and manifest, all pages, every version.
        for (bool manifest : {false, true}) {
          std::multiset<std::string> got;
          std::string next;
          while (true) {
            server::Request r = request();
            r.query = {{"limit", "7"}, {"match[version]", "all"}};
            if (!next.empty()) r.query.emplace_back("next", next);
            auto resp = manifest ? svc_->Manifest(r) : svc_->GetObjects(r);
            EXPECT_EQ(resp.status, 200);
            if (resp.status != 200) return -1;
            simdjson::dom::element el;
            if (parser.parse(std::string(resp.Body())).get(el) !=
                simdjson::SUCCESS) {
              ADD_FAILURE() << resp.Body();
              return -1;
            }
            simdjson::dom::array objs;
            if (el["objects"].get_array().get(objs) == simdjson::SUCCESS) {
              for (simdjson::dom::element o : objs) {
                got.insert(std::string(o["id"].get_string().value()));
              }
            }
            bool more = false;
            if (el["more"].get_bool().get(more) != simdjson::SUCCESS)
              more = false;
            if (!more) break;
            next = std::string(el["next"].get_string().value());
          }
          std::set<std::string> ids(got.begin(), got.end());
          EXPECT_EQ(ids, expected) << "rel " << rel << " manifest " << manifest;
          EXPECT_EQ(got.size(), 2 * expected.size());  // two versions each
          ++checks;
        }
        // One object, its versions: a hidden one answers as an absent one.
        auto absent = svc_->GetObject(
            request("indicator--ffffffff-0000-4000-8000-000000000000"));
        for (const auto& [id, label] : cases_) {
          bool want = expected.count(id) > 0;
          auto o = svc_->GetObject(request(id));
          auto v = svc_->Versions(request(id));
          EXPECT_EQ(o.status, want ? 200 : 404);
          EXPECT_EQ(v.status, want ? 200 : 404);
          if (!want) {
            EXPECT_EQ(o.body, absent.body);
            EXPECT_EQ(o.headers, absent.headers);
          }
          checks += 2;
        }
      }
    }
  }
  return checks;
}

}  // namespace
}  // namespace ncert::taxii
