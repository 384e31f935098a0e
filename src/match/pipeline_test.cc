#include "match/pipeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "core/env.h"
#include "core/time.h"

namespace ncert::match {
namespace {

// Suricata EVE lines (the reader's real format); every 7th event comes from
// a source address an indicator holds, every 11th asks for a listed domain.
std::string EveLines(int n, int salt) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string src = i % 7 == 0 ? fmt::format("203.0.113.{}", i % 50 + 1)
                                 : fmt::format("10.{}.{}.1", salt, i % 250);
    std::string dns =
        i % 11 == 0
            ? fmt::format(",\"dns\":{{\"rrname\":\"c2-{}.bad.example\"}}",
                          i % 5)
            : "";
    out += fmt::format(
        "{{\"timestamp\":\"2024-03-01T12:00:{:02}.000000+0000\","
        "\"event_type\":\"dns\",\"src_ip\":\"{}\",\"src_port\":{},"
        "\"dest_ip\":\"192.0.2.53\",\"dest_port\":53,\"proto\":\"UDP\"{}}}\n",
        i % 60, src, 1024 + i, dns);
  }
  return out;
}

std::shared_ptr<const Index> TestIndex() {
  IndexBuilder b;
  for (int i = 1; i <= 50; ++i) {
    b.Add(fmt::format("indicator--ip{}", i), "stix",
          fmt::format("[ipv4-addr:value = '203.0.113.{}']", i));
  }
  b.Add("indicator--dom", "stix", "[domain-name:value = 'bad.example']");
  return b.Build();
}

// (file, line, indicator, field) of every match, in delivery order.
using Seen = std::vector<std::tuple<uint32_t, uint64_t, std::string, Field>>;

struct Fixture {
  std::unique_ptr<Env> env = NewMemEnv();
  Matcher matcher;
  std::vector<std::string> files;

  Fixture() {
    matcher.Swap(TestIndex());
    for (int f = 0; f < 3; ++f) {
      files.push_back(fmt::format("/t/eve{}.json", f));
      EXPECT_TRUE(env->WriteFile(files.back(), EveLines(500 + 97 * f, f)).ok());
    }
  }

  std::unique_ptr<telemetry::Reader> Open(std::vector<std::string> paths) {
    telemetry::ReaderOptions ro;
    ro.batch_size = 13;  // many batches, so threads overtake each other
    auto r = telemetry::OpenReader(*env, std::move(paths), ro);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return std::move(*r);
  }

  Status Run(int threads, Seen* seen, uint64_t* batches,
             std::vector<std::string> paths = {}) {
    auto reader = Open(paths.empty() ? files : paths);
    MatchPipeline p(matcher, {.match_threads = threads});
    uint64_t last_bytes = 0;
    return p.Run(*reader,
                 [&](const telemetry::EventBatch& batch,
                     std::span<const EventMatch> found, uint64_t bytes) {
                   EXPECT_FALSE(batch.events.empty());
                   EXPECT_GE(bytes, last_bytes);
                   last_bytes = bytes;
                   ++*batches;
                   for (const EventMatch& m : found) {
                     const telemetry::Event& e = batch.events[m.event];
                     seen->emplace_back(e.raw.file, e.raw.line,
                                        m.match.indicator_id, m.match.field);
                   }
                   return Status::Ok();
                 });
  }
};

TEST(PipelineTest, ThreadsDeliverTheSameMatchesInTheSameOrder) {
  Fixture fx;
  Seen inline_seen;
  uint64_t inline_batches = 0;
  ASSERT_TRUE(fx.Run(0, &inline_seen, &inline_batches).ok());
  // 1,791 events: every 7th source and every 11th domain are listed.
  size_t expected = 0;
  for (int f = 0; f < 3; ++f) {
    int n = 500 + 97 * f;
    expected += static_cast<size_t>((n + 6) / 7 + (n + 10) / 11);
  }
  EXPECT_EQ(inline_seen.size(), expected);
  EXPECT_EQ(inline_batches, (1791 + 12) / 13);
  // In input order: (file, line) never goes back.
  for (size_t i = 1; i < inline_seen.size(); ++i) {
    EXPECT_LE(std::make_pair(std::get<0>(inline_seen[i - 1]),
                             std::get<1>(inline_seen[i - 1])),
              std::make_pair(std::get<0>(inline_seen[i]),
                             std::get<1>(inline_seen[i])));
  }
  for (int threads : {1, 2, 4}) {
    Seen seen;
    uint64_t batches = 0;
    ASSERT_TRUE(fx.Run(threads, &seen, &batches).ok());
    EXPECT_EQ(seen, inline_seen) << threads << " threads";
    EXPECT_EQ(batches, inline_batches);
  }
}

