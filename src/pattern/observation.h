// What a STIX pattern is evaluated against: observations. One Observation is
// one STIX 2.1 observed-data (or one telemetry event turned into the same
// shape): a time interval, how many times it was seen, and its Cyber-
// observable Objects keyed the way references name them (the SCO id for
// `object_refs`, "0", "1", ... for the deprecated embedded `objects`).
//
// Thread safety: Observation is a value. An ObservationCollector is used by
// one thread.
#ifndef NCERT_PATTERN_OBSERVATION_H_
#define NCERT_PATTERN_OBSERVATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "core/time.h"
#include "pattern/value.h"
#include "stix/object.h"

namespace ncert::pattern {

struct Sco {
  std::string key;   // what `*_ref` values name: the id, or "0", "1", ...
  std::string type;  // "ipv4-addr"
  Value object;      // the whole SCO (a JSON object)
};

struct Observation {
  std::string id;  // the observed-data id ("" for telemetry)
  Timestamp first_observed;
  Timestamp last_observed;
  // How many observations this stands for; each can be bound once. Values
  // below 1 make the observation unusable.
  int64_t number_observed = 1;
  // The observed SCOs and, for object_refs, every SCO they reference
  // (transitively) that was found in the same input.
  std::vector<Sco> objects;

  // The SCO whose key is `key`, or nullptr.
  const Sco* Find(std::string_view key) const;
};

// Builds an Observation from one observed-data object (JSON text, already
// validated). `objects` (embedded) is used when present; otherwise each
// `object_refs` id is looked up with `lookup` (returns nullptr when the SCO
// is not available), and references of the found SCOs are followed too.
// Missing SCOs are listed in `missing` (may be nullptr).
using ScoLookup = std::function<const Value*(std::string_view id)>;
Result<Observation> ObservationFromObservedData(
    std::string_view observed_data_json, const ScoLookup& lookup,
    std::vector<std::string>* missing);

// Gathers observed-data and SCOs from validated STIX objects (in any order;
// SCOs may come after the observed-data naming them) and turns them into
// observations. Memory: every SCO and observed-data added is held until
// Finish().
class ObservationCollector {
 public:
  // Keeps `object` if it is an observed-data or an SCO; ignores the rest.
  void Add(const stix::Object& object);
  // The observations in the order their observed-data were added. Unresolved
  // references and unusable objects are described in `warnings`.
  std::vector<Observation> Finish(std::vector<std::string>* warnings);

 private:
  struct Pending {
    std::string id;
    std::string json;
  };
  std::vector<Pending> observed_data_;
  std::unordered_map<std::string, Value> scos_;  // by id
  std::vector<std::string> warnings_;
};

// Reads STIX content from memory (any layout stix::StixReader accepts) and
// returns its observations. Objects that fail validation are skipped and
// described in `errors` ("name:pointer: rule: message").
std::vector<Observation> LoadObservationsFromBuffer(
    std::string_view name, std::string_view data,
    std::vector<std::string>* errors);

}  // namespace ncert::pattern

#endif  // NCERT_PATTERN_OBSERVATION_H_
