#include "core/config.h"

#include <gtest/gtest.h>

namespace ncert {
namespace {

TEST(ConfigTest, DefaultsWhenEmpty) {
  auto c = ParseConfig("", "ncert.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store_path, "ncert.db");
  EXPECT_EQ(c->batch_size, 10000);
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

TEST(ConfigTest, ReadsTheServerSection) {
  auto c = ParseConfig(R"(
[server]
listen = "[::1]:9443"
threads = 4
tls_cert = "c.pem"
tls_key = "k.pem"
max_body_bytes = 4096
header_timeout_ms = 2000
idle_timeout_ms = 5000
max_connections = 500
rate_per_second = 2.5
rate_burst = 10
shutdown_grace_ms = 0
access_log = ""
)",
                       "ncert.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.listen, "[::1]:9443");
  EXPECT_EQ(c->server.threads, 4);
  EXPECT_EQ(c->server.tls_key, "k.pem");
  EXPECT_EQ(c->server.max_body_bytes, 4096u);
  EXPECT_EQ(c->server.header_timeout_ms, 2000);
  EXPECT_EQ(c->server.body_timeout_ms, 30000);  // default
  EXPECT_EQ(c->server.max_connections, 500);
  EXPECT_DOUBLE_EQ(c->server.rate_per_second, 2.5);
  EXPECT_DOUBLE_EQ(c->server.rate_burst, 10);
  EXPECT_EQ(c->server.shutdown_grace_ms, 0);
  EXPECT_EQ(c->server.access_log, "");
}

TEST(ConfigTest, RejectsBadServerKeys) {
  auto c = ParseConfig("[server]\nthreads = 0\n", "s.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("threads"), std::string::npos);
  c = ParseConfig("[server]\nlisten_on = \"x\"\n", "s.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown configuration key 'listen_on'"),
            std::string::npos);
  c = ParseConfig("[server]\ntls_cert = \"c.pem\"\n", "s.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("tls_key"), std::string::npos);
  c = ParseConfig("[server]\nrate_per_second = -1\n", "s.toml");
  EXPECT_FALSE(c.ok());
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
