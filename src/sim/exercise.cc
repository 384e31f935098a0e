#include "sim/exercise.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "core/json.h"
#include "sim/engine.h"

namespace ncert::sim {
namespace {

constexpr char kStateFile[] = "exercise.json";
constexpr char kSource[] = ".scenario/";
constexpr char kInbox[] = "inbox/";
constexpr char kCallFile[] = "calls/call-1.txt";
constexpr char kParts[] = "parts/";  // under .scenario/: logs split in time

// Writes into `base` under a prefix (the exercise's .scenario/).
class PrefixOutputDir final : public OutputDir {
 public:
  PrefixOutputDir(OutputDir& base, std::string prefix)
      : base_(base), prefix_(std::move(prefix)) {}
  Result<std::unique_ptr<FileSink>> Create(
      const std::string& relative_path) override {
    return base_.Create(prefix_ + relative_path);
  }
  std::string PathOf(const std::string& relative_path) const override {
    return base_.PathOf(prefix_ + relative_path);
  }

 private:
  OutputDir& base_;
  std::string prefix_;
};

Status WriteOut(OutputDir& out, const std::string& path,
                std::string_view data) {
  ASSIGN_OR_RETURN(auto sink, out.Create(path));
  RETURN_IF_ERROR(sink->Append(data));
  return sink->Close();
}

std::string Normalize(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == ',')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == ',')) --e;
  std::string o(s.substr(b, e - b));
  for (char& c : o) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return o;
}

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

std::string Str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

int64_t Int(simdjson::dom::element e, const char* key) {
  int64_t v = 0;
  if (e[key].get_int64().get(v) != simdjson::SUCCESS) return 0;
  return v;
}

