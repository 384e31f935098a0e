#include "server/router.h"

#include <gtest/gtest.h>

#include "server/target.h"

namespace ncert::server {
namespace {

Handler Echo(std::string name) {
  return [name](const Request& r) {
    Response res;
    res.body = name;
    for (const auto& [k, v] : r.params) res.body += " " + k + "=" + v;
    return res;
  };
}

TEST(TargetTest, SplitsAndDecodes) {
  auto t = ParseTarget("/a/b%20c/?x=1&y=a+b&y=%41&z");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->path, "/a/b c/");
  EXPECT_EQ(t->segments, (std::vector<std::string>{"a", "b c", ""}));
  ASSERT_EQ(t->query.size(), 4u);
  EXPECT_EQ(t->query[1], (std::pair<std::string, std::string>{"y", "a b"}));
  EXPECT_EQ(t->query[2].second, "A");
  EXPECT_EQ(t->query[3], (std::pair<std::string, std::string>{"z", ""}));
}

TEST(TargetTest, EncodedSlashStaysInItsSegment) {
  auto t = ParseTarget("/api/v1/objects/a%2Fb");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->segments.back(), "a/b");
}

TEST(TargetTest, RejectsMalformed) {
  for (std::string_view bad :
       {"", "x", "*", "http://h/", "/a b", "/%", "/%4", "/%zz", "/%00",
        "/a/../b", "/a/%2e%2e/b", "/./", "/a#frag", "/\x80", "/a?b=%"}) {
    EXPECT_FALSE(ParseTarget(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseTarget("/" + std::string(kMaxTargetBytes, 'a')).ok());
  std::string many = "/?";
  for (size_t i = 0; i <= kMaxQueryParams; ++i) many += "a=1&";
  EXPECT_FALSE(ParseTarget(many).ok());
}

TEST(TargetTest, TraversalInAnIdIsOneSegment) {
  // "..%2f..%2fetc" decodes to one segment "../../etc", which is not a dot
  // segment: it reaches the handler as an id, which must reject it.
  auto t = ParseTarget("/api/v1/objects/..%2f..%2fetc");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->segments.size(), 4u);
  EXPECT_EQ(t->segments[3], "../../etc");
}

TEST(RouterTest, MatchesLiteralsAndParams) {
  Router r;
  r.Add("GET", "/taxii2/{api_root}/collections/{id}/objects/", Echo("objs"));
  r.Add("GET", "/taxii2/", Echo("disc"));
  Request req;
  req.method = "GET";
  req.target = "/taxii2/api1/collections/c%2F1/objects/";
  int route = -2;
  Response res = r.Handle(req, &route);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "objs api_root=api1 id=c/1");
  EXPECT_EQ(route, 0);
  EXPECT_EQ(r.RouteName(route),
            "GET /taxii2/{api_root}/collections/{id}/objects/");
  // The trailing slash matters.
  req.target = "/taxii2";
  EXPECT_EQ(r.Handle(req).status, 404);
  req.target = "/taxii2/";
  EXPECT_EQ(r.Handle(req).body, "disc");
  // An empty segment does not match a parameter.
  req.target = "/taxii2//collections/x/objects/";
  EXPECT_EQ(r.Handle(req).status, 404);
}

TEST(RouterTest, NotFoundAndMethodNotAllowed) {
  Router r;
  r.Add("GET", "/a", Echo("get"));
  r.Add("POST", "/a", Echo("post"));
  Request req;
  req.method = "DELETE";
  req.target = "/a";
  Response res = r.Handle(req);
  EXPECT_EQ(res.status, 405);
  bool allow = false;
  for (const auto& [k, v] : res.headers) {
    if (k == "Allow") {
      allow = true;
      EXPECT_EQ(v, "GET, POST");
    }
  }
  EXPECT_TRUE(allow);
  EXPECT_NE(res.body.find("\"error\":\"method-not-allowed\""),
            std::string::npos);
  req.target = "/b";
  res = r.Handle(req);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body.rfind("{\"error\":\"not-found\",\"message\":", 0), 0u);
  req.method = "HEAD";
  req.target = "/a";
  EXPECT_EQ(r.Handle(req).body, "get");
  req.method = "GET";
  req.target = "/a%zz";
  EXPECT_EQ(r.Handle(req).status, 400);
}

TEST(RouterTest, MountsUnderAPrefix) {
  Router taxii;
  taxii.Add("GET", "/{api_root}/status/{id}/", Echo("status"));
  Router root;
  root.Add("GET", "/healthz", Echo("ok"));
  root.Mount("/taxii2/", taxii);
  Request req;
  req.method = "GET";
  req.target = "/taxii2/r/status/s1/";
  EXPECT_EQ(root.Handle(req).body, "status api_root=r id=s1");
  // Without a target, the path is used.
  Request by_path;
  by_path.method = "GET";
  by_path.path = "/healthz";
  EXPECT_EQ(root.Handle(by_path).body, "ok");
}

TEST(HttpTest, RequestAndResponseHelpers) {
  Request req;
  req.headers["content-type"] = "application/json";
  req.query = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  EXPECT_EQ(req.Header("content-type"), "application/json");
  EXPECT_EQ(req.Header("x"), "");
  EXPECT_EQ(req.QueryAll("a"), (std::vector<std::string_view>{"1", "3"}));
  Response res;
  res.SetHeader("Content-Type", "a");
  res.SetHeader("content-type", "b");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].second, "b");
}

}  // namespace
}  // namespace ncert::server
