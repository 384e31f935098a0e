#include "sim/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
// Header-only, without exceptions: errors come back as parse_result.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace ncert::sim {

const std::vector<SectorInfo>& Sectors() {
  static const auto* kSectors = new std::vector<SectorInfo>{
      {"information-communication", "Information and communication", "情報通信",
       "telecommunications", true},
      {"finance", "Finance", "金融", "financial-services", true},
      {"aviation", "Aviation", "航空", "aviation", true},
      {"airports", "Airports", "空港", "transportation", true},
      {"railway", "Railway", "鉄道", "transportation", true},
      {"electric-power", "Electric power", "電力", "energy", true},
      {"gas", "Gas", "ガス", "utilities", true},
      {"government", "Government and administrative services",
       "政府・行政サービス", "government-national", true},
      {"medical", "Medical", "医療", "healthcare", true},
      {"water", "Water", "水道", "utilities", true},
      {"logistics", "Logistics", "物流", "transportation", true},
      {"chemical", "Chemical", "化学", "manufacturing", true},
      {"credit-card", "Credit card", "クレジット", "financial-services", true},
      {"petroleum", "Petroleum", "石油", "energy", true},
      {"manufacturing", "Manufacturing", "製造業", "manufacturing", false},
      {"education", "Education", "教育", "education", false},
      {"retail", "Retail", "小売", "retail", false},
      {"other", "Other", "その他", "technology", false},
  };
  return *kSectors;
}

