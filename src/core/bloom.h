// A blocked Bloom filter over 64-bit hashes: "certainly absent" or "maybe
// present", one cache line per lookup. Used in front of lookups that mostly
// miss: the store's id index during bulk ingest (store/key_filter.h) and the
// matching engine's value table, where most telemetry values match nothing
// (docs/matching.md).
//
// Layout after Putze, Sanders and Singler, "Cache-, Hash- and
// Space-Efficient Bloom Filters" (2007): the key's block (64 bytes) comes
// from the high half of the hash by Lemire's multiply-shift reduction, and
// eight 6-bit fields of a second mix set one bit in each of the block's eight
// words. At 12 bits per key about 0.5% of absent keys answer "maybe"; there
// are no false negatives. Callers pass a well-mixed hash (the filter mixes
// once more, so a weak one still spreads over blocks).
//
// Thread safety: MayContain may run on many threads at once; Add needs
// exclusive access.
#ifndef NCERT_CORE_BLOOM_H_
#define NCERT_CORE_BLOOM_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ncert {

class BlockedBloom {
 public:
  // Sized for `expected_keys` at `bits_per_key` (at least one block, fewer
  // than 2^32 blocks).
  explicit BlockedBloom(size_t expected_keys, size_t bits_per_key = 12);

  void Add(uint64_t hash) {
    Block& b = blocks_[BlockIndex(hash)];
    uint64_t bits = Mix(hash);
    for (int i = 0; i < 8; ++i, bits >>= 6) {
      b.words[i] |= uint64_t{1} << (bits & 63);
    }
    ++keys_;
  }
  bool MayContain(uint64_t hash) const {
    const Block& b = blocks_[BlockIndex(hash)];
    uint64_t bits = Mix(hash);
    uint64_t missing = 0;
    for (int i = 0; i < 8; ++i, bits >>= 6) {
      missing |= ~b.words[i] & (uint64_t{1} << (bits & 63));
    }
    return missing == 0;
  }

  // Brings the key's block towards the cache: a caller with several keys
  // to test prefetches them all first, so their misses overlap.
  void Prefetch(uint64_t hash) const {
    __builtin_prefetch(&blocks_[BlockIndex(hash)]);
  }

  size_t keys() const { return keys_; }
  // Keys it was sized for; beyond that the false-positive rate climbs and
  // the owner rebuilds a larger one.
  size_t capacity() const { return capacity_; }
  size_t bytes() const { return blocks_.size() * sizeof(Block); }

  // splitmix64's finaliser: a bijective mix, so distinct inputs stay
  // distinct. Also for callers building a hash from several words.
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
  }

 private:
  struct alignas(64) Block {
    std::array<uint64_t, 8> words{};
  };
  size_t BlockIndex(uint64_t h) const {
    // Fits in 64 bits: both factors are below 2^32.
    return static_cast<size_t>(((h >> 32) * blocks_.size()) >> 32);
  }

  std::vector<Block> blocks_;
  size_t keys_ = 0;
  size_t capacity_ = 0;
};

}  // namespace ncert

#endif  // NCERT_CORE_BLOOM_H_
