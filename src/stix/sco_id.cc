#include "stix/sco_id.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <array>
#include <utility>

#include "core/id.h"
#include "core/json.h"

namespace ncert::stix {
namespace {

using Props = std::span<const std::string_view>;

// STIX 2.1 section 6, "ID Contributing Properties" of each SCO type, sorted by
// name (the canonical order, so the output needs no sort).
constexpr std::string_view kArtifact[] = {"hashes", "payload_bin"};
constexpr std::string_view kAutonomousSystem[] = {"number"};
constexpr std::string_view kDirectory[] = {"path"};
constexpr std::string_view kValue[] = {"value"};
constexpr std::string_view kEmailMessage[] = {"body", "from_ref", "subject"};
constexpr std::string_view kFile[] = {"extensions", "hashes", "name",
                                      "parent_directory_ref"};
constexpr std::string_view kMutex[] = {"name"};
constexpr std::string_view kNetworkTraffic[] = {
    "dst_port",  "dst_ref",  "end",     "extensions",
    "protocols", "src_port", "src_ref", "start"};
constexpr std::string_view kSoftware[] = {"cpe", "name", "swid", "vendor",
                                          "version"};
constexpr std::string_view kUserAccount[] = {"account_login", "account_type",
                                             "user_id"};
constexpr std::string_view kRegistryKey[] = {"key", "values"};
constexpr std::string_view kX509[] = {"hashes", "serial_number"};

struct Entry {
  std::string_view type;
  Props props;
};

constexpr std::array<Entry, 17> kTable = {{
    {"artifact", kArtifact},
    {"autonomous-system", kAutonomousSystem},
    {"directory", kDirectory},
    {"domain-name", kValue},
    {"email-addr", kValue},
    {"email-message", kEmailMessage},
    {"file", kFile},
    {"ipv4-addr", kValue},
    {"ipv6-addr", kValue},
    {"mac-addr", kValue},
    {"mutex", kMutex},
    {"network-traffic", kNetworkTraffic},
    {"software", kSoftware},
    {"url", kValue},
    {"user-account", kUserAccount},
    {"windows-registry-key", kRegistryKey},
    {"x509-certificate", kX509},
}};

// Appends {"<name>":"<value>"} for the preferred hash of `hashes`. False if
// the dictionary is empty.
Status AppendOneHash(simdjson::dom::object hashes, std::string* out,
                     bool* appended) {
  static constexpr std::string_view kPreferred[] = {"MD5", "SHA-1", "SHA-256",
                                                    "SHA-512"};
  simdjson::dom::element chosen;
  std::string_view chosen_key;
  for (std::string_view want : kPreferred) {
    if (hashes.at_key(want).get(chosen) == simdjson::SUCCESS) {
      chosen_key = want;
      break;
    }
  }
  if (chosen_key.empty()) {
    for (auto field : hashes) {  // the first one in document order
      chosen_key = field.key;
      chosen = field.value;
      break;
    }
  }
  if (chosen_key.empty()) {
    *appended = false;
    return Status::Ok();
  }
  out->push_back('{');
  AppendJsonString(chosen_key, out);
  out->push_back(':');
  RETURN_IF_ERROR(AppendCanonicalJson(chosen, out));
  out->push_back('}');
  *appended = true;
  return Status::Ok();
}

}  // namespace

Props ScoIdContributingProperties(std::string_view type) {
  for (const Entry& e : kTable) {
    if (e.type == type) return e.props;
  }
  return {};
}

Result<std::string> ComputeScoId(const simdjson::dom::element& sco) {
  simdjson::dom::object obj;
  if (sco.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidArgument("a cyber-observable must be a JSON object");
  }
  std::string_view type;
  if (obj.at_key("type").get_string().get(type) != simdjson::SUCCESS) {
    return Status::InvalidArgument(
        "a cyber-observable needs a string 'type' property");
  }
  Props props = ScoIdContributingProperties(type);
  if (props.empty()) {
    return Status::NotFound(fmt::format(
        "type '{}' has no ID Contributing Properties; use a UUIDv4", type));
  }
  std::string name;
  name.push_back('{');
  bool any = false;
  for (std::string_view prop : props) {
    simdjson::dom::element value;
    if (obj.at_key(prop).get(value) != simdjson::SUCCESS) continue;
    size_t mark = name.size();
    if (any) name.push_back(',');
    AppendJsonString(prop, &name);
    name.push_back(':');
    if (prop == "hashes" && value.is_object()) {
      bool appended = false;
      RETURN_IF_ERROR(
          AppendOneHash(value.get_object().value_unsafe(), &name, &appended));
      if (!appended) {  // an empty dictionary contributes nothing
        name.resize(mark);
        continue;
      }
    } else {
      RETURN_IF_ERROR(AppendCanonicalJson(value, &name));
    }
    any = true;
  }
  name.push_back('}');
  if (!any) {
    return Status::NotFound(fmt::format(
        "none of the ID Contributing Properties of '{}' is present; use a "
        "UUIDv4",
        type));
  }
  static const UuidBytes kNamespace = *ParseUuid(kStixScoNamespace);
  std::string id(type);
  id += "--";
  id += UuidV5(kNamespace, name);
  return id;
}

}  // namespace ncert::stix