const Inject* FindInject(const std::vector<Inject>& injects,
                         const std::string& id) {
  for (const Inject& i : injects) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

// The evidence inject: `id` if the schedule has it, else the first one.
std::string Evidence(const std::vector<Inject>& injects,
                     const std::string& id) {
  if (FindInject(injects, id) != nullptr) return id;
  return injects.empty() ? "" : injects.front().id;
}

// The phone-call inject, from the ground truth's incidents: the most visible
// one (a business stop, else ransomware, else a DDoS, else any).
std::string CallText(simdjson::dom::element gt, const Scenario& sc) {
  simdjson::dom::array incidents;
  if (gt["incidents"].get_array().get(incidents) != simdjson::SUCCESS ||
      incidents.size() == 0) {
    return fmt::format(
        "【電話】{} の件で会員組織から問い合わせがありました。状況を確認し、"
        "共有すべき情報をまとめてください。\n\n[Phone call] A member "
        "organisation is asking about {}. Find out what is going on and what "
        "to share.\n",
        sc.title_ja, sc.title);
  }
  simdjson::dom::element pick;
  int best = 99;
  for (simdjson::dom::element i : incidents) {
    std::string kind = Str(i, "kind");
    int rank = kind == "business_stop" ? 0
               : kind == "ransomware"  ? 1
               : kind == "ddos"        ? 2
                                       : 3;
    if (rank < best) {
      best = rank;
      pick = i;
    }
  }
  std::string kind = Str(pick, "kind"), org = Str(pick, "org");
  std::string start = Str(pick, "start");
  std::string when = start.size() >= 16 ? start.substr(11, 5) + " UTC" : start;
  int64_t hosts = Int(pick, "hosts"), plants = Int(pick, "plants");
  if (kind == "business_stop") {
    return fmt::format(
        "【電話・{when}】{org} の情報システム部門から:\n"
        "「取引先のシステム障害の影響で部品の納入が止まり、本日 {plants} "
        "工場すべての生産ラインを停止しました。取引先がランサムウェアに"
        "感染したと聞いています。当社への侵入の可能性と、ほかの取引先の"
        "状況を教えてください。」\n\n"
        "[Phone call, {when}] The IT department of {org}:\n"
        "\"Because of a supplier's system outage our parts deliveries have "
        "stopped, and today we halted the production lines of all {plants} "
        "plants. We hear the supplier was hit by ransomware. Could we be "
        "compromised too, and what is the state of our other suppliers?\"\n",
        fmt::arg("when", when), fmt::arg("org", org),
        fmt::arg("plants", plants));
  }
  if (kind == "ransomware") {
    return fmt::format(
        "【電話・{when}】{org} から:\n"
        "「社内の {hosts} 台のパソコンでファイルが開けなくなり、身代金を"
        "要求する画面が出ています。ネットワークから切り離すべき端末と、"
        "ほかに感染している組織があるか教えてください。」\n\n"
        "[Phone call, {when}] {org}:\n"
        "\"Files on {hosts} of our PCs cannot be opened and a ransom note is "
        "on the screen. Which machines should we cut off, and are other "
        "organisations infected?\"\n",
        fmt::arg("when", when), fmt::arg("org", org), fmt::arg("hosts", hosts));
  }
  if (kind == "ddos") {
    return fmt::format(
        "【電話・{when}】{org} から:\n"
        "「当行の公開ウェブサイトが {when} から応答しません。大量の接続が"
        "国内の家庭用ルータから来ているようです。攻撃元の情報と ISP への"
        "連絡をお願いできますか。」\n\n"
        "[Phone call, {when}] {org}:\n"
        "\"Our public web site has not answered since {when}. The flood seems "
        "to come from home routers in Japan. Can you tell us the sources and "
        "contact the ISPs?\"\n",
        fmt::arg("when", when), fmt::arg("org", org));
  }
  return fmt::format(
      "【電話・{when}】{org} から: 「{when} からシステムに異常があります。"
      "侵入の可能性について助言をください。」\n\n[Phone call, {when}] {org}: "
      "\"Our systems have been behaving abnormally since {when}. Could we "
      "have been breached?\"\n",
      fmt::arg("when", when), fmt::arg("org", org));
}

// The time of a log line: Zeek's "ts" (epoch seconds) or the first
// RFC 3339 date-time in it; nullopt when it has none.
std::optional<int64_t> LineTimeUs(std::string_view line) {
  if (StartsWith(line, "{\"ts\":")) {
    double t = std::strtod(std::string(line.substr(6, 24)).c_str(), nullptr);
    if (t > 0) return static_cast<int64_t>(t * 1e6);
  }
  for (size_t p = line.find("\"20"); p != std::string_view::npos;
       p = line.find("\"20", p + 1)) {
    std::string_view v = line.substr(p + 1, 19);
    if (v.size() == 19 && v[4] == '-' && v[7] == '-' && v[10] == 'T' &&
        v[13] == ':' && v[16] == ':') {
      auto t = ParseTimestamp(std::string(v) + "Z");
      if (t.ok()) return t->micros;
    }
  }
  return std::nullopt;
}

// Line logs whose first hours are released at T+0 and the rest later.
bool IsSplitLog(const std::string& f) {
  return StartsWith(f, "network/zeek/") || f == "network/eve.json" ||
         f == "endpoint/sysmon.ndjson" || f == "sensors/cowrie.json" ||
         f == "sensors/dionaea.json" || StartsWith(f, "osint/");
}

// Offset of the first line at or after `cutoff_us` (logs are in time order).
size_t SplitOffset(std::string_view data, int64_t cutoff_us) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
    auto t = LineTimeUs(data.substr(pos, end - pos));
    if (t && *t >= cutoff_us) return pos;
    pos = end;
  }
  return data.size();
}

}  // namespace

std::string_view QuestionKindName(QuestionKind k) {
  switch (k) {
    case QuestionKind::kValue:
      return "value";
    case QuestionKind::kList:
      return "list";
    case QuestionKind::kCount:
      return "count";
    case QuestionKind::kTime:
      return "time";
  }
  return "value";
}

