#include "match/matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>

#include "match/normalize.h"
#include "match/structures_internal.h"

namespace ncert::match {
namespace {

using ::testing::UnorderedElementsAre;

telemetry::IpAddr Ip(std::string_view s) {
  auto ip = ParseIp(s);
  EXPECT_TRUE(ip) << s;
  return ip ? *ip : telemetry::IpAddr{};
}

// "indicator-id kind field" for each match, for compact expectations.
std::vector<std::string> Found(const Matcher& m, const telemetry::Event& e) {
  MatchScratch scratch;
  std::vector<Match> out;
  m.Match(e, &scratch, &out);
  std::vector<std::string> s;
  for (const Match& x : out) {
    s.push_back(x.indicator_id + " " + std::string(MatchKindName(x.kind)) +
                " " + std::string(FieldName(x.field)));
  }
  return s;
}

class MatcherTest : public testing::Test {
 protected:
  void Build(const std::vector<std::pair<std::string, std::string>>& ind,
             IndexOptions options = {}, MatcherOptions mo = {}) {
    IndexBuilder b(options);
    for (const auto& [id, pattern] : ind) b.Add(id, "stix", pattern);
    index_ = b.Build();
    matcher_ = std::make_unique<Matcher>(mo);
    matcher_->Swap(index_);
  }
  std::shared_ptr<const Index> index_;
  std::unique_ptr<Matcher> matcher_;
};

// CIDR blocks are looked up once per prefix length the index holds: every
// containing block must be found, exactly as a trie walk finds them. Random
// blocks of every length in a few narrow regions (so that they nest), random
// addresses near them, both families.
TEST_F(MatcherTest, CidrBlocksOfEveryLengthAgreeWithATrie) {
  std::mt19937_64 rng(11);
  internal::CidrTrie v4(32), v6(128);
  std::vector<std::pair<std::string, std::string>> ind;
  std::vector<std::string> names;  // by posting target
  auto near = [&](int family) {
    telemetry::IpAddr a;
    a.family = static_cast<uint8_t>(family);
    const int n = family == 4 ? 4 : 16;
    for (int i = 0; i < n; ++i) a.bytes[i] = static_cast<uint8_t>(rng());
    // Four regions per family: the first bytes fixed.
    a.bytes[0] = static_cast<uint8_t>(family == 4 ? 10 + rng() % 4 : 0x20);
    if (family == 6) a.bytes[1] = static_cast<uint8_t>(1 + rng() % 4);
    if (rng() % 2) a.bytes[n - 1] = 0;
    return a;
  };
  for (int i = 0; i < 400; ++i) {
    const int family = i % 3 == 0 ? 6 : 4;
    telemetry::IpAddr a = near(family);
    const int max = family == 4 ? 32 : 128;
    const int prefix = static_cast<int>(rng() % (family == 4 ? 25 : 40)) +
                       (family == 4 ? 8 : max - 39);
    if (prefix == max) continue;  // a /32 or /128 is an exact address
    std::string text = a.ToString() + "/" + std::to_string(prefix);
    std::string id = "indicator--" + std::to_string(i);
    ind.emplace_back(id, "[" + std::string(family == 4 ? "ipv4" : "ipv6") +
                             "-addr:value = '" + text + "']");
    auto pre = ParseIpPrefix(text);
    ASSERT_TRUE(pre) << text;
    (family == 4 ? v4 : v6)
        .Add(pre->addr.bytes.data(), pre->prefix,
             {static_cast<uint32_t>(names.size()), 1});
    names.push_back(id);
  }
  v4.Finish();
  v6.Finish();
  Build(ind);
  size_t nonempty = 0;
  for (int i = 0; i < 3000; ++i) {
    telemetry::Event e;
    e.src_ip = near(i % 3 == 0 ? 6 : 4);
    std::vector<std::string> want;  // "id cidr src_ip", shortest block first
    (e.src_ip.family == 4 ? v4 : v6)
        .ForEachMatch(e.src_ip.bytes.data(),
                      [&](int, std::span<const internal::Posting> p) {
                        for (const auto& x : p) {
                          want.push_back(names[x.target] + " cidr src_ip");
                        }
                      });
    std::vector<std::string> got = Found(*matcher_, e);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, want) << e.src_ip.ToString();
    nonempty += !want.empty();
  }
  EXPECT_GT(nonempty, 300u);  // the addresses do fall in blocks
}

TEST_F(MatcherTest, IpExactAndCidr) {
  Build({{"a", "[ipv4-addr:value = '198.51.100.7']"},
         {"b", "[ipv4-addr:value = '198.51.100.0/24']"},
         {"c", "[ipv4-addr:value = '0.0.0.0/0']"},
         {"d", "[ipv6-addr:value = '2001:db8::/32']"},
         {"e", "[ipv6-addr:value = '2001:db8::1/128']"},
         {"f", "[network-traffic:dst_ref.value = '203.0.113.9']"}});
  EXPECT_EQ(index_->stats().simple, 6);
  telemetry::Event e;
  e.src_ip = Ip("198.51.100.7");
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("a exact-ip src_ip", "b cidr src_ip",
                                   "c cidr src_ip"));
  e.src_ip = Ip("::ffff:198.51.100.200");  // v4-mapped is the IPv4 address
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("b cidr src_ip", "c cidr src_ip"));
  e.src_ip = Ip("2001:db8::1");
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("d cidr src_ip", "e exact-ip src_ip"));
  e.src_ip = Ip("2001:db9::1");
  EXPECT_TRUE(Found(*matcher_, e).empty());
  // A destination-only indicator does not match the same address as source.
  e = {};
  e.src_ip = Ip("203.0.113.9");
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("c cidr src_ip"));
  e.dst_ip = Ip("203.0.113.9");
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("c cidr src_ip", "c cidr dst_ip",
                                   "f exact-ip dst_ip"));
  MatchScratch scratch;
  std::vector<Match> out;
  e = {};
  e.dst_ip = Ip("198.51.100.9");
  matcher_->Match(e, &scratch, &out);
  ASSERT_EQ(out.size(), 2u);
  for (const Match& m : out) {
    EXPECT_EQ(m.value, "198.51.100.9");
    EXPECT_THAT(m.indicator_value,
                testing::AnyOf("198.51.100.0/24", "0.0.0.0/0"));
  }
}

