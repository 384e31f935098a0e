// Honeypot analysis (Cowrie, Dionaea) over normalised telemetry events.
//
// Sessions are rebuilt from events keyed by (sensor, session): connect ->
// client version / key exchange -> login attempts -> commands -> downloads
// -> closed. Events may come in any order (the session's span is the min
// and max of its event times) and a session may lack its connect or its
// close (a log cut in the middle): both are counted, neither stops anything.
// An event whose kind the analysis does not know, or that lacks a field its
// kind needs, is counted (with the first few places, for the report) and
// skipped; analysis continues.
//
// What comes out:
//  * a report: top credentials (marked when they are in Mirai's default
//    list), top commands, downloads (URL, SHA-256), client versions, HASSH
//    fingerprints, the most active attackers, and the problems;
//  * series per sensor ("sessions", "login_attempts", "unique_sources", at
//    5m, 1h and 1d, each resolution counted exactly: distinct sources are
//    not summable) written to a SeriesSink;
//  * knowledge: indicators for download URLs and payload hashes and for
//    attacker addresses (with a confidence from what they did, see
//    AttackerConfidence), and sightings of each by the sensor's identity.
//
// Event fields used (telemetry/event.h): kind = Cowrie eventid or
// "dionaea.*", time, sensor, session, src_ip, dst_port, protocol, user,
// password, command_line, url, sha256, hassh, user_agent (the SSH client
// version string of cowrie.client.version).
//
// Thread safety: a HoneypotAnalyzer is used by one thread at a time.
#ifndef NCERT_SENSORS_HONEYPOT_H_
#define NCERT_SENSORS_HONEYPOT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sensors/series.h"
#include "stix/markings.h"
#include "stix/object.h"
#include "telemetry/event.h"

namespace ncert::sensors {

// The embedded mirai_credentials.tsv (generated from the data file).
std::string_view MiraiCredentialsTsv();

// The Mirai default-credential list, parsed. Immutable after Parse: may be
// read from many threads.
class MiraiCredentials {
 public:
  // Lines "user<TAB>password<TAB>weight"; '#' comments and blank lines are
  // skipped. A malformed line is an InvalidArgument naming it.
  static Result<MiraiCredentials> Parse(std::string_view tsv);
  // The list ncert ships.
  static MiraiCredentials Default();
  bool Contains(std::string_view user, std::string_view password) const;
  size_t entries() const { return entries_; }  // lines, duplicates included
  size_t distinct() const { return pairs_.size(); }

 private:
  std::set<std::pair<std::string, std::string>, std::less<>> pairs_;
  size_t entries_ = 0;
};

// What an attacker did, most telling first. The confidence of an attacker
// address indicator is that of its most telling behaviour on any session.
enum class Behaviour {
  kConnectOnly,      // connected (a scanner)
  kLoginAttempts,    // tried credentials, none accepted
  kLoginSuccess,     // logged in, ran nothing
  kCommands,         // ran commands
  kDownload,         // fetched or uploaded a file (malware delivery)
  kSuccessDownload,  // logged in and fetched a file
};
int AttackerConfidence(Behaviour b);  // 15, 35, 50, 70, 80, 90
std::string_view BehaviourName(Behaviour b);

struct Counted {
  std::string value;
  int64_t count = 0;
};

struct CredentialCount {
  std::string user, password;
  int64_t count = 0;
  bool mirai = false;
};

struct DownloadSummary {
  std::string url;     // "" for an upload with only a hash
  std::string sha256;  // "" when the download failed
  int64_t count = 0;
  int64_t sources = 0;  // distinct attacker addresses
};

struct AttackerSummary {
  std::string ip;
  int64_t sessions = 0;
  int64_t login_attempts = 0;
  int64_t commands = 0;
  int64_t downloads = 0;
  Behaviour behaviour = Behaviour::kConnectOnly;
};

// A problem found in the input: where, which rule, what.
struct HoneypotProblem {
  telemetry::RawRef where;
  std::string rule;  // "unknown-eventid", "missing-field"
  std::string message;
};

struct HoneypotReport {
  int64_t events = 0;    // events seen
  int64_t analysed = 0;  // events used
  int64_t sessions = 0;
  int64_t sessions_without_connect = 0;
  int64_t sessions_without_close = 0;
  int64_t login_attempts = 0, login_successes = 0;
  int64_t mirai_attempts = 0;  // login attempts with a Mirai pair
  int64_t distinct_sources = 0;
  std::vector<CredentialCount> credentials;  // top, by count
  std::vector<Counted> commands, client_versions, hasshes;
  std::vector<DownloadSummary> downloads;  // all, by count
  std::vector<AttackerSummary> attackers;  // top, by behaviour then sessions
  std::map<std::string, int64_t> unknown_kinds;   // kind -> events
  std::map<std::string, int64_t> missing_fields;  // "kind: field" -> events
  std::vector<HoneypotProblem> problems;          // the first few
};

struct HoneypotKnowledgeOptions {
  stix::Tlp tlp = stix::Tlp::kAmber;
  // Attackers below this confidence get no indicator (by default scanners
  // that only connected do not).
  int min_attacker_confidence = 35;
};

class HoneypotAnalyzer {
 public:
  explicit HoneypotAnalyzer(MiraiCredentials mirai);
  ~HoneypotAnalyzer();
  HoneypotAnalyzer(const HoneypotAnalyzer&) = delete;
  HoneypotAnalyzer& operator=(const HoneypotAnalyzer&) = delete;

  // Takes one event; copies what it keeps (the event's views may die
  // after the call).
  void Add(const telemetry::Event& event);

  // `top` entries of each ranking.
  HoneypotReport Report(size_t top = 10) const;

  // Writes every bucket seen so far (at 5m, 1h and 1d) for every sensor:
  // re-writing after more events replaces buckets with their new counts.
  Status WriteSeries(SeriesSink& sink) const;

  // Identities of the sensors, indicators and sightings, validated.
  // Deterministic: the same events give the same objects, byte for byte.
  // A value that cannot be expressed as valid STIX (a URL that is not
  // valid UTF-8, from a reader that does not check) is left out and named
  // in `*left_out` when given.
  Result<std::vector<stix::Object>> Knowledge(
      const HoneypotKnowledgeOptions& options,
      std::vector<std::string>* left_out = nullptr) const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Escapes a string for a STIX pattern literal: ' -> \' and \ -> \\.
std::string EscapePatternString(std::string_view s);

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_HONEYPOT_H_
