#include "store/key_filter.h"

#include <gtest/gtest.h>

#include <random>

namespace ncert::store::internal {
namespace {

std::array<uint8_t, 16> RandomUuid(std::mt19937_64& rng) {
  std::array<uint8_t, 16> u;
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 8; ++i) {
    u[i] = static_cast<uint8_t>(a >> (8 * i));
    u[8 + i] = static_cast<uint8_t>(b >> (8 * i));
  }
  return u;
}

TEST(KeyFilterTest, EveryAddedKeyIsFoundAndFewOthersAre) {
  constexpr size_t kKeys = 100000;
  KeyFilter filter(kKeys);
  EXPECT_GE(filter.capacity(), kKeys);
  std::mt19937_64 rng(7);
  std::vector<std::array<uint8_t, 16>> added;
  for (size_t i = 0; i < kKeys; ++i) {
    added.push_back(RandomUuid(rng));
    filter.Add(1 + static_cast<int64_t>(i % 3), added.back());
  }
  EXPECT_EQ(filter.keys(), kKeys);
  for (size_t i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(filter.MayContain(1 + static_cast<int64_t>(i % 3), added[i]));
  }
  // Blocked Bloom filter, 12 bits and 8 probes per key: about 0.5% false
  // positives in theory; allow 1.5% so the test is not flaky across seeds.
  size_t false_positives = 0;
  for (size_t i = 0; i < kKeys; ++i) {
    false_positives += filter.MayContain(1, RandomUuid(rng)) ? 1 : 0;
  }
  EXPECT_LT(false_positives, kKeys * 15 / 1000) << false_positives;
}

TEST(KeyFilterTest, TypeIsPartOfTheKey) {
  KeyFilter filter(1000);
  std::mt19937_64 rng(11);
  std::vector<std::array<uint8_t, 16>> uuids;
  for (int i = 0; i < 1000; ++i) {
    uuids.push_back(RandomUuid(rng));
    filter.Add(5, uuids.back());
  }
  size_t other_type_hits = 0;
  for (const auto& u : uuids) other_type_hits += filter.MayContain(6, u);
  EXPECT_LT(other_type_hits, 20u);
}

TEST(KeyFilterTest, CraftedUuidsSpreadOverBlocks) {
  // UUIDs differing only in their last byte (an attacker's sequence) must not
  // all land in one block, which would make every lookup a false positive.
  KeyFilter filter(10000);
  std::array<uint8_t, 16> u{};
  for (int i = 0; i < 10000; ++i) {
    u[14] = static_cast<uint8_t>(i >> 8);
    u[15] = static_cast<uint8_t>(i);
    filter.Add(1, u);
  }
  size_t false_positives = 0;
  for (int i = 10000; i < 20000; ++i) {
    u[13] = static_cast<uint8_t>(i >> 16);
    u[14] = static_cast<uint8_t>(i >> 8);
    u[15] = static_cast<uint8_t>(i);
    false_positives += filter.MayContain(1, u);
  }
  EXPECT_LT(false_positives, 150u);
}

TEST(KeyFilterTest, TinyFilterStillWorks) {
  KeyFilter filter(0);
  EXPECT_GE(filter.capacity(), 1u);
  std::array<uint8_t, 16> u{};
  u[0] = 1;
  EXPECT_FALSE(filter.MayContain(1, u));
  filter.Add(1, u);
  EXPECT_TRUE(filter.MayContain(1, u));
}

}  // namespace
}  // namespace ncert::store::internal
