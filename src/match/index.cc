// IndexBuilder: indicators -> typed structures, Hyperscan database and
// full patterns.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <climits>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "match/index_internal.h"
#include "match/normalize.h"

namespace ncert::match {
namespace {

using internal::Posting;

// "extensions.'x-ja3'.Hash" -> ["extensions", "x-ja3", "hash"] lower-cased,
// quotes and list indexes dropped.
std::vector<std::string> PathKeys(std::string_view path) {
  std::vector<std::string> keys;
  std::string cur;
  bool quoted = false;
  for (char c : path) {
    if (c == '\'') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && (c == '.' || c == '[')) {
      if (!cur.empty()) keys.push_back(cur);
      cur.clear();
      continue;
    }
    if (!quoted && c == ']') {
      cur.clear();  // an index: [0], [*]
      continue;
    }
    cur.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
  }
  if (!cur.empty()) keys.push_back(cur);
  return keys;
}

std::string Underscored(std::string s) {
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

bool OneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

}  // namespace

PathInfo ClassifyPath(std::string_view type, std::string_view path) {
  PathInfo info;
  std::vector<std::string> keys = PathKeys(path);
  if (keys.empty()) return info;
  std::string last = Underscored(keys.back());
  auto set = [&](PathInfo::Kind k, uint32_t fields) {
    info.kind = k;
    info.fields = fields;
    return info;
  };
  // Fingerprints first: custom types and custom properties by their name
  // (docs/matching.md, "JA3, JA3S, HASSH").
  std::string t = Underscored(std::string(type));
  if (last == "value" && keys.size() == 1) {
    if (OneOf(t, {"x_ja3", "x_ja3_hash", "ja3_fingerprint",
                  "x_ja3_fingerprint"})) {
      return set(PathInfo::Kind::kJa3, FieldBit(Field::kJa3));
    }
    if (OneOf(t, {"x_ja3s", "x_ja3s_hash", "ja3s_fingerprint",
                  "x_ja3s_fingerprint"})) {
      return set(PathInfo::Kind::kJa3, FieldBit(Field::kJa3s));
    }
    if (OneOf(t, {"x_hassh", "x_hassh_md5", "x_hassh_hash", "x_hasshserver",
                  "x_hassh_server"})) {
      return set(PathInfo::Kind::kHassh, FieldBit(Field::kHassh));
    }
  }
  if (OneOf(last, {"ja3", "ja3_hash", "ja3_md5", "ja3_fingerprint",
                   "ja3_fingerprint_md5", "x_ja3", "x_ja3_hash", "client_ja3",
                   "x_misp_ja3_fingerprint_md5"})) {
    return set(PathInfo::Kind::kJa3, FieldBit(Field::kJa3));
  }
  if (OneOf(last, {"ja3s", "ja3s_hash", "ja3s_md5", "ja3s_fingerprint",
                   "ja3s_fingerprint_md5", "x_ja3s", "x_ja3s_hash",
                   "server_ja3s", "x_misp_ja3s_fingerprint_md5"})) {
    return set(PathInfo::Kind::kJa3, FieldBit(Field::kJa3s));
  }
  if (OneOf(last, {"hassh", "hassh_md5", "hassh_hash", "x_hassh", "hasshserver",
                   "hasshserver_md5", "hassh_server", "x_hasshserver",
                   "x_misp_hassh_md5", "x_misp_hasshserver_md5"})) {
    return set(PathInfo::Kind::kHassh, FieldBit(Field::kHassh));
  }
  const std::string& k0 = keys[0];
  if ((type == "ipv4-addr" || type == "ipv6-addr") && path == "value") {
    return set(PathInfo::Kind::kIp,
               FieldBit(Field::kSrcIp) | FieldBit(Field::kDstIp));
  }
  if (type == "network-traffic" && keys.size() == 2 && keys[1] == "value") {
    if (k0 == "src_ref")
      return set(PathInfo::Kind::kIp, FieldBit(Field::kSrcIp));
    if (k0 == "dst_ref")
      return set(PathInfo::Kind::kIp, FieldBit(Field::kDstIp));
  }
  if (type == "domain-name" && path == "value") {
    return set(PathInfo::Kind::kDomain,
               FieldBit(Field::kDomain) | FieldBit(Field::kUrlHost));
  }
  if (type == "url" && path == "value") {
    return set(PathInfo::Kind::kUrl, FieldBit(Field::kUrl));
  }
  if ((type == "email-addr" && path == "value") ||
      (type == "email-message" && keys.size() == 2 && keys[1] == "value" &&
       (k0 == "sender_ref" || k0 == "from_ref"))) {
    return set(PathInfo::Kind::kEmail, FieldBit(Field::kEmail));
  }
  if ((type == "file" || type == "artifact") && keys.size() == 2 &&
      k0 == "hashes") {
    info.algorithm = NormalizeHashAlgorithm(keys[1]);
    uint32_t f = 0;
    if (info.algorithm == "md5") f = FieldBit(Field::kMd5);
    if (info.algorithm == "sha1") f = FieldBit(Field::kSha1);
    if (info.algorithm == "sha256") f = FieldBit(Field::kSha256);
    return set(PathInfo::Kind::kHash, f);
  }
  if (type == "file" && path == "name") {
    return set(PathInfo::Kind::kString, FieldBit(Field::kFileName));
  }
  if (type == "process" && path == "name") {
    return set(PathInfo::Kind::kString, FieldBit(Field::kProcess));
  }
  if (type == "process" && path == "command_line") {
    return set(PathInfo::Kind::kString, FieldBit(Field::kCommandLine));
  }
  if (type == "user-account" &&
      (path == "account_login" || path == "user_id")) {
    return set(PathInfo::Kind::kString, FieldBit(Field::kUser));
  }
  if (type == "user-account" && path == "credential") {
    return set(PathInfo::Kind::kString, FieldBit(Field::kPassword));
  }
  if (type == "network-traffic" && keys.size() == 4 &&
      keys[1] == "http_request_ext" && keys[2] == "request_header" &&
      keys[3] == "user-agent") {
    return set(PathInfo::Kind::kString, FieldBit(Field::kUserAgent));
  }
  if (type == "network-traffic" && keys.size() == 4 &&
      keys[1] == "http-request-ext" && keys[2] == "request_header" &&
      keys[3] == "user-agent") {
    return set(PathInfo::Kind::kString, FieldBit(Field::kUserAgent));
  }
  return info;
}

struct IndexBuilder::State {
  IndexOptions options;
  std::unique_ptr<Index> index{new Index()};
  internal::ValueTable::Builder values;
  std::array<std::bitset<129>, 2> cidr_lengths;  // IPv4, IPv6
  std::vector<internal::RegexSet::Entry> regexes;
  simdjson::dom::parser parser;
  void Problem(std::string_view id, std::string_view rule,
               std::string_view message) {
    auto& p = index->impl_->stats.problems;
    if (p.size() < 100)
      p.push_back(fmt::format("{}: {}: {}", id, rule, message));
  }
};

IndexBuilder::IndexBuilder(IndexOptions options) : state_(new State) {
  state_->options = options;
  state_->index->impl_->options = options;
}
IndexBuilder::~IndexBuilder() = default;

namespace {

std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out += "'";
  return out;
}

// The canonical text of one comparison an atom stands for, as
// Pattern::canonical() renders it (used to tell a simple pattern, which
// is exactly an OR of its atoms, from a full one; a mismatch only costs
// speed: the indicator is then confirmed as a full pattern).
std::string RenderAtom(const pattern::PrefilterAtom& a) {
  std::string lhs = a.object_type + ":" + a.path;
  std::string rhs = a.string_value ? Quote(a.value) : a.value;
  switch (a.kind) {
    case pattern::PrefilterAtom::Kind::kEquals:
    case pattern::PrefilterAtom::Kind::kCidr:
      return lhs + " = " + rhs;
    case pattern::PrefilterAtom::Kind::kLike:
      return lhs + " LIKE " + rhs;
    case pattern::PrefilterAtom::Kind::kRegex:
      return lhs + " MATCHES " + rhs;
  }
  return {};
}

bool IsOrOfAtoms(const pattern::Pattern& p,
                 const std::vector<pattern::PrefilterAtom>& atoms) {
  if (p.expressions().size() != 1) return false;
  std::string_view text = p.canonical();
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
    return false;
  }
  text = text.substr(1, text.size() - 2);
  std::vector<std::string> rendered;
  for (const auto& a : atoms) rendered.push_back(RenderAtom(a));
  size_t used = 0;
  while (true) {
    bool found = false;
    for (const std::string& r : rendered) {
      if (text.starts_with(r)) {
        text.remove_prefix(r.size());
        found = true;
        ++used;
        break;
      }
    }
    if (!found) return false;
    if (text.empty()) return used >= 1;
    if (!text.starts_with(" OR ")) return false;
    text.remove_prefix(4);
  }
}

