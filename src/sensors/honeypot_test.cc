#include "sensors/honeypot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "sensors/alert_stix.h"
#include "sensors/honeypot_ndjson.h"
#include "sensors/series_store.h"

// The tests build events with designated initializers naming only the
// fields each event has; the rest are meant to be empty.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ncert::sensors {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kT0 = 1645671600LL * 1000000;  // 2022-02-24T03:00:00Z
constexpr int64_t kSec = 1000000;

// A sink that keeps what it is given.
class MemSink : public SeriesSink {
 public:
  Status Append(const SeriesKey& key, Resolution r,
                std::span<const Point> points) override {
    auto& v = series[{key, r}];
    for (const Point& p : points) v[p.bucket.micros] = p.value;
    return Status::Ok();
  }
  std::map<std::pair<SeriesKey, Resolution>, std::map<int64_t, double>> series;
};

struct Ev {
  std::string kind, sensor = "cowrie-01", session, ip, user, password, command,
                    url, sha256, hassh, version;
  int64_t at = 0;  // seconds after kT0
  bool no_time = false;
};

// The event's views point into `e`: use it while `e` lives.
telemetry::Event Make(const Ev& e) {
  telemetry::Event t;
  t.kind = e.kind;
  if (!e.no_time) t.time = Timestamp{kT0 + e.at * kSec};
  t.sensor = e.sensor;
  t.session = e.session;
  t.src_ip = ParseIp(e.ip);
  t.user = e.user;
  t.password = e.password;
  t.command_line = e.command;
  t.url = e.url;
  t.sha256 = e.sha256;
  t.hassh = e.hassh;
  t.user_agent = e.version;
  return t;
}

const std::string kSha(64, 'a');

TEST(MiraiTest, TheShippedListHas62Pairs) {
  MiraiCredentials m = MiraiCredentials::Default();
  EXPECT_EQ(m.entries(), 62u);
  EXPECT_EQ(m.distinct(), 61u);  // "guest 12345" is listed twice
  EXPECT_TRUE(m.Contains("root", "xc3511"));
  EXPECT_TRUE(m.Contains("root", ""));
  EXPECT_TRUE(m.Contains("Administrator", "meinsm"));
  EXPECT_TRUE(m.Contains("admin", "4321"));
  EXPECT_TRUE(m.Contains("mother", "fucker"));
  EXPECT_FALSE(m.Contains("root", "xc3512"));
  EXPECT_FALSE(m.Contains("pi", "raspberry"));
  EXPECT_FALSE(MiraiCredentials::Parse("root\n").ok());
  EXPECT_FALSE(MiraiCredentials::Parse("root\tx\n").ok());
}

