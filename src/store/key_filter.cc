#include "store/key_filter.h"

#include <cstring>

namespace ncert::store::internal {
namespace {

// splitmix64's finaliser: a bijective mix, so distinct inputs stay distinct.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

constexpr size_t kBitsPerKey = 12;
constexpr size_t kBitsPerBlock = 512;

}  // namespace

KeyFilter::KeyFilter(size_t expected_keys) {
  size_t blocks = (expected_keys * kBitsPerKey + kBitsPerBlock - 1) /
                  kBitsPerBlock;
  if (blocks == 0) blocks = 1;
  blocks_.resize(blocks);
  capacity_ = blocks * kBitsPerBlock / kBitsPerKey;
}

uint64_t KeyFilter::Hash(int64_t type_key,
                         const std::array<uint8_t, 16>& uuid) {
  // UUIDs are mostly random, but ids come from outside: mix, so crafted ones
  // cannot pile onto one block.
  uint64_t hi, lo;
  std::memcpy(&hi, uuid.data(), 8);
  std::memcpy(&lo, uuid.data() + 8, 8);
  return Mix(Mix(hi ^ static_cast<uint64_t>(type_key) * 0x9e3779b97f4a7c15ull) ^
             lo);
}

size_t KeyFilter::BlockIndex(uint64_t h) const {
  // Fits in 64 bits: both factors are below 2^32.
  return static_cast<size_t>(((h >> 32) * blocks_.size()) >> 32);
}

// The block comes from the high half of the hash (Lemire's multiply-shift
// range reduction); eight 6-bit fields of a second mix pick one bit in each
// of the block's eight words.
void KeyFilter::Add(int64_t type_key, const std::array<uint8_t, 16>& uuid) {
  const uint64_t h = Hash(type_key, uuid);
  Block& b = blocks_[BlockIndex(h)];
  uint64_t bits = Mix(h);
  for (int i = 0; i < 8; ++i, bits >>= 6) b.words[i] |= uint64_t{1} << (bits & 63);
  ++keys_;
}

bool KeyFilter::MayContain(int64_t type_key,
                           const std::array<uint8_t, 16>& uuid) const {
  const uint64_t h = Hash(type_key, uuid);
  const Block& b = blocks_[BlockIndex(h)];
  uint64_t bits = Mix(h);
  for (int i = 0; i < 8; ++i, bits >>= 6) {
    if ((b.words[i] & (uint64_t{1} << (bits & 63))) == 0) return false;
  }
  return true;
}

}  // namespace ncert::store::internal
