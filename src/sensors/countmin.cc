#include "sensors/countmin.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sensors/sketch_hash.h"
#include "sensors/sketch_internal.h"

namespace ncert::sensors {
namespace {

constexpr std::string_view kMagic = "NCCM";
constexpr uint64_t kMaxCounters = uint64_t{1} << 26;

}  // namespace

Result<CountMinSketch> CountMinSketch::Create(double epsilon, double delta,
                                              bool conservative) {
  if (!(epsilon > 0 && epsilon < 1) || !(delta > 0 && delta < 1)) {
    return Status::InvalidArgument(
        "count-min: epsilon and delta must be in (0, 1)");
  }
  double w = std::ceil(std::numbers::e / epsilon);
  double d = std::ceil(std::log(1.0 / delta));
  if (w * d > static_cast<double>(kMaxCounters)) {
    return Status::InvalidArgument(
        "count-min: epsilon/delta need more than 2^26 counters");
  }
  return CountMinSketch(static_cast<uint32_t>(w),
                        static_cast<uint32_t>(std::max(1.0, d)), conservative);
}

Result<CountMinSketch> CountMinSketch::CreateWithSize(uint32_t width,
                                                      uint32_t depth,
                                                      bool conservative) {
  if (width == 0 || depth == 0 || uint64_t{width} * depth > kMaxCounters) {
    return Status::InvalidArgument(
        "count-min: width and depth must be >= 1, width * depth <= 2^26");
  }
  return CountMinSketch(width, depth, conservative);
}

uint64_t CountMinSketch::AddHashAndEstimate(uint64_t hash) {
  ++total_;
  const uint64_t h2 = SketchRehash(hash) | 1;
  if (depth_ == 2) {  // the darknet's doorkeeper: the same, unrolled
    uint64_t* a = &counters_[Column(hash)];
    uint64_t* b = &counters_[width_ + Column(hash + h2)];
    const uint64_t target = std::min(*a, *b) + 1;
    if (!conservative_) {
      ++*a;
      ++*b;
    } else {
      *a = std::max(*a, target);
      *b = std::max(*b, target);
    }
    return target;
  }
  uint64_t* cell[32];  // depth is at most ceil(ln(1/δ)) rows; see Create
  const uint32_t depth = depth_ < 32 ? depth_ : 32;
  uint64_t best = UINT64_MAX;
  uint64_t h = hash;
  for (uint32_t i = 0; i < depth; ++i, h += h2) {
    cell[i] = &counters_[static_cast<size_t>(i) * width_ + Column(h)];
    best = std::min(best, *cell[i]);
  }
  if (depth < depth_) {  // a hand-made very deep sketch: the slow way
    --total_;
    AddHash(hash);
    return EstimateHash(hash);
  }
  // Plain: every row + 1; conservative: only rows below min + 1. Either
  // way the new minimum is the old one + 1.
  const uint64_t target = best + 1;
  for (uint32_t i = 0; i < depth; ++i) {
    if (!conservative_) {
      ++*cell[i];
    } else if (*cell[i] < target) {
      *cell[i] = target;
    }
  }
  return target;
}

void CountMinSketch::AddHash(uint64_t hash, uint64_t count) {
  total_ += count;
  const uint64_t h2 = SketchRehash(hash) | 1;
  if (!conservative_) {
    uint64_t h = hash;
    for (uint32_t i = 0; i < depth_; ++i, h += h2) {
      counters_[static_cast<size_t>(i) * width_ + Column(h)] += count;
    }
    return;
  }
  // Conservative update: raise each counter only to min + count.
  uint64_t target = EstimateHash(hash) + count;
  uint64_t h = hash;
  for (uint32_t i = 0; i < depth_; ++i, h += h2) {
    uint64_t& c = counters_[static_cast<size_t>(i) * width_ + Column(h)];
    if (c < target) c = target;
  }
}

void CountMinSketch::Add(std::string_view item, uint64_t count) {
  AddHash(SketchHash(item), count);
}

uint64_t CountMinSketch::EstimateHash(uint64_t hash) const {
  const uint64_t h2 = SketchRehash(hash) | 1;
  uint64_t best = UINT64_MAX;
  uint64_t h = hash;
  for (uint32_t i = 0; i < depth_; ++i, h += h2) {
    best =
        std::min(best, counters_[static_cast<size_t>(i) * width_ + Column(h)]);
  }
  return best;
}

uint64_t CountMinSketch::Estimate(std::string_view item) const {
  return EstimateHash(SketchHash(item));
}

Status CountMinSketch::Merge(const CountMinSketch& other) {
  if (other.width_ != width_ || other.depth_ != depth_) {
    return Status::InvalidArgument(
        "cannot merge count-min sketches of different width or depth");
  }
  for (size_t i = 0; i < counters_.size(); ++i) {
    counters_[i] += other.counters_[i];
  }
  total_ += other.total_;
  return Status::Ok();
}

double CountMinSketch::epsilon() const { return std::numbers::e / width_; }
double CountMinSketch::delta() const { return std::exp(-double(depth_)); }

// Body: width u32, depth u32, conservative u8, total u64, then width*depth
// counters as varints (row-major).
std::string CountMinSketch::Serialize() const {
  internal::BlobWriter w(kMagic);
  w.U32(width_);
  w.U32(depth_);
  w.U8(conservative_ ? 1 : 0);
  w.U64(total_);
  for (uint64_t c : counters_) w.Varint(c);
  return w.Finish();
}

Result<CountMinSketch> CountMinSketch::Deserialize(std::string_view blob) {
  ASSIGN_OR_RETURN(internal::BlobReader r,
                   internal::BlobReader::Open(blob, kMagic, "count-min"));
  uint32_t width = 0;
  uint32_t depth = 0;
  uint8_t conservative = 0;
  uint64_t total = 0;
  if (!r.U32(&width) || !r.U32(&depth) || !r.U8(&conservative) ||
      !r.U64(&total)) {
    return r.Error("truncated header");
  }
  if (width == 0 || depth == 0 || conservative > 1 ||
      uint64_t{width} * depth > kMaxCounters) {
    return r.Error("bad width, depth or flags");
  }
  // Each counter takes at least one byte: check before allocating.
  if (uint64_t{width} * depth > r.remaining()) {
    return r.Error("fewer bytes than counters");
  }
  CountMinSketch s(width, depth, conservative == 1);
  s.total_ = total;
  for (uint64_t& c : s.counters_) {
    if (!r.Varint(&c)) return r.Error("truncated counters");
    if (c > total) return r.Error("counter larger than the total");
  }
  if (r.remaining() != 0) return r.Error("trailing bytes");
  return s;
}

}  // namespace ncert::sensors
