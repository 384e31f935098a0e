// The darknet's source doorkeeper (docs/sensors.md, "Source doorkeeper"): a
// conservative count-min sketch (Cormode & Muthukrishnan 2005; conservative
// update, Estan & Varghese 2002) of small saturating counters, laid out for
// one cache miss per item, whose estimate feeds SpaceSaving::OfferFiltered
// (topk.h) as the upper bound u(x).
//
// 2^log2_counters 8-bit counters in 64-byte blocks of 64. An item's hash
// picks one block (its low bits) and, in each half of the block, one counter
// (bits 40..49): a count-min of two rows whose columns for one item share a
// cache line (a "blocked" count-min, as TinyLFU's frequency sketch is laid
// out in Caffeine; Einziger, Friedman, Manes, "TinyLFU: A Highly Efficient
// Cache Admission Policy", ACM ToS 2017). Which counters items share only
// changes how far the estimate overshoots; that it never undershoots holds
// for any layout. The counters are small because the doorkeeper only has to
// tell few-packet sources apart from the tables' smallest counter.
//
// Estimate guarantee, exact: AddAndEstimate(h) returns a value >= the number
// of AddAndEstimate calls with hash h so far (this one included), or
// kUnbounded. A counter below 255 holds exactly its conservative-update
// value; one at 255 may have been clipped, so once both of an item's counters
// are there its estimate is kUnbounded ("no bound known": the table admits
// it as plain space-saving would) and its counters stay as they are. Nothing
// is aged or halved: halving (TinyLFU's reset) would let the estimate fall
// below the true count and break space-saving's guarantees.
//
// Thread safety: a value; concurrent const use is safe, mutation is not.
#ifndef NCERT_SENSORS_DOORKEEPER_H_
#define NCERT_SENSORS_DOORKEEPER_H_

#include <cstdint>
#include <memory>

#include "core/status.h"

namespace ncert::sensors {

class Doorkeeper {
 public:
  static constexpr int kMinLog2 = 6;   // one block
  static constexpr int kMaxLog2 = 30;  // 1 GiB
  static constexpr int kRows = 2;      // counters per item, one per half
  static constexpr uint64_t kUnbounded = UINT64_MAX;
  using Counter = uint8_t;
  static constexpr Counter kSaturated = UINT8_MAX;
  static constexpr int kPerBlock = 64;
  static constexpr int kPerBlockLog2 = 6;

  // 2^log2_counters counters in [kMinLog2, kMaxLog2] (asserted); Create()
  // checks instead.
  explicit Doorkeeper(int log2_counters);
  static Result<Doorkeeper> Create(int log2_counters);

  // Counts one occurrence of the item with this hash (conservative update)
  // and returns its estimate including it: >= its true count, or
  // kUnbounded.
  uint64_t AddAndEstimate(uint64_t hash);
  // The estimate without counting (>= the true count, or kUnbounded).
  uint64_t Estimate(uint64_t hash) const;
  // Asks the CPU to fetch the item's block (a hint, no effect on state).
  void Prefetch(uint64_t hash) const {
    __builtin_prefetch(&blocks_[hash & block_mask_]);
  }

  size_t bytes() const { return (block_mask_ + 1) * sizeof(Block); }

 private:
  struct alignas(64) Block {
    Counter c[kPerBlock];
  };
  static constexpr int kPerRow = kPerBlock / kRows;
  // Item `hash`'s counter in row r of its block.
  static int Column(uint64_t hash, int r) {
    return r * kPerRow +
           static_cast<int>((hash >> (40 + 5 * r)) & (kPerRow - 1));
  }
  struct Free {
    void operator()(Block* b) const;
  };

  uint64_t block_mask_;
  // Zeroed; 2 MiB-aligned from 2 MiB up, with madvise(MADV_HUGEPAGE): one
  // TLB entry per 2 MiB instead of 512 (the lookups are random).
  std::unique_ptr<Block[], Free> blocks_;
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_DOORKEEPER_H_
