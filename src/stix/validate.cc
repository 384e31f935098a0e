// The validation engine: walks one object against the tables of spec.cc.
// Nothing is allocated on the happy path except by simdjson lookups; JSON
// pointers and messages are built only when an issue is reported.
#include "stix/validate.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <cstring>

#include "core/id.h"
#include "core/json.h"
#include "core/time.h"
#include "stix/markings.h"
#include "stix/sco_id.h"
#include "stix/spec.h"

namespace ncert::stix {
namespace spec_internal {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string_view JsonTypeName(const element& v) {
  switch (v.type()) {
    case element_type::ARRAY:
      return "a list";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
      return "an integer";
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

// Reserved property names (STIX 2.1 section 3.1: reserved for future use).
bool IsReservedName(std::string_view name) {
  return name == "severity" || name == "action" || name == "username" ||
         name == "phone_numbers";
}

struct HashFormat {
  std::string_view name;
  size_t hex_len;  // 0: checked otherwise
};
constexpr HashFormat kHashFormats[] = {
    {"MD5", 32},      {"SHA-1", 40},     {"SHA-256", 64}, {"SHA-512", 128},
    {"SHA3-256", 64}, {"SHA3-512", 128}, {"SSDEEP", 0},   {"TLSH", 0}};

bool AllHex(std::string_view s) {
  for (char ch : s) {
    bool ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
              (ch >= 'A' && ch <= 'F');
    if (!ok) return false;
  }
  return true;
}

bool IsSsdeep(std::string_view s) {
  // blocksize:hash:hash
  size_t c1 = s.find(':');
  if (c1 == 0 || c1 == std::string_view::npos) return false;
  for (size_t i = 0; i < c1; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  if (s.find(':', c1 + 1) == std::string_view::npos) return false;
  for (char ch : s) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '/' || ch == '+' || ch == ':' ||
              ch == '.';
    if (!ok) return false;
  }
  return s.size() <= 148;
}

bool IsTlsh(std::string_view s) {
  if (s.size() == 72 && (s.starts_with("T1") || s.starts_with("t1"))) {
    s.remove_prefix(2);
  }
  return s.size() == 70 && AllHex(s);
}

bool IsDictionaryKey(std::string_view k) {
  if (k.empty() || k.size() > 250) return false;
  for (char ch : k) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsExtensionDefinitionId(std::string_view key) {
  constexpr std::string_view kPrefix = "extension-definition--";
  return key.starts_with(kPrefix) && IsValidUuid(key.substr(kPrefix.size()));
}

// A deprecated-style custom extension name: a type name ending in "-ext".
bool IsCustomExtensionName(std::string_view key) {
  return key.ends_with("-ext") && IsTypeName(key);
}

void RenderPath(const Path* p, std::string* out) {
  if (p == nullptr || p->parent == nullptr) return;
  RenderPath(p->parent, out);
  if (p->index != SIZE_MAX) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), p->index);
    out->push_back('/');
    out->append(buf, r.ptr);
  } else {
    AppendJsonPointerToken(p->key, out);
  }
}

}  // namespace

std::string Path::Pointer() const {
  std::string out;
  RenderPath(this, &out);
  return out;
}

std::optional<element> Member(simdjson::dom::object obj, std::string_view key) {
  element v;
  if (obj.at_key(key).get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::optional<std::string_view> StringMember(simdjson::dom::object obj,
                                             std::string_view key) {
  std::string_view s;
  if (obj.at_key(key).get_string().get(s) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return s;
}

std::optional<bool> BoolMember(simdjson::dom::object obj,
                               std::string_view key) {
  bool b;
  if (obj.at_key(key).get_bool().get(b) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return b;
}

std::optional<double> NumberMember(simdjson::dom::object obj,
                                   std::string_view key) {
  double d;
  if (obj.at_key(key).get_double().get(d) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return d;
}

std::optional<Timestamp> TimestampMember(simdjson::dom::object obj,
                                         std::string_view key) {
  auto s = StringMember(obj, key);
  if (!s) return std::nullopt;
  Result<Timestamp> t = ParseTimestamp(*s);
  if (!t.ok()) return std::nullopt;
  return *t;
}

void Checker::Add(Severity severity, const Path& path, std::string_view key,
                  std::string_view rule, std::string message) {
  if (severity == Severity::kError) has_error_ = true;
  if (count_ > kMaxIssues) return;
  if (count_ == kMaxIssues) {
    ++count_;
    issues_->push_back(Issue{Severity::kWarning, "", "issue-limit",
                             fmt::format("more than {} issues; the rest are "
                                         "not listed",
                                         kMaxIssues)});
    return;
  }
  ++count_;
  std::string pointer = path.Pointer();
  if (!key.empty()) AppendJsonPointerToken(key, &pointer);
  issues_->push_back(Issue{severity, std::move(pointer), std::string(rule),
                           std::move(message)});
}

void Checker::Error(const Path& path, std::string_view key,
                    std::string_view rule, std::string message) {
  Add(Severity::kError, path, key, rule, std::move(message));
}

void Checker::Warn(const Path& path, std::string_view key,
                   std::string_view rule, std::string message) {
  Add(Severity::kWarning, path, key, rule, std::move(message));
}

void Checker::CheckOrder(simdjson::dom::object obj, const Path& path,
                         std::string_view earlier, std::string_view later,
                         bool strict, std::string_view rule) {
  auto a = TimestampMember(obj, earlier);
  if (!a) return;
  auto b = TimestampMember(obj, later);
  if (!b) return;
  if (strict ? *b > *a : *b >= *a) return;
  Error(path, later, rule,
        fmt::format("{} ({}) must be {} {} ({})", later,
                    *StringMember(obj, later),
                    strict ? "later than" : "the same as or later than",
                    earlier, *StringMember(obj, earlier)));
}

bool Checker::SelectorResolves(std::string_view selector) const {
  element cur = root_;
  size_t start = 0;
  while (true) {
    size_t dot = selector.find('.', start);
    std::string_view part = selector.substr(
        start, dot == std::string_view::npos ? dot : dot - start);
    if (!part.empty() && part.front() == '[') {
      size_t idx = 0;
      auto r =
          std::from_chars(part.data() + 1, part.data() + part.size() - 1, idx);
      if (r.ec != std::errc()) return false;
      simdjson::dom::array arr;
      if (cur.get_array().get(arr) != simdjson::SUCCESS) return false;
      if (arr.at(idx).get(cur) != simdjson::SUCCESS) return false;
    } else {
      simdjson::dom::object obj;
      if (cur.get_object().get(obj) != simdjson::SUCCESS) return false;
      if (obj.at_key(part).get(cur) != simdjson::SUCCESS) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

void Checker::Run() {
  Path root;
  // 1. The type decides the table.
  auto type_value = Member(object_, "type");
  if (!type_value) {
    Error(root, "type", "required-property",
          "the object has no type; every STIX object must name its type");
  } else if (type_value->get_string().get(type_) != simdjson::SUCCESS) {
    Error(root, "type", "property-type",
          fmt::format("type must be a string, found {}",
                      JsonTypeName(*type_value)));
  } else if (!IsTypeName(type_)) {
    Error(root, "type", "type-name",
          fmt::format("'{}' is not a valid type name (3-250 characters of "
                      "a-z, 0-9 and single inner hyphens)",
                      type_));
  }
  spec_ = FindType(type_);
  const ObjectSpec* spec;
  if (spec_ != nullptr) {
    spec = &spec_->spec;
    sco_like_ = spec_->object_class == ObjectClass::kSco;
  } else {
    sco_like_ = !Member(object_, "created") && !Member(object_, "modified");
    spec = sco_like_ ? &CustomScoSpec() : &CustomSdoSpec();
  }
  // 2. A toplevel-property-extension allows custom top-level properties.
  if (auto ext = Member(object_, "extensions")) {
    simdjson::dom::object exts;
    if (ext->get_object().get(exts) == simdjson::SUCCESS) {
      for (auto field : exts) {
        simdjson::dom::object e;
        if (field.value.get_object().get(e) == simdjson::SUCCESS &&
            StringMember(e, "extension_type") ==
                std::optional<std::string_view>(
                    "toplevel-property-extension")) {
          toplevel_extension_ = true;
        }
      }
    }
  }
  // 3. Every property, then the type's rules.
  CheckObject(object_, *spec, root);
  // 4. Rules across the common properties.
  if (!sco_like_ || Member(object_, "modified")) {
    CheckOrder(object_, root, "created", "modified", false,
               "modified-before-created");
  }
  if (spec_ != nullptr && spec_->object_class == ObjectClass::kSco) {
    CheckScoId();
  }
}

void Checker::CheckScoId() {
  auto id = StringMember(object_, "id");
  if (!id || id->size() < 36) return;
  std::string_view uuid = id->substr(id->size() - 36);
  if (!IsValidUuid(uuid) || uuid[14] != '5') return;
  Result<std::string> want = ComputeScoId(root_);
  if (!want.ok()) return;
  if (*want != *id) {
    Warn(Path(), "id", "sco-id-deterministic",
         fmt::format("id {} is a UUIDv5 but not the one the ID Contributing "
                     "Properties give ({}); consumers will not deduplicate "
                     "it",
                     *id, *want));
  }
}

void Checker::CheckObject(simdjson::dom::object obj, const ObjectSpec& spec,
                          const Path& path) {
  // Bit i: spec.props[i]; bit props.size() + j: spec.common[j].
  uint64_t seen = 0;
  const size_t n_props = spec.props.size();
  for (auto field : obj) {
    std::string_view key = field.key;
    const Property* prop = nullptr;
    size_t bit = 0;
    for (size_t i = 0; i < n_props; ++i) {
      if (spec.props[i].name == key) {
        prop = &spec.props[i];
        bit = i;
        break;
      }
    }
    if (prop == nullptr) {
      for (size_t j = 0; j < spec.common.size(); ++j) {
        if (spec.common[j].name == key) {
          prop = &spec.common[j];
          bit = n_props + j;
          break;
        }
      }
    }
    Path child = path.Member(key);
    if (prop == nullptr) {
      CheckCustomProperty(spec, key, field.value, child);
      continue;
    }
    if (bit < 64) seen |= uint64_t{1} << bit;
    CheckValue(*prop, field.value, child);
  }
  auto check_required = [&](std::span<const Property> props, size_t offset) {
    for (size_t i = 0; i < props.size(); ++i) {
      const Property& p = props[i];
      if (!p.required || (i + offset < 64 && (seen >> (i + offset)) & 1)) {
        continue;
      }
      Error(path, p.name, p.rule.empty() ? "required-property" : p.rule,
            fmt::format("{} requires the property '{}', which is missing",
                        spec.name.empty() ? "this object" : spec.name, p.name));
    }
  };
  check_required(spec.props, 0);
  check_required(spec.common, n_props);
  if (spec.extra != nullptr) spec.extra(*this, obj, path);
}

void Checker::CheckCustomProperty(const ObjectSpec& spec, std::string_view name,
                                  element v, const Path& path) {
  bool top = path.parent != nullptr && path.parent->parent == nullptr;
  if (top && IsReservedName(name)) {
    Error(path, "", "reserved-property",
          fmt::format("'{}' is a reserved property name in STIX 2.1 and must "
                      "not be used",
                      name));
    return;
  }
  if (!IsPropertyName(name)) {
    Error(path, "", "property-name",
          fmt::format("custom property name '{}' must be 3-250 characters "
                      "of a-z, 0-9 and '_'",
                      name));
  } else if (spec.closed && !name.starts_with("x_") &&
             !(top && toplevel_extension_)) {
    Warn(path, "", "unknown-property",
         fmt::format("'{}' is not a property of {}; if it is a custom "
                     "property, name it x_… or define it in an extension",
                     name, spec.name));
  }
  if (v.is_null()) {
    Error(path, "", "property-type",
          fmt::format("'{}' is null; omit a property instead of setting "
                      "it to null",
                      name));
    return;
  }
  simdjson::dom::array arr;
  if (v.get_array().get(arr) == simdjson::SUCCESS && arr.size() == 0) {
    Error(
        path, "", "empty-list",
        fmt::format("'{}' is an empty list; omit the property instead", name));
  }
  std::string_view s;
  if (name.ends_with("_hex") && v.get_string().get(s) == simdjson::SUCCESS &&
      !IsHex(s)) {
    Error(path, "", "property-type",
          fmt::format("'{}' ends in _hex so must be an even number of hex "
                      "digits",
                      name));
  }
  if (name.ends_with("_bin") && v.get_string().get(s) == simdjson::SUCCESS &&
      !IsBase64(s)) {
    Error(path, "", "property-type",
          fmt::format("'{}' ends in _bin so must be base64 (RFC 4648)", name));
  }
}

void Checker::CheckValue(const Property& p, element v, const Path& path) {
  if (p.deprecated) {
    Warn(path, "", "deprecated-property",
         fmt::format("'{}' is deprecated in STIX 2.1", p.name));
  }
  if (p.kind == Kind::kForbidden) {
    Error(path, "", p.rule.empty() ? "reserved-property" : p.rule,
          fmt::format("'{}' must not be present on {}", p.name,
                      type_.empty() ? "this object" : type_));
    return;
  }
  if (v.is_null()) {
    Error(path, "", p.rule.empty() ? "property-type" : p.rule,
          fmt::format("'{}' is null; omit the property instead", p.name));
    return;
  }
  switch (p.kind) {
    case Kind::kIdentifierList:
    case Kind::kStringList:
    case Kind::kVocabList:
    case Kind::kObjectList: {
      simdjson::dom::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS) {
        Error(path, "", p.rule.empty() ? "property-type" : p.rule,
              fmt::format("'{}' must be a list, found {}", p.name,
                          JsonTypeName(v)));
        return;
      }
      if (arr.size() == 0) {
        Error(path, "", "empty-list",
              fmt::format("'{}' is an empty list; lists must not be empty, "
                          "omit the property instead",
                          p.name));
        return;
      }
      size_t i = 0;
      for (element item : arr) {
        Path ipath = path.Item(i++);
        if (item.is_null()) {
          Error(ipath, "", "property-type",
                fmt::format("'{}' holds null; remove it", p.name));
          continue;
        }
        CheckScalar(p, item, ipath);
      }
      return;
    }
    default:
      CheckScalar(p, v, path);
  }
}

void Checker::CheckScalar(const Property& p, element v, const Path& path) {
  std::string_view rule = p.rule.empty() ? "property-type" : p.rule;
  auto want_string = [&](std::string_view* s) {
    if (v.get_string().get(*s) == simdjson::SUCCESS) return true;
    Error(path, "", rule,
          fmt::format("'{}' must be a string, found {}", p.name,
                      JsonTypeName(v)));
    return false;
  };
  std::string_view s;
  switch (p.kind) {
    case Kind::kSelfType:
      return;  // Run() checks it
    case Kind::kSelfId: {
      if (!want_string(&s)) return;
      Result<StixId> id = ParseStixId(s);
      if (!id.ok()) {
        Error(path, "", "identifier-format", id.status().message());
        return;
      }
      if (!type_.empty() && id->type != type_) {
        Error(path, "", "identifier-type-mismatch",
              fmt::format("id '{}' names type '{}' but the object's type is "
                          "'{}'",
                          s, id->type, type_));
      }
      return;
    }
    case Kind::kSpecVersion:
      if (!want_string(&s)) return;
      if (s != "2.1") {
        Error(path, "", "spec-version",
              fmt::format("spec_version is '{}'; STIX 2.1 objects must say "
                          "\"2.1\"",
                          s));
      }
      return;
    case Kind::kString:
    case Kind::kStringList:
      want_string(&s);
      return;
    case Kind::kBoolean:
      if (!v.is_bool()) {
        Error(path, "", rule,
              fmt::format("'{}' must be true or false, found {}", p.name,
                          JsonTypeName(v)));
      }
      return;
    case Kind::kInteger: {
      int64_t n = 0;
      bool too_big = false;
      if (v.type() == element_type::INT64) {
        n = v.get_int64().value_unsafe();
      } else if (v.type() == element_type::UINT64) {
        too_big = true;
      } else {
        Error(path, "", rule,
              fmt::format("'{}' must be an integer, found {}", p.name,
                          JsonTypeName(v)));
        return;
      }
      if (too_big || n < p.int_min || n > p.int_max) {
        Error(path, "", p.rule.empty() ? "property-range" : p.rule,
              p.int_max == INT64_MAX
                  ? fmt::format("'{}' must be at least {}", p.name, p.int_min)
                  : fmt::format("'{}' must be between {} and {}", p.name,
                                p.int_min, p.int_max));
      }
      return;
    }
    case Kind::kFloat: {
      double d;
      if (v.get_double().get(d) != simdjson::SUCCESS) {
        Error(path, "", rule,
              fmt::format("'{}' must be a number, found {}", p.name,
                          JsonTypeName(v)));
        return;
      }
      if (d < p.float_min || d > p.float_max) {
        Error(path, "", p.rule.empty() ? "property-range" : p.rule,
              p.float_max >= 1e308
                  ? fmt::format("'{}' must be at least {}", p.name, p.float_min)
                  : fmt::format("'{}' must be between {} and {}", p.name,
                                p.float_min, p.float_max));
      }
      return;
    }
    case Kind::kTimestamp:
    case Kind::kTimestampMs: {
      if (!want_string(&s)) return;
      Result<Timestamp> t = ParseTimestamp(s);
      if (!t.ok()) {
        Error(path, "", "timestamp-format", t.status().message());
        return;
      }
      if (p.kind == Kind::kTimestampMs) {
        size_t digits = s.size() >= 21 && s[19] == '.' ? s.size() - 21 : 0;
        if (digits < 3) {
          Error(path, "", "timestamp-precision",
                fmt::format("'{}' is {}; {} must be precise to at least the "
                            "millisecond (e.g. .000Z)",
                            p.name, s, p.name));
        }
      }
      return;
    }
    case Kind::kIdentifier:
    case Kind::kIdentifierList:
      CheckIdentifier(p, v, path);
      return;
    case Kind::kVocab:
    case Kind::kVocabList: {
      if (!want_string(&s)) return;
      if (p.vocab->Contains(s)) return;
      if (p.vocab->open) {
        Warn(path, "", "open-vocab",
             fmt::format("'{}' is not in the suggested vocabulary {} for "
                         "'{}'",
                         s, p.vocab->name, p.name));
      } else {
        std::string allowed;
        for (std::string_view x : p.vocab->values) {
          if (!allowed.empty()) allowed += ", ";
          allowed += x;
        }
        Error(path, "", p.rule.empty() ? "enum-value" : p.rule,
              fmt::format("'{}' is not allowed for '{}'; use one of: {}", s,
                          p.name, allowed));
      }
      return;
    }
    case Kind::kHashes:
      CheckHashes(v, path);
      return;
    case Kind::kDictionary:
      CheckDictionary(p, v, path);
      return;
    case Kind::kExtensions:
      CheckExtensions(v, path);
      return;
    case Kind::kHex:
      if (!want_string(&s)) return;
      if (!IsHex(s)) {
        Error(path, "", rule,
              fmt::format("'{}' must be hex (an even number of 0-9a-f "
                          "digits), found '{}'",
                          p.name, s));
      }
      return;
    case Kind::kBinary:
      if (!want_string(&s)) return;
      if (!IsBase64(s)) {
        Error(path, "", rule,
              fmt::format("'{}' must be base64 (RFC 4648, padded)", p.name));
      }
      return;
    case Kind::kUrl:
      if (!want_string(&s)) return;
      if (!IsUrl(s)) {
        Error(path, "", p.rule.empty() ? "url-format" : p.rule,
              fmt::format("'{}' is not a URL (RFC 3986: scheme ':' rest, no "
                          "white space)",
                          s));
      }
      return;
    case Kind::kObject:
    case Kind::kObjectList:
    case Kind::kKillChainPhases:
    case Kind::kExternalReferences:
    case Kind::kGranularMarkings: {
      simdjson::dom::object obj;
      if (v.get_object().get(obj) != simdjson::SUCCESS) {
        Error(path, "", rule,
              fmt::format("'{}' must hold objects, found {}", p.name,
                          JsonTypeName(v)));
        return;
      }
      if (p.sub != nullptr) CheckObject(obj, *p.sub, path);
      return;
    }
    case Kind::kAnyJson:
    case Kind::kForbidden:
      return;
  }
}

void Checker::CheckIdentifier(const Property& p, element v, const Path& path) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) {
    Error(path, "", p.rule.empty() ? "property-type" : p.rule,
          fmt::format("'{}' must hold identifiers (type--uuid strings), "
                      "found {}",
                      p.name, JsonTypeName(v)));
    return;
  }
  Result<StixId> id = ParseStixId(s);
  if (!id.ok()) {
    Error(path, "", "identifier-format",
          fmt::format("'{}': {}", p.name, id.status().message()));
    return;
  }
  if (!p.targets.Admits(id->type, TypeIndex(id->type))) {
    Error(path, "", "ref-type",
          fmt::format("'{}' may not point to an object of type '{}' ({})",
                      p.name, id->type, s));
  }
}

void Checker::CheckHashes(element v, const Path& path) {
  simdjson::dom::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) {
    Error(path, "", "hashes",
          fmt::format("hashes must be a dictionary of algorithm to value, "
                      "found {}",
                      JsonTypeName(v)));
    return;
  }
  if (obj.size() == 0) {
    Error(path, "", "hashes", "hashes must hold at least one hash");
    return;
  }
  for (auto field : obj) {
    std::string_view alg = field.key;
    std::string_view value;
    if (field.value.get_string().get(value) != simdjson::SUCCESS) {
      Error(path, alg, "hashes",
            fmt::format("the {} hash must be a string", alg));
      continue;
    }
    const HashFormat* known = nullptr;
    for (const HashFormat& f : kHashFormats) {
      if (f.name == alg) known = &f;
    }
    if (known == nullptr) {
      if (alg.size() < 3 || !IsDictionaryKey(alg)) {
        Error(path, alg, "hashes",
              fmt::format("'{}' is not a hash algorithm name (3-250 "
                          "characters of a-z, A-Z, 0-9, '-', '_')",
                          alg));
      } else {
        Warn(path, alg, "open-vocab",
             fmt::format("'{}' is not in hash-algorithm-ov (MD5, SHA-1, "
                         "SHA-256, SHA-512, SHA3-256, SHA3-512, SSDEEP, "
                         "TLSH)",
                         alg));
      }
      continue;
    }
    bool ok;
    if (known->hex_len != 0) {
      ok = value.size() == known->hex_len && AllHex(value);
    } else if (alg == "SSDEEP") {
      ok = IsSsdeep(value);
    } else {
      ok = IsTlsh(value);
    }
    if (!ok) {
      Error(path, alg, "hashes",
            known->hex_len != 0
                ? fmt::format("'{}' is not a {} hash ({} hex digits)", value,
                              alg, known->hex_len)
                : fmt::format("'{}' is not a valid {} hash", value, alg));
    }
  }
}

void Checker::CheckDictionary(const Property& p, element v, const Path& path) {
  simdjson::dom::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) {
    Error(path, "", p.rule.empty() ? "property-type" : p.rule,
          fmt::format("'{}' must be a dictionary (JSON object), found {}",
                      p.name, JsonTypeName(v)));
    return;
  }
  if (obj.size() == 0) {
    Error(path, "", "dictionary",
          fmt::format("'{}' must hold at least one key", p.name));
  }
  for (auto field : obj) {
    if (!IsDictionaryKey(field.key)) {
      Error(path, field.key, "dictionary",
            fmt::format("dictionary key '{}' must be 1-250 characters of "
                        "a-z, A-Z, 0-9, '-' and '_'",
                        field.key));
    }
    if (field.value.is_null()) {
      Error(path, field.key, "property-type",
            "dictionary values must not be null");
    }
    simdjson::dom::array arr;
    if (field.value.get_array().get(arr) == simdjson::SUCCESS &&
        arr.size() == 0) {
      Error(path, field.key, "empty-list",
            "dictionary values must not be empty lists");
    }
  }
}

void Checker::CheckExtensions(element v, const Path& path) {
  simdjson::dom::object exts;
  if (v.get_object().get(exts) != simdjson::SUCCESS) {
    Error(path, "", "extensions",
          fmt::format("extensions must be a dictionary of extension name "
                      "to extension object, found {}",
                      JsonTypeName(v)));
    return;
  }
  if (exts.size() == 0) {
    Error(path, "", "extensions",
          "extensions must hold at least one extension; omit it instead");
  }
  for (auto field : exts) {
    std::string_view key = field.key;
    Path epath = path.Member(key);
    simdjson::dom::object ext;
    if (field.value.get_object().get(ext) != simdjson::SUCCESS) {
      Error(epath, "", "extensions",
            fmt::format("extension '{}' must be an object, found {}", key,
                        JsonTypeName(field.value)));
      continue;
    }
    if (IsExtensionDefinitionId(key)) {
      auto ext_type = Member(ext, "extension_type");
      std::string_view et;
      if (!ext_type) {
        Error(epath, "extension_type", "extensions",
              fmt::format("extension {} needs extension_type (new-sdo, "
                          "new-sco, new-sro, property-extension or "
                          "toplevel-property-extension)",
                          key));
      } else if (ext_type->get_string().get(et) != simdjson::SUCCESS ||
                 !(et == "new-sdo" || et == "new-sco" || et == "new-sro" ||
                   et == "property-extension" ||
                   et == "toplevel-property-extension")) {
        Error(epath, "extension_type", "extensions",
              "extension_type must be new-sdo, new-sco, new-sro, "
              "property-extension or toplevel-property-extension");
      } else if (et == "toplevel-property-extension" && ext.size() > 1) {
        Warn(epath, "", "extensions-toplevel",
             "a toplevel-property-extension keeps its properties at the top "
             "level of the object; its entry should hold only "
             "extension_type");
      }
      for (auto prop : ext) {
        if (prop.key == "extension_type") continue;
        if (!IsPropertyName(prop.key)) {
          Error(epath, prop.key, "property-name",
                fmt::format("extension property name '{}' must be 3-250 "
                            "characters of a-z, 0-9 and '_'",
                            prop.key));
        }
      }
      continue;
    }
    if (const ObjectSpec* known = FindScoExtension(type_, key)) {
      if (ext.size() == 0) {
        Error(epath, "", "extensions",
              fmt::format("extension '{}' must not be empty", key));
      }
      CheckObject(ext, *known, epath);
      continue;
    }
    if (sco_like_ && IsCustomExtensionName(key)) {
      // A custom extension in the deprecated STIX 2.0 style.
      if (ext.size() == 0) {
        Error(epath, "", "extensions",
              fmt::format("extension '{}' must not be empty", key));
      }
      Warn(epath, "", "extensions-deprecated",
           fmt::format("'{}' is a custom extension without an "
                       "extension-definition; this style is deprecated in "
                       "STIX 2.1",
                       key));
      continue;
    }
    if (key.starts_with("extension-definition--")) {
      Error(epath, "", "extensions",
            fmt::format("'{}' does not end in an RFC 4122 UUID", key));
      continue;
    }
    Error(epath, "", "extensions",
          fmt::format(
              "'{}' is not an extension name: use "
              "extension-definition--<uuid>{}",
              key, sco_like_ ? " or a predefined extension of this type" : ""));
  }
}

}  // namespace spec_internal

bool ValidateObject(const simdjson::dom::element& object,
                    std::vector<Issue>* issues) {
  simdjson::dom::object obj;
  if (object.get_object().get(obj) != simdjson::SUCCESS) {
    issues->push_back(Issue{Severity::kError, "", "object-shape",
                            "a STIX object must be a JSON object"});
    return false;
  }
  spec_internal::Checker checker(object, obj, issues);
  checker.Run();
  return checker.ok();
}

}  // namespace ncert::stix
