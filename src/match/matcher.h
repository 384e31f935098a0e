// The matching engine: every current indicator ncert knows, indexed for
// speed, matched against telemetry events (docs/matching.md).
//
//   IndexBuilder builder;                            // or BuildIndexFromStore
//   builder.Add("indicator--…", "stix", "[ipv4-addr:value =
//   '198.51.100.0/24']"); Matcher matcher({.warninglists = lists});
//   matcher.Swap(builder.Build());
//   MatchScratch scratch;                            // one per thread
//   std::vector<Match> found;
//   matcher.Match(event, &scratch, &found);          // found[0].kind == kCidr
//
// An Index is an immutable snapshot. The Matcher holds the current one in an
// atomic shared pointer: Swap() and Rebuild() replace it while other threads
// match, and a matching thread keeps the snapshot it started with until its
// call returns; readers take no lock (architecture invariant).
//
// Thread safety: Index is immutable (its over-correlation counters are
// atomics). Matcher::Match/MatchBatch may be called from any number of
// threads at once, each with its own MatchScratch; Swap and Rebuild from any
// thread.
#ifndef NCERT_MATCH_MATCHER_H_
#define NCERT_MATCH_MATCHER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "match/warninglist.h"
#include "store/store.h"
#include "telemetry/event.h"

namespace ncert::match {
namespace internal {
struct Insertion;  // index.cc
struct Prepared;   // index.cc
}  // namespace internal

// The event field a match was found in.
enum class Field : uint8_t {
  kSrcIp,
  kDstIp,
  kDomain,
  kUrl,
  kUrlHost,  // the host of the URL (domain indicators)
  kEmail,
  kMd5,
  kSha1,
  kSha256,
  kJa3,
  kJa3s,
  kHassh,
  kFileName,
  kProcess,
  kCommandLine,
  kUser,
  kUserAgent,
  kPassword,
  kEvent,  // a full pattern with no prefilter: the event as a whole
  kCount
};
std::string_view FieldName(Field field);  // "src_ip", "url.host", ...

enum class MatchKind : uint8_t {
  kExactIp,
  kCidr,
  kDomain,
  kSubdomain,
  kUrl,
  kHash,
  kEmail,
  kJa3,  // JA3 and JA3S
  kHassh,
  kRegex,    // MATCHES or LIKE of a simple pattern
  kPattern,  // a full STIX pattern, confirmed by pattern::Pattern::Match
};
std::string_view MatchKindName(MatchKind kind);  // "exact-ip", "subdomain"...

struct Match {
  std::string indicator_id;
  std::string value;            // the event's value, normalised
  std::string indicator_value;  // what matched it when it differs: the CIDR
                                // block, the parent domain; else ""
  Field field = Field::kSrcIp;
  MatchKind kind = MatchKind::kExactIp;
  WarninglistVerdict warninglist;
  // Reported once instead of many matches: `value` is shared by
  // `indicator_count` indicators (over IndexOptions::max_indicators_per_value;
  // indicator_id is the first of them), or this indicator has matched more
  // than MatcherOptions::max_events_per_indicator events in the window.
  bool over_correlating = false;
  uint32_t indicator_count = 1;
};

struct IndexOptions {
  // A value (IP, domain, hash, ...) held by more indicators than this is
  // reported as one over-correlating match, not one per indicator.
  uint32_t max_indicators_per_value = 32;
  // Bound on one confirmation of a full pattern against one event.
  int64_t max_pattern_steps = 100'000;
  // BuildIndexFromStore: threads parsing and compiling indicators while the
  // calling thread reads the store and commits them in order (the index is
  // the same either way). -1: one per core; 0 or 1: the calling thread only.
  int build_threads = -1;
};

struct IndexStats {
  int64_t seen = 0;         // indicators offered
  int64_t indexed = 0;      // in the index
  int64_t simple = 0;       // typed structures only
  int64_t full = 0;         // full patterns (prefiltered, then confirmed)
  int64_t unanchored = 0;   // full patterns tried on every event
  int64_t not_current = 0;  // outside valid_from .. valid_until
  int64_t revoked = 0;
  int64_t invalid = 0;       // pattern did not compile
  int64_t no_telemetry = 0;  // can never match a telemetry event (e.g. only
                             // windows-registry-key paths, SHA-512 only)
  std::map<std::string, int64_t> skipped_by_pattern_type;  // sigma, yara...
  int64_t regex_hyperscan = 0;
  int64_t regex_re2 = 0;       // Hyperscan could not compile: RE2 fallback
  int64_t regex_rejected = 0;  // neither could
  int64_t over_correlating_values = 0;
  size_t bytes = 0;  // memory held by the structures (approximate)
  std::vector<std::string> problems;  // "indicator--…: rule: message", ≤ 100
};

class IndexBuilder;

// An immutable snapshot of the indicators, ready to match.
class Index {
 public:
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;
  const IndexStats& stats() const;
  size_t size() const;  // indicators indexed

