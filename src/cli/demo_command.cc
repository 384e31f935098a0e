// ncert demo: what ncert does today, in one command, on real public data and
// on simulated scenarios. A fresh embedded store; validate a partner feed with
// mistakes; ingest the OASIS examples and ATT&CK for ICS; re-ingest (a no-op);
// stats, query, versions, export; then the supply-chain and IoT-surge
// scenarios at demo size into demo-out/, their partners' STIX bundles
// ingested, and what an analyst would want to know about them. Everything
// runs in this process through the library (no subprocesses). Later stages
// (matching, sensors, cases, advisories) add their step here when they land.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/file_args.h"
#include "cli/issue_printer.h"
#include "cli/sim_summary.h"
#include "core/id.h"
#include "core/json.h"
#include "ingest/ingest.h"
#include "pattern/observation.h"
#include "pattern/pattern.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "sim/sink.h"
#include "stix/reader.h"

namespace ncert::cli {
namespace {

struct DemoOptions {
  std::string data = "../shared/data";
  std::string out = "demo-out";
  std::string scenarios;
  uint64_t seed = 1;
};

class Demo {
 public:
  Demo(Context& ctx, const DemoOptions& opt)
      : ctx_(ctx), opt_(opt), ja_(ctx.lang == Lang::kJa) {}

  int Run();

 private:
  void Step(std::string_view en, std::string_view ja) {
    ++step_;
    fmt::print(ctx_.out, "\n\x1b[1m== {}. {}\x1b[0m\n", step_, ja_ ? ja : en);
    std::fflush(ctx_.out);
  }
  Result<ingest::IngestCounts> Ingest(
      const std::vector<std::string>& inputs, bool show_issues,
      std::optional<stix::Tlp> default_tlp = std::nullopt);
  Status ShowAccess();
  void PrintCounts(const ingest::IngestCounts& c);
  Status SimulateAndIngest(const std::string& name);

