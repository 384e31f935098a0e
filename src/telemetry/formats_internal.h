// Private to telemetry/: the per-line machinery the readers share. A format
// maps source fields to Slots; SetSlot validates and stores a value.
//
// Thread safety: LineSink and the tables are used by one reader thread.
#ifndef NCERT_TELEMETRY_FORMATS_INTERNAL_H_
#define NCERT_TELEMETRY_FORMATS_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "telemetry/event.h"
#include "telemetry/reader.h"

namespace ncert::telemetry::internal {

enum class Slot : uint8_t {
  kNone,
  kTime,
  kKind,
  kSrcIp,
  kDstIp,
  kSrcPort,
  kDstPort,
  kProtocol,
  kDomain,
  kUrl,
  kEmail,
  kUserAgent,
  kJa3,
  kJa3s,
  kHassh,
  kMd5,
  kSha1,
  kSha256,
  kFileName,
  kProcess,
  kCommandLine,
  kUser,
  kPassword,
  kHost,
  kSensor,
  kSession,
  // Helpers a format combines after the line is read.
  kUrlHost,   // host of a URL given in parts (EVE http.hostname, Zeek host)
  kUrlPath,   // path of such a URL
  kEventId,   // Windows event id
  kProvider,  // Windows provider / SourceName
  kChannel,   // Windows channel
  kZeekPath,  // Zeek _path
  kHashes,    // Sysmon "SHA1=...,MD5=...,SHA256=..."
  kConnType,  // Dionaea connection.type
  kAction,    // ECS event.action / event.dataset
  kCount,
};

// Slot by Event field name ("src_ip"); kNone if unknown.
Slot SlotByName(std::string_view name);

// Where the line's issues go.
class LineSink {
 public:
  virtual ~LineSink() = default;
  virtual void Issue(std::string_view rule, std::string message) = 0;
  virtual void DroppedField() = 0;
};

// The helper values of one line.
struct Scratch {
  std::string_view url_host, url_path, event_id, provider, channel, zeek_path,
      conn_type, action;
  int time_prio = 100;  // lower wins
  bool time_numeric = false;
  void Reset() { *this = Scratch(); }
};

enum class TimeStyle { kAuto, kIso8601, kEpochSeconds, kEpochMillis };

// Parses "2024-01-02T03:04:05.123456Z", "...+0100", "...+01:00", a space for
// the T, no zone (UTC); or epoch seconds with a fraction ("1700000000.5").
std::optional<Timestamp> ParseLooseTime(std::string_view s, TimeStyle style);

// Validates `value` for `slot` and stores it in `e` (or in `scratch`).
// `numeric` says the JSON value was a number. Empty values and "-" are
// absent. Bad values are dropped and reported through `sink`. `field` names
// the source field in messages.
void SetSlot(Slot slot, std::string_view value, bool numeric, int prio,
             std::string_view field, Event* e, Scratch* scratch,
             EventBatch* batch, LineSink* sink,
             TimeStyle time_style = TimeStyle::kAuto);

// Lower-case protocol names as static strings; numbers (IANA) mapped.
std::string_view NormaliseProtocol(std::string_view p, EventBatch* batch);

// "http://" + host + path (in the arena), or the path alone when it is
// already absolute or there is no host (EVE http, Zeek http).
inline std::string_view ComposeUrl(EventBatch* b, std::string_view host,
                                   std::string_view path) {
  if (path.starts_with("http://") || path.starts_with("https://")) return path;
  if (host.empty()) return path;
  return b->InternConcat("http://", host, path);
}

}  // namespace ncert::telemetry::internal

#endif  // NCERT_TELEMETRY_FORMATS_INTERNAL_H_
