#include "core/bloom.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace ncert {
namespace {

TEST(BlockedBloomTest, NoFalseNegativesAndFewFalsePositives) {
  constexpr size_t kKeys = 200000;
  BlockedBloom bloom(kKeys);
  EXPECT_GE(bloom.capacity(), kKeys);
  EXPECT_EQ(bloom.bytes() % 64, 0u);
  std::mt19937_64 rng(3);
  std::vector<uint64_t> added;
  for (size_t i = 0; i < kKeys; ++i) {
    added.push_back(rng());
    bloom.Add(added.back());
  }
  EXPECT_EQ(bloom.keys(), kKeys);
  for (uint64_t h : added) ASSERT_TRUE(bloom.MayContain(h));
  // 12 bits and 8 probes per key: about 0.5% in theory; 1.5% allows seeds.
  size_t false_positives = 0;
  for (size_t i = 0; i < kKeys; ++i) false_positives += bloom.MayContain(rng());
  EXPECT_LT(false_positives, kKeys * 15 / 1000) << false_positives;
}

TEST(BlockedBloomTest, FewerBitsPerKeyMeansMoreFalsePositives) {
  constexpr size_t kKeys = 50000;
  BlockedBloom dense(kKeys, 4), sparse(kKeys, 16);
  EXPECT_LT(dense.bytes(), sparse.bytes());
  std::mt19937_64 rng(5);
  for (size_t i = 0; i < kKeys; ++i) {
    uint64_t h = rng();
    dense.Add(h);
    sparse.Add(h);
  }
  size_t fp_dense = 0, fp_sparse = 0;
  for (size_t i = 0; i < kKeys; ++i) {
    uint64_t h = rng();
    fp_dense += dense.MayContain(h);
    fp_sparse += sparse.MayContain(h);
  }
  EXPECT_GT(fp_dense, fp_sparse);
  EXPECT_LT(fp_sparse, kKeys / 100);
}

TEST(BlockedBloomTest, SequentialHashesSpreadOverBlocks) {
  // Weak hashes (consecutive integers) must not pile onto one block: the
  // filter mixes before choosing bits, and the block comes from the high
  // half, so callers must mix; Mix does.
  BlockedBloom bloom(10000);
  for (uint64_t i = 0; i < 10000; ++i) bloom.Add(BlockedBloom::Mix(i));
  size_t false_positives = 0;
  for (uint64_t i = 10000; i < 20000; ++i) {
    false_positives += bloom.MayContain(BlockedBloom::Mix(i));
  }
  EXPECT_LT(false_positives, 150u);
}

TEST(BlockedBloomTest, EmptyAndTinyFilters) {
  BlockedBloom empty(0);
  EXPECT_GE(empty.capacity(), 1u);
  EXPECT_FALSE(empty.MayContain(42));
  empty.Add(42);
  EXPECT_TRUE(empty.MayContain(42));
}

}  // namespace
}  // namespace ncert
