// Canonical text of a pattern (see Pattern::canonical()).
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "pattern/lexer.h"
#include "pattern/parser.h"

namespace ncert::pattern::internal {
namespace {

bool IsPlainIdentifier(std::string_view s) {
  if (s.empty()) return false;
  char c = s[0];
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) {
    return false;
  }
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9') || ch == '_')) {
      return false;
    }
  }
  return !IsKeyword(s);
}

void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('\'');
  for (char c : s) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

void AppendKey(std::string_view key, std::string* out) {
  if (IsPlainIdentifier(key)) {
    out->append(key);
  } else {
    AppendQuoted(key, out);
  }
}

std::string FormatFloat(double v) {
  if (std::isinf(v)) {
    // Only reachable for literals beyond double range; keep a valid float.
    return v < 0 ? "-1.7976931348623157e308" : "1.7976931348623157e308";
  }
  char buf[400];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  std::string s = ec == std::errc() ? std::string(buf, end) : "0";
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out->push_back(kAlphabet[(n >> 18) & 63]);
    out->push_back(kAlphabet[(n >> 12) & 63]);
    out->push_back(kAlphabet[(n >> 6) & 63]);
    out->push_back(kAlphabet[n & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out->push_back(kAlphabet[(n >> 18) & 63]);
    out->push_back(kAlphabet[(n >> 12) & 63]);
    out->append("==");
  } else if (rest == 2) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out->push_back(kAlphabet[(n >> 18) & 63]);
    out->push_back(kAlphabet[(n >> 12) & 63]);
    out->push_back(kAlphabet[(n >> 6) & 63]);
    out->push_back('=');
  }
}

const char* OpText(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "=";
    case CmpOp::kNeq:
      return "!=";
    case CmpOp::kLt:
      return "<";
    case CmpOp::kLe:
      return "<=";
    case CmpOp::kGt:
      return ">";
    case CmpOp::kGe:
      return ">=";
    case CmpOp::kIn:
      return "IN";
    case CmpOp::kLike:
      return "LIKE";
    case CmpOp::kMatches:
      return "MATCHES";
    case CmpOp::kIsSubset:
      return "ISSUBSET";
    case CmpOp::kIsSuperset:
      return "ISSUPERSET";
    case CmpOp::kExists:
      return "EXISTS";
  }
  return "?";
}

void RenderCmp(const CmpExpr& e, bool parenthesize_or, std::string* out);

void RenderTest(const Comparison& c, std::string* out) {
  if (c.op == CmpOp::kExists) {
    if (c.negated) out->append("NOT ");
    out->append("EXISTS ");
    out->append(RenderPath(c.path));
    return;
  }
  out->append(RenderPath(c.path));
  out->push_back(' ');
  if (c.negated) out->append("NOT ");
  out->append(OpText(c.op));
  out->push_back(' ');
  if (c.op == CmpOp::kIn) {
    out->push_back('(');
    for (size_t i = 0; i < c.values.size(); ++i) {
      if (i > 0) out->append(", ");
      out->append(RenderLiteral(c.values[i]));
    }
    out->push_back(')');
    return;
  }
  out->append(RenderLiteral(c.values.at(0)));
}

void RenderCmp(const CmpExpr& e, bool parenthesize_or, std::string* out) {
  switch (e.kind) {
    case CmpExpr::Kind::kTest:
      RenderTest(e.test, out);
      return;
    case CmpExpr::Kind::kAnd:
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out->append(" AND ");
        RenderCmp(e.children[i], /*parenthesize_or=*/true, out);
      }
      return;
    case CmpExpr::Kind::kOr:
      if (parenthesize_or) out->push_back('(');
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out->append(" OR ");
        RenderCmp(e.children[i], /*parenthesize_or=*/false, out);
      }
      if (parenthesize_or) out->push_back(')');
      return;
  }
}

// Binding strength: FOLLOWEDBY 1 < OR 2 < AND 3 < qualified 4 < leaf 5.
int Strength(const ObsExpr& e) {
  switch (e.kind) {
    case ObsExpr::Kind::kFollowedBy:
      return 1;
    case ObsExpr::Kind::kOr:
      return 2;
    case ObsExpr::Kind::kAnd:
      return 3;
    case ObsExpr::Kind::kQualified:
      return 4;
    case ObsExpr::Kind::kLeaf:
      return 5;
  }
  return 0;
}

