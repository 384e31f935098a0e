// The one hash of the sketches: XXH3-64 (libxxhash), fast and well
// distributed on short keys (addresses, ports), so HyperLogLog, count-min and
// space-saving can all be fed the same 64-bit value computed once per item.
//
// XXH3 is compiled inline here (XXH_INLINE_ALL, the way xxhash.h documents
// for short keys): a 16-byte key hashes in a few nanoseconds without the
// call into libxxhash, which matters at millions of packets per second.
//
// Thread safety: pure functions.
#ifndef NCERT_SENSORS_SKETCH_HASH_H_
#define NCERT_SENSORS_SKETCH_HASH_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ncert::sensors {

// XXH3-64 of `size` bytes with `seed`.
inline uint64_t SketchHash(const void* data, size_t size, uint64_t seed = 0) {
  return XXH3_64bits_withSeed(data, size, seed);
}
inline uint64_t SketchHash(std::string_view s, uint64_t seed = 0) {
  return SketchHash(s.data(), s.size(), seed);
}

// A second, independent-looking 64-bit value derived from a hash (the
// murmur3 finaliser applied to h ^ a constant): count-min's double hashing.
inline uint64_t SketchRehash(uint64_t h) {
  h ^= 0x9e3779b97f4a7c15ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_SKETCH_HASH_H_
