// A small HyperLogLog kept inline (no heap block) that starts sparse: the
// first K distinct register updates are a list of (index, rank) pairs, and
// only the K+1-th writes the 2^P dense registers. Its registers, and so its
// Estimate(), are exactly those of a HyperLogLog(P) fed the same hashes
// (HyperLogLog::EstimateRegisters). Clear() is O(1).
//
// For per-source tables that recycle slots at a high rate (the darknet's
// SYN-scanner table): a slot taken over by a source that sends a few packets
// before it is evicted again touches one cache line instead of clearing and
// then updating 2^P scattered registers.
//
// P in [4, 10] (a packed pair is index << 6 | rank, ranks <= 65 - P < 64).
//
// Thread safety: a value; concurrent const use is safe, mutation is not.
#ifndef NCERT_SENSORS_HLL_SMALL_H_
#define NCERT_SENSORS_HLL_SMALL_H_

#include <array>
#include <cstdint>
#include <cstring>

#include "sensors/hll.h"

namespace ncert::sensors {

template <int P, int K>
class SmallHll {
  static_assert(P >= HyperLogLog::kMinPrecision && P <= 10);
  static_assert(K >= 1 && K < 255);

 public:
  static constexpr int kPrecision = P;
  static constexpr size_t kRegisters = size_t{1} << P;

  void Clear() { n_ = 0; }

  void AddHash(uint64_t hash) {
    const uint32_t index = static_cast<uint32_t>(hash >> (64 - P));
    const uint64_t w = hash << P;
    const uint8_t rank = w == 0 ? static_cast<uint8_t>(65 - P)
                                : static_cast<uint8_t>(__builtin_clzll(w) + 1);
    if (n_ == kDense) {
      if (rank > dense_[index]) dense_[index] = rank;
      return;
    }
    for (uint8_t i = 0; i < n_; ++i) {
      if ((sparse_[i] >> 6) == index) {
        if (rank > (sparse_[i] & 0x3f)) sparse_[i] = Pack(index, rank);
        return;
      }
    }
    if (n_ < K) {
      sparse_[n_++] = Pack(index, rank);
      return;
    }
    ToDense();
    dense_[index] = rank;  // its index was in none of the K pairs
  }

  // The registers a HyperLogLog(P) of the same hashes would hold.
  std::array<uint8_t, kRegisters> Registers() const {
    if (n_ == kDense) return dense_;
    std::array<uint8_t, kRegisters> r{};
    for (uint8_t i = 0; i < n_; ++i) r[sparse_[i] >> 6] = sparse_[i] & 0x3f;
    return r;
  }
  double Estimate() const {
    const std::array<uint8_t, kRegisters> r = Registers();
    return HyperLogLog::EstimateRegisters(r.data(), P);
  }
  bool dense() const { return n_ == kDense; }

 private:
  static constexpr uint8_t kDense = 255;
  static uint16_t Pack(uint32_t index, uint8_t rank) {
    return static_cast<uint16_t>((index << 6) | rank);
  }
  void ToDense() {
    std::memset(dense_.data(), 0, kRegisters);
    for (uint8_t i = 0; i < n_; ++i)
      dense_[sparse_[i] >> 6] = sparse_[i] & 0x3f;
    n_ = kDense;
  }

  uint8_t n_ = 0;  // pairs in sparse_, or kDense
  std::array<uint16_t, K> sparse_{};
  std::array<uint8_t, kRegisters> dense_{};  // valid only when dense
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_HLL_SMALL_H_
