#include "sensors/doorkeeper.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "sensors/sketch_hash.h"
#include "sensors/topk.h"

namespace ncert::sensors {
namespace {

TopKey KeyOf(uint64_t x) {
  TopKey k{};
  std::memcpy(k.data(), &x, sizeof x);
  return k;
}
uint64_t HashOf(uint64_t x) {
  TopKey k = KeyOf(x);
  return SketchHash(k.data(), k.size());
}

TEST(Doorkeeper, CreateChecksTheSize) {
  EXPECT_FALSE(Doorkeeper::Create(Doorkeeper::kMinLog2 - 1).ok());
  EXPECT_FALSE(Doorkeeper::Create(Doorkeeper::kMaxLog2 + 1).ok());
  auto d = Doorkeeper::Create(19);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->bytes(), size_t{1} << 19);                    // 8-bit counters
  EXPECT_EQ(Doorkeeper(Doorkeeper::kMinLog2).bytes(), 64u);  // one block
}

TEST(Doorkeeper, ExactWithoutCollisions) {
  // Three keys in 2^20 counters: these three hashes share no counter (the
  // exact answers below show it), so the estimate is the count, up to the
  // saturation at 255.
  Doorkeeper d(20);
  for (int i = 1; i <= 300; ++i) {
    uint64_t e = d.AddAndEstimate(HashOf(7));
    EXPECT_EQ(e,
              i < 255 ? uint64_t(i) : (i == 255 ? 255 : Doorkeeper::kUnbounded))
        << i;
  }
  EXPECT_EQ(d.Estimate(HashOf(7)), Doorkeeper::kUnbounded);
  EXPECT_EQ(d.AddAndEstimate(HashOf(8)), 1u);
  EXPECT_EQ(d.AddAndEstimate(HashOf(8)), 2u);
  EXPECT_EQ(d.Estimate(HashOf(8)), 2u);
  EXPECT_EQ(d.Estimate(HashOf(9)), 0u);
}

TEST(Doorkeeper, NeverBelowTheTrueCount) {
  // One block (64 counters) for 3,000 keys: every counter is shared and many
  // saturate. The estimate must still bound every key's count, always.
  Doorkeeper d(Doorkeeper::kMinLog2);
  std::map<uint64_t, uint64_t> truth;
  std::mt19937_64 rng(5);
  size_t unbounded = 0;
  for (int i = 0; i < 100000; ++i) {
    // Skewed: a few keys get most of the stream.
    uint64_t x = rng() % 4 == 0 ? rng() % 8 : rng() % 3000;
    uint64_t h = HashOf(x);
    uint64_t e = d.AddAndEstimate(h);
    ++truth[x];
    ASSERT_GE(e, truth[x]) << x;
    unbounded += e == Doorkeeper::kUnbounded;
    // Estimate() agrees, except that it reads 255 as possibly clipped.
    ASSERT_TRUE(d.Estimate(h) == e || d.Estimate(h) == Doorkeeper::kUnbounded);
  }
  EXPECT_GT(unbounded, 0u);  // the saturating path was taken
  for (auto [x, n] : truth) ASSERT_GE(d.Estimate(HashOf(x)), n) << x;
}

// The known answer of the brief: a source with more than N/k of the N
// packets ends in a table of k counters behind the doorkeeper, whatever the
// doorkeeper's size (a tiny one saturates, a large one refuses most of the
// one-packet tail), with count >= its packets >= count - error.
TEST(Doorkeeper, SourceAboveNOverKAlwaysEndsInTheTable) {
  const size_t kCapacity = 64;
  for (int log2 : {Doorkeeper::kMinLog2, 10, 19}) {
    for (int where : {0, 1, 2}) {  // heavy packets spread, early, late
      SCOPED_TRACE(testing::Message() << "log2 " << log2 << " where " << where);
      SpaceSaving ss(kCapacity);
      Doorkeeper d(log2);
      std::mt19937_64 rng(static_cast<uint64_t>(log2 * 3 + where));
      // A tail of one- and two-packet sources, 40,000 packets.
      std::vector<uint64_t> stream;
      for (int i = 0; i < 40000; ++i) {
        stream.push_back((uint64_t{1} << 40) + rng() % 30000);
      }
      // The heavy source: N/k + 1 packets, N the length with them.
      const uint64_t kHeavy = 99;
      uint64_t n_heavy = 0;
      while (n_heavy * kCapacity <= stream.size() + n_heavy) ++n_heavy;
      std::vector<uint64_t> full;
      const size_t len = stream.size() + n_heavy;
      for (size_t i = 0, t = 0, h = 0; i < len; ++i) {
        bool take_heavy = where == 0   ? h < n_heavy && i * n_heavy >= h * len
                          : where == 1 ? h < n_heavy
                                       : i >= len - n_heavy;
        if (take_heavy) {
          full.push_back(kHeavy);
          ++h;
        } else {
          full.push_back(stream[t++]);
        }
      }
      ASSERT_EQ(full.size(), len);
      size_t refused = 0;
      for (uint64_t x : full) {
        uint64_t h = HashOf(x);
        if (ss.OfferFiltered(KeyOf(x), h, d.AddAndEstimate(h)).slot ==
            SpaceSaving::kNotAdmitted) {
          ++refused;
        }
      }
      EXPECT_GT(n_heavy * kCapacity, len);  // above N/k
      const TopKEntry* e = ss.Find(KeyOf(kHeavy));
      ASSERT_NE(e, nullptr);
      EXPECT_GE(e->count, n_heavy);
      EXPECT_LE(e->count - e->error, n_heavy);
      EXPECT_EQ(ss.total(), len);
      if (log2 == 19) {
        EXPECT_GT(refused, len / 2);  // the filter works
      }
    }
  }
}

}  // namespace
}  // namespace ncert::sensors
