// MISP warninglists (github.com/MISP/misp-warninglists): lists of well-known
// benign values (public DNS resolvers, cloud ranges, top domains, ...) that
// the matching engine checks each match against, so a shared indicator of
// 8.8.8.8 does not page every member whose hosts use Google's resolver.
// docs/matching.md, "Warninglists".
//
//   WarninglistOptions o; o.downrank = {"tlds"};
//   WarninglistLoadReport report;
//   auto lists = WarninglistSet::Load(env, "../shared/data/warninglists/lists",
//                                     o, &report);
//   MatchScratch scratch;
//   WarninglistVerdict v = (*lists)->Check("8.8.8.8", ValueClass::kIp,
//   &scratch);
//   // v.action == kSuppress, v.list == "List of known IPv4 public DNS
//   resolvers"
//
// Thread safety: a loaded WarninglistSet is immutable; Check() may be called
// from many threads at once, each with its own MatchScratch. A MatchScratch
// is used by one thread at a time.
#ifndef NCERT_MATCH_WARNINGLIST_H_
#define NCERT_MATCH_WARNINGLIST_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/env.h"
#include "core/status.h"

struct hs_scratch;  // Hyperscan

namespace ncert::match {

class Index;
class WarninglistSet;

// Per-thread working memory for matching and warninglist checks (Hyperscan
// scratch space and buffers). Create one per thread; it adapts itself to
// whatever index or warninglists it is used with.
class MatchScratch {
 public:
  MatchScratch();
  ~MatchScratch();
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;

  struct Buffers;  // private to match/

 private:
  friend class Matcher;
  friend class WarninglistSet;
  // Grows the Hyperscan scratch to fit `db` (an hs_database_t*).
  hs_scratch* Prepare(const void* db);
  hs_scratch* hs_ = nullptr;
  std::vector<const void*> prepared_;    // databases the scratch fits
  std::shared_ptr<const Index> pinned_;  // keeps prepared_ addresses unique
  std::unique_ptr<Buffers> buffers_;
};

enum class WarninglistAction : uint8_t {
  kNone,      // on no list
  kDownrank,  // on a list configured to lower the match's rank
  kSuppress,  // on a list of benign values: do not report it
};
std::string_view WarninglistActionName(WarninglistAction action);

struct WarninglistVerdict {
  WarninglistAction action = WarninglistAction::kNone;
  std::string list;  // the `name` of the list that decided ("" for kNone)
};

// What kind of value is checked: selects the lists whose
// matching_attributes (MISP attribute types) fit, and how the value is
// compared (docs/matching.md has the table).
enum class ValueClass : uint8_t {
  kIp,
  kDomain,
  kUrl,
  kEmail,
  kHash,
  kFingerprint,  // JA3, JA3S, HASSH
  kOther,        // free text matched by a regex or a pattern
};

struct WarninglistOptions {
  // Folder names (e.g. "public-dns-v4") to load; empty: every list.
  std::set<std::string> only;
  // Folder names whose hits down-rank instead of suppress.
  std::set<std::string> downrank;
};

struct WarninglistLoadReport {
  size_t lists = 0;
  size_t entries = 0;
  size_t bad_entries = 0;             // e.g. a "cidr" entry that is no address
  size_t bad_lists = 0;               // broke the schema: skipped whole
  std::vector<std::string> problems;  // "path:pointer: rule: message"
};

class WarninglistSet {
 public:
  ~WarninglistSet();

  // Loads `dir`/<name>/list.json for each list folder (all, or
  // options.only). A list that is not JSON or breaks schema.json is
  // skipped and reported; a bad entry skips only itself. Errors: `dir`
  // unreadable, or a name in options.only that is not there.
  static Result<std::unique_ptr<WarninglistSet>> Load(
      Env& env, const std::string& dir, const WarninglistOptions& options,
      WarninglistLoadReport* report);

  // The same from list.json texts already read: {folder name, JSON}.
  static std::unique_ptr<WarninglistSet> FromJson(
      const std::vector<std::pair<std::string, std::string>>& lists,
      const WarninglistOptions& options, WarninglistLoadReport* report);

  // The verdict for a normalised value. Suppress beats down-rank; among
  // lists of equal action the first by folder name decides.
  WarninglistVerdict Check(std::string_view value, ValueClass cls,
                           MatchScratch* scratch) const;

  size_t size() const;  // lists loaded

 private:
  WarninglistSet();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncert::match

#endif  // NCERT_MATCH_WARNINGLIST_H_
