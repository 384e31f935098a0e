// The seasonal baseline surge detection compares each point with: additive
// Holt–Winters (Holt 1957, Winters 1960) with a weekly season at 1-hour
// resolution, made robust as Gelper, Fried and Croux (2010) do: the
// observation used to update the state is the forecast plus the residual
// clipped at `huber` robust standard deviations, so one outlier (or the
// first hours of a surge) moves the baseline by a bounded amount.
// docs/sensors.md "Surge detection" explains the choice over an EWMA per
// hour-of-week slot.
//
// Thread safety: a value; not safe for concurrent mutation.
#ifndef NCERT_SENSORS_BASELINE_H_
#define NCERT_SENSORS_BASELINE_H_

#include <cstddef>
#include <vector>

namespace ncert::sensors {

struct HoltWintersOptions {
  int season = 168;           // points per season (a week of hours)
  int warmup_seasons = 2;     // seasons averaged to initialise the state
  double alpha = 0.01;        // level smoothing (memory ~1/alpha points)
  double beta = 0.0;          // trend smoothing (0: no trend)
  double gamma = 0.25;        // seasonal smoothing, per season (~4 seasons)
  double scale_alpha = 0.02;  // smoothing of the dispersion
  double huber = 2.0;         // clip residuals at this many sigmas
};

class HoltWinters {
 public:
  explicit HoltWinters(const HoltWintersOptions& options);

  // True once warm-up is over and Forecast()/Sigma() mean something.
  bool ready() const { return ready_; }
  // The forecast for the next point.
  double Forecast() const;
  // Robust standard deviation of the next one-step residual. Counts are
  // heteroscedastic (a busy hour varies more than a quiet one), so the
  // residuals are scaled quasi-Poisson: sigma = d * sqrt(max(forecast, 1))
  // where the dispersion d >= 1 (1: Poisson) is tracked from the mean
  // absolute scaled residual.
  double Sigma() const;
  // The standardised residual of `x` against the forecast, on the Anscombe
  // (1948) square-root scale where Poisson counts are close to N(0, 1) even
  // at a few per bucket: 2 (sqrt(x + 3/8) - sqrt(f + 3/8)) / d.
  double Z(double x) const;

  // Adds the next observation. During warm-up it is only collected.
  void Update(double x);
  // Adds the next observation without learning from it (the season index
  // still advances): for points inside an alert episode.
  void Skip();
  // Moves the level by `delta` (accepting a lasting change).
  void Shift(double delta) { level_ += delta; }

 private:
  void Initialise();

  HoltWintersOptions o_;
  bool ready_ = false;
  std::vector<double> warmup_;
  std::vector<double> seasonal_;
  double level_ = 0, trend_ = 0, mad_ = 0;
  size_t pos_ = 0;  // season index of the next point
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_BASELINE_H_
