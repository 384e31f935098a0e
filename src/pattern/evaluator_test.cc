// Matching: each operator and qualifier, mostly on the STIX 2.1
// specification's own example patterns (section 9.9), with timing edge cases
// for WITHIN, START/STOP and FOLLOWEDBY, and the evaluator's bounds.

#include "pattern/evaluator.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>

#include "pattern/pattern.h"

namespace ncert::pattern {
namespace {

Timestamp T(std::string_view text) {
  auto t = ParseTimestamp(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : Timestamp{};
}

// An observation at [first, last] of SCOs given as JSON objects; they are
// keyed "0", "1", ... (as the embedded `objects` of observed-data are), so
// *_ref values name them that way.
Observation Obs(std::string_view first, std::string_view last,
                std::vector<std::string> scos, int64_t n = 1) {
  Observation o;
  o.first_observed = T(first);
  o.last_observed = T(last);
  o.number_observed = n;
  for (size_t i = 0; i < scos.size(); ++i) {
    auto v = Value::Parse(scos[i]);
    EXPECT_TRUE(v.ok()) << scos[i];
    Sco s;
    s.key = std::to_string(i);
    s.type = std::string(v->StringMember("type"));
    s.object = std::move(*v);
    o.objects.push_back(std::move(s));
  }
  return o;
}
Observation At(std::string_view time, std::vector<std::string> scos,
               int64_t n = 1) {
  return Obs(time, time, std::move(scos), n);
}

MatchResult Eval(std::string_view pattern, const std::vector<Observation>& obs,
                 MatchOptions options = {}) {
  auto c = Compile(pattern);
  EXPECT_TRUE(c.ok()) << pattern << ": "
                      << (c.first_error() ? c.first_error()->ToString() : "");
  if (!c.ok()) return {};
  return c.pattern->Match(obs, options);
}
bool Matches(std::string_view pattern, const std::vector<Observation>& obs) {
  MatchResult r = Eval(pattern, obs);
  EXPECT_NE(r.outcome, MatchResult::Outcome::kLimitReached) << pattern;
  return r.matched();
}

const char* kFileSha =
    R"({"type":"file","name":"foo.dll","size":25536,"hashes":{"SHA-256":"aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f","MD5":"79054025255FB1A26E4BC422AEF54EB4"}})";

// --- Comparison operators ---------------------------------------------------

TEST(PatternMatch, EqualityOnHashes) {
  std::vector<Observation> obs = {At("2024-01-01T00:00:00Z", {kFileSha})};
  EXPECT_TRUE(Matches(
      "[file:hashes.'SHA-256' = "
      "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
      obs));
  // Hash names and hex values compare without case; '-' is optional.
  EXPECT_TRUE(
      Matches("[file:hashes.md5 = '79054025255fb1a26e4bc422aef54eb4']", obs));
  EXPECT_TRUE(Matches(
      "[file:hashes.SHA256 = "
      "'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']",
      obs));
  EXPECT_FALSE(
      Matches("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']", obs));
  // Spec example: OR inside, AND between.
  EXPECT_TRUE(Matches(
      "[file:hashes.'SHA-256' = "
      "'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR "
      "file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4']",
      obs));
}

TEST(PatternMatch, OrderOperators) {
  std::vector<Observation> obs = {At("2024-01-01T00:00:00Z", {kFileSha})};
  EXPECT_TRUE(Matches("[file:size = 25536]", obs));
  EXPECT_TRUE(Matches("[file:size == 25536]", obs));
  EXPECT_TRUE(Matches("[file:size != 1]", obs));
  EXPECT_TRUE(Matches("[file:size <> 1]", obs));
  EXPECT_TRUE(Matches("[file:size > 25535]", obs));
  EXPECT_FALSE(Matches("[file:size > 25536]", obs));
  EXPECT_TRUE(Matches("[file:size >= 25536]", obs));
  EXPECT_TRUE(Matches("[file:size < 25537]", obs));
  EXPECT_FALSE(Matches("[file:size < 25536]", obs));
  EXPECT_TRUE(Matches("[file:size <= 25536]", obs));
  EXPECT_TRUE(Matches("[file:size = 25536.0]", obs));
  EXPECT_TRUE(Matches("[file:size < 25536.5]", obs));
  EXPECT_TRUE(Matches("[file:name > 'foo']", obs));
  EXPECT_TRUE(Matches("[file:name < 'goo']", obs));
  // A string never equals a number; order on mixed types is false.
  EXPECT_FALSE(Matches("[file:size = '25536']", obs));
  EXPECT_FALSE(Matches("[file:size < 'z']", obs));
  EXPECT_TRUE(Matches("[file:size != '25536']", obs));
  // NOT negates the test.
  EXPECT_TRUE(Matches("[file:size NOT = 1]", obs));
  EXPECT_FALSE(Matches("[file:size NOT < 30000]", obs));
  EXPECT_TRUE(Matches("[file:size NOT > 30000]", obs));
}

TEST(PatternMatch, MissingPropertyNeverMatches) {
  std::vector<Observation> obs = {At("2024-01-01T00:00:00Z", {kFileSha})};
  EXPECT_FALSE(Matches("[file:mime_type = 'x']", obs));
  EXPECT_FALSE(Matches("[file:mime_type != 'x']", obs));
  EXPECT_FALSE(Matches("[file:mime_type NOT = 'x']", obs));
  EXPECT_FALSE(Matches("[file:mime_type NOT LIKE 'x%']", obs));
  EXPECT_FALSE(Matches("[ipv4-addr:value != '1.2.3.4']", obs));  // no SCO
}

TEST(PatternMatch, InSet) {
  std::vector<Observation> obs = {At("2024-01-01T00:00:00Z", {kFileSha})};
  EXPECT_TRUE(Matches("[file:name IN ('a.exe', 'foo.dll')]", obs));
  EXPECT_FALSE(Matches("[file:name IN ('a.exe', 'b.dll')]", obs));
  EXPECT_TRUE(Matches("[file:name NOT IN ('a.exe', 'b.dll')]", obs));
  EXPECT_TRUE(Matches("[file:size IN (1024, 25536, 4096)]", obs));
  EXPECT_FALSE(Matches("[file:name IN ()]", obs));
  EXPECT_TRUE(Matches("[file:name NOT IN ()]", obs));
}

TEST(PatternMatch, Like) {
  std::vector<Observation> obs = {
      At("2024-01-01T00:00:00Z",
         {R"({"type":"file","name":"Final Report 2024.exe"})",
          R"({"type":"directory","path":"C:\\Windows\\System32"})",
          R"({"type":"x-thing","label":"日本語テキスト"})"})};
  EXPECT_TRUE(Matches("[file:name LIKE 'Final%']", obs));
  EXPECT_TRUE(Matches("[file:name LIKE '%.exe']", obs));
  EXPECT_TRUE(Matches("[file:name LIKE '%Report%']", obs));
  EXPECT_TRUE(Matches("[file:name LIKE 'Final Report 20__.exe']", obs));
  EXPECT_FALSE(Matches("[file:name LIKE 'Final Report 20_.exe']", obs));
  EXPECT_FALSE(Matches("[file:name LIKE 'final%']", obs));  // case matters
  EXPECT_FALSE(Matches("[file:name LIKE '%.dll']", obs));
  EXPECT_TRUE(Matches("[file:name NOT LIKE '%.dll']", obs));
  EXPECT_TRUE(Matches(R"([directory:path LIKE 'C:\\Windows\\%'])", obs));
  // '_' is one character, not one byte.
  EXPECT_TRUE(Matches("[x-thing:label LIKE '日本_テキスト']", obs));
  EXPECT_TRUE(Matches("[x-thing:label LIKE '___テ%']", obs));
  EXPECT_TRUE(internal::LikeMatch("", "%"));
  EXPECT_FALSE(internal::LikeMatch("", "_"));
  EXPECT_TRUE(internal::LikeMatch("aaa", "%a%a%a%"));
  EXPECT_FALSE(internal::LikeMatch("aa", "%a%a%a%"));
}

TEST(PatternMatch, Matches) {
  std::vector<Observation> obs = {At(
      "2024-01-01T00:00:00Z",
      {R"({"type":"email-addr","value":"alice@ibm.com"})",
       R"({"type":"file","name":"Final Report 2024.exe"})",
       R"({"type":"artifact","mime_type":"application/vnd.tcpdump.pcap","payload_bin":"1MOyoQIABAAAAAAAAAAAAP//AAABAAAA"})"})};
  EXPECT_TRUE(Matches(R"([email-addr:value MATCHES '.+\\@ibm\\.com$'])", obs));
  EXPECT_TRUE(Matches(R"([file:name MATCHES '^Final Report.+\\.exe$'])", obs));
  EXPECT_FALSE(Matches(R"([file:name MATCHES '^Report'])", obs));
  EXPECT_TRUE(Matches(R"([file:name MATCHES 'Report'])", obs));  // search
  EXPECT_TRUE(Matches(R"([file:name NOT MATCHES '^Report'])", obs));
  // Spec example: a regular expression over binary content (payload_bin is
  // base64; \xd4 matches the byte 0xd4).
  EXPECT_TRUE(Matches(
      R"([artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00'])",
      obs));
  EXPECT_FALSE(Matches(R"([artifact:payload_bin MATCHES '^\\xd5'])", obs));
  EXPECT_TRUE(
      Matches("[artifact:payload_bin = "
              "h'd4c3b2a1020004000000000000000000ffff000001000000']",
              obs));
}

TEST(PatternMatch, CidrSemantics) {
  std::vector<Observation> obs = {
      At("2024-01-01T00:00:00Z",
         {R"({"type":"ipv4-addr","value":"198.51.100.7"})",
          R"({"type":"ipv6-addr","value":"2001:db8:dead:beef::1"})",
          R"({"type":"x-net","value":"198.51.100.7"})"})};
  EXPECT_TRUE(Matches("[ipv4-addr:value = '198.51.100.0/24']", obs));
  EXPECT_TRUE(Matches("[ipv4-addr:value = '198.51.100.7']", obs));
  EXPECT_TRUE(Matches("[ipv4-addr:value = '198.51.100.7/32']", obs));
  EXPECT_FALSE(Matches("[ipv4-addr:value = '198.51.101.0/24']", obs));
  EXPECT_TRUE(Matches("[ipv4-addr:value != '198.51.101.0/24']", obs));
  EXPECT_TRUE(
      Matches("[ipv4-addr:value IN ('10.0.0.0/8', '198.51.0.0/16')]", obs));
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", obs));
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUBSET '0.0.0.0/0']", obs));
  EXPECT_FALSE(Matches("[ipv4-addr:value ISSUBSET '198.51.100.8/29']", obs));
  EXPECT_TRUE(Matches("[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8']", obs));
  EXPECT_TRUE(
      Matches("[ipv6-addr:value ISSUBSET "
              "'2001:0db8:dead:beef:0000:0000:0000:0000/64']",
              obs));
  EXPECT_TRUE(
      Matches("[ipv6-addr:value = '2001:0db8:dead:beef:0:0:0:1']", obs));
  // Only ipv4-addr / ipv6-addr values get address semantics with =.
  EXPECT_FALSE(Matches("[x-net:value = '198.51.100.0/24']", obs));
  // ISSUPERSET: the value is a block containing the literal.
  std::vector<Observation> blocks = {
      At("2024-01-01T00:00:00Z",
         {R"({"type":"ipv4-addr","value":"192.168.0.0/16"})"})};
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUPERSET '192.168.1.1']", blocks));
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUPERSET '192.168.1.0/24']", blocks));
  EXPECT_FALSE(Matches("[ipv4-addr:value ISSUPERSET '192.0.0.0/8']", blocks));
  EXPECT_FALSE(Matches("[ipv4-addr:value ISSUBSET '192.168.1.0/24']", blocks));
}

TEST(PatternMatch, Exists) {
  std::vector<Observation> obs = {At("2024-01-01T00:00:00Z", {kFileSha})};
  EXPECT_TRUE(Matches("[EXISTS file:hashes.MD5]", obs));
  EXPECT_FALSE(Matches("[EXISTS file:mime_type]", obs));
  EXPECT_TRUE(Matches("[NOT EXISTS file:mime_type]", obs));
  EXPECT_FALSE(Matches("[NOT EXISTS file:name]", obs));
  EXPECT_FALSE(Matches("[EXISTS ipv4-addr:value]", obs));
}

TEST(PatternMatch, BooleansTimestampsAndBinary) {
  std::vector<Observation> obs = {At(
      "2024-01-01T00:00:00Z",
      {R"({"type":"x509-certificate","is_self_signed":true,"validity_not_before":"2016-03-12T12:00:00Z"})",
       R"({"type":"file","mime_type":"image/bmp","magic_number_hex":"FFD8"})"})};
  EXPECT_TRUE(Matches("[x509-certificate:is_self_signed = true]", obs));
  EXPECT_FALSE(Matches("[x509-certificate:is_self_signed = false]", obs));
  EXPECT_TRUE(Matches(
      "[x509-certificate:validity_not_before = t'2016-03-12T12:00:00.000Z']",
      obs));
  EXPECT_TRUE(Matches(
      "[x509-certificate:validity_not_before < t'2016-03-12T12:00:01Z']", obs));
  EXPECT_FALSE(Matches(
      "[x509-certificate:validity_not_before > t'2016-03-12T12:00:00Z']", obs));
  // Spec example: _hex properties compare as bytes with h'' literals.
  EXPECT_TRUE(Matches(
      "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
      obs));
  EXPECT_FALSE(Matches("[file:magic_number_hex = h'ffd9']", obs));
  EXPECT_TRUE(Matches("[file:magic_number_hex = b'/9g=']", obs));
}

// --- Object paths
// -------------------------------------------------------------

TEST(PatternMatch, ReferencesAndLists) {
  std::vector<Observation> obs = {At(
      "2024-01-01T00:00:00Z",
      {R"({"type":"network-traffic","dst_ref":"1","protocols":["ipv4","tcp"],"dst_port":443})",
       R"({"type":"ipv4-addr","value":"203.0.113.33"})",
       R"({"type":"domain-name","value":"www.5z8.info","resolves_to_refs":["1","3"]})",
       R"({"type":"ipv4-addr","value":"198.51.100.1"})",
       R"({"type":"email-message","is_multipart":true,"sender_ref":"5","subject":"Conference Info","body_multipart":[{"body":"hi"},{"body_raw_ref":"6"}]})",
       R"({"type":"email-addr","value":"jdoe@example.com"})",
       R"({"type":"file","name":"Final Report 2024.exe"})"})};
  EXPECT_TRUE(
      Matches("[network-traffic:dst_ref.type = 'ipv4-addr' AND "
              "network-traffic:dst_ref.value = '203.0.113.33/32']",
              obs));
  EXPECT_TRUE(
      Matches("[domain-name:value = 'www.5z8.info' AND "
              "domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
              obs));
  EXPECT_TRUE(
      Matches("[domain-name:resolves_to_refs[0].value = '203.0.113.33']", obs));
  EXPECT_TRUE(Matches(
      "[domain-name:resolves_to_refs[-1].value = '198.51.100.1']", obs));
  EXPECT_FALSE(
      Matches("[domain-name:resolves_to_refs[2].value = '198.51.100.1']", obs));
  EXPECT_TRUE(
      Matches("[email-message:sender_ref.value = 'jdoe@example.com' AND "
              "email-message:subject = 'Conference Info']",
              obs));
  EXPECT_TRUE(Matches(
      R"([email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\.exe$'])",
      obs));
  EXPECT_TRUE(Matches("[network-traffic:protocols[*] = 'tcp']", obs));
  EXPECT_TRUE(Matches("[network-traffic:protocols[1] = 'tcp']", obs));
  EXPECT_FALSE(Matches("[network-traffic:protocols[0] = 'tcp']", obs));
  // A list is not equal to one of its items.
  EXPECT_FALSE(Matches("[network-traffic:protocols = 'tcp']", obs));
  EXPECT_TRUE(Matches("[network-traffic:'dst_port' = 443]", obs));
}

TEST(PatternMatch, ExtensionsQuotedKeysAndCustomObjects) {
  std::vector<Observation> obs = {At(
      "2024-01-01T00:00:00Z",
      {R"({"type":"file","name":"a.exe","extensions":{"windows-pebinary-ext":{"pe_type":"exe","sections":[{"name":".text","entropy":7.2},{"name":".data","entropy":1.5}]}}})",
       R"({"type":"x-usb-device","usbdrive":{"serial_number":"575833314133343231313937"}})"})};
  EXPECT_TRUE(Matches(
      "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
      obs));
  EXPECT_FALSE(Matches(
      "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.5]",
      obs));
  EXPECT_TRUE(Matches(
      "[file:extensions.'windows-pebinary-ext'.sections[*].entropy < 2]", obs));
  EXPECT_TRUE(Matches(
      "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
      obs));
}

TEST(PatternMatch, StarOverCyclicReferencesTerminates) {
  // Two processes that are each other's parent and child.
  std::vector<Observation> obs = {At(
      "2024-01-01T00:00:00Z",
      {R"({"type":"process","pid":1,"name":"a","parent_ref":"1","child_refs":["1","0"]})",
       R"({"type":"process","pid":2,"name":"b","parent_ref":"0","child_refs":["0","1"]})"})};
  std::string path = "process:child_refs[*]";
  for (int i = 0; i < 40; ++i) path += ".child_refs[*]";
  EXPECT_TRUE(Matches("[" + path + ".pid = 2]", obs));
  std::string parents = "process:parent_ref";
  for (int i = 0; i < 101; ++i) parents += ".parent_ref";
  EXPECT_TRUE(Matches("[" + parents + ".name = 'a']", obs));
  EXPECT_TRUE(Matches("[" + parents + ".name = 'b']", obs));
}

TEST(PatternMatch, ComparisonAndOnOneObject) {
  std::vector<Observation> obs = {At(
      "2004-11-26T11:42:29Z", {R"({"type":"x-person","name":"alice","age":10})",
                               R"({"type":"x-person","name":"bob","age":15})",
                               R"({"type":"x-pet","name":"rex"})"})};
  // Comparisons on one type must hold for the same object...
  EXPECT_TRUE(Matches("[x-person:name = 'alice' AND x-person:age < 20]", obs));
  EXPECT_FALSE(Matches("[x-person:name = 'alice' AND x-person:age > 10]", obs));
  EXPECT_TRUE(
      Matches("[(x-person:name = 'carol' OR x-person:name = 'bob') AND "
              "x-person:age > 10]",
              obs));
  EXPECT_FALSE(
      Matches("[(x-person:name = 'darlene' OR x-person:name = 'carol') AND "
              "(x-person:age < 0 OR x-person:age > 5)]",
              obs));
  EXPECT_TRUE(Matches(
      "[x-person:name = 'alice' OR x-person:age > 1000 AND x-person:age < 0]",
      obs));
  // ... comparisons on different types hold for objects of the same
  // observation.
  EXPECT_TRUE(Matches("[x-person:name = 'bob' AND x-pet:name = 'rex']", obs));
  EXPECT_FALSE(Matches("[x-person:name = 'bob' AND x-pet:name = 'tom']", obs));
  EXPECT_TRUE(Matches(
      "[(x-person:name = 'zed' OR x-pet:name = 'rex') AND x-person:age = 15]",
      obs));
  EXPECT_FALSE(Matches(
      "[(x-person:name = 'zed' OR x-pet:name = 'tom') AND x-person:age = 15]",
      obs));
}

// --- Observation operators
// ------------------------------------------------------

std::string Account(int uid, std::string_view login) {
  return fmt::format(
      R"({{"type":"user-account","account_type":"unix","user_id":"{}","account_login":"{}"}})",
      uid, login);
}

TEST(PatternMatch, AndNeedsDistinctObservations) {
  const char* pattern =
      "[user-account:account_type = 'unix' AND user-account:user_id = '1007' "
      "AND user-account:account_login = 'Peter'] AND "
      "[user-account:account_type = 'unix' AND user-account:user_id = '1008' "
      "AND user-account:account_login = 'Paul'] AND "
      "[user-account:account_type = 'unix' AND user-account:user_id = '1009' "
      "AND user-account:account_login = 'Mary']";
  std::vector<Observation> three = {
      At("2024-01-01T00:00:00Z", {Account(1007, "Peter")}),
      At("2024-01-01T00:01:00Z", {Account(1009, "Mary")}),
      At("2024-01-01T00:02:00Z", {Account(1008, "Paul")})};
  MatchResult r = Eval(pattern, three);
  ASSERT_TRUE(r.matched());
  ASSERT_EQ(r.bindings.size(), 1u);
  ASSERT_EQ(r.bindings[0].size(), 3u);
  EXPECT_EQ(r.bindings[0][0].observation, 0u);
  EXPECT_EQ(r.bindings[0][1].observation, 2u);
  EXPECT_EQ(r.bindings[0][2].observation, 1u);
  // All three accounts in one observation: one observation cannot be bound
  // to three expressions.
  std::vector<Observation> one = {At(
      "2024-01-01T00:00:00Z",
      {Account(1007, "Peter"), Account(1008, "Paul"), Account(1009, "Mary")})};
  EXPECT_FALSE(Matches(pattern, one));
  // ... unless it stands for three observations.
  one[0].number_observed = 3;
  EXPECT_TRUE(Matches(pattern, one));
  EXPECT_FALSE(
      Matches("[x-a:v = 1] AND [x-a:v = 1]",
              {At("2024-01-01T00:00:00Z", {R"({"type":"x-a","v":1})"})}));
}

TEST(PatternMatch, ObservationOr) {
  const char* pattern =
      R"(([file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo'])";
  std::vector<Observation> proc = {
      At("2024-01-01T00:00:00Z", {R"({"type":"process","name":"procfoo"})"})};
  EXPECT_TRUE(Matches(pattern, proc));
  std::vector<Observation> pair = {
      At("2024-01-01T00:00:00Z", {R"({"type":"file","name":"foo.dll"})"}),
      At("2024-01-02T00:00:00Z",
         {R"({"type":"windows-registry-key","key":"HKEY_LOCAL_MACHINE\\foo\\bar"})"})};
  EXPECT_TRUE(Matches(pattern, pair));
  pair.pop_back();
  EXPECT_FALSE(Matches(pattern, pair));
}

const char* kMd5File =
    R"({"type":"file","hashes":{"MD5":"79054025255fb1a26e4bc422aef54eb4"}})";
const char* kRegKey =
    R"({"type":"windows-registry-key","key":"HKEY_LOCAL_MACHINE\\foo\\bar"})";
const char* kFollowedWithin =
    R"(([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) WITHIN 300 SECONDS)";

TEST(PatternMatch, FollowedByOrdersInTime) {
  const char* fb =
      R"([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar'])";
  EXPECT_TRUE(Matches(fb, {At("2024-01-01T00:00:00Z", {kMd5File}),
                           At("2024-01-01T00:00:01Z", {kRegKey})}));
  EXPECT_FALSE(Matches(fb, {At("2024-01-01T00:00:01Z", {kMd5File}),
                            At("2024-01-01T00:00:00Z", {kRegKey})}));
  // The same instant counts as "followed by".
  EXPECT_TRUE(Matches(fb, {At("2024-01-01T00:00:00Z", {kMd5File}),
                           At("2024-01-01T00:00:00Z", {kRegKey})}));
  // Intervals: the registry key may have been seen at any time up to its
  // last_observed, so it can follow a file seen at 00:00:05.
  EXPECT_TRUE(Matches(
      fb, {At("2024-01-01T00:00:05Z", {kMd5File}),
           Obs("2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", {kRegKey})}));
  EXPECT_FALSE(Matches(
      fb, {At("2024-01-01T00:00:06Z", {kMd5File}),
           Obs("2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", {kRegKey})}));
  // Both in one observation: FOLLOWEDBY needs two.
  EXPECT_FALSE(Matches(fb, {At("2024-01-01T00:00:00Z", {kMd5File, kRegKey})}));
  // A chain: a before b before c.
  const char* chain =
      "[x-e:n = 1] FOLLOWEDBY [x-e:n = 2] FOLLOWEDBY [x-e:n = 3]";
  auto e = [](int n) { return fmt::format(R"({{"type":"x-e","n":{}}})", n); };
  EXPECT_TRUE(Matches(chain, {At("2024-01-01T00:00:01Z", {e(1)}),
                              At("2024-01-01T00:00:02Z", {e(2)}),
                              At("2024-01-01T00:00:03Z", {e(3)})}));
  EXPECT_FALSE(Matches(chain, {At("2024-01-01T00:00:01Z", {e(1)}),
                               At("2024-01-01T00:00:03Z", {e(2)}),
                               At("2024-01-01T00:00:02Z", {e(3)})}));
  // a=[10,10], b=[0,20], c=[5,5]: b can follow a and precede c only if
  // a precedes c, which it does not.
  EXPECT_FALSE(Matches(
      chain, {At("2024-01-01T00:00:10Z", {e(1)}),
              Obs("2024-01-01T00:00:00Z", "2024-01-01T00:00:20Z", {e(2)}),
              At("2024-01-01T00:00:05Z", {e(3)})}));
}

TEST(PatternMatch, WithinBoundsTheSpan) {
  // Spec example: exactly 300 seconds apart is within 300 seconds.
  EXPECT_TRUE(
      Matches(kFollowedWithin, {At("2024-01-01T00:00:00Z", {kMd5File}),
                                At("2024-01-01T00:05:00Z", {kRegKey})}));
  EXPECT_FALSE(
      Matches(kFollowedWithin, {At("2024-01-01T00:00:00Z", {kMd5File}),
                                At("2024-01-01T00:05:00.001Z", {kRegKey})}));
  EXPECT_FALSE(
      Matches(kFollowedWithin, {At("2024-01-01T00:05:00Z", {kMd5File}),
                                At("2024-01-01T00:00:00Z", {kRegKey})}));
  // Intervals: the earliest last_observed and latest first_observed decide.
  EXPECT_TRUE(
      Matches(kFollowedWithin,
              {Obs("2024-01-01T00:00:00Z", "2024-01-01T00:02:00Z", {kMd5File}),
               At("2024-01-01T00:07:00Z", {kRegKey})}));
  EXPECT_FALSE(
      Matches(kFollowedWithin,
              {Obs("2024-01-01T00:00:00Z", "2024-01-01T00:01:59Z", {kMd5File}),
               At("2024-01-01T00:07:00Z", {kRegKey})}));
  // Fractional seconds.
  const char* pair_within = "([x-e:n = 1] AND [x-e:n = 2]) WITHIN 0.5 SECONDS";
  auto e = [](int n) { return fmt::format(R"({{"type":"x-e","n":{}}})", n); };
  EXPECT_TRUE(Matches(pair_within, {At("2024-01-01T00:00:00.000Z", {e(1)}),
                                    At("2024-01-01T00:00:00.500Z", {e(2)})}));
  EXPECT_FALSE(Matches(pair_within, {At("2024-01-01T00:00:00.000Z", {e(1)}),
                                     At("2024-01-01T00:00:00.501Z", {e(2)})}));
  // A 3-observation AND ... WITHIN picks the close triple among far ones.
  const char* triple =
      "([x-e:n = 1] AND [x-e:n = 2] AND [x-e:n = 3]) WITHIN 60 SECONDS";
  std::vector<Observation> stream;
  for (int i = 0; i < 50; ++i) {
    std::string t = FormatTimestamp(
        Timestamp::FromMillis(int64_t{1704067200000} + int64_t{i} * 100000), 3);
    stream.push_back(At(t, {e(1 + i % 3)}));
  }
  EXPECT_FALSE(Matches(triple, stream));  // 1, 2, 3 are 100 s apart
  stream.push_back(At("2024-01-01T00:32:10Z", {e(2)}));
  stream.push_back(At("2024-01-01T00:32:50Z", {e(3)}));
  stream.push_back(At("2024-01-01T00:33:05Z", {e(1)}));
  MatchResult r = Eval(triple, stream);
  ASSERT_TRUE(r.matched());
  for (const BoundObservation& b : r.bindings[0]) EXPECT_GE(b.observation, 50u);
}

TEST(PatternMatch, StartStopBoundsObservationTime) {
  const char* p =
      "[x-e:n = 1] START t'2024-01-01T00:00:00Z' STOP t'2024-01-02T00:00:00Z'";
  const char* e1 = R"({"type":"x-e","n":1})";
  EXPECT_TRUE(Matches(p, {At("2024-01-01T00:00:00Z", {e1})}));  // inclusive
  EXPECT_TRUE(Matches(p, {At("2024-01-01T23:59:59.999Z", {e1})}));
  EXPECT_FALSE(Matches(p, {At("2024-01-02T00:00:00Z", {e1})}));  // exclusive
  EXPECT_FALSE(Matches(p, {At("2023-12-31T23:59:59.999Z", {e1})}));
  // An observation interval overlapping the window can be inside it.
  EXPECT_TRUE(
      Matches(p, {Obs("2023-12-31T00:00:00Z", "2024-01-01T00:00:00Z", {e1})}));
  EXPECT_FALSE(
      Matches(p, {Obs("2023-12-30T00:00:00Z", "2023-12-31T00:00:00Z", {e1})}));
  EXPECT_TRUE(
      Matches(p, {Obs("2023-12-01T00:00:00Z", "2024-02-01T00:00:00Z", {e1})}));
  // Upstream example: START/STOP on both sides of an OR.
  const char* two =
      "[network-traffic:src_port = 37020 AND user-account:user_id = 'root'] "
      "START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' OR "
      "[ipv4-addr:value = '192.168.122.83'] "
      "START t'2016-06-01T03:55:00.123Z' STOP t'2016-06-01T04:30:24.743Z'";
  const char* nt =
      R"({"type":"network-traffic","src_port":37020,"protocols":["tcp"]})";
  const char* root = R"({"type":"user-account","user_id":"root"})";
  EXPECT_TRUE(Matches(two, {At("2016-06-01T02:00:00Z", {nt, root})}));
  EXPECT_FALSE(Matches(two, {At("2016-06-01T03:00:00Z", {nt, root})}));
  EXPECT_TRUE(
      Matches(two, {At("2016-06-01T04:00:00Z",
                       {R"({"type":"ipv4-addr","value":"192.168.122.83"})"})}));
  // STOP before START never matches.
  EXPECT_FALSE(Matches(
      "[x-e:n = 1] START t'2024-01-02T00:00:00Z' STOP t'2024-01-01T00:00:00Z'",
      {At("2024-01-01T12:00:00Z", {e1})}));
}

// The OASIS matcher's "complex" cases: observed-data with number_observed
// above 1 stand for several observations.
std::vector<Observation> People() {
  return {At("2004-10-11T21:44:58Z",
             {R"({"type":"x-person","name":"alice","age":10})"}, 2),
          At("2004-10-11T21:45:01Z",
             {R"({"type":"x-person","name":"bob","age":17})"}, 3),
          At("2004-10-11T21:45:02Z",
             {R"({"type":"x-person","name":"carol","age":22})"}, 2)};
}

TEST(PatternMatch, RepeatsUsesNumberObserved) {
  auto obs = People();
  EXPECT_TRUE(Matches("[x-person:age < 20] REPEATS 5 TIMES", obs));
  EXPECT_TRUE(
      Matches("([x-person:age < 20] REPEATS 2 TIMES) REPEATS 2 TIMES", obs));
  EXPECT_TRUE(Matches(
      "[x-person:name > 'aaron'] REPEATS 5 TIMES WITHIN 1 SECONDS", obs));
  EXPECT_TRUE(Matches(
      "([x-person:age < 30] AND [x-person:name > 'aaron']) WITHIN 2 SECONDS "
      "REPEATS 3 TIMES",
      obs));
  EXPECT_FALSE(Matches("[x-person:age < 20] REPEATS 10 TIMES", obs));
  EXPECT_FALSE(Matches("[x-person:age < 20] REPEATS 6 TIMES", obs));
  EXPECT_FALSE(
      Matches("([x-person:age < 20] REPEATS 2 TIMES) REPEATS 3 TIMES", obs));
  EXPECT_TRUE(Matches("[x-person:age < 20] REPEATS 1 TIMES", obs));
  MatchResult r = Eval("[x-person:age < 20] REPEATS 5 TIMES", obs);
  ASSERT_TRUE(r.matched());
  int64_t total = 0;
  for (const BoundObservation& b : r.bindings[0]) total += b.count;
  EXPECT_EQ(total, 5);
}

TEST(PatternMatch, RepeatsNeedsDistinctBindingsInTime) {
  std::vector<Observation> obs;
  for (int i = 0; i < 20; ++i) {
    std::string t = FormatTimestamp(
        Timestamp::FromMillis(int64_t{1097531098000} + int64_t{i} * 1000), 0);
    obs.push_back(At(
        t,
        {fmt::format(R"({{"type":"x-person","name":"alice","age":{}}})", i)}));
  }
  std::vector<std::string> match = {
      "[x-person:age < 20] REPEATS 10 TIMES",
      "[x-person:age < 20] REPEATS 10 TIMES WITHIN 10 SECONDS",
      "[x-person:age < 20] REPEATS 10 TIMES WITHIN 9 SECONDS",
      "[x-person:age < 20] REPEATS 10 TIMES START t'2004-10-11T21:40:00Z' "
      "STOP t'2004-10-11T21:50:00Z'",
      "[x-person:age < 20] REPEATS 10 TIMES AND [x-person:age < 20]",
      "[x-person:age < 20] REPEATS 10 TIMES OR [x-person:age < 20]",
      "[x-person:age < 20] REPEATS 10 TIMES FOLLOWEDBY [x-person:age < 20]",
      "([x-person:age < 20] REPEATS 5 TIMES) REPEATS 2 TIMES",
      "([x-person:age < 20] REPEATS 2 TIMES) REPEATS 5 TIMES",
      "([x-person:age < 20] FOLLOWEDBY [x-person:age > 5]) REPEATS 10 TIMES",
      "([x-person:age < 20] REPEATS 2 TIMES WITHIN 1 SECONDS) REPEATS 10 TIMES",
  };
  std::string ten_and, ten_or;
  for (int i = 0; i < 10; ++i) {
    ten_and += (i ? " AND " : "") + std::string("[x-person:age < 20]");
    ten_or += (i ? " OR " : "") + std::string("[x-person:age < 20]");
  }
  match.push_back(ten_and);
  match.push_back(ten_or);
  for (const std::string& p : match) EXPECT_TRUE(Matches(p, obs)) << p;
  std::vector<std::string> nomatch = {
      "[x-person:age < 20] REPEATS 10 TIMES WITHIN 8 SECONDS",
      "[x-person:age < 20] REPEATS 21 TIMES",
      "[x-person:age < 20] REPEATS 20 TIMES AND [x-person:age < 20]",
      "([x-person:age < 20] REPEATS 2 TIMES WITHIN 0.5 SECONDS) REPEATS 2 "
      "TIMES",
      "[x-person:age > 15] REPEATS 3 TIMES FOLLOWEDBY [x-person:age < 3]",
  };
  for (const std::string& p : nomatch) EXPECT_FALSE(Matches(p, obs)) << p;
}

TEST(PatternMatch, HugeRepeatsIsBounded) {
  std::vector<Observation> obs = {
      At("2024-01-01T00:00:00Z", {R"({"type":"x-e","n":1})"}, 999999999)};
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(Matches("[x-e:n = 1] REPEATS 999999999 TIMES", obs));
  EXPECT_FALSE(Matches("[x-e:n = 1] REPEATS 1000000000 TIMES", obs));
  EXPECT_FALSE(Matches("[x-e:n = 1] REPEATS 9223372036854775807 TIMES", obs));
  // Over a composite expression a huge count cannot be searched one binding
  // at a time: the depth bound stops it.
  MatchResult r =
      Eval("([x-e:n = 1] AND [x-e:n = 1]) REPEATS 400000000 TIMES", obs);
  EXPECT_EQ(r.outcome, MatchResult::Outcome::kLimitReached);
  EXPECT_NE(r.limit.find("evaluation limit reached"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(PatternMatch, StepLimitGivesLimitReached) {
  std::vector<Observation> obs;
  for (int i = 0; i < 30; ++i) {
    std::string t = FormatTimestamp(
        Timestamp::FromMillis(int64_t{1704067200000} + int64_t{i} * 1000), 0);
    obs.push_back(At(t, {fmt::format(R"({{"type":"x-e","n":{}}})", i)}));
  }
  // Ten of any, then one that comes before all of them: no match, but
  // proving it means trying the ways to pick ten.
  std::string p = "(";
  for (int i = 0; i < 10; ++i)
    p += (i ? " AND " : "") + std::string("[x-e:n < 100]");
  p += ") FOLLOWEDBY [x-e:n = 0]";
  MatchOptions o;
  o.max_steps = 20000;
  MatchResult r = Eval(p, obs, o);
  EXPECT_EQ(r.outcome, MatchResult::Outcome::kLimitReached);
  EXPECT_FALSE(r.matched());
  EXPECT_LE(r.steps, o.max_steps + 1);
  // Deep AND chains stop at the depth bound, not on the stack.
  std::string deep;
  for (int i = 0; i < 3000; ++i)
    deep += (i ? " AND " : "") + std::string("[x-e:n < 100]");
  obs[0].number_observed = 5000;
  r = Eval(deep, obs);
  EXPECT_EQ(r.outcome, MatchResult::Outcome::kLimitReached);
}

TEST(PatternMatch, SeveralBindings) {
  std::vector<Observation> obs = {
      At("2024-01-01T00:00:00Z", {R"({"type":"x-e","n":1})"}),
      At("2024-01-01T00:00:01Z", {R"({"type":"x-e","n":1})"}),
      At("2024-01-01T00:00:02Z", {R"({"type":"x-e","n":2})"})};
  MatchOptions o;
  o.max_bindings = 10;
  MatchResult r = Eval("[x-e:n = 1] FOLLOWEDBY [x-e:n = 2]", obs, o);
  ASSERT_TRUE(r.matched());
  EXPECT_EQ(r.bindings.size(), 2u);
  r = Eval("[x-e:n = 1] REPEATS 2 TIMES", obs, o);
  EXPECT_EQ(r.bindings.size(), 1u);  // one set, not its permutations
}

TEST(PatternMatch, ObservationsFromABundle) {
  const char* bundle =
      R"({"type":"bundle","id":"bundle--2a25c3b0-b7b1-4c4c-9d1a-17e7bb5b3f1c","objects":[
{"type":"observed-data","spec_version":"2.1","id":"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf","created":"2016-04-06T19:58:16.000Z","modified":"2016-04-06T19:58:16.000Z","first_observed":"2015-12-21T19:00:00Z","last_observed":"2015-12-21T19:00:00Z","number_observed":50,"object_refs":["network-traffic--f8ae967a-3dc3-5cdf-8f94-8505abff00c2"]},
{"type":"network-traffic","spec_version":"2.1","id":"network-traffic--f8ae967a-3dc3-5cdf-8f94-8505abff00c2","dst_ref":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","dst_port":80,"protocols":["tcp"]},
{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"},
{"type":"observed-data","spec_version":"2.1","id":"observed-data--d5ee7b3c-2d4f-4a55-a53e-7c1f9a2a0b11","created":"2016-04-06T19:58:16.000Z","modified":"2016-04-06T19:58:16.000Z","first_observed":"2015-12-21T19:01:00Z","last_observed":"2015-12-21T19:02:00Z","number_observed":1,"objects":{"0":{"type":"file","name":"evil.exe","parent_directory_ref":"1"},"1":{"type":"directory","path":"C:\\Windows\\System32"}}}
]})";
  std::vector<std::string> errors;
  auto obs = LoadObservationsFromBuffer("bundle.json", bundle, &errors);
  EXPECT_TRUE(errors.empty()) << errors[0];
  ASSERT_EQ(obs.size(), 2u);
  EXPECT_EQ(obs[0].number_observed, 50);
  EXPECT_EQ(obs[0].objects.size(), 2u);  // the traffic and the address it names
  EXPECT_TRUE(
      Matches("[network-traffic:dst_ref.value = '198.51.100.0/24']", obs));
  EXPECT_TRUE(Matches("[ipv4-addr:value = '198.51.100.3']", obs));
  EXPECT_TRUE(Matches(
      "[network-traffic:dst_port = 80] REPEATS 50 TIMES FOLLOWEDBY "
      R"([file:name = 'evil.exe' AND file:parent_directory_ref.path = 'C:\\Windows\\System32'])",
      obs));
  EXPECT_FALSE(
      Matches("[network-traffic:dst_port = 80] REPEATS 51 TIMES", obs));
}

}  // namespace
}  // namespace ncert::pattern
