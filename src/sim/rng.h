// The simulator's only source of randomness: xoshiro256** (Blackman and
// Vigna, 2018) seeded through splitmix64. Every draw is computed here from
// integers, never through std::uniform_*_distribution or std::random_device,
// whose output differs between standard libraries, so a seed gives the same
// world and the same bytes on every build. (Exponential and normal draws use
// std::log/std::sqrt/std::cos from the C library; glibc computes them
// identically on every x86-64 build.)
//
// Fork("name") derives an independent stream from the seed and a name, so
// each generator (darknet, sysmon, stix, ...) has its own stream and adding
// draws to one never changes the output of another.
//
// Thread safety: a value; one Rng per thread.
#ifndef NCERT_SIM_RNG_H_
#define NCERT_SIM_RNG_H_

#include <cmath>
#include <cstdint>
#include <string_view>

#include "core/id.h"

namespace ncert::sim {

__extension__ using Uint128 = unsigned __int128;

class Rng {
 public:
  explicit Rng(uint64_t seed) : seed_(seed) {
    uint64_t x = seed;
    for (uint64_t& s : s_) s = SplitMix64(&x);
  }

  static uint64_t SplitMix64(uint64_t* x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // FNV-1a of `name`, to name streams.
  static uint64_t HashName(std::string_view name) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : name) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    return h;
  }

  // An independent stream for `name`, a function of this Rng's seed only
  // (not of how many numbers were drawn).
  Rng Fork(std::string_view name) const {
    uint64_t x = seed_ ^ HashName(name);
    return Rng(SplitMix64(&x));
  }
  Rng Fork(std::string_view name, uint64_t index) const {
    uint64_t x = seed_ ^ HashName(name) ^ (index * 0xd1342543de82ef95ull);
    return Rng(SplitMix64(&x));
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), unbiased (Lemire's multiply-and-reject). n > 0.
  uint64_t Below(uint64_t n) {
    Uint128 m = static_cast<Uint128>(Next()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform in [lo, hi], inclusive.
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  // Exponential with the given mean.
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }
  // Standard normal (Box-Muller, one value per call).
  double Normal() {
    double u1 = 1.0 - Uniform();  // (0, 1]
    double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Poisson with mean `lambda` (exact below 30, normal approximation above).
  int64_t Poisson(double lambda) {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const double limit = std::exp(-lambda);
      int64_t k = 0;
      double p = Uniform();
      while (p > limit) {
        ++k;
        p *= Uniform();
      }
      return k;
    }
    double v = lambda + std::sqrt(lambda) * Normal() + 0.5;
    return v < 0 ? 0 : static_cast<int64_t>(v);
  }
  template <typename T>
  const T& Pick(const T* items, size_t n) {
    return items[Below(n)];
  }
  UuidBytes Uuid() {
    UuidBytes b;
    uint64_t a = Next(), c = Next();
    for (int i = 0; i < 8; ++i) {
      b[static_cast<size_t>(i)] = static_cast<uint8_t>(a >> (8 * i));
      b[static_cast<size_t>(i + 8)] = static_cast<uint8_t>(c >> (8 * i));
    }
    return b;
  }
  std::string UuidV4() { return UuidV4FromBytes(Uuid()); }
  // `n` lower-case hex digits.
  std::string Hex(int n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(static_cast<size_t>(n), '0');
    uint64_t bits = 0;
    for (int i = 0; i < n; ++i) {
      if (i % 16 == 0) bits = Next();
      s[static_cast<size_t>(i)] = kHex[bits & 15];
      bits >>= 4;
    }
    return s;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace ncert::sim

#endif  // NCERT_SIM_RNG_H_
