#include "core/bloom.h"

#include <cassert>

namespace ncert {

namespace {
constexpr size_t kBitsPerBlock = 512;
}  // namespace

BlockedBloom::BlockedBloom(size_t expected_keys, size_t bits_per_key) {
  assert(bits_per_key > 0);
  size_t blocks =
      (expected_keys * bits_per_key + kBitsPerBlock - 1) / kBitsPerBlock;
  if (blocks == 0) blocks = 1;
  assert(blocks < (size_t{1} << 32));
  blocks_.resize(blocks);
  capacity_ = blocks * kBitsPerBlock / bits_per_key;
}

}  // namespace ncert
