// The STIX 2.1 object model as data: one TypeSpec per object type (the 19
// SDOs, 2 SROs, 18 SCOs, marking-definition, language-content and
// extension-definition), each listing its properties with their kind,
// whether they are required, their vocabulary or allowed reference targets,
// and the type's extra rules as small functions. validate.cc walks an object
// against this table; other modules only need KnownTypeClass().
//
// Thread safety: constant tables and pure functions; thread-safe. A
// spec_internal::Checker is used by one thread.
#ifndef NCERT_STIX_SPEC_H_
#define NCERT_STIX_SPEC_H_

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "stix/issue.h"
#include "stix/object.h"

namespace ncert::stix {

// The class of a type the specification defines, or nullopt for any other
// (custom) type.
std::optional<ObjectClass> KnownTypeClass(std::string_view type);

// ---------------------------------------------------------------------------
// Below: the table itself, for validate.cc and sco_id.cc. Not a stable API.
namespace spec_internal {

// Index of each predefined type; the bit (1 << index) names it in a Targets.
inline constexpr std::string_view kTypeNames[] = {
    // SDOs (0-18)
    "attack-pattern", "campaign", "course-of-action", "grouping", "identity",
    "incident", "indicator", "infrastructure", "intrusion-set", "location",
    "malware", "malware-analysis", "note", "observed-data", "opinion", "report",
    "threat-actor", "tool", "vulnerability",
    // SROs (19-20)
    "relationship", "sighting",
    // SCOs (21-38)
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr",
    "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
    "network-traffic", "process", "software", "url", "user-account",
    "windows-registry-key", "x509-certificate",
    // meta (39-41)
    "marking-definition", "language-content", "extension-definition"};
inline constexpr int kNumTypes = 42;
inline constexpr int kFirstSro = 19, kFirstSco = 21, kFirstMeta = 39;

constexpr uint64_t T(std::string_view name) {
  for (int i = 0; i < kNumTypes; ++i) {
    if (kTypeNames[i] == name) return uint64_t{1} << i;
  }
  return 0;  // a typo in the table: caught by spec tests
}
inline constexpr uint64_t kAllSdo = (uint64_t{1} << kFirstSro) - 1;
inline constexpr uint64_t kAllSro = T("relationship") | T("sighting");
inline constexpr uint64_t kAllSco =
    ((uint64_t{1} << kFirstMeta) - 1) & ~((uint64_t{1} << kFirstSco) - 1);

// Which object types a reference may point to.
struct Targets {
  uint64_t types = 0;       // predefined types allowed
  bool custom_sdo = false;  // any custom type is allowed too (SDO-like)
  bool custom_sco = false;  // … (SCO-like); custom types cannot be told
                            // apart by id, so either flag admits them
  bool any = false;         // every type
  constexpr bool Admits(std::string_view type, int known_index) const {
    if (any) return true;
    if (known_index >= 0) return (types >> known_index) & 1;
    (void)type;
    return custom_sdo || custom_sco;
  }
};
inline constexpr Targets kToAny{0, true, true, true};
inline constexpr Targets kToSdo{kAllSdo, true, false, false};
inline constexpr Targets kToSco{kAllSco, false, true, false};
constexpr Targets To(uint64_t types) {
  return Targets{types, false, false, false};
}

// The index of a predefined type in kTypeNames, or -1.
int TypeIndex(std::string_view type);

struct Vocab {
  std::string_view name;  // "malware-type-ov"
  std::span<const std::string_view> values;
  bool open;  // open vocabulary (other values: warning) or enum (error)
  bool Contains(std::string_view v) const;
};

enum class Kind : uint8_t {
  kString,
  kBoolean,
  kInteger,  // int_min..int_max
  kFloat,    // float_min..float_max
  kTimestamp,
  kTimestampMs,  // a timestamp with at least millisecond precision
  kIdentifier,   // targets
  kIdentifierList,
  kStringList,
  kVocab,  // vocab (open or closed)
  kVocabList,
  kHashes,
  kKillChainPhases,
  kExternalReferences,
  kGranularMarkings,
  kExtensions,
  kDictionary,
  kHex,
  kBinary,
  kUrl,
  kObject,       // a non-empty JSON object checked by `sub`
  kObjectList,   // a non-empty list of such objects
  kAnyJson,      // any value but null (checked by a type rule)
  kForbidden,    // must not be present (the rule says why)
  kSelfType,     // the object's own `type` (checked by Checker::Run)
  kSelfId,       // the object's own `id`: must be "<type>--<uuid>"
  kSpecVersion,  // must be "2.1"
};

struct ObjectSpec;

struct Property {
  std::string_view name;
  Kind kind;
  bool required = false;
  const Vocab* vocab = nullptr;
  Targets targets = {};
  int64_t int_min = INT64_MIN, int_max = INT64_MAX;
  double float_min = -1e308, float_max = 1e308;
  const ObjectSpec* sub = nullptr;  // kObject / kObjectList
  // The rule reported for every problem with this property (missing, wrong
  // type, out of range); "" = the generic rule for the problem.
  std::string_view rule = {};
  bool deprecated = false;  // present: warning deprecated-property
};

// A JSON pointer under construction, as a chain of stack frames, so that
// nothing is allocated unless an issue is reported.
struct Path {
  const Path* parent = nullptr;  // nullptr: the root (pointer "")
  std::string_view key;
  size_t index = SIZE_MAX;  // SIZE_MAX: `key` is a member name
  Path Member(std::string_view k) const { return Path{this, k}; }
  Path Item(size_t i) const { return Path{this, {}, i}; }
  std::string Pointer() const;
};

class Checker;
// A type's extra rules, run after its properties were checked one by one.
using ExtraRule = void (*)(Checker& c, simdjson::dom::object obj,
                           const Path& path);

// A JSON object shape: properties plus extra rules. Object types, extensions
// and nested types (kill-chain-phase, mime-part, …) are all ObjectSpecs.
struct ObjectSpec {
  std::string_view name;
  std::span<const Property> props = {};
  std::span<const Property> common = {};  // the class's common properties
  ExtraRule extra = nullptr;
  // Properties outside `props`/`common` get a warning (predefined shapes).
  bool closed = true;
};

struct TypeSpec {
  std::string_view type;
  ObjectClass object_class;
  ObjectSpec spec;
};

const TypeSpec* FindType(std::string_view type);
// The common properties for a custom type (SDO-like or SCO-like).
const ObjectSpec& CustomSdoSpec();
const ObjectSpec& CustomScoSpec();
// The predefined SCO extension with this name ("ntfs-ext") for `type`.
const ObjectSpec* FindScoExtension(std::string_view type,
                                   std::string_view name);

// Member lookup helpers.
std::optional<simdjson::dom::element> Member(simdjson::dom::object obj,
                                             std::string_view key);
std::optional<std::string_view> StringMember(simdjson::dom::object obj,
                                             std::string_view key);
std::optional<bool> BoolMember(simdjson::dom::object obj, std::string_view key);
std::optional<double> NumberMember(simdjson::dom::object obj,
                                   std::string_view key);
// The member's timestamp if it is present and well-formed.
std::optional<Timestamp> TimestampMember(simdjson::dom::object obj,
                                         std::string_view key);

// Walks one object; the rule functions of the table report through it.
// Methods are implemented in validate.cc.
class Checker {
 public:
  static constexpr int kMaxIssues = 100;

