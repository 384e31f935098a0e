#include "core/json.h"

#include <gtest/gtest.h>

namespace ncert {
namespace {

TEST(JsonTest, SortsMembersAndDropsWhitespace) {
  auto c = CanonicalizeJson(R"( { "b" : [ 1 , 2.5, true, null ], "a": {"z":1,"y":"x"} } )");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, R"({"a":{"y":"x","z":1},"b":[1,2.5,true,null]})");
}

TEST(JsonTest, IsIdempotentAndStable) {
  const char* in = R"({"name":"caf\u00e9 \"q\" \\ \n\t\u0001","n":-0.000123,"big":18446744073709551615,"neg":-9223372036854775808})";
  auto once = CanonicalizeJson(in);
  ASSERT_TRUE(once.ok());
  auto twice = CanonicalizeJson(*once);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(*once, *twice);
  EXPECT_EQ(*once,
            "{\"big\":18446744073709551615,\"n\":-0.000123,"
            "\"name\":\"caf\xC3\xA9 \\\"q\\\" \\\\ \\n\\t\\u0001\","
            "\"neg\":-9223372036854775808}");
}

TEST(JsonTest, MembersSortByUtf8Bytes) {
  auto c = CanonicalizeJson(R"({"\u00e9":1,"z":2,"A":3,"_":4})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, "{\"A\":3,\"_\":4,\"z\":2,\"\xC3\xA9\":1}");
}

TEST(JsonTest, DuplicateMemberIsRejectedWithPointer) {
  auto c = CanonicalizeJson(R"({"a":{"x/y":[{"k":1,"k":2}]}})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/a/x~1y/0/k"), std::string::npos)
      << c.status().message();
}

TEST(JsonTest, RejectsInvalidJson) {
  EXPECT_FALSE(CanonicalizeJson("{\"a\":").ok());
  EXPECT_FALSE(CanonicalizeJson("{\"a\":\"\xff\"}").ok());  // bad UTF-8
}

TEST(JsonTest, PointerTokensAreEscaped) {
  std::string p;
  AppendJsonPointerToken("a/b~c", &p);
  EXPECT_EQ(p, "/a~1b~0c");
}

}  // namespace
}  // namespace ncert
