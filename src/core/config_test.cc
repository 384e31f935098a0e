#include "core/config.h"

#include <gtest/gtest.h>

namespace ncert {
namespace {

TEST(ConfigTest, DefaultsWhenEmpty) {
  auto c = ParseConfig("", "ncert.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store_path, "ncert.db");
  EXPECT_EQ(c->batch_size, 5000);
}

TEST(ConfigTest, ReadsEverySection) {
  auto c = ParseConfig(R"(
[store]
path = "/var/lib/ncert/ncert.db"
batch_size = 100
[ingest]
max_object_bytes = 2048
max_depth = 32
[log]
level = "debug"
)",
                       "ncert.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store_path, "/var/lib/ncert/ncert.db");
  EXPECT_EQ(c->batch_size, 100);
  EXPECT_EQ(c->max_object_bytes, 2048u);
  EXPECT_EQ(c->max_depth, 32);
  EXPECT_EQ(c->log_level, LogLevel::kDebug);
}

TEST(ConfigTest, ErrorsNameFileLineAndKey) {
  auto typo = ParseConfig("[store]\npaht = \"x\"\n", "ncert.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().message(),
            "ncert.toml:2:1: unknown configuration key 'paht'");
  auto range = ParseConfig("[store]\nbatch_size = 0\n", "c.toml");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("c.toml:2"), std::string::npos);
  auto syntax = ParseConfig("[store\n", "c.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("c.toml:1"), std::string::npos);
  EXPECT_FALSE(ParseConfig("[log]\nlevel = \"loud\"\n", "c.toml").ok());
}

TEST(ConfigTest, LoadsThroughEnv) {
  auto env = NewMemEnv();
  ASSERT_TRUE(env->WriteFile("ncert.toml", "[store]\npath = \"a.db\"\n").ok());
  auto c = LoadConfig(*env, "ncert.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store_path, "a.db");
  EXPECT_EQ(LoadConfig(*env, "none.toml").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace ncert
