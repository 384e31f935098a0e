// Surge alerts for people and as knowledge. An alert says what rose, by how
// much against which baseline, and since when, in English and Japanese:
//   "cowrie-03: unique sources to 23/TCP: 9.8× the 4-week baseline since
//    2022-02-24 03:00 JST"
// Times are stored in UTC and shown in a display zone (default Asia/Tokyo).
// As knowledge an alert is a STIX note (TLP:AMBER by default) about the
// sensor's identity, whose content carries the series excerpt; its id is
// derived from the series and the episode's start, so re-running detection
// over the same series writes the same note (a longer episode: a newer
// version of it).
//
// Thread safety: free functions and values; thread-safe.
#ifndef NCERT_SENSORS_ALERT_H_
#define NCERT_SENSORS_ALERT_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sensors/surge.h"
#include "stix/markings.h"
#include "stix/object.h"

namespace ncert::sensors {

// A fixed-offset display zone. g++ 12's libstdc++ has no std::chrono time
// zone database, so only zones without daylight saving time are known by
// name (Asia/Tokyo, Asia/Seoul, Asia/Shanghai, Asia/Singapore, UTC), and any
// other as an offset "+09:00" / "-05:00".
struct DisplayZone {
  std::string name = "Asia/Tokyo";
  std::string abbrev = "JST";
  int offset_minutes = 9 * 60;
};
Result<DisplayZone> ParseDisplayZone(std::string_view name);
// "2022-02-24 03:00 JST".
std::string FormatInZone(Timestamp t, const DisplayZone& zone);

struct AlertOptions {
  DisplayZone zone;
  stix::Tlp tlp = stix::Tlp::kAmber;
  // How the baseline is named: "the 4-week baseline" (the seasonal memory,
  // 1 / gamma weeks, of the Holt–Winters baseline).
  int baseline_weeks = 4;
};

struct AlertText {
  std::string en;
  std::string ja;
};
AlertText DescribeSurge(const Surge& surge, const AlertOptions& options);

// The sensor's identity and the note, validated; in that order.
Result<std::vector<stix::Object>> SurgeToStix(const Surge& surge,
                                              const AlertOptions& options);

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_ALERT_H_
