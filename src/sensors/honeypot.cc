#include "sensors/honeypot.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <limits>
#include <tuple>

#include "core/json.h"
#include "sensors/alert_stix.h"
#include "sensors/series_store.h"

namespace ncert::sensors {

// ---- Mirai credentials ----------------------------------------------------

Result<MiraiCredentials> MiraiCredentials::Parse(std::string_view tsv) {
  MiraiCredentials out;
  size_t line_no = 0;
  while (!tsv.empty()) {
    size_t nl = tsv.find('\n');
    std::string_view line = tsv.substr(0, nl);
    tsv =
        nl == std::string_view::npos ? std::string_view() : tsv.substr(nl + 1);
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t');
    size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t1 == 0 || t2 == std::string_view::npos ||
        line.find('\t', t2 + 1) != std::string_view::npos ||
        t2 + 1 == line.size()) {
      return Status::InvalidArgument(fmt::format(
          "Mirai credential list line {}: want user<TAB>password<TAB>weight",
          line_no));
    }
    out.pairs_.emplace(std::string(line.substr(0, t1)),
                       std::string(line.substr(t1 + 1, t2 - t1 - 1)));
    ++out.entries_;
  }
  return out;
}

MiraiCredentials MiraiCredentials::Default() {
  Result<MiraiCredentials> m = Parse(MiraiCredentialsTsv());
  assert(m.ok() && "the shipped mirai_credentials.tsv is malformed");
  return std::move(*m);
}

bool MiraiCredentials::Contains(std::string_view user,
                                std::string_view password) const {
  return pairs_.find(std::pair<std::string, std::string>(user, password)) !=
         pairs_.end();
}

// ---- behaviour ------------------------------------------------------------

int AttackerConfidence(Behaviour b) {
  switch (b) {
    case Behaviour::kConnectOnly:
      return 15;
    case Behaviour::kLoginAttempts:
      return 35;
    case Behaviour::kLoginSuccess:
      return 50;
    case Behaviour::kCommands:
      return 70;
    case Behaviour::kDownload:
      return 80;
    case Behaviour::kSuccessDownload:
      return 90;
  }
  return 0;
}

std::string_view BehaviourName(Behaviour b) {
  switch (b) {
    case Behaviour::kConnectOnly:
      return "connect-only";
    case Behaviour::kLoginAttempts:
      return "login-attempts";
    case Behaviour::kLoginSuccess:
      return "login-success";
    case Behaviour::kCommands:
      return "commands";
    case Behaviour::kDownload:
      return "download";
    case Behaviour::kSuccessDownload:
      return "login-success-download";
  }
  return "?";
}