const SectorInfo* FindSector(std::string_view id) {
  for (const SectorInfo& s : Sectors()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

double ActionSpec::Number(const std::string& key, double fallback) const {
  auto it = params.find(key);
  return it != params.end() && it->second.is_number ? it->second.number
                                                    : fallback;
}

std::string ActionSpec::Text(const std::string& key,
                             std::string fallback) const {
  auto it = params.find(key);
  return it != params.end() && !it->second.is_number ? it->second.text
                                                     : fallback;
}

const OrgSpec* Scenario::FindOrg(std::string_view id) const {
  for (const OrgSpec& o : world.orgs) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

namespace {

// The actions the engine knows and the parameters each takes: 'n' number,
// 's' string. "at" and "action" are common to all.
struct ActionKind {
  std::string_view name;
  std::vector<std::pair<std::string_view, char>> params;
  std::vector<std::string_view> required;
};

const std::vector<ActionKind>& ActionKinds() {
  static const auto* kKinds = new std::vector<ActionKind>{
      {"phishing_wave",
       {{"targets", 's'},
        {"hours", 'n'},
        {"emails", 'n'},
        {"open_rate", 'n'},
        {"lang", 's'}},
       {"targets"}},
      {"lateral_spread",
       {{"mean_minutes", 'n'}, {"max_hosts", 'n'}, {"cross_org", 'n'}},
       {}},
      {"vpn_exploit", {{"org", 's'}, {"attempts", 'n'}}, {"org"}},
      {"ransomware", {{"org", 's'}}, {"org"}},
      {"business_stop",
       {{"org", 's'}, {"hours", 'n'}, {"plants", 'n'}},
       {"org"}},
      {"scan_surge", {{"factor", 'n'}, {"ramp_hours", 'n'}}, {"factor"}},
      {"ddos", {{"victims", 'n'}, {"hours", 'n'}, {"pps", 'n'}}, {}},
      {"news", {{"topic", 's'}, {"count", 'n'}}, {"topic"}},
      {"posts", {{"topic", 's'}, {"count", 'n'}, {"hours", 'n'}}, {"topic"}},
  };
  return *kKinds;
}

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Status At(const toml::source_region& src, std::string_view msg) const {
    return Status::InvalidArgument(fmt::format(
        "{}:{}:{}: {}", source_, src.begin.line, src.begin.column, msg));
  }

  Status CheckKeys(const toml::table& t, std::string_view where,
                   const std::set<std::string_view>& allowed) const {
    for (const auto& [k, v] : t) {
      if (!allowed.count(k.str())) {
        std::string list;
        for (auto a : allowed)
          list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
        return At(k.source(),
                  fmt::format("unknown key '{}' in {} (allowed: {})", k.str(),
                              where, list));
      }
    }
    return Status::Ok();
  }

  Status Str(const toml::table& t, std::string_view key, std::string* out,
             bool required = false) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) return At(t.source(), fmt::format("'{}' is required", key));
      return Status::Ok();
    }
    auto v = n->value<std::string>();
    if (!v) return At(n->source(), fmt::format("'{}' must be a string", key));
    *out = *v;
    return Status::Ok();
  }

  template <typename T>
  Status Num(const toml::table& t, std::string_view key, double lo, double hi,
             T* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    std::optional<double> v;
    if (auto i = n->value_exact<int64_t>()) v = static_cast<double>(*i);
    if (auto d = n->value_exact<double>()) v = *d;
    if (!v || *v < lo || *v > hi) {
      return At(n->source(), fmt::format("'{}' must be a number from {} to {}",
                                         key, lo, hi));
    }
    if constexpr (std::is_integral_v<T>) {
      if (*v != static_cast<double>(static_cast<int64_t>(*v))) {
        return At(n->source(), fmt::format("'{}' must be an integer", key));
      }
    }
    *out = static_cast<T>(*v);
    return Status::Ok();
  }

  Status StrList(const toml::table& t, std::string_view key,
                 std::vector<std::string>* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      return At(n->source(),
                fmt::format("'{}' must be a list of strings", key));
    }
    out->clear();
    for (const toml::node& e : *a) {
      auto v = e.value<std::string>();
      if (!v) return At(e.source(), fmt::format("'{}' must hold strings", key));
      out->push_back(*v);
    }
    return Status::Ok();
  }

  const toml::table* Table(const toml::table& root, std::string_view key,
                           Status* error) const {
    const toml::node* n = root.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      *error =
          At(n->source(), fmt::format("'{}' must be a table [{}]", key, key));
      return nullptr;
    }
    return n->as_table();
  }

  // Calls fn for each table of an array of tables [[key]].
  template <typename Fn>
  Status EachTable(const toml::table& root, std::string_view key, Fn fn) const {
    const toml::node* n = root.get(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      return At(
          n->source(),
          fmt::format("'{}' must be an array of tables [[{}]]", key, key));
    }
    for (const toml::node& e : *a) {
      const toml::table* t = e.as_table();
      if (t == nullptr) {
        return At(e.source(), fmt::format("'{}' entries must be tables", key));
      }
      RETURN_IF_ERROR(fn(*t));
    }
    return Status::Ok();
  }

  Result<Scenario> Parse(const toml::table& root) {
    Scenario sc;
    sc.source = std::string(source_);
    RETURN_IF_ERROR(CheckKeys(root, "the file",
                              {"scenario", "world", "threat", "partner",
                               "background", "event", "sbom"}));
    Status err;
    const toml::table* s = Table(root, "scenario", &err);
    RETURN_IF_ERROR(err);
    if (s == nullptr) {
      return At(root.source(), "missing the [scenario] table");
    }
    RETURN_IF_ERROR(CheckKeys(*s, "[scenario]",
                              {"name", "title", "title_ja", "summary",
                               "summary_ja", "start", "hours"}));
    RETURN_IF_ERROR(Str(*s, "name", &sc.name, true));
    RETURN_IF_ERROR(Str(*s, "title", &sc.title, true));
    RETURN_IF_ERROR(Str(*s, "title_ja", &sc.title_ja, true));
    RETURN_IF_ERROR(Str(*s, "summary", &sc.summary));
    RETURN_IF_ERROR(Str(*s, "summary_ja", &sc.summary_ja));
    std::string start;
    RETURN_IF_ERROR(Str(*s, "start", &start, true));
    auto ts = ParseTimestamp(start);
    if (!ts.ok()) {
      return At(s->get("start")->source(),
                "'start' must be an RFC 3339 UTC timestamp: " +
                    ts.status().message());
    }
    sc.start = *ts;
    RETURN_IF_ERROR(Num(*s, "hours", 1, 24 * 366, &sc.hours));

    if (const toml::table* w = Table(root, "world", &err)) {
      RETURN_IF_ERROR(CheckKeys(
          *w, "[world]", {"public_pool", "darknet", "honeypots", "org"}));
      RETURN_IF_ERROR(Str(*w, "public_pool", &sc.world.public_pool));
      RETURN_IF_ERROR(Str(*w, "darknet", &sc.world.darknet));
      RETURN_IF_ERROR(Num(*w, "honeypots", 0, 1000, &sc.world.honeypots));
      RETURN_IF_ERROR(CheckCidr(*w, "public_pool", 8, 24));
      RETURN_IF_ERROR(CheckCidr(*w, "darknet", 8, 28));
      RETURN_IF_ERROR(EachTable(
          *w, "org", [&](const toml::table& t) { return ParseOrg(t, &sc); }));
    }
    RETURN_IF_ERROR(err);
    for (const OrgSpec& o : sc.world.orgs) {
      if (!o.supplier_of.empty() && sc.FindOrg(o.supplier_of) == nullptr) {
        return Status::InvalidArgument(fmt::format(
            "{}:{}:{}: supplier_of names '{}', which is no [[world.org]] id",
            source_, o.line, o.column, o.supplier_of));
      }
    }

    if (const toml::table* t = Table(root, "threat", &err)) {
      RETURN_IF_ERROR(ParseThreat(*t, &sc.threat));
    }
    RETURN_IF_ERROR(err);
    RETURN_IF_ERROR(EachTable(root, "partner", [&](const toml::table& t) {
      return ParsePartner(t, &sc);
    }));
    if (const toml::table* b = Table(root, "background", &err)) {
      BackgroundSpec& g = sc.background;
      RETURN_IF_ERROR(CheckKeys(
          *b, "[background]",
          {"sysmon_per_host_hour", "dns_per_host_hour", "http_per_host_hour",
           "darknet_pps", "mirai_pps", "research_scanners",
           "honeypot_sessions_per_hour", "posts_per_hour"}));
      RETURN_IF_ERROR(
          Num(*b, "sysmon_per_host_hour", 0, 1e6, &g.sysmon_per_host_hour));
      RETURN_IF_ERROR(
          Num(*b, "dns_per_host_hour", 0, 1e6, &g.dns_per_host_hour));
      RETURN_IF_ERROR(
          Num(*b, "http_per_host_hour", 0, 1e6, &g.http_per_host_hour));
      RETURN_IF_ERROR(Num(*b, "darknet_pps", 0, 1e7, &g.darknet_pps));
      RETURN_IF_ERROR(Num(*b, "mirai_pps", 0, 1e7, &g.mirai_pps));
      RETURN_IF_ERROR(
          Num(*b, "research_scanners", 0, 1000, &g.research_scanners));
      RETURN_IF_ERROR(Num(*b, "honeypot_sessions_per_hour", 0, 1e7,
                          &g.honeypot_sessions_per_hour));
      RETURN_IF_ERROR(Num(*b, "posts_per_hour", 0, 1e6, &g.posts_per_hour));
    }
    RETURN_IF_ERROR(err);
    RETURN_IF_ERROR(EachTable(root, "event", [&](const toml::table& t) {
      return ParseEvent(t, &sc);
    }));
    std::stable_sort(sc.events.begin(), sc.events.end(),
                     [](const ActionSpec& a, const ActionSpec& b) {
                       return a.at_hours < b.at_hours;
                     });
    RETURN_IF_ERROR(EachTable(
        root, "sbom", [&](const toml::table& t) { return ParseSbom(t, &sc); }));
    return sc;
  }

 private:
  Status CheckCidr(const toml::table& t, std::string_view key, int min_prefix,
                   int max_prefix) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    std::string v = *n->value<std::string>();
    unsigned a, b, c, d, p;
    char tail;
    if (std::sscanf(v.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &p, &tail) !=
            5 ||
        a > 255 || b > 255 || c > 255 || d > 255 ||
        p < static_cast<unsigned>(min_prefix) ||
        p > static_cast<unsigned>(max_prefix)) {
      return At(n->source(),
                fmt::format("'{}' must be an IPv4 CIDR block a.b.c.d/N with N "
                            "from {} to {}",
                            key, min_prefix, max_prefix));
    }
    return Status::Ok();
  }

  Status ParseSbom(const toml::table& t, Scenario* sc) {
    SbomSpec sb;
    RETURN_IF_ERROR(CheckKeys(
        t, "[[sbom]]",
        {"org", "product", "version", "components", "vulnerable", "cve"}));
    RETURN_IF_ERROR(Str(t, "org", &sb.org, true));
    RETURN_IF_ERROR(Str(t, "product", &sb.product, true));
    RETURN_IF_ERROR(Str(t, "version", &sb.version, true));
    RETURN_IF_ERROR(StrList(t, "components", &sb.components));
    RETURN_IF_ERROR(StrList(t, "vulnerable", &sb.vulnerable));
    RETURN_IF_ERROR(Str(t, "cve", &sb.cve));
    if (sc->FindOrg(sb.org) == nullptr) {
      return At(t.get("org")->source(),
                fmt::format("'{}' is no [[world.org]] id", sb.org));
    }
    for (const auto& p : sb.components) {
      if (p.rfind("pkg:", 0) != 0) {
        return At(
            t.get("components")->source(),
            fmt::format("component '{}' is not a package URL (pkg:...)", p));
      }
    }
    for (const auto& v : sb.vulnerable) {
      if (std::find(sb.components.begin(), sb.components.end(), v) ==
          sb.components.end()) {
        return At(
            t.get("vulnerable")->source(),
            fmt::format("vulnerable '{}' is not one of the components", v));
      }
    }
    sc->sboms.push_back(std::move(sb));
    return Status::Ok();
  }

  Status ParseOrg(const toml::table& t, Scenario* sc) {
    OrgSpec o;
    o.line = static_cast<int>(t.source().begin.line);
    o.column = static_cast<int>(t.source().begin.column);
    RETURN_IF_ERROR(
        CheckKeys(t, "[[world.org]]",
                  {"id", "name", "name_ja", "sector", "kind", "count", "hosts",
                   "devices", "exposed", "supplier_of", "domain", "asn"}));
    RETURN_IF_ERROR(Str(t, "id", &o.id, true));
    RETURN_IF_ERROR(Str(t, "name", &o.name));
    RETURN_IF_ERROR(Str(t, "name_ja", &o.name_ja));
    RETURN_IF_ERROR(Str(t, "sector", &o.sector));
    RETURN_IF_ERROR(Str(t, "kind", &o.kind));
    RETURN_IF_ERROR(Num(t, "count", 1, 100000, &o.count));
    RETURN_IF_ERROR(Num(t, "hosts", 0, 60000, &o.hosts));
    RETURN_IF_ERROR(Num(t, "devices", 0, 10000000, &o.devices));
    RETURN_IF_ERROR(Num(t, "exposed", 0, 1, &o.exposed));
    RETURN_IF_ERROR(Str(t, "supplier_of", &o.supplier_of));
    RETURN_IF_ERROR(Str(t, "domain", &o.domain));
    RETURN_IF_ERROR(Num(t, "asn", 0, 4294967295.0, &o.asn));
    if (FindSector(o.sector) == nullptr) {
      std::string list;
      for (const auto& s : Sectors()) list += fmt::format(" {}", s.id);
      return At(t.get("sector")->source(),
                fmt::format("unknown sector '{}' (one of:{})", o.sector, list));
    }
    static const std::set<std::string_view> kKinds = {"company", "hospital",
                                                      "isp", "government"};
    if (!kKinds.count(o.kind)) {
      return At(t.get("kind")->source(),
                fmt::format("unknown kind '{}' (company, hospital, isp, "
                            "government)",
                            o.kind));
    }
    if (sc->FindOrg(o.id) != nullptr) {
      return At(t.get("id")->source(),
                fmt::format("org id '{}' is used twice", o.id));
    }
    sc->world.orgs.push_back(std::move(o));
    return Status::Ok();
  }

  Status ParseThreat(const toml::table& t, ThreatSpec* th) {
    RETURN_IF_ERROR(
        CheckKeys(t, "[threat]",
                  {"actor", "actor_ja", "actor_aliases", "malware",
                   "malware_ja", "malware_types", "ransomware", "c2", "domains",
                   "samples", "techniques", "cve", "c2_pool"}));
    RETURN_IF_ERROR(Str(t, "actor", &th->actor, true));
    RETURN_IF_ERROR(Str(t, "actor_ja", &th->actor_ja));
    RETURN_IF_ERROR(StrList(t, "actor_aliases", &th->actor_aliases));
    RETURN_IF_ERROR(Str(t, "malware", &th->malware, true));
    RETURN_IF_ERROR(Str(t, "malware_ja", &th->malware_ja));
    RETURN_IF_ERROR(StrList(t, "malware_types", &th->malware_types));
    RETURN_IF_ERROR(Str(t, "ransomware", &th->ransomware));
    RETURN_IF_ERROR(Num(t, "c2", 1, 10000, &th->c2));
    RETURN_IF_ERROR(Num(t, "domains", 0, 10000, &th->domains));
    RETURN_IF_ERROR(Num(t, "samples", 1, 10000, &th->samples));
    RETURN_IF_ERROR(StrList(t, "techniques", &th->techniques));
    RETURN_IF_ERROR(Str(t, "cve", &th->cve));
    RETURN_IF_ERROR(Str(t, "c2_pool", &th->c2_pool));
    RETURN_IF_ERROR(CheckCidr(t, "c2_pool", 8, 30));
    for (const auto& id : th->techniques) {
      bool ok = id.size() >= 5 && id[0] == 'T';
      for (size_t i = 1; ok && i < id.size(); ++i) {
        ok = std::isdigit(static_cast<unsigned char>(id[i])) ||
             (id[i] == '.' && i == 5);
      }
      if (!ok) {
        return At(t.get("techniques")->source(),
                  fmt::format("'{}' is not an ATT&CK technique id (T1234 or "
                              "T1234.001)",
                              id));
      }
    }
    if (!th->cve.empty() && th->cve.rfind("CVE-", 0) != 0) {
      return At(t.get("cve")->source(), "'cve' must look like CVE-2023-4966");
    }
    return Status::Ok();
  }

  Status ParsePartner(const toml::table& t, Scenario* sc) {
    PartnerSpec p;
    RETURN_IF_ERROR(CheckKeys(
        t, "[[partner]]",
        {"id", "name", "name_ja", "kind", "tlp", "shares", "false_positives"}));
    RETURN_IF_ERROR(Str(t, "id", &p.id, true));
    RETURN_IF_ERROR(Str(t, "name", &p.name, true));
    RETURN_IF_ERROR(Str(t, "name_ja", &p.name_ja));
    RETURN_IF_ERROR(Str(t, "kind", &p.kind));
    std::string tlp = "TLP:GREEN";
    RETURN_IF_ERROR(Str(t, "tlp", &tlp));
    auto level = stix::ParseTlpName(tlp);
    if (!level) {
      return At(t.get("tlp")->source(),
                fmt::format("unknown TLP '{}' (TLP:CLEAR, TLP:GREEN, "
                            "TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)",
                            tlp));
    }
    p.tlp = *level;
    RETURN_IF_ERROR(StrList(t, "shares", &p.shares));
    static const std::set<std::string_view> kShares = {
        "ip", "domain", "url", "hash", "report", "sighting", "vulnerability"};
    for (const auto& s : p.shares) {
      if (!kShares.count(s)) {
        return At(t.get("shares")->source(),
                  fmt::format("unknown share '{}' (ip, domain, url, hash, "
                              "report, sighting, vulnerability)",
                              s));
      }
    }
    RETURN_IF_ERROR(Num(t, "false_positives", 0, 1000, &p.false_positives));
    for (char c : p.id) {
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        return At(t.get("id")->source(),
                  "partner 'id' must be lower-case letters, digits and '-' "
                  "(it names the output file)");
      }
    }
    sc->partners.push_back(std::move(p));
    return Status::Ok();
  }

  Status ParseEvent(const toml::table& t, Scenario* sc) {
    ActionSpec a;
    a.line = static_cast<int>(t.source().begin.line);
    a.column = static_cast<int>(t.source().begin.column);
    RETURN_IF_ERROR(Str(t, "action", &a.action, true));
    const ActionKind* kind = nullptr;
    for (const ActionKind& k : ActionKinds()) {
      if (k.name == a.action) kind = &k;
    }
    if (kind == nullptr) {
      std::string list;
      for (const auto& k : ActionKinds()) list += fmt::format(" {}", k.name);
      return At(t.get("action")->source(),
                fmt::format("unknown action '{}' (one of:{})", a.action, list));
    }
    if (t.get("at") == nullptr)
      return At(t.source(), "'at' (hours) is required");
    RETURN_IF_ERROR(Num(t, "at", 0, sc->hours, &a.at_hours));
    std::set<std::string_view> allowed = {"at", "action"};
    for (const auto& [name, type] : kind->params) allowed.insert(name);
    RETURN_IF_ERROR(
        CheckKeys(t, fmt::format("[[event]] action '{}'", a.action), allowed));
    for (const auto& [name, type] : kind->params) {
      const toml::node* n = t.get(name);
      if (n == nullptr) continue;
      Param p;
      if (type == 'n') {
        p.is_number = true;
        RETURN_IF_ERROR(Num(t, name, 0, 1e12, &p.number));
      } else {
        RETURN_IF_ERROR(Str(t, name, &p.text));
      }
      a.params[std::string(name)] = std::move(p);
    }
    for (auto req : kind->required) {
      if (!a.params.count(std::string(req))) {
        return At(t.source(),
                  fmt::format("action '{}' needs '{}'", a.action, req));
      }
    }
    for (auto key : {"targets", "org"}) {
      std::string v = a.Text(key, "");
      if (!v.empty() && sc->FindOrg(v) == nullptr) {
        return At(t.get(key)->source(),
                  fmt::format("'{}' is no [[world.org]] id", v));
      }
    }
    sc->events.push_back(std::move(a));
    return Status::Ok();
  }

  std::string_view source_;
};

}  // namespace

