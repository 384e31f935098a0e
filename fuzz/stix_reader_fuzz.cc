// Fuzz target for the STIX reader: any bytes, read as a file of bundles,
// objects or NDJSON, with small limits so size and depth rules are reached.
// Invariants checked: the reader never fails on content (only I/O errors
// return a Status), every unit is either an object or carries an error, and
// an accepted object's JSON is canonical (re-canonicalising changes nothing).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/env.h"
#include "core/json.h"
#include "stix/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto env = ncert::NewMemEnv();
  ncert::stix::ReaderOptions options;
  options.max_object_bytes = 1 << 16;
  options.max_depth = 32;
  ncert::stix::StixReader reader(*env, options);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto sink = [](ncert::stix::ReadUnit&& unit) {
    if (unit.object) {
      auto again = ncert::CanonicalizeJson(unit.object->json);
      if (!again.ok() || *again != unit.object->json) std::abort();
    } else if (unit.issues.empty()) {
      std::abort();  // a rejection must say why
    }
  };
  if (!reader.ReadBuffer("fuzz.json", input, sink).ok()) std::abort();
  return 0;
}
