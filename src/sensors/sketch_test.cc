// HyperLogLog, count-min and space-saving: accuracy against exact counts over
// many seeds, merge laws, and the binary format (round trip and rejection of
// every truncation and corruption).

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include "sensors/countmin.h"
#include "sensors/hll.h"
#include "sensors/hll_small.h"
#include "sensors/sketch_hash.h"
#include "sensors/topk.h"

namespace ncert::sensors {
namespace {

uint64_t ItemHash(uint64_t item, uint64_t seed) {
  return SketchHash(&item, sizeof item, seed);
}

// 200 independent runs (hash seeds) of n distinct items: the relative error
// of an unbiased estimator with standard error σ = 1.04/√m exceeds 3σ in
// 0.27 % of runs if it is normal; we require >= 99 % of runs within 3σ (so
// at most 2 of 200 outside), and the mean error within 4 standard errors of
// the mean (σ/√200) of zero.
void CheckAccuracy(int precision, uint64_t n) {
  const int kRuns = 200;
  int within = 0;
  double sum = 0;
  double sigma = 0;
  for (int run = 0; run < kRuns; ++run) {
    HyperLogLog h(precision);
    for (uint64_t i = 0; i < n; ++i) h.AddHash(ItemHash(i, 1000 + run));
    sigma = h.RelativeStandardError();
    double rel =
        (h.Estimate() - static_cast<double>(n)) / static_cast<double>(n);
    sum += rel;
    if (std::abs(rel) <= 3 * sigma) ++within;
  }
  EXPECT_GE(within, 198) << "p=" << precision << " n=" << n;
  EXPECT_LT(std::abs(sum / kRuns), 4 * sigma / std::sqrt(double(kRuns)))
      << "bias at p=" << precision << " n=" << n;
}

TEST(HyperLogLog, WithinThreeSigmaOverSeedsMidRange) {
  CheckAccuracy(12, 20000);
}
TEST(HyperLogLog, WithinThreeSigmaOverSeedsLargeRange) {
  CheckAccuracy(10, 100000);  // n = 100 m: far past linear counting's range
}
TEST(HyperLogLog, WithinThreeSigmaOverSeedsSmallRange) {
  CheckAccuracy(14, 3000);  // n < m/4: where HLL's raw estimate is biased
}

TEST(HyperLogLog, SmallCardinalitiesNearlyExact) {
  HyperLogLog h(14);
  std::set<uint64_t> truth;
  for (uint64_t i = 0; i < 2000; ++i) {
    h.AddHash(ItemHash(i, 7));
    h.AddHash(ItemHash(i, 7));  // duplicates do not count
    truth.insert(i);
    double n = static_cast<double>(truth.size());
    ASSERT_NEAR(h.Estimate(), n, std::max(1.0, 3 * 0.0081 * n)) << i;
  }
  EXPECT_EQ(HyperLogLog(14).Estimate(), 0.0);
}

// SmallHll holds exactly the registers of a HyperLogLog of the same
// precision fed the same hashes: while sparse (repeats and rank increases
// included), across the switch to dense, and after Clear().
template <int P, int K>
void CheckSmallHllMatches(uint64_t seed) {
  SmallHll<P, K> small;
  for (int round = 0; round < 3; ++round) {
    HyperLogLog reference(P);
    std::mt19937_64 rng(seed + round);
    const int n = round == 1 ? K : 20 * K + 500;  // round 1 stays sparse
    for (int i = 0; i < n; ++i) {
      // Repeat earlier items a third of the time (HLL adds are idempotent).
      uint64_t item = (i > 0 && rng() % 3 == 0) ? rng() % i : i;
      uint64_t h = ItemHash(item, seed + round);
      if (i % 7 == 3) h &= ~uint64_t{0} << (64 - P);  // rank 65 - P
      small.AddHash(h);
      reference.AddHash(h);
      if (i % 50 == 0 || i + 1 == n) {
        const auto regs = small.Registers();
        for (size_t r = 0; r < regs.size(); ++r) {
          ASSERT_LE(regs[r], 65 - P);
        }
        ASSERT_EQ(small.Estimate(), reference.Estimate())
            << "P=" << P << " K=" << K << " round " << round << " i=" << i;
      }
    }
    EXPECT_EQ(small.dense(), round != 1) << "round " << round;
    small.Clear();
    EXPECT_EQ(small.Estimate(), 0.0);
    EXPECT_FALSE(small.dense());
  }
}

TEST(SmallHll, SameRegistersAsHyperLogLogSparseAndDense) {
  CheckSmallHllMatches<6, 6>(1);
  CheckSmallHllMatches<8, 12>(2);
  CheckSmallHllMatches<10, 1>(3);
  CheckSmallHllMatches<4, 10>(4);
}

TEST(SmallHll, RegistersEqualReferenceRegisterByRegister) {
  SmallHll<8, 12> small;
  HyperLogLog reference(8);
  std::vector<uint64_t> hashes;
  for (uint64_t i = 0; i < 11; ++i) hashes.push_back(ItemHash(i, 77));
  for (uint64_t h : hashes) {
    small.AddHash(h);
    reference.AddHash(h);
  }
  EXPECT_FALSE(small.dense());
  // Registers() lays the sparse pairs out densely: each hash's register
  // holds at least its rank, and as many registers are set as distinct
  // indexes were hit.
  const auto regs = small.Registers();
  std::set<uint32_t> indexes;
  for (uint64_t h : hashes) {
    uint32_t index = static_cast<uint32_t>(h >> 56);
    indexes.insert(index);
    uint64_t w = h << 8;
    int rank = w == 0 ? 57 : __builtin_clzll(w) + 1;
    EXPECT_GE(regs[index], rank);
  }
  size_t set = 0;
  for (uint8_t r : regs) set += r != 0;
  EXPECT_EQ(set, indexes.size());
  EXPECT_EQ(small.Estimate(), reference.Estimate());
  EXPECT_NEAR(small.Estimate(), 11.0, 2.0);
}

TEST(HyperLogLog, MergeIsUnion) {
  HyperLogLog a(12), b(12), both(12);
  for (uint64_t i = 0; i < 30000; ++i) {
    uint64_t h = ItemHash(i, 3);
    (i % 3 == 0 ? a : b).AddHash(h);
    if (i % 5 == 0) a.AddHash(h);  // overlap
    both.AddHash(h);
  }
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_EQ(a, both);
  EXPECT_FALSE(a.Merge(HyperLogLog(13)).ok());
  EXPECT_FALSE(HyperLogLog::Create(3).ok());
  EXPECT_FALSE(HyperLogLog::Create(19).ok());
}

TEST(HyperLogLog, SerializeRoundTripDenseAndSparse) {
  for (uint64_t n : {0, 5, 200, 100000}) {
    HyperLogLog h(12);
    for (uint64_t i = 0; i < n; ++i) h.AddHash(ItemHash(i, 11));
    std::string blob = h.Serialize();
    auto back = HyperLogLog::Deserialize(blob);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, h);
    if (n == 100000) {
      EXPECT_EQ(blob.size(), 4 + 1 + 2 + 3072 + 8u);
    }
    if (n == 5) {
      EXPECT_LT(blob.size(), 40u);  // sparse
    }
  }
}

template <typename T>
void ExpectRejectsDamage(const std::string& blob) {
  for (size_t len = 0; len < blob.size(); ++len) {
    EXPECT_FALSE(T::Deserialize(blob.substr(0, len)).ok()) << "prefix " << len;
  }
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    EXPECT_FALSE(T::Deserialize(bad).ok()) << "flip at " << i;
  }
  EXPECT_FALSE(T::Deserialize(blob + "x").ok());
}