TEST(HoneypotTest, RebuildsSessionsInAnyOrder) {
  HoneypotAnalyzer a(MiraiCredentials::Default());
  // Session s1, events shuffled: close first, connect last.
  a.Add(Make({.kind = "cowrie.session.closed",
              .session = "s1",
              .ip = "192.0.2.1",
              .at = 50}));
  a.Add(Make({.kind = "cowrie.login.failed",
              .session = "s1",
              .ip = "192.0.2.1",
              .user = "root",
              .password = "xc3511",
              .at = 10}));
  a.Add(Make({.kind = "cowrie.login.success",
              .session = "s1",
              .ip = "192.0.2.1",
              .user = "root",
              .password = "vizxv",
              .at = 11}));
  a.Add(Make({.kind = "cowrie.command.input",
              .session = "s1",
              .ip = "192.0.2.1",
              .command = "uname -a",
              .at = 12}));
  a.Add(Make({.kind = "cowrie.session.file_download",
              .session = "s1",
              .ip = "192.0.2.1",
              .url = "http://198.51.100.7/x",
              .sha256 = kSha,
              .at = 13}));
  a.Add(Make({.kind = "cowrie.session.connect",
              .session = "s1",
              .ip = "192.0.2.1",
              .at = 0}));
  // Session s2 never closes; s3 has no connect.
  a.Add(Make({.kind = "cowrie.session.connect",
              .session = "s2",
              .ip = "192.0.2.2",
              .at = 400}));
  a.Add(Make({.kind = "cowrie.login.failed",
              .session = "s2",
              .ip = "192.0.2.2",
              .user = "admin",
              .password = "admin",
              .at = 401}));
  a.Add(Make({.kind = "cowrie.login.failed",
              .session = "s3",
              .ip = "192.0.2.3",
              .user = "pi",
              .password = "raspberry",
              .at = 402}));
  HoneypotReport r = a.Report();
  EXPECT_EQ(r.events, 9);
  EXPECT_EQ(r.analysed, 9);
  EXPECT_EQ(r.sessions, 3);
  EXPECT_EQ(r.sessions_without_close, 2);
  EXPECT_EQ(r.sessions_without_connect, 1);
  EXPECT_EQ(r.login_attempts, 4);
  EXPECT_EQ(r.login_successes, 1);
  EXPECT_EQ(r.mirai_attempts, 3);  // root/xc3511, root/vizxv, admin/admin
  ASSERT_EQ(r.attackers.size(), 3u);
  EXPECT_EQ(r.attackers[0].ip, "192.0.2.1");
  EXPECT_EQ(r.attackers[0].behaviour, Behaviour::kSuccessDownload);
  EXPECT_EQ(r.attackers[1].behaviour, Behaviour::kLoginAttempts);
  ASSERT_EQ(r.downloads.size(), 1u);
  EXPECT_EQ(r.downloads[0].url, "http://198.51.100.7/x");
  EXPECT_EQ(r.downloads[0].sha256, kSha);
}

TEST(HoneypotTest, CountsUnknownKindsAndMissingFieldsAndGoesOn) {
  HoneypotAnalyzer a(MiraiCredentials::Default());
  a.Add(Make({.kind = "cowrie.session.file_download.failed",
              .session = "s",
              .ip = "192.0.2.1"}));
  a.Add(Make({.kind = "cowrie.session.file_download.failed",
              .session = "s",
              .ip = "192.0.2.1"}));
  a.Add(Make({.kind = "cowrie.login.failed",
              .session = "s",
              .ip = "192.0.2.1",
              .password = "x"}));
  a.Add(Make(
      {.kind = "cowrie.session.connect", .session = "", .ip = "192.0.2.1"}));
  a.Add(Make(
      {.kind = "cowrie.session.connect", .session = "s", .ip = "not-an-ip"}));
  a.Add(Make({.kind = "cowrie.session.connect",
              .session = "s",
              .ip = "192.0.2.1",
              .no_time = true}));
  a.Add(Make({.kind = "cowrie.session.file_upload",
              .session = "s",
              .ip = "192.0.2.1",
              .sha256 = "xyz"}));
  a.Add(Make(
      {.kind = "cowrie.session.connect", .session = "s", .ip = "192.0.2.1"}));
  HoneypotReport r = a.Report();
  EXPECT_EQ(r.events, 8);
  EXPECT_EQ(r.analysed, 1);
  EXPECT_EQ(r.unknown_kinds.at("cowrie.session.file_download.failed"), 2);
  EXPECT_EQ(r.missing_fields.at("cowrie.login.failed: user"), 1);
  EXPECT_EQ(r.missing_fields.at("cowrie.session.connect: session"), 1);
  EXPECT_EQ(r.missing_fields.at("cowrie.session.connect: src_ip"), 1);
  EXPECT_EQ(r.missing_fields.at("cowrie.session.connect: time"), 1);
  EXPECT_EQ(r.missing_fields.at("cowrie.session.file_upload: sha256"), 1);
  EXPECT_EQ(r.problems.size(), 7u);
  EXPECT_EQ(r.problems[0].rule, "unknown-eventid");
  EXPECT_EQ(r.sessions, 1);
}

