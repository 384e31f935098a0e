// The STIX 2.1 pattern lexer (tokens of pattern_grammar/STIXPattern.g4):
// keywords are case-sensitive (AND, not and; true, not TRUE), white space
// includes the Unicode spaces the grammar lists, and /* */ and // comments
// are skipped. Literal tokens are checked here in full (base64 groups, hex
// pairs, timestamp fields, string escapes), so a malformed literal is
// reported as such rather than as a confusing syntax error further on.
//
// Private to pattern/.
//
// Thread safety: a Lexer is used by one thread.
#ifndef NCERT_PATTERN_LEXER_H_
#define NCERT_PATTERN_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "pattern/ast.h"

namespace ncert::pattern::internal {

enum class Tok : uint8_t {
  kEnd,
  kError,  // the lexer's message is in Lexer::error()
  kLBrack,
  kRBrack,
  kLParen,
  kRParen,
  kColon,
  kDot,
  kComma,
  kStar,
  kEq,
  kNeq,
  kLt,
  kLe,
  kGt,
  kGe,
  kIntPos,
  kIntNeg,
  kFloatPos,
  kFloatNeg,
  kString,
  kBinary,
  kHex,
  kTimestamp,
  kBool,
  kIdent,        // [a-zA-Z_][a-zA-Z0-9_]*
  kIdentHyphen,  // [a-zA-Z_][a-zA-Z0-9_-]* with at least one '-'
  kAnd,
  kOr,
  kNot,
  kFollowedBy,
  kLike,
  kMatches,
  kIsSuperset,
  kIsSubset,
  kExists,
  kLast,
  kIn,
  kStart,
  kStop,
  kSeconds,
  kWithin,
  kRepeats,
  kTimes,
  kOther,  // a lone + - ^ / : valid grammar tokens no rule accepts
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t offset = 0;  // byte offset in the pattern
  size_t length = 0;
  Literal literal;  // literal tokens, decoded
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // The next token; kEnd at the end, kError (once) on a lexical error.
  Token Next();

  // After kError: where and what.
  size_t error_offset() const { return error_offset_; }
  const std::string& error() const { return error_; }

 private:
  Token Error(size_t offset, std::string message);
  Token LexNumber(size_t start);
  Token LexQuoted(size_t start, char prefix);
  bool SkipSpaceAndComments();

  std::string_view text_;
  size_t pos_ = 0;
  size_t error_offset_ = 0;
  std::string error_;
};

// "'AND'", "identifier 'file'", "string 'abc'", "end of pattern": how a token
// is named in messages.
std::string DescribeToken(std::string_view text, const Token& token);

// 1-based column (in code points) of byte `offset` of `text`.
int ColumnOf(std::string_view text, size_t offset);

// Days since 1970-01-01 of a proleptic Gregorian date; day may overflow the
// month (Feb 30 is Mar 1 or 2), as the grammar allows such dates.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

bool IsKeyword(std::string_view word);

}  // namespace ncert::pattern::internal

#endif  // NCERT_PATTERN_LEXER_H_