Result<Scenario> ParseScenario(std::string_view text, std::string_view source) {
  toml::parse_result parsed = toml::parse(text, source);
  if (!parsed) {
    const auto& e = parsed.error();
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}", source, e.source().begin.line,
                    e.source().begin.column, e.description()));
  }
  Parser p(source);
  return p.Parse(parsed.table());
}

Result<Scenario> LoadScenario(Env& env, const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, env.ReadFile(path, 4 << 20));
  return ParseScenario(text, path);
}

Result<std::vector<Scenario>> ListScenarios(Env& env, const std::string& dir) {
  auto names = env.ListDir(dir);
  if (!names.ok()) {
    return names.status().WithContext(
        "cannot list the scenarios (use --scenarios DIR)");
  }
  std::vector<Scenario> out;
  for (const std::string& n : *names) {
    if (n.size() < 6 || n.substr(n.size() - 5) != ".toml") continue;
    ASSIGN_OR_RETURN(Scenario sc, LoadScenario(env, dir + "/" + n));
    out.push_back(std::move(sc));
  }
  std::sort(out.begin(), out.end(), [](const Scenario& a, const Scenario& b) {
    return a.name < b.name;
  });
  return out;
}

Result<Scenario> FindScenario(Env& env, const std::string& dir,
                              const std::string& name_or_path) {
  auto info = env.Stat(name_or_path);
  if (info.ok() && !info->is_directory) return LoadScenario(env, name_or_path);
  std::string path = dir + "/" + name_or_path + ".toml";
  info = env.Stat(path);
  if (!info.ok()) {
    return Status::NotFound(fmt::format(
        "no scenario '{}' (no file {}; `ncert sim list` shows them)",
        name_or_path, path));
  }
  return LoadScenario(env, path);
}

std::string DefaultScenarioDir(Env& env, const std::string& explicit_dir,
                               const std::string& exe_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  for (std::string d :
       {std::string("sim/scenarios"), exe_dir + "/../sim/scenarios",
        exe_dir + "/../../sim/scenarios"}) {
    auto info = env.Stat(d);
    if (info.ok() && info->is_directory) return d;
  }
  return "sim/scenarios";
}

}  // namespace ncert::sim
