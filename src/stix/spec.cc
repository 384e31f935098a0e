// The STIX 2.1 tables. Section numbers refer to STIX Version 2.1, OASIS
// Standard, 10 June 2021. Rule names are documented in
// docs/stix-validation.md; keep the two in step.
#include "stix/spec.h"

#include <fmt/format.h>

#include <array>

#include "stix/markings.h"

namespace ncert::stix {
namespace spec_internal {
namespace {

// --- Vocabularies (section 10) ---------------------------------------------

#define NCERT_VOCAB(var, vname, open, ...)                  \
  constexpr std::string_view var##Values[] = {__VA_ARGS__}; \
  constexpr Vocab var { vname, var##Values, open }

NCERT_VOCAB(kAttackMotivation, "attack-motivation-ov", true, "accidental",
            "coercion", "dominance", "ideology", "notoriety",
            "organizational-gain", "personal-gain", "personal-satisfaction",
            "revenge", "unpredictable");
NCERT_VOCAB(kAttackResourceLevel, "attack-resource-level-ov", true,
            "individual", "club", "contest", "team", "organization",
            "government");
NCERT_VOCAB(kGroupingContext, "grouping-context-ov", true,
            "suspicious-activity", "malware-analysis", "unspecified");
NCERT_VOCAB(kIdentityClass, "identity-class-ov", true, "individual", "group",
            "system", "organization", "class", "unknown");
NCERT_VOCAB(kImplementationLanguage, "implementation-language-ov", true,
            "applescript", "bash", "c", "c++", "c#", "go", "java", "javascript",
            "lua", "objective-c", "perl", "php", "powershell", "python", "ruby",
            "scala", "swift", "typescript", "visual-basic", "x86-32", "x86-64");
NCERT_VOCAB(kIndicatorType, "indicator-type-ov", true, "anomalous-activity",
            "anonymization", "benign", "compromised", "malicious-activity",
            "attribution", "unknown");
NCERT_VOCAB(kIndustrySector, "industry-sector-ov", true, "agriculture",
            "aerospace", "automotive", "chemical", "commercial",
            "communications", "construction", "defense", "education", "energy",
            "engineering", "entertainment", "financial-services", "government",
            "emergency-services", "government-local", "government-national",
            "government-public-services", "government-regional", "healthcare",
            "hospitality-leisure", "infrastructure", "dams", "nuclear", "water",
            "insurance", "manufacturing", "mining", "non-profit",
            "pharmaceuticals", "retail", "technology", "telecommunications",
            "transportation", "utilities");
NCERT_VOCAB(kInfrastructureType, "infrastructure-type-ov", true,
            "amplification", "anonymization", "botnet", "command-and-control",
            "control-system", "exfiltration", "firewall", "hosting-malware",
            "hosting-target-lists", "phishing", "reconnaissance",
            "routers-switches", "staging", "workstation", "unknown");
NCERT_VOCAB(kMalwareResult, "malware-result-ov", true, "malicious",
            "suspicious", "benign", "unknown");
NCERT_VOCAB(kMalwareCapabilities, "malware-capabilities-ov", true,
            "accesses-remote-machines", "anti-debugging", "anti-disassembly",
            "anti-emulation", "anti-memory-forensics", "anti-sandbox",
            "anti-vm", "captures-input-peripherals",
            "captures-output-peripherals", "captures-system-state-data",
            "cleans-traces-of-infection", "commits-fraud",
            "communicates-with-c2", "compromises-data-availability",
            "compromises-data-integrity", "compromises-system-availability",
            "controls-local-machine", "degrades-security-software",
            "degrades-system-updates", "determines-c2-server", "emails-spam",
            "escalates-privileges", "evades-av", "exfiltrates-data",
            "fingerprints-host", "hides-artifacts", "hides-executing-code",
            "infects-files", "infects-remote-machines",
            "installs-other-components", "persists-after-system-reboot",
            "prevents-artifact-access", "prevents-artifact-deletion",
            "probes-network-environment", "self-modifies",
            "steals-authentication-credentials",
            "violates-system-operational-integrity");
NCERT_VOCAB(kMalwareType, "malware-type-ov", true, "adware", "backdoor", "bot",
            "bootkit", "ddos", "downloader", "dropper", "exploit-kit",
            "keylogger", "ransomware", "remote-access-trojan",
            "resource-exploitation", "rogue-security-software", "rootkit",
            "screen-capture", "spyware", "trojan", "unknown", "virus",
            "webshell", "wiper", "worm");
NCERT_VOCAB(kPatternType, "pattern-type-ov", true, "stix", "pcre", "sigma",
            "snort", "suricata", "yara");
NCERT_VOCAB(kProcessorArchitecture, "processor-architecture-ov", true, "alpha",
            "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64");
NCERT_VOCAB(kRegion, "region-ov", true, "africa", "eastern-africa",
            "middle-africa", "northern-africa", "southern-africa",
            "western-africa", "americas", "latin-america-caribbean",
            "south-america", "caribbean", "central-america", "northern-america",
            "asia", "central-asia", "eastern-asia", "southern-asia",
            "south-eastern-asia", "western-asia", "europe", "eastern-europe",
            "northern-europe", "southern-europe", "western-europe", "oceania",
            "antarctica", "australia-new-zealand", "melanesia", "micronesia",
            "polynesia");
NCERT_VOCAB(kReportType, "report-type-ov", true, "attack-pattern", "campaign",
            "identity", "indicator", "intrusion-set", "malware",
            "observed-data", "threat-actor", "threat-report", "tool",
            "vulnerability");
NCERT_VOCAB(kThreatActorType, "threat-actor-type-ov", true, "activist",
            "competitor", "crime-syndicate", "criminal", "hacker",
            "insider-accidental", "insider-disgruntled", "nation-state",
            "sensationalist", "spy", "terrorist", "unknown");
NCERT_VOCAB(kThreatActorRole, "threat-actor-role-ov", true, "agent", "director",
            "independent", "infrastructure-architect",
            "infrastructure-operator", "malware-author", "sponsor");
NCERT_VOCAB(kThreatActorSophistication, "threat-actor-sophistication-ov", true,
            "none", "minimal", "intermediate", "advanced", "expert",
            "innovator", "strategic");
NCERT_VOCAB(kToolType, "tool-type-ov", true, "denial-of-service",
            "exploitation", "information-gathering", "network-capture",
            "credential-exploitation", "remote-access",
            "vulnerability-scanning", "unknown");
NCERT_VOCAB(kAccountType, "account-type-ov", true, "facebook", "ldap", "nis",
            "openid", "radius", "skype", "tacacs", "twitter", "unix",
            "windows-local", "windows-domain");
NCERT_VOCAB(kWindowsPebinaryType, "windows-pebinary-type-ov", true, "dll",
            "exe", "sys");
NCERT_VOCAB(kMarkingDefinitionType, "marking-definition-type-ov", true,
            "statement", "tlp");
// Closed enumerations.
NCERT_VOCAB(kOpinion, "opinion-enum", false, "strongly-disagree", "disagree",
            "neutral", "agree", "strongly-agree");
NCERT_VOCAB(kEncryptionAlgorithm, "encryption-algorithm-enum", false,
            "AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated");
NCERT_VOCAB(kExtensionType, "extension-type-enum", false, "new-sdo", "new-sco",
            "new-sro", "property-extension", "toplevel-property-extension");
NCERT_VOCAB(kRegistryDatatype, "windows-registry-datatype-enum", false,
            "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD",
            "REG_DWORD_BIG_ENDIAN", "REG_DWORD_LITTLE_ENDIAN", "REG_LINK",
            "REG_MULTI_SZ", "REG_RESOURCE_LIST",
            "REG_FULL_RESOURCE_DESCRIPTION", "REG_RESOURCE_REQUIREMENTS_LIST",
            "REG_QWORD", "REG_INVALID_TYPE");
NCERT_VOCAB(kSocketAddressFamily, "network-socket-address-family-enum", false,
            "AF_UNSPEC", "AF_INET", "AF_IPX", "AF_APPLETALK", "AF_NETBIOS",
            "AF_INET6", "AF_IRDA", "AF_BTH");
NCERT_VOCAB(kSocketType, "network-socket-type-enum", false, "SOCK_STREAM",
            "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET");
NCERT_VOCAB(kIntegrityLevel, "windows-integrity-level-enum", false, "low",
            "medium", "high", "system");
NCERT_VOCAB(kServiceStartType, "windows-service-start-type-enum", false,
            "SERVICE_AUTO_START", "SERVICE_BOOT_START", "SERVICE_DEMAND_START",
            "SERVICE_DISABLED", "SERVICE_SYSTEM_ALERT");
NCERT_VOCAB(kServiceType, "windows-service-type-enum", false,
            "SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER",
            "SERVICE_WIN32_OWN_PROCESS", "SERVICE_WIN32_SHARE_PROCESS");
NCERT_VOCAB(kServiceStatus, "windows-service-status-enum", false,
            "SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING",
            "SERVICE_PAUSED", "SERVICE_RUNNING", "SERVICE_START_PENDING",
            "SERVICE_STOP_PENDING", "SERVICE_STOPPED");

#undef NCERT_VOCAB

// --- Property constructors ---------------------------------------------------

constexpr Property Str(std::string_view n, bool req = false,
                       std::string_view rule = {}) {
  Property p{n, Kind::kString, req};
  p.rule = rule;
  return p;
}
constexpr Property Bool(std::string_view n, bool req = false,
                        std::string_view rule = {}) {
  Property p{n, Kind::kBoolean, req};
  p.rule = rule;
  return p;
}
constexpr Property Int(std::string_view n, int64_t lo = INT64_MIN,
                       int64_t hi = INT64_MAX, std::string_view rule = {},
                       bool req = false) {
  Property p{n, Kind::kInteger, req};
  p.int_min = lo;
  p.int_max = hi;
  p.rule = rule;
  return p;
}
constexpr Property Float(std::string_view n, double lo, double hi,
                         std::string_view rule = {}) {
  Property p{n, Kind::kFloat};
  p.float_min = lo;
  p.float_max = hi;
  p.rule = rule;
  return p;
}
constexpr Property Ts(std::string_view n, bool req = false,
                      std::string_view rule = {}) {
  Property p{n, Kind::kTimestamp, req};
  p.rule = rule;
  return p;
}
constexpr Property TsMs(std::string_view n, bool req = false) {
  return Property{n, Kind::kTimestampMs, req};
}
constexpr Property Ref(std::string_view n, Targets t, bool req = false) {
  Property p{n, Kind::kIdentifier, req};
  p.targets = t;
  return p;
}
constexpr Property Refs(std::string_view n, Targets t, bool req = false,
                        bool deprecated = false) {
  Property p{n, Kind::kIdentifierList, req};
  p.targets = t;
  p.deprecated = deprecated;
  return p;
}
constexpr Property Strs(std::string_view n, bool req = false) {
  return Property{n, Kind::kStringList, req};
}
constexpr Property Ov(std::string_view n, const Vocab& v, bool req = false,
                      std::string_view rule = {}) {
  Property p{n, Kind::kVocab, req, &v};
  p.rule = rule;
  return p;
}
constexpr Property Ovs(std::string_view n, const Vocab& v, bool req = false,
                       std::string_view rule = {}) {
  Property p{n, Kind::kVocabList, req, &v};
  p.rule = rule;
  return p;
}
constexpr Property Of(std::string_view n, Kind k, bool req = false,
                      std::string_view rule = {}) {
  Property p{n, k, req};
  p.rule = rule;
  return p;
}
constexpr Property Sub(std::string_view n, Kind k, const ObjectSpec& s,
                       bool req = false) {
  Property p{n, k, req};
  p.sub = &s;
  return p;
}
constexpr Property Deprecated(std::string_view n, Kind k) {
  Property p{n, k};
  p.deprecated = true;
  return p;
}

constexpr Targets kToIdentity = To(T("identity"));
constexpr Targets kToMarking = To(T("marking-definition"));
constexpr Targets kToSoftware = To(T("software"));
constexpr Targets kToEmailAddr = To(T("email-addr"));
constexpr Targets kToUserAccount = To(T("user-account"));
constexpr Targets kToArtifact = To(T("artifact"));
constexpr Targets kToFile = To(T("file"));
constexpr Targets kToNetworkTraffic = To(T("network-traffic"));
constexpr Targets kToProcess = To(T("process"));
constexpr Targets kToAddress =
    To(T("ipv4-addr") | T("ipv6-addr") | T("mac-addr") | T("domain-name"));
// Relationship source_ref/target_ref: an SDO or SCO, never an SRO or a meta
// object (section 5.1).
constexpr Targets kToSdoOrSco{kAllSdo | kAllSco, true, true, false};

// --- Nested object types (sections 2.x) --------------------------------------

// Rules that belong to the nested types; defined further down.
void ExternalReferenceRule(Checker& c, simdjson::dom::object o,
                           const Path& path);
void KillChainPhaseRule(Checker& c, simdjson::dom::object o, const Path& path);
void GranularMarkingRule(Checker& c, simdjson::dom::object o, const Path& path);
void MimePartRule(Checker& c, simdjson::dom::object o, const Path& path);

constexpr Property kExternalReferenceProps[] = {
    Str("source_name", true, "external-reference"),
    Str("description"),
    Of("url", Kind::kUrl),
    Of("hashes", Kind::kHashes),
    Str("external_id"),
};
constexpr ObjectSpec kExternalReference{
    "external-reference", kExternalReferenceProps, {}, ExternalReferenceRule};

constexpr Property kKillChainPhaseProps[] = {
    Str("kill_chain_name", true, "kill-chain-phase"),
    Str("phase_name", true, "kill-chain-phase"),
};
constexpr ObjectSpec kKillChainPhase{
    "kill-chain-phase", kKillChainPhaseProps, {}, KillChainPhaseRule};

constexpr Property kGranularMarkingProps[] = {
    Strs("selectors", true),
    Ref("marking_ref", kToMarking),
    Str("lang"),
};
constexpr ObjectSpec kGranularMarking{
    "granular-marking", kGranularMarkingProps, {}, GranularMarkingRule};

// --- Common properties (sections 3.2, 6.1, 7.2, 7.3) -------------------------

constexpr Property kSdoCommon[] = {
    Of("type", Kind::kSelfType, true),
    Of("spec_version", Kind::kSpecVersion, true),
    Of("id", Kind::kSelfId, true),
    Ref("created_by_ref", kToIdentity),
    TsMs("created", true),
    TsMs("modified", true),
    Bool("revoked"),
    Strs("labels"),
    Int("confidence", 0, 100, "confidence-range"),
    Str("lang"),
    Sub("external_references", Kind::kObjectList, kExternalReference),
    Refs("object_marking_refs", kToMarking),
    Sub("granular_markings", Kind::kObjectList, kGranularMarking),
    Of("extensions", Kind::kExtensions),
};

constexpr Property kScoCommon[] = {
    Of("type", Kind::kSelfType, true),
    Of("spec_version", Kind::kSpecVersion),
    Of("id", Kind::kSelfId, true),
    Refs("object_marking_refs", kToMarking),
    Sub("granular_markings", Kind::kObjectList, kGranularMarking),
    Bool("defanged"),
    Of("extensions", Kind::kExtensions),
};

constexpr Property kMarkingCommon[] = {
    Of("type", Kind::kSelfType, true),
    Of("spec_version", Kind::kSpecVersion, true),
    Of("id", Kind::kSelfId, true),
    Ref("created_by_ref", kToIdentity),
    TsMs("created", true),
    Sub("external_references", Kind::kObjectList, kExternalReference),
    Refs("object_marking_refs", kToMarking),
    Sub("granular_markings", Kind::kObjectList, kGranularMarking),
    Of("extensions", Kind::kExtensions),
};

// --- Per-type rules
// ------------------------------------------------------------

void SeenOrder(Checker& c, simdjson::dom::object o, const Path& path) {
  c.CheckOrder(o, path, "first_seen", "last_seen", false, "stop-time");
}

void IndicatorRule(Checker& c, simdjson::dom::object o, const Path& path) {
  c.CheckOrder(o, path, "valid_from", "valid_until", true,
               "indicator-valid-until");
}

void LocationRule(Checker& c, simdjson::dom::object o, const Path& path) {
  bool lat = Member(o, "latitude").has_value();
  bool lon = Member(o, "longitude").has_value();
  if (lat != lon) {
    c.Error(path, lat ? "longitude" : "latitude", "location-region-or-coords",
            "latitude and longitude must be given together; add the missing "
            "one or remove the other");
  }
  if (!lat && !lon && !Member(o, "region") && !Member(o, "country")) {
    c.Error(path, "", "location-region-or-coords",
            "a location needs at least one of region, country, or latitude "
            "with longitude");
  }
  if (Member(o, "precision") && !(lat && lon)) {
    c.Error(path, "precision", "location-region-or-coords",
            "precision may only be given with latitude and longitude");
  }
}

void MalwareRule(Checker& c, simdjson::dom::object o, const Path& path) {
  SeenOrder(c, o, path);
  if (BoolMember(o, "is_family") == std::optional<bool>(true) &&
      !Member(o, "name")) {
    c.Error(path, "name", "malware-is-family",
            "a malware family (is_family true) must have a name");
  }
}

void MalwareAnalysisRule(Checker& c, simdjson::dom::object o,
                         const Path& path) {
  if (!Member(o, "result") && !Member(o, "analysis_sco_refs")) {
    c.Error(path, "", "malware-analysis-result",
            "a malware-analysis needs result or analysis_sco_refs (or both)");
  }
}

void ObservedDataRule(Checker& c, simdjson::dom::object o, const Path& path) {
  bool objects = Member(o, "objects").has_value();
  bool refs = Member(o, "object_refs").has_value();
  if (objects && refs) {
    c.Error(path, "objects", "observed-data-objects",
            "observed-data has both objects and object_refs; keep only "
            "object_refs (objects is deprecated)");
  } else if (!objects && !refs) {
    c.Error(path, "object_refs", "observed-data-objects",
            "observed-data needs object_refs (or the deprecated objects) "
            "naming what was observed");
  }
  c.CheckOrder(o, path, "first_observed", "last_observed", false,
               "observed-data-last-observed");
}

bool IsRelationshipType(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
      return false;
    }
  }
  return true;
}

void RelationshipRule(Checker& c, simdjson::dom::object o, const Path& path) {
  auto rel_type = StringMember(o, "relationship_type");
  if (rel_type && !IsRelationshipType(*rel_type)) {
    c.Error(path, "relationship_type", "relationship-self",
            fmt::format("relationship_type '{}' may hold only a-z, 0-9 and "
                        "hyphens",
                        *rel_type));
  }
  auto id = StringMember(o, "id");
  for (std::string_view key : {"source_ref", "target_ref"}) {
    auto ref = StringMember(o, key);
    if (ref && id && *ref == *id) {
      c.Error(path, key, "relationship-self",
              fmt::format("{} points at the relationship itself", key));
    }
  }
  c.CheckOrder(o, path, "start_time", "stop_time", true, "stop-time");
}

void SightingRule(Checker& c, simdjson::dom::object o, const Path& path) {
  c.CheckOrder(o, path, "first_seen", "last_seen", false, "sighting-last-seen");
}

void ArtifactRule(Checker& c, simdjson::dom::object o, const Path& path) {
  bool bin = Member(o, "payload_bin").has_value();
  bool url = Member(o, "url").has_value();
  if (bin && url) {
    c.Error(path, "url", "artifact",
            "an artifact carries either payload_bin or url, not both");
  } else if (!bin && !url) {
    c.Error(path, "", "artifact",
            "an artifact needs payload_bin or url (with hashes)");
  }
  if (url && !Member(o, "hashes")) {
    c.Error(path, "hashes", "artifact",
            "an artifact given by url must have hashes of its content");
  }
  if (Member(o, "decryption_key") && !Member(o, "encryption_algorithm")) {
    c.Error(path, "decryption_key", "artifact",
            "decryption_key needs encryption_algorithm");
  }
}

void EmailMessageRule(Checker& c, simdjson::dom::object o, const Path& path) {
  auto multipart = BoolMember(o, "is_multipart");
  if (multipart == std::optional<bool>(true) && Member(o, "body")) {
    c.Error(path, "body", "email-message",
            "a multipart message (is_multipart true) must put its body in "
            "body_multipart, not body");
  }
  if (multipart == std::optional<bool>(false) && Member(o, "body_multipart")) {
    c.Error(path, "body_multipart", "email-message",
            "body_multipart requires is_multipart true");
  }
}

void MimePartRule(Checker& c, simdjson::dom::object o, const Path& path) {
  bool body = Member(o, "body").has_value();
  bool raw = Member(o, "body_raw_ref").has_value();
  if (body == raw) {
    c.Error(path, body ? "body_raw_ref" : "", "email-message",
            "a MIME part needs exactly one of body or body_raw_ref");
  }
}

void FileRule(Checker& c, simdjson::dom::object o, const Path& path) {
  if (!Member(o, "hashes") && !Member(o, "name")) {
    c.Error(path, "", "file", "a file needs hashes or name (or both)");
  }
}

void NetworkTrafficRule(Checker& c, simdjson::dom::object o, const Path& path) {
  if (!Member(o, "src_ref") && !Member(o, "dst_ref")) {
    c.Error(path, "", "network-traffic",
            "network-traffic needs src_ref or dst_ref (or both)");
  }
  if (BoolMember(o, "is_active") == std::optional<bool>(true) &&
      Member(o, "end")) {
    c.Error(path, "end", "network-traffic",
            "active traffic (is_active true) must not have an end");
  }
  c.CheckOrder(o, path, "start", "end", false, "network-traffic");
}

// True if `o` has a property of `spec` other than the common ones, or an
// extension (process, user-account, windows-registry-key, x509-certificate).
bool HasOwnProperty(simdjson::dom::object o, std::span<const Property> props) {
  for (auto field : o) {
    if (field.key == "extensions") return true;
    for (const Property& p : props) {
      if (p.name == field.key) return true;
    }
  }
  return false;
}

// Defined after the property tables they look at.
void ProcessRule(Checker& c, simdjson::dom::object o, const Path& path);
void UserAccountRule(Checker& c, simdjson::dom::object o, const Path& path);
void RegistryKeyRule(Checker& c, simdjson::dom::object o, const Path& path);
void X509Rule(Checker& c, simdjson::dom::object o, const Path& path);

void Ipv4Rule(Checker& c, simdjson::dom::object o, const Path& path) {
  auto v = StringMember(o, "value");
  if (v && !IsIpv4(*v, true)) {
    c.Error(path, "value", "ipv4-addr",
            fmt::format("'{}' is not an IPv4 address or CIDR block "
                        "(a.b.c.d or a.b.c.d/n)",
                        *v));
  }
}

void Ipv6Rule(Checker& c, simdjson::dom::object o, const Path& path) {
  auto v = StringMember(o, "value");
  if (v && !IsIpv6(*v, true)) {
    c.Error(path, "value", "ipv6-addr",
            fmt::format("'{}' is not an IPv6 address or CIDR block", *v));
  }
}

void MacRule(Checker& c, simdjson::dom::object o, const Path& path) {
  auto v = StringMember(o, "value");
  if (v && !IsMacAddr(*v)) {
    c.Error(path, "value", "mac-addr",
            fmt::format("'{}' is not a MAC address in lower-case, "
                        "colon-delimited form (00:00:5e:00:53:01)",
                        *v));
  }
}

bool IsDomainName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t label = 0;
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (ch == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (u <= 0x20 || u == 0x7f || ch == '/' || ch == ':' || ch == '@' ||
        ch == '\\' || ch == '?' || ch == '#') {
      return false;
    }
    if (++label > 63) return false;
  }
  return true;
}

void DomainRule(Checker& c, simdjson::dom::object o, const Path& path) {
  auto v = StringMember(o, "value");
  if (v && !IsDomainName(*v)) {
    c.Error(path, "value", "domain-name",
            fmt::format("'{}' is not a domain name (labels of 1-63 "
                        "characters separated by dots, no spaces, '/', ':' "
                        "or '@')",
                        *v));
  }
}

void EmailAddrRule(Checker& c, simdjson::dom::object o, const Path& path) {
  auto v = StringMember(o, "value");
  if (!v) return;
  size_t at = v->rfind('@');
  bool ok = at != std::string_view::npos && at > 0 && at + 1 < v->size();
  for (char ch : *v) {
    if (static_cast<unsigned char>(ch) <= 0x20) ok = false;
  }
  if (!ok) {
    c.Error(
        path, "value", "email-addr",
        fmt::format("'{}' is not an email address (local-part@domain)", *v));
  }
}

void UrlRule(Checker& c, simdjson::dom::object o, const Path& path) {
  auto v = StringMember(o, "value");
  if (v && !IsUrl(*v)) {
    c.Error(path, "value", "url",
            fmt::format("'{}' is not a URL (RFC 3986: scheme ':' "
                        "rest, no white space)",
                        *v));
  }
}

void MarkingDefinitionRule(Checker& c, simdjson::dom::object o,
                           const Path& path);
void LanguageContentRule(Checker& c, simdjson::dom::object o, const Path& path);
void ExtensionDefinitionRule(Checker& c, simdjson::dom::object o,
                             const Path& path);

// --- SDO properties (section 4) ----------------------------------------------

constexpr Property kAttackPatternProps[] = {
    Str("name", true), Str("description"), Strs("aliases"),
    Sub("kill_chain_phases", Kind::kObjectList, kKillChainPhase)};
constexpr Property kCampaignProps[] = {Str("name", true), Str("description"),
                                       Strs("aliases"),   Ts("first_seen"),
                                       Ts("last_seen"),   Str("objective")};
constexpr Property kCourseOfActionProps[] = {
    Str("name", true), Str("description"),
    // Reserved in 2.1 for a future version (section 4.3).
    Of("action", Kind::kForbidden, false, "reserved-property")};
constexpr Property kGroupingProps[] = {
    Str("name"), Str("description"),
    Ov("context", kGroupingContext, true, "grouping-context"),
    Refs("object_refs", kToAny, true)};
constexpr Property kIdentityProps[] = {Str("name", true, "identity-name"),
                                       Str("description"),
                                       Strs("roles"),
                                       Ov("identity_class", kIdentityClass),
                                       Ovs("sectors", kIndustrySector),
                                       Str("contact_information")};
constexpr Property kIncidentProps[] = {
    Str("name", true), Str("description"),
    Sub("kill_chain_phases", Kind::kObjectList, kKillChainPhase)};
constexpr Property kIndicatorProps[] = {
    Str("name"),
    Str("description"),
    Ovs("indicator_types", kIndicatorType),
    Str("pattern", true),
    Ov("pattern_type", kPatternType, true),
    Str("pattern_version"),
    Ts("valid_from", true),
    Ts("valid_until"),
    Sub("kill_chain_phases", Kind::kObjectList, kKillChainPhase)};
constexpr Property kInfrastructureProps[] = {
    Str("name", true),
    Str("description"),
    Ovs("infrastructure_types", kInfrastructureType),
    Strs("aliases"),
    Sub("kill_chain_phases", Kind::kObjectList, kKillChainPhase),
    Ts("first_seen"),
    Ts("last_seen")};
constexpr Property kIntrusionSetProps[] = {
    Str("name", true),
    Str("description"),
    Strs("aliases"),
    Ts("first_seen"),
    Ts("last_seen"),
    Strs("goals"),
    Ov("resource_level", kAttackResourceLevel),
    Ov("primary_motivation", kAttackMotivation),
    Ovs("secondary_motivations", kAttackMotivation)};
constexpr Property kLocationProps[] = {
    Str("name"),
    Str("description"),
    Float("latitude", -90.0, 90.0, "location-region-or-coords"),
    Float("longitude", -180.0, 180.0, "location-region-or-coords"),
    Float("precision", 0.0, 1e308, "location-region-or-coords"),
    Ov("region", kRegion),
    Str("country"),
    Str("administrative_area"),
    Str("city"),
    Str("street_address"),
    Str("postal_code")};
constexpr Property kMalwareProps[] = {
    Str("name"),
    Str("description"),
    Ovs("malware_types", kMalwareType),
    Bool("is_family", true, "malware-is-family"),
    Strs("aliases"),
    Sub("kill_chain_phases", Kind::kObjectList, kKillChainPhase),
    Ts("first_seen"),
    Ts("last_seen"),
    Refs("operating_system_refs", kToSoftware),
    Ovs("architecture_execution_envs", kProcessorArchitecture),
    Ovs("implementation_languages", kImplementationLanguage),
    Ovs("capabilities", kMalwareCapabilities),
    Refs("sample_refs", To(T("file") | T("artifact")))};
constexpr Property kMalwareAnalysisProps[] = {
    Str("product", true),
    Str("version"),
    Ref("host_vm_ref", kToSoftware),
    Ref("operating_system_ref", kToSoftware),
    Refs("installed_software_refs", kToSoftware),
    Str("configuration_version"),
    Strs("modules"),
    Str("analysis_engine_version"),
    Str("analysis_definition_version"),
    Ts("submitted"),
    Ts("analysis_started"),
    Ts("analysis_ended"),
    Str("result_name"),
    Ov("result", kMalwareResult),
    Refs("analysis_sco_refs", kToSco),
    Ref("sample_ref", To(T("file") | T("network-traffic") | T("artifact")))};
constexpr Property kNoteProps[] = {
    Str("abstract"), Str("content", true, "note-content"), Strs("authors"),
    Refs("object_refs", kToAny, true)};
constexpr Property kObservedDataProps[] = {
    Ts("first_observed", true), Ts("last_observed", true),
    Int("number_observed", 1, 999999999, "observed-data-count", true),
    Deprecated("objects", Kind::kAnyJson),
    Refs("object_refs", Targets{kAllSco | kAllSro, false, true, false})};
constexpr Property kOpinionProps[] = {
    Str("explanation"), Strs("authors"),
    Ov("opinion", kOpinion, true, "opinion-value"),
    Refs("object_refs", kToAny, true)};
constexpr Property kReportProps[] = {Str("name", true), Str("description"),
                                     Ovs("report_types", kReportType),
                                     Ts("published", true, "report-published"),
                                     Refs("object_refs", kToAny, true)};
constexpr Property kThreatActorProps[] = {
    Str("name", true),
    Str("description"),
    Ovs("threat_actor_types", kThreatActorType),
    Strs("aliases"),
    Ts("first_seen"),
    Ts("last_seen"),
    Ovs("roles", kThreatActorRole),
    Strs("goals"),
    Ov("sophistication", kThreatActorSophistication),
    Ov("resource_level", kAttackResourceLevel),
    Ov("primary_motivation", kAttackMotivation),
    Ovs("secondary_motivations", kAttackMotivation),
    Ovs("personal_motivations", kAttackMotivation)};
constexpr Property kToolProps[] = {
    Str("name", true),
    Str("description"),
    Ovs("tool_types", kToolType),
    Strs("aliases"),
    Sub("kill_chain_phases", Kind::kObjectList, kKillChainPhase),
    Str("tool_version")};
constexpr Property kVulnerabilityProps[] = {Str("name", true),
                                            Str("description")};

// --- SROs (section 5)
// ----------------------------------------------------------

constexpr Property kRelationshipProps[] = {Str("relationship_type", true),
                                           Str("description"),
                                           Ref("source_ref", kToSdoOrSco, true),
                                           Ref("target_ref", kToSdoOrSco, true),
                                           Ts("start_time"),
                                           Ts("stop_time")};
constexpr Property kSightingProps[] = {
    Str("description"),
    Ts("first_seen"),
    Ts("last_seen"),
    Int("count", 0, 999999999, "sighting-count"),
    Ref("sighting_of_ref", kToSdo, true),
    Refs("observed_data_refs", To(T("observed-data"))),
    Refs("where_sighted_refs", To(T("identity") | T("location"))),
    Bool("summary")};

// --- SCOs (section 6)
// ----------------------------------------------------------

constexpr Property kArtifactProps[] = {
    Str("mime_type"),
    Of("payload_bin", Kind::kBinary),
    Of("url", Kind::kUrl),
    Of("hashes", Kind::kHashes),
    Ov("encryption_algorithm", kEncryptionAlgorithm),
    Str("decryption_key")};
constexpr Property kAutonomousSystemProps[] = {
    Int("number", 0, 4294967295, "autonomous-system", true), Str("name"),
    Str("rir")};
constexpr Property kDirectoryProps[] = {
    Str("path", true, "directory"),
    Str("path_enc"),
    Ts("ctime"),
    Ts("mtime"),
    Ts("atime"),
    Refs("contains_refs", To(T("file") | T("directory")))};
constexpr Property kDomainNameProps[] = {
    Str("value", true, "domain-name"),
    Refs("resolves_to_refs",
         To(T("ipv4-addr") | T("ipv6-addr") | T("domain-name")))};
constexpr Property kEmailAddrProps[] = {Str("value", true, "email-addr"),
                                        Str("display_name"),
                                        Ref("belongs_to_ref", kToUserAccount)};
constexpr Property kMimePartProps[] = {
    Str("body"), Ref("body_raw_ref", To(T("artifact") | T("file"))),
    Str("content_type"), Str("content_disposition")};
constexpr ObjectSpec kMimePart{
    "email-mime-part-type", kMimePartProps, {}, MimePartRule};
constexpr Property kEmailMessageProps[] = {
    Bool("is_multipart", true, "email-message"),
    Ts("date"),
    Str("content_type"),
    Ref("from_ref", kToEmailAddr),
    Ref("sender_ref", kToEmailAddr),
    Refs("to_refs", kToEmailAddr),
    Refs("cc_refs", kToEmailAddr),
    Refs("bcc_refs", kToEmailAddr),
    Str("message_id"),
    Str("subject"),
    Strs("received_lines"),
    Of("additional_header_fields", Kind::kDictionary),
    Str("body"),
    Sub("body_multipart", Kind::kObjectList, kMimePart),
    Ref("raw_email_ref", kToArtifact)};
constexpr Property kFileProps[] = {
    Of("hashes", Kind::kHashes),
    Int("size", 0),
    Str("name"),
    Str("name_enc"),
    Of("magic_number_hex", Kind::kHex),
    Str("mime_type"),
    Ts("ctime"),
    Ts("mtime"),
    Ts("atime"),
    Ref("parent_directory_ref", To(T("directory"))),
    Refs("contains_refs", kToSco),
    Ref("content_ref", kToArtifact)};
constexpr Property kIpv4Props[] = {
    Str("value", true, "ipv4-addr"),
    Refs("resolves_to_refs", To(T("mac-addr")), false, true),
    Refs("belongs_to_refs", To(T("autonomous-system")), false, true)};
constexpr Property kIpv6Props[] = {
    Str("value", true, "ipv6-addr"),
    Refs("resolves_to_refs", To(T("mac-addr")), false, true),
    Refs("belongs_to_refs", To(T("autonomous-system")), false, true)};
constexpr Property kMacAddrProps[] = {Str("value", true, "mac-addr")};
constexpr Property kMutexProps[] = {Str("name", true, "mutex")};
constexpr Property kNetworkTrafficProps[] = {
    Ts("start"),
    Ts("end"),
    Bool("is_active"),
    Ref("src_ref", kToAddress),
    Ref("dst_ref", kToAddress),
    Int("src_port", 0, 65535, "network-traffic"),
    Int("dst_port", 0, 65535, "network-traffic"),
    Strs("protocols", true),
    Int("src_byte_count", 0),
    Int("dst_byte_count", 0),
    Int("src_packets", 0),
    Int("dst_packets", 0),
    Of("ipfix", Kind::kDictionary),
    Ref("src_payload_ref", kToArtifact),
    Ref("dst_payload_ref", kToArtifact),
    Refs("encapsulates_refs", kToNetworkTraffic),
    Ref("encapsulated_by_ref", kToNetworkTraffic)};
constexpr Property kProcessProps[] = {
    Bool("is_hidden"),
    Int("pid"),
    Ts("created_time"),
    Str("cwd"),
    Str("command_line"),
    Of("environment_variables", Kind::kDictionary),
    Refs("opened_connection_refs", kToNetworkTraffic),
    Ref("creator_user_ref", kToUserAccount),
    Ref("image_ref", kToFile),
    Ref("parent_ref", kToProcess),
    Refs("child_refs", kToProcess)};
constexpr Property kSoftwareProps[] = {Str("name", true, "software"),
                                       Str("cpe"),
                                       Str("swid"),
                                       Strs("languages"),
                                       Str("vendor"),
                                       Str("version")};
constexpr Property kUrlProps[] = {Str("value", true, "url")};
constexpr Property kUserAccountProps[] = {Str("user_id"),
                                          Str("credential"),
                                          Str("account_login"),
                                          Ov("account_type", kAccountType),
                                          Str("display_name"),
                                          Bool("is_service_account"),
                                          Bool("is_privileged"),
                                          Bool("can_escalate_privs"),
                                          Bool("is_disabled"),
                                          Ts("account_created"),
                                          Ts("account_expires"),
                                          Ts("credential_last_changed"),
                                          Ts("account_first_login"),
                                          Ts("account_last_login")};
constexpr Property kRegistryValueProps[] = {Str("name"), Str("data"),
                                            Ov("data_type", kRegistryDatatype)};
constexpr ObjectSpec kRegistryValue{"windows-registry-value-type",
                                    kRegistryValueProps};
constexpr Property kRegistryKeyProps[] = {
    Str("key"), Sub("values", Kind::kObjectList, kRegistryValue),
    Ts("modified_time"), Ref("creator_user_ref", kToUserAccount),
    Int("number_of_subkeys", 0)};
constexpr Property kX509V3Props[] = {Str("basic_constraints"),
                                     Str("name_constraints"),
                                     Str("policy_constraints"),
                                     Str("key_usage"),
                                     Str("extended_key_usage"),
                                     Str("subject_key_identifier"),
                                     Str("authority_key_identifier"),
                                     Str("subject_alternative_name"),
                                     Str("issuer_alternative_name"),
                                     Str("subject_directory_attributes"),
                                     Str("crl_distribution_points"),
                                     Str("inhibit_any_policy"),
                                     Ts("private_key_usage_period_not_before"),
                                     Ts("private_key_usage_period_not_after"),
                                     Str("certificate_policies"),
                                     Str("policy_mappings")};
constexpr ObjectSpec kX509V3{"x509-v3-extensions-type", kX509V3Props};
constexpr Property kX509Props[] = {
    Bool("is_self_signed"),
    Of("hashes", Kind::kHashes),
    Str("version"),
    Str("serial_number"),
    Str("signature_algorithm"),
    Str("issuer"),
    Ts("validity_not_before"),
    Ts("validity_not_after"),
    Str("subject"),
    Str("subject_public_key_algorithm"),
    Str("subject_public_key_modulus"),
    Int("subject_public_key_exponent", 0),
    Sub("x509_v3_extensions", Kind::kObject, kX509V3)};

void ProcessRule(Checker& c, simdjson::dom::object o, const Path& path) {
  if (!HasOwnProperty(o, kProcessProps)) {
    c.Error(path, "", "process",
            "a process needs at least one process property or extension "
            "besides the common ones");
  }
}
void UserAccountRule(Checker& c, simdjson::dom::object o, const Path& path) {
  if (!HasOwnProperty(o, kUserAccountProps)) {
    c.Error(path, "", "user-account",
            "a user-account needs at least one user-account property or "
            "extension besides the common ones");
  }
}
void RegistryKeyRule(Checker& c, simdjson::dom::object o, const Path& path) {
  if (!HasOwnProperty(o, kRegistryKeyProps)) {
    c.Error(path, "", "windows-registry-key",
            "a windows-registry-key needs at least one of key, values, "
            "modified_time, creator_user_ref, number_of_subkeys");
  }
  auto key = StringMember(o, "key");
  if (!key) return;
  static constexpr std::string_view kAbbreviated[] = {"HKLM", "HKCU", "HKCR",
                                                      "HKU", "HKCC"};
  std::string_view hive = key->substr(0, key->find('\\'));
  for (std::string_view a : kAbbreviated) {
    if (hive.size() == a.size()) {
      bool same = true;
      for (size_t i = 0; i < a.size(); ++i) {
        char ch = hive[i];
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        if (ch != a[i]) same = false;
      }
      if (same) {
        c.Error(path, "key", "windows-registry-key",
                fmt::format("the hive '{}' must be written out in full "
                            "(HKEY_LOCAL_MACHINE, not HKLM)",
                            hive));
      }
    }
  }
}
void X509Rule(Checker& c, simdjson::dom::object o, const Path& path) {
  if (!HasOwnProperty(o, kX509Props)) {
    c.Error(path, "", "x509-certificate",
            "an x509-certificate needs at least one property besides type "
            "and id");
  }
  c.CheckOrder(o, path, "validity_not_before", "validity_not_after", false,
               "x509-certificate");
}

// --- Predefined SCO extensions (section 6.x.2) -------------------------------

void NtfsStreamRule(Checker&, simdjson::dom::object, const Path&) {}
constexpr Property kAlternateDataStreamProps[] = {
    Str("name", true), Of("hashes", Kind::kHashes), Int("size", 0)};
constexpr ObjectSpec kAlternateDataStream{"alternate-data-stream-type",
                                          kAlternateDataStreamProps,
                                          {},
                                          NtfsStreamRule};
constexpr Property kNtfsExtProps[] = {
    Str("sid"),
    Sub("alternate_data_streams", Kind::kObjectList, kAlternateDataStream)};
constexpr Property kRasterImageExtProps[] = {
    Int("image_height", 0), Int("image_width", 0), Int("bits_per_pixel", 0),
    Of("exif_tags", Kind::kDictionary)};
constexpr Property kPdfExtProps[] = {
    Str("version"), Bool("is_optimized"),
    Of("document_info_dict", Kind::kDictionary), Str("pdfid0"), Str("pdfid1")};
constexpr Property kArchiveExtProps[] = {
    Refs("contains_refs", To(T("file") | T("directory")), true),
    Str("comment")};
constexpr Property kPeOptionalHeaderProps[] = {
    Of("magic_hex", Kind::kHex),
    Int("major_linker_version"),
    Int("minor_linker_version"),
    Int("size_of_code", 0),
    Int("size_of_initialized_data", 0),
    Int("size_of_uninitialized_data", 0),
    Int("address_of_entry_point"),
    Int("base_of_code"),
    Int("base_of_data"),
    Int("image_base"),
    Int("section_alignment"),
    Int("file_alignment"),
    Int("major_os_version"),
    Int("minor_os_version"),
    Int("major_image_version"),
    Int("minor_image_version"),
    Int("major_subsystem_version"),
    Int("minor_subsystem_version"),
    Of("win32_version_value_hex", Kind::kHex),
    Int("size_of_image", 0),
    Int("size_of_headers", 0),
    Of("checksum_hex", Kind::kHex),
    Of("subsystem_hex", Kind::kHex),
    Of("dll_characteristics_hex", Kind::kHex),
    Int("size_of_stack_reserve", 0),
    Int("size_of_stack_commit", 0),
    Int("size_of_heap_reserve"),
    Int("size_of_heap_commit"),
    Int("loader_flags_hex"),
    Int("number_of_rva_and_sizes"),
    Of("hashes", Kind::kHashes)};
constexpr ObjectSpec kPeOptionalHeader{"windows-pe-optional-header-type",
                                       kPeOptionalHeaderProps};
constexpr Property kPeSectionProps[] = {Str("name", true), Int("size", 0),
                                        Float("entropy", -1e308, 1e308),
                                        Of("hashes", Kind::kHashes)};
constexpr ObjectSpec kPeSection{"windows-pe-section-type", kPeSectionProps};
constexpr Property kPeBinaryExtProps[] = {
    Ov("pe_type", kWindowsPebinaryType, true),
    Str("imphash"),
    Of("machine_hex", Kind::kHex),
    Int("number_of_sections", 0),
    Ts("time_date_stamp"),
    Of("pointer_to_symbol_table_hex", Kind::kHex),
    Int("number_of_symbols", 0),
    Int("size_of_optional_header", 0),
    Of("characteristics_hex", Kind::kHex),
    Of("file_header_hashes", Kind::kHashes),
    Sub("optional_header", Kind::kObject, kPeOptionalHeader),
    Sub("sections", Kind::kObjectList, kPeSection)};
constexpr Property kHttpRequestExtProps[] = {
    Str("request_method", true),   Str("request_value", true),
    Str("request_version"),        Of("request_header", Kind::kDictionary),
    Int("message_body_length", 0), Ref("message_body_data_ref", kToArtifact)};
constexpr Property kIcmpExtProps[] = {Of("icmp_type_hex", Kind::kHex, true),
                                      Of("icmp_code_hex", Kind::kHex, true)};
constexpr Property kSocketExtProps[] = {
    Ov("address_family", kSocketAddressFamily, true),
    Bool("is_blocking"),
    Bool("is_listening"),
    Of("options", Kind::kDictionary),
    Ov("socket_type", kSocketType),
    Int("socket_descriptor", 0),
    Int("socket_handle")};
constexpr Property kTcpExtProps[] = {Of("src_flags_hex", Kind::kHex),
                                     Of("dst_flags_hex", Kind::kHex)};
constexpr Property kWindowsProcessExtProps[] = {
    Bool("aslr_enabled"),
    Bool("dep_enabled"),
    Str("priority"),
    Str("owner_sid"),
    Str("window_title"),
    Of("startup_info", Kind::kDictionary),
    Ov("integrity_level", kIntegrityLevel)};
constexpr Property kWindowsServiceExtProps[] = {
    Str("service_name"),
    Strs("descriptions"),
    Str("display_name"),
    Str("group_name"),
    Ov("start_type", kServiceStartType),
    Refs("service_dll_refs", kToFile),
    Ov("service_type", kServiceType),
    Ov("service_status", kServiceStatus)};
constexpr Property kUnixAccountExtProps[] = {Int("gid"), Strs("groups"),
                                             Str("home_dir"), Str("shell")};

struct ScoExtension {
  std::string_view type;
  ObjectSpec spec;  // spec.name is the extension name
};
constexpr ScoExtension kScoExtensions[] = {
    {"file", {"ntfs-ext", kNtfsExtProps}},
    {"file", {"raster-image-ext", kRasterImageExtProps}},
    {"file", {"pdf-ext", kPdfExtProps}},
    {"file", {"archive-ext", kArchiveExtProps}},
    {"file", {"windows-pebinary-ext", kPeBinaryExtProps}},
    {"network-traffic", {"http-request-ext", kHttpRequestExtProps}},
    {"network-traffic", {"icmp-ext", kIcmpExtProps}},
    {"network-traffic", {"socket-ext", kSocketExtProps}},
    {"network-traffic", {"tcp-ext", kTcpExtProps}},
    {"process", {"windows-process-ext", kWindowsProcessExtProps}},
    {"process", {"windows-service-ext", kWindowsServiceExtProps}},
    {"user-account", {"unix-account-ext", kUnixAccountExtProps}},
};

// --- Meta objects (section 7)
// ---------------------------------------------------

constexpr Property kMarkingDefinitionProps[] = {
    Str("name"), Ov("definition_type", kMarkingDefinitionType),
    Of("definition", Kind::kAnyJson),
    // Marking definitions are not versioned (section 7.2.1).
    Of("modified", Kind::kForbidden, false, "marking-definition"),
    Of("revoked", Kind::kForbidden, false, "marking-definition")};
constexpr Property kLanguageContentProps[] = {
    Ref("object_ref", kToAny, true), Ts("object_modified"),
    Of("contents", Kind::kAnyJson, true, "language-content")};
constexpr Property kExtensionDefinitionProps[] = {
    Ref("created_by_ref", kToIdentity, true),
    Str("name", true),
    Str("description"),
    Str("schema", true, "extension-definition"),
    Str("version", true, "extension-definition"),
    Ovs("extension_types", kExtensionType, true, "extension-definition"),
    Strs("extension_properties")};

void MarkingDefinitionRule(Checker& c, simdjson::dom::object o,
                           const Path& path) {
  auto id = StringMember(o, "id");
  const TlpMarking* tlp = id ? FindTlpMarking(*id) : nullptr;
  auto def_type = StringMember(o, "definition_type");
  auto definition = Member(o, "definition");
  bool has_ext = Member(o, "extensions").has_value();
  if (!has_ext) {
    if (!def_type) {
      c.Error(path, "definition_type", "marking-definition",
              "a marking-definition without extensions needs "
              "definition_type and definition");
    }
    if (!definition) {
      c.Error(path, "definition", "marking-definition",
              "a marking-definition without extensions needs "
              "definition_type and definition");
    }
  }
  if (def_type && !definition) {
    c.Error(path, "definition", "marking-definition",
            "definition_type is given but definition is missing");
  }
  simdjson::dom::object def;
  bool def_is_object =
      definition && definition->get_object().get(def) == simdjson::SUCCESS;
  if (definition && !def_is_object) {
    c.Error(path, "definition", "marking-definition",
            "definition must be a JSON object");
  }
  Path def_path = path.Member("definition");
  if (def_type == "statement" && def_is_object &&
      !StringMember(def, "statement")) {
    c.Error(def_path, "statement", "marking-definition",
            "a statement marking needs a string definition.statement");
  }
  if (def_type == "tlp" && def_is_object) {
    auto level = StringMember(def, "tlp");
    const TlpMarking* want = nullptr;
    for (const TlpMarking& m : PredefinedTlpMarkings()) {
      if (m.version == TlpVersion::k1 && level == m.level) want = &m;
    }
    if (want == nullptr) {
      c.Error(def_path, "tlp", "marking-definition",
              "definition.tlp must be white, green, amber or red");
    } else if (id && *id != want->id) {
      c.Error(path, "id", "marking-definition",
              fmt::format("a TLP 1.0 {} marking must use the fixed id {}",
                          want->name, want->id));
    }
  }
  if (tlp != nullptr && tlp->version == TlpVersion::k1) {
    auto level = def_is_object ? StringMember(def, "tlp") : std::nullopt;
    if (def_type != "tlp" || level != tlp->level) {
      c.Error(path, "definition", "marking-definition",
              fmt::format("{} is the fixed id of TLP 1.0 {}; it must carry "
                          "definition_type \"tlp\" and definition "
                          "{{\"tlp\": \"{}\"}}",
                          tlp->id, tlp->name, tlp->level));
    }
    auto name = StringMember(o, "name");
    if (name && *name != tlp->name) {
      c.Error(path, "name", "marking-definition",
              fmt::format("the name of {} must be {}", tlp->id, tlp->name));
    }
    auto created = StringMember(o, "created");
    if (created && *created != kTlp1Created) {
      c.Error(path, "created", "marking-definition",
              fmt::format("TLP 1.0 marking definitions were created {}",
                          kTlp1Created));
    }
  }
  // TLP 2.0: the extension and the id must agree.
  std::optional<std::string_view> tlp2_level;
  if (auto ext = Member(o, "extensions")) {
    simdjson::dom::object exts;
    if (ext->get_object().get(exts) == simdjson::SUCCESS) {
      if (auto e = Member(exts, kTlp2ExtensionId)) {
        simdjson::dom::object eo;
        if (e->get_object().get(eo) == simdjson::SUCCESS) {
          tlp2_level = StringMember(eo, "tlp_2_0");
          Path exts_path = path.Member("extensions");
          Path ext_path = exts_path.Member(kTlp2ExtensionId);
          if (!tlp2_level) {
            c.Error(ext_path, "tlp_2_0", "marking-definition",
                    "the TLP 2.0 extension needs tlp_2_0 (clear, green, "
                    "amber, amber+strict or red)");
          } else {
            const TlpMarking* want = nullptr;
            for (const TlpMarking& m : PredefinedTlpMarkings()) {
              if (m.version == TlpVersion::k2 && *tlp2_level == m.level) {
                want = &m;
              }
            }
            if (want == nullptr) {
              c.Error(ext_path, "tlp_2_0", "marking-definition",
                      fmt::format("'{}' is not a TLP 2.0 level (clear, "
                                  "green, amber, amber+strict, red)",
                                  *tlp2_level));
            } else if (id && *id != want->id) {
              c.Error(path, "id", "marking-definition",
                      fmt::format("a TLP 2.0 {} marking must use the "
                                  "published id {}",
                                  want->name, want->id));
            }
          }
        }
      }
    }
  }
  if (tlp != nullptr && tlp->version == TlpVersion::k2) {
    if (tlp2_level != tlp->level) {
      c.Error(path, "extensions", "marking-definition",
              fmt::format("{} is the id of TLP 2.0 {}; it must carry the "
                          "extension {} with tlp_2_0 \"{}\"",
                          tlp->id, tlp->name, kTlp2ExtensionId, tlp->level));
    }
    auto name = StringMember(o, "name");
    if (name && *name != tlp->name) {
      c.Error(path, "name", "marking-definition",
              fmt::format("the name of {} must be {}", tlp->id, tlp->name));
    }
  }
}

bool IsLanguageTag(std::string_view s) {
  // RFC 5646 shape: alphanumeric subtags of 1-8 characters joined by '-'.
  if (s.empty()) return false;
  size_t len = 0;
  for (char ch : s) {
    if (ch == '-') {
      if (len == 0) return false;
      len = 0;
    } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch >= '0' && ch <= '9')) {
      if (++len > 8) return false;
    } else {
      return false;
    }
  }
  return len > 0;
}

