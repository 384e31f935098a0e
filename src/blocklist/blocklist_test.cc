#include "blocklist/blocklist.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

namespace ncert::blocklist {
namespace {

Indicator Ind(std::string pattern, std::string name = "test") {
  Indicator ind;
  ind.id = "indicator--11111111-2222-4333-8444-555555555555";
  ind.name = std::move(name);
  ind.pattern = std::move(pattern);
  ind.pattern_type = "stix";
  ind.version = *ParseTimestamp("2024-03-01T00:00:00Z");
  return ind;
}

std::vector<Value> Extract(const Indicator& ind,
                           std::vector<Skipped>* skipped) {
  std::vector<Value> values;
  ExtractValues(ind, &values, skipped);
  return values;
}

TEST(ExtractTest, SimplePatternsGiveTheirValues) {
  std::vector<Skipped> skipped;
  auto v = Extract(Ind("[ipv4-addr:value = '198.51.100.7'] OR "
                       "[ipv4-addr:value = '203.0.113.0/24' OR "
                       "domain-name:value = 'Evil.Example.']"),
                   &skipped);
  EXPECT_TRUE(skipped.empty()) << skipped[0].reason;
  std::set<std::string> got;
  for (const auto& x : v)
    got.insert(std::string(KindName(x.kind)) + " " + x.value);
  EXPECT_EQ(got, (std::set<std::string>{"ipv4-addr 198.51.100.7",
                                        "ipv4-addr 203.0.113.0/24",
                                        "domain-name evil.example"}));
  skipped.clear();
  v = Extract(Ind("[file:hashes.'SHA-256' = "
                  "'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB"
                  "0019F']"),
              &skipped);
  ASSERT_EQ(v.size(), 1u) << (skipped.empty() ? "" : skipped[0].reason);
  EXPECT_EQ(v[0].kind, Kind::kSha256);
  EXPECT_EQ(v[0].value,
            "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f");
  v = Extract(Ind("[file:hashes.md5 = 'd41d8cd98f00b204e9800998ecf8427e']"),
              &skipped);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].kind, Kind::kMd5);
  v = Extract(Ind("[url:value = 'http://evil.example:8080/a/b?c=1#frag']"),
              &skipped);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].value, "http://evil.example:8080/a/b?c=1");
  v = Extract(Ind("[ipv6-addr:value = '2001:DB8::1/128']"), &skipped);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].value, "2001:db8::1");
}

TEST(ExtractTest, PatternsThatAreNotSimpleAreSkipped) {
  const char* patterns[] = {
      // a value and a port: blocking the address would block more
      "[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 443]",
      "[network-traffic:dst_ref.value = '198.51.100.7' AND "
      "network-traffic:dst_port = 443]",
      "[domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = "
      "'b.example']",
      "[domain-name:value = 'a.example'] REPEATS 5 TIMES",
      "[domain-name:value LIKE '%.example']",
      "[file:name = 'evil.exe']",
      "[ipv4-addr:value != '198.51.100.7']",
      "[ipv4-addr:value = '198.51.100.7' AND ipv4-addr:x_asn = 7]",
      "this is not a pattern",
  };
  for (const char* p : patterns) {
    std::vector<Skipped> skipped;
    auto v = Extract(Ind(p), &skipped);
    EXPECT_TRUE(v.empty()) << p;
    ASSERT_FALSE(skipped.empty()) << p;
    EXPECT_FALSE(skipped[0].reason.empty());
  }
  Indicator sigma = Ind("title: x");
  sigma.pattern_type = "sigma";
  std::vector<Skipped> skipped;
  EXPECT_TRUE(Extract(sigma, &skipped).empty());
  EXPECT_NE(skipped.at(0).reason.find("sigma"), std::string::npos);
}

TEST(ExtractTest, HostileValuesAreSkippedWithAReason) {
  // Each is a string a pattern can legally carry.
  const std::pair<const char*, const char*> cases[] = {
      {"domain-name", "evil.example\"; sid:1; content:\"x"},
      {"domain-name", "evil.example\nevil2.example CNAME ."},
      {"domain-name", "bücher.example"},
      {"domain-name", "com"},
      {"domain-name", "*.evil.example"},
      {"domain-name", "evil..example"},
      {"domain-name", "evil.example; drop"},
      {"ipv4-addr", "198.51.100.7 }; flush ruleset; {"},
      {"ipv4-addr", "0.0.0.0/0"},
      {"ipv4-addr", "1.2.3"},
      {"ipv4-addr", "10.1.2.3"},
      {"ipv4-addr", "192.168.0.0/16"},
      {"ipv4-addr", "127.0.0.1"},
      {"ipv4-addr", "8.0.0.0/7"},
      {"ipv6-addr", "fe80::1"},
      {"ipv6-addr", "::1"},
      {"url", "http://evil.example/a\";sid:1;"},
      {"url", "http://evil.example/a b"},
      {"url", "javascript:alert(1)"},
      {"url", "http://evil.example/\xe3\x81\x82"},
      {"url", "http://user@evil.example/"},
  };
  for (const auto& [type, value] : cases) {
    std::string escaped;
    for (const char* c = value; *c; ++c) {
      if (*c == '\'' || *c == '\\') escaped += '\\';
      escaped += *c;
    }
    std::vector<Skipped> skipped;
    auto v =
        Extract(Ind(fmt::format("[{}:value = '{}']", type, escaped)), &skipped);
    EXPECT_TRUE(v.empty()) << type << " " << value << " -> " << v[0].value;
    ASSERT_EQ(skipped.size(), 1u) << value;
    EXPECT_EQ(skipped[0].value, value);
  }
}

