// A generated corpus with a known answer: background events that match
// nothing, and planted events for every kind; the engine must report
// exactly the planted matches.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <set>

#include "match/matcher.h"
#include "match/normalize.h"

namespace ncert::match {
namespace {

TEST(CorpusTest, FindsExactlyThePlantedMatches) {
  std::mt19937_64 rng(42);
  IndexBuilder b;
  // Indicators: 200 of each kind, in ranges the background never uses.
  for (int i = 0; i < 200; ++i) {
    b.Add(
        fmt::format("ip{}", i), "stix",
        fmt::format("[ipv4-addr:value = '203.0.{}.{}']", i / 100, i % 100 + 1));
    b.Add(fmt::format("net{}", i), "stix",
          fmt::format("[ipv4-addr:value = '198.{}.{}.0/24']", 18 + i / 200, i));
    b.Add(fmt::format("dom{}", i), "stix",
          fmt::format("[domain-name:value = 'bad{}.example']", i));
    b.Add(fmt::format("url{}", i), "stix",
          fmt::format("[url:value = 'http://drop{}.example/p/{}']", i, i));
    b.Add(fmt::format("md5{}", i), "stix",
          fmt::format("[file:hashes.MD5 = '{:032x}']", 0xabc000 + i));
    b.Add(fmt::format("mail{}", i), "stix",
          fmt::format("[email-addr:value = 'phish{}@bad.example']", i));
    b.Add(fmt::format("ja3{}", i), "stix",
          fmt::format("[x-ja3:value = '{:032x}']", 0xdef000 + i));
    b.Add(fmt::format("re{}", i), "stix",
          fmt::format("[process:command_line MATCHES 'implant{}x[0-9]+']", i));
    b.Add(fmt::format("pat{}", i), "stix",
          fmt::format("[file:name = 'drop{}.exe' AND file:hashes.MD5 = "
                      "'{:032x}']",
                      i, 0x777000 + i));
  }
  auto index = b.Build();
  ASSERT_EQ(index->size(), 1800u);
  Matcher m;
  m.Swap(index);

  // Strings owned here (telemetry/event.cc's arena is another branch's).
  std::deque<std::string> arena;
  auto intern = [&](std::string v) -> std::string_view {
    return arena.emplace_back(std::move(v));
  };
  std::vector<telemetry::Event> events;
  std::set<std::pair<size_t, std::string>> planted;
  const int kEvents = 5000;
  for (int n = 0; n < kEvents; ++n) {
    telemetry::Event e;
    // Background: 10.x sources, 172.16.x destinations, benign names.
    e.src_ip.family = 4;
    e.src_ip.bytes = {10, uint8_t(rng()), uint8_t(rng()), uint8_t(rng())};
    e.dst_ip.family = 4;
    e.dst_ip.bytes = {172, 16, uint8_t(rng()), uint8_t(rng())};
    std::string dom = fmt::format("host{}.corp.example", rng() % 1000);
    std::string url = fmt::format("http://{}/index{}.html", dom, rng() % 100);
    std::string cmd = fmt::format("/usr/bin/cron -n {}", rng() % 100);
    std::string md5 = fmt::format("{:032x}", rng());
    int kind = n % 10 == 0 ? static_cast<int>((n / 10) % 9) : -1;
    int i = static_cast<int>(rng() % 200);
    std::string email, ja3, fname;
    switch (kind) {
      case 0:
        e.dst_ip = *ParseIp(fmt::format("203.0.{}.{}", i / 100, i % 100 + 1));
        planted.insert({n, fmt::format("ip{}", i)});
        break;
      case 1:
        e.src_ip =
            *ParseIp(fmt::format("198.{}.{}.{}", 18 + i / 200, i, rng() % 256));
        planted.insert({n, fmt::format("net{}", i)});
        break;
      case 2:
        dom = fmt::format("cdn.bad{}.example", i);
        url = fmt::format("http://{}/x", dom);
        planted.insert({n, fmt::format("dom{}", i)});
        break;
      case 3:
        url = fmt::format("HTTP://drop{}.example:80/p/{}#x", i, i);
        planted.insert({n, fmt::format("url{}", i)});
        break;
      case 4:
        md5 = fmt::format("{:032X}", 0xabc000 + i);
        planted.insert({n, fmt::format("md5{}", i)});
        break;
      case 5:
        email = fmt::format("Phish{}@BAD.example", i);
        planted.insert({n, fmt::format("mail{}", i)});
        break;
      case 6:
        ja3 = fmt::format("{:032x}", 0xdef000 + i);
        planted.insert({n, fmt::format("ja3{}", i)});
        break;
      case 7:
        cmd = fmt::format("sh -c ./implant{}x{}", i, rng() % 1000);
        planted.insert({n, fmt::format("re{}", i)});
        break;
      case 8:
        fname = fmt::format("drop{}.exe", i);
        md5 = fmt::format("{:032x}", 0x777000 + i);
        planted.insert({n, fmt::format("pat{}", i)});
        break;
      default:
        break;
    }
    e.domain = intern(dom);
    e.url = intern(url);
    e.command_line = intern(cmd);
    e.md5 = intern(md5);
    e.email = intern(email);
    e.ja3 = intern(ja3);
    e.file_name = intern(fname);
    events.push_back(e);
  }
  MatchScratch scratch;
  std::vector<EventMatch> out;
  m.MatchBatch(events, &scratch, &out);
  std::set<std::pair<size_t, std::string>> found;
  for (const EventMatch& em : out)
    found.insert({em.event, em.match.indicator_id});
  EXPECT_EQ(found.size(), out.size()) << "one match per indicator and event";
  EXPECT_EQ(planted.size(), static_cast<size_t>(kEvents / 10));
  EXPECT_EQ(found, planted);
}

}  // namespace
}  // namespace ncert::match
