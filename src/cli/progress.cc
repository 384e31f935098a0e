#include "cli/progress.h"

#include <fmt/format.h>

namespace ncert::cli {

ProgressBar::ProgressBar(std::FILE* sink, Clock* clock, std::string label,
                         uint64_t total, bool enabled)
    : sink_(sink),
      clock_(clock),
      label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      start_(clock->Now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(uint64_t done, int64_t items) {
  if (!enabled_) return;
  Timestamp now = clock_->Now();
  if (drawn_ && now.micros - last_draw_.micros < 100000) return;
  last_draw_ = now;
  drawn_ = true;
  constexpr int kWidth = 24;
  double fraction = total_ == 0
                        ? 1.0
                        : std::min(1.0, static_cast<double>(done) /
                                            static_cast<double>(total_));
  int filled = static_cast<int>(fraction * kWidth);
  double secs = static_cast<double>(now.micros - start_.micros) / 1e6;
  double rate = secs > 0 ? static_cast<double>(items) / secs : 0;
  fmt::print(sink_, "\r{:<8} [{}{}] {:3.0f}%  {:.1f} MB  {:.0f} obj/s\x1b[K",
             label_, std::string(static_cast<size_t>(filled), '#'),
             std::string(static_cast<size_t>(kWidth - filled), '.'),
             fraction * 100, static_cast<double>(done) / 1e6, rate);
  std::fflush(sink_);
}

void ProgressBar::Finish() {
  if (!enabled_ || !drawn_) return;
  fmt::print(sink_, "\r\x1b[K");
  std::fflush(sink_);
  drawn_ = false;
}

}  // namespace ncert::cli