void LanguageContentRule(Checker& c, simdjson::dom::object o,
                         const Path& path) {
  auto contents = Member(o, "contents");
  if (!contents) return;
  simdjson::dom::object langs;
  if (contents->get_object().get(langs) != simdjson::SUCCESS) {
    c.Error(path, "contents", "language-content",
            "contents must be a dictionary from language tags to "
            "dictionaries of translated properties");
    return;
  }
  Path cpath = path.Member("contents");
  if (langs.size() == 0) {
    c.Error(path, "contents", "language-content",
            "contents must hold at least one language");
  }
  for (auto field : langs) {
    if (!IsLanguageTag(field.key)) {
      c.Error(cpath, field.key, "language-content",
              fmt::format("'{}' is not an RFC 5646 language tag", field.key));
    }
    simdjson::dom::object translated;
    if (field.value.get_object().get(translated) != simdjson::SUCCESS ||
        translated.size() == 0) {
      c.Error(cpath, field.key, "language-content",
              "each language maps to a non-empty dictionary of property "
              "names to translated content");
    }
  }
}

void ExtensionDefinitionRule(Checker& c, simdjson::dom::object o,
                             const Path& path) {
  bool toplevel = false;
  if (auto types = Member(o, "extension_types")) {
    simdjson::dom::array arr;
    if (types->get_array().get(arr) == simdjson::SUCCESS) {
      for (auto t : arr) {
        std::string_view s;
        if (t.get_string().get(s) == simdjson::SUCCESS &&
            s == "toplevel-property-extension") {
          toplevel = true;
        }
      }
    }
  }
  if (!toplevel && Member(o, "extension_properties")) {
    c.Error(path, "extension_properties", "extension-definition",
            "extension_properties is only allowed when extension_types "
            "contains toplevel-property-extension");
  }
}

