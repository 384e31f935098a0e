// The syntax tree of a STIX 2.1 pattern, as the parser builds it. Chains of
// the same associative operator are flattened into one n-ary node (a 1 MB
// pattern of ORs is one node with many children, not a 50,000-deep tree),
// so the depth of the tree is bounded by the nesting of brackets and
// parentheses, which the parser limits.
//
// Private to pattern/ (tests use it too).
//
// Thread safety: values.
#ifndef NCERT_PATTERN_AST_H_
#define NCERT_PATTERN_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/time.h"

namespace ncert::pattern::internal {

enum class LiteralKind : uint8_t {
  kInt,
  kFloat,
  kString,
  kBinary,  // b'base64'
  kHex,     // h'hex'
  kBool,
  kTimestamp,
};

struct Literal {
  LiteralKind kind = LiteralKind::kString;
  size_t offset = 0;          // byte offset in the pattern
  int64_t int_value = 0;      // kInt (see int_overflow)
  bool int_overflow = false;  // kInt beyond int64: float_value holds it
  double float_value = 0;     // kFloat (and kInt, converted)
  bool bool_value = false;
  // kString: the decoded text (UTF-8); kBinary, kHex: the decoded bytes;
  // kTimestamp: the text between the quotes.
  std::string bytes;
  Timestamp timestamp;      // kTimestamp
  bool calendar_ok = true;  // kTimestamp: a real date (2024-02-30 is not)
};

struct PathStep {
  enum class Kind : uint8_t { kKey, kIndex, kStar };
  Kind kind = Kind::kKey;
  std::string key;    // kKey
  int64_t index = 0;  // kIndex; negative counts from the end
};

struct ObjectPath {
  std::string type;             // "file", "x-usb-device"
  std::vector<PathStep> steps;  // steps[0] is the first property (a key)
  size_t offset = 0;            // byte offset in the pattern
};

enum class CmpOp : uint8_t {
  kEq,
  kNeq,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset,
  kExists,
};

class CompiledTest;  // evaluator.cc: regexes, CIDRs, ... prepared once

struct Comparison {
  ObjectPath path;
  CmpOp op = CmpOp::kEq;
  bool negated = false;                          // NOT
  std::vector<Literal> values;                   // 1; IN: 0..n; EXISTS: none
  size_t offset = 0;                             // of the operator
  std::shared_ptr<const CompiledTest> compiled;  // set by Compile()
};

// A comparison expression: the inside of [ ].
struct CmpExpr {
  enum class Kind : uint8_t { kTest, kAnd, kOr };
  Kind kind = Kind::kTest;
  std::vector<CmpExpr> children;  // kAnd, kOr: two or more
  Comparison test;                // kTest
  size_t offset = 0;              // byte offset in the pattern
};

enum class QualifierKind : uint8_t { kWithin, kRepeats, kStartStop };

struct Qualifier {
  QualifierKind kind = QualifierKind::kWithin;
  size_t offset = 0;  // byte offset in the pattern
  Literal within;     // kWithin: the number of seconds as written
  int64_t within_micros = 0;
  int64_t repeats = 0;  // kRepeats
  Literal start, stop;  // kStartStop
};

// An observation expression, or an operator over several.
struct ObsExpr {
  enum class Kind : uint8_t { kLeaf, kAnd, kOr, kFollowedBy, kQualified };
  Kind kind = Kind::kLeaf;
  // kAnd, kOr, kFollowedBy: two or more; kQualified: exactly one (the
  // qualified expression).
  std::vector<ObsExpr> children;
  CmpExpr leaf;                       // kLeaf: the [ ] contents
  std::vector<Qualifier> qualifiers;  // kQualified, in source order
  size_t offset = 0;                  // byte offset in the pattern
  int leaf_index = -1;  // kLeaf: 0-based position among leaves in text order
};

}  // namespace ncert::pattern::internal

#endif  // NCERT_PATTERN_AST_H_
