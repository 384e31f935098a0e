// A Bloom filter over version keys (type_key, uuid): "certainly not stored"
// or "maybe stored". Put asks it before probing the id index, so a new id —
// most of a bulk ingest — costs no B-tree seek (docs/storage.md, "Version
// key"). False positives only cost the probe the filter saved; there are no
// false negatives as long as every stored key was added.
//
// A core/bloom.h BlockedBloom (one cache miss per lookup; about 0.5% false
// positives at 12 bits per key) keyed by a mix of the type and the uuid.
//
// Private to store/.
//
// Thread safety: none; SqliteStore uses it under its mutex.
#ifndef NCERT_STORE_KEY_FILTER_H_
#define NCERT_STORE_KEY_FILTER_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/bloom.h"

namespace ncert::store::internal {

class KeyFilter {
 public:
  // Sized for `expected_keys` at 12 bits each (at least one block, fewer
  // than 2^32 blocks).
  explicit KeyFilter(size_t expected_keys) : bloom_(expected_keys) {}

  void Add(int64_t type_key, const std::array<uint8_t, 16>& uuid) {
    bloom_.Add(Hash(type_key, uuid));
  }
  bool MayContain(int64_t type_key, const std::array<uint8_t, 16>& uuid) const {
    return bloom_.MayContain(Hash(type_key, uuid));
  }

  size_t keys() const { return bloom_.keys(); }
  // Keys it was sized for; beyond that the false-positive rate climbs and
  // the owner rebuilds a larger one.
  size_t capacity() const { return bloom_.capacity(); }

 private:
  static uint64_t Hash(int64_t type_key, const std::array<uint8_t, 16>& uuid);

  BlockedBloom bloom_;
};

}  // namespace ncert::store::internal

#endif  // NCERT_STORE_KEY_FILTER_H_
