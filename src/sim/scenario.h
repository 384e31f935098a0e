// A scenario is a TOML file (sim/scenarios/*.toml) that describes a world
// (organisations, ISPs, sensors), a threat (actor, malware, infrastructure,
// ATT&CK techniques), the partners who share intelligence, background rates,
// and a timeline of actions the engine plays (a phishing wave, lateral
// spread, a ransomware detonation, a scan surge, DDoS, news). The file format
// is documented in docs/sim.md; every key is checked, and a mistake is
// reported as "file:line:column: message".
//
// Thread safety: values and pure functions.
#ifndef NCERT_SIM_SCENARIO_H_
#define NCERT_SIM_SCENARIO_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "core/time.h"
#include "stix/markings.h"

namespace ncert::sim {

// The 14 critical-infrastructure sectors of Japan's cybersecurity policy
// and the others the world uses.
struct SectorInfo {
  std::string_view id;       // "medical"
  std::string_view name_en;  // "Medical"
  std::string_view name_ja;  // "医療"
  std::string_view stix;     // industry-sector-ov value ("healthcare")
  bool critical;             // one of the 14
};
const SectorInfo* FindSector(std::string_view id);
const std::vector<SectorInfo>& Sectors();

struct OrgSpec {
  std::string id;             // referenced by actions ("supplier")
  std::string name, name_ja;  // empty: generated (count > 1 always is)
  std::string sector = "manufacturing";
  std::string kind = "company";  // company | hospital | isp | government
  int count = 1;
  int hosts = 10;           // Windows PCs and servers
  int devices = 0;          // ISPs: home routers and DVRs in their space
  double exposed = 0.3;     // ISPs: share of devices with telnet open
  std::string supplier_of;  // id of another org entry
  std::string domain;       // empty: generated
  int64_t asn = 0;          // ISPs: 0 = generated
  int line = 0, column = 0;
};

struct PartnerSpec {
  std::string id, name, name_ja;
  std::string kind = "isac";  // cert | isac | vendor | sensor
  stix::Tlp tlp = stix::Tlp::kGreen;
  // What the partner shares: ip, domain, url, hash, report, sighting,
  // vulnerability. Empty: everything.
  std::vector<std::string> shares;
  int false_positives = 0;  // benign values shared as indicators by mistake
};

struct ThreatSpec {
  std::string actor, actor_ja;
  std::vector<std::string> actor_aliases;
  std::string malware, malware_ja;
  std::vector<std::string> malware_types = {"trojan"};
  std::string ransomware;  // a second family that encrypts (optional)
  int c2 = 4;              // C2 addresses
  int domains = 4;         // malicious domains
  int samples = 3;         // file hashes
  std::vector<std::string> techniques;  // ATT&CK ids, "T1566.001"
  std::string cve;                      // exploited vulnerability (optional)
  std::string c2_pool = "203.0.113.0/24";
};

// Rates are per hour or per second at scale 1; --scale multiplies them all.
struct BackgroundSpec {
  double sysmon_per_host_hour = 4;
  double dns_per_host_hour = 20;
  double http_per_host_hour = 8;
  double darknet_pps = 2;  // scanners other than the botnet
  double mirai_pps = 0;    // the botnet's baseline
  int research_scanners = 4;
  double honeypot_sessions_per_hour = 20;
  double posts_per_hour = 4;
};

struct WorldSpec {
  std::string public_pool = "198.18.0.0/15";  // org and ISP address blocks
  std::string darknet = "100.100.0.0/16";     // unused space watched
  int honeypots = 2;
  std::vector<OrgSpec> orgs;
};

// One parameter of an action: a number or a string.
struct Param {
  bool is_number = false;
  double number = 0;
  std::string text;
};

struct ActionSpec {
  double at_hours = 0;
  std::string action;  // see kActionKinds in scenario.cc and docs/sim.md
  std::map<std::string, Param> params;
  int line = 0, column = 0;

  double Number(const std::string& key, double fallback) const;
  std::string Text(const std::string& key, std::string fallback) const;
};

struct SbomSpec {
  std::string org;  // org entry id (the first of its kind)
  std::string product, version;
  std::vector<std::string> components;  // package URLs
  std::vector<std::string> vulnerable;  // those affected by `cve`
  std::string cve;
};

struct Scenario {
  std::string name;  // "supply-chain"
  std::string title, title_ja, summary, summary_ja;
  std::string source;  // the file it was read from
  Timestamp start;
  int hours = 24;
  WorldSpec world;
  ThreatSpec threat;
  std::vector<PartnerSpec> partners;
  BackgroundSpec background;
  std::vector<ActionSpec> events;  // sorted by at_hours (stable)
  std::vector<SbomSpec> sboms;

  const OrgSpec* FindOrg(std::string_view id) const;
};

// Parses scenario TOML; `source` names the file in error messages.
Result<Scenario> ParseScenario(std::string_view toml_text,
                               std::string_view source);
Result<Scenario> LoadScenario(Env& env, const std::string& path);

// Scenario files in `dir` (*.toml), parsed, sorted by name. A file that
// does not parse is an error naming it.
Result<std::vector<Scenario>> ListScenarios(Env& env, const std::string& dir);

// Finds `name_or_path`: an existing file, else `dir`/NAME.toml.
Result<Scenario> FindScenario(Env& env, const std::string& dir,
                              const std::string& name_or_path);

// The scenario folder: `explicit_dir` if set, else sim/scenarios under the
// current directory, else beside the binary's project root (`exe_dir`/.. or
// `exe_dir`/../..).
std::string DefaultScenarioDir(Env& env, const std::string& explicit_dir,
                               const std::string& exe_dir);

}  // namespace ncert::sim

#endif  // NCERT_SIM_SCENARIO_H_
