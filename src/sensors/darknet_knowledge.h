// Turns a DarknetReport into knowledge (STIX 2.1) and stores it: one
// indicator per Mirai-fingerprinted source at or above a confidence, and a
// note summarising the observation that refers to them. Ids are UUIDv5 of
// (sensor, address), so a re-run adds a new version of the same indicator
// rather than a duplicate.
//
// Marking: TLP:AMBER by default, not AMBER+STRICT. The addresses are those
// of infected customer devices; the point of recording them is to notify
// the ISPs that serve them (NOTICE-style), and AMBER lets a recipient share
// with its own clients on a need-to-know basis, which AMBER+STRICT forbids.
//
// Thread safety: free function; the store states its own.
#ifndef NCERT_SENSORS_DARKNET_KNOWLEDGE_H_
#define NCERT_SENSORS_DARKNET_KNOWLEDGE_H_

#include <cstdint>

#include "core/status.h"
#include "core/time.h"
#include "sensors/darknet.h"
#include "stix/markings.h"
#include "store/store.h"

namespace ncert::sensors {

struct DarknetKnowledgeOptions {
  Timestamp now;  // created / modified of what is written
  stix::Tlp tlp = stix::Tlp::kAmber;
  int min_confidence = 70;  // MiraiHost::confidence threshold
  int64_t owner_org = 1;    // the national CERT
  int64_t valid_days = 30;  // indicator valid_until = last seen + this
};

struct DarknetKnowledgeCounts {
  int64_t indicators = 0;
  int64_t notes = 0;
  int64_t new_objects = 0;  // new ids or new versions
};

Result<DarknetKnowledgeCounts> RecordDarknetKnowledge(
    store::Store& store, const DarknetReport& report,
    const DarknetKnowledgeOptions& options);

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_DARKNET_KNOWLEDGE_H_