namespace {

std::string StateJson(const ExerciseState& s) {
  std::string o = "{\"scenario\":";
  AppendJsonString(s.scenario, &o);
  o += ",\"scenario_file\":";
  AppendJsonString(s.scenario_file, &o);
  o += fmt::format(",\"seed\":{},\"team\":", s.seed);
  AppendJsonString(s.team, &o);
  o += ",\"start\":";
  AppendJsonString(FormatTimestamp(s.start, 6), &o);
  o += fmt::format(",\"speed\":{},\"injects\":[", s.speed);
  for (size_t i = 0; i < s.injects.size(); ++i) {
    const Inject& in = s.injects[i];
    if (i) o += ',';
    o += "\n {\"id\":";
    AppendJsonString(in.id, &o);
    o += fmt::format(",\"minute\":{},\"title\":", in.minute);
    AppendJsonString(in.title, &o);
    o += ",\"title_ja\":";
    AppendJsonString(in.title_ja, &o);
    o += ",\"files\":[";
    for (size_t j = 0; j < in.files.size(); ++j) {
      if (j) o += ',';
      AppendJsonString(in.files[j], &o);
    }
    o += "]}";
  }
  o += "],\"released\":[";
  for (size_t i = 0; i < s.released.size(); ++i) {
    if (i) o += ',';
    AppendJsonString(s.released[i], &o);
  }
  o += "],\"answers\":[";
  for (size_t i = 0; i < s.answers.size(); ++i) {
    const ExerciseAnswer& a = s.answers[i];
    if (i) o += ',';
    o += "\n {\"question\":";
    AppendJsonString(a.question, &o);
    o += ",\"values\":[";
    for (size_t j = 0; j < a.values.size(); ++j) {
      if (j) o += ',';
      AppendJsonString(a.values[j], &o);
    }
    o += "],\"at\":";
    AppendJsonString(FormatTimestamp(a.at, 6), &o);
    o += fmt::format(",\"exercise_s\":{}}}", a.exercise_s);
  }
  o += "]}\n";
  return o;
}

Result<std::vector<std::string>> Strings(simdjson::dom::element e,
                                         const char* key) {
  std::vector<std::string> v;
  simdjson::dom::array a;
  if (e[key].get_array().get(a) != simdjson::SUCCESS)
    return Status::Corruption(std::string("missing ") + key);
  for (simdjson::dom::element x : a) {
    std::string_view sv;
    if (x.get_string().get(sv) != simdjson::SUCCESS)
      return Status::Corruption(std::string("not a string in ") + key);
    v.emplace_back(sv);
  }
  return v;
}

}  // namespace

bool ExerciseState::IsReleased(const std::string& inject_id) const {
  return std::find(released.begin(), released.end(), inject_id) !=
         released.end();
}

std::vector<Inject> PlanInjects(const std::vector<std::string>& files) {
  std::vector<Inject> plan = {
      {"t00-intel",
       0,
       "Partner intelligence (STIX), SBOMs, scans, the first hours of the "
       "logs",
       "パートナーの脅威情報（STIX）、SBOM、スキャン結果、ログの最初の数時間分",
       {}},
      {"t10-telemetry",
       10,
       "The rest of the logs: endpoint (Sysmon/EDR), network and IDS, "
       "honeypots; the darknet pcap",
       "残りのログ: 端末（Sysmon/EDR）、ネットワーク・IDS、ハニーポット。"
       "ダークネットの pcap",
       {}},
      {"t20-reports",
       20,
       "Incident and damage reports, news, the rest of the posts",
       "インシデント報告・被害報告、報道、残りの SNS 投稿",
       {}},
      {"t30-call",
       30,
       "Phone call (text, Japanese and English)",
       "電話連絡（テキスト、日本語・英語）",
       {}},
  };
  for (const std::string& f : files) {
    if (f == "ground_truth.json" || f == "manifest.json" ||
        StartsWith(f, "truth/"))
      continue;
    size_t k = 0;
    if (f.size() > 2 && f.compare(f.size() - 2, 2, "#0") == 0) {
      plan[0].files.push_back(f);  // the first hours of a log
      continue;
    }
    std::string base = f.substr(0, f.rfind('#'));
    if (StartsWith(base, "endpoint/") || StartsWith(base, "sensors/") ||
        StartsWith(base, "network/")) {
      k = 1;
    } else if (StartsWith(base, "reports/") || StartsWith(base, "osint/")) {
      k = 2;
    } else if (StartsWith(base, "calls/")) {
      k = 3;
    }
    plan[k].files.push_back(f);
  }
  std::vector<Inject> out;
  for (Inject& i : plan) {
    if (!i.files.empty()) {
      std::sort(i.files.begin(), i.files.end());
      out.push_back(std::move(i));
    }
  }
  return out;
}

