#include "sensors/cusum.h"

#include <algorithm>

namespace ncert::sensors {

bool Cusum::Add(double z, int64_t index) {
  double next = std::max(0.0, s_ + z - o_.k);
  if (s_ == 0 && next > 0) start_ = index;
  s_ = std::min(next, o_.cap_factor * o_.h);
  return s_ > o_.h;
}

}  // namespace ncert::sensors
