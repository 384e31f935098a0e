// A problem found in outside input. Hostile or malformed input is data, not an
// error: readers and validators append Issues and go on with the next unit.
//
// Thread safety: values.
#ifndef NCERT_STIX_ISSUE_H_
#define NCERT_STIX_ISSUE_H_

#include <string>
#include <vector>

namespace ncert::stix {

enum class Severity { kError, kWarning };

struct Issue {
  Severity severity = Severity::kError;
  // JSON pointer (RFC 6901) of the offending value, relative to the unit the
  // issue is reported for ("" = the unit itself, "/created", "/labels/2").
  std::string pointer;
  // A stable, kebab-case name of the rule broken ("timestamp-format",
  // "required-property"); scripts and tests key on it.
  std::string rule;
  // What is wrong, in words an analyst can act on.
  std::string message;
};

inline bool HasError(const std::vector<Issue>& issues) {
  for (const auto& i : issues) {
    if (i.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace ncert::stix

#endif  // NCERT_STIX_ISSUE_H_
