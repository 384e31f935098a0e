// Count-min sketch (Cormode & Muthukrishnan, "An improved data stream
// summary: the count-min sketch and its applications", J. Algorithms 2005).
//
// d = ceil(ln(1/δ)) rows of w = ceil(e/ε) counters. For a stream of total
// weight N, Estimate(x) is never below x's true count and exceeds it by more
// than εN with probability at most δ. Row i's column is (h1 + i·h2) mod w
// with h1 the item's 64-bit hash and h2 = SketchRehash(h1) | 1 (Kirsch &
// Mitzenmacher 2006 double hashing; the analysis assumes pairwise-independent
// rows, which this approximates). Defaults: ε = 0.001, δ = 0.001 → 2719 × 7
// counters (152 KiB).
//
// Conservative update (Estan & Varghese 2002) is optional: it only raises
// the counters that hold the minimum, which keeps the one-sided guarantee
// and lowers the overestimate. Sketches merge by adding counters (same w, d);
// merging conservative sketches keeps "never underestimates".
//
// Thread safety: a value; concurrent const use is safe, mutation is not.
#ifndef NCERT_SENSORS_COUNTMIN_H_
#define NCERT_SENSORS_COUNTMIN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sensors/sketch_hash.h"

namespace ncert::sensors {

class CountMinSketch {
 public:
  // ε in (0, 1), δ in (0, 1); at most 2^26 counters in all.
  static Result<CountMinSketch> Create(double epsilon, double delta,
                                       bool conservative = false);
  // By size: width >= 1, depth >= 1, width * depth <= 2^26. A power-of-two
  // width takes columns with a mask instead of a division (same columns).
  static Result<CountMinSketch> CreateWithSize(uint32_t width, uint32_t depth,
                                               bool conservative = false);

  void AddHash(uint64_t hash, uint64_t count = 1);
  void Add(std::string_view item, uint64_t count = 1);
  uint64_t EstimateHash(uint64_t hash) const;
  // AddHash(hash, 1) then EstimateHash(hash), visiting the counters once:
  // the item's estimate including this occurrence (never below its true
  // count so far).
  uint64_t AddHashAndEstimate(uint64_t hash);
  // Asks the CPU to fetch the item's counters (a hint, no effect on state):
  // call it some work ahead of AddHashAndEstimate to hide the cache misses.
  void Prefetch(uint64_t hash) const {
    const uint64_t h2 = SketchRehash(hash) | 1;
    uint64_t h = hash;
    for (uint32_t i = 0; i < depth_; ++i, h += h2) {
      __builtin_prefetch(
          &counters_[static_cast<size_t>(i) * width_ + Column(h)]);
    }
  }
  uint64_t Estimate(std::string_view item) const;

  // Adds `other`'s counters; width, depth must match (else InvalidArgument).
  Status Merge(const CountMinSketch& other);

  uint32_t width() const { return width_; }
  uint32_t depth() const { return depth_; }
  double epsilon() const;  // e / w: the guarantee this size gives
  double delta() const;    // e^-d
  uint64_t total() const { return total_; }  // N: the stream's total weight
  bool conservative() const { return conservative_; }

  // Versioned binary form (magic "NCCM"); counters as varints.
  std::string Serialize() const;
  static Result<CountMinSketch> Deserialize(std::string_view blob);

  friend bool operator==(const CountMinSketch&,
                         const CountMinSketch&) = default;

 private:
  CountMinSketch(uint32_t width, uint32_t depth, bool conservative)
      : width_(width),
        depth_(depth),
        conservative_(conservative),
        mask_((width & (width - 1)) == 0 ? width - 1 : 0),
        counters_(static_cast<size_t>(width) * depth, 0) {}
  size_t Column(uint64_t h) const {
    return mask_ != 0 ? h & mask_ : h % width_;
  }
  uint32_t width_;
  uint32_t depth_;
  bool conservative_;
  uint64_t total_ = 0;
  uint64_t mask_;  // width - 1 when width is a power of two (> 1), else 0
  std::vector<uint64_t> counters_;  // row-major, depth_ rows of width_
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_COUNTMIN_H_