// --- The type table
// -------------------------------------------------------------

constexpr TypeSpec Sdo(std::string_view type, std::span<const Property> props,
                       ExtraRule extra = nullptr) {
  return TypeSpec{type, ObjectClass::kSdo, {type, props, kSdoCommon, extra}};
}
constexpr TypeSpec Sro(std::string_view type, std::span<const Property> props,
                       ExtraRule extra) {
  return TypeSpec{type, ObjectClass::kSro, {type, props, kSdoCommon, extra}};
}
constexpr TypeSpec Sco(std::string_view type, std::span<const Property> props,
                       ExtraRule extra = nullptr) {
  return TypeSpec{type, ObjectClass::kSco, {type, props, kScoCommon, extra}};
}

// In kTypeNames order, so FindType is an index lookup.
constexpr std::array<TypeSpec, kNumTypes> kTypes = {{
    Sdo("attack-pattern", kAttackPatternProps),
    Sdo("campaign", kCampaignProps, SeenOrder),
    Sdo("course-of-action", kCourseOfActionProps),
    Sdo("grouping", kGroupingProps),
    Sdo("identity", kIdentityProps),
    Sdo("incident", kIncidentProps),
    Sdo("indicator", kIndicatorProps, IndicatorRule),
    Sdo("infrastructure", kInfrastructureProps, SeenOrder),
    Sdo("intrusion-set", kIntrusionSetProps, SeenOrder),
    Sdo("location", kLocationProps, LocationRule),
    Sdo("malware", kMalwareProps, MalwareRule),
    Sdo("malware-analysis", kMalwareAnalysisProps, MalwareAnalysisRule),
    Sdo("note", kNoteProps),
    Sdo("observed-data", kObservedDataProps, ObservedDataRule),
    Sdo("opinion", kOpinionProps),
    Sdo("report", kReportProps),
    Sdo("threat-actor", kThreatActorProps, SeenOrder),
    Sdo("tool", kToolProps),
    Sdo("vulnerability", kVulnerabilityProps),
    Sro("relationship", kRelationshipProps, RelationshipRule),
    Sro("sighting", kSightingProps, SightingRule),
    Sco("artifact", kArtifactProps, ArtifactRule),
    Sco("autonomous-system", kAutonomousSystemProps),
    Sco("directory", kDirectoryProps),
    Sco("domain-name", kDomainNameProps, DomainRule),
    Sco("email-addr", kEmailAddrProps, EmailAddrRule),
    Sco("email-message", kEmailMessageProps, EmailMessageRule),
    Sco("file", kFileProps, FileRule),
    Sco("ipv4-addr", kIpv4Props, Ipv4Rule),
    Sco("ipv6-addr", kIpv6Props, Ipv6Rule),
    Sco("mac-addr", kMacAddrProps, MacRule),
    Sco("mutex", kMutexProps),
    Sco("network-traffic", kNetworkTrafficProps, NetworkTrafficRule),
    Sco("process", kProcessProps, ProcessRule),
    Sco("software", kSoftwareProps),
    Sco("url", kUrlProps, UrlRule),
    Sco("user-account", kUserAccountProps, UserAccountRule),
    Sco("windows-registry-key", kRegistryKeyProps, RegistryKeyRule),
    Sco("x509-certificate", kX509Props, X509Rule),
    TypeSpec{"marking-definition",
             ObjectClass::kMeta,
             {"marking-definition", kMarkingDefinitionProps, kMarkingCommon,
              MarkingDefinitionRule}},
    TypeSpec{"language-content",
             ObjectClass::kMeta,
             {"language-content", kLanguageContentProps, kSdoCommon,
              LanguageContentRule}},
    TypeSpec{"extension-definition",
             ObjectClass::kMeta,
             {"extension-definition", kExtensionDefinitionProps, kSdoCommon,
              ExtensionDefinitionRule}},
}};

