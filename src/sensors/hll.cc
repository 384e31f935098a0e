#include "sensors/hll.h"

#include <cassert>
#include <cmath>
#include <limits>

#include "sensors/sketch_hash.h"
#include "sensors/sketch_internal.h"

namespace ncert::sensors {
namespace {

constexpr std::string_view kMagic = "NCHL";
constexpr uint8_t kDense = 0;
constexpr uint8_t kSparse = 1;

// Ertl 2017, Algorithm 6: sigma(x) = x + sum_k x^(2^k) 2^(k-1).
double Sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  while (true) {
    x *= x;
    double previous = z;
    z += x * y;
    y += y;
    if (z == previous) return z;
  }
}

// tau(x) = (1 - x - sum_k (1 - x^(2^-k))^2 2^-k) / 3.
double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  while (true) {
    x = std::sqrt(x);
    double previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
    if (z == previous) return z / 3.0;
  }
}

}  // namespace

HyperLogLog::HyperLogLog(int precision)
    : precision_(precision), registers_(size_t{1} << precision, 0) {
  assert(precision >= kMinPrecision && precision <= kMaxPrecision);
}

Result<HyperLogLog> HyperLogLog::Create(int precision) {
  if (precision < kMinPrecision || precision > kMaxPrecision) {
    return Status::InvalidArgument("HyperLogLog precision " +
                                   std::to_string(precision) +
                                   " is outside 4..18");
  }
  return HyperLogLog(precision);
}

void HyperLogLog::Add(std::string_view item) { AddHash(SketchHash(item)); }

double HyperLogLog::Estimate() const {
  return EstimateRegisters(registers_.data(), precision_);
}

double HyperLogLog::EstimateRegisters(const uint8_t* registers, int precision) {
  const int q = 64 - precision;
  const size_t n = size_t{1} << precision;
  const double m = static_cast<double>(n);
  // Histogram of register values 0..q+1.
  std::vector<uint32_t> c(static_cast<size_t>(q) + 2, 0);
  for (size_t i = 0; i < n; ++i) ++c[registers[i]];
  if (c[0] == n) return 0.0;
  double z = m * Tau(1.0 - c[q + 1] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + c[k]);
  z += m * Sigma(c[0] / m);
  const double alpha_inf = 1.0 / (2.0 * std::log(2.0));
  return alpha_inf * m * m / z;
}

double HyperLogLog::RelativeStandardError() const {
  return 1.04 / std::sqrt(static_cast<double>(registers_.size()));
}

Status HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.precision_ != precision_) {
    return Status::InvalidArgument(
        "cannot merge HyperLogLog sketches of precision " +
        std::to_string(precision_) + " and " +
        std::to_string(other.precision_));
  }
  for (size_t i = 0; i < registers_.size(); ++i) {
    if (other.registers_[i] > registers_[i]) {
      registers_[i] = other.registers_[i];
    }
  }
  return Status::Ok();
}

void HyperLogLog::Clear() {
  std::fill(registers_.begin(), registers_.end(), uint8_t{0});
}

bool HyperLogLog::empty() const {
  for (uint8_t r : registers_) {
    if (r != 0) return false;
  }
  return true;
}

// Body: precision u8, encoding u8, then
//   dense:  ceil(m*6/8) bytes, register i in bits [6i, 6i+6) little-endian;
//   sparse: count varint, then count x (index delta varint, rank u8) with
//           strictly increasing indexes (first delta from -1).
std::string HyperLogLog::Serialize() const {
  internal::BlobWriter w(kMagic);
  w.U8(static_cast<uint8_t>(precision_));
  size_t nonzero = 0;
  for (uint8_t r : registers_) nonzero += r != 0;
  const size_t dense_bytes = (registers_.size() * 6 + 7) / 8;
  if (nonzero * 4 < dense_bytes) {
    w.U8(kSparse);
    w.Varint(nonzero);
    int64_t previous = -1;
    for (size_t i = 0; i < registers_.size(); ++i) {
      if (registers_[i] == 0) continue;
      w.Varint(static_cast<uint64_t>(static_cast<int64_t>(i) - previous));
      w.U8(registers_[i]);
      previous = static_cast<int64_t>(i);
    }
  } else {
    w.U8(kDense);
    std::string packed(dense_bytes, '\0');
    for (size_t i = 0; i < registers_.size(); ++i) {
      size_t bit = i * 6;
      uint32_t v = static_cast<uint32_t>(registers_[i]) << (bit % 8);
      packed[bit / 8] = static_cast<char>(packed[bit / 8] | (v & 0xff));
      if ((bit % 8) > 2) {
        packed[bit / 8 + 1] =
            static_cast<char>(packed[bit / 8 + 1] | ((v >> 8) & 0xff));
      }
    }
    w.Bytes(packed.data(), packed.size());
  }
  return w.Finish();
}

Result<HyperLogLog> HyperLogLog::Deserialize(std::string_view blob) {
  ASSIGN_OR_RETURN(internal::BlobReader r,
                   internal::BlobReader::Open(blob, kMagic, "hyperloglog"));
  uint8_t precision = 0;
  uint8_t encoding = 0;
  if (!r.U8(&precision) || !r.U8(&encoding)) return r.Error("truncated header");
  if (precision < kMinPrecision || precision > kMaxPrecision) {
    return r.Error("precision " + std::to_string(precision) + " outside 4..18");
  }
  HyperLogLog h(precision);
  const uint8_t max_rank = static_cast<uint8_t>(65 - precision);
  const size_t m = h.registers_.size();
  if (encoding == kDense) {
    const size_t dense_bytes = (m * 6 + 7) / 8;
    if (r.remaining() != dense_bytes) {
      return r.Error("dense body of " + std::to_string(r.remaining()) +
                     " bytes, want " + std::to_string(dense_bytes));
    }
    std::string packed(dense_bytes, '\0');
    if (!r.Bytes(packed.data(), dense_bytes)) return r.Error("truncated");
    for (size_t i = 0; i < m; ++i) {
      size_t bit = i * 6;
      uint32_t v = static_cast<uint8_t>(packed[bit / 8]);
      if (bit / 8 + 1 < dense_bytes) {
        v |= static_cast<uint32_t>(static_cast<uint8_t>(packed[bit / 8 + 1]))
             << 8;
      }
      uint8_t rank = static_cast<uint8_t>((v >> (bit % 8)) & 0x3f);
      if (rank > max_rank) return r.Error("register value out of range");
      h.registers_[i] = rank;
    }
  } else if (encoding == kSparse) {
    uint64_t count = 0;
    if (!r.Varint(&count)) return r.Error("truncated sparse count");
    if (count > m || count * 2 > r.remaining()) {
      return r.Error("sparse count larger than the sketch or the blob");
    }
    int64_t index = -1;
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t delta = 0;
      uint8_t rank = 0;
      if (!r.Varint(&delta) || !r.U8(&rank)) return r.Error("truncated entry");
      if (delta == 0 || delta > m ||
          index + static_cast<int64_t>(delta) >= static_cast<int64_t>(m)) {
        return r.Error("sparse index out of order or out of range");
      }
      index += static_cast<int64_t>(delta);
      if (rank == 0 || rank > max_rank) {
        return r.Error("register value out of range");
      }
      h.registers_[static_cast<size_t>(index)] = rank;
    }
    if (r.remaining() != 0) return r.Error("trailing bytes");
  } else {
    return r.Error("unknown encoding " + std::to_string(encoding));
  }
  return h;
}

}  // namespace ncert::sensors