TEST_F(MatcherTest, DomainsSubdomainsLookalikesAndIdn) {
  Build({{"ex", "[domain-name:value = 'Example.COM.']"},
         {"idn", "[domain-name:value = 'bücher.example']"}});
  telemetry::Event e;
  e.domain = "example.com";
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("ex domain domain"));
  e.domain = "a.b.EXAMPLE.com.";
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("ex subdomain domain"));
  e.domain = "badexample.com";
  EXPECT_TRUE(Found(*matcher_, e).empty());
  e.domain = "example.com.evil.net";
  EXPECT_TRUE(Found(*matcher_, e).empty());
  e.domain = "xn--bcher-kva.example";
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("idn domain domain"));
  e.domain = "www.bücher.example";
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("idn subdomain domain"));
  // The host of a URL is a domain too.
  e = {};
  e.url = "https://cdn.example.com/x";
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("ex subdomain url.host"));
}

// Parents shorter than every domain indicator are not looked up; a
// one-label indicator (a private TLD) still matches everything under it.
TEST_F(MatcherTest, ParentDomainsDownToTheShortestIndicator) {
  Build({{"deep", "[domain-name:value = 'c2.bad.example.com']"}});
  telemetry::Event e;
  e.domain = "x.y.c2.bad.example.com";
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("deep subdomain domain"));
  e.domain = "bad.example.com";
  EXPECT_TRUE(Found(*matcher_, e).empty());
  e.domain = "com";
  EXPECT_TRUE(Found(*matcher_, e).empty());
  Build({{"deep", "[domain-name:value = 'c2.bad.example.com']"},
         {"tld", "[domain-name:value = 'corp']"}});
  e.domain = "a.b.c.corp";
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("tld subdomain domain"));
  e.domain = "a.c2.bad.example.com";
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("deep subdomain domain"));
  e = {};
  e.url = "http://www.intranet.corp/login";
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("tld subdomain url.host"));
}

TEST_F(MatcherTest, UrlVariants) {
  Build({{"u", "[url:value = 'http://evil.example/a%2fb/%7Ex?q=1']"},
         {"s",
          "[url:value = 'http://example.com/foo' OR "
          "url:value = 'http://example.com/bar']"}});
  for (std::string_view v : {"http://evil.example/a%2fb/%7Ex?q=1",
                             "HTTP://EVIL.example:80/a%2Fb/~x?q=1",
                             "evil.example/a%2Fb/~x?q=1#top"}) {
    telemetry::Event e;
    e.url = v;
    EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("u url url")) << v;
  }
  telemetry::Event e;
  e.url = "http://evil.example/a/b/~x?q=1";  // %2F is not /
  EXPECT_TRUE(Found(*matcher_, e).empty());
  e.url = "/bar";
  e.domain = "example.com";
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("s url url"));
}

