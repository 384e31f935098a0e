// Conformance against public data: the OASIS pattern validator's test tables
// (../shared/data/stix-patterns), the STIX 2.1 specification's example
// patterns, and every STIX indicator pattern in ../shared/data/stix and
// ../shared/data/attack. Counts are printed so the report can quote them.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pattern/pattern.h"
#include "pattern/value.h"

namespace ncert::pattern {
namespace {

const char* kData = "../shared/data";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

// Compiling the canonical text gives the same canonical text.
void ExpectRoundTrip(const Pattern& p) {
  auto again = Compile(p.canonical());
  ASSERT_TRUE(again.ok()) << p.canonical() << ": "
                          << again.diagnostics[0].ToString();
  EXPECT_EQ(again.pattern->canonical(), p.canonical());
}

TEST(PatternConformance, ValidatorTable) {
  std::string path = std::string(kData) + "/stix-patterns/patterns.tsv";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  int total = 0, agree = 0, valid = 0, invalid = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto cols = Split(line, '\t');
    ASSERT_GE(cols.size(), 2u) << line;
    const std::string& pattern = cols[0];
    bool want_valid = cols[1] == "valid";
    ++total;
    (want_valid ? valid : invalid)++;
    auto r = Compile(pattern);
    if (r.ok() == want_valid) ++agree;
    EXPECT_EQ(r.ok(), want_valid)
        << pattern << "\n  upstream: " << (cols.size() > 2 ? cols[2] : "")
        << "\n  ncert: "
        << (r.first_error() ? r.first_error()->ToString() : "valid");
    if (r.ok()) ExpectRoundTrip(*r.pattern);
  }
  std::printf("patterns.tsv: %d/%d verdicts agree (%d valid, %d invalid)\n",
              agree, total, valid, invalid);
  EXPECT_GT(total, 40);
}

TEST(PatternConformance, SpecExamples) {
  std::string path = std::string(kData) + "/stix-patterns/spec_examples.txt";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  int total = 0, ok = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++total;
    auto r = Compile(line);
    if (r.ok()) ++ok;
    EXPECT_TRUE(r.ok()) << line << ": " << r.first_error()->ToString();
    if (r.ok()) ExpectRoundTrip(*r.pattern);
  }
  std::printf("spec_examples.txt: %d/%d valid\n", ok, total);
  EXPECT_EQ(total, 16);
}

void CollectIndicatorPatterns(const Value& v, std::vector<std::string>* out) {
  if (v.is_object()) {
    if (v.StringMember("type") == "indicator" &&
        v.StringMember("pattern_type") == "stix") {
      out->emplace_back(v.StringMember("pattern"));
    }
    for (const auto& m : v.members()) CollectIndicatorPatterns(m.second, out);
  } else if (v.is_array()) {
    for (const Value& item : v.items()) CollectIndicatorPatterns(item, out);
  }
}

TEST(PatternConformance, RealIndicatorPatterns) {
  std::vector<std::string> patterns;
  for (const char* dir : {"stix", "attack"}) {
    std::string root = std::string(kData) + "/" + dir;
    ASSERT_TRUE(std::filesystem::exists(root)) << root;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".json") continue;
      auto v = Value::Parse(ReadAll(entry.path().string()));
      ASSERT_TRUE(v.ok()) << entry.path();
      CollectIndicatorPatterns(*v, &patterns);
    }
  }
  int ok = 0;
  for (const std::string& p : patterns) {
    auto r = Compile(p);
    if (r.ok()) ++ok;
    EXPECT_TRUE(r.ok()) << p << ": " << r.first_error()->ToString();
    if (r.ok()) {
      ExpectRoundTrip(*r.pattern);
      EXPECT_TRUE(r.pattern->warnings().empty())
          << p << ": " << r.pattern->warnings()[0].ToString();
    }
  }
  std::printf("indicator patterns in shared/data: %d/%zu parse\n", ok,
              patterns.size());
  EXPECT_GE(patterns.size(), 43u);
}

}  // namespace
}  // namespace ncert::pattern
