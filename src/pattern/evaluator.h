// The compiled form of a pattern and its evaluator.
//
// Evaluation has two stages. First each observation expression ([...]) is
// tested against each observation, giving per expression the observations
// it can bind to (sorted by time). Then a backtracking search binds the
// expressions to observations under the operators and qualifiers, with
// every temporal constraint checked as soon as an observation is bound, so
// dead ends are cut early (docs/patterns.md, "Evaluation"). The search is
// bounded by MatchOptions::max_steps and by a recursion depth limit.
//
// Private to pattern/.
//
// Thread safety: a Program is immutable once built; Evaluate() keeps its
// state on the stack and may run on many threads at once.
#ifndef NCERT_PATTERN_EVALUATOR_H_
#define NCERT_PATTERN_EVALUATOR_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pattern/ast.h"
#include "pattern/net.h"
#include "pattern/pattern.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace ncert::pattern::internal {

// What one comparison needs at evaluation time, prepared once.
class CompiledTest {
 public:
  ~CompiledTest();
  int type_id = 0;        // index into the observation expression's types
  bool ip_value = false;  // path is ipv4-addr:value or ipv6-addr:value
  // Per literal: the CIDR it denotes, for = / != / IN on IP values.
  std::vector<std::optional<Cidr>> cidrs;
  std::optional<Cidr> block;               // ISSUBSET / ISSUPERSET operand
  std::unique_ptr<re2::RE2> regex;         // MATCHES on strings (UTF-8)
  std::unique_ptr<re2::RE2> regex_binary;  // MATCHES on bytes (Latin-1)
};

// A comparison expression prepared for "is there an assignment of SCOs".
struct CmpNode {
  enum class Kind : uint8_t { kTest, kAnd, kOr };
  Kind kind = Kind::kTest;
  const Comparison* test = nullptr;
  std::vector<CmpNode> children;
  int single_type = -1;    // the one type id used below, or -1
  std::vector<int> types;  // type ids used below, sorted
  // kAnd: children grouped so that groups share no type; each group can be
  // satisfied independently.
  std::vector<std::vector<int>> groups;
  std::vector<std::vector<int>> group_types;
};

struct LeafPlan {
  std::vector<std::string> types;  // object types named in the expression
  CmpNode root;
  int same_as = -1;  // an earlier leaf with the same text, or -1
};

struct EvalNode {
  enum class Kind : uint8_t {
    kLeaf,
    kAnd,
    kOr,
    kFollowedBy,
    kWithin,
    kRepeat,
    kStartStop
  };
  Kind kind = Kind::kLeaf;
  std::vector<EvalNode> children;
  int leaf = -1;
  int64_t within_micros = 0;
  int64_t repeats = 1;
  int64_t start = 0, stop = 0;  // micros
  int64_t min_size = 1;         // fewest observations a binding needs
};

struct Program {
  std::string canonical;
  ObsExpr root;
  int leaf_count = 0;
  std::vector<const CmpExpr*> leaves;  // by leaf_index
  std::vector<std::string> expressions;
  std::vector<LeafPlan> plans;
  EvalNode eval;
  std::vector<Diagnostic> warnings;
};

// Prepares `root` (already checked) for evaluation. Problems found now
// (a regular expression RE2 cannot compile) are appended to `diagnostics`
// as errors; returns false then.
bool BuildProgram(std::string_view text, ObsExpr root, int leaf_count,
                  Program* out, std::vector<Diagnostic>* diagnostics);

MatchResult Evaluate(const Program& program,
                     std::span<const Observation> observations,
                     const MatchOptions& options);

Prefilter BuildPrefilter(const Program& program);

// LIKE: '%' any run of characters, '_' exactly one (code point); the whole
// value must match.
bool LikeMatch(std::string_view value, std::string_view pattern);

}  // namespace ncert::pattern::internal

#endif  // NCERT_PATTERN_EVALUATOR_H_