Result<ExerciseState> StartExercise(Env& env, Clock& clock, OutputDir& out,
                                    const std::string& root,
                                    const Scenario& scenario,
                                    const ExerciseOptions& options) {
  if (options.team.empty())
    return Status::InvalidArgument("an exercise needs a team name");
  if (!(options.speed > 0))
    return Status::InvalidArgument("--speed must be positive");
  if (env.Stat(root + "/" + kStateFile).ok()) {
    return Status::AlreadyExists("an exercise already exists in " + root +
                                 " (choose another --dir or team)");
  }
  PrefixOutputDir source(out, kSource);
  RunOptions ro;
  ro.seed = options.seed;
  ro.scale = 1.0;
  ASSIGN_OR_RETURN(RunSummary summary, RunScenario(scenario, source, ro));
  ASSIGN_OR_RETURN(std::string gt_text,
                   env.ReadFile(root + "/" + kSource + "ground_truth.json"));
  simdjson::dom::parser parser;
  simdjson::dom::element gt;
  if (parser.parse(gt_text).get(gt) != simdjson::SUCCESS)
    return Status::Corruption("ground_truth.json does not parse");
  RETURN_IF_ERROR(
      WriteOut(out, std::string(kSource) + kCallFile, CallText(gt, scenario)));

  ExerciseState st;
  st.scenario = scenario.name;
  st.scenario_file = scenario.source;
  st.seed = options.seed;
  st.team = options.team;
  st.start = clock.Now();
  st.speed = options.speed;
  // The first hours of the logs (before the first infection, at most 6)
  // come with the intelligence at T+0, the rest with the telemetry.
  int64_t hours = 6;
  std::optional<Timestamp> first =
      summary.first_infection ? summary.first_infection : summary.surge_start;
  if (first) {
    hours = std::min<int64_t>(
        hours, (first->micros - scenario.start.micros) / 3600000000LL);
  }
  int64_t cutoff_us = scenario.start.micros + hours * 3600000000LL;
  std::vector<std::string> files;
  for (const OutputFile& f : summary.files) {
    if (hours <= 0 || !IsSplitLog(f.path)) {
      files.push_back(f.path);
      continue;
    }
    ASSIGN_OR_RETURN(std::string data,
                     env.ReadFile(root + "/" + kSource + f.path));
    size_t cut = SplitOffset(data, cutoff_us);
    if (cut == 0) {  // nothing in the first hours
      files.push_back(f.path);
      continue;
    }
    std::string_view d(data);
    RETURN_IF_ERROR(WriteOut(out, std::string(kSource) + kParts + f.path + ".0",
                             d.substr(0, cut)));
    if (cut < data.size()) {
      RETURN_IF_ERROR(WriteOut(
          out, std::string(kSource) + kParts + f.path + ".1", d.substr(cut)));
      files.push_back(f.path + "#1");
    }
    files.push_back(f.path + "#0");
  }
  files.push_back(kCallFile);
  st.injects = PlanInjects(files);
  RETURN_IF_ERROR(ReleaseDue(env, out, root, st, st.start).status());
  RETURN_IF_ERROR(SaveExercise(env, root, st));
  return st;
}

Status SaveExercise(Env& env, const std::string& root,
                    const ExerciseState& state) {
  return env.WriteFile(root + "/" + kStateFile, StateJson(state));
}

