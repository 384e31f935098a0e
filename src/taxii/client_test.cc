// The client against the handlers behind a small HTTP server on 127.0.0.1
// (test_server.h): pull with `next`, pull from a server that pages only by
// added_after, resume from the stored cursor, push in envelopes.

#include "taxii/client.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/id.h"
#include "store/sqlite_store.h"
#include "store/taxii_state.h"
#include "taxii/service.h"
#include "taxii/test_server.h"

namespace ncert::taxii {
namespace {

constexpr char kPublic[] = "2e4c4d5e-1111-4aaa-8bbb-000000000001";

std::string Indicator(int n) {
  return fmt::format(
      R"({{"type":"indicator","spec_version":"2.1","id":"indicator--{}",)"
      R"("created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
      R"("pattern":"[ipv4-addr:value = '198.51.{}.{}']",)"
      R"("pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}})",
      UuidV4FromBytes(
          UuidBytes{static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)}),
      n / 250, n % 250);
}

class ClientTest : public testing::Test {
 protected:
  void SetUp() override {
    for (auto* s : {&server_store_, &client_store_}) {
      store::SqliteOptions o;
      o.path = ":memory:";
      o.clock = &clock_;
      *s = std::move(*store::OpenSqliteStore(o));
    }
    TaxiiConfig config;
    ApiRootConfig root;
    root.name = "intel";
    root.title = "intel";
    CollectionConfig pub;
    pub.id = kPublic;
    pub.title = "public";
    pub.public_read = true;
    pub.write_roles = {access::Role::kPartner};
    pub.inbox_tlp = stix::Tlp::kClear;
    root.collections.push_back(pub);
    config.api_roots.push_back(root);
    config.audit_reads = false;
    svc_ =
        std::make_unique<TaxiiService>(*server_store_, *env_, clock_, config);
    partner_.user = {5, "peer", 3, access::Role::kPartner, 0};
    partner_.org = {3, "Partner CERT", access::OrgType::kPartnerCert, {}, ""};
  }

  void Serve(bool strip_next = false) {
    RegisterTaxiiRoutes(
        [&](std::string m, std::string p, server::Handler h) {
          if (strip_next && p.ends_with("/objects/") && m == "GET") {
            h = [h](const server::Request& r) {
              server::Response resp = h(r);
              size_t at = resp.body.find("\"next\":\"");
              if (at != std::string::npos) {
                size_t end = resp.body.find('"', at + 8);
                resp.body.erase(at, end - at + 2);
              }
              return resp;
            };
          }
          server_.Add(std::move(m), std::move(p), std::move(h));
        },
        *svc_);
    server_.AddUser("peer", "secret", partner_);
    port_ = server_.Start();
    url_ = fmt::format("http://127.0.0.1:{}/taxii2/intel/", port_);
  }

  // Objects POSTed by the partner (owner: its org, TLP:CLEAR), one Put each.
  void Publish(int from, int to) {
    for (int i = from; i < to; ++i) {
      std::string json = Indicator(i);
      std::string body = "{\"objects\":[" + json + "]}";
      server::Request r;
      r.method = "POST";
      r.params = {{"api_root", "intel"}, {"id", kPublic}};
      r.headers["content-type"] = "application/taxii+json;version=2.1";
      r.body = body;
      r.principal = &partner_;
      clock_.Advance(1000);
      auto resp = svc_->AddObjects(r);
      ASSERT_EQ(resp.status, 202) << resp.body;
    }
  }

  PullOptions Options(int page) {
    PullOptions o;
    o.api_root_url = url_;
    o.collection = kPublic;
    o.page_size = page;
    o.ingest.share.owner_org = 1;
    o.ingest.share.distribution.everyone = true;
    return o;
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::unique_ptr<store::Store> server_store_, client_store_;
  std::unique_ptr<TaxiiService> svc_;
  access::Principal partner_;
  TestServer server_;
  int port_ = 0;
  std::string url_;
};

TEST_F(ClientTest, PullFollowsNextAndResumes) {
  Serve();
  Publish(0, 25);
  TaxiiClient client(ClientOptions{"peer", "secret", "", 10});
  auto r = Pull(client, *client_store_, clock_, Options(10));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 3);
  EXPECT_EQ(r->received, 25);
  EXPECT_EQ(r->counts.new_objects, 25);
  EXPECT_FALSE(r->resumed_from.has_value());
  ASSERT_TRUE(r->last_added.has_value());
  auto cursor = client_store_->taxii().GetCursor(url_, kPublic);
  ASSERT_TRUE(cursor.ok() && cursor->has_value());
  EXPECT_EQ((*cursor)->last_added, *r->last_added);

  // Nothing new: one empty page, nothing stored.
  auto again = Pull(client, *client_store_, clock_, Options(10));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->received, 0);
  EXPECT_EQ(again->resumed_from, r->last_added);

  // Five more: only those come.
  Publish(25, 30);
  auto more = Pull(client, *client_store_, clock_, Options(10));
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->received, 5);
  EXPECT_EQ(more->counts.new_objects, 5);
  EXPECT_EQ(client_store_->Stats(store::Reader::System())->objects, 30);
}

TEST_F(ClientTest, PullPagesByAddedAfterWhenTheServerGivesNoNext) {
  Serve(/*strip_next=*/true);
  Publish(0, 23);
  TaxiiClient client(ClientOptions{"peer", "secret", "", 10});
  auto r = Pull(client, *client_store_, clock_, Options(10));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->received, 23);
  EXPECT_EQ(r->counts.new_objects, 23);
  EXPECT_EQ(r->counts.unchanged, 0);  // no page repeated
}

TEST_F(ClientTest, PushPostsEnvelopesAndReadsStatus) {
  Serve();
  std::string bundle =
      R"({"type":"bundle","id":"bundle--6f7d2b8e-1f21-4d3b-9d59-2e1a7f6b0c11","objects":[)";
  for (int i = 0; i < 12; ++i) bundle += (i ? "," : "") + Indicator(100 + i);
  bundle += R"(,{"type":"indicator","id":"indicator--bad"}]})";
  ASSERT_TRUE(env_->WriteFile("feed.json", bundle).ok());
  TaxiiClient client(ClientOptions{"peer", "secret", "", 10});
  PushOptions o;
  o.api_root_url = url_;
  o.collection = kPublic;
  o.objects_per_envelope = 5;
  int invalid = 0;
  auto r = Push(client, *env_, "feed.json", o,
                [&](const stix::ReadUnit&) { ++invalid; });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->envelopes, 3);
  EXPECT_EQ(r->sent, 12);
  EXPECT_EQ(r->succeeded, 12);
  EXPECT_EQ(r->invalid, 1);
  EXPECT_EQ(invalid, 1);
  EXPECT_EQ(server_store_->Stats(store::Reader::System())->objects, 12);

  // Wrong password: the server's 401 comes back as an error.
  TaxiiClient bad(ClientOptions{"peer", "wrong", "", 10});
  auto denied = Push(bad, *env_, "feed.json", o);
  EXPECT_FALSE(denied.ok());
  EXPECT_THAT(denied.status().message(), ::testing::HasSubstr("401"));
}

TEST_F(ClientTest, UnreachableServerIsUnavailable) {
  TaxiiClient client(ClientOptions{});
  PullOptions o;
  o.api_root_url = "http://127.0.0.1:1/taxii2/intel/";
  o.collection = kPublic;
  auto r = Pull(client, *client_store_, clock_, o);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  PullOptions bad = o;
  bad.api_root_url = "ftp://127.0.0.1/";
  EXPECT_EQ(Pull(client, *client_store_, clock_, bad).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ncert::taxii