// The SCO types an event observation holds (EventObservation).
bool IsObservedType(std::string_view t) {
  return OneOf(t, {"ipv4-addr", "ipv6-addr", "network-traffic", "domain-name",
                   "url", "email-addr", "file", "process", "user-account",
                   "x-ja3", "x-ja3s", "x-hassh"});
}

}  // namespace

// Where an atom goes in the index.
struct internal::Insertion {
  enum class Where { kValue, kCidr, kRegex } where = Where::kValue;
  std::string key;  // kValue
  std::optional<IpPrefix> prefix;
  internal::RegexSet::Entry regex;
  uint32_t fields = 0;
};

namespace {

using internal::Insertion;

std::optional<Insertion> Place(const pattern::PrefilterAtom& a,
                               const PathInfo& info, bool* no_field) {
  using K = pattern::PrefilterAtom::Kind;
  Insertion ins;
  ins.fields = info.fields;
  *no_field = info.fields == 0;
  if (a.kind == K::kLike || a.kind == K::kRegex) {
    ins.where = Insertion::Where::kRegex;
    ins.regex.expression = a.kind == K::kLike
                               ? internal::LikeToRegex(a.value)
                               : internal::Re2ToHyperscan(a.value);
    ins.regex.dotall = a.kind == K::kLike;
    ins.regex.caseless = info.kind == PathInfo::Kind::kHash ||
                         info.kind == PathInfo::Kind::kJa3 ||
                         info.kind == PathInfo::Kind::kHassh ||
                         info.kind == PathInfo::Kind::kDomain;
    return ins;
  }
  if (!a.string_value && info.kind != PathInfo::Kind::kString) {
    return std::nullopt;
  }
  switch (info.kind) {
    case PathInfo::Kind::kNone:
      return std::nullopt;
    case PathInfo::Kind::kIp: {
      std::optional<IpPrefix> p = ParseIpPrefix(a.value);
      if (!p) return std::nullopt;
      int full = p->addr.family == 4 ? 32 : 128;
      if (p->prefix == full) {
        char key[17];
        ins.key.assign(key, AddressKey(p->addr, key));
      } else {
        ins.where = Insertion::Where::kCidr;
        ins.prefix = p;
      }
      return ins;
    }
    case PathInfo::Kind::kDomain: {
      auto d = NormalizeDomain(a.value);
      if (!d) return std::nullopt;
      ins.key = std::string(1, kSpaceDomain) + *d;
      return ins;
    }
    case PathInfo::Kind::kUrl: {
      auto u = NormalizeUrl(a.value);
      if (!u) return std::nullopt;
      ins.key = std::string(1, kSpaceUrl) + *u;
      return ins;
    }
    case PathInfo::Kind::kEmail: {
      auto e = NormalizeEmail(a.value);
      if (!e) return std::nullopt;
      ins.key = std::string(1, kSpaceEmail) + *e;
      return ins;
    }
    case PathInfo::Kind::kHash: {
      auto h = NormalizeHex(a.value);
      std::string v = h ? *h : a.value;  // SSDEEP, TLSH: as written
      ins.key = std::string(1, kSpaceHash) + info.algorithm + ":" + v;
      return ins;
    }
    case PathInfo::Kind::kJa3:
    case PathInfo::Kind::kHassh: {
      auto h = NormalizeHex(a.value);
      if (!h) return std::nullopt;
      ins.key =
          std::string(
              1, info.kind == PathInfo::Kind::kJa3 ? kSpaceJa3 : kSpaceHassh) +
          *h;
      return ins;
    }
    case PathInfo::Kind::kString: {
      for (unsigned f = 0; f < static_cast<unsigned>(Field::kCount); ++f) {
        if (info.fields & (1u << f)) {
          ins.key = std::string(1, kSpaceString);
          ins.key.push_back(static_cast<char>('a' + f));
          ins.key += a.value;
          break;
        }
      }
      return ins;
    }
  }
  return std::nullopt;
}

}  // namespace

