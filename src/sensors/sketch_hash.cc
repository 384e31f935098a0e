#include "sensors/sketch_hash.h"

#include <xxhash.h>

namespace ncert::sensors {

uint64_t SketchHash(const void* data, size_t size, uint64_t seed) {
  return XXH3_64bits_withSeed(data, size, seed);
}

}  // namespace ncert::sensors
