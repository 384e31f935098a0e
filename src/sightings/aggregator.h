// Turns indicator matches into STIX 2.1 sightings: one `sighting` per
// (indicator, where sighted, time bucket) with first_seen, last_seen and
// count, and one compact `observed-data` summary per sighting that names up
// to `max_values` distinct observed values (SCOs) and counts the rest. Never
// one knowledge object per event (docs/architecture.md: telemetry is
// aggregated, docs/matching.md "Sightings").
//
//   sightings::Aggregator agg(options);
//   for (const MatchRecord& r : matches) agg.Add(r);   // bad records counted
//   auto result = agg.Flush(store, rollups, "cowrie-2024-05-01.json", share);
//
// Ids are UUIDv5 of the aggregation key, so the same key always names the
// same sighting. What a source contributed is kept per source in the
// RollupStore; flushing the same source again replaces its contribution, so
// re-running the same input writes nothing new, a longer version of the same
// file (the log grew) raises the counts by the new events only, and another
// source adds up.
//
// Thread safety: not thread-safe; one Aggregator per thread.
#ifndef NCERT_SIGHTINGS_AGGREGATOR_H_
#define NCERT_SIGHTINGS_AGGREGATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "access/label.h"
#include "core/status.h"
#include "core/time.h"
#include "sightings/rollup_store.h"
#include "store/store.h"

namespace ncert::sightings {

// One match of one telemetry event against one indicator.
struct MatchRecord {
  std::string indicator_id;   // "indicator--…"
  std::string matched_value;  // "198.51.100.7", a domain, a URL, a hash
  // The SCO type of the value: ipv4-addr, ipv6-addr, domain-name, url,
  // email-addr, mac-addr, file (an MD5/SHA-1/SHA-256/SHA-512 hex digest,
  // else a file name).
  std::string value_type;
  Timestamp time;
  // The identity of the member organisation or sensor that saw it
  // ("identity--…"). Empty: the identity derived from `sensor`.
  std::string where_sighted_ref;
  std::string sensor;  // the sensor's name, e.g. "honeypot-tokyo-3"
};

struct AggregatorOptions {
  int64_t bucket_micros = int64_t{3600} * 1'000'000;  // one hour
  size_t max_values = 10;      // distinct SCOs named per observed-data
  std::string created_by_ref;  // identity of the CERT, or empty
};

// The reporting organisation's sharing choice for what was seen at
// `where_sighted_ref` (owner_org = the reporter, tlp, distribution,
// clearance). NotFound: the reporter is unknown and its records are skipped.
using ReporterLabel =
    std::function<Result<access::AccessLabel>(std::string_view where_ref)>;

struct FlushResult {
  int64_t sightings_new = 0;
  int64_t sightings_updated = 0;    // a new version (higher count, …)
  int64_t sightings_unchanged = 0;  // nothing new since the last flush
  int64_t observed_data_written = 0;
  int64_t scos_written = 0;
  int64_t records = 0;                // records the sightings written stand for
  int64_t records_skipped = 0;        // their indicator or reporter was unknown
  std::vector<std::string> problems;  // one line each: what and why
};

class Aggregator {
 public:
  explicit Aggregator(AggregatorOptions options = {});
  ~Aggregator();

  // Adds one record. A record that cannot be aggregated (no indicator id,
  // an unknown value type, an empty or over-long value, a time before 1970)
  // is counted in rejected() with a reason in problems(); never an error.
  void Add(const MatchRecord& record);

  int64_t accepted() const { return accepted_; }
  int64_t rejected() const { return static_cast<int64_t>(problems_.size()); }
  const std::vector<std::string>& problems() const { return problems_; }
  // Distinct sightings held so far.
  size_t pending() const { return buckets_.size(); }

  // Writes what was added since the last Flush: contributions and minute
  // counts of `source` to `rollups`, then the sightings, observed-data and
  // SCOs to `store`, labelled with SightingLabel(indicator's label,
  // reporter(where_sighted_ref)). `now` stamps created/modified. Records of
  // indicators not in the store are skipped and reported. Clears the
  // aggregator on success.
  Result<FlushResult> Flush(store::Store& store, RollupStore& rollups,
                            std::string_view source,
                            const ReporterLabel& reporter, Timestamp now);

  // The deterministic ids, for callers and tests.
  static std::string SightingId(std::string_view indicator_id,
                                std::string_view where_ref, Timestamp bucket);
  static std::string ObservedDataId(std::string_view sighting_id);
  // The identity a sensor name stands for when a record has no
  // where_sighted_ref: "identity--" + UUIDv5 of "sensor:" + name.
  static std::string SensorIdentityId(std::string_view sensor);

 private:
  struct Bucket {
    int64_t count = 0;
    Timestamp first{INT64_MAX};
    Timestamp last{INT64_MIN};
    std::set<TypedValue> smallest;          // at most max_values
    std::unordered_set<uint64_t> distinct;  // hashes of every value
  };
  using Key =
      std::tuple<std::string, std::string, int64_t>;  // ind, where, bucket

  AggregatorOptions options_;
  std::map<Key, Bucket> buckets_;
  std::map<std::pair<std::string, int64_t>, int64_t> minutes_;
  int64_t accepted_ = 0;
  std::vector<std::string> problems_;
};

}  // namespace ncert::sightings

#endif  // NCERT_SIGHTINGS_AGGREGATOR_H_