TEST(IndicatorTest, CurrentMeansValidNowAndNotRevoked) {
  Indicator ind = Ind("[ipv4-addr:value = '198.51.100.7']");
  const Timestamp now = *ParseTimestamp("2024-06-01T00:00:00Z");
  ind.valid_from = *ParseTimestamp("2024-01-01T00:00:00Z");
  EXPECT_TRUE(IsCurrent(ind, now));
  ind.valid_until = now;
  EXPECT_FALSE(IsCurrent(ind, now));  // valid_until is exclusive
  ind.valid_until = Timestamp{now.micros + 1};
  EXPECT_TRUE(IsCurrent(ind, now));
  ind.valid_from = Timestamp{now.micros + 1};
  EXPECT_FALSE(IsCurrent(ind, now));
  ind.valid_from = now;
  ind.revoked = true;
  EXPECT_FALSE(IsCurrent(ind, now));
}

// Renders one indicator with the given values in `format`.
std::string Render(Format format, const Indicator& ind,
                   const std::vector<Value>& values,
                   std::vector<Companion>* companions = nullptr) {
  WriterOptions o;
  o.format = format;
  o.now = *ParseTimestamp("2024-06-01T00:00:00Z");
  o.bundle_id = "bundle--11111111-2222-4333-8444-555555555555";
  auto w = NewWriter(o);
  EXPECT_TRUE(w.ok());
  std::string out;
  (*w)->Begin(&out);
  (*w)->Add(ind, values, &out);
  (*w)->End(&out);
  if (companions) *companions = (*w)->Companions();
  return out;
}

// Suricata 7 rule grammar (docs: "Rules Format"): action protocol source
// port direction destination port (options), options `keyword;` or
// `keyword:value;`, quoted values with '"', ';' and '\' escaped.
void ExpectValidSuricataRule(const std::string& line) {
  static const std::regex header(
      R"(^alert (ip|dns|tls|http|smtp|smb|ftp-data) (any|\[[0-9a-f.:/,]+\]) any -> (any|\[[0-9a-f.:/,]+\]) any \((.*)\)$)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(line, m, header)) << line;
  std::string opts = m[4];
  static const std::set<std::string> kKnown = {
      "msg",      "dns.query", "tls.sni",    "dotprefix", "content",
      "nocase",   "endswith",  "startswith", "http.host", "http.uri.raw",
      "bsize",    "flow",      "filemd5",    "filesha1",  "filesha256",
      "metadata", "classtype", "sid",        "rev"};
  std::set<std::string> seen;
  size_t i = 0;
  while (i < opts.size()) {
    while (i < opts.size() && opts[i] == ' ') ++i;
    if (i >= opts.size()) break;
    size_t key_end = opts.find_first_of(":;", i);
    ASSERT_NE(key_end, std::string::npos) << line;
    std::string key = opts.substr(i, key_end - i);
    EXPECT_TRUE(kKnown.contains(key)) << key << " in " << line;
    seen.insert(key);
    i = key_end;
    if (opts[i] == ':') {
      ++i;
      if (opts[i] == '"') {  // quoted: up to an unescaped quote
        ++i;
        while (i < opts.size() && opts[i] != '"') {
          if (opts[i] == '\\')
            ++i;
          else
            EXPECT_NE(opts[i], ';') << "unescaped ; in " << line;
          ++i;
        }
        ASSERT_LT(i, opts.size()) << "unterminated string in " << line;
        ++i;
      } else {
        while (i < opts.size() && opts[i] != ';') {
          EXPECT_NE(opts[i], '"') << line;
          ++i;
        }
      }
    }
    ASSERT_LT(i, opts.size()) << "option without ';' in " << line;
    ASSERT_EQ(opts[i], ';') << line;
    ++i;
  }
  EXPECT_TRUE(seen.contains("msg") && seen.contains("sid") &&
              seen.contains("rev"))
      << line;
}

TEST(WriterTest, SuricataRulesFollowTheRuleGrammar) {
  Indicator ind = Ind("", "Evil \"C2\"; sid:1; \\ \n\xe3\x81\x82 name");
  std::vector<Value> values = {{Kind::kIpv4, "198.51.100.7"},
                               {Kind::kIpv4, "203.0.113.0/24"},
                               {Kind::kIpv6, "2001:db8::/32"},
                               {Kind::kDomain, "evil.example"},
                               {Kind::kUrl, "http://evil.example:8080/a/b?c=1"},
                               {Kind::kUrl, "https://evil.example"},
                               {Kind::kMd5, "d41d8cd98f00b204e9800998ecf8427e"},
                               {Kind::kSha256, std::string(64, 'a')}};
  std::vector<Companion> companions;
  std::string rules = Render(Format::kSuricata, ind, values, &companions);
  std::istringstream in(rules);
  std::string line;
  std::set<std::string> sids;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++n;
    ExpectValidSuricataRule(line);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(sid:([0-9]+);)")));
    EXPECT_TRUE(sids.insert(m[1]).second) << "duplicate sid " << m[1];
    if (line.find("file") == std::string::npos) {  // per-list hash rules
      EXPECT_NE(line.find("indicator--11111111"), std::string::npos) << line;
    }
  }
  // ip, dns + tls, 2 urls, 4 protocols x 2 hash lists.
  EXPECT_EQ(n, 1 + 2 + 2 + 8);
  EXPECT_NE(rules.find("Evil \\\"C2\\\"\\; sid:1\\; \\\\ ?"), std::string::npos)
      << rules;
  EXPECT_NE(
      rules.find(
          "dns.query; dotprefix; content:\".evil.example\"; nocase; endswith;"),
      std::string::npos);
  EXPECT_NE(rules.find("http.host; content:\"evil.example\"; nocase; bsize:12; "
                       "http.uri.raw; content:\"/a/b?c=1\"; startswith;"),
            std::string::npos);
  EXPECT_NE(rules.find("rev:1709251200;"), std::string::npos);
  ASSERT_EQ(companions.size(), 2u);
  EXPECT_EQ(companions[0].name, "ncert-md5.txt");
  EXPECT_EQ(companions[0].content, "d41d8cd98f00b204e9800998ecf8427e\n");
}

