#include "access/token.h"

#include <gtest/gtest.h>

namespace ncert::access {
namespace {

TEST(TokenTest, NewTokensAreUniqueAndVerify) {
  auto a = NewToken();
  auto b = NewToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->token, b->token);
  EXPECT_EQ(a->token.size(), 6u + 8 + 1 + 43);
  EXPECT_EQ(a->token.substr(0, 6), "ncert_");
  EXPECT_EQ(*TokenKeyId(a->token), a->key_id);
  EXPECT_TRUE(TokenMatches(a->token, a->hash));
  EXPECT_FALSE(TokenMatches(b->token, a->hash));
  EXPECT_EQ(a->token.find(a->hash), std::string::npos);  // hash is not token
}

TEST(TokenTest, WrongSecretFails) {
  auto t = NewToken();
  ASSERT_TRUE(t.ok());
  std::string forged = t->token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_TRUE(TokenKeyId(forged).ok());  // same key id: found, then refused
  EXPECT_FALSE(TokenMatches(forged, t->hash));
}

TEST(TokenTest, MalformedTokensAreRefused) {
  for (const char* bad :
       {"", "ncert_", "abc",
        "ncert_12345678-0123456789012345678901234567890123456789012",
        "bearer ncert_12345678_0123456789012345678901234567890123456789012"}) {
    EXPECT_FALSE(TokenKeyId(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace ncert::access