constexpr bool TableInOrder() {
  for (int i = 0; i < kNumTypes; ++i) {
    if (kTypes[i].type != kTypeNames[i]) return false;
  }
  return true;
}
static_assert(TableInOrder(), "kTypes must follow kTypeNames");

constexpr ObjectSpec kCustomSdo{
    "custom object (SDO-like)", {}, kSdoCommon, nullptr, false};
constexpr ObjectSpec kCustomSco{
    "custom object (SCO-like)", {}, kScoCommon, nullptr, false};

// --- Nested-type rules
// ------------------------------------------------------------

bool StartsWithDigits(std::string_view s, size_t pos, size_t min_digits) {
  size_t n = 0;
  while (pos + n < s.size() && s[pos + n] >= '0' && s[pos + n] <= '9') ++n;
  return n >= min_digits && pos + n == s.size();
}

void ExternalReferenceRule(Checker& c, simdjson::dom::object o,
                           const Path& path) {
  auto source = StringMember(o, "source_name");
  auto ext_id = StringMember(o, "external_id");
  if (!Member(o, "description") && !Member(o, "url") &&
      !Member(o, "external_id")) {
    c.Error(path, "", "external-reference",
            "an external reference needs description, url or external_id "
            "besides source_name");
  }
  if (source == "capec") {
    if (!ext_id || !ext_id->starts_with("CAPEC-") ||
        !StartsWithDigits(*ext_id, 6, 1)) {
      c.Error(path, "external_id", "external-reference",
              "a capec reference needs external_id of the form CAPEC-<id>");
    }
  } else if (source == "cve") {
    // CVE-YYYY-NNNN with 4 or more digits after the year.
    bool ok = ext_id && ext_id->size() >= 13 && ext_id->starts_with("CVE-") &&
              (*ext_id)[8] == '-';
    if (ok) {
      for (size_t i = 4; i < 8; ++i) {
        if ((*ext_id)[i] < '0' || (*ext_id)[i] > '9') ok = false;
      }
      ok = ok && StartsWithDigits(*ext_id, 9, 4);
    }
    if (!ok) {
      c.Error(path, "external_id", "external-reference",
              "a cve reference needs external_id of the form "
              "CVE-YYYY-NNNN");
    }
  }
}