TEST(HyperLogLog, RejectsTruncatedAndCorrupt) {
  HyperLogLog h(6);
  for (uint64_t i = 0; i < 1000; ++i) h.AddHash(ItemHash(i, 1));
  ExpectRejectsDamage<HyperLogLog>(h.Serialize());
  HyperLogLog sparse(12);
  sparse.AddHash(ItemHash(1, 1));
  ExpectRejectsDamage<HyperLogLog>(sparse.Serialize());
  EXPECT_FALSE(
      HyperLogLog::Deserialize(CountMinSketch::Create(0.1, 0.1)->Serialize())
          .ok());  // foreign magic
}

// A Zipf(1.1)-like stream over `universe` items.
std::vector<uint64_t> ZipfStream(size_t length, uint64_t universe,
                                 uint32_t seed) {
  std::vector<double> weights(universe);
  for (uint64_t i = 0; i < universe; ++i) {
    weights[i] = 1.0 / std::pow(double(i + 1), 1.1);
  }
  std::discrete_distribution<uint64_t> dist(weights.begin(), weights.end());
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> out(length);
  for (auto& x : out) x = dist(rng);
  return out;
}

TEST(CountMin, NeverUnderestimatesAndWithinEpsilonN) {
  for (bool conservative : {false, true}) {
    auto cms = CountMinSketch::Create(0.002, 0.01, conservative);
    ASSERT_TRUE(cms.ok());
    EXPECT_EQ(cms->width(), 1360u);  // ceil(e / 0.002)
    EXPECT_EQ(cms->depth(), 5u);     // ceil(ln 100)
    std::map<uint64_t, uint64_t> truth;
    for (uint64_t x : ZipfStream(200000, 50000, 5)) {
      cms->AddHash(ItemHash(x, 0));
      ++truth[x];
    }
    const double bound = cms->epsilon() * double(cms->total());
    size_t over = 0;
    for (auto [x, n] : truth) {
      uint64_t est = cms->EstimateHash(ItemHash(x, 0));
      ASSERT_GE(est, n);
      if (double(est - n) > bound) ++over;
    }
    // P(error > εN) <= δ per item: allow δ of the items (and no more).
    EXPECT_LE(double(over), 0.01 * double(truth.size())) << conservative;
  }
}

