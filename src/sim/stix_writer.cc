// STIX 2.1 bundles from the partners of a scenario: what each one knew at
// the end of the play, shaped by what it shares and under its TLP.

#include <fmt/format.h>

#include <algorithm>

#include "core/json.h"
#include "sim/output.h"
#include "stix/markings.h"

namespace ncert::sim::internal {
namespace {

struct Technique {
  std::string_view id, name;
};
// Names of the ATT&CK techniques the scenarios use (Enterprise and ICS).
constexpr Technique kTechniques[] = {
    {"T1566.001", "Spearphishing Attachment"},
    {"T1566.002", "Spearphishing Link"},
    {"T1204.002", "Malicious File"},
    {"T1059.001", "PowerShell"},
    {"T1218.010", "Regsvr32"},
    {"T1547.001", "Registry Run Keys / Startup Folder"},
    {"T1071.001", "Web Protocols"},
    {"T1071.004", "DNS"},
    {"T1105", "Ingress Tool Transfer"},
    {"T1021.002", "SMB/Windows Admin Shares"},
    {"T1021.001", "Remote Desktop Protocol"},
    {"T1486", "Data Encrypted for Impact"},
    {"T1490", "Inhibit System Recovery"},
    {"T1190", "Exploit Public-Facing Application"},
    {"T1133", "External Remote Services"},
    {"T1110.001", "Password Guessing"},
    {"T1498", "Network Denial of Service"},
    {"T1595.001", "Scanning IP Blocks"},
    {"T1033", "System Owner/User Discovery"},
    {"T1482", "Domain Trust Discovery"},
    {"T1114.002", "Remote Email Collection"},
    {"T1489", "Service Stop"},
};

std::string TechniqueName(std::string_view id) {
  for (const Technique& t : kTechniques) {
    if (t.id == id) return std::string(t.name);
  }
  return std::string(id);
}

std::string TechniqueUrl(std::string_view id) {
  std::string s(id);
  std::replace(s.begin(), s.end(), '.', '/');
  return "https://attack.mitre.org/techniques/" + s + "/";
}

bool Shares(const PartnerSpec& p, std::string_view what) {
  return p.shares.empty() ||
         std::find(p.shares.begin(), p.shares.end(), what) != p.shares.end();
}

class Bundle {
 public:
  Bundle(const PartnerSpec& p, Rng rng) : p_(p), rng_(rng) {
    marking_ = std::string(stix::Tlp2MarkingId(p.tlp));
  }
  std::string NewId(std::string_view type) {
    return std::string(type) + "--" + rng_.UuidV4();
  }
  // Common properties of an object made by this partner.
  Json Sdo(std::string_view type, const std::string& id, int64_t created) {
    Json j;
    std::string ts = Rfc3339(created);
    j.Str("type", type)
        .Str("spec_version", "2.1")
        .Str("id", id)
        .Str("created", ts)
        .Str("modified", ts);
    if (!identity_.empty()) j.Str("created_by_ref", identity_);
    j.StrList("object_marking_refs", {marking_});
    return j;
  }
  void Add(std::string id, std::string json) {
    ids_.push_back(std::move(id));
    objects_.push_back(std::move(json));
  }
  void AddRaw(std::string json) { objects_.push_back(std::move(json)); }
  std::string Finish() {
    std::string out = "{\"type\":\"bundle\",\"id\":";
    AppendJsonString(NewId("bundle"), &out);
    out += ",\"objects\":[\n";
    for (size_t i = 0; i < objects_.size(); ++i) {
      out += objects_[i];
      out += i + 1 < objects_.size() ? ",\n" : "\n";
    }
    out += "]}\n";
    return out;
  }
  size_t size() const { return objects_.size(); }
  const std::vector<std::string>& ids() const { return ids_; }