bool IsLowerHyphenated(std::string_view s) {
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
      return false;
    }
  }
  return true;
}

void KillChainPhaseRule(Checker& c, simdjson::dom::object o, const Path& path) {
  for (std::string_view key : {"kill_chain_name", "phase_name"}) {
    auto v = StringMember(o, key);
    if (v && !IsLowerHyphenated(*v)) {
      c.Warn(
          path, key, "kill-chain-phase-case",
          fmt::format("'{}' should be lower case with hyphens for spaces", *v));
    }
  }
}

bool IsSelectorSyntax(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    std::string_view part =
        s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty()) return false;
    if (part.front() == '[') {
      if (start == 0 || part.size() < 3 || part.back() != ']') return false;
      for (size_t i = 1; i + 1 < part.size(); ++i) {
        if (part[i] < '0' || part[i] > '9') return false;
      }
    } else {
      for (char ch : part) {
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
        if (!ok) return false;
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

void GranularMarkingRule(Checker& c, simdjson::dom::object o,
                         const Path& path) {
  bool ref = Member(o, "marking_ref").has_value();
  bool lang = Member(o, "lang").has_value();
  if (ref == lang) {
    c.Error(path, ref ? "lang" : "", "granular-markings",
            "a granular marking needs exactly one of marking_ref or lang");
  }
  auto selectors = Member(o, "selectors");
  simdjson::dom::array arr;
  if (!selectors || selectors->get_array().get(arr) != simdjson::SUCCESS) {
    return;
  }
  Path spath = path.Member("selectors");
  size_t i = 0;
  for (auto item : arr) {
    std::string_view sel;
    if (item.get_string().get(sel) == simdjson::SUCCESS) {
      if (!IsSelectorSyntax(sel)) {
        c.Error(spath.Item(i), "", "granular-markings",
                fmt::format("'{}' is not a selector (property names and "
                            "[index] parts joined by dots)",
                            sel));
      } else if (!c.SelectorResolves(sel)) {
        c.Error(spath.Item(i), "", "granular-markings",
                fmt::format("selector '{}' names nothing in this object", sel));
      }
    }
    ++i;
  }
}

}  // namespace

int TypeIndex(std::string_view type) {
  for (int i = 0; i < kNumTypes; ++i) {
    if (kTypeNames[i] == type) return i;
  }
  return -1;
}

bool Vocab::Contains(std::string_view v) const {
  for (std::string_view x : values) {
    if (x == v) return true;
  }
  return false;
}

const TypeSpec* FindType(std::string_view type) {
  int i = TypeIndex(type);
  return i < 0 ? nullptr : &kTypes[static_cast<size_t>(i)];
}

const ObjectSpec& CustomSdoSpec() { return kCustomSdo; }
const ObjectSpec& CustomScoSpec() { return kCustomSco; }

const ObjectSpec* FindScoExtension(std::string_view type,
                                   std::string_view name) {
  for (const ScoExtension& e : kScoExtensions) {
    if (e.type == type && e.spec.name == name) return &e.spec;
  }
  return nullptr;
}

// --- Format checks
// ------------------------------------------------------------------

namespace {
bool IsHexDigit(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
         (ch >= 'A' && ch <= 'F');
}
}  // namespace

bool IsHex(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) return false;
  for (char ch : s) {
    if (!IsHexDigit(ch)) return false;
  }
  return true;
}