bool ParseSimplePattern(std::string_view text, pattern::PrefilterAtom* atom) {
  constexpr std::string_view kEq = " = '";
  if (text.size() < 8 || text.front() != '[' || !text.ends_with("']")) {
    return false;
  }
  std::string_view body = text.substr(1, text.size() - 3);  // t:p = 'v
  size_t eq = body.find(kEq);
  if (eq == std::string_view::npos) return false;
  std::string_view lhs = body.substr(0, eq);
  std::string_view value = body.substr(eq + kEq.size());
  if (value.empty() || value.find_first_of("'\\") != std::string_view::npos) {
    return false;
  }
  size_t colon = lhs.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view type = lhs.substr(0, colon), path = lhs.substr(colon + 1);
  if (path == "value") {
    if (type != "ipv4-addr" && type != "ipv6-addr" && type != "domain-name" &&
        type != "url" && type != "email-addr") {
      return false;
    }
  } else if (type == "file") {
    size_t hex_len = 0;
    if (path == "hashes.MD5" || path == "hashes.'MD5'") {
      hex_len = 32;
    } else if (path == "hashes.'SHA-1'") {
      hex_len = 40;
    } else if (path == "hashes.'SHA-256'") {
      hex_len = 64;
    } else {
      return false;
    }
    if (value.size() != hex_len) return false;
    for (char c : value) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    path = hex_len == 32 ? "hashes.MD5" : path;
  } else {
    return false;
  }
  // The compiler gives every IP equality as a block ("a.b.c.d" is /32).
  atom->kind = type == "ipv4-addr" || type == "ipv6-addr"
                   ? pattern::PrefilterAtom::Kind::kCidr
                   : pattern::PrefilterAtom::Kind::kEquals;
  atom->object_type.assign(type);
  atom->path.assign(path);
  atom->value.assign(value);
  atom->string_value = true;
  return true;
}

