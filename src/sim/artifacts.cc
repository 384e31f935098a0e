// The end-of-run outputs (IoT survey results, SBOMs, incident and damage
// reports) and the Japanese and English texts of news items and posts.

#include <fmt/format.h>

#include <algorithm>

#include "core/json.h"
#include "sim/output.h"

namespace ncert::sim::internal {
namespace {

constexpr int64_t kHourUs = 3600LL * 1000000;

std::string Replace(
    std::string s,
    const std::vector<std::pair<std::string, std::string>>& vars) {
  for (const auto& [k, v] : vars) {
    for (size_t p = s.find(k); p != std::string::npos;
         p = s.find(k, p + v.size())) {
      s.replace(p, k.size(), v);
    }
  }
  return s;
}

std::string XmlEscape(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

struct Template {
  const char* topic;
  const char* title_ja;
  const char* body_ja;
  const char* title_en;
  const char* body_en;
};

// {org}: an organisation's name, {sector}: its sector, {malware}, {actor},
// {cve}, {hours}: filled in from the world.
constexpr Template kNews[] = {
    {"phishing", "取引先を装う不審メールに注意　県内の部品メーカーで相次ぐ",
     "取引先や過去のメールのやり取りを装い、請求書や見積書に見せかけた添付ファ"
     "イルを開かせる不審メールが、県内の中小部品メーカーで相次いで確認されてい"
     "る。"
     "メールは自然な日本語で書かれ、実在の担当者名や件名が引用されている例もあ"
     "る。添付ファイルを開くとマルウェア「{malware}」に感染するおそれがあり、"
     "関係機関は、マクロを有効にしないこと、不審な点があれば電話などメール以外"
     "の手段で送信元に確認することを呼びかけている。",
     "Suspicious emails posing as business partners hit local parts makers",
     "Emails that pose as invoices and quotes from business partners, "
     "sometimes replying to real past threads, are reaching small parts "
     "suppliers in the region. The Japanese text is fluent and cites real "
     "contact names. Opening the attachment can install the {malware} "
     "malware; authorities advise not to enable macros and to confirm "
     "unexpected mail with the sender by phone."},
    {"plant_stop",
     "{org}、国内全工場の稼働を停止　取引先のシステム障害で部品供給に支障",
     "{org}"
     "は、部品を納入する取引先企業がサイバー攻撃を受けシステム障害が発生した影"
     "響で、国内の全工場の稼働を停止したと発表した。"
     "停止は少なくとも{hours}"
     "時間続く見込みで、生産への影響は数千台規模になる可能性がある。同社は「取"
     "引先と連携して早期の復旧に努める」としている。"
     "同社自身のシステムに被害は確認されていないという。",
     "{org} halts all domestic plants after supplier cyberattack",
     "{org} said it stopped production at all its domestic plants after a "
     "supplier was hit by a cyberattack that disrupted the parts "
     "supply system. The halt is expected to last at least {hours} hours and "
     "may affect output of several thousand vehicles. The company "
     "said its own systems showed no sign of compromise."},
    {"ransomware", "{org}でランサムウェア被害　社内システムが暗号化",
     "{org}"
     "は、社内のサーバーやパソコンがランサムウェアに感染し、ファイルが暗号化さ"
     "れる被害を受けたと明らかにした。"
     "受発注システムが停止しており、外部の専門家と調査を進めている。情報流出の"
     "有無については調査中としている。",
     "Ransomware encrypts systems at {org}",
     "{org} said servers and PCs on its network were encrypted by ransomware, "
     "halting its ordering system. It is investigating with "
     "outside experts whether data was stolen."},
    {"geopolitics",
     "地域情勢の緊迫化を受け、政府がサイバー攻撃への警戒を呼びかけ",
     "近隣地域の情勢緊迫化を受け、政府は重要インフラ事業者などに対し、サイバー"
     "攻撃への警戒を強めるよう注意喚起を行った。"
     "過去の同様の局面では、IoT機器を悪用したDDoS攻撃やウェブサイトの改ざんが増"
     "加したことがあるとしている。",
     "Government urges vigilance against cyberattacks amid regional tensions",
     "As tensions rise in a neighbouring region, the government asked "
     "critical-infrastructure operators to step up vigilance. In similar "
     "situations in the past, DDoS attacks using hijacked IoT devices and "
     "website defacements increased."},
    {"iot",
     "家庭用ルーターや防犯カメラ録画機が乗っ取られる被害拡大　初期パスワードに"
     "注意",
     "インターネットに接続された家庭用ルーターや防犯カメラの録画機（DVR）が、初"
     "期設定のパスワードのまま使われ、マルウェア「{malware}"
     "」に感染する被害が広がっている。"
     "観測網では23番ポート（Telnet）への探索通信が急増しており、プロバイダー各"
     "社は利用者にパスワードの変更とファームウェアの更新を呼びかけている。",
     "Home routers and DVRs hijacked as default passwords are exploited",
     "Home routers and DVRs still using factory passwords are being infected "
     "with the {malware} malware. Sensors see a sharp rise in "
     "scans of port 23 (Telnet); ISPs urge customers to change passwords and "
     "update firmware."},
    {"ddos", "複数のウェブサイトに大規模DDoS攻撃　一時閲覧しにくく",
     "{org}"
     "などのウェブサイトが大量の通信を送りつけるDDoS攻撃を受け、一時閲覧しにく"
     "い状態となった。攻撃にはIoT機器で構成されたボットネットが使われた可能性が"
     "ある。",
     "Large DDoS attack slows several websites",
     "Websites including that of {org} were hard to reach for a time under a "
     "DDoS attack; a botnet of IoT devices may have been used."},
    {"hospital",
     "{org}、ランサムウェア被害で電子カルテ停止　救急受け入れを制限",
     "{org}"
     "は、ランサムウェアによるサイバー攻撃を受け電子カルテシステムが使用できな"
     "くなったと発表した。救急患者の受け入れを制限し、"
     "紙のカルテで診療を続けている。侵入経路はVPN機器の脆弱性（{cve}"
     "）の可能性があるという。",
     "{org} hit by ransomware; electronic records down, emergency intake "
     "limited",
     "{org} said a ransomware attack disabled its electronic medical record "
     "system. It has limited emergency admissions and is "
     "treating patients with paper records. The attackers may have entered "
     "through a VPN appliance vulnerability ({cve})."},
    {"chatter", "春の新生活シーズン、フリーWi-Fi利用時の注意点",
     "新生活シーズンを迎え、外出先でフリーWi-"
     "Fiを使う機会が増えている。専門家は、暗号化されていないネットワークでは個"
     "人情報の入力を避けるよう呼びかけている。",
     "Tips for using free Wi-Fi safely",
     "Experts advise not to enter personal data on unencrypted public "
     "networks."},
};

constexpr Template kPosts[] = {
    {"plant_stop", "",
     "{org}"
     "の工場止まってるってマジか…うちのラインも部品来ないから午後から待機らし"
     "い",
     "",
     "Heard {org} stopped every plant today. Our line is idle this afternoon, "
     "no parts coming in."},
    {"plant_stop", "",
     "取引先がサイバー攻撃受けて{org}"
     "全工場停止って、サプライチェーン攻撃の怖さを実感する",
     "",
     "A supplier gets hit and {org} stops all plants. Supply chain attacks are "
     "real."},
    {"plant_stop", "",
     "ニュース見た。{org}、{hours}時間止まるらしい。下請けは大変だな", "",
     "{org} down for {hours} hours per the news. Tough for the small "
     "suppliers."},
    {"ransomware", "",
     "{org}のシステム、ランサムウェアでやられたっぽい。電話しかつながらない",
     "", "Looks like {org} got ransomware. Only the phone works."},
    {"hospital", "",
     "{org}で電子カルテ止まってて受付が大混乱してた。紙で対応してるみたい", "",
     "Reception at {org} is chaos, the electronic records are down. They're on "
     "paper."},
    {"hospital", "",
     "救急車が{org}"
     "に受け入れ断られて別の病院に行ったらしい。ランサムウェアって怖すぎる",
     "",
     "An ambulance was turned away from {org}. Ransomware in hospitals is "
     "terrifying."},
    {"ddos", "", "{org}のサイト全然つながらない。DDoS?", "",
     "{org}'s site won't load at all. DDoS?"},
    {"ddos", "", "また大規模DDoSか。IoTボットネットの仕業っぽいね", "",
     "Another big DDoS. Smells like an IoT botnet."},
    {"iot", "",
     "うちのルーター、ログ見たら23番にめっちゃアクセス来てる。みんなTelnet閉じ"
     "よう",
     "", "My router's log is full of hits on port 23. Close Telnet, everyone."},
    {"iot", "",
     "ダークネットの観測で{malware}っぽいスキャンが10倍くらいに増えてるらしい",
     "", "Darknet sensors show {malware}-style scanning up about tenfold."},
    {"phishing", "",
     "取引先から「請求書送付のご案内」ってメール来たけど、なんか変。送信元アド"
     "レスが違う",
     "",
     "Got an 'invoice' mail from a supplier but the sender address is off."},
    {"phishing", "",
     "Emotetまた来てるのか…過去のメールに返信する形で来るから本当に見分けにく"
     "い",
     "", "Emotet is back, replying to real old threads. So hard to spot."},
    {"chatter", "", "今日もテレワーク。回線が遅いのは自分だけ？", "",
     "WFH again today. Is it just me or is the connection slow?"},
    {"chatter", "", "新しいPC届いた。セットアップだけで午前中終わりそう", "",
     "New laptop arrived. Setup will eat the whole morning."},
    {"chatter", "",
     "パスワードの定期変更、もうやめていいってガイドラインに書いてあるのに", "",
     "The guidelines say periodic password changes aren't needed anymore, yet "
     "here we are."},
    {"chatter", "", "セキュリティ研修の動画、倍速で見たらテスト落ちた", "",
     "Watched the security training at 2x speed and failed the quiz."},
    {"geopolitics", "", "情勢がきな臭くなってきたし、サイバー攻撃も増えそう",
     "", "With tensions rising, expect more cyberattacks."},
};

std::vector<std::pair<std::string, std::string>> Vars(bool ja,
                                                      const Scenario& sc,
                                                      const World& w,
                                                      const Org* org) {
  std::string org_name = org ? (ja ? org->name_ja : org->name)
                             : (ja ? "複数の組織" : "several organisations");
  std::string hours = "24";
  for (const ActionSpec& a : sc.events) {
    if (a.action == "business_stop")
      hours = fmt::format("{}", a.Number("hours", 24));
  }
  (void)w;
  return {{"{org}", org_name},
          {"{malware}", sc.threat.malware},
          {"{actor}", sc.threat.actor},
          {"{cve}", sc.threat.cve.empty() ? "CVE" : sc.threat.cve},
          {"{hours}", hours}};
}

}  // namespace

bool KnownTopic(std::string_view topic) {
  for (const Template& t : kNews) {
    if (t.topic == topic) return true;
  }
  return false;
}

Text NewsText(std::string_view topic, bool ja, const Scenario& sc,
              const World& w, const Org* org, uint64_t variant) {
  (void)variant;
  auto vars = Vars(ja, sc, w, org);
  for (const Template& t : kNews) {
    if (t.topic == topic) {
      return {Replace(ja ? t.title_ja : t.title_en, vars),
              Replace(ja ? t.body_ja : t.body_en, vars)};
    }
  }
  return {std::string(topic), ""};
}

std::string PostText(std::string_view topic, bool ja, const Scenario& sc,
                     const World& w, const Org* org, uint64_t variant) {
  std::vector<const Template*> match;
  for (const Template& t : kPosts) {
    if (t.topic == topic) match.push_back(&t);
  }
  if (match.empty()) {
    for (const Template& t : kPosts) {
      if (std::string_view(t.topic) == "chatter") match.push_back(&t);
    }
  }
  const Template* t = match[variant % match.size()];
  return Replace(ja ? t->body_ja : t->body_en, Vars(ja, sc, w, org));
}

Status WriteScans(const Scenario& sc, const World& w, const PlayState& st,
                  Rng rng, OutputDir& dir, std::vector<OutputFile>* files) {
  if (w.devices.empty()) return Status::Ok();
  (void)sc;
  // The survey runs an hour before the end of the scenario.
  int64_t t = st.end_us - kHourUs;
  std::vector<uint8_t> bot(w.hosts.size(), 0);
  for (const Bot& b : st.bots) bot[b.host] = 1;
  ASSIGN_OR_RETURN(auto mass, dir.Create("scans/masscan.json"));
  ASSIGN_OR_RETURN(auto nmap, dir.Create("scans/nmap.xml"));
  ASSIGN_OR_RETURN(auto truth, dir.Create("truth/scans.ndjson"));
  std::string m = "[\n", x, tr;
  x += fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
      "<nmaprun scanner=\"nmap\" args=\"nmap -sS -sV -p 23,80,2323,8080,37215 "
      "-oX nmap.xml ISP blocks\" "
      "start=\"{}\" startstr=\"{}\" version=\"7.93\" "
      "xmloutputversion=\"1.05\">\n"
      "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"5\" "
      "services=\"23,80,2323,8080,37215\"/>\n",
      t / 1000000, Rfc3339(t, 0));
  int64_t up = 0, records = 0, found = 0;
  bool first = true;
  for (uint32_t idx : w.devices) {
    const Host& h = w.hosts[idx];
    const OrgSpec* spec = sc.FindOrg(w.orgs[h.org].spec_id);
    double exposed = spec ? spec->exposed : 0.3;
    bool telnet = bot[idx] || rng.Chance(exposed);
    bool web = rng.Chance(0.5);
    if (!telnet && !web) continue;
    ++up;
    int64_t at = t + static_cast<int64_t>(rng.Below(3600)) * 1000000;
    std::string ip = FormatIpv4(h.ip);
    std::vector<std::pair<int, std::string>> ports;
    bool dvr = h.kind == HostKind::kDvr;
    if (telnet)
      ports.push_back(
          {23, dvr ? "dvrdvs login:" : "BusyBox v1.19.4 built-in shell (ash)"});
    if (web)
      ports.push_back(
          {dvr ? 80 : 8080, dvr ? "NETSurveillance WEB" : "micro_httpd"});
    x += fmt::format(
        "<host starttime=\"{}\" endtime=\"{}\"><status state=\"up\" "
        "reason=\"syn-ack\" reason_ttl=\"{}\"/>\n"
        "<address addr=\"{}\" "
        "addrtype=\"ipv4\"/>\n<hostnames></hostnames>\n<ports>",
        at / 1000000, at / 1000000 + 2, 52, ip);
    for (const auto& [port, banner] : ports) {
      if (!first) m += ",\n";
      first = false;
      m += fmt::format(
          "{{   \"ip\": \"{}\",   \"timestamp\": \"{}\", \"ports\": [ "
          "{{\"port\": {}, \"proto\": \"tcp\", "
          "\"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": {}}} ] }}",
          ip, at / 1000000, port, rng.Range(40, 64));
      ++records;
      std::string svc = port == 23 ? "telnet" : "http";
      x += fmt::format(
          "<port protocol=\"tcp\" portid=\"{}\"><state state=\"open\" "
          "reason=\"syn-ack\" reason_ttl=\"52\"/>"
          "<service name=\"{}\" product=\"{}\" devicetype=\"{}\" "
          "method=\"probed\" conf=\"10\"/></port>",
          port, svc, XmlEscape(banner), dvr ? "security-misc" : "router");
    }
    x += "</ports>\n</host>\n";
    tr += Json()
              .Str("ip", ip)
              .Str("device", h.name)
              .Str("isp", w.orgs[h.org].name)
              .Int("asn", w.orgs[h.org].asn)
              .Bool("telnet_open", telnet)
              .Bool("infected", bot[idx] != 0)
              .Done();
    tr += '\n';
    ++found;
    if (m.size() > (1 << 20)) {
      RETURN_IF_ERROR(mass->Append(m));
      m.clear();
    }
    if (x.size() > (1 << 20)) {
      RETURN_IF_ERROR(nmap->Append(x));
      x.clear();
    }
    if (tr.size() > (1 << 20)) {
      RETURN_IF_ERROR(truth->Append(tr));
      tr.clear();
    }
  }
  m += "\n]\n";
  x += fmt::format(
      "<runstats><finished time=\"{}\" timestr=\"{}\" elapsed=\"3600\" "
      "exit=\"success\"/>"
      "<hosts up=\"{}\" down=\"{}\" total=\"{}\"/></runstats>\n</nmaprun>\n",
      t / 1000000 + 3600, Rfc3339(t + kHourUs, 0), up,
      static_cast<int64_t>(w.devices.size()) - up, w.devices.size());
  RETURN_IF_ERROR(mass->Append(m));
  RETURN_IF_ERROR(nmap->Append(x));
  RETURN_IF_ERROR(truth->Append(tr));
  OutputFile fm{"scans/masscan.json", "masscan-json", records, mass->bytes(), 0,
                "truth/scans.ndjson"};
  OutputFile fx{"scans/nmap.xml", "nmap-xml", found,
                nmap->bytes(),    0,          "truth/scans.ndjson"};
  RETURN_IF_ERROR(mass->Close());
  RETURN_IF_ERROR(nmap->Close());
  RETURN_IF_ERROR(truth->Close());
  int64_t infected = 0;
  for (uint8_t b : bot) infected += b;
  fm.malicious = infected;
  fx.malicious = infected;
  files->push_back(fm);
  files->push_back(fx);
  return Status::Ok();
}