TEST(CountMin, MergeEqualsOneSketchOfBothStreamsAndRoundTrips) {
  auto a = CountMinSketch::Create(0.01, 0.05);
  auto b = CountMinSketch::Create(0.01, 0.05);
  auto both = CountMinSketch::Create(0.01, 0.05);
  auto stream = ZipfStream(20000, 1000, 9);
  for (size_t i = 0; i < stream.size(); ++i) {
    uint64_t h = ItemHash(stream[i], 0);
    (i % 2 ? *a : *b).AddHash(h, 2);
    both->AddHash(h, 2);
  }
  ASSERT_TRUE(a->Merge(*b).ok());
  EXPECT_EQ(*a, *both);
  auto back = CountMinSketch::Deserialize(a->Serialize());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, *a);
  EXPECT_FALSE(a->Merge(*CountMinSketch::Create(0.1, 0.05)).ok());
  EXPECT_FALSE(CountMinSketch::Create(0, 0.1).ok());
  EXPECT_FALSE(CountMinSketch::Create(1e-9, 1e-9).ok());  // too many counters
}

TEST(CountMin, RejectsTruncatedAndCorrupt) {
  auto s = CountMinSketch::Create(0.2, 0.2);
  for (uint64_t i = 0; i < 100; ++i) s->AddHash(ItemHash(i, 0), i);
  ExpectRejectsDamage<CountMinSketch>(s->Serialize());
}

TopKey KeyOf(uint64_t x) {
  TopKey k{};
  std::memcpy(k.data(), &x, sizeof x);
  return k;
}

TEST(SpaceSaving, RecallsHeavyHittersWithinBounds) {
  const size_t kCapacity = 200;
  SpaceSaving ss(kCapacity);
  std::map<uint64_t, uint64_t> truth;
  auto stream = ZipfStream(300000, 100000, 13);
  for (uint64_t x : stream) {
    ss.Offer(KeyOf(x));
    ++truth[x];
  }
  EXPECT_EQ(ss.total(), stream.size());
  // Bounds on every monitored counter.
  for (const TopKEntry& e : ss.Top(kCapacity)) {
    uint64_t x;
    std::memcpy(&x, e.key.data(), sizeof x);
    EXPECT_LE(e.count - e.error, truth[x]);
    EXPECT_GE(e.count, truth[x]);
  }
  // Everything above N/capacity is monitored.
  for (auto [x, n] : truth) {
    if (n > stream.size() / kCapacity) {
      EXPECT_NE(ss.Find(KeyOf(x)), nullptr);
    }
  }
  // The true top 10 is the reported top 10, and guaranteed.
  std::vector<std::pair<uint64_t, uint64_t>> sorted(truth.begin(), truth.end());
  std::sort(sorted.begin(), sorted.end(),
            [](auto& a, auto& b) { return a.second > b.second; });
  auto top = ss.Top(10);
  std::set<TopKey> reported;
  for (auto& e : top) reported.insert(e.key);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(reported.count(KeyOf(sorted[i].first))) << i;
  }
  EXPECT_GE(ss.Guaranteed(10).size(), 8u);
}