  const PartnerSpec& p_;
  Rng rng_;
  std::string marking_, identity_;
  std::vector<std::string> ids_, objects_;
};

}  // namespace

Status WriteStixBundles(const Scenario& sc, const World& w, const PlayState& st,
                        Rng rng, OutputDir& dir, std::vector<OutputFile>* files,
                        std::vector<std::string>* truth, int64_t* indicators,
                        int64_t* false_positives) {
  const Threat& th = w.threat;
  const ThreatSpec& ts = sc.threat;
  int64_t start = sc.start.micros;
  auto seen = [&](const std::string& v) {
    auto it = st.first_seen.find(v);
    return it == st.first_seen.end() ? start : it->second;
  };
  // The victims' identities: the same object in every bundle (no creator,
  // created at the scenario start), so ingesting several bundles stores one.
  auto victim_identity = [&](const Org& o) {
    Json j;
    std::string ts0 = Rfc3339(start);
    const SectorInfo* s = FindSector(o.sector);
    j.Str("type", "identity")
        .Str("spec_version", "2.1")
        .Str("id", o.identity_id)
        .Str("created", ts0)
        .Str("modified", ts0)
        .Str("name", o.name)
        .Str("identity_class", "organization")
        .StrList("sectors", {std::string(s ? s->stix : "technology")})
        .Str("description",
             fmt::format("{} ({})", o.name_ja, s ? s->name_ja : ""));
    return j.Done();
  };
  std::vector<uint32_t> hit_orgs;
  for (const Infection& i : st.infections) {
    uint32_t o = w.hosts[i.host].org;
    if (std::find(hit_orgs.begin(), hit_orgs.end(), o) == hit_orgs.end())
      hit_orgs.push_back(o);
  }

  for (size_t pi = 0; pi < sc.partners.size(); ++pi) {
    const PartnerSpec& p = sc.partners[pi];
    Bundle b(p, rng.Fork(p.id));
    Rng& r = b.rng_;
    // A partner reports some hours after the facts.
    int64_t lag = static_cast<int64_t>(r.Range(1, 6)) * 3600 * 1000000;
    int64_t report_t = std::min(
        st.end_us,
        std::max(start, (st.first_phish_us >= 0 ? st.first_phish_us : start)) +
            lag);
    for (const Incident& inc : st.incidents)
      report_t = std::max(report_t, std::min(st.end_us, inc.t_us + lag));

    // Identity of the partner and its marking.
    std::string self = b.NewId("identity");
    {
      std::string ts0 = Rfc3339(start);
      Json j;
      j.Str("type", "identity")
          .Str("spec_version", "2.1")
          .Str("id", self)
          .Str("created", ts0)
          .Str("modified", ts0)
          .Str("name", p.name)
          .Str("identity_class", "organization");
      if (!p.name_ja.empty()) j.Str("description", p.name_ja);
      if (p.kind == "cert") j.StrList("sectors", {"government-national"});
      b.AddRaw(j.Done());
    }
    b.identity_ = self;
    const stix::TlpMarking* m = stix::FindTlpMarking(b.marking_);
    if (m != nullptr) b.AddRaw(std::string(m->json));

    // Actor, malware, techniques, vulnerability.
    std::string actor = b.NewId("threat-actor");
    {
      Json j = b.Sdo("threat-actor", actor, report_t);
      j.Str("name", ts.actor)
          .StrList("threat_actor_types", {"crime-syndicate"});
      if (!ts.actor_aliases.empty()) j.StrList("aliases", ts.actor_aliases);
      j.Str("first_seen", Rfc3339(start))
          .Str("primary_motivation", "personal-gain");
      if (!ts.actor_ja.empty()) j.Str("description", ts.actor_ja);
      b.Add(actor, j.Done());
    }
    std::string malware = b.NewId("malware");
    {
      Json j = b.Sdo("malware", malware, report_t);
      j.Str("name", ts.malware)
          .Bool("is_family", true)
          .StrList("malware_types", ts.malware_types);
      if (!ts.malware_ja.empty()) j.Str("description", ts.malware_ja);
      b.Add(malware, j.Done());
    }
    std::string ransom;
    if (!ts.ransomware.empty()) {
      ransom = b.NewId("malware");
      Json j = b.Sdo("malware", ransom, report_t);
      j.Str("name", ts.ransomware)
          .Bool("is_family", true)
          .StrList("malware_types", {"ransomware"});
      b.Add(ransom, j.Done());
    }
    auto rel = [&](const std::string& src, std::string_view type,
                   const std::string& dst) {
      std::string id = b.NewId("relationship");
      Json j = b.Sdo("relationship", id, report_t);
      j.Str("relationship_type", type)
          .Str("source_ref", src)
          .Str("target_ref", dst);
      b.Add(id, j.Done());
    };
    rel(actor, "uses", malware);
    if (!ransom.empty()) rel(actor, "uses", ransom);
    for (const std::string& t : ts.techniques) {
      std::string id = b.NewId("attack-pattern");
      Json ext;
      ext.Str("source_name", "mitre-attack")
          .Str("external_id", t)
          .Str("url", TechniqueUrl(t));
      Json j = b.Sdo("attack-pattern", id, report_t);
      j.Str("name", TechniqueName(t))
          .Raw("external_references", fmt::format("[{}]", ext.Done()));
      b.Add(id, j.Done());
      rel(malware, "uses", id);
    }
    if (!ts.cve.empty() && Shares(p, "vulnerability")) {
      std::string id = b.NewId("vulnerability");
      Json ext;
      ext.Str("source_name", "cve").Str("external_id", ts.cve);
      Json j = b.Sdo("vulnerability", id, report_t);
      j.Str("name", ts.cve)
          .Str("description",
               "Known exploited vulnerability (CISA KEV) used for initial "
               "access.")
          .Raw("external_references", fmt::format("[{}]", ext.Done()));
      b.Add(id, j.Done());
      rel(actor, "targets", id);
    }

    // Indicators.
    std::vector<std::string> c2_indicators;
    auto indicator = [&](std::string_view kind, const std::string& value,
                         const std::string& pattern, const std::string& name,
                         bool malicious, const std::string& target) {
      std::string id = b.NewId("indicator");
      int64_t from =
          malicious ? seen(value)
                    : start + static_cast<int64_t>(r.Below(3600)) * 1000000;
      int64_t created = std::max(from, std::min(report_t, from + lag));
      Json j = b.Sdo("indicator", id, created);
      j.Str("name", name)
          .StrList("indicator_types", {"malicious-activity"})
          .Str("pattern", pattern)
          .Str("pattern_type", "stix")
          .Str("pattern_version", "2.1")
          .Str("valid_from", Rfc3339(from))
          .Int("confidence", malicious ? r.Range(60, 95) : r.Range(30, 60));
      b.Add(id, j.Done());
      rel(id, "indicates", target);
      truth->push_back(Json()
                           .Str("partner", p.id)
                           .Str("indicator", id)
                           .Str("kind", kind)
                           .Str("value", value)
                           .Bool("malicious", malicious)
                           .Done());
      ++*indicators;
      if (!malicious) ++*false_positives;
      return id;
    };
    auto ip_pattern = [](const std::string& ip) {
      return fmt::format("[ipv4-addr:value = '{}']", ip);
    };
    if (Shares(p, "ip")) {
      for (size_t i = 0; i < th.c2_ips.size(); ++i) {
        std::string ip = FormatIpv4(th.c2_ips[i]);
        c2_indicators.push_back(indicator(
            "ipv4-addr", ip, ip_pattern(ip),
            fmt::format("{} C2 server {}:{}", ts.malware, ip, th.c2_ports[i]),
            true, malware));
      }
      if (st.first_seen.count(FormatIpv4(th.loader_ip))) {
        std::string ip = FormatIpv4(th.loader_ip);
        indicator("ipv4-addr", ip, ip_pattern(ip),
                  ts.malware + " loader (serves binaries)", true, malware);
      }
      if (st.first_seen.count(FormatIpv4(th.exploit_ip))) {
        std::string ip = FormatIpv4(th.exploit_ip);
        indicator("ipv4-addr", ip, ip_pattern(ip),
                  "Exploitation source " + ts.cve, true, malware);
      }
    }
    if (Shares(p, "domain")) {
      for (const std::string& d : th.domains) {
        indicator("domain-name", d,
                  fmt::format("[domain-name:value = '{}']", d),
                  ts.malware + " payload domain " + d, true, malware);
      }
    }
    if (Shares(p, "url")) {
      for (const std::string& u : th.urls) {
        indicator("url", u, fmt::format("[url:value = '{}']", u),
                  ts.malware + " download URL", true, malware);
      }
    }
    if (Shares(p, "hash")) {
      for (const Sample& s : th.samples) {
        indicator("file", s.sha256,
                  fmt::format("[file:hashes.'SHA-256' = '{}']", s.sha256),
                  fmt::format("{} sample {}", ts.malware, s.file_name), true,
                  malware);
      }
      if (!th.ransomware.sha256.empty()) {
        indicator(
            "file", th.ransomware.sha256,
            fmt::format("[file:hashes.'SHA-256' = '{}']", th.ransomware.sha256),
            ts.ransomware + " encryptor", true,
            ransom.empty() ? malware : ransom);
      }
    }
    for (int i = 0; i < p.false_positives; ++i) {
      // Shared by mistake: a CDN address or a popular domain seen in traffic.
      if (i % 2 == 0) {
        std::string ip = FormatIpv4(w.cdn_ips[r.Below(w.cdn_ips.size())]);
        indicator("ipv4-addr", ip, ip_pattern(ip),
                  "Suspicious connection destination " + ip, false, malware);
      } else {
        const std::string& d =
            w.popular_domains[r.Below(w.popular_domains.size())];
        indicator("domain-name", d,
                  fmt::format("[domain-name:value = '{}']", d),
                  "Domain contacted by infected host", false, malware);
      }
    }

    // Sightings of the C2 indicators at the victims.
    if (Shares(p, "sighting") && !c2_indicators.empty()) {
      for (uint32_t o : hit_orgs) {
        b.AddRaw(victim_identity(w.orgs[o]));
        int64_t first = st.end_us, last = start;
        int count = 0;
        for (const Infection& i : st.infections) {
          if (w.hosts[i.host].org == o) {
            first = std::min(first, i.t_us);
            last = std::max(last, i.t_us);
            ++count;
          }
        }
        std::string id = b.NewId("sighting");
        Json j = b.Sdo("sighting", id, std::max(report_t, last));
        j.Str("sighting_of_ref", c2_indicators[r.Below(c2_indicators.size())])
            .StrList("where_sighted_refs", {w.orgs[o].identity_id})
            .Str("first_seen", Rfc3339(first))
            .Str("last_seen", Rfc3339(std::max(first, last)))
            .Int("count", count);
        b.Add(id, j.Done());
      }
    }

    if (Shares(p, "report")) {
      std::string id = b.NewId("report");
      Json j = b.Sdo("report", id, report_t);
      bool ja = p.kind == "cert" && !sc.title_ja.empty();
      j.Str("name", ja ? sc.title_ja : sc.title)
          .Str("description", ja ? sc.summary_ja : sc.summary)
          .StrList("report_types", {"threat-report"})
          .Str("published", Rfc3339(report_t));
      if (ja) j.Str("lang", "ja");
      j.StrList("object_refs", b.ids());
      b.Add(id, j.Done());
    }
    std::string path = fmt::format("stix/{}.json", p.id);
    RETURN_IF_ERROR(WriteWhole(dir, path, b.Finish(), "stix-bundle",
                               static_cast<int64_t>(b.size()), files));
  }
  return Status::Ok();
}

}  // namespace ncert::sim::internal
