// Semantic checks of a parsed pattern. Errors here make a pattern invalid;
// they are the ones the OASIS validator also reports (hash values) plus
// literals an operator cannot use (ISSUBSET needs a CIDR). Everything else
// (unknown types and properties, a literal whose type cannot equal the
// property's) is a warning: such patterns are valid STIX, they just never
// match what the author probably meant.
#include <fmt/format.h>

#include "pattern/lexer.h"
#include "pattern/net.h"
#include "pattern/parser.h"
#include "stix/spec.h"

namespace ncert::pattern::internal {
namespace {

namespace sp = ::ncert::stix::spec_internal;

struct HashRule {
  std::string_view name;   // normalized: upper case, no '-'
  std::string_view label;  // as the message names it
  int lengths[6];          // allowed hex lengths (0 = unused)
};
constexpr HashRule kHashRules[] = {
    {"MD5", "MD5", {32}},
    {"MD6", "MD6", {32, 40, 56, 64, 96, 128}},
    {"RIPEMD160", "RIPEMD-160", {40}},
    {"SHA1", "SHA-1", {40}},
    {"SHA224", "SHA-224", {56}},
    {"SHA256", "SHA-256", {64}},
    {"SHA384", "SHA-384", {96}},
    {"SHA512", "SHA-512", {128}},
    {"SHA3224", "SHA3-224", {56}},
    {"SHA3256", "SHA3-256", {64}},
    {"SHA3384", "SHA3-384", {96}},
    {"SHA3512", "SHA3-512", {128}},
    {"WHIRLPOOL", "WHIRLPOOL", {128}},
};

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
          (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// "" when `value` is a well-formed hash for the algorithm `key`, else the
// algorithm's label. Unknown algorithms are not checked.
std::string_view BadHash(std::string_view key, std::string_view value) {
  std::string norm;
  for (char c : key) {
    if (c == '-' || c == '\'') continue;
    norm.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  if (norm == "SSDEEP") {
    if (value.empty() || value.size() > 128) return "SSDEEP";
    for (char c : value) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '/' || c == '+' || c == ':' ||
                c == '.';
      if (!ok) return "SSDEEP";
    }
    return "";
  }
  for (const HashRule& r : kHashRules) {
    if (r.name != norm) continue;
    if (!IsHex(value)) return r.label;
    for (int len : r.lengths) {
      if (len != 0 && static_cast<size_t>(len) == value.size()) return "";
    }
    return r.label;
  }
  return "";
}

// What a property holds, as far as comparisons care.
enum class Shape {
  kUnknown,
  kNumber,
  kString,
  kBinary,  // _hex and _bin properties
  kBool,
  kTimestamp,
  kList,
  kObject,
};

Shape ShapeOf(sp::Kind k) {
  switch (k) {
    case sp::Kind::kInteger:
    case sp::Kind::kFloat:
      return Shape::kNumber;
    case sp::Kind::kString:
    case sp::Kind::kVocab:
    case sp::Kind::kUrl:
    case sp::Kind::kIdentifier:
    case sp::Kind::kSelfType:
    case sp::Kind::kSelfId:
    case sp::Kind::kSpecVersion:
      return Shape::kString;
    case sp::Kind::kHex:
    case sp::Kind::kBinary:
      return Shape::kBinary;
    case sp::Kind::kBoolean:
      return Shape::kBool;
    case sp::Kind::kTimestamp:
    case sp::Kind::kTimestampMs:
      return Shape::kTimestamp;
    case sp::Kind::kStringList:
    case sp::Kind::kVocabList:
    case sp::Kind::kIdentifierList:
    case sp::Kind::kObjectList:
    case sp::Kind::kKillChainPhases:
    case sp::Kind::kExternalReferences:
    case sp::Kind::kGranularMarkings:
      return Shape::kList;
    case sp::Kind::kHashes:
    case sp::Kind::kDictionary:
    case sp::Kind::kObject:
    case sp::Kind::kExtensions:
      return Shape::kObject;
    default:
      return Shape::kUnknown;
  }
}

const sp::Property* FindProp(std::span<const sp::Property> props,
                             std::string_view name) {
  for (const sp::Property& p : props) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const sp::Property* FindInSpec(const sp::ObjectSpec& spec,
                               std::string_view name) {
  if (const sp::Property* p = FindProp(spec.props, name)) return p;
  return FindProp(spec.common, name);
}

class Checker {
 public:
  Checker(std::string_view text, std::vector<Diagnostic>* out)
      : columns_(text), out_(out) {}

  void Obs(const ObsExpr& e) {
    switch (e.kind) {
      case ObsExpr::Kind::kLeaf:
        Cmp(e.leaf);
        return;
      case ObsExpr::Kind::kQualified:
        Obs(e.children[0]);
        for (const Qualifier& q : e.qualifiers) Qual(q);
        return;
      default:
        for (const ObsExpr& c : e.children) Obs(c);
        return;
    }
  }

  void Finish() {
    if (suppressed_ > 0) {
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.column = 1;
      d.rule = "too-many-warnings";
      d.message = fmt::format("{} more warnings not shown", suppressed_);
      out_->push_back(std::move(d));
    }
  }

 private:
  void Add(Severity sev, size_t offset, std::string_view rule,
           std::string message) {
    if (sev == Severity::kWarning && ++warnings_ > kMaxWarnings) {
      ++suppressed_;
      return;
    }
    Diagnostic d;
    d.severity = sev;
    d.column = columns_.Column(offset);
    d.rule = std::string(rule);
    d.message = std::move(message);
    out_->push_back(std::move(d));
  }

  void Qual(const Qualifier& q) {
    if (q.kind != QualifierKind::kStartStop) return;
    Timestamp(q.start);
    Timestamp(q.stop);
    if (q.start.timestamp >= q.stop.timestamp) {
      Add(Severity::kWarning, q.offset, "start-stop-order",
          "START is not before STOP: no observation can satisfy this "
          "qualifier");
    }
  }

  void Timestamp(const Literal& l) {
    if (l.kind != LiteralKind::kTimestamp || l.calendar_ok) return;
    Add(Severity::kWarning, l.offset, "timestamp-calendar",
        fmt::format(
            "t'{}' is not a calendar date; it is read as {}", l.bytes,
            FormatTimestamp(l.timestamp,
                            l.timestamp.micros % 1000000 == 0 ? 0 : 6)));
  }

  void Cmp(const CmpExpr& e) {
    if (e.kind != CmpExpr::Kind::kTest) {
      for (const CmpExpr& c : e.children) Cmp(c);
      return;
    }
    const Comparison& c = e.test;
    for (const Literal& l : c.values) Timestamp(l);
    CheckHashes(c);
    if (c.op == CmpOp::kIsSubset || c.op == CmpOp::kIsSuperset) {
      if (!ParseCidr(c.values.at(0).bytes)) {
        Add(Severity::kError, c.values[0].offset, "cidr",
            fmt::format("'{}' is not an IP address or CIDR block ({} compares "
                        "address blocks)",
                        c.values[0].bytes,
                        c.op == CmpOp::kIsSubset ? "ISSUBSET" : "ISSUPERSET"));
      }
    }
    Shape shape = ResolvePath(c.path);
    CheckShape(c, shape);
  }

  void CheckHashes(const Comparison& c) {
    if (c.op != CmpOp::kEq && c.op != CmpOp::kNeq && c.op != CmpOp::kIn) return;
    const auto& steps = c.path.steps;
    if (steps.size() < 2 || steps.back().kind != PathStep::Kind::kKey) return;
    bool under_hashes = false;
    for (size_t i = 0; i + 1 < steps.size(); ++i) {
      if (steps[i].kind == PathStep::Kind::kKey && steps[i].key == "hashes") {
        under_hashes = true;
      }
    }
    if (!under_hashes) return;
    const std::string& key = steps.back().key;
    for (const Literal& l : c.values) {
      if (l.kind != LiteralKind::kString) continue;
      std::string_view label = BadHash(key, l.bytes);
      if (!label.empty()) {
        Add(Severity::kError, l.offset, "hash-value",
            fmt::format("'{}' is not a valid {} hash", l.bytes, label));
      }
    }
  }

  // Follows the path through the STIX 2.1 tables, warning about unknown
  // types and properties; returns the shape of the value it ends at.
  Shape ResolvePath(const ObjectPath& p) {
    const std::string& type = p.type;
    const sp::TypeSpec* ts = sp::FindType(type);
    if (ts == nullptr) {
      if (type.rfind("x-", 0) != 0) {
        Add(Severity::kWarning, p.offset, "unknown-type",
            fmt::format("'{}' is not a STIX 2.1 Cyber-observable Object type "
                        "(custom types start with 'x-')",
                        type));
      }
      return Shape::kUnknown;
    }
    if (ts->object_class != stix::ObjectClass::kSco) {
      Add(Severity::kWarning, p.offset, "not-an-sco",
          fmt::format("'{}' is not a Cyber-observable Object type; patterns "
                      "match the SCOs of observed-data",
                      type));
      return Shape::kUnknown;
    }
    const sp::ObjectSpec* spec = &ts->spec;
    std::string_view owner = type;
    sp::Kind kind = sp::Kind::kAnyJson;
    const sp::Property* prop = nullptr;
    size_t i = 0;
    while (i < p.steps.size()) {
      const PathStep& s = p.steps[i];
      if (s.kind != PathStep::Kind::kKey) {
        ++i;  // an index into a value the table does not describe
        continue;
      }
      if (spec == nullptr) return Shape::kUnknown;  // free-form below here
      prop = FindInSpec(*spec, s.key);
      if (prop == nullptr) {
        if (s.key.rfind("x_", 0) != 0) {
          Add(Severity::kWarning, p.offset, "unknown-property",
              fmt::format("'{}' has no property '{}' in STIX 2.1 (custom "
                          "properties start with 'x_')",
                          owner, s.key));
        }
        return Shape::kUnknown;
      }
      kind = prop->kind;
      ++i;
      switch (kind) {
        case sp::Kind::kExtensions: {
          if (i >= p.steps.size()) return Shape::kObject;
          const PathStep& ext = p.steps[i];
          if (ext.kind != PathStep::Kind::kKey) return Shape::kUnknown;
          const sp::ObjectSpec* es = sp::FindScoExtension(type, ext.key);
          if (es == nullptr) {
            if (ext.key.rfind("x-", 0) != 0 &&
                ext.key.rfind("extension-definition--", 0) != 0) {
              Add(Severity::kWarning, p.offset, "unknown-extension",
                  fmt::format("'{}' has no predefined extension '{}'", type,
                              ext.key));
            }
            return Shape::kUnknown;
          }
          spec = es;
          owner = ext.key;
          ++i;
          continue;
        }
        case sp::Kind::kIdentifier:
        case sp::Kind::kIdentifierList: {
          if (kind == sp::Kind::kIdentifierList) {
            if (i >= p.steps.size()) return Shape::kList;
            if (p.steps[i].kind == PathStep::Kind::kKey) {
              Add(Severity::kWarning, p.offset, "list-index",
                  fmt::format("'{}' is a list of references; index it "
                              "({}[*].{})",
                              s.key, s.key, p.steps[i].key));
              return Shape::kUnknown;
            }
            ++i;  // [*] or [n]
          }
          if (i >= p.steps.size()) return Shape::kString;
          // Dereferenced: the next key is a property of the target type.
          const sp::Targets& t = prop->targets;
          int known = -1;
          int count = 0;
          for (int b = 0; b < sp::kNumTypes; ++b) {
            if ((t.types >> b) & 1) {
              known = b;
              ++count;
            }
          }
          if (t.any || t.custom_sco || t.custom_sdo || count != 1) {
            return Shape::kUnknown;  // several possible targets: no check
          }
          const sp::TypeSpec* target = sp::FindType(sp::kTypeNames[known]);
          if (target == nullptr) return Shape::kUnknown;
          spec = &target->spec;
          owner = target->type;
          continue;
        }
        case sp::Kind::kObject:
          spec = prop->sub;
          owner = s.key;
          continue;
        case sp::Kind::kObjectList:
          if (i < p.steps.size() && p.steps[i].kind != PathStep::Kind::kKey) {
            ++i;
            spec = prop->sub;
            owner = s.key;
            continue;
          }
          return i >= p.steps.size() ? Shape::kList : Shape::kUnknown;
        case sp::Kind::kHashes:
        case sp::Kind::kDictionary:
          if (i >= p.steps.size()) return Shape::kObject;
          // One key down is a value of any shape (hashes: a string).
          if (i + 1 == p.steps.size()) {
            return kind == sp::Kind::kHashes ? Shape::kString : Shape::kUnknown;
          }
          return Shape::kUnknown;
        case sp::Kind::kStringList:
        case sp::Kind::kVocabList:
          if (i >= p.steps.size()) return Shape::kList;
          if (p.steps[i].kind == PathStep::Kind::kKey) return Shape::kUnknown;
          ++i;
          if (i == p.steps.size()) return Shape::kString;
          return Shape::kUnknown;
        default:
          if (i < p.steps.size()) return Shape::kUnknown;
          return ShapeOf(kind);
      }
    }
    return prop == nullptr ? Shape::kUnknown : ShapeOf(kind);
  }

  void CheckShape(const Comparison& c, Shape shape) {
    if (shape == Shape::kUnknown || c.op == CmpOp::kExists) return;
    std::string path = RenderPath(c.path);
    if (shape == Shape::kList) {
      Add(Severity::kWarning, c.offset, "list-index",
          fmt::format("{} is a list; compare its items with {}[*]", path,
                      path));
      return;
    }
    if (shape == Shape::kObject) {
      Add(Severity::kWarning, c.offset, "object-value",
          fmt::format("{} is an object; name one of its keys "
                      "({}.key)",
                      path, path));
      return;
    }
    const char* shape_name = shape == Shape::kNumber   ? "a number"
                             : shape == Shape::kString ? "a string"
                             : shape == Shape::kBinary ? "binary data"
                             : shape == Shape::kBool   ? "a boolean"
                                                       : "a timestamp";
    switch (c.op) {
      case CmpOp::kLike:
      case CmpOp::kMatches:
        if (shape != Shape::kString && shape != Shape::kBinary) {
          Add(Severity::kWarning, c.offset, "operator-type",
              fmt::format("{} holds {}; {} only matches strings", path,
                          shape_name,
                          c.op == CmpOp::kLike ? "LIKE" : "MATCHES"));
        }
        return;
      case CmpOp::kIsSubset:
      case CmpOp::kIsSuperset:
        if (shape != Shape::kString) {
          Add(Severity::kWarning, c.offset, "operator-type",
              fmt::format("{} holds {}; ISSUBSET and ISSUPERSET compare IP "
                          "address strings",
                          path, shape_name));
        }
        return;
      default:
        break;
    }
    for (const Literal& l : c.values) {
      bool ok = true;
      std::string hint;
      switch (l.kind) {
        case LiteralKind::kInt:
        case LiteralKind::kFloat:
          ok = shape == Shape::kNumber;
          break;
        case LiteralKind::kString:
          ok = shape == Shape::kString || shape == Shape::kBinary;
          if (shape == Shape::kTimestamp) {
            hint =
                "; write the time as a timestamp literal t'…' (a string "
                "compares as text)";
          }
          break;
        case LiteralKind::kBinary:
        case LiteralKind::kHex:
          ok = shape == Shape::kBinary || shape == Shape::kString;
          break;
        case LiteralKind::kBool:
          ok = shape == Shape::kBool;
          break;
        case LiteralKind::kTimestamp:
          ok = shape == Shape::kTimestamp;
          break;
      }
      if (!ok) {
        Add(Severity::kWarning, l.offset, "literal-type",
            fmt::format("{} holds {}; {} never equals it{}", path, shape_name,
                        RenderLiteral(l), hint));
      }
    }
  }

  ColumnMapper columns_;
  std::vector<Diagnostic>* out_;
  int warnings_ = 0;
  int suppressed_ = 0;
};

}  // namespace

int ColumnMapper::Column(size_t offset) {
  if (offset < offset_) {
    offset_ = 0;
    column_ = 1;
  }
  for (; offset_ < offset && offset_ < text_.size(); ++offset_) {
    if ((static_cast<unsigned char>(text_[offset_]) & 0xC0) != 0x80) ++column_;
  }
  return column_;
}

void CheckPattern(std::string_view text, const ObsExpr& root,
                  std::vector<Diagnostic>* out) {
  Checker checker(text, out);
  checker.Obs(root);
  checker.Finish();
}

}  // namespace ncert::pattern::internal
