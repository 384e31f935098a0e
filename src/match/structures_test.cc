#include <gtest/gtest.h>

#include "match/normalize.h"
#include "match/structures_internal.h"

namespace ncert::match::internal {
namespace {

std::vector<uint32_t> Targets(std::span<const Posting> p) {
  std::vector<uint32_t> out;
  for (const auto& x : p) out.push_back(x.target);
  return out;
}

TEST(ValueTableTest, FindsEveryKeyAndMergesDuplicates) {
  ValueTable::Builder b;
  for (uint32_t i = 0; i < 5000; ++i) b.Add("key" + std::to_string(i), {i, 1});
  b.Add("key7", {9999, 2});
  b.Add("key7", {9999, 4});
  ValueTable t = b.Build();
  EXPECT_EQ(t.keys(), 5000u);
  for (uint32_t i = 0; i < 5000; ++i) {
    auto p = t.Find("key" + std::to_string(i));
    ASSERT_FALSE(p.empty()) << i;
    EXPECT_EQ(p[0].target, i);
  }
  auto seven = t.Find("key7");
  ASSERT_EQ(seven.size(), 2u);
  EXPECT_EQ(seven[1].fields, 6u);
  EXPECT_TRUE(t.Find("key5000").empty());
  EXPECT_TRUE(t.Find("").empty());
  EXPECT_TRUE(ValueTable().Find("x").empty());
}

void AddPrefix(CidrTrie* t, std::string_view text, uint32_t target) {
  auto p = ParseIpPrefix(text);
  ASSERT_TRUE(p) << text;
  t->Add(p->addr.bytes.data(), p->prefix, {target, 1});
}

std::vector<std::pair<int, uint32_t>> All(const CidrTrie& t,
                                          std::string_view ip) {
  auto a = ParseIp(ip);
  std::vector<std::pair<int, uint32_t>> out;
  t.ForEachMatch(a->bytes.data(), [&](int prefix, std::span<const Posting> p) {
    for (uint32_t x : Targets(p)) out.emplace_back(prefix, x);
  });
  return out;
}

TEST(CidrTrieTest, Ipv4Boundaries) {
  CidrTrie t(32);
  AddPrefix(&t, "0.0.0.0/0", 0);
  AddPrefix(&t, "198.51.100.0/24", 1);
  AddPrefix(&t, "198.51.100.128/25", 2);
  AddPrefix(&t, "198.51.100.7/32", 3);
  t.Finish();
  using V = std::vector<std::pair<int, uint32_t>>;
  EXPECT_EQ(All(t, "198.51.100.7"), (V{{0, 0}, {24, 1}, {32, 3}}));
  EXPECT_EQ(All(t, "198.51.100.255"), (V{{0, 0}, {24, 1}, {25, 2}}));
  EXPECT_EQ(All(t, "198.51.100.127"), (V{{0, 0}, {24, 1}}));
  EXPECT_EQ(All(t, "198.51.101.0"), (V{{0, 0}}));
  EXPECT_EQ(t.LongestMatch(ParseIp("198.51.100.200")->bytes.data()), 25);
  EXPECT_EQ(t.LongestMatch(ParseIp("198.51.99.255")->bytes.data()), 0);
}

TEST(CidrTrieTest, Ipv6Boundaries) {
  CidrTrie t(128);
  AddPrefix(&t, "2001:db8::/32", 1);
  AddPrefix(&t, "2001:db8::1/128", 2);
  t.Finish();
  using V = std::vector<std::pair<int, uint32_t>>;
  EXPECT_EQ(All(t, "2001:db8::1"), (V{{32, 1}, {128, 2}}));
  EXPECT_EQ(All(t, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), (V{{32, 1}}));
  EXPECT_EQ(All(t, "2001:db9::"), V{});
  EXPECT_EQ(t.LongestMatch(ParseIp("2001:db9::")->bytes.data()), -1);
}

TEST(RegexSetTest, OneDatabaseWithFallback) {
  std::vector<RegexSet::Entry> e(4);
  e[0].expression = "evil[0-9]+\\.php";
  e[0].posting = {0, 1};
  e[1].expression = LikeToRegex("%/wp-login.php");
  e[1].dotall = true;
  e[1].posting = {1, 1};
  e[2].expression = "(a)\\1";  // backreference: not Hyperscan
  e[2].posting = {2, 1};
  e[3].expression = "(unclosed";  // neither
  e[3].posting = {3, 1};
  RegexSet::BuildStats stats;
  RegexSet set = RegexSet::Build(std::move(e), &stats);
  EXPECT_EQ(stats.hyperscan, 2u);
  // RE2 has no backreferences either: both fail, and are counted.
  EXPECT_EQ(stats.rejected, 2u);
  EXPECT_EQ(stats.re2_fallback, 0u);
  hs_scratch_t* scratch = nullptr;
  ASSERT_EQ(hs_alloc_scratch(set.database(), &scratch), HS_SUCCESS);
  std::vector<uint32_t> hits;
  set.Scan("GET /evil42.php", scratch,
           [&](const Posting& p) { hits.push_back(p.target); });
  EXPECT_EQ(hits, std::vector<uint32_t>{0});
  hits.clear();
  set.Scan("http://x/wp-login.php", scratch,
           [&](const Posting& p) { hits.push_back(p.target); });
  EXPECT_EQ(hits, std::vector<uint32_t>{1});
  hits.clear();
  set.Scan("http://x/wp-login.php?x", scratch,
           [&](const Posting& p) { hits.push_back(p.target); });
  EXPECT_TRUE(hits.empty());
  hs_free_scratch(scratch);
}

TEST(RegexSetTest, EveryCompiledExpressionIsCountedOnce) {
  std::vector<RegexSet::Entry> e(1);
  e[0].expression = "ab\\pNd";
  e[0].posting = {5, 1};
  RegexSet::BuildStats stats;
  RegexSet set = RegexSet::Build(std::move(e), &stats);
  EXPECT_EQ(stats.hyperscan + stats.re2_fallback, 1u);
  std::vector<uint32_t> hits;
  hs_scratch_t* scratch = nullptr;
  if (set.database() != nullptr) hs_alloc_scratch(set.database(), &scratch);
  set.Scan("xxab7dxx", scratch,
           [&](const Posting& p) { hits.push_back(p.target); });
  EXPECT_EQ(hits, std::vector<uint32_t>{5});
  if (scratch != nullptr) hs_free_scratch(scratch);
}

}  // namespace
}  // namespace ncert::match::internal