bool IsBase64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    bool alnum = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                 (ch >= '0' && ch <= '9') || ch == '+' || ch == '/';
    if (ch == '=') {
      ++pad;
      if (i + 2 < s.size() || pad > 2) return false;
    } else if (!alnum || pad > 0) {
      return false;
    }
  }
  return true;
}

bool IsUrl(std::string_view s) {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (RFC 3986 3.1)
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  char first = s[0];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
    return false;
  }
  for (size_t i = 1; i < colon; ++i) {
    char ch = s[i];
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.';
    if (!ok) return false;
  }
  if (colon + 1 == s.size()) return false;
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

namespace {
// Parses a decimal in [0, max] without leading zeros; advances `pos`.
bool ParseDecimal(std::string_view s, size_t* pos, int max, int* out) {
  size_t start = *pos;
  int v = 0;
  while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9') {
    v = v * 10 + (s[*pos] - '0');
    if (v > max) return false;
    ++*pos;
  }
  size_t n = *pos - start;
  if (n == 0 || (n > 1 && s[start] == '0')) return false;
  *out = v;
  return true;
}

bool ParsePrefix(std::string_view s, size_t pos, int max) {
  if (pos == s.size()) return true;
  if (s[pos] != '/') return false;
  ++pos;
  int v;
  return ParseDecimal(s, &pos, max, &v) && pos == s.size();
}
}  // namespace