Result<ExerciseState> LoadExercise(Env& env, const std::string& root) {
  std::string path = root + "/" + kStateFile;
  if (!env.Stat(path).ok()) {
    return Status::NotFound("no exercise in " + root +
                            " (start one with `ncert exercise start`)");
  }
  ASSIGN_OR_RETURN(std::string text, env.ReadFile(path));
  simdjson::dom::parser parser;
  simdjson::dom::element d;
  if (parser.parse(text).get(d) != simdjson::SUCCESS)
    return Status::Corruption(path + " does not parse");
  ExerciseState st;
  st.scenario = Str(d, "scenario");
  st.scenario_file = Str(d, "scenario_file");
  uint64_t seed = 1;
  if (d["seed"].get_uint64().get(seed) != simdjson::SUCCESS)
    return Status::Corruption(path + ": bad seed");
  st.seed = seed;
  st.team = Str(d, "team");
  ASSIGN_OR_RETURN(st.start, ParseTimestamp(Str(d, "start")));
  double speed = 1;
  if (d["speed"].get_double().get(speed) != simdjson::SUCCESS || !(speed > 0))
    return Status::Corruption(path + ": bad speed");
  st.speed = speed;
  simdjson::dom::array injects, answers;
  if (d["injects"].get_array().get(injects) != simdjson::SUCCESS ||
      d["answers"].get_array().get(answers) != simdjson::SUCCESS)
    return Status::Corruption(path + ": missing injects or answers");
  for (simdjson::dom::element e : injects) {
    Inject in;
    in.id = Str(e, "id");
    in.minute = static_cast<int>(Int(e, "minute"));
    in.title = Str(e, "title");
    in.title_ja = Str(e, "title_ja");
    ASSIGN_OR_RETURN(in.files, Strings(e, "files"));
    st.injects.push_back(std::move(in));
  }
  ASSIGN_OR_RETURN(st.released, Strings(d, "released"));
  for (simdjson::dom::element e : answers) {
    ExerciseAnswer a;
    a.question = Str(e, "question");
    ASSIGN_OR_RETURN(a.values, Strings(e, "values"));
    ASSIGN_OR_RETURN(a.at, ParseTimestamp(Str(e, "at")));
    a.exercise_s = Int(e, "exercise_s");
    st.answers.push_back(std::move(a));
  }
  return st;
}

int64_t ExerciseSeconds(const ExerciseState& state, Timestamp now) {
  int64_t us = now.micros - state.start.micros;
  if (us <= 0) return 0;
  return static_cast<int64_t>(
      std::floor(static_cast<double>(us) * state.speed / 1e6));
}

Result<std::vector<std::string>> ReleaseDue(Env& env, OutputDir& out,
                                            const std::string& root,
                                            ExerciseState& state,
                                            Timestamp now) {
  std::vector<std::string> done;
  int64_t s = ExerciseSeconds(state, now);
  for (const Inject& in : state.injects) {
    if (state.IsReleased(in.id) || static_cast<int64_t>(in.minute) * 60 > s)
      continue;
    for (const std::string& f : in.files) {
      size_t hash = f.rfind('#');
      if (hash == std::string::npos) {
        ASSIGN_OR_RETURN(std::string data,
                         env.ReadFile(root + "/" + kSource + f));
        RETURN_IF_ERROR(WriteOut(out, kInbox + f, data));
        continue;
      }
      // A part of a log: the inbox file grows as the log did.
      std::string path = f.substr(0, hash);
      ASSIGN_OR_RETURN(std::string part,
                       env.ReadFile(root + "/" + kSource + kParts + path + "." +
                                    f.substr(hash + 1)));
      std::string data;
      std::string inbox = root + "/" + kInbox + path;
      if (f.substr(hash + 1) != "0" && env.Stat(inbox).ok()) {
        ASSIGN_OR_RETURN(data, env.ReadFile(inbox));
      }
      data += part;
      RETURN_IF_ERROR(WriteOut(out, kInbox + path, data));
    }
    state.released.push_back(in.id);
    done.push_back(in.id);
  }
  return done;
}

Result<std::vector<Question>> LoadQuestions(Env& env, const std::string& root,
                                            const ExerciseState& state) {
  ASSIGN_OR_RETURN(std::string text,
                   env.ReadFile(root + "/" + kSource + "ground_truth.json"));
  return QuestionsFromTruth(text, state.injects);
}