TEST_F(MatcherTest, HashesEmailsAndFingerprints) {
  std::string md5 = "79054025255FB1A26E4BC422AEF54EB4";
  Build({{"h", "[file:hashes.MD5 = '" + md5 + "']"},
         {"h256",
          "[file:hashes.'SHA-256' = "
          "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdf"
          "b0019f']"},
         {"m", "[email-addr:value = 'Jdoe@Example.com']"},
         {"j",
          "[network-traffic:extensions.'x-ja3'.ja3_hash = "
          "'e7d705a3286e19ea42f587b344ee6865']"},
         {"js", "[x-ja3s:value = '15af977ce25de452b96affa2addb1036']"},
         {"ss",
          "[network-traffic:x_hassh = "
          "'ec7378c1a92f5a8dde7e8b7a1ddf33d1']"}});
  EXPECT_EQ(index_->stats().simple, 6);
  telemetry::Event e;
  e.md5 = "79054025255fb1a26e4bc422aef54eb4";
  e.sha256 = "AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F";
  e.email = "jdoe@EXAMPLE.com";
  e.ja3 = "e7d705a3286e19ea42f587b344ee6865";
  e.ja3s = "15AF977CE25DE452B96AFFA2ADDB1036";
  e.hassh = "ec7378c1a92f5a8dde7e8b7a1ddf33d1";
  EXPECT_THAT(
      Found(*matcher_, e),
      UnorderedElementsAre("h hash md5", "h256 hash sha256", "m email email",
                           "j ja3 ja3", "js ja3 ja3s", "ss hassh hassh"));
  // The MD5 as a SHA-1 or as a JA3 is no match: hashes are by algorithm.
  telemetry::Event f;
  f.ja3 = e.md5;
  EXPECT_TRUE(Found(*matcher_, f).empty());
}

TEST_F(MatcherTest, RegexAndLikeInOneDatabase) {
  Build(
      {{"r", "[url:value MATCHES '/wp-content/plugins/[a-z]+/shell\\\\.php']"},
       {"l", "[process:command_line LIKE '%powershell%-enc%']"},
       {"f", "[file:name = 'mimikatz.exe']"}});
  EXPECT_EQ(index_->stats().regex_hyperscan, 2);
  telemetry::Event e;
  e.url = "http://site.example/wp-content/plugins/abc/shell.php?x=1";
  e.command_line = "cmd /c powershell -nop -enc SQBFAFgA";
  e.file_name = "mimikatz.exe";
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("r regex url", "l regex command_line",
                                   "f pattern file_name"));
  e.command_line = "powershell -nop";
  e.file_name = "Mimikatz.exe";  // STIX equality is case-sensitive
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("r regex url"));
}

TEST_F(MatcherTest, SpecExamplesThroughPrefilterAndConfirm) {
  std::ifstream in("../shared/data/stix-patterns/spec_examples.txt");
  ASSERT_TRUE(in) << "run from the repository root";
  std::vector<std::pair<std::string, std::string>> ind;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty())
      ind.emplace_back("spec" + std::to_string(ind.size()), line);
  }
  ASSERT_EQ(ind.size(), 16u);
  Build(ind);
  const IndexStats& st = index_->stats();
  EXPECT_EQ(st.invalid, 0);
  EXPECT_EQ(st.seen, 16);
  EXPECT_EQ(st.indexed + st.no_telemetry, 16);
  EXPECT_GE(st.full, 8);
  // spec8: network-traffic:dst_ref.type = 'ipv4-addr' AND
  //        dst_ref.value = '203.0.113.33/32' (an AND: confirmed).
  telemetry::Event e;
  e.dst_ip = Ip("203.0.113.33");
  // Its prefilter atom (dst_ref.type) is not indexed: it is tried on every
  // event, and the match names the event as a whole.
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("spec8 pattern event"));
  // spec10: an OR of two URLs: simple.
  e = {};
  e.url = "http://example.com/bar";
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("spec10 url url"));
  // spec15: (...) OR [process:name = 'fooproc' OR ...].
  e = {};
  e.process = "procfoo";
  EXPECT_THAT(Found(*matcher_, e),
              UnorderedElementsAre("spec15 pattern process"));
  // spec0 is a single SHA-256 (simple); spec1 needs two observations, one
  // event is one observation: only spec0 matches.
  e = {};
  e.sha256 = "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f";
  EXPECT_THAT(Found(*matcher_, e), UnorderedElementsAre("spec0 hash sha256"));
  // spec9: the domain alone is not enough (resolves_to_refs is not in an
  // event): the prefilter fires, the confirmation says no.
  e = {};
  e.domain = "www.5z8.info";
  EXPECT_TRUE(Found(*matcher_, e).empty());
}

