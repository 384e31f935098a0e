// Fuzz target for the sketches' binary format (sensors/sketch_internal.h):
// the input is given to HyperLogLog, CountMinSketch and SpaceSaving
// Deserialize() as it is, and again with a valid checksum appended (so the
// structure behind the checksum is reached: the seeds are checksum-less
// bodies). Invariants: no crash, no unbounded allocation; whatever loads
// serialises to a blob that loads to an equal sketch, and merges with
// itself.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sensors/countmin.h"
#include "sensors/hll.h"
#include "sensors/sketch_hash.h"
#include "sensors/topk.h"

namespace {

using ncert::sensors::CountMinSketch;
using ncert::sensors::HyperLogLog;
using ncert::sensors::SpaceSaving;

void Check(bool ok) {
  if (!ok) std::abort();
}

void Try(std::string_view blob) {
  if (auto h = HyperLogLog::Deserialize(blob); h.ok()) {
    auto again = HyperLogLog::Deserialize(h->Serialize());
    Check(again.ok() && *again == *h);
    double e = h->Estimate();
    Check(e >= 0);
    Check(h->Merge(*again).ok() && *h == *again);
  }
  if (auto c = CountMinSketch::Deserialize(blob); c.ok()) {
    auto again = CountMinSketch::Deserialize(c->Serialize());
    Check(again.ok() && *again == *c);
    (void)c->Estimate("x");
    Check(c->Merge(*again).ok());
  }
  if (auto s = SpaceSaving::Deserialize(blob); s.ok()) {
    auto again = SpaceSaving::Deserialize(s->Serialize());
    Check(again.ok() && again->total() == s->total() &&
          again->size() == s->size());
    for (const auto& e : s->Top(s->size())) {
      Check(e.error <= e.count && e.count <= s->total());
    }
    Check(s->Merge(*again).ok());
    s->Offer(ncert::sensors::TopKey{}, 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string blob(reinterpret_cast<const char*>(data), size);
  Try(blob);
  uint64_t sum = ncert::sensors::SketchHash(blob.data(), blob.size());
  for (int i = 0; i < 8; ++i) blob.push_back(static_cast<char>(sum >> (8 * i)));
  Try(blob);
  return 0;
}