// What one indicator contributes, worked out without touching the builder,
// so several threads can prepare while one commits in order
// (BuildIndexFromStore).
struct internal::Prepared {
  enum class Outcome {
    kIndex,
    kSkippedType,  // pattern_type is not stix
    kInvalid,      // JSON or pattern did not parse
    kRevoked,
    kNotCurrent,
    kNoTelemetry,
  };
  Outcome outcome = Outcome::kIndex;
  std::string id;
  std::string pattern_type;                   // kSkippedType
  std::string problem_rule, problem_message;  // kInvalid
  bool simple = false;
  bool anchored = true;
  std::unique_ptr<pattern::Pattern> pattern;  // full patterns only
  std::vector<Insertion> placed;
};

namespace {

using internal::Prepared;

Prepared PrepareAdd(std::string_view id, std::string_view pattern_type,
                    std::string_view text) {
  Prepared out;
  out.id = std::string(id);
  if (pattern_type != "stix") {
    out.outcome = Prepared::Outcome::kSkippedType;
    out.pattern_type = std::string(pattern_type);
    return out;
  }
  // One typed equality (most feed indicators): the atom without compiling,
  // when the index holds it in a typed structure; else the full compiler.
  if (pattern::PrefilterAtom atom; ParseSimplePattern(text, &atom)) {
    PathInfo info = ClassifyPath(atom.object_type, atom.path);
    bool no_field = false;
    std::optional<Insertion> ins = Place(atom, info, &no_field);
    if (ins && !no_field && info.kind != PathInfo::Kind::kString &&
        ins->where != Insertion::Where::kRegex) {
      out.simple = true;
      out.placed.push_back(std::move(*ins));
      return out;
    }
  }
  pattern::CompileResult compiled = pattern::Compile(text);
  if (!compiled.ok()) {
    out.outcome = Prepared::Outcome::kInvalid;
    out.problem_rule = "pattern";
    out.problem_message = compiled.first_error()->ToString();
    return out;
  }
  pattern::Prefilter pf = compiled.pattern->GetPrefilter();
  bool typed_only = pf.anchored && !pf.any_of.empty();
  // An atom the index cannot hold but an event observation could satisfy
  // (e.g. network-traffic:dst_ref.type) leaves the pattern without a
  // prefilter: it is tried on every event.
  bool observable_unplaced = false;
  for (const auto& atom : pf.any_of) {
    PathInfo info = ClassifyPath(atom.object_type, atom.path);
    bool no_field = false;
    std::optional<Insertion> ins = Place(atom, info, &no_field);
    if (!ins || no_field) {
      typed_only = false;
      if (info.kind == PathInfo::Kind::kNone &&
          IsObservedType(atom.object_type)) {
        observable_unplaced = true;
      }
      continue;
    }
    if (info.kind == PathInfo::Kind::kString &&
        ins->where != Insertion::Where::kRegex) {
      typed_only = false;
    }
    out.placed.push_back(std::move(*ins));
  }
  out.simple = typed_only && out.placed.size() == pf.any_of.size() &&
               IsOrOfAtoms(*compiled.pattern, pf.any_of);
  if (observable_unplaced) pf.anchored = false;
  if (pf.anchored && out.placed.empty()) {
    // Every atom is on something a telemetry event never carries.
    out.outcome = Prepared::Outcome::kNoTelemetry;
    return out;
  }
  out.anchored = pf.anchored;
  if (!out.simple) out.pattern = std::move(compiled.pattern);
  return out;
}

Prepared PrepareStored(simdjson::dom::parser& parser, std::string_view json,
                       Timestamp now) {
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    Prepared out;
    out.outcome = Prepared::Outcome::kInvalid;
    out.id = "?";
    out.problem_rule = "json";
    out.problem_message = "stored indicator is not JSON";
    return out;
  }
  std::string_view id, type = "stix", pattern, from, until;
  bool revoked = false;
  auto str = [&](const char* key, std::string_view* out) {
    if (doc[key].get(*out) != simdjson::SUCCESS) *out = {};
  };
  str("id", &id);
  str("pattern", &pattern);
  str("valid_from", &from);
  str("valid_until", &until);
  if (doc["pattern_type"].get(type) != simdjson::SUCCESS) type = "stix";
  if (doc["revoked"].get(revoked) != simdjson::SUCCESS) revoked = false;
  auto skipped = [&](Prepared::Outcome why) {
    Prepared out;
    out.outcome = why;
    out.id = std::string(id);
    return out;
  };
  if (revoked) return skipped(Prepared::Outcome::kRevoked);
  auto parse = [&](std::string_view ts, bool* ok) {
    Result<Timestamp> t = ParseTimestamp(ts);
    *ok = t.ok();
    return t.ok() ? *t : Timestamp{};
  };
  bool ok = true;
  if (!from.empty()) {
    Timestamp f = parse(from, &ok);
    if (ok && now < f) return skipped(Prepared::Outcome::kNotCurrent);
  }
  if (!until.empty()) {
    Timestamp u = parse(until, &ok);
    if (ok && !(now < u)) return skipped(Prepared::Outcome::kNotCurrent);
  }
  return PrepareAdd(id, type, pattern);
}

}  // namespace