// Filtered space-saving (topk.h): a Zipf stream of heavy items interleaved
// with a darknet-like tail of one- and two-occurrence items, the upper bound
// from a small conservative count-min. The plain space-saving guarantees
// must hold exactly, and most tail occurrences must be refused.
TEST(SpaceSaving, FilteredOfferKeepsEveryGuarantee) {
  const size_t kCapacity = 200;
  SpaceSaving ss(kCapacity);
  auto cms = CountMinSketch::CreateWithSize(1 << 12, 2, true);
  ASSERT_TRUE(cms.ok());
  std::map<uint64_t, uint64_t> truth;
  auto zipf = ZipfStream(200000, 50000, 21);
  std::mt19937_64 rng(22);
  std::vector<uint64_t> stream;
  for (size_t i = 0; i < zipf.size(); ++i) {
    stream.push_back(zipf[i]);
    uint64_t tail = (uint64_t{1} << 40) + rng() % 150000;  // 1-2 each
    stream.push_back(tail);
  }
  size_t refused = 0;
  for (uint64_t x : stream) {
    uint64_t h = ItemHash(x, 0);
    uint64_t bound = cms->AddHashAndEstimate(h);
    ++truth[x];
    ASSERT_GE(bound, truth[x]);  // the count-min bound is an upper bound
    TopKey k = KeyOf(x);
    if (ss.OfferFiltered(k, SketchHash(k.data(), 16), bound).slot ==
        SpaceSaving::kNotAdmitted) {
      ++refused;
    }
  }
  EXPECT_EQ(ss.total(), stream.size());
  EXPECT_EQ(cms->total(), stream.size());
  EXPECT_GT(refused, stream.size() / 3);  // the point of the filter
  for (const TopKEntry& e : ss.Top(kCapacity)) {
    uint64_t x;
    std::memcpy(&x, e.key.data(), sizeof x);
    EXPECT_LE(e.count - e.error, truth[x]);
    EXPECT_GE(e.count, truth[x]);
    EXPECT_LE(e.error, ss.MinCount());
  }
  EXPECT_LE(ss.MinCount(), stream.size() / kCapacity);
  for (auto [x, n] : truth) {
    if (n > ss.MinCount()) {
      EXPECT_NE(ss.Find(KeyOf(x)), nullptr) << x;
    }
  }
  std::vector<std::pair<uint64_t, uint64_t>> sorted(truth.begin(), truth.end());
  std::sort(sorted.begin(), sorted.end(),
            [](auto& a, auto& b) { return a.second > b.second; });
  std::set<TopKey> reported;
  for (auto& e : ss.Top(10)) reported.insert(e.key);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(reported.count(KeyOf(sorted[i].first))) << i;
  }
}

TEST(CountMin, AddHashAndEstimateMatchesAddThenEstimate) {
  // Depth 2 has its own unrolled path (the darknet's doorkeeper).
  for (uint32_t depth : {2u, 3u}) {
    for (bool conservative : {false, true}) {
      auto a = CountMinSketch::CreateWithSize(1 << 10, depth, conservative);
      auto b = CountMinSketch::CreateWithSize(1 << 10, depth, conservative);
      auto odd = CountMinSketch::CreateWithSize(1000, depth, conservative);
      ASSERT_TRUE(a.ok() && b.ok() && odd.ok());
      for (uint64_t x : ZipfStream(20000, 5000, 23)) {
        uint64_t h = ItemHash(x, 0);
        b->AddHash(h);
        EXPECT_EQ(a->AddHashAndEstimate(h), b->EstimateHash(h));
        odd->AddHashAndEstimate(h);
      }
      EXPECT_EQ(*a, *b);
      EXPECT_EQ(odd->total(), 20000u);
    }
  }
  EXPECT_FALSE(CountMinSketch::CreateWithSize(0, 1).ok());
  EXPECT_FALSE(CountMinSketch::CreateWithSize(1 << 20, 1 << 7).ok());
}

