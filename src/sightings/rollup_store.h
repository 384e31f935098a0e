// The telemetry side of sightings, in the store's SQLite file but outside the
// knowledge tables (schema 2, src/store/migrations.cc): what each source
// contributed to each sighting, and per-minute match counts per indicator.
// Counts, not knowledge: nothing here is versioned, labelled or exported.
//
// Each row is keyed by a `source` the caller names (a telemetry file, a
// stream and offset range). Writing a source's rows again replaces them, so
// re-reading the same input never counts an event twice (docs/matching.md,
// "Sightings").
//
// Thread safety: not thread-safe; one RollupStore per thread. It opens its own
// connection, so it may be used beside a Store on the same file (SQLite's WAL
// locks serialise the writers).
#ifndef NCERT_SIGHTINGS_ROLLUP_STORE_H_
#define NCERT_SIGHTINGS_ROLLUP_STORE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace ncert::sightings {

// One observed value: its SCO type and value ("ipv4-addr", "198.51.100.7").
struct TypedValue {
  std::string type;
  std::string value;
  friend auto operator<=>(const TypedValue&, const TypedValue&) = default;
};

// What one source contributed to one sighting.
struct Contribution {
  std::string sighting_id;
  std::string source;
  int64_t count = 0;
  Timestamp first;
  Timestamp last;
  int64_t distinct_values = 0;     // distinct values this source saw
  std::vector<TypedValue> values;  // the smallest few of them, sorted
};

// Matches of one indicator in one minute from one source.
struct MinuteCount {
  std::string indicator_id;
  Timestamp minute;  // start of the minute
  int64_t count = 0;
};

class RollupStore {
 public:
  // Opens the tables in the store file at `path` (migrating it if needed).
  // ":memory:" is refused: a second connection would see another database.
  static Result<std::unique_ptr<RollupStore>> Open(const std::string& path);
  ~RollupStore();
  RollupStore(const RollupStore&) = delete;
  RollupStore& operator=(const RollupStore&) = delete;

  // Replaces the rows of these (sighting, source) pairs, in one transaction.
  Status PutContributions(std::span<const Contribution> rows);
  // Every source's contribution to `sighting_id`, ordered by source.
  Result<std::vector<Contribution>> Contributions(std::string_view sighting_id);

  // Replaces the (indicator, minute, source) counts, in one transaction.
  Status PutMinuteCounts(std::string_view source,
                         std::span<const MinuteCount> rows);
  // Matches of `indicator_id` per minute in [from, to), summed over sources,
  // oldest first.
  Result<std::vector<MinuteCount>> MinuteCounts(std::string_view indicator_id,
                                                Timestamp from, Timestamp to);

 private:
  struct Impl;
  explicit RollupStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncert::sightings

#endif  // NCERT_SIGHTINGS_ROLLUP_STORE_H_