void IndexBuilder::Commit(Prepared&& p) {
  State& s = *state_;
  Index::Impl& x = *s.index->impl_;
  ++x.stats.seen;
  switch (p.outcome) {
    case Prepared::Outcome::kSkippedType:
      ++x.stats.skipped_by_pattern_type[p.pattern_type];
      return;
    case Prepared::Outcome::kInvalid:
      ++x.stats.invalid;
      s.Problem(p.id, p.problem_rule, p.problem_message);
      return;
    case Prepared::Outcome::kRevoked:
      ++x.stats.revoked;
      return;
    case Prepared::Outcome::kNotCurrent:
      ++x.stats.not_current;
      return;
    case Prepared::Outcome::kNoTelemetry:
      ++x.stats.no_telemetry;
      return;
    case Prepared::Outcome::kIndex:
      break;
  }
  auto ordinal = static_cast<uint32_t>(x.indicators.size());
  Index::Impl::Indicator rec;
  rec.id_off = static_cast<uint32_t>(x.ids.size());
  rec.id_len = static_cast<uint32_t>(p.id.size());
  x.ids.append(p.id);
  if (p.simple) {
    ++x.stats.simple;
  } else {
    ++x.stats.full;
    rec.pattern = static_cast<int32_t>(x.patterns.size());
    x.patterns.push_back(std::move(p.pattern));
    if (!p.anchored) {
      ++x.stats.unanchored;
      x.unanchored.push_back(ordinal);
    }
  }
  x.indicators.push_back(rec);
  ++x.stats.indexed;
  if (!p.anchored) return;
  for (Insertion& ins : p.placed) {
    Posting posting{ordinal, ins.fields};
    switch (ins.where) {
      case Insertion::Where::kValue:
        s.values.Add(ins.key, posting);
        break;
      case Insertion::Where::kCidr: {
        const IpPrefix& pre = *ins.prefix;
        s.values.Add(CidrKey(pre.addr, pre.prefix), posting);
        s.cidr_lengths[pre.addr.family == 4 ? 0 : 1].set(
            static_cast<size_t>(pre.prefix));
        break;
      }
      case Insertion::Where::kRegex:
        ins.regex.posting = posting;
        s.regexes.push_back(std::move(ins.regex));
        break;
    }
  }
}

