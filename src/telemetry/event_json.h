// One Event as a JSON object (for `ncert telemetry cat --json`, golden tests
// and tools): only the fields that are set, in a fixed order.
//
// Thread safety: a pure function.
#ifndef NCERT_TELEMETRY_EVENT_JSON_H_
#define NCERT_TELEMETRY_EVENT_JSON_H_

#include <string>
#include <string_view>

#include "telemetry/event.h"

namespace ncert::telemetry {

// {"time":"...","kind":"...","source":"...","src_ip":..., "raw":{"file":F,
// "line":N,"offset":O}}; `file` is the name RawRef::file stands for.
void AppendEventJson(const Event& e, std::string_view file, std::string* out);

}  // namespace ncert::telemetry

#endif  // NCERT_TELEMETRY_EVENT_JSON_H_
