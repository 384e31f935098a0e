// HyperLogLog distinct counter (Flajolet, Fusy, Gandouet, Meunier 2007) with
// the improved estimator of Ertl, "New cardinality estimation algorithms for
// HyperLogLog sketches" (arXiv:1702.01284, 2017, Algorithm 6): one formula
// over the register histogram that is unbiased from 0 to 2^64 elements, so
// neither HLL++'s empirical bias tables nor its switch to linear counting
// (Heule, Nunkesser, Hall 2013) is needed: for small cardinalities the
// sigma() term is linear counting's information, used exactly.
//
// m = 2^p registers (p = 4..18), 64-bit hashes (SketchHash), registers hold
// the rank 1..65-p. Relative standard error ≈ 1.04/√m: p = 14 (the default,
// 16 KiB in memory) gives 0.81 %, p = 12 gives 1.63 %. Registers are kept
// dense (one byte each); the serialised form is 6-bit packed, or a sparse
// list of (index, rank) pairs when that is smaller (few distinct items).
//
// Mergeable: Merge() of two sketches of the same p is the sketch of the
// union of their streams (register-wise maximum), so sensors and time
// buckets combine exactly.
//
// Thread safety: a value; concurrent const use is safe, mutation is not.
#ifndef NCERT_SENSORS_HLL_H_
#define NCERT_SENSORS_HLL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ncert::sensors {

class HyperLogLog {
 public:
  static constexpr int kMinPrecision = 4;
  static constexpr int kMaxPrecision = 18;
  static constexpr int kDefaultPrecision = 14;

  // p outside [4, 18] is a programmer error (asserted); use Create() for
  // values from outside.
  explicit HyperLogLog(int precision = kDefaultPrecision);
  static Result<HyperLogLog> Create(int precision);

  // Adds an item by its 64-bit hash (SketchHash of the item's bytes).
  void AddHash(uint64_t hash) {
    uint32_t index = static_cast<uint32_t>(hash >> (64 - precision_));
    uint64_t w = hash << precision_;
    uint8_t rank = w == 0 ? static_cast<uint8_t>(65 - precision_)
                          : static_cast<uint8_t>(__builtin_clzll(w) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }
  void Add(std::string_view item);
  // Asks the CPU to fetch the register AddHash(hash) will touch (a hint, no
  // effect on state).
  void Prefetch(uint64_t hash) const {
    __builtin_prefetch(&registers_[hash >> (64 - precision_)], 1);
  }

  // The estimated number of distinct items added.
  double Estimate() const;
  // The same estimator over 2^precision registers kept elsewhere (SmallHll,
  // hll_small.h): equal registers give an equal estimate.
  static double EstimateRegisters(const uint8_t* registers, int precision);
  // 1.04/√m: the relative standard error of Estimate().
  double RelativeStandardError() const;

  // Union: `other` must have the same precision (else InvalidArgument).
  Status Merge(const HyperLogLog& other);
  void Clear();
  bool empty() const;

  int precision() const { return precision_; }
  size_t num_registers() const { return registers_.size(); }

  // Versioned binary form (sketch_internal.h: magic "NCHL").
  std::string Serialize() const;
  // Rejects a corrupt, truncated or foreign blob with Corruption.
  static Result<HyperLogLog> Deserialize(std::string_view blob);

  friend bool operator==(const HyperLogLog&, const HyperLogLog&) = default;

 private:
  int precision_;
  std::vector<uint8_t> registers_;
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_HLL_H_
