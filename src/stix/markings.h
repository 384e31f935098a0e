// The predefined Traffic Light Protocol marking definitions of STIX 2.1: the
// four TLP 1.0 objects of the specification (section 7.2.1.4, fixed ids,
// definition_type "tlp") and the five TLP 2.0 objects that OASIS publishes
// with the TLP 2.0 extension (extension-definition--60a3c5c5-…, property
// "tlp_2_0"). TLP 1.0 WHITE is read as TLP:CLEAR.
//
// Thread safety: constant tables and pure functions; thread-safe.
#ifndef NCERT_STIX_MARKINGS_H_
#define NCERT_STIX_MARKINGS_H_

#include <optional>
#include <span>
#include <string_view>

namespace ncert::stix {

// Ordered from least to most restrictive, so `a < b` means b restricts more.
enum class Tlp { kClear, kGreen, kAmber, kAmberStrict, kRed };

enum class TlpVersion { k1, k2 };

// The extension-definition that carries TLP 2.0 levels.
inline constexpr std::string_view kTlp2ExtensionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
// The `created` timestamps the predefined objects carry.
inline constexpr std::string_view kTlp1Created = "2017-01-20T00:00:00.000Z";
inline constexpr std::string_view kTlp2Created = "2022-10-01T00:00:00.000Z";

struct TlpMarking {
  Tlp tlp;
  TlpVersion version;
  std::string_view id;    // "marking-definition--…"
  std::string_view name;  // "TLP:WHITE" (1.0), "TLP:CLEAR" (2.0), …
  // TLP 1.0: the value of definition.tlp ("white"); TLP 2.0: the value of
  // extensions[kTlp2ExtensionId].tlp_2_0 ("clear", "amber+strict", …).
  std::string_view level;
  std::string_view json;  // the whole object in canonical JSON (core/json.h)
};

// All nine predefined objects: TLP 1.0 white, green, amber, red, then TLP 2.0
// clear, green, amber, amber+strict, red.
std::span<const TlpMarking> PredefinedTlpMarkings();

// The predefined marking with this id, or nullptr.
const TlpMarking* FindTlpMarking(std::string_view marking_id);

// The TLP level a marking-definition id stands for (1.0 or 2.0), if it is one
// of the predefined ones.
std::optional<Tlp> TlpOfMarking(std::string_view marking_id);

// "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED".
std::string_view TlpName(Tlp tlp);

// Reads "TLP:CLEAR" … "TLP:RED" (also "TLP:WHITE"), upper case as TLP 2.0
// writes them.
std::optional<Tlp> ParseTlpName(std::string_view name);

// The id of the TLP 2.0 marking-definition for `tlp`.
std::string_view Tlp2MarkingId(Tlp tlp);

}  // namespace ncert::stix

#endif  // NCERT_STIX_MARKINGS_H_