  Context& ctx_;
  DemoOptions opt_;
  bool ja_;
  int step_ = 0;
  std::unique_ptr<store::Store> store_;
  access::Principal local_;  // the CERT's operator: every read is as them
  std::vector<std::string> outputs_;
  int64_t sim_objects_ = 0;
  size_t sim_partners_ = 0;
  std::vector<std::string> findings_;
};

Result<ingest::IngestCounts> Demo::Ingest(
    const std::vector<std::string>& inputs, bool show_issues,
    std::optional<stix::Tlp> default_tlp) {
  ASSIGN_OR_RETURN(InputFiles files, ExpandInputs(*ctx_.env, inputs));
  ingest::IngestOptions io;
  io.reader.max_object_bytes = ctx_.config.max_object_bytes;
  io.reader.max_depth = ctx_.config.max_depth;
  io.batch_size = ctx_.config.batch_size;
  io.share.owner_org = local_.org.id;
  io.share.default_tlp = default_tlp;
  ingest::Ingester ingester(*ctx_.env, *store_, io);
  IssuePrinter printer(ctx_, false, 20);
  ingest::IngestCallbacks cb;
  cb.on_report = [&](const ingest::Report& r) {
    if (show_issues) printer.Print(r.where, r.issues);
  };
  std::fflush(ctx_.out);
  auto counts = ingester.Ingest(files.paths, cb);
  std::fflush(ctx_.err);
  return counts;
}

void Demo::PrintCounts(const ingest::IngestCounts& c) {
  fmt::print(ctx_.out,
             fmt::runtime(ja_ ? "  {} ファイル、{} オブジェクト: 新規 "
                                "{}、新しい版 {}、変更なし {}、拒否 {}\n"
                              : "  {} files, {} objects: {} new, {} new "
                                "versions, {} unchanged, {} rejected\n"),
             c.files, c.objects, c.new_objects, c.new_versions, c.unchanged,
             c.rejected);
}

Status Demo::SimulateAndIngest(const std::string& name) {
  std::string dir = ScenarioDir(ctx_, opt_.scenarios);
  ASSIGN_OR_RETURN(sim::Scenario sc, sim::FindScenario(*ctx_.env, dir, name));
  Step(fmt::format("Simulate '{}' (seed {}, demo size): {}", sc.name, opt_.seed,
                   sc.title),
       fmt::format("シナリオ「{}」を生成（シード {}、デモ規模）: {}", sc.name,
                   opt_.seed, sc.title_ja));
  fmt::print(ctx_.out, "  {}\n", ja_ ? sc.summary_ja : sc.summary);
  std::string out = opt_.out + "/" + sc.name;
  std::error_code ec;
  std::filesystem::remove_all(out, ec);
  auto out_dir = sim::NewPosixOutputDir(out);
  sim::RunOptions ro;
  ro.seed = opt_.seed;
  Timestamp t0 = ctx_.clock->Now();
  ASSIGN_OR_RETURN(sim::RunSummary s, sim::RunScenario(sc, *out_dir, ro));
  double secs = static_cast<double>(ctx_.clock->Now().micros - t0.micros) / 1e6;
  PrintSimFiles(ctx_, s, out, secs);
  fmt::print(ctx_.out,
             fmt::runtime(ja_ ? "  正解データ（{}/ground_truth.json）:\n"
                              : "  Ground truth ({}/ground_truth.json):\n"),
             out);
  PrintSimTruth(ctx_, sc, s, "    ");
  outputs_.push_back(out);

  fmt::print(
      ctx_.out,
      fmt::runtime(ja_ ? "  パートナー {} 組織の STIX バンドルを取り込み:\n"
                       : "  Ingest the {} partners' STIX bundles:\n"),
      sc.partners.size());
  ASSIGN_OR_RETURN(ingest::IngestCounts c, Ingest({out + "/stix"}, true));
  PrintCounts(c);
  sim_objects_ += c.objects;
  sim_partners_ += sc.partners.size();
  if (s.infected_hosts > 0) {
    findings_.push_back(
        ja_ ? fmt::format(
                  "{}: 感染ホスト {} 台、{} 組織（最初は {}）、暗号化 {} 台",
                  sc.name, s.infected_hosts, s.orgs_hit.size(), s.patient_zero,
                  s.encrypted_hosts)
            : fmt::format("{}: {} hosts infected in {} organisations (first "
                          "{}), {} encrypted",
                          sc.name, s.infected_hosts, s.orgs_hit.size(),
                          s.patient_zero, s.encrypted_hosts));
  }
  if (s.surge_start) {
    findings_.push_back(
        ja_ ? fmt::format(
                  "{}: {} から 23/TCP の探索が約 {:.0f} 倍、感染IoT機器 {} 台",
                  sc.name, FormatTimestamp(*s.surge_start, 0), s.surge_factor,
                  s.infected_devices)
            : fmt::format("{}: 23/TCP scanning up about x{:.0f} from {}, {} "
                          "IoT devices infected",
                          sc.name, s.surge_factor,
                          FormatTimestamp(*s.surge_start, 0),
                          s.infected_devices));
  }
  return Status::Ok();
}

// Members join, one shares an incident with its sector, and each reader
// sees exactly what was shared with them: the access policy at work.
Status Demo::ShowAccess() {
  Step(
      "Share: a power company reports an incident to its sector; who sees "
      "what",
      "共有: 電力会社がインシデントを同じ分野へ共有。誰に何が見えるか");
  store::Directory& dir = store_->directory();
  struct Member {
    const char* org;
    const char* sector;
    const char* user;
  };
  const Member members[] = {
      {"Kanto Electric (demo)", "electric-power",
       "sato@kanto-electric.example"},
      {"Tohoku Power (demo)", "electric-power", "ito@tohoku-power.example"},
      {"Chubu Gas (demo)", "gas", "suzuki@chubu-gas.example"},
  };
  std::vector<access::Principal> readers;
  for (const Member& m : members) {
    access::Org org;
    org.name = m.org;
    org.type = access::OrgType::kCriticalInfrastructure;
    org.sectors = {m.sector};
    ASSIGN_OR_RETURN(access::Org added, dir.AddOrg(org));
    access::User user;
    user.name = m.user;
    user.org_id = added.id;
    user.role = access::Role::kMember;
    ASSIGN_OR_RETURN(access::User u, dir.AddUser(user));
    ASSIGN_OR_RETURN(auto who, dir.FindPrincipal(u.name));
    readers.push_back(std::move(*who));
    ctx_.Audit(dir, local_, "admin", std::string("org add ") + m.org, "ok");
  }
  // Kanto Electric shares: TLP:AMBER to the electric-power sector (the
  // national CERT receives it too); one note in it is TLP:AMBER+STRICT.
  ASSIGN_OR_RETURN(
      InputFiles files,
      ExpandInputs(*ctx_.env,
                   {"scripts/demo-data/kanto-electric-incident.json"}));
  ingest::IngestOptions io;
  io.share.owner_org = readers[0].org.id;
  io.share.default_tlp = stix::Tlp::kAmber;
  io.share.distribution.sectors = {"electric-power"};
  io.share.distribution.orgs = {local_.org.id};
  ingest::Ingester ingester(*ctx_.env, *store_, io);
  ASSIGN_OR_RETURN(ingest::IngestCounts c, ingester.Ingest(files.paths, {}));
  ctx_.Audit(dir, readers[0], "write", "ingest kanto-electric-incident.json",
             fmt::format("ok {} new", c.new_objects));
  fmt::print(ctx_.out,
             fmt::runtime(ja_ ? "  {} が {} 件を TLP:AMBER で electric-power "
                                "分野へ共有（うち 1 件は TLP:AMBER+STRICT）\n"
                              : "  {} shared {} objects TLP:AMBER with sector "
                                "electric-power (one of them "
                                "TLP:AMBER+STRICT)\n"),
             readers[0].user.name, c.new_objects);
  const char* ids[] = {"indicator--e2ee4d0d-b6d5-4eda-ac76-db83d94b9ce9",
                       "report--70a50099-f525-40f2-a83b-4cab13e29ed7",
                       "note--908db807-6a13-4c55-80c6-d8cb50dc8a77"};
  fmt::print(ctx_.out, "  {:<34} {:>8} {:>9} {:>9} {:>9}\n", "", "objects",
             "indicator", "report", "note");
  auto row = [&](std::string_view name, const store::Reader& reader) -> Status {
    ASSIGN_OR_RETURN(store::StoreStats st, store_->Stats(reader));
    std::string cells;
    for (const char* id : ids) {
      ASSIGN_OR_RETURN(auto o, store_->Get(reader, id));
      cells += fmt::format(" {:>9}", o ? (ja_ ? "見える" : "sees") : "-");
    }
    fmt::print(ctx_.out, "  {:<34} {:>8}{}\n", name, st.objects, cells);
    return Status::Ok();
  };
  RETURN_IF_ERROR(row("national CERT (local)", store::Reader::As(local_)));
  for (const auto& r : readers) {
    RETURN_IF_ERROR(row(r.user.name, store::Reader::As(r)));
  }
  RETURN_IF_ERROR(row(ja_ ? "認証なし（公開）" : "the public (no token)",
                      store::Reader::Public()));
  access::AuditVerifier verifier;
  RETURN_IF_ERROR(dir.ScanAudit({}, [&](const access::AuditEntry& e) {
    verifier.Add(e);
    return true;
  }));
  fmt::print(ctx_.out,
             fmt::runtime(ja_ ? "  監査ログ: {} 件、ハッシュ連鎖は{}\n"
                              : "  audit log: {} entries, hash chain {}\n"),
             verifier.verdict().entries,
             verifier.verdict().ok ? (ja_ ? "正常" : "intact")
                                   : (ja_ ? "破損" : "BROKEN"));
  return Status::Ok();
}

int Demo::Run() {
  std::string db = ctx_.db_path.empty() ? opt_.out + "/ncert.db" : ctx_.db_path;
  std::error_code ec;
  std::filesystem::create_directories(opt_.out, ec);
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(db + suffix, ec);
  ctx_.db_path = db;
  auto store = ctx_.OpenStore();
  if (!store.ok()) return ctx_.Fail(store.status());
  store_ = std::move(*store);
  auto local = ctx_.Caller(store_->directory());
  if (!local.ok()) return ctx_.Fail(local.status());
  local_ = std::move(*local);
  fmt::print(
      ctx_.out,
      fmt::runtime(
          ja_ ? "ncert デモ: 新しい知識ストア {}、出力先 {}/\n"
              : "ncert demo: a fresh knowledge store {}, outputs in {}/\n"),
      db, opt_.out);
  const std::string feed = "scripts/demo-data/partner-feed-with-errors.json";
  const std::string examples = opt_.data + "/stix/examples";
  const std::string attack = opt_.data + "/attack";

  Step(
      "Validate a partner's feed that has mistakes (each named file:pointer: "
      "rule)",
      "誤りを含むパートナーのフィードを検証（誤りごとに ファイル:ポインタ: "
      "規則）");
  {
    stix::StixReader reader(*ctx_.env, stix::ReaderOptions{});
    IssuePrinter printer(ctx_, false, 20);
    std::fflush(ctx_.out);
    Status s = reader.ReadFile(
        feed, [&](stix::ReadUnit&& u) { printer.Print(u.where, u.issues); });
    std::fflush(ctx_.err);
    if (!s.ok()) return ctx_.Fail(s);
    fmt::print(
        ctx_.out,
        fmt::runtime(
            ja_ ? "  有効 {} 件、不正 {} 件（不正な入力は終了コード 2）\n"
                : "  {} valid, {} invalid (invalid input exits with 2)\n"),
        reader.stats().valid, reader.stats().rejected);
  }

  Step("Ingest the OASIS STIX 2.1 examples and MITRE ATT&CK for ICS",
       "OASIS の STIX 2.1 例と MITRE ATT&CK for ICS を取り込み");
  // Public knowledge: TLP:CLEAR where it carries no TLP marking.
  auto c = Ingest({examples, attack}, false, stix::Tlp::kClear);
  if (!c.ok()) return ctx_.Fail(c.status());
  PrintCounts(*c);

  Step(
      "Ingest the partner feed: its valid objects are stored, the broken ones "
      "rejected",
      "パートナーのフィードを取り込み: 有効なものは保存、壊れたものは拒否");
  c = Ingest({feed}, false);
  if (!c.ok()) return ctx_.Fail(c.status());
  PrintCounts(*c);

  Step("Ingest everything again: nothing changes",
       "すべてをもう一度取り込み: 何も変わらない");
  c = Ingest({examples, attack}, false, stix::Tlp::kClear);
  if (!c.ok()) return ctx_.Fail(c.status());
  PrintCounts(*c);

  for (const char* name : {"supply-chain", "iot-surge"}) {
    Status s = SimulateAndIngest(name);
    if (!s.ok()) return ctx_.Fail(s);
  }

  Step("What the store holds", "ストアの内容");
  auto stats = store_->Stats(store::Reader::As(local_));
  if (!stats.ok()) return ctx_.Fail(stats.status());
  fmt::print(ctx_.out,
             fmt::runtime(ja_ ? "  オブジェクト {} 件（版 {} 件）\n"
                              : "  {} objects ({} versions)\n"),
             stats->objects, stats->versions);
  for (const auto& [type, n] : stats->latest_by_type)
    fmt::print(ctx_.out, "    {:<28} {:>6}\n", type, n);

  if (Status st = ShowAccess(); !st.ok()) return ctx_.Fail(st);

  Step("Query: threat actors and intrusion sets",
       "検索: 脅威アクターと侵入セット");
  store::Query q;
  q.types = {"threat-actor", "intrusion-set"};
  q.limit = 10;
  Status s = store_->Scan(
      store::Reader::As(local_), q, [&](const store::StoredObject& o) {
        std::string name;
        size_t p = o.json.find("\"name\":\"");
        if (p != std::string::npos)
          name = o.json.substr(p + 8, o.json.find('"', p + 8) - p - 8);
        fmt::print(ctx_.out, "  {:<14} {}  {}\n", o.type, o.id, name);
        return true;
      });
  if (!s.ok()) return ctx_.Fail(s);

  Step("One object with its versions", "ひとつのオブジェクトとその版");
  auto versions =
      store_->Versions(store::Reader::As(local_),
                       "indicator--ea0e65a0-2568-4247-ab20-c756959ee1b7");
  if (!versions.ok()) return ctx_.Fail(versions.status());
  for (const auto& v : *versions) {
    fmt::print(ctx_.out, "  {} {}{}\n", v.id, v.modified,
               v.latest ? "  (latest)" : "");
  }

  Step("Publish: export the indicators as one STIX 2.1 bundle and validate it",
       "公開: 指標を STIX 2.1 バンドルとして書き出し、検証");
  std::string bundle = "{\"id\":\"" + NewStixId("bundle") + "\",\"objects\":[";
  int64_t n = 0;
  store::Query qi;
  qi.types = {"indicator"};
  s = store_->Scan(store::Reader::As(local_), qi,
                   [&](const store::StoredObject& o) {
                     bundle += n++ ? ",\n" : "\n";
                     bundle += o.json;
                     return true;
                   });
  if (!s.ok()) return ctx_.Fail(s);
  bundle += "\n],\"type\":\"bundle\"}\n";
  std::string export_path = opt_.out + "/indicators.json";
  s = ctx_.env->WriteFile(export_path, bundle);
  if (!s.ok()) return ctx_.Fail(s);
  stix::StixReader reader(*ctx_.env, stix::ReaderOptions{});
  s = reader.ReadFile(export_path, [](stix::ReadUnit&&) {});
  if (!s.ok()) return ctx_.Fail(s);
  fmt::print(
      ctx_.out,
      fmt::runtime(ja_ ? "  {}: 指標 {} 件、検証で不正 {} 件\n"
                       : "  {}: {} indicators, {} invalid on validation\n"),
      export_path, n, reader.stats().rejected);

  Step("Detect: check STIX patterns and match one against observed-data",
       "検知: STIX パターンを検査し、観測データと照合");
  {
    // A valid indicator pattern, a broken one (named by column), and a
    // three-observation pattern matched against a small observed-data bundle.
    const std::string good =
        "[ipv4-addr:value ISSUBSET '203.0.113.0/24'] FOLLOWEDBY "
        "[file:name LIKE '%.exe']";
    const std::string broken = "[file:size = ]";
    for (const std::string& text : {good, broken}) {
      pattern::CompileResult r = pattern::Compile(text);
      fmt::print(ctx_.out, "  $ ncert pattern check \"{}\"\n    {}\n", text,
                 r.ok() ? "valid (exit 0)"
                        : "invalid (exit 2): " + r.first_error()->ToString());
    }
    const std::string observed = "scripts/demo-data/observed-data-c2.json";
    const std::string c2 =
        "([domain-name:value = 'update.example-cdn.net'] AND "
        "[network-traffic:dst_ref.value ISSUBSET '203.0.113.0/24'] AND "
        "[file:hashes.'SHA-256' = "
        "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']) "
        "WITHIN 300 SECONDS";
    std::vector<std::string> errors;
    auto data = ctx_.env->ReadFile(observed);
    if (!data.ok()) return ctx_.Fail(data.status());
    auto observations =
        pattern::LoadObservationsFromBuffer(observed, *data, &errors);
    pattern::CompileResult r = pattern::Compile(c2);
    if (!r.ok()) {
      return ctx_.Fail(Status::Internal(r.first_error()->ToString()));
    }
    pattern::MatchResult m = r.pattern->Match(observations);
    fmt::print(ctx_.out,
               "  $ ncert pattern match \"{}\" {}\n    {} ({} observations)\n",
               c2, observed, m.matched() ? "match" : "no match",
               observations.size());
    if (m.matched()) {
      for (const pattern::BoundObservation& b : m.bindings[0]) {
        fmt::print(ctx_.out, "      {} <- {}\n",
                   r.pattern->expressions()[static_cast<size_t>(b.expression)],
                   observations[b.observation].id);
      }
    }
  }

  Step("For the analyst", "分析担当者向けのまとめ");
  fmt::print(
      ctx_.out,
      fmt::runtime(ja_ ? "  収集: 公開データと {} 組織のパートナーからの "
                         "STIX、模擬センサー・ログ（{}）\n"
                       : "  Collected: public STIX and {} simulated partners' "
                         "bundles; sensor and log files in {}\n"),
      sim_partners_, fmt::join(outputs_, ", "));
  fmt::print(ctx_.out,
             fmt::runtime(ja_ ? "  発見（正解データ。検知の段階は今後追加）:\n"
                              : "  Found (ground truth; the detection stages "
                                "are yet to come):\n"));
  for (const auto& f : findings_) fmt::print(ctx_.out, "    - {}\n", f);
  fmt::print(
      ctx_.out,
      fmt::runtime(ja_ ? "  調整: インシデント・被害報告は {}/*/reports/ "
                         "にある（事案管理は今後追加）\n"
                       : "  Coordinated: incident and damage reports are in "
                         "{}/*/reports/ (case handling is yet to come)\n"),
      opt_.out);
  fmt::print(
      ctx_.out,
      fmt::runtime(
          ja_ ? "  公開: {}（指標 {} 件の STIX 2.1 バンドル）\n"
              : "  Published: {} (a STIX 2.1 bundle of {} indicators)\n"),
      export_path, n);
  fmt::print(ctx_.out,
             fmt::runtime(ja_ ? "\nストアは {}。次は: build/ncert --help\n"
                              : "\nThe store is {}. Try: build/ncert --help\n"),
             db);
  return kExitOk;
}

}  // namespace

void AddDemoCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Show what ncert does in one run: a fresh store, real public data, and "
      "the "
      "supply-chain and IoT-surge scenarios simulated into demo-out/");
  cmd->add_option("--data", opt->data, "the public corpora folder")
      ->capture_default_str();
  cmd->add_option("--out", opt->out,
                  "output folder (the store too, unless --db)")
      ->capture_default_str();
  cmd->add_option("--scenarios", opt->scenarios, "folder of scenario files");
  cmd->add_option("--seed", opt->seed, "simulation seed")
      ->capture_default_str();
  cmd->callback([&ctx, opt, exit_code] { *exit_code = Demo(ctx, *opt).Run(); });
}

}  // namespace ncert::cli
