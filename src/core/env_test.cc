#include "core/env.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace ncert {
namespace {

TEST(EnvTest, MemEnvReadsWritesAndLists) {
  auto env = NewMemEnv();
  ASSERT_TRUE(env->WriteFile("d/a.json", "{}").ok());
  ASSERT_TRUE(env->WriteFile("d/sub/b.ndjson", "{}\n{}").ok());
  ASSERT_TRUE(env->WriteFile("d/notes.txt", "x").ok());
  EXPECT_EQ(*env->ReadFile("d/a.json"), "{}");
  EXPECT_TRUE(env->Stat("d")->is_directory);
  EXPECT_EQ(env->Stat("d/sub/b.ndjson")->size, 5u);
  EXPECT_EQ(env->ReadFile("missing").status().code(), StatusCode::kNotFound);
  auto files = ExpandPaths(*env, {"d"}, {".json", ".ndjson"});
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{"d/a.json", "d/sub/b.ndjson"}));
  // A file named directly is kept whatever its extension.
  EXPECT_EQ(ExpandPaths(*env, {"d/notes.txt"}, {".json"})->size(), 1u);
  EXPECT_EQ(env->ReadFile("d/sub/b.ndjson", 3).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(EnvTest, PosixEnvRoundTrip) {
  auto env = NewPosixEnv();
  std::string dir = testing::TempDir() + "/ncert_env_test";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/x.json";
  ASSERT_TRUE(env->WriteFile(path, "hello").ok());
  EXPECT_EQ(*env->ReadFile(path), "hello");
  EXPECT_FALSE(env->Stat(path)->is_directory);
  auto missing = env->ReadFile(dir + "/nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ncert