TEST(PipelineTest, ReadErrorComesAfterEveryBatchReadBeforeIt) {
  Fixture fx;
  // The second file does not exist: the reader fails when it reaches it.
  for (int threads : {0, 2}) {
    Seen seen;
    uint64_t batches = 0;
    Status s = fx.Run(threads, &seen, &batches,
                      {fx.files[0], "/t/missing.json", fx.files[1]});
    EXPECT_FALSE(s.ok()) << threads;
    EXPECT_NE(s.message().find("missing.json"), std::string::npos)
        << s.message();
    // Every full batch of the first file was delivered (38 of 13 events:
    // lines 1-494; the reader fails while filling the 39th, which is
    // dropped with the run), nothing of the third.
    EXPECT_EQ(seen.size(), static_cast<size_t>((494 + 6) / 7 + (494 + 10) / 11))
        << threads;
    for (const auto& m : seen) EXPECT_EQ(std::get<0>(m), 0u);
  }
}

TEST(PipelineTest, SinkErrorStopsTheRun) {
  Fixture fx;
  for (int threads : {0, 1, 3}) {
    auto reader = fx.Open(fx.files);
    MatchPipeline p(fx.matcher, {.match_threads = threads, .in_flight = 3});
    int calls = 0;
    Status s = p.Run(*reader, [&](const telemetry::EventBatch&,
                                  std::span<const EventMatch>, uint64_t) {
      return ++calls == 5 ? Status::IoError("disk full") : Status::Ok();
    });
    EXPECT_EQ(s.message(), "disk full") << threads;
    EXPECT_EQ(calls, 5) << threads;
  }
}

// What a reader reports at the end of a run, as one comparable text.
std::string StatsText(const telemetry::Reader& r) {
  const telemetry::ReadStats& s = r.stats();
  std::string out = fmt::format(
      "files={} lines={} bytes={} events={} "
      "skipped={} dropped={}\n",
      s.files, s.lines, s.bytes, s.events, s.skipped_lines, s.dropped_fields);
  for (const auto& [k, n] : s.by_rule) out += fmt::format("rule {}={}\n", k, n);
  for (const auto& [k, n] : s.unknown_kinds) {
    out += fmt::format("kind {}={}\n", k, n);
  }
  for (const auto& [k, n] : s.formats)
    out += fmt::format("format {}={}\n", k, n);
  for (const auto& i : r.issues()) out += i.ToString() + "\n";
  return out;
}