TEST(HoneypotTest, WritesExactSeriesAtEveryResolution) {
  HoneypotAnalyzer a(MiraiCredentials::Default());
  // Two sources in the first 5 minutes, the same two again 10 minutes later.
  for (int rep = 0; rep < 2; ++rep) {
    for (int i = 0; i < 2; ++i) {
      std::string ses = "s" + std::to_string(rep * 2 + i);
      std::string ip = "192.0.2." + std::to_string(i + 1);
      a.Add(Make({.kind = "cowrie.session.connect",
                  .session = ses,
                  .ip = ip,
                  .at = rep * 600}));
      a.Add(Make({.kind = "cowrie.login.failed",
                  .session = ses,
                  .ip = ip,
                  .user = "root",
                  .password = "root",
                  .at = rep * 600 + 1}));
    }
  }
  MemSink sink;
  ASSERT_TRUE(a.WriteSeries(sink).ok());
  auto get = [&](std::string_view metric, Resolution r) {
    return sink.series[{{"cowrie-01", std::string(metric), ""}, r}];
  };
  auto m5 = get("unique_sources", Resolution::k5m);
  ASSERT_EQ(m5.size(), 2u);
  EXPECT_EQ(m5[kT0], 2);
  EXPECT_EQ(m5[kT0 + 600 * kSec], 2);
  // Distinct per hour, not the sum of the 5-minute buckets.
  EXPECT_EQ(get("unique_sources", Resolution::k1h)[kT0], 2);
  EXPECT_EQ(get("sessions", Resolution::k1h)[kT0], 4);
  EXPECT_EQ(get("login_attempts", Resolution::k5m)[kT0 + 600 * kSec], 2);
  int64_t day = BucketStart({kT0}, Resolution::k1d).micros;
  EXPECT_EQ(get("sessions", Resolution::k1d)[day], 4);
  // Re-writing into a real store gives the same rows.
  auto st = SeriesStore::Open(":memory:");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(a.WriteSeries(**st).ok());
  int64_t rows = *(*st)->PointCount();
  ASSERT_TRUE(a.WriteSeries(**st).ok());
  EXPECT_EQ(*(*st)->PointCount(), rows);
  EXPECT_EQ(rows, 3 * (2 + 1 + 1));
}

