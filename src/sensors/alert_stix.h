// Helpers the sensors use to turn what they found into STIX knowledge:
// deterministic ids (UUIDv5 in ncert's sensors namespace, so re-running an
// analysis names the same objects), the sensor's identity object, and
// validating a built object through the same decoder ingest uses.
//
// Thread safety: free functions; thread-safe.
#ifndef NCERT_SENSORS_ALERT_STIX_H_
#define NCERT_SENSORS_ALERT_STIX_H_

#include <string>
#include <string_view>

#include "core/status.h"
#include "stix/markings.h"
#include "stix/object.h"

namespace ncert::sensors {

// "type--" + UUIDv5(sensors namespace, name).
std::string DeterministicId(std::string_view type, std::string_view name);

// The identity (identity_class "system") that stands for a sensor, and its
// JSON. Its created/modified are a fixed date, so every run writes the same
// version.
std::string SensorIdentityId(std::string_view sensor);
std::string SensorIdentityJson(std::string_view sensor, stix::Tlp tlp);

// Milliseconds, as STIX writes timestamps: "2022-02-24T03:00:00.000Z".
std::string StixTime(Timestamp t);

// Parses, validates and decodes one STIX object built by ncert. An invalid
// object is an Internal error (a bug in the builder), naming the rule.
Result<stix::Object> DecodeStixJson(std::string_view json);

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_ALERT_STIX_H_