TEST(WriterTest, SuricataSidsAreStableAndInRange) {
  WriterOptions o;
  o.format = Format::kSuricata;
  o.sid_base = 5000;
  o.sid_span = 3;  // forces collisions
  auto w = NewWriter(o);
  ASSERT_TRUE(w.ok());
  std::string out;
  (*w)->Add(Ind(""), {{Kind::kDomain, "a.example"}}, &out);
  Indicator other = Ind("");
  other.id = "indicator--21111111-2222-4333-8444-555555555555";
  (*w)->Add(other, {{Kind::kIpv4, "192.0.2.1"}}, &out);
  std::set<std::string> sids;
  const std::regex sid_re(R"(sid:([0-9]+);)");
  for (std::sregex_iterator it(out.begin(), out.end(), sid_re), end; it != end;
       ++it) {
    sids.insert((*it)[1]);
  }
  EXPECT_EQ(sids, (std::set<std::string>{"5000", "5001", "5002"}));
  o.sid_base = 4294967295;
  o.sid_span = 2;
  EXPECT_FALSE(NewWriter(o).ok());
}

TEST(WriterTest, RpzAndNftAndCsvAndTxt) {
  Indicator ind = Ind("", "bad\nname");
  ind.labels = {"=cmd|' /C calc'!A0", "c2,server"};
  ind.confidence = 80;
  std::vector<Value> values = {{Kind::kDomain, "evil.example"},
                               {Kind::kIpv4, "198.51.100.7"},
                               {Kind::kIpv6, "2001:db8::/32"}};
  std::string rpz = Render(Format::kRpz, ind, values);
  EXPECT_NE(rpz.find("\nevil.example CNAME .\n*.evil.example CNAME .\n"),
            std::string::npos);
  EXPECT_NE(
      rpz.find("; indicator--11111111-2222-4333-8444-555555555555 bad?name\n"),
      std::string::npos);
  EXPECT_EQ(rpz.find("198.51.100.7"), std::string::npos);  // names only

  std::string nft = Render(Format::kNftables, ind, values);
  EXPECT_NE(nft.find("type ipv4_addr\n\t\tflags interval\n\t\tauto-merge\n"
                     "\t\telements = { 198.51.100.7 }"),
            std::string::npos);
  EXPECT_NE(nft.find("elements = { 2001:db8::/32 }"), std::string::npos);

  std::string csv = Render(Format::kCsv, ind, values);
  EXPECT_NE(csv.find(",80,\"'=cmd|' /C calc'!A0;c2,server\","),
            std::string::npos)
      << csv;
  std::string txt = Render(Format::kTxt, ind, values);
  EXPECT_NE(txt.find("# ipv4-addr (1)\n198.51.100.7\n"), std::string::npos);

  WriterOptions o;
  o.format = Format::kRpz;
  o.rpz_zone = "bad zone";
  EXPECT_FALSE(NewWriter(o).ok());
  o.rpz_zone = "rpz.example";
  o.rpz_policy = "redirect";
  EXPECT_FALSE(NewWriter(o).ok());
  o.rpz_redirect = "walled.example";
  EXPECT_TRUE(NewWriter(o).ok());
  o.format = Format::kNftables;
  o.nft_table = "x; flush ruleset";
  EXPECT_FALSE(NewWriter(o).ok());
}

}  // namespace
}  // namespace ncert::blocklist
