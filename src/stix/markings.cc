#include "stix/markings.h"

#include <array>

namespace ncert::stix {
namespace {

// Canonical JSON: members sorted by name, no white space (core/json.h).
constexpr std::array<TlpMarking, 9> kMarkings = {{
    {Tlp::kClear, TlpVersion::k1,
     "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "TLP:WHITE",
     "white",
     R"({"created":"2017-01-20T00:00:00.000Z","definition":{"tlp":"white"},)"
     R"("definition_type":"tlp","id":"marking-definition--613f2e26-407d-48c7-)"
     R"(9eca-b8e91df99dc9","name":"TLP:WHITE","spec_version":"2.1",)"
     R"("type":"marking-definition"})"},
    {Tlp::kGreen, TlpVersion::k1,
     "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "TLP:GREEN",
     "green",
     R"({"created":"2017-01-20T00:00:00.000Z","definition":{"tlp":"green"},)"
     R"("definition_type":"tlp","id":"marking-definition--34098fce-860f-48ae-)"
     R"(8e50-ebd3cc5e41da","name":"TLP:GREEN","spec_version":"2.1",)"
     R"("type":"marking-definition"})"},
    {Tlp::kAmber, TlpVersion::k1,
     "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "TLP:AMBER",
     "amber",
     R"({"created":"2017-01-20T00:00:00.000Z","definition":{"tlp":"amber"},)"
     R"("definition_type":"tlp","id":"marking-definition--f88d31f6-486f-44da-)"
     R"(b317-01333bde0b82","name":"TLP:AMBER","spec_version":"2.1",)"
     R"("type":"marking-definition"})"},
    {Tlp::kRed, TlpVersion::k1,
     "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "TLP:RED",
     "red",
     R"({"created":"2017-01-20T00:00:00.000Z","definition":{"tlp":"red"},)"
     R"("definition_type":"tlp","id":"marking-definition--5e57c739-391a-4eb3-)"
     R"(b6be-7d15ca92d5ed","name":"TLP:RED","spec_version":"2.1",)"
     R"("type":"marking-definition"})"},
    {Tlp::kClear, TlpVersion::k2,
     "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR",
     "clear",
     R"({"created":"2022-10-01T00:00:00.000Z","extensions":{"extension-)"
     R"(definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":)"
     R"("property-extension","tlp_2_0":"clear"}},"id":"marking-definition--)"
     R"(94868c89-83c2-464b-929b-a1a8aa3c8487","name":"TLP:CLEAR",)"
     R"("spec_version":"2.1","type":"marking-definition"})"},
    {Tlp::kGreen, TlpVersion::k2,
     "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN",
     "green",
     R"({"created":"2022-10-01T00:00:00.000Z","extensions":{"extension-)"
     R"(definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":)"
     R"("property-extension","tlp_2_0":"green"}},"id":"marking-definition--)"
     R"(bab4a63c-aed9-4cf5-a766-dfca5abac2bb","name":"TLP:GREEN",)"
     R"("spec_version":"2.1","type":"marking-definition"})"},
    {Tlp::kAmber, TlpVersion::k2,
     "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER",
     "amber",
     R"({"created":"2022-10-01T00:00:00.000Z","extensions":{"extension-)"
     R"(definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":)"
     R"("property-extension","tlp_2_0":"amber"}},"id":"marking-definition--)"
     R"(55d920b0-5e8b-4f79-9ee9-91f868d9b421","name":"TLP:AMBER",)"
     R"("spec_version":"2.1","type":"marking-definition"})"},
    {Tlp::kAmberStrict, TlpVersion::k2,
     "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
     "TLP:AMBER+STRICT", "amber+strict",
     R"({"created":"2022-10-01T00:00:00.000Z","extensions":{"extension-)"
     R"(definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":)"
     R"("property-extension","tlp_2_0":"amber+strict"}},"id":"marking-)"
     R"(definition--939a9414-2ddd-4d32-a0cd-375ea402b003","name":)"
     R"("TLP:AMBER+STRICT","spec_version":"2.1","type":"marking-definition"})"},
    {Tlp::kRed, TlpVersion::k2,
     "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED",
     "red",
     R"({"created":"2022-10-01T00:00:00.000Z","extensions":{"extension-)"
     R"(definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":)"
     R"("property-extension","tlp_2_0":"red"}},"id":"marking-definition--)"
     R"(e828b379-4e03-4974-9ac4-e53a884c97c1","name":"TLP:RED",)"
     R"("spec_version":"2.1","type":"marking-definition"})"},
}};

}  // namespace

std::span<const TlpMarking> PredefinedTlpMarkings() { return kMarkings; }

const TlpMarking* FindTlpMarking(std::string_view marking_id) {
  for (const TlpMarking& m : kMarkings) {
    if (m.id == marking_id) return &m;
  }
  return nullptr;
}

std::optional<Tlp> TlpOfMarking(std::string_view marking_id) {
  const TlpMarking* m = FindTlpMarking(marking_id);
  if (m == nullptr) return std::nullopt;
  return m->tlp;
}

std::string_view TlpName(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return "TLP:CLEAR";
    case Tlp::kGreen:
      return "TLP:GREEN";
    case Tlp::kAmber:
      return "TLP:AMBER";
    case Tlp::kAmberStrict:
      return "TLP:AMBER+STRICT";
    case Tlp::kRed:
      return "TLP:RED";
  }
  return "TLP:?";
}

std::optional<Tlp> ParseTlpName(std::string_view name) {
  if (name == "TLP:CLEAR" || name == "TLP:WHITE") return Tlp::kClear;
  if (name == "TLP:GREEN") return Tlp::kGreen;
  if (name == "TLP:AMBER") return Tlp::kAmber;
  if (name == "TLP:AMBER+STRICT") return Tlp::kAmberStrict;
  if (name == "TLP:RED") return Tlp::kRed;
  return std::nullopt;
}

std::string_view Tlp2MarkingId(Tlp tlp) {
  for (const TlpMarking& m : kMarkings) {
    if (m.version == TlpVersion::k2 && m.tlp == tlp) return m.id;
  }
  return {};
}

}  // namespace ncert::stix
