#include "pattern/lexer.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>

namespace ncert::pattern::internal {
namespace {

struct Keyword {
  std::string_view word;
  Tok tok;
};
constexpr Keyword kKeywords[] = {
    {"AND", Tok::kAnd},
    {"OR", Tok::kOr},
    {"NOT", Tok::kNot},
    {"FOLLOWEDBY", Tok::kFollowedBy},
    {"LIKE", Tok::kLike},
    {"MATCHES", Tok::kMatches},
    {"ISSUPERSET", Tok::kIsSuperset},
    {"ISSUBSET", Tok::kIsSubset},
    {"EXISTS", Tok::kExists},
    {"LAST", Tok::kLast},
    {"IN", Tok::kIn},
    {"START", Tok::kStart},
    {"STOP", Tok::kStop},
    {"SECONDS", Tok::kSeconds},
    {"WITHIN", Tok::kWithin},
    {"REPEATS", Tok::kRepeats},
    {"TIMES", Tok::kTimes},
    {"true", Tok::kBool},
    {"false", Tok::kBool},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '-'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (IsDigit(c)) return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Length in bytes of the white space character at `s`, or 0.
size_t SpaceLength(std::string_view s) {
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
      c == '\f') {
    return 1;
  }
  auto at = [&](size_t i) {
    return i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
  };
  if (c == 0xC2 && (at(1) == 0x85 || at(1) == 0xA0)) return 2;  // NEL, NBSP
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;    // U+1680
  if (c == 0xE2 && at(1) == 0x80 &&
      ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 ||
       at(2) == 0xAF)) {
    return 3;  // U+2000-200A, U+2028, U+2029, U+202F
  }
  if (c == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;  // U+3000
  return 0;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Checks a timestamp literal's text against the grammar
// (YYYY-MM-DDTHH:MM:SS[.frac]Z with month 01-12, day 01-31, hour 00-23,
// minute 00-59, second 00-60). Returns "" or what is wrong.
std::string CheckTimestamp(std::string_view s, Literal* lit) {
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 5 || s[4] != '-' ||
      !Digits(s, 5, 2, &mo) || s.size() < 8 || s[7] != '-' ||
      !Digits(s, 8, 2, &d)) {
    return "the date must be YYYY-MM-DD";
  }
  if (mo < 1 || mo > 12) return fmt::format("month {:02} is not 01-12", mo);
  if (d < 1 || d > 31) return fmt::format("day {:02} is not 01-31", d);
  if (s.size() < 11 || s[10] != 'T') {
    return "the date must be followed by an upper-case 'T'";
  }
  if (!Digits(s, 11, 2, &h) || s.size() < 14 || s[13] != ':' ||
      !Digits(s, 14, 2, &mi) || s.size() < 17 || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return "the time must be HH:MM:SS";
  }
  if (h > 23) return fmt::format("hour {:02} is not 00-23", h);
  if (mi > 59) return fmt::format("minute {:02} is not 00-59", mi);
  if (sec > 60) return fmt::format("second {:02} is not 00-60", sec);
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000;
    while (pos < s.size() && IsDigit(s[pos])) {
      frac_us += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return "'.' must be followed by digits";
  }
  if (pos + 1 != s.size() || s[pos] != 'Z') {
    return "it must end in an upper-case 'Z' (UTC) after the seconds";
  }
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  lit->calendar_ok = d <= kMonthDays[mo - 1] && (mo != 2 || d <= 28 || leap);
  if (sec == 60) {  // a leap second: the last instant of :59
    sec = 59;
    frac_us = 999999;
  }
  int64_t days =
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  lit->timestamp.micros =
      ((days * 86400 + h * 3600 + mi * 60 + sec) * 1000000) + frac_us;
  return "";
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil; d may exceed the month's length.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsKeyword(std::string_view word) {
  for (const Keyword& k : kKeywords) {
    if (k.word == word) return true;
  }
  return false;
}

int ColumnOf(std::string_view text, size_t offset) {
  int col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
  }
  // `offset` may point into a code point; count the code point it is in.
  if (offset < text.size() &&
      (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) {
    --col;
  }
  return col < 1 ? 1 : col;
}

Token Lexer::Error(size_t offset, std::string message) {
  error_offset_ = offset;
  error_ = std::move(message);
  pos_ = text_.size();
  Token t;
  t.kind = Tok::kError;
  t.offset = offset;
  return t;
}

bool Lexer::SkipSpaceAndComments() {
  while (pos_ < text_.size()) {
    size_t n = SpaceLength(text_.substr(pos_));
    if (n > 0) {
      pos_ += n;
      continue;
    }
    if (text_.substr(pos_, 2) == "/*") {
      size_t end = text_.find("*/", pos_ + 2);
      if (end == std::string_view::npos) {
        Error(pos_, "unterminated comment: '/*' without '*/'");
        return false;
      }
      pos_ = end + 2;
      continue;
    }
    if (text_.substr(pos_, 2) == "//") {
      while (pos_ < text_.size() && text_[pos_] != '\n' &&
             text_[pos_] != '\r') {
        ++pos_;
      }
      continue;
    }
    break;
  }
  return true;
}

Token Lexer::LexNumber(size_t start) {
  size_t p = start;
  bool negative = false;
  if (text_[p] == '+' || text_[p] == '-') {
    negative = text_[p] == '-';
    ++p;
  }
  size_t digits = p;
  while (p < text_.size() && IsDigit(text_[p])) ++p;
  size_t ndigits = p - digits;
  Token t;
  t.offset = start;
  if (p + 1 < text_.size() && text_[p] == '.' && IsDigit(text_[p + 1])) {
    ++p;
    while (p < text_.size() && IsDigit(text_[p])) ++p;
    t.kind = negative ? Tok::kFloatNeg : Tok::kFloatPos;
    t.length = p - start;
    t.literal.kind = LiteralKind::kFloat;
    // from_chars wants [-]digits.digits: drop '+', add a 0 before a bare '.'.
    std::string num;
    if (negative) num.push_back('-');
    if (text_[digits] == '.') num.push_back('0');
    num.append(text_.substr(digits, p - digits));
    double v = 0;
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    (void)ptr;
    if (ec == std::errc::result_out_of_range) {
      v = negative ? -HUGE_VAL : HUGE_VAL;
    }
    t.literal.float_value = v;
    pos_ = p;
    return t;
  }
  if (ndigits == 0) {  // a lone sign
    t.kind = Tok::kOther;
    t.length = 1;
    pos_ = start + 1;
    return t;
  }
  if (text_[digits] == '0' && ndigits > 1) {
    return Error(start, fmt::format("leading zeros are not allowed in the "
                                    "integer '{}'",
                                    text_.substr(start, p - start)));
  }
  t.kind = negative ? Tok::kIntNeg : Tok::kIntPos;
  t.length = p - start;
  t.literal.kind = LiteralKind::kInt;
  std::string_view num = text_.substr(digits, ndigits);
  uint64_t mag = 0;
  bool overflow = false;
  for (char c : num) {
    if (mag > (UINT64_MAX - 9) / 10) overflow = true;
    if (!overflow) mag = mag * 10 + static_cast<uint64_t>(c - '0');
  }
  uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (overflow || mag > limit) {
    t.literal.int_overflow = true;
    double d = 0;
    std::from_chars(num.data(), num.data() + num.size(), d);
    t.literal.float_value = negative ? -d : d;
  } else {
    t.literal.int_value =
        negative ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
    t.literal.float_value = static_cast<double>(t.literal.int_value);
  }
  pos_ = p;
  return t;
}

Token Lexer::LexQuoted(size_t start, char prefix) {
  // `start` is at the prefix letter (or at the quote when prefix is 0).
  size_t open = prefix == 0 ? start : start + 1;
  size_t p = open + 1;
  std::string content;
  bool closed = false;
  while (p < text_.size()) {
    char c = text_[p];
    if (c == '\'') {
      closed = true;
      ++p;
      break;
    }
    if (c == '\\') {
      if (prefix != 0) {
        return Error(p, fmt::format("a backslash is not allowed in a {}'…' "
                                    "literal",
                                    prefix));
      }
      if (p + 1 >= text_.size()) break;
      char e = text_[p + 1];
      if (e != '\'' && e != '\\') {
        size_t len = 1;
        while (p + 1 + len < text_.size() &&
               (static_cast<unsigned char>(text_[p + 1 + len]) & 0xC0) ==
                   0x80) {
          ++len;
        }
        return Error(p, fmt::format("invalid escape '\\{}' in a string: only "
                                    "\\' and \\\\ are allowed",
                                    text_.substr(p + 1, len)));
      }
      content.push_back(e);
      p += 2;
      continue;
    }
    content.push_back(c);
    ++p;
  }
  if (!closed) {
    const char* what = prefix == 'b'   ? "binary literal"
                       : prefix == 'h' ? "hex literal"
                       : prefix == 't' ? "timestamp literal"
                                       : "string";
    return Error(start, fmt::format("unterminated {}: no closing quote", what));
  }
  Token t;
  t.offset = start;
  t.length = p - start;
  pos_ = p;
  switch (prefix) {
    case 0:
      t.kind = Tok::kString;
      t.literal.kind = LiteralKind::kString;
      t.literal.bytes = std::move(content);
      return t;
    case 'h': {
      t.kind = Tok::kHex;
      t.literal.kind = LiteralKind::kHex;
      if (content.size() % 2 != 0) {
        return Error(start, "a hex literal needs an even number of hex digits");
      }
      for (size_t i = 0; i < content.size(); i += 2) {
        if (!IsHexDigit(content[i]) || !IsHexDigit(content[i + 1])) {
          return Error(open + 1 + i, fmt::format("'{}' is not a hex digit pair",
                                                 content.substr(i, 2)));
        }
        t.literal.bytes.push_back(static_cast<char>(HexValue(content[i]) * 16 +
                                                    HexValue(content[i + 1])));
      }
      return t;
    }
    case 'b': {
      t.kind = Tok::kBinary;
      t.literal.kind = LiteralKind::kBinary;
      size_t n = content.size();
      if (n == 0 || n % 4 != 0) {
        return Error(start,
                     "a binary literal needs base64 text in groups of "
                     "4 characters (b'aGVsbG8=')");
      }
      size_t pad = 0;
      if (content[n - 1] == '=') ++pad;
      if (content[n - 2] == '=') ++pad;
      uint32_t acc = 0;
      for (size_t i = 0; i < n; ++i) {
        int v = i >= n - pad ? 0 : Base64Value(content[i]);
        if (v < 0) {
          return Error(
              open + 1 + i,
              fmt::format("'{}' is not a base64 character", content[i]));
        }
        acc = (acc << 6) | static_cast<uint32_t>(v);
        if (i % 4 == 3) {
          t.literal.bytes.push_back(static_cast<char>((acc >> 16) & 0xFF));
          t.literal.bytes.push_back(static_cast<char>((acc >> 8) & 0xFF));
          t.literal.bytes.push_back(static_cast<char>(acc & 0xFF));
          acc = 0;
        }
      }
      t.literal.bytes.resize(t.literal.bytes.size() - pad);
      return t;
    }
    case 't': {
      t.kind = Tok::kTimestamp;
      t.literal.kind = LiteralKind::kTimestamp;
      std::string why = CheckTimestamp(content, &t.literal);
      if (!why.empty()) {
        return Error(start, fmt::format("invalid timestamp literal t'{}': {}",
                                        content, why));
      }
      t.literal.bytes = std::move(content);
      return t;
    }
  }
  return t;
}

Token Lexer::Next() {
  if (!error_.empty()) {
    Token t;
    t.kind = Tok::kEnd;
    t.offset = text_.size();
    return t;
  }
  if (!SkipSpaceAndComments()) {
    Token t;
    t.kind = Tok::kError;
    t.offset = error_offset_;
    return t;
  }
  Token t;
  t.offset = pos_;
  if (pos_ >= text_.size()) {
    t.kind = Tok::kEnd;
    return t;
  }
  size_t start = pos_;
  char c = text_[pos_];
  auto single = [&](Tok k, size_t len = 1) {
    t.kind = k;
    t.length = len;
    pos_ += len;
    return t;
  };
  auto peek = [&](size_t i) {
    return pos_ + i < text_.size() ? text_[pos_ + i] : '\0';
  };
  switch (c) {
    case '[':
      return single(Tok::kLBrack);
    case ']':
      return single(Tok::kRBrack);
    case '(':
      return single(Tok::kLParen);
    case ')':
      return single(Tok::kRParen);
    case ':':
      return single(Tok::kColon);
    case ',':
      return single(Tok::kComma);
    case '*':
      return single(Tok::kStar);
    case '=':
      return peek(1) == '=' ? single(Tok::kEq, 2) : single(Tok::kEq);
    case '!':
      if (peek(1) == '=') return single(Tok::kNeq, 2);
      return Error(start, "unexpected character '!' (did you mean '!='?)");
    case '<':
      if (peek(1) == '=') return single(Tok::kLe, 2);
      if (peek(1) == '>') return single(Tok::kNeq, 2);
      return single(Tok::kLt);
    case '>':
      return peek(1) == '=' ? single(Tok::kGe, 2) : single(Tok::kGt);
    case '^':
    case '/':
      return single(Tok::kOther);
    case '\'':
      return LexQuoted(start, 0);
    case '.':
      if (IsDigit(peek(1))) return LexNumber(start);
      return single(Tok::kDot);
    default:
      break;
  }
  if (c == '+' || c == '-' || IsDigit(c)) return LexNumber(start);
  if (IsIdentStart(c)) {
    size_t p = pos_ + 1;
    bool hyphen = false;
    while (p < text_.size() && IsIdentChar(text_[p])) {
      hyphen = hyphen || text_[p] == '-';
      ++p;
    }
    std::string_view word = text_.substr(start, p - start);
    if (word.size() == 1 && p < text_.size() && text_[p] == '\'' &&
        (c == 'b' || c == 'h' || c == 't')) {
      return LexQuoted(start, c);
    }
    t.length = word.size();
    pos_ = p;
    t.kind = hyphen ? Tok::kIdentHyphen : Tok::kIdent;
    if (!hyphen) {
      for (const Keyword& k : kKeywords) {
        if (k.word == word) {
          t.kind = k.tok;
          if (k.tok == Tok::kBool) {
            t.literal.kind = LiteralKind::kBool;
            t.literal.bool_value = word == "true";
          }
          break;
        }
      }
    }
    return t;
  }
  size_t len = 1;
  while (start + len < text_.size() &&
         (static_cast<unsigned char>(text_[start + len]) & 0xC0) == 0x80) {
    ++len;
  }
  std::string_view ch = text_.substr(start, len);
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
    return Error(start, fmt::format("unexpected control character U+{:04X}",
                                    static_cast<unsigned>(c)));
  }
  std::string hint;
  if (c == '"') hint = " (strings use single quotes: 'text')";
  return Error(start, fmt::format("unexpected character '{}'{}", ch, hint));
}

std::string DescribeToken(std::string_view text, const Token& token) {
  std::string_view s = text.substr(token.offset, token.length);
  auto clip = [](std::string_view v) {
    if (v.size() <= 40) return std::string(v);
    size_t n = 40;
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
    return std::string(v.substr(0, n)) + "…";
  };
  switch (token.kind) {
    case Tok::kEnd:
      return "the end of the pattern";
    case Tok::kError:
      return "an invalid token";
    case Tok::kIdent:
    case Tok::kIdentHyphen:
      return fmt::format("identifier '{}'", clip(s));
    case Tok::kString:
      return fmt::format("string {}", clip(s));
    case Tok::kIntPos:
    case Tok::kIntNeg:
      return fmt::format("integer {}", clip(s));
    case Tok::kFloatPos:
    case Tok::kFloatNeg:
      return fmt::format("number {}", clip(s));
    case Tok::kBinary:
    case Tok::kHex:
    case Tok::kTimestamp:
      return fmt::format("literal {}", clip(s));
    default:
      return fmt::format("'{}'", clip(s));
  }
}

}  // namespace ncert::pattern::internal