TEST(HoneypotTest, KnowledgeIndicatorsSightingsAndConfidence) {
  HoneypotAnalyzer a(MiraiCredentials::Default());
  a.Add(Make(
      {.kind = "cowrie.session.connect", .session = "s1", .ip = "192.0.2.1"}));
  a.Add(Make({.kind = "cowrie.login.success",
              .session = "s1",
              .ip = "192.0.2.1",
              .user = "root",
              .password = "root",
              .at = 1}));
  a.Add(Make({.kind = "cowrie.session.file_download",
              .session = "s1",
              .ip = "192.0.2.1",
              .url = "http://198.51.100.7/it's",
              .sha256 = std::string(64, 'B'),
              .at = 2}));
  a.Add(Make({.kind = "cowrie.session.connect",
              .sensor = "cowrie-02",
              .session = "s9",
              .ip = "192.0.2.1",
              .at = 100}));
  a.Add(Make({.kind = "cowrie.session.connect",
              .session = "s2",
              .ip = "2001:db8::1",
              .at = 3}));  // scanner
  a.Add(Make({.kind = "cowrie.session.connect",
              .session = "s3",
              .ip = "192.0.2.3",
              .at = 4}));
  a.Add(Make({.kind = "cowrie.command.input",
              .session = "s3",
              .ip = "192.0.2.3",
              .command = "ls",
              .at = 5}));
  auto k = a.Knowledge(HoneypotKnowledgeOptions{});
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  std::map<std::string, int> types;
  std::vector<std::string> patterns;
  for (const auto& o : *k) {
    ++types[o.type];
    EXPECT_THAT(o.json, HasSubstr("marking-definition--55d920b0"));  // AMBER
  }
  EXPECT_EQ(types["identity"], 2);
  EXPECT_EQ(types["indicator"], 4);  // URL, hash, 2 attackers (no scanner)
  EXPECT_EQ(types["sighting"], 5);   // attacker 192.0.2.1 on both sensors
  std::string all;
  for (const auto& o : *k) all += o.json + "\n";
  EXPECT_THAT(all, HasSubstr(R"([url:value = 'http://198.51.100.7/it\\'s'])"));
  EXPECT_THAT(all, HasSubstr("[file:hashes.'SHA-256' = '" +
                             std::string(64, 'b') + "']"));
  EXPECT_THAT(all, HasSubstr("[ipv4-addr:value = '192.0.2.1']"));
  EXPECT_THAT(all, HasSubstr("\"confidence\":90"));
  EXPECT_THAT(all, HasSubstr("\"confidence\":70"));
  EXPECT_THAT(all, Not(HasSubstr("2001:db8::1")));
  EXPECT_THAT(all, HasSubstr(SensorIdentityId("cowrie-02")));
  // Deterministic.
  auto again = a.Knowledge(HoneypotKnowledgeOptions{});
  ASSERT_EQ(again->size(), k->size());
  for (size_t i = 0; i < k->size(); ++i)
    EXPECT_EQ((*again)[i].json, (*k)[i].json);
  // With the scanner included.
  HoneypotKnowledgeOptions o;
  o.min_attacker_confidence = 0;
  auto with_scanner = a.Knowledge(o);
  ASSERT_TRUE(with_scanner.ok());
  std::string all2;
  for (const auto& obj : *with_scanner) all2 += obj.json;
  EXPECT_THAT(all2, HasSubstr("[ipv6-addr:value = '2001:db8::1']"));
  EXPECT_THAT(all2, HasSubstr("\"confidence\":15"));
}

TEST(HoneypotTest, HostileValuesAreLeftOutNotFatal) {
  HoneypotAnalyzer a(MiraiCredentials::Default());
  a.Add(Make(
      {.kind = "cowrie.session.connect", .session = "s", .ip = "192.0.2.1"}));
  a.Add(Make({.kind = "cowrie.session.file_download",
              .session = "s",
              .ip = "192.0.2.1",
              .url = "http://x/\xff",
              .at = 1}));
  a.Add(Make({.kind = "cowrie.session.file_download",
              .session = "s",
              .ip = "192.0.2.1",
              .url = "http://ok/",
              .at = 2}));
  Ev before_1970{
      .kind = "cowrie.session.connect", .session = "t", .ip = "192.0.2.2"};
  telemetry::Event old = Make(before_1970);  // views into before_1970
  old.time = Timestamp{-1};
  a.Add(old);
  EXPECT_EQ(a.Report().missing_fields.at(
                "cowrie.session.connect: time (before 1970 or after 9999)"),
            1);
  std::vector<std::string> left_out;
  auto k = a.Knowledge(HoneypotKnowledgeOptions{}, &left_out);
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  ASSERT_EQ(left_out.size(), 1u);
  EXPECT_THAT(left_out[0], HasSubstr("url http://x/"));
  std::string all;
  for (const auto& o : *k) all += o.json;
  EXPECT_THAT(all, HasSubstr("http://ok/"));
}

// ---- the NDJSON adapter over the fixtures -----------------------------------

HoneypotReport ReadFixture(const std::string& path, HoneypotAnalyzer& a,
                           std::vector<std::string>* bad) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  HoneypotLineReader reader("dionaea-test");
  std::string line;
  uint64_t n = 0;
  std::vector<telemetry::Event> events;
  while (std::getline(in, line)) {
    ++n;
    std::string rule, message;
    if (!reader.Parse(line, {0, n, 0}, &events, &rule, &message)) {
      bad->push_back(std::to_string(n) + ":" + rule);
      continue;
    }
    for (const auto& e : events) a.Add(e);
  }
  return a.Report();
}