TEST(SpaceSaving, MergeKeepsBoundsAndRoundTrips) {
  SpaceSaving a(100), b(100);
  std::map<uint64_t, uint64_t> truth;
  auto s1 = ZipfStream(50000, 20000, 1);
  auto s2 = ZipfStream(50000, 20000, 2);
  for (uint64_t x : s1) {
    a.Offer(KeyOf(x));
    ++truth[x];
  }
  for (uint64_t x : s2) {
    b.Offer(KeyOf(x));
    ++truth[x];
  }
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_EQ(a.total(), 100000u);
  EXPECT_LE(a.size(), 100u);
  for (const TopKEntry& e : a.Top(100)) {
    uint64_t x;
    std::memcpy(&x, e.key.data(), sizeof x);
    EXPECT_LE(e.count - e.error, truth[x]);
    EXPECT_GE(e.count, truth[x]);
  }
  for (auto [x, n] : truth) {
    if (n > a.total() / 100) {
      EXPECT_NE(a.Find(KeyOf(x)), nullptr) << x;
    }
  }
  auto back = SpaceSaving::Deserialize(a.Serialize());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->total(), a.total());
  auto t1 = a.Top(100);
  auto t2 = back->Top(100);
  ASSERT_EQ(t1.size(), t2.size());
  for (size_t i = 0; i < t1.size(); ++i) {
    EXPECT_EQ(t1[i].key, t2[i].key);
    EXPECT_EQ(t1[i].count, t2[i].count);
    EXPECT_EQ(t1[i].error, t2[i].error);
  }
}

// The index keeps 9 bits of each key's hash beside its slot (topk.cc) and
// compares the full hash and key only when they match. Hashes chosen to
// collide (equal tag, few home cells, some wholly equal) must still find
// every key, through evictions and the backward-shift deletes they cause.
TEST(SpaceSaving, CollidingHashesAndTagsStayExact) {
  auto hash_of = [](uint64_t k) {
    return (uint64_t{0x1ab} << 55) | (k % 3) | ((k % 5 == 0) ? 0 : k << 20);
  };
  // No eviction: every count exact.
  SpaceSaving big(64);
  std::map<uint64_t, uint64_t> truth;
  std::mt19937_64 rng(9);
  for (int i = 0; i < 5000; ++i) {
    uint64_t k = rng() % 50;
    ++truth[k];
    auto o = big.OfferHashed(KeyOf(k), hash_of(k));
    ASSERT_EQ(big.entry(o.slot).key, KeyOf(k));
  }
  for (const auto& [k, c] : truth) {
    auto o = big.OfferHashed(KeyOf(k), hash_of(k));
    EXPECT_FALSE(o.fresh);
    EXPECT_EQ(big.entry(o.slot).count, c + 1) << "key " << k;
    EXPECT_EQ(big.entry(o.slot).error, 0u);
  }
  // Evictions: the space-saving bounds hold for every monitored key, and
  // a monitored key is found again, not given a second slot.
  SpaceSaving small(16);
  truth.clear();
  for (int i = 0; i < 20000; ++i) {
    uint64_t k = rng() % 3 == 0 ? rng() % 8 : rng() % 400;
    ++truth[k];
    small.OfferHashed(KeyOf(k), hash_of(k));
  }
  std::set<TopKey> seen;
  for (uint32_t slot = 0; slot < small.size(); ++slot) {
    const TopKEntry& e = small.entry(slot);
    EXPECT_TRUE(seen.insert(e.key).second) << "a key holds two slots";
    uint64_t k = 0;
    std::memcpy(&k, e.key.data(), sizeof k);
    EXPECT_LE(e.count - e.error, truth[k]);
    EXPECT_GE(e.count, truth[k]);
    auto again = small.OfferHashed(e.key, hash_of(k));
    EXPECT_EQ(again.slot, slot);
    EXPECT_FALSE(again.fresh);
  }
}

TEST(SpaceSaving, SlotsAreStableAndFreshOnTakeover) {
  SpaceSaving ss(2);
  auto o1 = ss.Offer(KeyOf(1), uint64_t{5});
  auto o2 = ss.Offer(KeyOf(2), uint64_t{3});
  EXPECT_TRUE(o1.fresh);
  EXPECT_FALSE(ss.Offer(KeyOf(1)).fresh);
  EXPECT_EQ(ss.Offer(KeyOf(1)).slot, o1.slot);
  auto o3 = ss.Offer(KeyOf(3));  // takes over key 2's counter (c_min = 3)
  EXPECT_TRUE(o3.fresh);
  EXPECT_EQ(o3.slot, o2.slot);
  EXPECT_EQ(ss.entry(o3.slot).count, 4u);
  EXPECT_EQ(ss.entry(o3.slot).error, 3u);
  EXPECT_EQ(ss.Find(KeyOf(2)), nullptr);
}

TEST(SpaceSaving, RejectsTruncatedAndCorrupt) {
  SpaceSaving ss(8);
  for (uint64_t x : ZipfStream(500, 50, 4)) ss.Offer(KeyOf(x));
  ExpectRejectsDamage<SpaceSaving>(ss.Serialize());
}

}  // namespace
}  // namespace ncert::sensors