  // `root` is the object itself, as an element.
  Checker(simdjson::dom::element root, simdjson::dom::object object,
          std::vector<Issue>* issues)
      : root_(root), object_(object), issues_(issues) {}

  simdjson::dom::object object() const { return object_; }
  std::string_view type() const { return type_; }
  bool ok() const { return !has_error_; }

  // Validates the whole object (type, id, every property, the type's rules).
  void Run();

  // Validates `obj` against `spec`, reporting under `path`.
  void CheckObject(simdjson::dom::object obj, const ObjectSpec& spec,
                   const Path& path);

  // Reports an issue at `path` + `key` (`key` "" = at `path`).
  void Error(const Path& path, std::string_view key, std::string_view rule,
             std::string message);
  void Warn(const Path& path, std::string_view key, std::string_view rule,
            std::string message);

  // Reports `rule` at `later` unless obj[later] >= obj[earlier] (> when
  // `strict`). Absent or malformed timestamps are skipped.
  void CheckOrder(simdjson::dom::object obj, const Path& path,
                  std::string_view earlier, std::string_view later, bool strict,
                  std::string_view rule);

  // True if a granular-marking selector names content of the object.
  bool SelectorResolves(std::string_view selector) const;

 private:
  void Add(Severity severity, const Path& path, std::string_view key,
           std::string_view rule, std::string message);
  void CheckValue(const Property& p, simdjson::dom::element v,
                  const Path& path);
  void CheckScalar(const Property& p, simdjson::dom::element v,
                   const Path& path);
  void CheckIdentifier(const Property& p, simdjson::dom::element v,
                       const Path& path);
  void CheckHashes(simdjson::dom::element v, const Path& path);
  void CheckDictionary(const Property& p, simdjson::dom::element v,
                       const Path& path);
  void CheckExtensions(simdjson::dom::element v, const Path& path);
  void CheckCustomProperty(const ObjectSpec& spec, std::string_view name,
                           simdjson::dom::element v, const Path& path);
  void CheckScoId();

  simdjson::dom::element root_;
  simdjson::dom::object object_;
  std::vector<Issue>* issues_;
  std::string_view type_;
  const TypeSpec* spec_ = nullptr;
  bool sco_like_ = false;
  bool toplevel_extension_ = false;  // has a toplevel-property-extension
  bool has_error_ = false;
  int count_ = 0;
};

// Format checks shared by the rules (no allocation).
bool IsHex(std::string_view s);     // even number of hex digits, >= 2
bool IsBase64(std::string_view s);  // RFC 4648 with padding
bool IsUrl(std::string_view s);     // scheme ":" then no white space
bool IsIpv4(std::string_view s, bool allow_cidr);
bool IsIpv6(std::string_view s, bool allow_cidr);
bool IsMacAddr(std::string_view s);       // 6 lower-case hex octets, ':'
bool IsPropertyName(std::string_view s);  // [a-z0-9_]{3,250}
bool IsTypeName(std::string_view s);      // STIX type name rule

}  // namespace spec_internal
}  // namespace ncert::stix

#endif  // NCERT_STIX_SPEC_H_
