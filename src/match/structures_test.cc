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
  ASSERT_EQ(set.database_count(), 1u);
  ASSERT_EQ(hs_alloc_scratch(set.database(0), &scratch), HS_SUCCESS);
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
  for (size_t i = 0; i < set.database_count(); ++i) {
    hs_alloc_scratch(set.database(i), &scratch);
  }
  set.Scan("xxab7dxx", scratch,
           [&](const Posting& p) { hits.push_back(p.target); });
  EXPECT_EQ(hits, std::vector<uint32_t>{5});
  if (scratch != nullptr) hs_free_scratch(scratch);
}

// More expressions than one database holds, over two field masks, with
// rejected ones among them: each is compiled once, into a database of its
// own mask, and found by a scan of its field only.
TEST(RegexSetTest, ManyExpressionsAreSplitByFieldAndChunk) {
  std::vector<RegexSet::Entry> e;
  const uint32_t n = 3 * RegexSet::kChunk + 7;
  for (uint32_t i = 0; i < n; ++i) {
    RegexSet::Entry x;
    x.expression = "/k" + std::to_string(i) + "/[a-z]{3,8}/gate\\.php";
    if (i % 97 == 5) x.expression = "(a)\\1(";  // neither engine
    x.posting = {i, i % 2 == 0 ? 1u : 2u};
    e.push_back(std::move(x));
  }
  RegexSet::BuildStats stats;
  RegexSet set = RegexSet::Build(std::move(e), &stats);
  size_t bad = 0;
  for (uint32_t i = 0; i < n; ++i) bad += i % 97 == 5;
  EXPECT_EQ(stats.hyperscan, n - bad);
  EXPECT_EQ(stats.rejected, bad);
  EXPECT_GE(set.database_count(), 4u);
  hs_scratch_t* scratch = nullptr;
  for (size_t i = 0; i < set.database_count(); ++i) {
    ASSERT_EQ(hs_alloc_scratch(set.database(i), &scratch), HS_SUCCESS);
  }
  for (uint32_t i : {0u, 1u, 200u, 301u, n - 1}) {
    std::string data = "http://x/k" + std::to_string(i) + "/abc/gate.php";
    std::vector<uint32_t> hits;
    uint32_t mask = i % 2 == 0 ? 1u : 2u;
    set.Scan(data, mask, scratch,
             [&](const Posting& p) { hits.push_back(p.target); });
    EXPECT_EQ(hits, std::vector<uint32_t>{i}) << data;
    hits.clear();
    set.Scan(data, 3u - mask, scratch,
             [&](const Posting& p) { hits.push_back(p.target); });
    EXPECT_TRUE(hits.empty()) << data;
  }
  hs_free_scratch(scratch);
}

}  // namespace
}  // namespace ncert::match::internal