Status WriteSboms(const Scenario& sc, const World& w, Rng rng, OutputDir& dir,
                  std::vector<OutputFile>* files,
                  std::vector<std::string>* truth) {
  for (const SbomSpec& s : sc.sboms) {
    auto orgs = w.OrgsOf(s.org);
    if (orgs.empty()) continue;
    const Org& o = w.orgs[orgs[0]];
    std::string product_ref =
        fmt::format("pkg:generic/{}@{}", s.product, s.version);
    Json meta_comp;
    meta_comp.Str("type", "firmware")
        .Str("bom-ref", product_ref)
        .Str("name", s.product)
        .Str("version", s.version)
        .Raw("supplier", Json().Str("name", o.name).Done())
        .Str("purl", product_ref);
    Json meta;
    meta.Str("timestamp", Rfc3339(sc.start.micros, 0))
        .Raw("tools",
             "{\"components\":[{\"type\":\"application\",\"name\":\"ncert-"
             "sim\",\"version\":\"0.1.0\"}]}")
        .Raw("component", meta_comp.Done())
        .Raw("supplier", Json().Str("name", o.name).Done());
    std::string comps = "[", deps_on = "[";
    for (size_t i = 0; i < s.components.size(); ++i) {
      const std::string& purl = s.components[i];
      // pkg:type/namespace/name@version -> name, version
      std::string body = purl.substr(4);
      std::string version;
      size_t at = body.rfind('@');
      if (at != std::string::npos) {
        version = body.substr(at + 1);
        body.resize(at);
      }
      std::string name = body.substr(body.rfind('/') + 1);
      std::string group;
      size_t first_slash = body.find('/'), last_slash = body.rfind('/');
      if (first_slash != last_slash)
        group = body.substr(first_slash + 1, last_slash - first_slash - 1);
      Json c;
      c.Str("type", "library").Str("bom-ref", purl);
      if (!group.empty()) c.Str("group", group);
      c.Str("name", name).Str("version", version).Str("purl", purl);
      if (i) {
        comps += ",";
        deps_on += ",";
      }
      comps += c.Done();
      std::string q;
      AppendJsonString(purl, &q);
      deps_on += q;
    }
    comps += "]";
    deps_on += "]";
    std::string deps = fmt::format(
        "[{}]",
        Json().Str("ref", product_ref).Raw("dependsOn", deps_on).Done());
    Json bom;
    bom.Str("bomFormat", "CycloneDX")
        .Str("specVersion", "1.5")
        .Str("serialNumber", "urn:uuid:" + UuidV4FromBytes(rng.Uuid()))
        .Int("version", 1)
        .Raw("metadata", meta.Done())
        .Raw("components", comps)
        .Raw("dependencies", deps);
    std::string text = bom.Done();
    text += '\n';
    std::string path = fmt::format("sbom/{}-{}.cdx.json",
                                   o.code.empty() ? s.org : o.code, s.product);
    std::transform(path.begin(), path.end(), path.begin(), [](char c) {
      return c == ' ' ? '-'
                      : static_cast<char>(
                            std::tolower(static_cast<unsigned char>(c)));
    });
    RETURN_IF_ERROR(WriteWhole(dir, path, text, "cyclonedx-1.5",
                               static_cast<int64_t>(s.components.size()),
                               files));
    truth->push_back(Json()
                         .Str("path", path)
                         .Str("org", o.name)
                         .Str("product", s.product)
                         .Str("cve", s.cve)
                         .StrList("vulnerable", s.vulnerable)
                         .Done());
    files->back().malicious = static_cast<int64_t>(s.vulnerable.size());
  }
  return Status::Ok();
}