TEST_F(MatcherTest, NonStixAndInvalidAreCounted) {
  IndexBuilder b;
  b.Add("s1", "sigma", "title: x");
  b.Add("s2", "sigma", "title: y");
  b.Add("y", "yara", "rule x {}");
  b.Add("bad", "stix", "[ipv4-addr:value = ");
  b.Add("reg", "stix", "[windows-registry-key:key = 'HKLM\\\\x']");
  auto idx = b.Build();
  EXPECT_EQ(idx->stats().skipped_by_pattern_type.at("sigma"), 2);
  EXPECT_EQ(idx->stats().skipped_by_pattern_type.at("yara"), 1);
  EXPECT_EQ(idx->stats().invalid, 1);
  EXPECT_EQ(idx->stats().no_telemetry, 1);
  EXPECT_EQ(idx->size(), 0u);
  ASSERT_FALSE(idx->stats().problems.empty());
  EXPECT_THAT(idx->stats().problems[0], testing::StartsWith("bad: pattern: "));
}

TEST_F(MatcherTest, OverCorrelatingValueIsReportedOnce) {
  std::vector<std::pair<std::string, std::string>> ind;
  for (int i = 0; i < 10; ++i) {
    ind.emplace_back("dup" + std::to_string(i),
                     "[ipv4-addr:value = '192.0.2.1']");
  }
  ind.emplace_back("one", "[ipv4-addr:value = '192.0.2.2']");
  IndexOptions o;
  o.max_indicators_per_value = 4;
  Build(ind, o);
  EXPECT_EQ(index_->stats().over_correlating_values, 1);
  MatchScratch scratch;
  std::vector<Match> out;
  telemetry::Event e;
  e.src_ip = Ip("192.0.2.1");
  matcher_->Match(e, &scratch, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].over_correlating);
  EXPECT_EQ(out[0].indicator_count, 10u);
  out.clear();
  e.src_ip = Ip("192.0.2.2");
  matcher_->Match(e, &scratch, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].over_correlating);
}

TEST_F(MatcherTest, IndicatorMatchingTooManyEventsIsFlaggedOncePerWindow) {
  MatcherOptions mo;
  mo.max_events_per_indicator = 3;
  mo.window_seconds = 60;
  Build({{"noisy", "[domain-name:value = 'example.net']"}}, {}, mo);
  MatchScratch scratch;
  telemetry::Event e;
  e.domain = "example.net";
  int reported = 0, flagged = 0;
  for (int i = 0; i < 10; ++i) {
    e.time = Timestamp{int64_t{1'700'000'000} * 1'000'000 + i * 1'000'000};
    std::vector<Match> out;
    matcher_->Match(e, &scratch, &out);
    reported += static_cast<int>(out.size());
    for (auto& m : out) flagged += m.over_correlating;
  }
  EXPECT_EQ(reported, 4);  // three plain, then one flagged
  EXPECT_EQ(flagged, 1);
  // A new window starts counting again.
  e.time = Timestamp{int64_t{1'700'000'000} * 1'000'000 + 3600'000'000};
  std::vector<Match> out;
  matcher_->Match(e, &scratch, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].over_correlating);
}

TEST_F(MatcherTest, BatchUsesOneSnapshot) {
  Build({{"a", "[ipv4-addr:value = '192.0.2.0/24']"}});
  std::vector<telemetry::Event> events(3);
  events[0].src_ip = Ip("192.0.2.1");
  events[2].dst_ip = Ip("192.0.2.200");
  MatchScratch scratch;
  std::vector<EventMatch> out;
  matcher_->MatchBatch(events, &scratch, &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].event, 0u);
  EXPECT_EQ(out[1].event, 2u);
  EXPECT_EQ(out[1].match.field, Field::kDstIp);
}

TEST_F(MatcherTest, NoIndexNoMatches) {
  Matcher m;
  MatchScratch scratch;
  std::vector<Match> out;
  telemetry::Event e;
  e.src_ip = Ip("192.0.2.1");
  m.Match(e, &scratch, &out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace ncert::match
