#include "taxii/protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ncert::taxii {
namespace {

TEST(Protocol, CursorRoundTripsAndRejectsForgeries) {
  Cursor c{123456, Timestamp{1700000000123456},
           "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e",
           "2017-01-27T13:49:53.935Z"};
  std::string token = EncodeCursor(c);
  EXPECT_EQ(token.find_first_of("+/=|"), std::string::npos);  // URL-safe
  auto back = DecodeCursor(token);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->seq, c.seq);
  EXPECT_EQ(back->added, c.added);
  EXPECT_EQ(back->id, c.id);
  EXPECT_EQ(back->version, c.version);
  for (std::string bad : std::vector<std::string>{
           "", "!!!", "MXwtMXwwfHx8", "eA", std::string(2000, 'A')}) {
    EXPECT_FALSE(DecodeCursor(bad).ok()) << bad;
  }
}

TEST(Protocol, MediaTypes) {
  EXPECT_TRUE(AcceptsTaxii(""));
  EXPECT_TRUE(AcceptsTaxii("application/TAXII+json;Version=2.1"));
  EXPECT_FALSE(AcceptsTaxii("application/taxii+json;version=2.1;q=0"));
  EXPECT_FALSE(AcceptsTaxii("application/json"));
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json; version=\"2.1\""));
  EXPECT_FALSE(IsTaxiiContentType(""));
  EXPECT_FALSE(IsTaxiiContentType("application/taxii+json;version=2.0"));
}

TEST(Protocol, EnvelopeParsing) {
  auto e = ParseEnvelope(R"({"objects":[{"id":"a--b","modified":"m"},7]})", 10);
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->size(), 2u);
  EXPECT_EQ((*e)[0].id, "a--b");
  EXPECT_EQ((*e)[0].version, "m");
  EXPECT_EQ((*e)[1].pointer, "/objects/1");
  EXPECT_TRUE((*e)[1].json.empty());
  EXPECT_EQ(ParseEnvelope(R"({"objects":[1,2,3]})", 2).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseEnvelope("{", 2).status().code(),
            StatusCode::kInvalidArgument);
  auto r = ParseReceivedEnvelope(R"({"more":true,"next":"x","objects":[{}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->more);
  EXPECT_EQ(r->next, "x");
  EXPECT_EQ(r->objects.size(), 1u);
}

TEST(Protocol, QueryDefaults) {
  auto q = ParseObjectQuery({}, Endpoint::kObjects);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->limit, kDefaultPageSize);
  EXPECT_TRUE(q->versions.LastOnly());
  auto v = ParseObjectQuery({}, Endpoint::kVersions);
  EXPECT_TRUE(v->versions.all);
  auto big = ParseObjectQuery({{"limit", "1000000000000"}}, Endpoint::kObjects);
  EXPECT_EQ(big->limit, kMaxPageSize);
}

}  // namespace
}  // namespace ncert::taxii