TEST(HoneypotNdjsonTest, CowrieFixture) {
  HoneypotAnalyzer a(MiraiCredentials::Default());
  std::vector<std::string> bad;
  HoneypotReport r = ReadFixture("tests/fixtures/sensors/cowrie.json", a, &bad);
  EXPECT_EQ(bad,
            (std::vector<std::string>{"18:json-invalid", "19:not-an-object"}));
  EXPECT_EQ(r.events, 18);
  EXPECT_EQ(r.sessions, 4);
  EXPECT_EQ(r.unknown_kinds.at("cowrie.session.file_download.failed"), 1);
  EXPECT_EQ(r.missing_fields.at("cowrie.login.failed: user"), 1);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_EQ(r.problems[0].where.line, 9u);
  EXPECT_EQ(r.login_attempts, 5);
  EXPECT_EQ(r.mirai_attempts, 4);
  ASSERT_FALSE(r.credentials.empty());
  EXPECT_EQ(r.credentials[0].user, "admin");
  EXPECT_EQ(r.credentials[0].count, 2);
  EXPECT_TRUE(r.credentials[0].mirai);
  ASSERT_EQ(r.client_versions.size(), 1u);
  EXPECT_EQ(r.client_versions[0].value, "SSH-2.0-Go");
  ASSERT_EQ(r.hasshes.size(), 1u);
  EXPECT_EQ(r.hasshes[0].value, "4e066189c3bbeec38c99b1855113733a");
  ASSERT_EQ(r.downloads.size(), 1u);
  EXPECT_EQ(r.downloads[0].sha256,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_EQ(r.commands.size(), 2u);
  EXPECT_EQ(r.sessions_without_close, 2);  // 0badc0ffee01 and the IPv6 one
  EXPECT_EQ(r.distinct_sources, 4);
}

TEST(HoneypotNdjsonTest, DionaeaFixture) {
  HoneypotAnalyzer a(MiraiCredentials::Default());
  std::vector<std::string> bad;
  HoneypotReport r =
      ReadFixture("tests/fixtures/sensors/dionaea.json", a, &bad);
  EXPECT_TRUE(bad.empty());
  EXPECT_EQ(r.sessions, 4);
  EXPECT_EQ(r.sessions_without_close, 0);
  EXPECT_EQ(r.login_attempts, 3);  // sa/"", sa/123456, root/admin (flattened)
  EXPECT_EQ(r.mirai_attempts, 1);  // root/admin
  ASSERT_EQ(r.commands.size(), 2u);
  EXPECT_EQ(r.commands[0].value, "RETR secret.txt");  // ties: key order
  EXPECT_EQ(r.commands[1].value, "USER anonymous");
  EXPECT_EQ(r.events, r.analysed);
  MemSink sink;
  ASSERT_TRUE(a.WriteSeries(sink).ok());
  SeriesKey sessions{"dionaea-test", "sessions", ""};
  EXPECT_EQ((sink.series[{sessions, Resolution::k1h}][kT0]), 4);
}

TEST(HoneypotNdjsonTest, AddressesAndTimes) {
  EXPECT_EQ(ParseIp("::ffff:192.0.2.1").family, 4);
  EXPECT_EQ(ParseIp("2001:db8::1").family, 6);
  EXPECT_EQ(ParseIp("192.0.2.256").family, 0);
  EXPECT_EQ(ParseIp("").family, 0);
  HoneypotLineReader reader("x");
  std::vector<telemetry::Event> ev;
  std::string rule, msg;
  ASSERT_TRUE(reader.Parse(
      R"({"eventid":"cowrie.session.connect","timestamp":"yesterday"})", {},
      &ev, &rule, &msg));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].time.has_value());
  EXPECT_EQ(ev[0].sensor, "x");
  EXPECT_FALSE(reader.Parse(R"({"hello":1})", {}, &ev, &rule, &msg));
  EXPECT_EQ(rule, "unknown-record");
}

}  // namespace
}  // namespace ncert::sensors
