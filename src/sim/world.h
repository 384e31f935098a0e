// The world a scenario plays in, built from the scenario file and the seed:
// organisations (with their sector, public address block, AS number for
// ISPs, domain), their hosts and users, ISPs' home routers and DVRs, the
// threat landscape (actor, malware samples, C2 addresses, domains, URLs,
// ATT&CK techniques), the sensors (darknet block, honeypots), research
// scanners, and benign values that are often mistaken for indicators (CDN
// addresses, popular domains).
//
// Addresses are synthetic: organisations and ISPs are carved from the
// scenario's public_pool (by default 198.18.0.0/15, which RFC 2544 reserves
// and nothing routes), attackers from c2_pool (a TEST-NET by default),
// research scanners from TEST-NET-2; only the CDN addresses and popular
// domains, which stand for real false-positive-prone values, are real.
//
// Thread safety: a World is immutable after BuildWorld; read it from any
// thread.
#ifndef NCERT_SIM_WORLD_H_
#define NCERT_SIM_WORLD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sim/rng.h"
#include "sim/scenario.h"

namespace ncert::sim {

enum class HostKind : uint8_t { kPc, kServer, kVpn, kRouter, kDvr };
std::string_view HostKindName(HostKind k);  // "pc", "server", ...

struct Host {
  uint32_t org = 0;
  HostKind kind = HostKind::kPc;
  uint32_t ip = 0;   // internal (PCs, servers) or public (VPN, devices)
  std::string name;  // "MKW-PC012", or the device model for IoT
  std::string user;  // "tanaka.hiroshi" (PCs)
};

struct Org {
  std::string spec_id;  // the [[world.org]] id
  int spec_index = 0;   // 0.. count-1 within the entry
  std::string name, name_ja, sector, kind, domain, code;
  int64_t asn = 0;
  uint32_t public_base = 0;
  int public_prefix = 32;
  uint32_t internal_base = 0;                   // 10.x.y.0/16 of its PCs
  uint32_t first_host = 0, host_count = 0;      // PCs, servers, VPN
  uint32_t first_device = 0, device_count = 0;  // ISPs: routers, DVRs
  int supplier_of = -1;                         // index into World::orgs
  std::string identity_id;  // identity--uuid, stable for the seed
};

struct Sample {
  std::string file_name, md5, sha1, sha256;
  int64_t size = 0;
};

struct Threat {
  std::vector<uint32_t> c2_ips;
  std::vector<uint16_t> c2_ports;
  std::vector<std::string> domains;  // malicious (phishing, C2, payload)
  std::vector<std::string> urls;     // payload download URLs
  std::vector<Sample> samples;       // the main malware
  Sample ransomware;                 // the encryptor (if any)
  uint32_t loader_ip = 0;            // serves binaries (botnets)
  uint32_t exploit_ip = 0;           // exploits the VPN (if any)
};

struct Scanner {
  uint32_t ip;
  std::string name;  // "Shadowserver"
};

struct World {
  std::vector<Org> orgs;
  std::vector<Host> hosts;  // PCs and servers of every org, then devices
  Threat threat;
  uint32_t darknet_base = 0;
  int darknet_prefix = 16;
  uint64_t darknet_size = 0;
  std::vector<uint32_t> honeypots;
  std::vector<Scanner> research_scanners;
  std::vector<uint32_t> cdn_ips;             // benign, FP-prone
  std::vector<std::string> popular_domains;  // benign, FP-prone
  std::vector<uint32_t> devices;             // host indexes of IoT devices

  // Org indexes of a [[world.org]] entry, in order.
  std::vector<uint32_t> OrgsOf(std::string_view spec_id) const;
};

Result<World> BuildWorld(const Scenario& scenario, const Rng& seed);

std::string FormatIpv4(uint32_t ip);
// "a.b.c.d/N" -> (base, N); the base is masked.
Result<std::pair<uint32_t, int>> ParseCidr(std::string_view text);

}  // namespace ncert::sim

#endif  // NCERT_SIM_WORLD_H_