void IndexBuilder::Add(std::string_view id, std::string_view pattern_type,
                       std::string_view text) {
  Commit(PrepareAdd(id, pattern_type, text));
}

void IndexBuilder::AddStored(std::string_view json, Timestamp now) {
  Commit(PrepareStored(state_->parser, json, now));
}

std::shared_ptr<const Index> IndexBuilder::Build() {
  State& s = *state_;
  Index::Impl& x = *s.index->impl_;
  x.values = s.values.Build();
  for (size_t fam = 0; fam < 2; ++fam) {
    x.cidr_lengths[fam].clear();
    for (size_t len = 0; len <= 128; ++len) {
      if (s.cidr_lengths[fam].test(len)) {
        x.cidr_lengths[fam].push_back(static_cast<uint8_t>(len));
      }
    }
  }
  internal::RegexSet::BuildStats rs;
  x.regexes = internal::RegexSet::Build(std::move(s.regexes), &rs);
  x.stats.regex_hyperscan = static_cast<int64_t>(rs.hyperscan);
  x.stats.regex_re2 = static_cast<int64_t>(rs.re2_fallback);
  x.stats.regex_rejected = static_cast<int64_t>(rs.rejected);
  for (const std::string& e : rs.errors) s.Problem("regex", "hyperscan", e);
  int64_t over = 0;
  int min_labels = INT_MAX;
  x.values.ForEach([&](std::string_view key, std::span<const Posting> p) {
    if (p.size() > x.options.max_indicators_per_value) ++over;
    if (key.empty()) return;
    if (key[0] == kSpaceString) x.has_string_keys = true;
    x.has_space[static_cast<unsigned char>(key[0])] = true;
    if (key[0] == kSpaceDomain) {
      int labels =
          1 + static_cast<int>(std::count(key.begin(), key.end(), '.'));
      min_labels = std::min(min_labels, labels);
    }
  });
  x.stats.over_correlating_values = over;
  x.min_domain_labels = min_labels == INT_MAX ? 1 : min_labels;
  x.rate.reset(new std::atomic<uint64_t>[x.indicators.size() + 1]);
  for (size_t i = 0; i <= x.indicators.size(); ++i) x.rate[i].store(0);
  x.ids.shrink_to_fit();
  x.indicators.shrink_to_fit();
  x.stats.bytes = x.values.bytes() + x.regexes.bytes() + x.ids.capacity() +
                  x.indicators.capacity() * sizeof(Index::Impl::Indicator) +
                  x.indicators.size() * sizeof(uint64_t);
  std::shared_ptr<const Index> out(std::move(s.index));
  s.index.reset(new Index());
  s.index->impl_->options = s.options;
  return out;
}

