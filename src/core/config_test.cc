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

TEST(ConfigTest, ReadsSensorsSurge) {
  auto c = ParseConfig(R"(
[sensors.surge]
k = 1
h = 5.5
gamma = 0.5
min_ratio = 3.0
adapt_hours = 48
time_zone = "UTC"
tlp = "red"
)",
                       "ncert.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->surge.k, 1.0);
  EXPECT_EQ(c->surge.h, 5.5);
  EXPECT_EQ(c->surge.gamma, 0.5);
  EXPECT_EQ(c->surge.min_ratio, 3.0);
  EXPECT_EQ(c->surge.adapt_hours, 48);
  EXPECT_EQ(c->surge.time_zone, "UTC");
  EXPECT_EQ(c->surge.tlp, "red");
  EXPECT_EQ(c->surge.alpha, 0.01);  // default kept
  auto bad = ParseConfig("[sensors.surge]\ngamma = 2\n", "c.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "c.toml:2:9: 'gamma' must be a number from 0 to 1");
  bad = ParseConfig("[sensors.surge]\ntlp = \"white\"\n", "c.toml");
  ASSERT_FALSE(bad.ok());
  bad = ParseConfig("[sensors.surge]\nkk = 1\n", "c.toml");
  EXPECT_EQ(bad.status().message(),
            "c.toml:2:1: unknown configuration key 'kk'");
  bad = ParseConfig("[sensors]\nsurge = 3\n", "c.toml");
  EXPECT_FALSE(bad.ok());
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
