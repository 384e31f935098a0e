// Recursive-descent parser for the STIX 2.1 pattern grammar
// (pattern_grammar/STIXPattern.g4), with the grammar's precedence:
//   observation level:  FOLLOWEDBY < OR < AND < qualifiers (postfix)
//   comparison level:   OR < AND
// all left-associative. Reports the first error with its column and what
// was expected. The duplicate-qualifier rule is checked here too: a
// bracketed observation expression ([...]) may carry each of WITHIN, REPEATS
// and START/STOP once; to apply one again, parenthesize (as the OASIS
// validator, qualifiers after a parenthesized expression are not checked).
//
// Private to pattern/.
//
// Thread safety: free functions; thread-safe.
#ifndef NCERT_PATTERN_PARSER_H_
#define NCERT_PATTERN_PARSER_H_

#include <string_view>

#include "pattern/ast.h"
#include "pattern/pattern.h"

namespace ncert::pattern::internal {

// Parses `text`; on failure returns false and fills `error`.
bool ParsePattern(std::string_view text, const CompileOptions& options,
                  ObsExpr* out, int* leaf_count, Diagnostic* error);

// Canonical text of a tree and its parts (render.cc).
std::string Render(const ObsExpr& e);
std::string RenderLeaf(const CmpExpr& e);  // "[...]"
std::string RenderPath(const ObjectPath& p);
std::string RenderPathSteps(const ObjectPath& p);  // after the colon
std::string RenderLiteral(const Literal& l);

// Semantic checks (check.cc): appends errors and warnings (at most
// kMaxWarnings warnings) for the pattern `text` parsed into `root`.
inline constexpr int kMaxWarnings = 100;
void CheckPattern(std::string_view text, const ObsExpr& root,
                  std::vector<Diagnostic>* out);

// Converts byte offsets to columns, fast when offsets mostly increase.
class ColumnMapper {
 public:
  explicit ColumnMapper(std::string_view text) : text_(text) {}
  int Column(size_t offset);

 private:
  std::string_view text_;
  size_t offset_ = 0;
  int column_ = 1;
};

}  // namespace ncert::pattern::internal

#endif  // NCERT_PATTERN_PARSER_H_