bool IsIpv4(std::string_view s, bool allow_cidr) {
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    int octet;
    if (!ParseDecimal(s, &pos, 255, &octet)) return false;
    if (i < 3) {
      if (pos >= s.size() || s[pos] != '.') return false;
      ++pos;
    }
  }
  if (pos == s.size()) return true;
  return allow_cidr && ParsePrefix(s, pos, 32);
}

bool IsIpv6(std::string_view s, bool allow_cidr) {
  size_t slash = s.find('/');
  std::string_view addr = s.substr(0, slash);
  if (slash != std::string_view::npos) {
    if (!allow_cidr || !ParsePrefix(s, slash, 128)) return false;
  }
  if (addr.size() < 2) return false;
  int groups = 0;
  bool compressed = false;
  size_t pos = 0;
  if (addr.starts_with("::")) {
    compressed = true;
    pos = 2;
    if (pos == addr.size()) return true;
  } else if (addr[0] == ':') {
    return false;
  }
  while (pos < addr.size()) {
    size_t end = pos;
    while (end < addr.size() && addr[end] != ':') ++end;
    std::string_view group = addr.substr(pos, end - pos);
    if (group.find('.') != std::string_view::npos) {
      // An embedded IPv4 address ends the address and counts as 2 groups.
      if (end != addr.size() || !IsIpv4(group, false)) return false;
      groups += 2;
      break;
    }
    if (group.empty() || group.size() > 4) return false;
    for (char ch : group) {
      if (!IsHexDigit(ch)) return false;
    }
    ++groups;
    if (end == addr.size()) break;
    pos = end + 1;
    if (pos < addr.size() && addr[pos] == ':') {
      if (compressed) return false;
      compressed = true;
      ++pos;
      if (pos == addr.size()) break;
    } else if (pos == addr.size()) {
      return false;  // a trailing single ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool IsMacAddr(std::string_view s) {
  if (s.size() != 17) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (i % 3 == 2) {
      if (ch != ':') return false;
    } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool IsPropertyName(std::string_view s) {
  if (s.size() < 3 || s.size() > 250) return false;
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) {
      return false;
    }
  }
  return true;
}

bool IsTypeName(std::string_view s) {
  if (s.size() < 3 || s.size() > 250) return false;
  bool prev_hyphen = true;
  for (char ch : s) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    if (!ok || (ch == '-' && prev_hyphen)) return false;
    prev_hyphen = ch == '-';
  }
  return !prev_hyphen;
}

}  // namespace spec_internal

std::optional<ObjectClass> KnownTypeClass(std::string_view type) {
  const spec_internal::TypeSpec* t = spec_internal::FindType(type);
  if (t == nullptr) return std::nullopt;
  return t->object_class;
}

}  // namespace ncert::stix
