// Who asks: organisations, users, roles, clearance levels, sharing groups.
//
// Thread safety: values.
#ifndef NCERT_ACCESS_PRINCIPAL_H_
#define NCERT_ACCESS_PRINCIPAL_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ncert::access {

enum class OrgType {
  kNationalCert,            // the national CERT itself
  kGovernment,              // ministries and agencies
  kCriticalInfrastructure,  // operators in the 14 sectors
  kIsp,                     // ISPs and telecom carriers
  kCompany,                 // other companies, small and large
  kSensorOperator,
  kPartnerCert,  // foreign partner CERTs, ISACs
  kResearch,
};

std::string_view OrgTypeName(OrgType t);  // "national-cert", "isp", ...
std::optional<OrgType> ParseOrgType(std::string_view name);

// The 14 critical-infrastructure sectors of Japan's action plan, as slugs.
// Other sectors are free-form slugs of the same shape ("food", "automotive").
inline constexpr std::string_view kCriticalSectors[] = {
    "information-communication",
    "finance",
    "aviation",
    "airports",
    "railways",
    "electric-power",
    "gas",
    "government",
    "medical",
    "water",
    "logistics",
    "chemicals",
    "credit-cards",
    "petroleum"};
bool IsCriticalSector(std::string_view slug);
// A sector slug: 2-64 of a-z, 0-9 and single hyphens.
bool IsValidSectorSlug(std::string_view slug);

enum class Role {
  kAdmin,         // manages organisations, users and tokens; no extra reads
  kAnalyst,       // national CERT analyst: reads what is shared with its org
  kMemberAdmin,   // manages the users of its own organisation
  kMember,        // reads what is shared with its organisation
  kSensor,        // writes telemetry; reads nothing
  kPartner,       // a TAXII peer: reads as a member of its organisation
  kPolicyReader,  // aggregate statistics only; reads no object
};

std::string_view RoleName(Role r);  // "admin", "analyst", "member-admin", ...
std::optional<Role> ParseRole(std::string_view name);
// Whether the role may read knowledge objects at all.
bool RoleReadsObjects(Role r);

// Clearance levels, 0 = none; the names are configurable (Clearances).
using Clearance = int;
inline constexpr Clearance kMaxClearance = 3;

// Names of the clearance levels 0..3 ("none", "confidential", "secret",
// "top-secret" by default).
class Clearances {
 public:
  Clearances();
  explicit Clearances(std::vector<std::string> names);
  std::string_view Name(Clearance c) const;
  std::optional<Clearance> Parse(std::string_view name) const;

 private:
  std::vector<std::string> names_;
};

struct Org {
  int64_t id = 0;
  std::string name;  // unique, e.g. "Tokyo Electric (demo)"
  OrgType type = OrgType::kCompany;
  std::vector<std::string> sectors;  // sorted slugs
  std::string identity_ref;          // its STIX identity id, if any
};

// {"id":…,"name":…,"type":…,"sectors":[…]}: an organisation as the admin
// API (server/) and `ncert org --json` (cli/) show it.
std::string OrgJson(const Org& o);

struct User {
  int64_t id = 0;
  std::string name;  // unique login, e.g. "sato@power.example"
  int64_t org_id = 0;
  Role role = Role::kMember;
  Clearance clearance = 0;
};

// A resolved caller: the user, their organisation and sharing groups.
struct Principal {
  User user;
  Org org;
  std::vector<int64_t> groups;  // sorted ids of the sharing groups of org
};

}  // namespace ncert::access

#endif  // NCERT_ACCESS_PRINCIPAL_H_