void RenderObs(const ObsExpr& e, std::string* out);

void RenderOperand(const ObsExpr& child, int min_strength, std::string* out) {
  bool paren = Strength(child) < min_strength;
  if (paren) out->push_back('(');
  RenderObs(child, out);
  if (paren) out->push_back(')');
}

void RenderQualifier(const Qualifier& q, std::string* out) {
  switch (q.kind) {
    case QualifierKind::kWithin:
      out->append(" WITHIN ");
      out->append(RenderLiteral(q.within));
      out->append(" SECONDS");
      return;
    case QualifierKind::kRepeats:
      out->append(fmt::format(" REPEATS {} TIMES", q.repeats));
      return;
    case QualifierKind::kStartStop:
      out->append(" START ");
      out->append(RenderLiteral(q.start));
      out->append(" STOP ");
      out->append(RenderLiteral(q.stop));
      return;
  }
}

void RenderObs(const ObsExpr& e, std::string* out) {
  switch (e.kind) {
    case ObsExpr::Kind::kLeaf:
      out->append(RenderLeaf(e.leaf));
      return;
    case ObsExpr::Kind::kQualified: {
      // A qualified operand is parenthesized even when it is itself
      // qualified: ([a] WITHIN 5 SECONDS) WITHIN 6 SECONDS stays valid. So is
      // a leaf whose chain repeats a qualifier (valid only that way).
      bool repeated = false;
      bool seen[3] = {false, false, false};
      for (const Qualifier& q : e.qualifiers) {
        int k = static_cast<int>(q.kind);
        repeated = repeated || seen[k];
        seen[k] = true;
      }
      RenderOperand(e.children[0], repeated ? 6 : 5, out);
      for (const Qualifier& q : e.qualifiers) RenderQualifier(q, out);
      return;
    }
    case ObsExpr::Kind::kAnd:
    case ObsExpr::Kind::kOr:
    case ObsExpr::Kind::kFollowedBy: {
      const char* op = e.kind == ObsExpr::Kind::kAnd  ? " AND "
                       : e.kind == ObsExpr::Kind::kOr ? " OR "
                                                      : " FOLLOWEDBY ";
      int min = Strength(e) + 1;
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out->append(op);
        RenderOperand(e.children[i], min, out);
      }
      return;
    }
  }
}

}  // namespace

std::string RenderLiteral(const Literal& l) {
  switch (l.kind) {
    case LiteralKind::kInt:
      if (l.int_overflow) return FormatFloat(l.float_value);
      return fmt::format("{}", l.int_value);
    case LiteralKind::kFloat:
      return FormatFloat(l.float_value);
    case LiteralKind::kString: {
      std::string out;
      AppendQuoted(l.bytes, &out);
      return out;
    }
    case LiteralKind::kBinary: {
      std::string out = "b'";
      AppendBase64(l.bytes, &out);
      out.push_back('\'');
      return out;
    }
    case LiteralKind::kHex: {
      std::string out = "h'";
      for (char c : l.bytes) {
        out.append(fmt::format("{:02x}", static_cast<uint8_t>(c)));
      }
      out.push_back('\'');
      return out;
    }
    case LiteralKind::kBool:
      return l.bool_value ? "true" : "false";
    case LiteralKind::kTimestamp:
      return "t'" + l.bytes + "'";
  }
  return "";
}

std::string RenderPathSteps(const ObjectPath& p) {
  std::string out;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const PathStep& s = p.steps[i];
    switch (s.kind) {
      case PathStep::Kind::kKey:
        if (i > 0) out.push_back('.');
        AppendKey(s.key, &out);
        break;
      case PathStep::Kind::kIndex:
        out.append(fmt::format("[{}]", s.index));
        break;
      case PathStep::Kind::kStar:
        out.append("[*]");
        break;
    }
  }
  return out;
}

std::string RenderPath(const ObjectPath& p) {
  return p.type + ":" + RenderPathSteps(p);
}

std::string RenderLeaf(const CmpExpr& e) {
  std::string out = "[";
  RenderCmp(e, /*parenthesize_or=*/false, &out);
  out.push_back(']');
  return out;
}

std::string Render(const ObsExpr& e) {
  std::string out;
  RenderObs(e, &out);
  return out;
}

}  // namespace ncert::pattern::internal