Result<std::vector<Question>> QuestionsFromTruth(
    std::string_view ground_truth_json, const std::vector<Inject>& injects) {
  simdjson::dom::parser parser;
  simdjson::dom::element gt;
  if (parser.parse(ground_truth_json.data(), ground_truth_json.size())
          .get(gt) != simdjson::SUCCESS)
    return Status::Corruption("ground_truth.json does not parse");
  std::vector<Question> qs;
  simdjson::dom::array hosts, devices, indicators, incidents;
  bool have_hosts =
      gt["infected_hosts"].get_array().get(hosts) == simdjson::SUCCESS &&
      hosts.size() > 0;
  bool have_devices =
      gt["infected_devices"].get_array().get(devices) == simdjson::SUCCESS &&
      devices.size() > 0;
  std::string telemetry = Evidence(injects, "t10-telemetry");

  // 1. The first infection (by time; ties: the first listed).
  if (have_hosts || have_devices) {
    Question q;
    q.id = "first-host";
    q.kind = QuestionKind::kValue;
    std::string best_t;
    std::vector<std::string> best;
    for (simdjson::dom::element h : have_hosts ? hosts : devices) {
      std::string t = Str(h, "infected_at");
      if (!best.empty() && t >= best_t) continue;
      best_t = t;
      best.clear();
      for (const char* k : {"host", "fqdn", "ip"}) {
        std::string v = Normalize(Str(h, k));
        if (!v.empty()) best.push_back(v);
      }
    }
    q.expected = best;
    q.text = have_hosts ? "Which host was infected first (patient zero)?"
                        : "Which device was infected first?";
    q.text_ja = have_hosts ? "最初に感染したホストはどれか（初期感染端末）"
                           : "最初に感染した機器はどれか";
    q.hint = have_hosts ? "a host name or its IP address" : "an IP address";
    q.hint_ja = have_hosts ? "ホスト名または IP アドレス" : "IP アドレス";
    q.evidence = telemetry;
    qs.push_back(std::move(q));
  }

  // 2. The malicious network indicators among those partners shared.
  if (gt["indicators"].get_array().get(indicators) == simdjson::SUCCESS) {
    Question q;
    q.id = "indicators";
    q.kind = QuestionKind::kList;
    std::set<std::string> vals;
    for (simdjson::dom::element i : indicators) {
      bool mal = false;
      if (i["malicious"].get_bool().get(mal) != simdjson::SUCCESS || !mal)
        continue;
      std::string kind = Str(i, "kind");
      if (kind == "ipv4-addr" || kind == "domain-name")
        vals.insert(Normalize(Str(i, "value")));
    }
    if (!vals.empty()) {
      q.expected.assign(vals.begin(), vals.end());
      q.text =
          "Which of the IP addresses and domains the partners shared are "
          "really the attacker's (C2, payload)? Leave out the false "
          "positives.";
      q.text_ja =
          "パートナーが共有した IP アドレス・ドメインのうち、本当に攻撃者の"
          "もの（C2、配布元）はどれか。誤検知は除くこと";
      q.hint = "a list of IP addresses and domains";
      q.hint_ja = "IP アドレス・ドメインの列挙";
      q.evidence = Evidence(injects, "t00-intel");
      qs.push_back(std::move(q));
    }
  }

  // 3. How many organisations have infected machines.
  if (have_hosts || have_devices) {
    std::set<std::string> orgs;
    for (simdjson::dom::element h : have_hosts ? hosts : devices)
      orgs.insert(Str(h, have_hosts ? "org" : "isp"));
    Question q;
    q.id = "orgs";
    q.kind = QuestionKind::kCount;
    q.expected = {std::to_string(orgs.size())};
    q.text = have_hosts ? "How many organisations have infected hosts?"
                        : "How many ISPs have infected devices in their space?";
    q.text_ja = have_hosts ? "感染ホストのある組織はいくつか"
                           : "感染機器を抱える ISP はいくつか";
    q.hint = "a number (within 20 % is partially correct)";
    q.hint_ja = "数（誤差 20 % 以内は部分正解）";
    q.evidence = telemetry;
    qs.push_back(std::move(q));
  }

  // 4. When the scan surge started.
  simdjson::dom::element surge;
  if (gt["surge"].get(surge) == simdjson::SUCCESS && surge.is_object()) {
    Question q;
    q.id = "surge-start";
    q.kind = QuestionKind::kTime;
    q.expected = {Str(surge, "start")};
    q.text = "When (UTC) did the scan surge on 23/TCP and 2323/TCP start?";
    q.text_ja = "23/TCP・2323/TCP への探索の急増はいつ（UTC）始まったか";
    q.hint =
        "a UTC time, 2026-03-10T08:00:00Z (within 15 min correct, within 60 "
        "min partially)";
    q.hint_ja = "UTC 時刻（15 分以内で正解、60 分以内で部分正解）";
    q.evidence = telemetry;
    qs.push_back(std::move(q));
  }

  // 5. What must be isolated (hosts) or quarantined by the ISPs (devices).
  if (have_hosts || have_devices) {
    Question q;
    q.id = "isolate";
    q.kind = QuestionKind::kList;
    std::set<std::string> items;
    for (simdjson::dom::element h : have_hosts ? hosts : devices) {
      std::string item = Normalize(Str(h, have_hosts ? "host" : "ip"));
      items.insert(item);
      if (have_hosts) {
        for (const char* k : {"fqdn", "ip"}) {
          std::string a = Normalize(Str(h, k));
          if (!a.empty()) q.aliases[a] = item;
        }
      }
    }
    q.expected.assign(items.begin(), items.end());
    q.text = have_hosts ? "Which hosts must be isolated now?"
                        : "Which devices must the ISPs quarantine now?";
    q.text_ja = have_hosts ? "今すぐ隔離すべきホストはどれか"
                           : "ISP が今すぐ隔離すべき機器はどれか";
    q.hint = have_hosts ? "a list of host names or IP addresses (scored by "
                          "precision and recall)"
                        : "a list of IP addresses (scored by precision and "
                          "recall)";
    q.hint_ja = have_hosts ? "ホスト名または IP の列挙（適合率・再現率で採点）"
                           : "IP アドレスの列挙（適合率・再現率で採点）";
    q.evidence = telemetry;
    qs.push_back(std::move(q));
  }

  // 6. Whose hosts were encrypted.
  if (gt["incidents"].get_array().get(incidents) == simdjson::SUCCESS) {
    for (simdjson::dom::element i : incidents) {
      if (Str(i, "kind") != "ransomware") continue;
      std::string org = Str(i, "org");
      Question q;
      q.id = "ransomware-org";
      q.kind = QuestionKind::kValue;
      q.expected = {Normalize(org)};
      if (have_hosts) {
        for (simdjson::dom::element h : hosts) {
          if (Str(h, "org") == org) {
            std::string ja = Normalize(Str(h, "org_ja"));
            if (!ja.empty()) q.expected.push_back(ja);
            break;
          }
        }
      }
      q.text = "Which organisation's hosts were encrypted by ransomware?";
      q.text_ja = "ランサムウェアでホストを暗号化された組織はどこか";
      q.hint = "the organisation's name (English or Japanese)";
      q.hint_ja = "組織名（日本語または英語）";
      q.evidence = Evidence(injects, "t20-reports");
      qs.push_back(std::move(q));
      break;
    }
  }
  return qs;
}

