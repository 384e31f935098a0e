#include "match/pipeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "core/env.h"

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

}  // namespace
}  // namespace ncert::match