 private:
  friend class IndexBuilder;
  friend class Matcher;
  friend class MatchScratch;
  Index();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Collects indicators, then builds an Index. Thread safety: one thread.
class IndexBuilder {
 public:
  explicit IndexBuilder(IndexOptions options = {});
  ~IndexBuilder();
  // One indicator by its parts. Indicators whose pattern_type is not "stix"
  // are skipped and counted by type; patterns that do not compile are
  // counted and reported.
  void Add(std::string_view id, std::string_view pattern_type,
           std::string_view pattern);
  // One stored indicator (canonical JSON): skipped unless valid_from <= now
  // < valid_until and not revoked.
  void AddStored(std::string_view json, Timestamp now);
  std::shared_ptr<const Index> Build();

 private:
  friend Result<std::shared_ptr<const Index>> BuildIndexFromStore(
      store::Store&, const store::Reader&, Clock&, const IndexOptions&);
  // Adds what PrepareAdd / PrepareStored (index.cc) worked out.
  void Commit(internal::Prepared&& prepared);

  struct State;
  std::unique_ptr<State> state_;
};

// Builds an index of the latest, current, non-revoked indicators `reader`
// may see (the store applies the access policy).
Result<std::shared_ptr<const Index>> BuildIndexFromStore(
    store::Store& store, const store::Reader& reader, Clock& clock,
    const IndexOptions& options = {});

struct MatcherOptions {
  std::shared_ptr<const WarninglistSet> warninglists;  // null: none
  // An indicator matching more events than this in one window is reported
  // once as over-correlating, then stays quiet until the window ends. 0: off.
  uint32_t max_events_per_indicator = 0;
  int64_t window_seconds = 3600;  // windows of event time (or arrival)
};

struct EventMatch {
  size_t event = 0;  // index into the batch
  Match match;
};

class Matcher {
 public:
  explicit Matcher(MatcherOptions options = {});
  ~Matcher();

  // Replaces the index atomically; matching threads are not blocked.
  void Swap(std::shared_ptr<const Index> index);
  // Builds from the store and swaps; on error the current index stays.
  Status Rebuild(store::Store& store, const store::Reader& reader, Clock& clock,
                 const IndexOptions& options = {});
  // The current snapshot (may be null before the first Swap).
  std::shared_ptr<const Index> snapshot() const;

  // Appends the matches of `event` to `out` (each indicator once per
  // field). Suppressed matches are appended too, with their verdict: the
  // caller decides whether to drop them.
  void Match(const telemetry::Event& event, MatchScratch* scratch,
             std::vector<match::Match>* out) const;
  // The same for a batch, against one snapshot.
  void MatchBatch(std::span<const telemetry::Event> events,
                  MatchScratch* scratch, std::vector<EventMatch>* out) const;

 private:
  static void Pin(const std::shared_ptr<const Index>& index,
                  MatchScratch* scratch);
  void MatchWith(const Index& index, const telemetry::Event& event,
                 MatchScratch* scratch, std::vector<match::Match>* out) const;
  MatcherOptions options_;
  std::atomic<std::shared_ptr<const Index>> index_;
};

}  // namespace ncert::match

#endif  // NCERT_MATCH_MATCHER_H_
