// Applies the access policy to objects read from the store, including what
// derived objects disclose about others (docs/access.md, "Derived objects"):
//
//  * relationship and sighting: withheld when any object they point at is
//    stored and invisible to the caller — their meaning is their endpoints,
//    so a relationship to a TLP:RED object would disclose it (OpenCTI #11496).
//  * report, note, opinion, grouping, observed-data: the ids of invisible
//    objects are removed from object_refs in what is returned; withheld when
//    none is left (object_refs may not be empty). A container about ten
//    things stays readable when one of them is RED.
//  Objects that are not stored (a relationship to something ncert never
//  received) disclose nothing and do not withhold.
//
// Thread safety: one per read (it caches verdicts); not thread-safe.
#ifndef NCERT_STORE_VISIBILITY_H_
#define NCERT_STORE_VISIBILITY_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "access/label.h"
#include "access/policy.h"
#include "access/principal.h"
#include "core/status.h"

namespace ncert::store {

class VisibilityFilter {
 public:
  // The label of the latest stored version of `id`, or nullopt if ncert
  // holds no such object.
  using LabelLookup = std::function<Result<std::optional<access::AccessLabel>>(
      std::string_view id)>;

  // `who` null = the public. `policy` must outlive the filter.
  VisibilityFilter(const access::Policy& policy, const access::Principal* who,
                   LabelLookup lookup)
      : policy_(policy), who_(who), lookup_(std::move(lookup)) {}

  enum class Verdict {
    kWithhold,  // the caller may not see it
    kAsIs,      // the caller sees it byte for byte
    kRedacted,  // the caller sees `*redacted`: refs removed
  };
  // What the caller may see of an object with this type, label and JSON.
  // Copies nothing unless it redacts (reads of many objects stay cheap).
  Result<Verdict> Apply(std::string_view type, const access::AccessLabel& label,
                        const std::string& json, std::string* redacted);

  // Whether what `type` discloses depends on the objects it refers to
  // (relationships, sightings, containers); for other types the label alone
  // decides.
  static bool DependsOnRefs(std::string_view type);

  // Whether the caller may see the latest version of `id` (true when ncert
  // does not hold it). Cached.
  Result<bool> CanSeeRef(std::string_view id);

 private:
  const access::Policy& policy_;
  const access::Principal* who_;
  LabelLookup lookup_;
  std::unordered_map<std::string, bool> ref_cache_;
};

}  // namespace ncert::store

#endif  // NCERT_STORE_VISIBILITY_H_
