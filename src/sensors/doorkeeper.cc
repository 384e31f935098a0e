#include "sensors/doorkeeper.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

namespace ncert::sensors {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

void Doorkeeper::Free::operator()(Block* b) const { std::free(b); }

Doorkeeper::Doorkeeper(int log2_counters)
    : block_mask_((uint64_t{1} << (log2_counters - kPerBlockLog2)) - 1) {
  assert(log2_counters >= kMinLog2 && log2_counters <= kMaxLog2);
  const size_t bytes = (block_mask_ + 1) * sizeof(Block);
  const size_t align = bytes >= kHugePage ? kHugePage : sizeof(Block);
  void* p = std::aligned_alloc(align, bytes);  // bytes: a multiple of align
  if (p == nullptr) throw std::bad_alloc();    // as operator new would
  if (align == kHugePage) madvise(p, bytes, MADV_HUGEPAGE);  // a hint
  std::memset(p, 0, bytes);
  blocks_.reset(static_cast<Block*>(p));
}

Result<Doorkeeper> Doorkeeper::Create(int log2_counters) {
  if (log2_counters < kMinLog2 || log2_counters > kMaxLog2) {
    return Status::InvalidArgument(
        fmt::format("doorkeeper: log2 of the counters must be in {}..{}",
                    kMinLog2, kMaxLog2));
  }
  return Doorkeeper(log2_counters);
}

uint64_t Doorkeeper::AddAndEstimate(uint64_t hash) {
  Counter* c = blocks_[hash & block_mask_].c;
  Counter* cell[kRows];
  Counter best = kSaturated;
  for (int r = 0; r < kRows; ++r) {
    cell[r] = &c[Column(hash, r)];
    best = std::min(best, *cell[r]);
  }
  if (best == kSaturated) return kUnbounded;  // every counter may be clipped
  // Conservative update: only counters below the new minimum rise to it.
  const Counter target = static_cast<Counter>(best + 1);
  for (int r = 0; r < kRows; ++r) {
    if (*cell[r] < target) *cell[r] = target;
  }
  return target;
}

uint64_t Doorkeeper::Estimate(uint64_t hash) const {
  const Counter* c = blocks_[hash & block_mask_].c;
  Counter best = kSaturated;
  for (int r = 0; r < kRows; ++r) best = std::min(best, c[Column(hash, r)]);
  return best == kSaturated ? kUnbounded : best;
}

}  // namespace ncert::sensors
