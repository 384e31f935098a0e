// A Bloom filter over version keys (type_key, uuid): "certainly not stored"
// or "maybe stored". Put asks it before probing the id index, so a new id —
// most of a bulk ingest — costs no B-tree seek (docs/storage.md, "Version
// key"). False positives only cost the probe the filter saved; there are no
// false negatives as long as every stored key was added.
//
// Blocked layout (one 64-byte cache line per key, 8 bits set in it), after
// Putze, Sanders and Singler, "Cache-, Hash- and Space-Efficient Bloom
// Filters" (2007): one cache miss per lookup. At 12 bits per key the false
// positive rate is about 0.5%.
//
// Private to store/.
//
// Thread safety: none; SqliteStore uses it under its mutex.
#ifndef NCERT_STORE_KEY_FILTER_H_
#define NCERT_STORE_KEY_FILTER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ncert::store::internal {

class KeyFilter {
 public:
  // Sized for `expected_keys` at 12 bits each (at least one block, fewer
  // than 2^32 blocks).
  explicit KeyFilter(size_t expected_keys);

  void Add(int64_t type_key, const std::array<uint8_t, 16>& uuid);
  bool MayContain(int64_t type_key, const std::array<uint8_t, 16>& uuid) const;

  size_t keys() const { return keys_; }
  // Keys it was sized for; beyond that the false-positive rate climbs and
  // the owner rebuilds a larger one.
  size_t capacity() const { return capacity_; }

 private:
  struct alignas(64) Block {
    std::array<uint64_t, 8> words{};
  };
  static uint64_t Hash(int64_t type_key, const std::array<uint8_t, 16>& uuid);
  size_t BlockIndex(uint64_t hash) const;

  std::vector<Block> blocks_;
  size_t keys_ = 0;
  size_t capacity_ = 0;
};

}  // namespace ncert::store::internal

#endif  // NCERT_STORE_KEY_FILTER_H_
