// One-sided (upper) CUSUM after Page (1954) on standardised residuals z:
//   S_t = min(cap, max(0, S_{t-1} + z_t - k)),  alarm when S_t > h.
// k is the reference value (half the shift, in sigmas, to detect fastest),
// h the decision interval. S is capped at `cap` (a multiple of h) so that,
// once a surge ends, the statistic falls back to zero within about
// cap / k points instead of the surge's whole accumulated height. The start
// of the current excursion (the last point S was 0, plus one) is the
// estimate of when the change began.
//
// Thread safety: a value.
#ifndef NCERT_SENSORS_CUSUM_H_
#define NCERT_SENSORS_CUSUM_H_

#include <cstdint>

namespace ncert::sensors {

struct CusumOptions {
  double k = 0.5;
  double h = 8.0;
  double cap_factor = 2.0;  // S <= cap_factor * h
};

class Cusum {
 public:
  explicit Cusum(const CusumOptions& options) : o_(options) {}

  // Adds z for point number `index`; returns true when S > h.
  bool Add(double z, int64_t index);
  double statistic() const { return s_; }
  // Index of the first point of the current excursion (S > 0), or -1.
  int64_t excursion_start() const { return s_ > 0 ? start_ : -1; }
  void Reset() { s_ = 0; }

 private:
  CusumOptions o_;
  double s_ = 0;
  int64_t start_ = -1;
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_CUSUM_H_