Index::Index() : impl_(new Impl) {}
Index::~Index() = default;
const IndexStats& Index::stats() const { return impl_->stats; }
size_t Index::size() const { return impl_->indicators.size(); }

Result<std::shared_ptr<const Index>> BuildIndexFromStore(
    store::Store& store, const store::Reader& reader, Clock& clock,
    const IndexOptions& options) {
  IndexBuilder builder(options);
  Timestamp now = clock.Now();
  store::Query q;
  q.types = {"indicator"};
  const int threads =
      options.build_threads >= 0
          ? options.build_threads
          : static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 1) {
    Status st = store.Scan(reader, q, [&](const store::StoredObject& o) {
      builder.AddStored(o.json, now);
      return true;
    });
    if (!st.ok()) return st;
    return builder.Build();
  }

  // This thread scans the store (SQLite) and commits; `threads` workers
  // parse and compile. Batches are committed in scan order, so the index is
  // the same as a single-threaded build's, indicator for indicator.
  constexpr size_t kBatch = 2048;
  struct Batch {
    uint64_t seq = 0;
    std::vector<std::string> json;
    std::vector<Prepared> prepared;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Batch>> todo;
  std::map<uint64_t, std::unique_ptr<Batch>> done;
  bool scanning_done = false;
  const size_t max_in_flight = static_cast<size_t>(threads) * 4;
  size_t in_flight = 0;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      simdjson::dom::parser parser;
      while (true) {
        std::unique_ptr<Batch> b;
        {
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return !todo.empty() || scanning_done; });
          if (todo.empty()) return;
          b = std::move(todo.front());
          todo.pop_front();
        }
        b->prepared.reserve(b->json.size());
        for (const std::string& j : b->json) {
          b->prepared.push_back(PrepareStored(parser, j, now));
        }
        std::lock_guard lock(mu);
        done.emplace(b->seq, std::move(b));
        cv.notify_all();
      }
    });
  }
  uint64_t next_seq = 0, next_commit = 0;
  // Commits the prepared batches that are next in order; with `wait`, also
  // waits until in-flight batches drop below `limit`.
  auto commit_ready = [&](size_t limit) {
    while (true) {
      std::unique_ptr<Batch> b;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] {
          return done.count(next_commit) > 0 || in_flight < limit;
        });
        auto it = done.find(next_commit);
        if (it == done.end()) return;
        b = std::move(it->second);
        done.erase(it);
        --in_flight;
        cv.notify_all();
      }
      for (Prepared& p : b->prepared) builder.Commit(std::move(p));
      ++next_commit;
    }
  };
  auto batch = std::make_unique<Batch>();
  auto submit = [&] {
    batch->seq = next_seq++;
    {
      std::lock_guard lock(mu);
      todo.push_back(std::move(batch));
      ++in_flight;
      cv.notify_all();
    }
    batch = std::make_unique<Batch>();
    commit_ready(max_in_flight);
  };
  Status st = store.Scan(reader, q, [&](const store::StoredObject& o) {
    batch->json.push_back(o.json);
    if (batch->json.size() >= kBatch) submit();
    return true;
  });
  if (st.ok() && !batch->json.empty()) submit();
  {
    std::lock_guard lock(mu);
    scanning_done = true;
    cv.notify_all();
  }
  if (st.ok()) commit_ready(1);  // everything
  for (std::thread& w : workers) w.join();
  if (!st.ok()) return st;
  return builder.Build();
}

}  // namespace ncert::match