Status RecordAnswer(ExerciseState& state, const std::vector<Question>& qs,
                    const std::string& question,
                    const std::vector<std::string>& values, Timestamp now) {
  const Question* q = nullptr;
  for (const Question& x : qs) {
    if (x.id == question) q = &x;
  }
  if (q == nullptr) {
    std::string ids;
    for (const Question& x : qs) ids += (ids.empty() ? "" : ", ") + x.id;
    return Status::InvalidArgument("no question '" + question +
                                   "' (questions: " + ids + ")");
  }
  if (values.empty())
    return Status::InvalidArgument("an answer needs at least one value");
  if (q->kind != QuestionKind::kList && values.size() != 1)
    return Status::InvalidArgument("question '" + question +
                                   "' takes one value");
  if (q->kind == QuestionKind::kCount) {
    char* end = nullptr;
    std::strtoll(values[0].c_str(), &end, 10);
    if (values[0].empty() || *end != '\0')
      return Status::InvalidArgument("'" + values[0] + "' is not a number");
  }
  if (q->kind == QuestionKind::kTime) {
    RETURN_IF_ERROR(ParseTimestamp(values[0]).status());
  }
  ExerciseAnswer a;
  a.question = question;
  a.values = values;
  a.at = now;
  a.exercise_s = ExerciseSeconds(state, now);
  state.answers.push_back(std::move(a));
  return Status::Ok();
}

