#include "access/principal.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/json.h"

namespace ncert::access {
namespace {

constexpr std::pair<OrgType, std::string_view> kOrgTypes[] = {
    {OrgType::kNationalCert, "national-cert"},
    {OrgType::kGovernment, "government"},
    {OrgType::kCriticalInfrastructure, "critical-infrastructure"},
    {OrgType::kIsp, "isp"},
    {OrgType::kCompany, "company"},
    {OrgType::kSensorOperator, "sensor-operator"},
    {OrgType::kPartnerCert, "partner-cert"},
    {OrgType::kResearch, "research"},
};

constexpr std::pair<Role, std::string_view> kRoles[] = {
    {Role::kAdmin, "admin"},
    {Role::kAnalyst, "analyst"},
    {Role::kMemberAdmin, "member-admin"},
    {Role::kMember, "member"},
    {Role::kSensor, "sensor"},
    {Role::kPartner, "partner"},
    {Role::kPolicyReader, "policy-reader"},
};

template <typename E, size_t N>
std::string_view NameOf(const std::pair<E, std::string_view> (&table)[N],
                        E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> Lookup(const std::pair<E, std::string_view> (&table)[N],
                        std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view OrgTypeName(OrgType t) { return NameOf(kOrgTypes, t); }
std::optional<OrgType> ParseOrgType(std::string_view name) {
  return Lookup(kOrgTypes, name);
}
std::string_view RoleName(Role r) { return NameOf(kRoles, r); }
std::optional<Role> ParseRole(std::string_view name) {
  return Lookup(kRoles, name);
}

bool RoleReadsObjects(Role r) {
  return r != Role::kSensor && r != Role::kPolicyReader;
}

bool IsCriticalSector(std::string_view slug) {
  return std::find(std::begin(kCriticalSectors), std::end(kCriticalSectors),
                   slug) != std::end(kCriticalSectors);
}

bool IsValidSectorSlug(std::string_view s) {
  if (s.size() < 2 || s.size() > 64 || s.front() == '-' || s.back() == '-') {
    return false;
  }
  char prev = 0;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

Clearances::Clearances()
    : names_{"none", "confidential", "secret", "top-secret"} {}

Clearances::Clearances(std::vector<std::string> names)
    : names_(std::move(names)) {
  names_.resize(kMaxClearance + 1);
}

std::string_view Clearances::Name(Clearance c) const {
  if (c < 0 || c > kMaxClearance) return "invalid";
  return names_[static_cast<size_t>(c)];
}

std::optional<Clearance> Clearances::Parse(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<Clearance>(i);
  }
  return std::nullopt;
}

std::string OrgJson(const Org& o) {
  std::string out = fmt::format("{{\"id\":{},\"name\":", o.id);
  AppendJsonString(o.name, &out);
  out += fmt::format(",\"type\":\"{}\",\"sectors\":[", OrgTypeName(o.type));
  for (size_t i = 0; i < o.sectors.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(o.sectors[i], &out);
  }
  return out + "]}";
}

}  // namespace ncert::access
