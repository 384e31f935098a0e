#include "pattern/evaluator.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "pattern/parser.h"

namespace ncert::pattern::internal {

CompiledTest::~CompiledTest() = default;

namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();
// Deepest recursion of the binding search (Search() calls on the stack).
constexpr int kMaxSearchDepth = 1000;

int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? kMaxTime : kMinTime;
  return r;
}
int64_t SatSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? kMaxTime : kMinTime;
  return r;
}
int64_t SatMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return kMaxTime;
  return r;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

bool IsHexText(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
          (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Hash algorithm names compare without case, '-' and '_' ("sha-256" is
// "SHA256").
std::string NormalizeHashName(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '_') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

// UTF-8 text as Latin-1 bytes; false if a code point is above U+00FF.
bool ToLatin1(std::string_view utf8, std::string* out) {
  out->clear();
  for (size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
      unsigned char d = static_cast<unsigned char>(utf8[i + 1]);
      out->push_back(static_cast<char>(((c & 0x03) << 6) | (d & 0x3F)));
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

bool DecodeHex(std::string_view s, std::string* out) {
  if (s.size() % 2 != 0) return false;
  out->clear();
  auto val = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = val(s[i]), lo = val(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool DecodeBase64(std::string_view s, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      ++pad;
      continue;
    } else {
      return false;
    }
    if (pad > 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return pad <= 2;
}

size_t CodePointLength(std::string_view s, size_t i) {
  size_t n = 1;
  while (i + n < s.size() &&
         (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) {
    ++n;
  }
  return n;
}

// --- Building the program -----------------------------------------------

std::string RegexProblem(const re2::RE2& re) {
  const std::string& arg = re.error_arg();
  auto starts = [&](std::string_view p) { return arg.rfind(p, 0) == 0; };
  switch (re.error_code()) {
    case re2::RE2::ErrorBadEscape:
      if (arg.size() >= 2 && arg[0] == '\\' && arg[1] >= '1' && arg[1] <= '9') {
        return fmt::format(
            "backreferences ({}) are not supported: MATCHES "
            "uses RE2, which runs in linear time (see "
            "docs/patterns.md)",
            arg);
      }
      return fmt::format(
          "invalid escape sequence {} in the regular "
          "expression",
          arg);
    case re2::RE2::ErrorBadPerlOp:
    case re2::RE2::ErrorMissingParen:
      if (starts("(?=") || starts("(?!") || starts("(?<")) {
        return fmt::format(
            "lookahead and lookbehind assertions ({}) are not supported: "
            "MATCHES uses RE2 (see docs/patterns.md; named groups are "
            "written (?P<name>...))",
            arg);
      }
      if (starts("(?>")) {
        return "atomic groups (?>...) are not supported: MATCHES uses RE2 "
               "(see docs/patterns.md)";
      }
      break;
    case re2::RE2::ErrorRepeatOp:
      if (EndsWith(arg, "+")) {
        return fmt::format(
            "possessive quantifiers ({}) are not supported: "
            "MATCHES uses RE2 (see docs/patterns.md)",
            arg);
      }
      break;
    case re2::RE2::ErrorPatternTooLarge:
      return "the regular expression is too large to compile";
    default:
      break;
  }
  return fmt::format("invalid regular expression: {}", re.error());
}

class Builder {
 public:
  Builder(std::string_view text, Program* program,
          std::vector<Diagnostic>* diagnostics)
      : columns_(text), program_(program), diagnostics_(diagnostics) {}

  bool ok() const { return ok_; }

  void Leaves(ObsExpr& e) {
    if (e.kind == ObsExpr::Kind::kLeaf) {
      program_->leaves[static_cast<size_t>(e.leaf_index)] = &e.leaf;
      LeafPlan& plan = program_->plans[static_cast<size_t>(e.leaf_index)];
      plan.root = Cmp(e.leaf, &plan);
      return;
    }
    for (ObsExpr& c : e.children) Leaves(c);
  }

  EvalNode Eval(const ObsExpr& e) {
    EvalNode n;
    switch (e.kind) {
      case ObsExpr::Kind::kLeaf:
        n.kind = EvalNode::Kind::kLeaf;
        n.leaf = e.leaf_index;
        n.min_size = 1;
        return n;
      case ObsExpr::Kind::kAnd:
      case ObsExpr::Kind::kOr:
      case ObsExpr::Kind::kFollowedBy: {
        n.kind = e.kind == ObsExpr::Kind::kAnd  ? EvalNode::Kind::kAnd
                 : e.kind == ObsExpr::Kind::kOr ? EvalNode::Kind::kOr
                                                : EvalNode::Kind::kFollowedBy;
        n.min_size = e.kind == ObsExpr::Kind::kOr ? kMaxTime : 0;
        for (const ObsExpr& c : e.children) {
          n.children.push_back(Eval(c));
          int64_t m = n.children.back().min_size;
          n.min_size = e.kind == ObsExpr::Kind::kOr ? std::min(n.min_size, m)
                                                    : SatAdd(n.min_size, m);
        }
        return n;
      }
      case ObsExpr::Kind::kQualified: {
        n = Eval(e.children[0]);
        for (const Qualifier& q : e.qualifiers) {
          EvalNode w;
          w.min_size = n.min_size;
          switch (q.kind) {
            case QualifierKind::kWithin:
              w.kind = EvalNode::Kind::kWithin;
              w.within_micros = q.within_micros;
              break;
            case QualifierKind::kRepeats:
              w.kind = EvalNode::Kind::kRepeat;
              w.repeats = q.repeats;
              w.min_size = SatMul(n.min_size, q.repeats);
              break;
            case QualifierKind::kStartStop:
              w.kind = EvalNode::Kind::kStartStop;
              w.start = q.start.timestamp.micros;
              w.stop = q.stop.timestamp.micros;
              break;
          }
          w.children.push_back(std::move(n));
          n = std::move(w);
        }
        return n;
      }
    }
    return n;
  }

 private:
  int TypeId(LeafPlan* plan, const std::string& type) {
    for (size_t i = 0; i < plan->types.size(); ++i) {
      if (plan->types[i] == type) return static_cast<int>(i);
    }
    plan->types.push_back(type);
    return static_cast<int>(plan->types.size() - 1);
  }

  void Error(size_t offset, std::string rule, std::string message) {
    ok_ = false;
    Diagnostic d;
    d.severity = Severity::kError;
    d.column = columns_.Column(offset);
    d.rule = std::move(rule);
    d.message = std::move(message);
    diagnostics_->push_back(std::move(d));
  }

  CmpNode Cmp(CmpExpr& e, LeafPlan* plan) {
    CmpNode n;
    if (e.kind == CmpExpr::Kind::kTest) {
      n.kind = CmpNode::Kind::kTest;
      n.test = &e.test;
      auto ct = std::make_shared<CompiledTest>();
      ct->type_id = TypeId(plan, e.test.path.type);
      Prepare(e.test, ct.get());
      e.test.compiled = ct;
      n.single_type = ct->type_id;
      n.types = {ct->type_id};
      return n;
    }
    n.kind = e.kind == CmpExpr::Kind::kAnd ? CmpNode::Kind::kAnd
                                           : CmpNode::Kind::kOr;
    for (CmpExpr& c : e.children) n.children.push_back(Cmp(c, plan));
    for (const CmpNode& c : n.children) {
      n.types.insert(n.types.end(), c.types.begin(), c.types.end());
    }
    std::sort(n.types.begin(), n.types.end());
    n.types.erase(std::unique(n.types.begin(), n.types.end()), n.types.end());
    n.single_type = n.types.size() == 1 ? n.types[0] : -1;
    if (n.kind == CmpNode::Kind::kAnd) Group(&n);
    return n;
  }

  // Splits an AND's children into groups that share no object type.
  static void Group(CmpNode* n) {
    std::unordered_map<int, int> parent;
    std::function<int(int)> find = [&](int x) {
      auto it = parent.find(x);
      if (it == parent.end()) {
        parent[x] = x;
        return x;
      }
      if (it->second == x) return x;
      int r = find(it->second);
      parent[x] = r;
      return r;
    };
    for (const CmpNode& c : n->children) {
      for (int t : c.types) parent[find(t)] = find(c.types[0]);
    }
    std::unordered_map<int, size_t> group_of_root;
    for (size_t i = 0; i < n->children.size(); ++i) {
      int root = find(n->children[i].types[0]);
      auto [it, inserted] = group_of_root.emplace(root, n->groups.size());
      if (inserted) {
        n->groups.emplace_back();
        n->group_types.emplace_back();
      }
      n->groups[it->second].push_back(static_cast<int>(i));
      auto& gt = n->group_types[it->second];
      gt.insert(gt.end(), n->children[i].types.begin(),
                n->children[i].types.end());
    }
    for (auto& gt : n->group_types) {
      std::sort(gt.begin(), gt.end());
      gt.erase(std::unique(gt.begin(), gt.end()), gt.end());
    }
  }

  void Prepare(const Comparison& c, CompiledTest* ct) {
    const auto& steps = c.path.steps;
    ct->ip_value = (c.path.type == "ipv4-addr" || c.path.type == "ipv6-addr") &&
                   steps.size() == 1 && steps[0].key == "value";
    switch (c.op) {
      case CmpOp::kEq:
      case CmpOp::kNeq:
      case CmpOp::kIn:
        for (const Literal& l : c.values) {
          ct->cidrs.push_back(l.kind == LiteralKind::kString
                                  ? ParseCidr(l.bytes)
                                  : std::nullopt);
        }
        break;
      case CmpOp::kIsSubset:
      case CmpOp::kIsSuperset:
        ct->block = ParseCidr(c.values.at(0).bytes);
        break;
      case CmpOp::kMatches: {
        const Literal& l = c.values.at(0);
        re2::RE2::Options o;
        o.set_log_errors(false);
        o.set_encoding(re2::RE2::Options::EncodingUTF8);
        ct->regex = std::make_unique<re2::RE2>(l.bytes, o);
        if (!ct->regex->ok()) {
          Error(l.offset, "regex", RegexProblem(*ct->regex));
          ct->regex.reset();
          return;
        }
        std::string latin1;
        if (ToLatin1(l.bytes, &latin1)) {
          o.set_encoding(re2::RE2::Options::EncodingLatin1);
          ct->regex_binary = std::make_unique<re2::RE2>(latin1, o);
          if (!ct->regex_binary->ok()) ct->regex_binary.reset();
        }
        break;
      }
      default:
        break;
    }
  }

  ColumnMapper columns_;
  Program* program_;
  std::vector<Diagnostic>* diagnostics_;
  bool ok_ = true;
};

// --- Following object paths -----------------------------------------------

enum PathFlags : uint8_t {
  kRefList = 1,     // v is a *_refs list: items are ids to dereference
  kHashesDict = 2,  // v is a `hashes` dictionary
  kInHashes = 4,    // v is a value in a `hashes` dictionary
  kHexEnc = 8,      // v is a *_hex string: compares as bytes
  kB64Enc = 16,     // v is a *_bin string: compares as bytes
};

struct PathValue {
  const Value* v = nullptr;
  const Sco* owner = nullptr;        // the SCO the value belongs to
  const std::string* key = nullptr;  // the member name v was found under
  uint8_t flags = 0;
};

struct Scratch {
  std::vector<PathValue> a, b;
  std::string bytes, lit_bytes;
  std::vector<const Sco*> assign;
};

void Deref(std::string_view id, const Observation& obs,
           std::vector<PathValue>* out) {
  if (const Sco* t = obs.Find(id)) {
    out->push_back(PathValue{&t->object, t, nullptr, 0});
  }
}

void Item(const PathValue& pv, const Value& item, const Observation& obs,
          std::vector<PathValue>* out) {
  if (pv.flags & kRefList) {
    if (item.is_string()) Deref(item.string_value(), obs, out);
    return;
  }
  out->push_back(PathValue{
      &item, pv.owner, pv.key,
      static_cast<uint8_t>(pv.flags & (kHexEnc | kB64Enc | kInHashes))});
}

void Member(const PathValue& pv, const std::string& key, const Value& child,
            const Observation& obs, std::vector<PathValue>* out) {
  if (EndsWith(key, "_ref") && child.is_string()) {
    Deref(child.string_value(), obs, out);
    return;
  }
  if (EndsWith(key, "_refs") && child.is_array()) {
    out->push_back(PathValue{&child, pv.owner, &key, kRefList});
    return;
  }
  uint8_t flags = 0;
  if (key == "hashes") flags |= kHashesDict;
  if (pv.flags & kHashesDict) flags |= kInHashes;
  if (EndsWith(key, "_hex")) {
    flags |= kHexEnc;
  } else if (EndsWith(key, "_bin")) {
    flags |= kB64Enc;
  }
  out->push_back(PathValue{&child, pv.owner, &key, flags});
}

// The values `path` selects in `root` (deduplicated), in scratch->a.
void Walk(const ObjectPath& path, const Sco& root, const Observation& obs,
          Scratch* s) {
  std::vector<PathValue>* cur = &s->a;
  std::vector<PathValue>* next = &s->b;
  cur->clear();
  cur->push_back(PathValue{&root.object, &root, nullptr, 0});
  for (const PathStep& step : path.steps) {
    next->clear();
    for (const PathValue& pv : *cur) {
      const Value& v = *pv.v;
      switch (step.kind) {
        case PathStep::Kind::kKey: {
          if ((pv.flags & kRefList) || !v.is_object()) break;
          const Value::Member* found = nullptr;
          for (const Value::Member& m : v.members()) {
            if (m.first == step.key) {
              found = &m;
              break;
            }
          }
          if (found == nullptr && (pv.flags & kHashesDict)) {
            std::string want = NormalizeHashName(step.key);
            for (const Value::Member& m : v.members()) {
              if (NormalizeHashName(m.first) == want) {
                found = &m;
                break;
              }
            }
          }
          if (found != nullptr) {
            Member(pv, found->first, found->second, obs, next);
          }
          break;
        }
        case PathStep::Kind::kIndex: {
          if (!v.is_array()) break;
          int64_t n = static_cast<int64_t>(v.items().size());
          int64_t i = step.index < 0 ? n + step.index : step.index;
          if (i >= 0 && i < n) {
            Item(pv, v.items()[static_cast<size_t>(i)], obs, next);
          }
          break;
        }
        case PathStep::Kind::kStar:
          if (v.is_array()) {
            for (const Value& item : v.items()) Item(pv, item, obs, next);
          } else if (v.is_object() && !(pv.flags & kRefList)) {
            for (const Value::Member& m : v.members()) {
              Member(pv, m.first, m.second, obs, next);
            }
          }
          break;
      }
    }
    if (next->size() > 1) {
      auto less = [](const PathValue& x, const PathValue& y) {
        return std::tie(x.v, x.flags) < std::tie(y.v, y.flags);
      };
      auto same = [](const PathValue& x, const PathValue& y) {
        return x.v == y.v && x.flags == y.flags;
      };
      std::sort(next->begin(), next->end(), less);
      next->erase(std::unique(next->begin(), next->end(), same), next->end());
    }
    std::swap(cur, next);
    if (cur->empty()) break;
  }
  if (cur != &s->a) std::swap(s->a, s->b);
}

// --- Comparing values
// ---------------------------------------------------------

bool IsIpValue(const PathValue& pv) {
  return pv.owner != nullptr && pv.key != nullptr && *pv.key == "value" &&
         (pv.owner->type == "ipv4-addr" || pv.owner->type == "ipv6-addr");
}

// The bytes a binary-typed or Latin-1 string value stands for.
bool ValueBytes(const PathValue& pv, std::string* out) {
  if (!pv.v->is_string()) return false;
  const std::string& s = pv.v->string_value();
  if (pv.flags & kHexEnc) return DecodeHex(s, out);
  if (pv.flags & kB64Enc) return DecodeBase64(s, out);
  return ToLatin1(s, out);
}

bool Equal(const PathValue& pv, const Literal& lit,
           const std::optional<Cidr>& cidr, Scratch* s) {
  const Value& v = *pv.v;
  switch (lit.kind) {
    case LiteralKind::kInt:
    case LiteralKind::kFloat:
      if (v.kind() == Value::Kind::kInt) {
        if (lit.kind == LiteralKind::kInt && !lit.int_overflow) {
          return v.int_value() == lit.int_value;
        }
        return static_cast<double>(v.int_value()) == lit.float_value;
      }
      if (v.kind() == Value::Kind::kDouble) {
        return v.double_value() == lit.float_value;
      }
      return false;
    case LiteralKind::kString:
      if (!v.is_string()) return false;
      if (pv.flags & (kHexEnc | kB64Enc)) {
        return ValueBytes(pv, &s->bytes) &&
               ToLatin1(lit.bytes, &s->lit_bytes) && s->bytes == s->lit_bytes;
      }
      if (cidr && IsIpValue(pv)) {
        if (auto d = ParseCidr(v.string_value())) return cidr->Contains(*d);
      }
      if ((pv.flags & kInHashes) && IsHexText(lit.bytes) &&
          IsHexText(v.string_value())) {
        return EqualsIgnoreCase(v.string_value(), lit.bytes);
      }
      return v.string_value() == lit.bytes;
    case LiteralKind::kBinary:
    case LiteralKind::kHex:
      return ValueBytes(pv, &s->bytes) && s->bytes == lit.bytes;
    case LiteralKind::kBool:
      return v.kind() == Value::Kind::kBool && v.bool_value() == lit.bool_value;
    case LiteralKind::kTimestamp: {
      if (!v.is_string()) return false;
      auto t = ParseTimestamp(v.string_value());
      return t.ok() && *t == lit.timestamp;
    }
  }
  return false;
}

constexpr int kIncomparable = 2;

template <typename T>
int Cmp3(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int Order(const PathValue& pv, const Literal& lit, Scratch* s) {
  const Value& v = *pv.v;
  switch (lit.kind) {
    case LiteralKind::kInt:
    case LiteralKind::kFloat: {
      if (v.kind() == Value::Kind::kInt && lit.kind == LiteralKind::kInt &&
          !lit.int_overflow) {
        return Cmp3(v.int_value(), lit.int_value);
      }
      double d;
      if (v.kind() == Value::Kind::kInt) {
        d = static_cast<double>(v.int_value());
      } else if (v.kind() == Value::Kind::kDouble) {
        d = v.double_value();
      } else {
        return kIncomparable;
      }
      if (d != d || lit.float_value != lit.float_value) return kIncomparable;
      return Cmp3(d, lit.float_value);
    }
    case LiteralKind::kString:
      if (!v.is_string()) return kIncomparable;
      if (pv.flags & (kHexEnc | kB64Enc)) {
        if (!ValueBytes(pv, &s->bytes) || !ToLatin1(lit.bytes, &s->lit_bytes)) {
          return kIncomparable;
        }
        return Cmp3(s->bytes, s->lit_bytes);
      }
      return Cmp3(v.string_value(), lit.bytes);
    case LiteralKind::kBinary:
    case LiteralKind::kHex:
      if (!ValueBytes(pv, &s->bytes)) return kIncomparable;
      return Cmp3(s->bytes, lit.bytes);
    case LiteralKind::kTimestamp: {
      if (!v.is_string()) return kIncomparable;
      auto t = ParseTimestamp(v.string_value());
      if (!t.ok()) return kIncomparable;
      return Cmp3(t->micros, lit.timestamp.micros);
    }
    case LiteralKind::kBool:
      return kIncomparable;
  }
  return kIncomparable;
}

bool Passes(const Comparison& c, const CompiledTest& ct, const PathValue& pv,
            Scratch* s) {
  bool r = false;
  switch (c.op) {
    case CmpOp::kEq:
      r = Equal(pv, c.values[0], ct.cidrs[0], s);
      break;
    case CmpOp::kNeq:
      r = !Equal(pv, c.values[0], ct.cidrs[0], s);
      break;
    case CmpOp::kIn:
      for (size_t i = 0; i < c.values.size() && !r; ++i) {
        r = Equal(pv, c.values[i], ct.cidrs[i], s);
      }
      break;
    case CmpOp::kLt:
    case CmpOp::kLe:
    case CmpOp::kGt:
    case CmpOp::kGe: {
      int o = Order(pv, c.values[0], s);
      if (o == kIncomparable) {
        r = false;
      } else {
        r = c.op == CmpOp::kLt   ? o < 0
            : c.op == CmpOp::kLe ? o <= 0
            : c.op == CmpOp::kGt ? o > 0
                                 : o >= 0;
      }
      break;
    }
    case CmpOp::kLike:
      if (pv.v->is_string()) {
        if (pv.flags & (kHexEnc | kB64Enc)) {
          r = ValueBytes(pv, &s->bytes) &&
              LikeMatch(s->bytes, c.values[0].bytes);
        } else {
          r = LikeMatch(pv.v->string_value(), c.values[0].bytes);
        }
      }
      break;
    case CmpOp::kMatches:
      if (pv.v->is_string()) {
        if (pv.flags & (kHexEnc | kB64Enc)) {
          r = ct.regex_binary != nullptr && ValueBytes(pv, &s->bytes) &&
              re2::RE2::PartialMatch(s->bytes, *ct.regex_binary);
        } else {
          r = ct.regex != nullptr &&
              re2::RE2::PartialMatch(pv.v->string_value(), *ct.regex);
        }
      }
      break;
    case CmpOp::kIsSubset:
    case CmpOp::kIsSuperset:
      if (pv.v->is_string() && ct.block) {
        if (auto d = ParseCidr(pv.v->string_value())) {
          r = c.op == CmpOp::kIsSubset ? ct.block->Contains(*d)
                                       : d->Contains(*ct.block);
        }
      }
      break;
    case CmpOp::kExists:
      r = true;
      break;
  }
  return c.negated ? !r : r;
}

bool EvalTest(const Comparison& c, const Sco& sco, const Observation& obs,
              Scratch* s) {
  Walk(c.path, sco, obs, s);
  if (c.op == CmpOp::kExists) {
    bool found = !s->a.empty();
    return c.negated ? !found : found;
  }
  const CompiledTest& ct = *c.compiled;
  for (const PathValue& pv : s->a) {  // Passes() does not touch s->a
    if (Passes(c, ct, pv, s)) return true;
  }
  return false;
}

// --- Evaluating observation expressions
// ----------------------------------------

class LeafEvaluator {
 public:
  LeafEvaluator(const LeafPlan& plan, const Observation& obs, Scratch* s,
                int64_t* steps, int64_t max_steps)
      : plan_(plan), obs_(obs), s_(s), steps_(steps), max_steps_(max_steps) {
    s_->assign.assign(plan.types.size(), nullptr);
  }

  bool limited() const { return limited_; }

  bool Exists(const CmpNode& n) {
    if (n.single_type >= 0) {
      const std::string& type = plan_.types[static_cast<size_t>(n.single_type)];
      for (const Sco& sco : obs_.objects) {
        if (sco.type != type) continue;
        s_->assign[static_cast<size_t>(n.single_type)] = &sco;
        if (Eval(n)) return true;
      }
      return false;
    }
    if (n.kind == CmpNode::Kind::kOr) {
      for (const CmpNode& c : n.children) {
        if (Exists(c)) return true;
      }
      return false;
    }
    // AND over several types: each independent group must be satisfiable.
    for (size_t g = 0; g < n.groups.size(); ++g) {
      if (!GroupExists(n, g)) return false;
    }
    return true;
  }

 private:
  bool GroupExists(const CmpNode& n, size_t g) {
    const std::vector<int>& group = n.groups[g];
    const std::vector<int>& types = n.group_types[g];
    if (group.size() == 1)
      return Exists(n.children[static_cast<size_t>(group[0])]);
    // Every combination of one SCO per type (none if the type is absent).
    std::vector<std::vector<const Sco*>> choices(types.size());
    for (size_t i = 0; i < types.size(); ++i) {
      const std::string& type = plan_.types[static_cast<size_t>(types[i])];
      for (const Sco& sco : obs_.objects) {
        if (sco.type == type) choices[i].push_back(&sco);
      }
      if (choices[i].empty()) choices[i].push_back(nullptr);
    }
    std::vector<size_t> at(types.size(), 0);
    while (true) {
      if (++*steps_ > max_steps_) {
        limited_ = true;
        return false;
      }
      for (size_t i = 0; i < types.size(); ++i) {
        s_->assign[static_cast<size_t>(types[i])] = choices[i][at[i]];
      }
      bool all = true;
      for (int c : group) {
        if (!Eval(n.children[static_cast<size_t>(c)])) {
          all = false;
          break;
        }
      }
      if (all) return true;
      size_t i = 0;
      while (i < at.size() && ++at[i] == choices[i].size()) at[i++] = 0;
      if (i == at.size()) return false;
    }
  }

  bool Eval(const CmpNode& n) {
    switch (n.kind) {
      case CmpNode::Kind::kTest: {
        const Sco* sco =
            s_->assign[static_cast<size_t>(n.test->compiled->type_id)];
        return sco != nullptr && EvalTest(*n.test, *sco, obs_, s_);
      }
      case CmpNode::Kind::kAnd:
        for (const CmpNode& c : n.children) {
          if (!Eval(c)) return false;
        }
        return true;
      case CmpNode::Kind::kOr:
        for (const CmpNode& c : n.children) {
          if (Eval(c)) return true;
        }
        return false;
    }
    return false;
  }

  const LeafPlan& plan_;
  const Observation& obs_;
  Scratch* s_;
  int64_t* steps_;
  int64_t max_steps_;
  bool limited_ = false;
};

// --- The binding search
// -------------------------------------------------------

// A continuation: called when everything to the left is bound; returns true
// to stop the whole search (enough bindings, or a limit).
struct Cont {
  bool (*fn)(const void*);
  const void* ctx;
  bool operator()() const { return fn(ctx); }
};
template <typename F>
Cont MakeCont(const F& f) {
  return Cont{[](const void* p) { return (*static_cast<const F*>(p))(); }, &f};
}

class Searcher {
 public:
  Searcher(const Program& program, std::span<const Observation> observations,
           const MatchOptions& options, MatchResult* result)
      : program_(program),
        obs_(observations),
        options_(options),
        result_(result) {}

  void Run() {
    size_t m = obs_.size();
    first_.resize(m);
    last_.resize(m);
    count_.resize(m);
    used_.assign(m, 0);
    for (size_t i = 0; i < m; ++i) {
      first_[i] = obs_[i].first_observed.micros;
      last_[i] = std::max(obs_[i].last_observed.micros, first_[i]);
      count_[i] = obs_[i].number_observed;
      max_duration_ = std::max(max_duration_, SatSub(last_[i], first_[i]));
    }
    if (!EvaluateLeaves()) return;
    ComputeAvailable(program_.eval);
    auto top = [this] { return Record(); };
    Search(program_.eval, MakeCont(top));
    if (!result_->bindings.empty()) {
      result_->outcome = MatchResult::Outcome::kMatch;
    } else if (!result_->limit.empty()) {
      result_->outcome = MatchResult::Outcome::kLimitReached;
    }
    result_->steps = steps_;
  }

 private:
  struct Entry {
    int leaf;
    uint32_t obs;
    int64_t count;
    size_t undo_mark;
  };
  struct Scope {
    int64_t within;
    int64_t max_first = kMinTime;
    int64_t min_last = kMaxTime;
    bool active = true;
  };
  struct Window {
    int64_t start, stop;
    bool active = true;
  };
  struct Bound {
    int64_t lower;  // bound observations must have last >= lower
    bool active = true;
  };
  struct Undo {
    size_t scope;
    int64_t max_first, min_last;
  };

  bool Limit(std::string what) {
    if (result_->limit.empty()) result_->limit = std::move(what);
    return true;
  }
  bool Step() {
    if (++steps_ > options_.max_steps) {
      return Limit(
          fmt::format("evaluation limit reached: more than {} "
                      "steps (MatchOptions::max_steps)",
                      options_.max_steps));
    }
    return false;
  }

  bool EvaluateLeaves() {
    const size_t n = program_.plans.size();
    candidates_.assign(n, {});
    Scratch scratch;
    for (size_t l = 0; l < n; ++l) {
      const LeafPlan& plan = program_.plans[l];
      if (plan.same_as >= 0) {
        candidates_[l] = candidates_[static_cast<size_t>(plan.same_as)];
        continue;
      }
      for (size_t o = 0; o < obs_.size(); ++o) {
        if (count_[o] < 1) continue;
        if (Step()) return false;
        LeafEvaluator ev(plan, obs_[o], &scratch, &steps_, options_.max_steps);
        bool hit = ev.Exists(plan.root);
        if (ev.limited()) {
          Step();
          return false;
        }
        if (hit) candidates_[l].push_back(static_cast<uint32_t>(o));
      }
      std::stable_sort(
          candidates_[l].begin(), candidates_[l].end(),
          [this](uint32_t a, uint32_t b) { return first_[a] < first_[b]; });
    }
    return true;
  }

  // available_[node]: how many observations (counting number_observed) the
  // node's expressions could bind at all; a node needing more cannot match.
  int64_t ComputeAvailable(const EvalNode& node) {
    std::vector<uint32_t> all;
    CollectCandidates(node, &all);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    int64_t total = 0;
    for (uint32_t o : all) total = SatAdd(total, count_[o]);
    available_[&node] = total;
    for (const EvalNode& c : node.children) ComputeAvailable(c);
    return total;
  }
  void CollectCandidates(const EvalNode& node, std::vector<uint32_t>* out) {
    if (node.kind == EvalNode::Kind::kLeaf) {
      const auto& c = candidates_[static_cast<size_t>(node.leaf)];
      out->insert(out->end(), c.begin(), c.end());
      return;
    }
    for (const EvalNode& c : node.children) CollectCandidates(c, out);
  }

  bool Record() {
    Binding b;
    for (const Entry& e : trail_) {
      b.push_back(BoundObservation{e.leaf, e.obs, e.count});
    }
    std::sort(b.begin(), b.end(), [](const auto& x, const auto& y) {
      return std::tie(x.expression, x.observation) <
             std::tie(y.expression, y.observation);
    });
    Binding merged;
    for (const BoundObservation& x : b) {
      if (!merged.empty() && merged.back().expression == x.expression &&
          merged.back().observation == x.observation) {
        merged.back().count = SatAdd(merged.back().count, x.count);
      } else {
        merged.push_back(x);
      }
    }
    result_->bindings.push_back(std::move(merged));
    return static_cast<int>(result_->bindings.size()) >=
           std::max(1, options_.max_bindings);
  }

  bool Admissible(uint32_t o) const {
    if (used_[o] >= count_[o]) return false;
    int64_t f = first_[o], l = last_[o];
    for (const Window& w : windows_) {
      if (w.active && !(f < w.stop && l >= w.start)) return false;
    }
    for (const Bound& b : bounds_) {
      if (b.active && l < b.lower) return false;
    }
    for (const Scope& s : scopes_) {
      if (!s.active) continue;
      int64_t mf = std::max(s.max_first, f);
      int64_t ml = std::min(s.min_last, l);
      if (SatSub(mf, ml) > s.within) return false;
    }
    return true;
  }

  // The candidates of `leaf` worth trying now: [begin, end) by first time.
  std::pair<size_t, size_t> Range(int leaf) const {
    const auto& c = candidates_[static_cast<size_t>(leaf)];
    int64_t hi = kMaxTime;  // first must be < hi
    int64_t lo = kMinTime;  // last must be >= lo
    for (const Window& w : windows_) {
      if (!w.active) continue;
      hi = std::min(hi, w.stop);
      lo = std::max(lo, w.start);
    }
    for (const Bound& b : bounds_) {
      if (b.active) lo = std::max(lo, b.lower);
    }
    for (const Scope& s : scopes_) {
      if (!s.active || s.max_first == kMinTime) continue;
      hi = std::min(hi, SatAdd(SatAdd(s.min_last, s.within), 1));
      lo = std::max(lo, SatSub(s.max_first, s.within));
    }
    int64_t lo_first = SatSub(lo, max_duration_);
    auto begin = std::lower_bound(
        c.begin(), c.end(), lo_first,
        [this](uint32_t o, int64_t t) { return first_[o] < t; });
    auto end = std::lower_bound(
        begin, c.end(), hi,
        [this](uint32_t o, int64_t t) { return first_[o] < t; });
    return {static_cast<size_t>(begin - c.begin()),
            static_cast<size_t>(end - c.begin())};
  }

  void Bind(int leaf, uint32_t o, int64_t n) {
    used_[o] += n;
    trail_.push_back(Entry{leaf, o, n, undo_.size()});
    for (size_t i = 0; i < scopes_.size(); ++i) {
      Scope& s = scopes_[i];
      if (!s.active) continue;
      undo_.push_back(Undo{i, s.max_first, s.min_last});
      s.max_first = std::max(s.max_first, first_[o]);
      s.min_last = std::min(s.min_last, last_[o]);
    }
  }
  void Unbind() {
    const Entry& e = trail_.back();
    used_[e.obs] -= e.count;
    while (undo_.size() > e.undo_mark) {
      const Undo& u = undo_.back();
      scopes_[u.scope].max_first = u.max_first;
      scopes_[u.scope].min_last = u.min_last;
      undo_.pop_back();
    }
    trail_.pop_back();
  }

  struct DepthGuard {
    explicit DepthGuard(int* d) : d_(d) { ++*d_; }
    ~DepthGuard() { --*d_; }
    int* d_;
  };

  bool Search(const EvalNode& node, Cont k) {
    DepthGuard guard(&depth_);
    if (depth_ > kMaxSearchDepth) {
      return Limit(
          fmt::format("evaluation limit reached: the search is "
                      "deeper than {} levels",
                      kMaxSearchDepth));
    }
    if (available_[&node] < node.min_size) return false;
    switch (node.kind) {
      case EvalNode::Kind::kLeaf:
        return SearchLeaf(node.leaf, k);
      case EvalNode::Kind::kAnd:
        return AndFrom(node, 0, k);
      case EvalNode::Kind::kOr:
        for (const EvalNode& c : node.children) {
          if (Search(c, k)) return true;
        }
        return false;
      case EvalNode::Kind::kFollowedBy:
        return FollowedByFrom(node, 0, kMinTime, k);
      case EvalNode::Kind::kWithin: {
        size_t idx = scopes_.size();
        scopes_.push_back(Scope{node.within_micros});
        auto inner = [this, idx, k] {
          scopes_[idx].active = false;
          bool r = k();
          scopes_[idx].active = true;
          return r;
        };
        bool r = Search(node.children[0], MakeCont(inner));
        scopes_.pop_back();
        return r;
      }
      case EvalNode::Kind::kStartStop: {
        size_t idx = windows_.size();
        windows_.push_back(Window{node.start, node.stop});
        auto inner = [this, idx, k] {
          windows_[idx].active = false;
          bool r = k();
          windows_[idx].active = true;
          return r;
        };
        bool r = Search(node.children[0], MakeCont(inner));
        windows_.pop_back();
        return r;
      }
      case EvalNode::Kind::kRepeat:
        if (node.children[0].kind == EvalNode::Kind::kLeaf) {
          return RepeatLeaf(node.children[0].leaf, node.repeats, k);
        }
        return RepeatFrom(node, 0, 0, 0, k);
    }
    return false;
  }

  bool SearchLeaf(int leaf, Cont k) {
    auto [begin, end] = Range(leaf);
    const auto& c = candidates_[static_cast<size_t>(leaf)];
    for (size_t i = begin; i < end; ++i) {
      uint32_t o = c[i];
      if (!Admissible(o)) continue;
      if (Step()) return true;
      Bind(leaf, o, 1);
      bool stop = k();
      Unbind();
      if (stop) return true;
    }
    return false;
  }

  bool AndFrom(const EvalNode& node, size_t i, Cont k) {
    if (i == node.children.size()) return k();
    auto next = [this, &node, i, k] { return AndFrom(node, i + 1, k); };
    return Search(node.children[i], MakeCont(next));
  }

  bool FollowedByFrom(const EvalNode& node, size_t i, int64_t lower, Cont k) {
    if (i == node.children.size()) return k();
    size_t idx = bounds_.size();
    bounds_.push_back(Bound{lower});
    size_t mark = trail_.size();
    auto next = [this, &node, i, idx, mark, lower, k] {
      int64_t latest_first = lower;
      for (size_t t = mark; t < trail_.size(); ++t) {
        latest_first = std::max(latest_first, first_[trail_[t].obs]);
      }
      bounds_[idx].active = false;
      bool r = FollowedByFrom(node, i + 1, latest_first, k);
      bounds_[idx].active = true;
      return r;
    };
    bool r = Search(node.children[i], MakeCont(next));
    bounds_.pop_back();
    return r;
  }

  // REPEATS over a composite expression: the j-th binding of the child must
  // not sort before the (j-1)-th, so each set of bindings is tried once.
  bool RepeatFrom(const EvalNode& node, int64_t j, size_t prev_begin,
                  size_t prev_end, Cont k) {
    if (j == node.repeats) return k();
    size_t mark = trail_.size();
    auto next = [this, &node, j, prev_begin, prev_end, mark, k] {
      if (j > 0 && SegmentLess(mark, trail_.size(), prev_begin, prev_end)) {
        return false;
      }
      return RepeatFrom(node, j + 1, mark, trail_.size(), k);
    };
    return Search(node.children[0], MakeCont(next));
  }

  bool SegmentLess(size_t a0, size_t a1, size_t b0, size_t b1) const {
    auto key = [this](size_t from, size_t to) {
      std::vector<std::pair<uint32_t, int>> v;
      for (size_t t = from; t < to; ++t) {
        for (int64_t c = 0; c < trail_[t].count && c < 4; ++c) {
          v.emplace_back(trail_[t].obs, trail_[t].leaf);
        }
      }
      std::sort(v.begin(), v.end());
      return v;
    };
    return key(a0, a1) < key(b0, b1);
  }

  // REPEATS n over one observation expression: choose how many of each
  // candidate observation to use (a multiset of size n), in candidate
  // order, most first; iterative, so n and the number of candidates do not
  // grow the stack.
  bool RepeatLeaf(int leaf, int64_t n, Cont k) {
    auto [begin, end] = Range(leaf);
    const auto& c = candidates_[static_cast<size_t>(leaf)];
    struct Choice {
      size_t pos;
      int64_t count;
    };
    std::vector<Choice> stack;
    int64_t remaining = n;
    size_t pos = begin;
    bool stop = false;
    while (true) {
      bool advanced = false;
      if (remaining == 0) {
        if (k()) {
          stop = true;
          break;
        }
      } else {
        for (; pos < end; ++pos) {
          uint32_t o = c[pos];
          if (!Admissible(o)) continue;
          if (Step()) {
            stop = true;
            break;
          }
          int64_t take = std::min(count_[o] - used_[o], remaining);
          Bind(leaf, o, take);
          stack.push_back(Choice{pos, take});
          remaining -= take;
          ++pos;
          advanced = true;
          break;
        }
        if (stop) break;
      }
      if (advanced) continue;
      // Backtrack: use one fewer of the last choice, or drop it.
      bool resumed = false;
      while (!stack.empty()) {
        Choice top = stack.back();
        uint32_t o = c[top.pos];
        Unbind();
        remaining += top.count;
        stack.pop_back();
        if (top.count > 1) {
          if (Step()) {
            stop = true;
            break;
          }
          Bind(leaf, o, top.count - 1);
          stack.push_back(Choice{top.pos, top.count - 1});
          remaining -= top.count - 1;
          pos = top.pos + 1;
          resumed = true;
          break;
        }
        pos = top.pos + 1;
        resumed = true;
        break;
      }
      if (stop || !resumed) break;
    }
    while (!stack.empty()) {
      Unbind();
      stack.pop_back();
    }
    return stop;
  }

  const Program& program_;
  std::span<const Observation> obs_;
  const MatchOptions& options_;
  MatchResult* result_;
  std::vector<int64_t> first_, last_, count_, used_;
  int64_t max_duration_ = 0;
  std::vector<std::vector<uint32_t>> candidates_;
  std::unordered_map<const EvalNode*, int64_t> available_;
  std::vector<Entry> trail_;
  std::vector<Undo> undo_;
  std::vector<Scope> scopes_;
  std::vector<Window> windows_;
  std::vector<Bound> bounds_;
  int64_t steps_ = 0;
  int depth_ = 0;
};

// --- Prefilter
// ------------------------------------------------------------------

struct Filter {
  bool anchored = false;
  std::vector<PrefilterAtom> atoms;
};

Filter Unanchored() { return Filter{}; }

Filter TestFilter(const Comparison& c) {
  if (c.negated) return Unanchored();
  Filter f;
  f.anchored = true;
  std::string path = RenderPathSteps(c.path);
  bool ip = (c.path.type == "ipv4-addr" || c.path.type == "ipv6-addr") &&
            c.path.steps.size() == 1 && c.path.steps[0].key == "value";
  auto add = [&](PrefilterAtom::Kind kind, const Literal& l) {
    PrefilterAtom a;
    a.kind = kind;
    a.object_type = c.path.type;
    a.path = path;
    if (l.kind == LiteralKind::kString) {
      a.value = l.bytes;
    } else {
      a.value = RenderLiteral(l);
      a.string_value = false;
    }
    f.atoms.push_back(std::move(a));
  };
  switch (c.op) {
    case CmpOp::kEq:
    case CmpOp::kIn:
      for (const Literal& l : c.values) {
        bool cidr = ip && l.kind == LiteralKind::kString && ParseCidr(l.bytes);
        add(cidr ? PrefilterAtom::Kind::kCidr : PrefilterAtom::Kind::kEquals,
            l);
      }
      return f;  // IN (): anchored with no atom: cannot match
    case CmpOp::kLike:
      add(PrefilterAtom::Kind::kLike, c.values[0]);
      return f;
    case CmpOp::kMatches:
      add(PrefilterAtom::Kind::kRegex, c.values[0]);
      return f;
    case CmpOp::kIsSubset:
      add(PrefilterAtom::Kind::kCidr, c.values[0]);
      return f;
    default:
      return Unanchored();
  }
}

// Lower is better: equality atoms only, then fewer atoms.
std::pair<int, size_t> Cost(const Filter& f) {
  int loose = 0;
  for (const PrefilterAtom& a : f.atoms) {
    if (a.kind == PrefilterAtom::Kind::kLike ||
        a.kind == PrefilterAtom::Kind::kRegex) {
      loose = 1;
    }
  }
  return {loose, f.atoms.size()};
}

Filter Either(std::vector<Filter> parts) {
  Filter f;
  f.anchored = true;
  for (Filter& p : parts) {
    if (!p.anchored) return Unanchored();
    for (PrefilterAtom& a : p.atoms) f.atoms.push_back(std::move(a));
  }
  return f;
}

Filter Both(std::vector<Filter> parts) {
  Filter* best = nullptr;
  for (Filter& p : parts) {
    if (!p.anchored) continue;
    if (best == nullptr || Cost(p) < Cost(*best)) best = &p;
  }
  return best == nullptr ? Unanchored() : std::move(*best);
}

Filter CmpFilter(const CmpExpr& e) {
  if (e.kind == CmpExpr::Kind::kTest) return TestFilter(e.test);
  std::vector<Filter> parts;
  for (const CmpExpr& c : e.children) parts.push_back(CmpFilter(c));
  return e.kind == CmpExpr::Kind::kOr ? Either(std::move(parts))
                                      : Both(std::move(parts));
}

Filter ObsFilter(const ObsExpr& e) {
  switch (e.kind) {
    case ObsExpr::Kind::kLeaf:
      return CmpFilter(e.leaf);
    case ObsExpr::Kind::kQualified:
      return ObsFilter(e.children[0]);
    default: {
      std::vector<Filter> parts;
      for (const ObsExpr& c : e.children) parts.push_back(ObsFilter(c));
      return e.kind == ObsExpr::Kind::kOr ? Either(std::move(parts))
                                          : Both(std::move(parts));
    }
  }
}

}  // namespace

bool LikeMatch(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
      continue;
    }
    if (pi < p.size() && p[pi] == '_') {
      si += CodePointLength(s, si);
      ++pi;
      continue;
    }
    if (pi < p.size() && p[pi] == s[si]) {
      ++si;
      ++pi;
      continue;
    }
    if (star_p != std::string_view::npos) {
      star_s += CodePointLength(s, star_s);
      si = star_s;
      pi = star_p;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

bool BuildProgram(std::string_view text, ObsExpr root, int leaf_count,
                  Program* out, std::vector<Diagnostic>* diagnostics) {
  out->root = std::move(root);
  out->leaf_count = leaf_count;
  out->leaves.assign(static_cast<size_t>(leaf_count), nullptr);
  out->plans.assign(static_cast<size_t>(leaf_count), LeafPlan{});
  Builder builder(text, out, diagnostics);
  builder.Leaves(out->root);
  if (!builder.ok()) return false;
  out->eval = builder.Eval(out->root);
  out->canonical = Render(out->root);
  std::unordered_map<std::string, int> first_with_text;
  for (int i = 0; i < leaf_count; ++i) {
    std::string t = RenderLeaf(*out->leaves[static_cast<size_t>(i)]);
    auto [it, inserted] = first_with_text.emplace(t, i);
    if (!inserted) out->plans[static_cast<size_t>(i)].same_as = it->second;
    out->expressions.push_back(std::move(t));
  }
  return true;
}

MatchResult Evaluate(const Program& program,
                     std::span<const Observation> observations,
                     const MatchOptions& options) {
  MatchResult result;
  Searcher searcher(program, observations, options, &result);
  searcher.Run();
  return result;
}

Prefilter BuildPrefilter(const Program& program) {
  Filter f = ObsFilter(program.root);
  Prefilter p;
  p.anchored = f.anchored;
  if (f.anchored) {
    auto key = [](const PrefilterAtom& a) {
      return std::tie(a.object_type, a.path, a.kind, a.value, a.string_value);
    };
    std::sort(f.atoms.begin(), f.atoms.end(),
              [&](const PrefilterAtom& x, const PrefilterAtom& y) {
                return key(x) < key(y);
              });
    f.atoms.erase(std::unique(f.atoms.begin(), f.atoms.end()), f.atoms.end());
    p.any_of = std::move(f.atoms);
  }
  return p;
}

}  // namespace ncert::pattern::internal