ExerciseScore ScoreExercise(const ExerciseState& state,
                            const std::vector<Question>& qs) {
  ExerciseScore out;
  for (const Question& q : qs) {
    QuestionScore s;
    s.question = q.id;
    const Inject* ev = FindInject(state.injects, q.evidence);
    s.evidence_s = ev ? static_cast<int64_t>(ev->minute) * 60 : 0;
    const ExerciseAnswer* last = nullptr;
    for (const ExerciseAnswer& a : state.answers) {
      if (a.question == q.id) last = &a;
    }
    ++out.max_points;
    if (last == nullptr) {
      out.questions.push_back(std::move(s));
      continue;
    }
    s.answered = true;
    s.answer = last->values;
    s.answered_s = last->exercise_s;
    s.time_to_answer_s = last->exercise_s - s.evidence_s;
    switch (q.kind) {
      case QuestionKind::kValue: {
        std::string v = Normalize(last->values[0]);
        s.correct = std::find(q.expected.begin(), q.expected.end(), v) !=
                    q.expected.end();
        s.points = s.correct ? 1 : 0;
        break;
      }
      case QuestionKind::kList: {
        std::set<std::string> given;
        for (const std::string& raw : last->values) {
          std::string v = Normalize(raw);
          if (v.empty()) continue;
          auto al = q.aliases.find(v);
          given.insert(al != q.aliases.end() ? al->second : v);
        }
        std::set<std::string> want(q.expected.begin(), q.expected.end());
        size_t hit = 0;
        for (const std::string& v : given) hit += want.count(v);
        s.precision = given.empty() ? 0
                                    : static_cast<double>(hit) /
                                          static_cast<double>(given.size());
        s.recall = want.empty() ? 0
                                : static_cast<double>(hit) /
                                      static_cast<double>(want.size());
        s.correct = hit == want.size() && hit == given.size();
        s.partial = !s.correct && hit > 0;
        s.points = s.precision + s.recall > 0
                       ? 2 * s.precision * s.recall / (s.precision + s.recall)
                       : 0;
        break;
      }
      case QuestionKind::kCount: {
        long long want = std::strtoll(q.expected[0].c_str(), nullptr, 10);
        long long got = std::strtoll(last->values[0].c_str(), nullptr, 10);
        s.correct = got == want;
        s.partial = !s.correct && want > 0 &&
                    std::llabs(got - want) * 5 <= want;  // within 20 %
        s.points = s.correct ? 1 : s.partial ? 0.5 : 0;
        break;
      }
      case QuestionKind::kTime: {
        auto want = ParseTimestamp(q.expected[0]);
        auto got = ParseTimestamp(last->values[0]);
        if (want.ok() && got.ok()) {
          int64_t d = std::llabs(got->micros - want->micros);
          s.correct = d <= 15 * 60 * 1000000LL;
          s.partial = !s.correct && d <= 60 * 60 * 1000000LL;
        }
        s.points = s.correct ? 1 : s.partial ? 0.5 : 0;
        break;
      }
    }
    out.points += s.points;
    out.questions.push_back(std::move(s));
  }
  return out;
}

}  // namespace ncert::sim