std::string EscapePatternString(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// ---- the analyzer ---------------------------------------------------------

namespace {

constexpr size_t kMaxProblems = 20;
constexpr int64_t kMaxMicros = 253402300800LL * 1000000;  // 10000-01-01
constexpr Resolution kResolutions[] = {Resolution::k5m, Resolution::k1h,
                                       Resolution::k1d};

enum class Kind {
  kConnect,
  kClosed,
  kConnection,  // Dionaea: one record per whole connection
  kLogin,
  kLoginSuccess,
  kCommand,
  kDownload,
  kUpload,
  kClientVersion,
  kKex,
  kIgnored,  // known, nothing to take
};

struct KindInfo {
  std::string_view name;
  Kind kind;
};

// Cowrie's documented eventids (docs.cowrie.org "Output event types") and
// the kinds the Dionaea adapter gives its log_json records.
constexpr KindInfo kKinds[] = {
    {"cowrie.session.connect", Kind::kConnect},
    {"cowrie.session.closed", Kind::kClosed},
    {"cowrie.login.success", Kind::kLoginSuccess},
    {"cowrie.login.failed", Kind::kLogin},
    {"cowrie.command.input", Kind::kCommand},
    {"cowrie.command.failed", Kind::kCommand},
    {"cowrie.session.file_download", Kind::kDownload},
    {"cowrie.session.file_upload", Kind::kUpload},
    {"cowrie.client.version", Kind::kClientVersion},
    {"cowrie.client.kex", Kind::kKex},
    {"cowrie.client.size", Kind::kIgnored},
    {"cowrie.client.var", Kind::kIgnored},
    {"cowrie.client.fingerprint", Kind::kIgnored},
    {"cowrie.session.params", Kind::kIgnored},
    {"cowrie.log.closed", Kind::kIgnored},
    {"cowrie.direct-tcpip.request", Kind::kIgnored},
    {"cowrie.direct-tcpip.data", Kind::kIgnored},
    {"dionaea.connection", Kind::kConnection},
    {"dionaea.login", Kind::kLogin},
    {"dionaea.ftp.command", Kind::kCommand},
};

const KindInfo* FindKind(std::string_view name) {
  for (const KindInfo& k : kKinds) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

struct Obs {
  Timestamp first{std::numeric_limits<int64_t>::max()};
  Timestamp last{std::numeric_limits<int64_t>::min()};
  int64_t count = 0;
  void Add(Timestamp t) {
    first = std::min(first, t);
    last = std::max(last, t);
    ++count;
  }
};

struct Session {
  std::string src_ip;
  Obs span;
  bool connect = false, closed = false, success = false;
  int64_t logins = 0, commands = 0, downloads = 0;

  Behaviour behaviour() const {
    if (downloads > 0) {
      return success ? Behaviour::kSuccessDownload : Behaviour::kDownload;
    }
    if (commands > 0) return Behaviour::kCommands;
    if (success) return Behaviour::kLoginSuccess;
    if (logins > 0) return Behaviour::kLoginAttempts;
    return Behaviour::kConnectOnly;
  }
};

struct Bucket {
  int64_t sessions = 0, logins = 0;
  std::set<std::string, std::less<>> sources;
};

struct Payload {
  int64_t count = 0;
  std::set<std::string, std::less<>> sources;
};

// inet_ntop's text (RFC 5952 for IPv6).
std::string IpText(const telemetry::IpAddr& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(a.family == 6 ? AF_INET6 : AF_INET, a.bytes.data(), buf,
              sizeof buf);
  return buf;
}

bool IsSha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

template <typename Map>
std::vector<Counted> Top(const Map& m, size_t top) {
  std::vector<Counted> out;
  for (const auto& [k, v] : m) out.push_back({k, v});
  std::stable_sort(
      out.begin(), out.end(),
      [](const Counted& a, const Counted& b) { return a.count > b.count; });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace

struct HoneypotAnalyzer::State {
  MiraiCredentials mirai;
  int64_t events = 0, analysed = 0;
  int64_t login_attempts = 0, login_successes = 0, mirai_attempts = 0;
  // (sensor, session id) -> session
  std::map<std::pair<std::string, std::string>, Session> sessions;
  std::map<std::pair<std::string, std::string>, int64_t> credentials;
  std::map<std::string, int64_t, std::less<>> commands, versions, hasshes;
  std::map<std::pair<std::string, std::string>, Payload> downloads;
  // sensor -> (resolution, bucket start) -> counts
  std::map<std::string, std::map<std::pair<int, int64_t>, Bucket>> buckets;
  // Sightings: (indicator kind, value) -> sensor -> observations.
  std::map<std::pair<std::string, std::string>, std::map<std::string, Obs>>
      seen;
  std::map<std::string, int64_t> unknown_kinds, missing_fields;
  std::vector<HoneypotProblem> problems;

  void Problem(const telemetry::Event& e, std::string rule,
               std::string message) {
    if (problems.size() < kMaxProblems) {
      problems.push_back({e.raw, std::move(rule), std::move(message)});
    }
  }
  void Missing(const telemetry::Event& e, std::string_view field) {
    ++missing_fields[fmt::format("{}: {}", e.kind, field)];
    Problem(e, "missing-field",
            fmt::format("{} event without {}; skipped", e.kind, field));
  }
};

HoneypotAnalyzer::HoneypotAnalyzer(MiraiCredentials mirai)
    : s_(std::make_unique<State>()) {
  s_->mirai = std::move(mirai);
}

HoneypotAnalyzer::~HoneypotAnalyzer() = default;

void HoneypotAnalyzer::Add(const telemetry::Event& e) {
  State& s = *s_;
  ++s.events;
  const KindInfo* info = FindKind(e.kind);
  if (info == nullptr) {
    ++s.unknown_kinds[std::string(e.kind)];
    s.Problem(e, "unknown-eventid",
              fmt::format("event kind '{}' is not one the honeypot analysis "
                          "knows; counted and skipped",
                          e.kind));
    return;
  }
  if (!e.time) return s.Missing(e, "time");
  // Series buckets start in 1970 or later; STIX times end in 9999.
  if (e.time->micros < 0 || e.time->micros >= kMaxMicros) {
    return s.Missing(e, "time (before 1970 or after 9999)");
  }
  if (e.sensor.empty()) return s.Missing(e, "sensor");
  if (e.session.empty()) return s.Missing(e, "session");
  if (!e.src_ip.present()) return s.Missing(e, "src_ip");
  switch (info->kind) {
    case Kind::kLogin:
    case Kind::kLoginSuccess:
      if (e.user.empty()) return s.Missing(e, "user");
      break;
    case Kind::kCommand:
      if (e.command_line.empty()) return s.Missing(e, "command_line");
      break;
    case Kind::kDownload:
      if (e.url.empty() && e.sha256.empty()) return s.Missing(e, "url");
      break;
    case Kind::kUpload:
      if (e.sha256.empty()) return s.Missing(e, "sha256");
      break;
    case Kind::kClientVersion:
      if (e.user_agent.empty()) return s.Missing(e, "user_agent (version)");
      break;
    case Kind::kKex:
      if (e.hassh.empty()) return s.Missing(e, "hassh");
      break;
    default:
      break;
  }
  std::string sha;
  if (!e.sha256.empty()) {
    if (!IsSha256(e.sha256)) {
      ++s.missing_fields[fmt::format("{}: sha256", e.kind)];
      s.Problem(e, "invalid-sha256",
                fmt::format("'{}' is not a SHA-256 (64 hex digits); skipped",
                            e.sha256.substr(0, 80)));
      return;
    }
    sha = Lower(e.sha256);
  }
  ++s.analysed;
  const Timestamp t = *e.time;
  const std::string sensor(e.sensor);
  const std::string ip = IpText(e.src_ip);
  Session& ses = s.sessions[{sensor, std::string(e.session)}];
  ses.src_ip = ip;
  ses.span.Add(t);
  auto& by_res = s.buckets[sensor];
  auto bucket = [&](Resolution r) -> Bucket& {
    return by_res[{static_cast<int>(r), BucketStart(t, r).micros}];
  };
  for (Resolution r : kResolutions) {
    Bucket& b = bucket(r);
    if (b.sources.find(ip) == b.sources.end()) b.sources.insert(ip);
  }
  auto sight = [&](std::string_view what, const std::string& value) {
    s.seen[{std::string(what), value}][sensor].Add(t);
  };
  switch (info->kind) {
    case Kind::kConnect:
    case Kind::kConnection:
      if (!ses.connect) {
        for (Resolution r : kResolutions) ++bucket(r).sessions;
      }
      ses.connect = true;
      if (info->kind == Kind::kConnection) ses.closed = true;
      break;
    case Kind::kClosed:
      ses.closed = true;
      break;
    case Kind::kLogin:
    case Kind::kLoginSuccess: {
      ++ses.logins;
      ++s.login_attempts;
      if (info->kind == Kind::kLoginSuccess) {
        ses.success = true;
        ++s.login_successes;
      }
      for (Resolution r : kResolutions) ++bucket(r).logins;
      ++s.credentials[{std::string(e.user), std::string(e.password)}];
      if (s.mirai.Contains(e.user, e.password)) ++s.mirai_attempts;
      break;
    }
    case Kind::kCommand:
      ++ses.commands;
      ++s.commands[std::string(e.command_line)];
      break;
    case Kind::kDownload:
    case Kind::kUpload: {
      ++ses.downloads;
      std::string url(info->kind == Kind::kDownload ? e.url : "");
      Payload& p = s.downloads[{url, sha}];
      ++p.count;
      p.sources.insert(ip);
      if (!url.empty()) sight("url", url);
      if (!sha.empty()) sight("sha256", sha);
      break;
    }
    case Kind::kClientVersion:
      ++s.versions[std::string(e.user_agent)];
      break;
    case Kind::kKex:
      ++s.hasshes[Lower(e.hassh)];
      break;
    case Kind::kIgnored:
      break;
  }
}

namespace {

struct AttackerAgg {
  AttackerSummary summary;
  std::map<std::string, Obs> sensors;  // sessions per sensor
};

std::map<std::string, AttackerAgg> Attackers(
    const std::map<std::pair<std::string, std::string>, Session>& sessions) {
  std::map<std::string, AttackerAgg> out;
  for (const auto& [key, ses] : sessions) {
    AttackerAgg& a = out[ses.src_ip];
    a.summary.ip = ses.src_ip;
    ++a.summary.sessions;
    a.summary.login_attempts += ses.logins;
    a.summary.commands += ses.commands;
    a.summary.downloads += ses.downloads;
    a.summary.behaviour = std::max(a.summary.behaviour, ses.behaviour());
    Obs& o = a.sensors[key.first];
    o.first = std::min(o.first, ses.span.first);
    o.last = std::max(o.last, ses.span.last);
    ++o.count;
  }
  return out;
}

}  // namespace

HoneypotReport HoneypotAnalyzer::Report(size_t top) const {
  const State& s = *s_;
  HoneypotReport r;
  r.events = s.events;
  r.analysed = s.analysed;
  r.sessions = static_cast<int64_t>(s.sessions.size());
  for (const auto& [key, ses] : s.sessions) {
    if (!ses.connect) ++r.sessions_without_connect;
    if (!ses.closed) ++r.sessions_without_close;
  }
  r.login_attempts = s.login_attempts;
  r.login_successes = s.login_successes;
  r.mirai_attempts = s.mirai_attempts;
  for (const auto& [pair, n] : s.credentials) {
    r.credentials.push_back({pair.first, pair.second, n,
                             s.mirai.Contains(pair.first, pair.second)});
  }
  std::stable_sort(r.credentials.begin(), r.credentials.end(),
                   [](const CredentialCount& a, const CredentialCount& b) {
                     return a.count > b.count;
                   });
  if (r.credentials.size() > top) r.credentials.resize(top);
  r.commands = Top(s.commands, top);
  r.client_versions = Top(s.versions, top);
  r.hasshes = Top(s.hasshes, top);
  for (const auto& [key, p] : s.downloads) {
    r.downloads.push_back({key.first, key.second, p.count,
                           static_cast<int64_t>(p.sources.size())});
  }
  std::stable_sort(r.downloads.begin(), r.downloads.end(),
                   [](const DownloadSummary& a, const DownloadSummary& b) {
                     return a.count > b.count;
                   });
  auto attackers = Attackers(s.sessions);
  r.distinct_sources = static_cast<int64_t>(attackers.size());
  for (const auto& [ip, a] : attackers) r.attackers.push_back(a.summary);
  std::stable_sort(r.attackers.begin(), r.attackers.end(),
                   [](const AttackerSummary& a, const AttackerSummary& b) {
                     return std::tie(a.behaviour, a.sessions) >
                            std::tie(b.behaviour, b.sessions);
                   });
  if (r.attackers.size() > top) r.attackers.resize(top);
  r.unknown_kinds = s.unknown_kinds;
  r.missing_fields = s.missing_fields;
  r.problems = s.problems;
  return r;
}

Status HoneypotAnalyzer::WriteSeries(SeriesSink& sink) const {
  for (const auto& [sensor, by_res] : s_->buckets) {
    for (Resolution r : kResolutions) {
      std::vector<Point> sessions, logins, sources;
      for (const auto& [key, b] : by_res) {
        if (key.first != static_cast<int>(r)) continue;
        Timestamp at{key.second};
        sessions.push_back({at, static_cast<double>(b.sessions)});
        logins.push_back({at, static_cast<double>(b.logins)});
        sources.push_back({at, static_cast<double>(b.sources.size())});
      }
      RETURN_IF_ERROR(sink.Append({sensor, "sessions", ""}, r, sessions));
      RETURN_IF_ERROR(sink.Append({sensor, "login_attempts", ""}, r, logins));
      RETURN_IF_ERROR(sink.Append({sensor, "unique_sources", ""}, r, sources));
    }
  }
  return Status::Ok();
}

namespace {

void AppendMarkings(stix::Tlp tlp, std::string* j) {
  *j += ",\"object_marking_refs\":[";
  AppendJsonString(stix::Tlp2MarkingId(tlp), j);
  *j += "]";
}

// An indicator and one sighting of it per sensor.
Status AddIndicator(std::string_view name, const std::string& value,
                    const std::string& pattern, std::string_view indicator_type,
                    int confidence, std::string_view description,
                    const std::map<std::string, Obs>& by_sensor, stix::Tlp tlp,
                    std::vector<stix::Object>* out) {
  Obs all;
  for (const auto& [sensor, o] : by_sensor) {
    all.first = std::min(all.first, o.first);
    all.last = std::max(all.last, o.last);
  }
  const std::string id =
      DeterministicId("indicator", fmt::format("{}|{}", name, value));
  std::string j = "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":";
  AppendJsonString(id, &j);
  j += fmt::format(",\"created\":\"{}\",\"modified\":\"{}\"",
                   StixTime(all.first), StixTime(all.last));
  j += ",\"name\":";
  AppendJsonString(fmt::format("honeypot {}: {}", name, value.substr(0, 200)),
                   &j);
  j += ",\"description\":";
  AppendJsonString(description, &j);
  j += fmt::format(",\"indicator_types\":[\"{}\"]", indicator_type);
  j += ",\"pattern\":";
  AppendJsonString(pattern, &j);
  j += ",\"pattern_type\":\"stix\"";
  j += fmt::format(",\"valid_from\":\"{}\"", StixTime(all.first));
  if (confidence >= 0) j += fmt::format(",\"confidence\":{}", confidence);
  j += ",\"labels\":[\"honeypot\"]";
  AppendMarkings(tlp, &j);
  j += "}";
  std::vector<stix::Object> built;
  ASSIGN_OR_RETURN(stix::Object ind, DecodeStixJson(j));
  built.push_back(std::move(ind));
  for (const auto& [sensor, o] : by_sensor) {
    std::string sj = "{\"type\":\"sighting\",\"spec_version\":\"2.1\",\"id\":";
    AppendJsonString(
        DeterministicId("sighting", fmt::format("{}|{}", id, sensor)), &sj);
    sj += fmt::format(
        ",\"created\":\"{}\",\"modified\":\"{}\",\"first_seen\":\"{}\","
        "\"last_seen\":\"{}\",\"count\":{}",
        StixTime(o.first), StixTime(o.last), StixTime(o.first),
        StixTime(o.last), std::min<int64_t>(o.count, 999999999));
    sj += ",\"sighting_of_ref\":";
    AppendJsonString(id, &sj);
    sj += ",\"where_sighted_refs\":[";
    AppendJsonString(SensorIdentityId(sensor), &sj);
    sj += "]";
    AppendMarkings(tlp, &sj);
    sj += "}";
    ASSIGN_OR_RETURN(stix::Object sighting, DecodeStixJson(sj));
    built.push_back(std::move(sighting));
  }
  for (auto& o : built) out->push_back(std::move(o));
  return Status::Ok();
}

}  // namespace

Result<std::vector<stix::Object>> HoneypotAnalyzer::Knowledge(
    const HoneypotKnowledgeOptions& options,
    std::vector<std::string>* left_out) const {
  const State& s = *s_;
  std::vector<stix::Object> out;
  for (const auto& [sensor, unused] : s.buckets) {
    ASSIGN_OR_RETURN(stix::Object ident,
                     DecodeStixJson(SensorIdentityJson(sensor, options.tlp)));
    out.push_back(std::move(ident));
  }
  // An indicator that does not build is left out (its objects are not
  // added: AddIndicator appends only after all of them decoded).
  auto keep = [&](Status st, std::string_view what, const std::string& v) {
    if (!st.ok() && left_out != nullptr) {
      left_out->push_back(fmt::format("{} {}: {}", what, v, st.message()));
    }
  };
  for (const auto& [key, by_sensor] : s.seen) {
    const auto& [what, value] = key;
    if (what == "url") {
      keep(AddIndicator(
               "download URL", value,
               fmt::format("[url:value = '{}']", EscapePatternString(value)),
               "malicious-activity", 80,
               "A URL an attacker made a honeypot fetch a file from.",
               by_sensor, options.tlp, &out),
           what, value);
    } else if (what == "sha256") {
      keep(AddIndicator(
               "payload SHA-256", value,
               fmt::format("[file:hashes.'SHA-256' = '{}']", value),
               "malicious-activity", 85,
               "A file an attacker downloaded to or uploaded into a honeypot.",
               by_sensor, options.tlp, &out),
           what, value);
    }
  }
  for (const auto& [ip, a] : Attackers(s.sessions)) {
    int confidence = AttackerConfidence(a.summary.behaviour);
    if (confidence < options.min_attacker_confidence) continue;
    std::string type =
        ip.find(':') != std::string::npos ? "ipv6-addr" : "ipv4-addr";
    keep(AddIndicator(
             "attacker", ip, fmt::format("[{}:value = '{}']", type, ip),
             a.summary.behaviour >= Behaviour::kCommands ? "malicious-activity"
                                                         : "anomalous-activity",
             confidence,
             fmt::format("An address that attacked a honeypot; most telling "
                         "behaviour: {} (confidence {}).",
                         BehaviourName(a.summary.behaviour), confidence),
             a.sensors, options.tlp, &out),
         "attacker", ip);
  }
  return out;
}

}  // namespace ncert::sensors
