#include "pattern/parser.h"

#include <fmt/format.h>

#include <cmath>

#include "pattern/lexer.h"

namespace ncert::pattern::internal {
namespace {

// Offset of the first byte that is not valid UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + n > s.size()) return i;
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

const char* kValueHint =
    "a string in single quotes, a number, true/false, or b'…', h'…', t'…'";

class Parser {
 public:
  Parser(std::string_view text, const CompileOptions& options,
         Diagnostic* error)
      : text_(text), lexer_(text), options_(options), error_(error) {}

  bool Run(ObsExpr* out, int* leaf_count) {
    Advance();
    if (failed_) return false;
    if (tok_.kind != Tok::kLBrack && tok_.kind != Tok::kLParen) {
      return Fail(tok_.offset,
                  fmt::format("a pattern starts with '[' (an observation "
                              "expression in square brackets) or '('; found {}",
                              Describe()));
    }
    if (!ParseFollowedBy(out)) return false;
    if (tok_.kind != Tok::kEnd) {
      std::string hint;
      if (tok_.kind == Tok::kIdent) {
        std::string upper(Text(tok_));
        for (char& c : upper) {
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        if (IsKeyword(upper)) {
          hint = fmt::format(" (keywords are case-sensitive: write {})", upper);
        }
      }
      return Fail(tok_.offset,
                  fmt::format("expected AND, OR, FOLLOWEDBY, a qualifier "
                              "(WITHIN, REPEATS, START) or the end of the "
                              "pattern; found {}{}",
                              Describe(), hint));
    }
    *leaf_count = leaf_count_;
    return true;
  }

 private:
  std::string_view Text(const Token& t) const {
    return text_.substr(t.offset, t.length);
  }
  std::string Describe() const { return DescribeToken(text_, tok_); }

  void Advance() {
    tok_ = lexer_.Next();
    if (tok_.kind == Tok::kError) {
      Fail(lexer_.error_offset(), lexer_.error());
    }
  }

  bool Fail(size_t offset, std::string message,
            std::string_view rule = "syntax") {
    if (failed_) return false;
    failed_ = true;
    error_->severity = Severity::kError;
    error_->column = ColumnOf(text_, offset);
    error_->rule = std::string(rule);
    error_->message = std::move(message);
    return false;
  }

  bool Enter() {
    if (++depth_ > options_.max_depth) {
      return Fail(tok_.offset,
                  fmt::format("brackets and parentheses are nested more than "
                              "{} deep",
                              options_.max_depth),
                  "pattern-too-deep");
    }
    return true;
  }

  // FOLLOWEDBY chain.
  bool ParseFollowedBy(ObsExpr* out) {
    return ParseChain(out, Tok::kFollowedBy, ObsExpr::Kind::kFollowedBy,
                      &Parser::ParseObsOr);
  }
  bool ParseObsOr(ObsExpr* out) {
    return ParseChain(out, Tok::kOr, ObsExpr::Kind::kOr, &Parser::ParseObsAnd);
  }
  bool ParseObsAnd(ObsExpr* out) {
    return ParseChain(out, Tok::kAnd, ObsExpr::Kind::kAnd,
                      &Parser::ParseQualified);
  }

  // A left-associative chain of `op` over `operand`, at either level
  // (observation expressions and comparisons): a OP b OP c becomes one node
  // with three children, and a nested node of the same kind is flattened.
  template <typename Expr>
  bool ParseChain(Expr* out, Tok op, typename Expr::Kind kind,
                  bool (Parser::*operand)(Expr*)) {
    size_t column = tok_.offset;
    Expr first;
    if (!(this->*operand)(&first)) return false;
    if (tok_.kind != op) {
      *out = std::move(first);
      return true;
    }
    Expr node;
    node.kind = kind;
    node.offset = column;
    auto add = [&](Expr&& e) {
      if (e.kind == kind) {  // (a OR b) OR c: one node
        for (Expr& c : e.children) node.children.push_back(std::move(c));
      } else {
        node.children.push_back(std::move(e));
      }
    };
    add(std::move(first));
    while (tok_.kind == op) {
      Advance();
      if (failed_) return false;
      Expr next;
      if (!(this->*operand)(&next)) return false;
      add(std::move(next));
    }
    *out = std::move(node);
    return true;
  }

  bool ParseQualified(ObsExpr* out) {
    size_t column = tok_.offset;
    // As in the OASIS validator, the duplicate-qualifier rule applies to
    // qualifiers directly on a bracketed expression: ([a]) WITHIN 5 SECONDS
    // WITHIN 6 SECONDS is valid, [a] WITHIN 5 SECONDS WITHIN 6 SECONDS not.
    bool bracketed = tok_.kind == Tok::kLBrack;
    ObsExpr base;
    if (!ParsePrimary(&base)) return false;
    if (tok_.kind != Tok::kWithin && tok_.kind != Tok::kRepeats &&
        tok_.kind != Tok::kStart) {
      *out = std::move(base);
      return true;
    }
    ObsExpr node;
    node.kind = ObsExpr::Kind::kQualified;
    node.offset = column;
    node.children.push_back(std::move(base));
    bool seen[3] = {false, false, false};
    while (tok_.kind == Tok::kWithin || tok_.kind == Tok::kRepeats ||
           tok_.kind == Tok::kStart) {
      Qualifier q;
      size_t offset = tok_.offset;
      if (!ParseQualifier(&q)) return false;
      int k = static_cast<int>(q.kind);
      if (seen[k] && bracketed) {
        static constexpr const char* kNames[] = {"WITHIN", "REPEATS",
                                                 "START/STOP"};
        return Fail(offset,
                    fmt::format("duplicate {} qualifier on the same "
                                "observation expression; put the qualified "
                                "expression in parentheses to apply {} again",
                                kNames[k], kNames[k]),
                    "duplicate-qualifier");
      }
      seen[k] = true;
      node.qualifiers.push_back(std::move(q));
    }
    *out = std::move(node);
    return true;
  }

  bool ParseQualifier(Qualifier* q) {
    q->offset = tok_.offset;
    if (tok_.kind == Tok::kWithin) {
      q->kind = QualifierKind::kWithin;
      size_t kw = tok_.offset;
      Advance();
      if (failed_) return false;
      if (tok_.kind != Tok::kIntPos && tok_.kind != Tok::kFloatPos) {
        return Fail(tok_.offset,
                    fmt::format("expected a positive number of seconds after "
                                "WITHIN; found {}",
                                Describe()));
      }
      q->within = tok_.literal;
      q->within.offset = tok_.offset;
      double seconds = q->within.kind == LiteralKind::kInt
                           ? static_cast<double>(q->within.float_value)
                           : q->within.float_value;
      if (!(seconds > 0)) {
        return Fail(tok_.offset, "the WITHIN duration must be greater than 0",
                    "qualifier-range");
      }
      if (seconds > 9.2e12) {
        return Fail(tok_.offset,
                    "the WITHIN duration is too large (at most 9.2e12 seconds)",
                    "qualifier-range");
      }
      if (q->within.kind == LiteralKind::kInt) {
        q->within_micros = q->within.int_value * 1000000;
      } else {
        q->within_micros = std::llround(seconds * 1e6);
      }
      (void)kw;
      Advance();
      if (failed_) return false;
      if (tok_.kind != Tok::kSeconds) {
        return Fail(tok_.offset,
                    fmt::format("expected SECONDS after the WITHIN duration "
                                "(the only unit); found {}",
                                Describe()));
      }
      Advance();
      return !failed_;
    }
    if (tok_.kind == Tok::kRepeats) {
      q->kind = QualifierKind::kRepeats;
      Advance();
      if (failed_) return false;
      if (tok_.kind != Tok::kIntPos) {
        return Fail(tok_.offset,
                    fmt::format("expected a positive integer after REPEATS; "
                                "found {}",
                                Describe()));
      }
      if (tok_.literal.int_overflow) {
        return Fail(tok_.offset,
                    "the REPEATS count is too large (at most "
                    "9223372036854775807)",
                    "qualifier-range");
      }
      if (tok_.literal.int_value < 1) {
        return Fail(tok_.offset, "the REPEATS count must be at least 1",
                    "qualifier-range");
      }
      q->repeats = tok_.literal.int_value;
      Advance();
      if (failed_) return false;
      if (tok_.kind != Tok::kTimes) {
        return Fail(tok_.offset,
                    fmt::format("expected TIMES after the REPEATS count; "
                                "found {}",
                                Describe()));
      }
      Advance();
      return !failed_;
    }
    // START t'...' STOP t'...'
    q->kind = QualifierKind::kStartStop;
    Advance();
    if (failed_) return false;
    if (tok_.kind != Tok::kTimestamp) {
      return Fail(tok_.offset,
                  fmt::format("expected a timestamp literal t'YYYY-MM-DDTHH:"
                              "MM:SSZ' after START; found {}",
                              Describe()));
    }
    q->start = tok_.literal;
    q->start.offset = tok_.offset;
    Advance();
    if (failed_) return false;
    if (tok_.kind != Tok::kStop) {
      return Fail(tok_.offset,
                  fmt::format("expected STOP after the START timestamp; "
                              "found {}",
                              Describe()));
    }
    Advance();
    if (failed_) return false;
    if (tok_.kind != Tok::kTimestamp) {
      return Fail(tok_.offset,
                  fmt::format("expected a timestamp literal t'YYYY-MM-DDTHH:"
                              "MM:SSZ' after STOP; found {}",
                              Describe()));
    }
    q->stop = tok_.literal;
    q->stop.offset = tok_.offset;
    Advance();
    return !failed_;
  }

  bool ParsePrimary(ObsExpr* out) {
    size_t column = tok_.offset;
    if (tok_.kind == Tok::kLParen) {
      if (!Enter()) return false;
      size_t open = tok_.offset;
      Advance();
      if (failed_) return false;
      if (!ParseFollowedBy(out)) return false;
      if (tok_.kind != Tok::kRParen) {
        return Fail(tok_.offset,
                    fmt::format("expected ')' to close the '(' at column {}, "
                                "or AND, OR, FOLLOWEDBY, a qualifier; found {}",
                                ColumnOf(text_, open), Describe()));
      }
      --depth_;
      Advance();
      return !failed_;
    }
    if (tok_.kind != Tok::kLBrack) {
      return Fail(tok_.offset,
                  fmt::format("expected '[' or '(' to start an observation "
                              "expression; found {}",
                              Describe()));
    }
    if (!Enter()) return false;
    size_t open = tok_.offset;
    Advance();
    if (failed_) return false;
    out->kind = ObsExpr::Kind::kLeaf;
    out->offset = column;
    out->leaf_index = leaf_count_++;
    if (!ParseCmpOr(&out->leaf)) return false;
    if (tok_.kind != Tok::kRBrack) {
      return Fail(tok_.offset,
                  fmt::format("expected ']' to close the '[' at column {}, or "
                              "AND, OR; found {}",
                              ColumnOf(text_, open), Describe()));
    }
    --depth_;
    Advance();
    return !failed_;
  }

  bool ParseCmpOr(CmpExpr* out) {
    return ParseChain(out, Tok::kOr, CmpExpr::Kind::kOr, &Parser::ParseCmpAnd);
  }
  bool ParseCmpAnd(CmpExpr* out) {
    return ParseChain(out, Tok::kAnd, CmpExpr::Kind::kAnd,
                      &Parser::ParsePropTest);
  }

  bool ParsePropTest(CmpExpr* out) {
    out->offset = tok_.offset;
    if (tok_.kind == Tok::kLParen) {
      if (!Enter()) return false;
      size_t open = tok_.offset;
      Advance();
      if (failed_) return false;
      if (!ParseCmpOr(out)) return false;
      if (tok_.kind != Tok::kRParen) {
        return Fail(tok_.offset,
                    fmt::format("expected ')' to close the '(' at column {}, "
                                "or AND, OR; found {}",
                                ColumnOf(text_, open), Describe()));
      }
      --depth_;
      Advance();
      return !failed_;
    }
    out->kind = CmpExpr::Kind::kTest;
    Comparison& c = out->test;
    if (tok_.kind == Tok::kNot || tok_.kind == Tok::kExists) {
      // EXISTS path, and NOT EXISTS path (NOT may qualify every operator).
      if (tok_.kind == Tok::kNot) {
        c.negated = true;
        Advance();
        if (failed_) return false;
        if (tok_.kind != Tok::kExists) {
          return Fail(tok_.offset,
                      fmt::format("NOT goes after the object path "
                                  "(file:name NOT LIKE 'x'), or before EXISTS; "
                                  "found {} after NOT",
                                  Describe()));
        }
      }
      c.op = CmpOp::kExists;
      c.offset = tok_.offset;
      Advance();
      if (failed_) return false;
      return ParsePath(&c.path);
    }
    if (!ParsePath(&c.path)) return false;
    if (tok_.kind == Tok::kNot) {
      c.negated = true;
      Advance();
      if (failed_) return false;
    }
    c.offset = tok_.offset;
    std::string op_text(Text(tok_));
    switch (tok_.kind) {
      case Tok::kEq:
      case Tok::kNeq: {
        c.op = tok_.kind == Tok::kEq ? CmpOp::kEq : CmpOp::kNeq;
        Advance();
        if (failed_) return false;
        c.values.emplace_back();
        return ParseLiteral(&c.values.back(), /*allow_bool=*/true, op_text);
      }
      case Tok::kLt:
      case Tok::kLe:
      case Tok::kGt:
      case Tok::kGe: {
        c.op = tok_.kind == Tok::kLt   ? CmpOp::kLt
               : tok_.kind == Tok::kLe ? CmpOp::kLe
               : tok_.kind == Tok::kGt ? CmpOp::kGt
                                       : CmpOp::kGe;
        Advance();
        if (failed_) return false;
        c.values.emplace_back();
        return ParseLiteral(&c.values.back(), /*allow_bool=*/false, op_text);
      }
      case Tok::kIn: {
        c.op = CmpOp::kIn;
        Advance();
        if (failed_) return false;
        if (tok_.kind != Tok::kLParen) {
          return Fail(tok_.offset,
                      fmt::format("expected '(' and a list of values after IN "
                                  "(IN ('a', 'b')); found {}",
                                  Describe()));
        }
        Advance();
        if (failed_) return false;
        if (tok_.kind == Tok::kRParen) {
          Advance();
          return !failed_;
        }
        while (true) {
          c.values.emplace_back();
          if (!ParseLiteral(&c.values.back(), true, "IN (")) return false;
          if (tok_.kind == Tok::kComma) {
            Advance();
            if (failed_) return false;
            continue;
          }
          if (tok_.kind == Tok::kRParen) break;
          return Fail(
              tok_.offset,
              fmt::format("expected ',' or ')' in the IN list; found {}",
                          Describe()));
        }
        Advance();
        return !failed_;
      }
      case Tok::kLike:
      case Tok::kMatches:
      case Tok::kIsSubset:
      case Tok::kIsSuperset: {
        c.op = tok_.kind == Tok::kLike       ? CmpOp::kLike
               : tok_.kind == Tok::kMatches  ? CmpOp::kMatches
               : tok_.kind == Tok::kIsSubset ? CmpOp::kIsSubset
                                             : CmpOp::kIsSuperset;
        Advance();
        if (failed_) return false;
        if (tok_.kind != Tok::kString) {
          std::string_view what =
              c.op == CmpOp::kMatches ? " (a regular expression in single "
                                        "quotes)"
              : c.op == CmpOp::kLike  ? " (with % and _ wildcards)"
                                      : " (an IP address or CIDR)";
          return Fail(tok_.offset,
                      fmt::format("expected a string literal after {}{}; "
                                  "found {}",
                                  op_text, what, Describe()));
        }
        c.values.push_back(tok_.literal);
        c.values.back().offset = tok_.offset;
        Advance();
        return !failed_;
      }
      default:
        return Fail(tok_.offset,
                    fmt::format("expected a comparison operator (=, !=, <, <=, "
                                ">, >=, IN, LIKE, MATCHES, ISSUBSET, "
                                "ISSUPERSET) after the object path; found {}",
                                Describe()));
    }
  }

  bool ParseLiteral(Literal* out, bool allow_bool, std::string_view after) {
    switch (tok_.kind) {
      case Tok::kIntPos:
      case Tok::kIntNeg:
      case Tok::kFloatPos:
      case Tok::kFloatNeg:
      case Tok::kString:
      case Tok::kBinary:
      case Tok::kHex:
      case Tok::kTimestamp:
        break;
      case Tok::kBool:
        if (allow_bool) break;
        return Fail(tok_.offset,
                    fmt::format("{} cannot compare with true or false; use = "
                                "or !=",
                                after));
      default: {
        std::string hint;
        if (tok_.kind == Tok::kIdent || tok_.kind == Tok::kIdentHyphen) {
          hint = " (put strings in single quotes)";
        }
        return Fail(tok_.offset,
                    fmt::format("expected a value after {} ({}); found {}{}",
                                after == "IN (" ? "'('" : after, kValueHint,
                                Describe(), hint));
      }
    }
    *out = tok_.literal;
    out->offset = tok_.offset;
    Advance();
    return !failed_;
  }

  bool ParsePath(ObjectPath* p) {
    p->offset = tok_.offset;
    if (tok_.kind != Tok::kIdent && tok_.kind != Tok::kIdentHyphen) {
      return Fail(tok_.offset,
                  fmt::format("expected an object path (type:property, as in "
                              "file:name); found {}",
                              Describe()));
    }
    p->type = std::string(Text(tok_));
    Advance();
    if (failed_) return false;
    if (tok_.kind != Tok::kColon) {
      return Fail(tok_.offset,
                  fmt::format("expected ':' between the object type '{}' and "
                              "its property; found {}",
                              p->type, Describe()));
    }
    Advance();
    if (failed_) return false;
    if (!ParseKey(p, "after ':'")) return false;
    while (tok_.kind == Tok::kDot || tok_.kind == Tok::kLBrack) {
      if (tok_.kind == Tok::kDot) {
        Advance();
        if (failed_) return false;
        if (!ParseKey(p, "after '.'")) return false;
        continue;
      }
      Advance();
      if (failed_) return false;
      PathStep step;
      if (tok_.kind == Tok::kStar) {
        step.kind = PathStep::Kind::kStar;
      } else if ((tok_.kind == Tok::kIntPos || tok_.kind == Tok::kIntNeg) &&
                 !tok_.literal.int_overflow) {
        step.kind = PathStep::Kind::kIndex;
        step.index = tok_.literal.int_value;
      } else {
        return Fail(tok_.offset,
                    fmt::format("expected a list index ([0], [-1]) or [*]; "
                                "found {}",
                                Describe()));
      }
      Advance();
      if (failed_) return false;
      if (tok_.kind != Tok::kRBrack) {
        return Fail(tok_.offset,
                    fmt::format("expected ']' after the list index; found {}",
                                Describe()));
      }
      Advance();
      if (failed_) return false;
      p->steps.push_back(std::move(step));
    }
    return true;
  }

  bool ParseKey(ObjectPath* p, std::string_view where) {
    PathStep step;
    if (tok_.kind == Tok::kIdent) {
      step.key = std::string(Text(tok_));
    } else if (tok_.kind == Tok::kString) {
      step.key = tok_.literal.bytes;
    } else {
      std::string hint;
      if (tok_.kind == Tok::kIdentHyphen) {
        hint = fmt::format(" (quote property names that contain '-': '{}')",
                           Text(tok_));
      } else if (tok_.kind != Tok::kEnd && tok_.kind != Tok::kError &&
                 IsKeyword(Text(tok_))) {
        hint = fmt::format(" (quote a property named like a keyword: '{}')",
                           Text(tok_));
      }
      return Fail(tok_.offset,
                  fmt::format("expected a property name {}; found {}{}", where,
                              Describe(), hint));
    }
    Advance();
    if (failed_) return false;
    p->steps.push_back(std::move(step));
    return true;
  }

  std::string_view text_;
  Lexer lexer_;
  const CompileOptions& options_;
  Diagnostic* error_;
  Token tok_;
  bool failed_ = false;
  int depth_ = 0;
  int leaf_count_ = 0;
};

}  // namespace

bool ParsePattern(std::string_view text, const CompileOptions& options,
                  ObsExpr* out, int* leaf_count, Diagnostic* error) {
  if (text.size() > options.max_bytes) {
    error->severity = Severity::kError;
    error->column = 1;
    error->rule = "pattern-too-long";
    error->message = fmt::format(
        "the pattern is {} bytes long; at most {} are "
        "accepted",
        text.size(), options.max_bytes);
    return false;
  }
  size_t bad = FirstInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    error->severity = Severity::kError;
    error->column = ColumnOf(text, bad);
    error->rule = "invalid-utf8";
    error->message = fmt::format("invalid UTF-8 (byte 0x{:02X} at offset {})",
                                 static_cast<unsigned char>(text[bad]), bad);
    return false;
  }
  Parser parser(text, options, error);
  return parser.Run(out, leaf_count);
}

}  // namespace ncert::pattern::internal