Status WriteReports(const Scenario& sc, const World& w, const PlayState& st,
                    Rng rng, OutputDir& dir, std::vector<OutputFile>* files) {
  if (st.incidents.empty()) return Status::Ok();
  std::string inc = "[\n", dmg = "[\n";
  int64_t n = 0, nd = 0;
  for (const Incident& i : st.incidents) {
    const Org& o = w.orgs[i.org];
    const SectorInfo* sector = FindSector(o.sector);
    std::string id =
        fmt::format("INC-{}-{:04d}", Rfc3339(i.t_us).substr(0, 4), 100 + n);
    int64_t reported =
        i.t_us + static_cast<int64_t>(rng.Range(1, 8)) * kHourUs / 2;
    std::string summary_ja, summary_en;
    if (i.kind == "ransomware") {
      summary_ja = fmt::format(
          "社内のサーバー・PC "
          "{}"
          "台がランサムウェアにより暗号化された。業務システムが停止している。",
          i.hosts);
      summary_en = fmt::format(
          "{} servers and PCs were encrypted by ransomware; business systems "
          "are down.",
          i.hosts);
    } else if (i.kind == "business_stop") {
      summary_ja = fmt::format(
          "取引先のサイバー攻撃による部品供給停止のため、国内{}"
          "工場の稼働を停止した。",
          i.plants);
      summary_en = fmt::format(
          "All {} domestic plants stopped: a supplier's cyberattack cut the "
          "parts supply.",
          i.plants);
    } else if (i.kind == "ddos") {
      summary_ja =
          "公開ウェブサーバーに対するDDoS攻撃により、サービスが断続的に利用でき"
          "なくなった。";
      summary_en =
          "A DDoS attack made the public web servers intermittently "
          "unavailable.";
    } else {
      summary_ja =
          fmt::format("VPN機器の脆弱性（{}）を悪用した不正アクセスを確認した。",
                      sc.threat.cve);
      summary_en = fmt::format(
          "Unauthorised access through a VPN appliance vulnerability ({}).",
          sc.threat.cve);
    }
    Json j;
    j.Str("id", id)
        .Str("reported", Rfc3339(reported, 0))
        .Str("reporter", o.name)
        .Str("reporter_ja", o.name_ja)
        .Str("sector", o.sector)
        .Str("sector_ja", sector ? sector->name_ja : "")
        .Str("kind", i.kind)
        .Str("detected", Rfc3339(i.t_us, 0))
        .Str("status", "ongoing")
        .Str("summary_ja", summary_ja)
        .Str("summary_en", summary_en)
        .Int("hosts_affected", i.hosts)
        .Str("tlp", "TLP:AMBER");
    if (n) inc += ",\n";
    inc += j.Done();
    ++n;
    if (i.kind == "ransomware" || i.kind == "business_stop" ||
        i.kind == "ddos") {
      double hours =
          static_cast<double>(i.end_us - i.t_us) / static_cast<double>(kHourUs);
      int64_t cost = i.kind == "business_stop"
                         ? static_cast<int64_t>(hours) * i.plants * 12000000
                     : i.kind == "ransomware" ? i.hosts * 800000 + 20000000
                                              : 3000000;
      Json d;
      d.Str("incident", id)
          .Str("org", o.name)
          .Str("sector", o.sector)
          .Num("downtime_hours", hours, 1)
          .Int("estimated_loss_jpy", cost)
          .Int("hosts_affected", i.hosts)
          .Int("plants_stopped", i.plants)
          .Bool("personal_data_leak_suspected",
                i.kind == "ransomware" && o.kind == "hospital")
          .Str("service_impact_ja",
               i.kind == "business_stop" ? "国内全工場の生産停止"
               : o.kind == "hospital" ? "電子カルテ停止、救急受け入れ制限"
               : i.kind == "ddos" ? "ウェブサイトの閲覧障害"
                                  : "受発注システム停止")
          .Str("service_impact_en",
               i.kind == "business_stop"
                   ? "production stopped at all domestic plants"
               : o.kind == "hospital"
                   ? "electronic records down, emergency intake limited"
               : i.kind == "ddos" ? "website unavailable"
                                  : "ordering system down");
      if (nd) dmg += ",\n";
      dmg += d.Done();
      ++nd;
    }
  }
  inc += "\n]\n";
  dmg += "\n]\n";
  RETURN_IF_ERROR(WriteWhole(dir, "reports/incidents.json", inc,
                             "incident-reports", n, files));
  if (nd > 0)
    RETURN_IF_ERROR(WriteWhole(dir, "reports/damage.json", dmg,
                               "damage-reports", nd, files));
  return Status::Ok();
}

}  // namespace ncert::sim::internal