TEST(PipelineTest, ParsingThreadsGiveTheReadersStatsAndIssuesOfOneThread) {
  // Hostile input across formats: JSON that is invalid, of the wrong type,
  // too long, from 1970 and with unknown kinds and bad addresses among good
  // EVE lines; the real auditd and Cowrie fixtures (records spanning lines,
  // parsed while reading) between them; Zeek TSV logs likewise.
  std::unique_ptr<Env> disk = NewPosixEnv();
  std::unique_ptr<Env> env = NewMemEnv();
  std::vector<std::string> files;
  std::string eve;
  for (int i = 0; i < 300; ++i) {
    switch (i % 10) {
      case 3:
        eve += "{\"event_type\": \"dns\", \"src_ip\": \n";  // cut
        break;
      case 5:
        eve += fmt::format(
            "{{\"timestamp\":\"1970-01-01T00:00:0{}Z\",\"event_type\":"
            "\"x-kind-{}\",\"src_ip\":\"999.1.1.{}\"}}\r\n",
            i % 10, i % 37, i);
        break;
      case 7:
        eve += "[1, 2, 3]\n\n   \n";
        break;
      case 8:
        eve += "{\"event_type\":\"alert\",\"pad\":\"" +
               std::string(600 + i, 'a') + "\"}\n";
        break;
      default:
        eve += fmt::format(
            "{{\"timestamp\":\"2024-03-01T12:00:00Z\",\"event_type\":"
            "\"dns\",\"src_ip\":\"203.0.113.{}\",\"dest_ip\":"
            "\"192.0.2.1\",\"dns\":{{\"rrname\":\"c2-{}.bad.example\"}}}}\n",
            i % 50 + 1, i);
    }
  }
  files.push_back("/t/hostile-eve.json");
  ASSERT_TRUE(env->WriteFile(files.back(), eve).ok());
  for (const char* name : {"audit.log", "cowrie.json"}) {
    auto text = disk->ReadFile(std::string("tests/fixtures/telemetry/") + name);
    ASSERT_TRUE(text.ok()) << text.status().message();
    files.push_back(std::string("/t/") + name);
    ASSERT_TRUE(env->WriteFile(files.back(), *text).ok());
    files.push_back(fmt::format("/t/again-{}", name));
    ASSERT_TRUE(env->WriteFile(files.back(), *text).ok());
  }
  // Zeek TSV (headers are state the lines after them are read with, so
  // parsed while reading): the fixtures, and a log with hostile lines, two
  // header blocks, matches and unknown and 1970 kinds among good lines.
  for (const char* name : {"zeek-tsv/http.log", "zeek-tsv/files.log"}) {
    auto text = disk->ReadFile(std::string("tests/fixtures/telemetry/") + name);
    ASSERT_TRUE(text.ok()) << text.status().message();
    files.push_back(std::string("/t/") + name);
    ASSERT_TRUE(env->WriteFile(files.back(), *text).ok());
  }
  std::string zeek = "0.5\tC0\t203.0.113.9\n";  // before any header
  for (int block = 0; block < 2; ++block) {
    zeek += fmt::format(
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
        "#unset_field\t-\n#path\t{}\n#fields\tts\tuid\tid.orig_h\tquery\n"
        "#types\ttime\tstring\taddr\tstring\n",
        block == 0 ? "dns" : "zeek-mystery");
    for (int i = 0; i < 40; ++i) {
      switch (i % 8) {
        case 2:
          zeek += "1709294400\tC2\n";  // too few columns
          break;
        case 4:
          zeek += fmt::format("{}\tC4\t999.0.0.{}\tq\\y{}.example\n", i % 3, i,
                              i);  // 1970, bad IP, bad escape
          break;
        default:
          zeek += fmt::format(
              "1709294400.{}\tC{}\t203.0.113.{}\tc2-{}.bad\\x2eexample\n", i, i,
              i % 50 + 1, i);
      }
    }
    zeek += "#close\t2024-03-01-13-00-00\n";
  }
  files.push_back("/t/hostile-zeek.log");
  ASSERT_TRUE(env->WriteFile(files.back(), zeek).ok());
  files.push_back("/t/hostile-eve-2.json");
  ASSERT_TRUE(env->WriteFile(files.back(), eve).ok());

  Matcher matcher;
  matcher.Swap(TestIndex());
  FakeClock clock(Timestamp{1709294400LL * 1000000});  // 2024-03-01 12:00
  auto run = [&](int threads, std::string* report) {
    telemetry::ReaderOptions ro;
    ro.batch_size = 6;
    ro.max_line_bytes = 512;
    // Reached in the last file: the cap must cut the same list.
    ro.max_issues = 260;
    ro.clock = &clock;
    auto reader = telemetry::OpenReader(*env, files, ro);
    ASSERT_TRUE(reader.ok());
    MatchPipeline p(matcher, {.match_threads = threads, .in_flight = 3});
    Status s = p.Run(**reader, [&](const telemetry::EventBatch& batch,
                                   std::span<const EventMatch> found,
                                   uint64_t) {
      for (const telemetry::Event& e : batch.events) {
        *report += fmt::format("{}:{}@{} {} {} {}\n", e.raw.file, e.raw.line,
                               e.raw.offset, e.source, e.kind,
                               e.src_ip.present() ? e.src_ip.ToString() : "-");
      }
      for (const EventMatch& m : found) {
        *report += fmt::format("match {} {}\n", m.event, m.match.indicator_id);
      }
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.message();
    *report += StatsText(**reader);
  };
  std::string one;
  run(0, &one);
  // The single-threaded run is Reader::Next: check it saw what was planted.
  EXPECT_NE(one.find("json-invalid"), std::string::npos) << one;
  EXPECT_NE(one.find("line-too-long"), std::string::npos);
  EXPECT_NE(one.find("suspicious-time"), std::string::npos);
  EXPECT_NE(one.find("not-an-object"), std::string::npos);
  EXPECT_NE(one.find("bad-ip"), std::string::npos);
  EXPECT_NE(one.find("kind x-kind-"), std::string::npos);
  EXPECT_NE(one.find("auditd"), std::string::npos);
  EXPECT_NE(one.find("cowrie"), std::string::npos);
  EXPECT_NE(one.find("match "), std::string::npos);
  EXPECT_NE(one.find("/t/again-cowrie.json:"), std::string::npos);
  EXPECT_NE(one.find("/t/hostile-eve-2.json:4: json-invalid"),
            std::string::npos);
  EXPECT_NE(one.find("/t/hostile-zeek.log:1: zeek-header"), std::string::npos);
  EXPECT_NE(one.find("/t/hostile-zeek.log:11: zeek-columns"),
            std::string::npos);
  EXPECT_NE(one.find("rule zeek-escape="), std::string::npos);
  EXPECT_NE(one.find("kind zeek-mystery="), std::string::npos);
  EXPECT_NE(one.find("zeek.http"), std::string::npos);
  EXPECT_NE(one.find("format zeek=3"), std::string::npos);
  for (int threads : {1, 2, 4}) {
    std::string many;
    run(threads, &many);
    EXPECT_EQ(many, one) << threads << " threads";
  }
}

}  // namespace
}  // namespace ncert::match
