// STIX 2.1 patterns (STIX 2.1 section 9): compile once, then evaluate against
// observations, list the values a prefilter can index, or render canonical
// text. docs/patterns.md documents the semantics and the limits.
//
//   auto compiled = pattern::Compile("[ipv4-addr:value = '198.51.100.0/24']");
//   if (!compiled.ok()) { /* compiled.diagnostics: "column 12: ..." */ }
//   pattern::MatchResult r = compiled.pattern->Match(observations);
//
// Bad patterns are data, not errors: Compile() never fails with a Status; it
// returns diagnostics (errors make the pattern invalid, warnings do not).
//
// Thread safety: a compiled Pattern is immutable; Match(), Prefilter() and
// canonical() may be called from any number of threads at once.
#ifndef NCERT_PATTERN_PATTERN_H_
#define NCERT_PATTERN_PATTERN_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pattern/observation.h"

namespace ncert::pattern {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  int column = 1;    // 1-based, counted in Unicode code points
  std::string rule;  // stable kebab-case name: "syntax", "duplicate-qualifier"
  std::string message;
  // "column 14: expected ..." (warnings: "column 3: warning: ...").
  std::string ToString() const;
};

struct CompileOptions {
  // Longer patterns are rejected ("pattern-too-long").
  size_t max_bytes = size_t{1} << 20;
  // Brackets and parentheses nested deeper are rejected ("pattern-too-deep").
  int max_depth = 100;
};

// What a prefilter (the matching engine's index) can look for.
struct PrefilterAtom {
  enum class Kind {
    kEquals,  // the property equals `value`
    kCidr,    // an ipv4-addr/ipv6-addr value inside the CIDR `value`
    kLike,    // `value` is a LIKE pattern (% and _)
    kRegex,   // `value` is a regular expression (RE2 syntax, unanchored)
  };
  Kind kind = Kind::kEquals;
  std::string object_type;   // "ipv4-addr"
  std::string path;          // canonical path after the colon: "hashes.MD5"
  std::string value;         // strings decoded; other literals as written
  bool string_value = true;  // false: `value` is a number, bool, h'', ...
  friend bool operator==(const PrefilterAtom&, const PrefilterAtom&) = default;
};

struct Prefilter {
  // True when every way the pattern can match needs an observation that
  // satisfies at least one atom. False: some part can match without any
  // (e.g. [file:size > 10]); the engine must evaluate every observation.
  bool anchored = false;
  std::vector<PrefilterAtom> any_of;  // sorted, no duplicates
};

struct MatchOptions {
  // Each observation tried for an observation expression is one step (and
  // each SCO combination tried inside one observation). Past this the
  // evaluation stops with kLimitReached.
  int64_t max_steps = 1'000'000;
  // Stop after this many bindings (1: just answer "does it match").
  int max_bindings = 1;
};

// One observation bound to one observation expression of the pattern.
struct BoundObservation {
  int expression = 0;      // index into Pattern::expressions()
  size_t observation = 0;  // index into the observations given to Match()
  int64_t count = 1;       // how many of its number_observed were used
};
using Binding = std::vector<BoundObservation>;  // sorted

struct MatchResult {
  enum class Outcome { kNoMatch, kMatch, kLimitReached };
  Outcome outcome = Outcome::kNoMatch;
  std::vector<Binding> bindings;  // kMatch: at least one
  int64_t steps = 0;
  std::string limit;  // kLimitReached: which limit, in words
  bool matched() const { return outcome == Outcome::kMatch; }
};

namespace internal {
struct Program;
}  // namespace internal

struct CompileResult;
CompileResult Compile(std::string_view text,
                      const CompileOptions& options = {});

class Pattern {
 public:
  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // Canonical text: keywords upper case, single spaces, '=' and '!=',
  // strings re-escaped, parentheses only where needed. Compiling it gives
  // the same pattern and the same canonical text.
  const std::string& canonical() const;
  // The observation expressions ([...]) in text order, canonical.
  const std::vector<std::string>& expressions() const;
  // Warnings found when compiling.
  const std::vector<Diagnostic>& warnings() const;

  Prefilter GetPrefilter() const;

  // Evaluates the pattern against `observations` (any order).
  MatchResult Match(std::span<const Observation> observations,
                    const MatchOptions& options = {}) const;

 private:
  friend struct CompileResult;
  friend CompileResult Compile(std::string_view, const CompileOptions&);
  explicit Pattern(std::unique_ptr<internal::Program> program);
  std::unique_ptr<internal::Program> program_;
};

struct CompileResult {
  std::unique_ptr<Pattern> pattern;     // null when there are errors
  std::vector<Diagnostic> diagnostics;  // errors first, then warnings
  bool ok() const { return pattern != nullptr; }
  // The first error, or nullptr.
  const Diagnostic* first_error() const;
};

}  // namespace ncert::pattern

#endif  // NCERT_PATTERN_PATTERN_H_
