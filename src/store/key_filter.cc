#include "store/key_filter.h"

#include <cstring>

namespace ncert::store::internal {

uint64_t KeyFilter::Hash(int64_t type_key,
                         const std::array<uint8_t, 16>& uuid) {
  // UUIDs are mostly random, but ids come from outside: mix, so crafted ones
  // cannot pile onto one block.
  uint64_t hi, lo;
  std::memcpy(&hi, uuid.data(), 8);
  std::memcpy(&lo, uuid.data() + 8, 8);
  return BlockedBloom::Mix(
      BlockedBloom::Mix(hi ^ static_cast<uint64_t>(type_key) *
                                 0x9e3779b97f4a7c15ull) ^
      lo);
}

}  // namespace ncert::store::internal
