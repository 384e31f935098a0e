// Lexer, parser, semantic checks, canonical text and prefilter.

#include "pattern/pattern.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "pattern/parser.h"

namespace ncert::pattern {
namespace {

using ::testing::HasSubstr;

bool Valid(std::string_view p) { return Compile(p).ok(); }

// The first error, as "column N: message".
std::string ErrorOf(std::string_view p) {
  auto r = Compile(p);
  const Diagnostic* d = r.first_error();
  return d == nullptr ? "valid" : d->ToString();
}
int ErrorColumn(std::string_view p) {
  auto r = Compile(p);
  return r.first_error() == nullptr ? 0 : r.first_error()->column;
}
std::string Canonical(std::string_view p) {
  auto r = Compile(p);
  EXPECT_TRUE(r.ok()) << p << ": " << ErrorOf(p);
  return r.ok() ? r.pattern->canonical() : "";
}
std::vector<std::string> WarningRules(std::string_view p) {
  auto r = Compile(p);
  EXPECT_TRUE(r.ok()) << p << ": " << ErrorOf(p);
  std::vector<std::string> out;
  if (r.ok()) {
    for (const Diagnostic& d : r.pattern->warnings()) out.push_back(d.rule);
  }
  return out;
}

// The remaining cases of the OASIS validator's test_validator.py.
TEST(PatternParse, UpstreamValidatorCases) {
  for (
      const char* p : {
          "[file:extended_properties.'ntfs-ext'.sid = '234']",
          "[ipv4addr:value NOT ISSUBSET '192.168.0.1/24']",
          "[file:file_system_properties.file_name LIKE 'name%']",
          "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
          "[foo:bar=1] REPEATS 9 TIMES",
          R"([win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 SECONDS)",
          R"(([win-registry-key:key = 'hkey_local_machine\\foo\\bar'] REPEATS 2 TIMES) REPEATS 2 TIMES)",
          "[network-traffic:src_port = 37020 AND user-account:user_id = "
          "'root'] START t'2016-06-01T01:30:00.123Z' STOP "
          "t'2016-06-01T02:20:00.123Z' OR [ipv4-addr:value = "
          "'192.168.122.83'] START t'2016-06-01T03:55:00.123Z' STOP "
          "t'2016-06-01T04:30:24.743Z'",
      }) {
    EXPECT_TRUE(Valid(p)) << p << ": " << ErrorOf(p);
  }
  for (
      const char* p : {
          R"([file:name MATCHES /.*\\.dll/])",
          "[file:hashes.MD5 =? 'cead3f77f6cda6ec00f57d76c9a6879f']",
          "[x_whatever:detected == t'2457-73-22T32:81:84.1Z']",
          R"([win-registry-key:key = 'hkey_local_machine\\foo\\bar'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z')",
      }) {
    EXPECT_FALSE(Valid(p)) << p;
  }
}

TEST(PatternParse, ErrorsNameTheColumnAndWhatWasExpected) {
  EXPECT_EQ(ErrorColumn("file:size = 1280"), 1);
  EXPECT_THAT(ErrorOf("file:size = 1280"), HasSubstr("starts with '['"));
  EXPECT_EQ(ErrorColumn("[file:size = ]"), 14);
  EXPECT_THAT(ErrorOf("[file:size = ]"),
              HasSubstr("expected a value after = (a string in single "
                        "quotes, a number, true/false, or b'…', h'…', t'…'); "
                        "found ']'"));
  EXPECT_EQ(ErrorColumn("[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]"),
            20);
  EXPECT_THAT(ErrorOf("[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]"),
              HasSubstr("put strings in single quotes"));
  EXPECT_EQ(ErrorColumn("[file.size = 1280]"), 6);
  EXPECT_THAT(ErrorOf("[file.size = 1280]"), HasSubstr("expected ':'"));
  EXPECT_EQ(ErrorColumn("[file:name MATCHES /.*\\.dll/]"), 20);
  EXPECT_EQ(ErrorColumn("[file:hashes.MD5 =? 'x']"), 19);
  EXPECT_THAT(ErrorOf("[file:hashes.MD5 =? 'x']"),
              HasSubstr("unexpected character '?'"));
  EXPECT_EQ(ErrorColumn("[a:b = 1] WITHIN ]"), 18);
  EXPECT_THAT(ErrorOf("[a:b = 1] WITHIN ]"),
              HasSubstr("expected a positive number of seconds"));
  EXPECT_THAT(ErrorOf("[a:b = 1] WITHIN 5 HOURS"),
              HasSubstr("expected SECONDS"));
  EXPECT_EQ(ErrorColumn("[a:b = 1] WITHIN -5 SECONDS"), 18);
  EXPECT_EQ(ErrorColumn("[network-traffic:dst_ref.value ISSUBSET ]"), 41);
  EXPECT_THAT(ErrorOf("[network-traffic:dst_ref.value ISSUBSET ]"),
              HasSubstr("expected a string literal after ISSUBSET"));
  EXPECT_EQ(ErrorColumn("[artifact:payload_bin = b'====']"), 27);
  EXPECT_THAT(ErrorOf("[artifact:payload_bin = b'====']"), HasSubstr("base64"));
  EXPECT_EQ(ErrorColumn("[foo:bar=1] within 2 seconds"), 13);
  EXPECT_THAT(ErrorOf("[foo:bar=1] within 2 seconds"),
              HasSubstr("keywords are case-sensitive: write WITHIN"));
  EXPECT_THAT(ErrorOf("[x:created = t'2024-13-01T12:00:00Z']"),
              HasSubstr("month 13 is not 01-12"));
  EXPECT_THAT(ErrorOf("[x:created = t'2024-01-15T12:30:45']"),
              HasSubstr("'Z'"));
  EXPECT_THAT(ErrorOf("[a:b = 1"), HasSubstr("expected ']'"));
  EXPECT_THAT(ErrorOf("([a:b = 1]"), HasSubstr("expected ')'"));
  EXPECT_THAT(ErrorOf(""), HasSubstr("found the end of the pattern"));
  // Columns count characters, not bytes.
  EXPECT_EQ(ErrorColumn("[x-a:b = 'ü'] ?"), 15);
}

TEST(PatternParse, Literals) {
  EXPECT_EQ(Canonical("[x-a:b = 'it\\'s a \\\\ path']"),
            "[x-a:b = 'it\\'s a \\\\ path']");
  EXPECT_THAT(ErrorOf("[x-a:b = 'a\\nb']"),
              HasSubstr("invalid escape '\\n' in a string"));
  EXPECT_THAT(ErrorOf("[x-a:b = 'open]"), HasSubstr("unterminated string"));
  EXPECT_EQ(ErrorColumn("[x-a:b = 'open]"), 10);
  EXPECT_EQ(Canonical("[x-a:b = +5]"), "[x-a:b = 5]");
  EXPECT_EQ(Canonical("[x-a:b = -5]"), "[x-a:b = -5]");
  EXPECT_EQ(Canonical("[x-a:b = .5]"), "[x-a:b = 0.5]");
  EXPECT_EQ(Canonical("[x-a:b = -.25]"), "[x-a:b = -0.25]");
  EXPECT_EQ(Canonical("[x-a:b = 7.000]"), "[x-a:b = 7.0]");
  EXPECT_EQ(Canonical("[x-a:b = 0]"), "[x-a:b = 0]");
  EXPECT_THAT(ErrorOf("[x-a:b = 0123]"), HasSubstr("leading zeros"));
  EXPECT_EQ(Canonical("[x-a:b = 99999999999999999999]"),
            "[x-a:b = 100000000000000000000.0]");
  EXPECT_EQ(Canonical("[x-a:b = h'FFd8']"), "[x-a:b = h'ffd8']");
  EXPECT_EQ(Canonical("[x-a:b = h'']"), "[x-a:b = h'']");
  EXPECT_THAT(ErrorOf("[x-a:b = h'abc']"), HasSubstr("even number"));
  EXPECT_THAT(ErrorOf("[x-a:b = h'zz']"), HasSubstr("hex digit"));
  EXPECT_EQ(Canonical("[x-a:b = b'YWJj']"), "[x-a:b = b'YWJj']");
  EXPECT_EQ(Canonical("[x-a:b = b'YQ==']"), "[x-a:b = b'YQ==']");
  EXPECT_FALSE(Valid("[x-a:b = b'']"));
  EXPECT_FALSE(Valid("[x-a:b = b'YQ']"));
  EXPECT_FALSE(Valid("[x-a:b = b'Y=Q=']"));
  EXPECT_EQ(Canonical("[x-a:b = true] AND [x-a:c = false]"),
            "[x-a:b = true] AND [x-a:c = false]");
  EXPECT_FALSE(Valid("[x-a:b = TRUE]"));
  EXPECT_FALSE(Valid("[x-a:b > true]"));
  EXPECT_EQ(Canonical("[x-a:t = t'2024-01-15T12:30:45.123456789Z']"),
            "[x-a:t = t'2024-01-15T12:30:45.123456789Z']");
  EXPECT_TRUE(Valid("[x:created = t'2024-12-31T23:59:60Z']"));  // leap second
  EXPECT_FALSE(Valid("[x:created = t'2024-01-15t12:30:45Z']"));
  EXPECT_FALSE(Valid("[x:created = t'2024-01-15T12:30:45z']"));
  EXPECT_FALSE(Valid("[x:created = t'24-01-15T12:30:45Z']"));
}

TEST(PatternParse, ObjectPaths) {
  EXPECT_EQ(Canonical("[file:extensions.'windows-pebinary-ext'.sections[*]."
                      "entropy > 7.0]"),
            "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > "
            "7.0]");
  EXPECT_EQ(Canonical("[file:'name' = 'a']"), "[file:name = 'a']");
  EXPECT_EQ(Canonical("[x-a:'with space'.'AND'[0][-1] = 1]"),
            "[x-a:'with space'.'AND'[0][-1] = 1]");
  EXPECT_EQ(Canonical("[x-a:b[+2] = 1]"), "[x-a:b[2] = 1]");
  EXPECT_FALSE(Valid("[x-a:b-c = 1]"));  // property names need quotes for '-'
  EXPECT_THAT(ErrorOf("[x-a:b-c = 1]"), HasSubstr("quote property names"));
  EXPECT_FALSE(Valid("[x-a:b.AND = 1]"));
  EXPECT_FALSE(Valid("[AND:b = 1]"));
  EXPECT_FALSE(Valid("[x-a:b[x] = 1]"));
  EXPECT_FALSE(Valid("[x-a:b[1.5] = 1]"));
  EXPECT_FALSE(Valid("[x-a: = 1]"));
}

TEST(PatternParse, OperatorsAndNot) {
  EXPECT_EQ(Canonical("[x-a:b == 1 AND x-a:c <> 2]"),
            "[x-a:b = 1 AND x-a:c != 2]");
  EXPECT_EQ(Canonical("[x-a:b NOT = 1]"), "[x-a:b NOT = 1]");
  EXPECT_EQ(Canonical("[x-a:b NOT <= 1]"), "[x-a:b NOT <= 1]");
  EXPECT_EQ(Canonical("[x-a:b IN(1,2 ,3)]"), "[x-a:b IN (1, 2, 3)]");
  EXPECT_EQ(Canonical("[x-a:b NOT IN ()]"), "[x-a:b NOT IN ()]");
  EXPECT_EQ(Canonical("[x-a:b NOT LIKE 'a%']"), "[x-a:b NOT LIKE 'a%']");
  EXPECT_EQ(Canonical("[x-a:b NOT MATCHES '^a']"), "[x-a:b NOT MATCHES '^a']");
  EXPECT_EQ(Canonical("[ipv4-addr:value NOT ISSUPERSET '10.0.0.0/8']"),
            "[ipv4-addr:value NOT ISSUPERSET '10.0.0.0/8']");
  EXPECT_EQ(Canonical("[EXISTS x-a:b]"), "[EXISTS x-a:b]");
  EXPECT_EQ(Canonical("[NOT EXISTS x-a:b]"), "[NOT EXISTS x-a:b]");
  EXPECT_FALSE(Valid("[x-a:b LIKE 5]"));
  EXPECT_FALSE(Valid("[x-a:b IN 5]"));
  EXPECT_FALSE(Valid("[x-a:b IN (1, )]"));
  EXPECT_FALSE(Valid("[x-a:b NOT]"));
  EXPECT_FALSE(Valid("[NOT x-a:b = 1]"));
  EXPECT_FALSE(Valid("[x-a:b = 1 and x-a:c = 2]"));
  EXPECT_FALSE(Valid("[x-a:b = 1] and [x-a:c = 2]"));
  EXPECT_FALSE(Valid("[x-a:b = 1] FOLLOWEDBY"));
}

TEST(PatternParse, PrecedenceAndAssociativity) {
  // Observation level: AND binds tighter than OR, OR tighter than FOLLOWEDBY.
  EXPECT_EQ(Canonical("[a:b = 1] OR ([a:b = 2] AND [a:b = 3])"),
            "[a:b = 1] OR [a:b = 2] AND [a:b = 3]");
  EXPECT_EQ(Canonical("([a:b = 1] OR [a:b = 2]) AND [a:b = 3]"),
            "([a:b = 1] OR [a:b = 2]) AND [a:b = 3]");
  EXPECT_EQ(Canonical("[a:b = 1] FOLLOWEDBY ([a:b = 2] OR [a:b = 3])"),
            "[a:b = 1] FOLLOWEDBY [a:b = 2] OR [a:b = 3]");
  EXPECT_EQ(Canonical("([a:b = 1] FOLLOWEDBY [a:b = 2]) OR [a:b = 3]"),
            "([a:b = 1] FOLLOWEDBY [a:b = 2]) OR [a:b = 3]");
  // Chains of one operator are one n-ary node, whatever the grouping.
  EXPECT_EQ(Canonical("([a:b = 1] AND [a:b = 2]) AND [a:b = 3]"),
            "[a:b = 1] AND [a:b = 2] AND [a:b = 3]");
  EXPECT_EQ(Canonical("[a:b = 1] AND ([a:b = 2] AND [a:b = 3])"),
            "[a:b = 1] AND [a:b = 2] AND [a:b = 3]");
  // Qualifiers bind tightest: WITHIN applies to the last operand only.
  EXPECT_EQ(Canonical("[a:b = 1] AND [a:b = 2] WITHIN 5 SECONDS"),
            "[a:b = 1] AND [a:b = 2] WITHIN 5 SECONDS");
  EXPECT_EQ(Canonical("([a:b = 1] AND [a:b = 2]) WITHIN 5 SECONDS"),
            "([a:b = 1] AND [a:b = 2]) WITHIN 5 SECONDS");
  EXPECT_EQ(Canonical("([a:b = 1]) WITHIN 5 SECONDS"),
            "[a:b = 1] WITHIN 5 SECONDS");
  // Comparison level: AND binds tighter than OR.
  EXPECT_EQ(Canonical("[a:b = 1 OR (a:c = 2 AND a:d = 3)]"),
            "[a:b = 1 OR a:c = 2 AND a:d = 3]");
  EXPECT_EQ(Canonical("[(a:b = 1 OR a:c = 2) AND a:d = 3]"),
            "[(a:b = 1 OR a:c = 2) AND a:d = 3]");
  EXPECT_EQ(Canonical("( [(network-traffic:dst_port IN(443,6443,8443) AND "
                      "network-traffic:src_packets != 0) ])"),
            "[network-traffic:dst_port IN (443, 6443, 8443) AND "
            "network-traffic:src_packets != 0]");
}

TEST(PatternParse, Qualifiers) {
  EXPECT_TRUE(
      Valid("[a:b = 1] WITHIN 5 SECONDS REPEATS 2 TIMES START "
            "t'2024-01-01T00:00:00Z' STOP t'2024-01-02T00:00:00Z'"));
  EXPECT_TRUE(Valid("[a:b = 1] WITHIN 0.5 SECONDS"));
  EXPECT_EQ(Canonical("[a:b = 1] WITHIN +5 SECONDS"),
            "[a:b = 1] WITHIN 5 SECONDS");
  // Duplicate qualifiers on a bracketed expression are invalid...
  for (const char* p : {"[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS",
                        "[a:b = 1] REPEATS 2 TIMES WITHIN 1 SECONDS REPEATS 3 "
                        "TIMES",
                        "([a:b = 1] REPEATS 2 TIMES REPEATS 3 TIMES)"}) {
    auto r = Compile(p);
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_EQ(r.first_error()->rule, "duplicate-qualifier");
  }
  // ... parenthesized they are valid, and stay so in canonical form.
  EXPECT_EQ(Canonical("([a:b = 1]) WITHIN 5 SECONDS WITHIN 6 SECONDS"),
            "([a:b = 1]) WITHIN 5 SECONDS WITHIN 6 SECONDS");
  EXPECT_EQ(Canonical("([a:b = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS"),
            "([a:b = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS");
  EXPECT_THAT(ErrorOf("[a:b = 1] REPEATS 0 TIMES"), HasSubstr("at least 1"));
  EXPECT_THAT(ErrorOf("[a:b = 1] WITHIN 0 SECONDS"),
              HasSubstr("greater than 0"));
  EXPECT_THAT(ErrorOf("[a:b = 1] REPEATS 99999999999999999999 TIMES"),
              HasSubstr("too large"));
  EXPECT_TRUE(Valid("[a:b = 1] REPEATS 9223372036854775807 TIMES"));
  EXPECT_FALSE(Valid("[a:b = 1] REPEATS 2.5 TIMES"));
  EXPECT_FALSE(
      Valid("[a:b = 1] START '2024-01-01T00:00:00Z' STOP "
            "'2024-01-02T00:00:00Z'"));
  EXPECT_THAT(ErrorOf("[a:b = 1] START '2024-01-01T00:00:00Z'"),
              HasSubstr("expected a timestamp literal"));
}

TEST(PatternParse, CommentsAndWhiteSpace) {
  EXPECT_EQ(Canonical("/* lead */ [a:b = 1] // trailing"), "[a:b = 1]");
  EXPECT_EQ(Canonical("[a:b /* in */ = 1]\n AND\t[a:c\u3000=\u00a02]"),
            "[a:b = 1] AND [a:c = 2]");
  EXPECT_THAT(ErrorOf("[a:b = 1] /* open"), HasSubstr("unterminated comment"));
}

TEST(PatternParse, HostileInputIsBounded) {
  // 1 MB of ORs: parses, checks and renders in well under a second.
  std::string big = "[ipv4-addr:value = '10.0.0.1']";
  while (big.size() < 1000000) big += " OR [ipv4-addr:value = '10.0.0.1']";
  auto start = std::chrono::steady_clock::now();
  auto r = Compile(big);
  EXPECT_TRUE(r.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  std::string huge(2 << 20, ' ');
  EXPECT_EQ(Compile(huge).first_error()->rule, "pattern-too-long");
  // 10,000 nested parentheses: a clear error, not a stack overflow.
  std::string deep =
      std::string(10000, '(') + "[a:b = 1]" + std::string(10000, ')');
  EXPECT_EQ(Compile(deep).first_error()->rule, "pattern-too-deep");
  std::string deep_cmp =
      "[" + std::string(10000, '(') + "a:b = 1" + std::string(10000, ')') + "]";
  EXPECT_EQ(Compile(deep_cmp).first_error()->rule, "pattern-too-deep");
  EXPECT_TRUE(Valid(std::string(50, '(') + "[a:b = 1]" + std::string(50, ')')));
  // Invalid UTF-8, anywhere.
  EXPECT_EQ(Compile("[a:b = '\xff']").first_error()->rule, "invalid-utf8");
  EXPECT_EQ(Compile("[a:b = '\xc0\xaf']").first_error()->rule, "invalid-utf8");
  EXPECT_EQ(Compile("[a:b = '\xed\xa0\x80']").first_error()->rule,
            "invalid-utf8");
  EXPECT_EQ(ErrorColumn("[a:b = 'é\xff']"), 10);
  EXPECT_FALSE(Valid(std::string("[a:b = 1]\0", 10)));
  EXPECT_FALSE(Valid("[a:b = '"));
  EXPECT_FALSE(Valid("[a:b = 'x\\"));
  EXPECT_FALSE(Valid("["));
  EXPECT_FALSE(Valid("[a:b = t'"));
}

TEST(PatternCheck, HashValues) {
  EXPECT_EQ(ErrorOf("[file:hashes.'SHA-256' = 'f00']"),
            "column 26: 'f00' is not a valid SHA-256 hash");
  EXPECT_FALSE(Valid("[file:hashes.MD5 = 'xyz']"));
  EXPECT_FALSE(
      Valid("[file:hashes.md5 IN ('79054025255fb1a26e4bc422aef54eb4', "
            "'nope')]"));
  EXPECT_TRUE(Valid("[file:hashes.MD5 = '79054025255FB1A26E4BC422AEF54EB4']"));
  EXPECT_TRUE(
      Valid("[file:hashes.'SHA3-256' = "
            "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6cc"
            "dfb0019f']"));
  EXPECT_TRUE(
      Valid("[file:hashes.SSDEEP = "
            "'3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']"));
  EXPECT_TRUE(Valid("[file:hashes.'x-custom' = 'anything']"));
  EXPECT_TRUE(Valid("[file:hashes.MD5 LIKE '7905%']"));  // not a hash value
  EXPECT_TRUE(Valid("[file:hashes[*] = '8665c8d477534008b3058b72e2dae8ae']"));
}

TEST(PatternCheck, RegularExpressions) {
  EXPECT_TRUE(Valid("[x-a:b MATCHES '^[IMPORTANT] Please Review Before']"));
  auto backref = Compile(R"([x-a:b MATCHES '(a)\\1'])");
  ASSERT_FALSE(backref.ok());
  EXPECT_EQ(backref.first_error()->rule, "regex");
  EXPECT_THAT(backref.first_error()->message, HasSubstr("backreferences"));
  EXPECT_THAT(ErrorOf("[x-a:b MATCHES 'foo(?=bar)']"),
              HasSubstr("lookahead and lookbehind"));
  EXPECT_THAT(ErrorOf("[x-a:b MATCHES '(?<!x)y']"),
              HasSubstr("lookahead and lookbehind"));
  EXPECT_THAT(ErrorOf("[x-a:b MATCHES 'a++']"), HasSubstr("possessive"));
  EXPECT_THAT(ErrorOf("[x-a:b MATCHES '(unclosed']"),
              HasSubstr("invalid regular expression"));
  EXPECT_EQ(ErrorColumn("[x-a:b MATCHES '(unclosed']"), 16);
}

TEST(PatternCheck, CidrOperands) {
  EXPECT_TRUE(Valid("[ipv4addr:value ISSUBSET '192.168.0.1/24']"));
  EXPECT_TRUE(Valid("[ipv6-addr:value ISSUPERSET '2001:db8::1']"));
  auto r = Compile("[ipv4-addr:value ISSUBSET 'not an address']");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_error()->rule, "cidr");
  EXPECT_FALSE(Valid("[ipv4-addr:value ISSUBSET '10.0.0.0/33']"));
}

TEST(PatternCheck, Warnings) {
  EXPECT_THAT(WarningRules("[emailaddr:value = 'a']"),
              ::testing::ElementsAre("unknown-type"));
  EXPECT_THAT(WarningRules("[indicator:name = 'a']"),
              ::testing::ElementsAre("not-an-sco"));
  EXPECT_THAT(WarningRules("[file:file_name = 'a']"),
              ::testing::ElementsAre("unknown-property"));
  EXPECT_TRUE(WarningRules("[file:x_custom = 'a']").empty());
  EXPECT_TRUE(WarningRules("[x-custom:anything.goes = 'a']").empty());
  EXPECT_THAT(WarningRules("[file:size = 'big']"),
              ::testing::ElementsAre("literal-type"));
  EXPECT_THAT(WarningRules("[network-traffic:start = '2018-04-20T12:36:24Z']"),
              ::testing::ElementsAre("literal-type"));
  EXPECT_THAT(WarningRules("[network-traffic:protocols = 'tcp']"),
              ::testing::ElementsAre("list-index"));
  EXPECT_TRUE(WarningRules("[network-traffic:protocols[*] = 'tcp']").empty());
  EXPECT_THAT(WarningRules("[file:hashes = 'x']"),
              ::testing::ElementsAre("object-value"));
  EXPECT_THAT(WarningRules("[file:size MATCHES '1']"),
              ::testing::ElementsAre("operator-type"));
  EXPECT_THAT(WarningRules("[file:extensions.'ntfs-ext'.nope = 1]"),
              ::testing::ElementsAre("unknown-property"));
  EXPECT_TRUE(
      WarningRules("[file:extensions.'windows-pebinary-ext'.sections[*]."
                   "entropy > 7.0]")
          .empty());
  EXPECT_TRUE(
      WarningRules("[file:parent_directory_ref.path = 'C:\\\\x']").empty());
  EXPECT_THAT(WarningRules("[file:parent_directory_ref.nope = 'x']"),
              ::testing::ElementsAre("unknown-property"));
  EXPECT_TRUE(
      WarningRules("[email-message:to_refs[*].value = 'a@b.c']").empty());
  EXPECT_THAT(WarningRules("[x:created = t'2024-02-30T12:00:00Z']"),
              ::testing::ElementsAre("unknown-type", "timestamp-calendar"));
  EXPECT_THAT(WarningRules("[x-a:b = 1] START t'2024-01-02T00:00:00Z' STOP "
                           "t'2024-01-01T00:00:00Z'"),
              ::testing::ElementsAre("start-stop-order"));
  // Warnings are capped.
  std::string many;
  for (int i = 0; i < 500; ++i)
    many += (i ? " OR " : "") + std::string("[nope:x = 1]");
  auto rules = WarningRules(many);
  EXPECT_EQ(rules.size(), static_cast<size_t>(internal::kMaxWarnings) + 1);
  EXPECT_EQ(rules.back(), "too-many-warnings");
}

TEST(PatternApi, ExpressionsAndDiagnosticText) {
  auto r = Compile("[a:b=1] FOLLOWEDBY ([a:c='x' OR a:d=2] AND [a:b=1])");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r.pattern->expressions(),
              ::testing::ElementsAre("[a:b = 1]", "[a:c = 'x' OR a:d = 2]",
                                     "[a:b = 1]"));
  Diagnostic w{Severity::kWarning, 3, "unknown-type", "x"};
  EXPECT_EQ(w.ToString(), "column 3: warning: x");
}

TEST(PatternApi, Prefilter) {
  auto pf = [](std::string_view p) {
    auto r = Compile(p);
    EXPECT_TRUE(r.ok()) << p;
    return r.pattern->GetPrefilter();
  };
  Prefilter a =
      pf("[domain-name:value = 'evil.example' OR ipv4-addr:value = "
         "'198.51.100.0/24'] AND [file:size > 10]");
  EXPECT_TRUE(a.anchored);
  ASSERT_EQ(a.any_of.size(), 2u);
  EXPECT_EQ(a.any_of[0].object_type, "domain-name");
  EXPECT_EQ(a.any_of[0].kind, PrefilterAtom::Kind::kEquals);
  EXPECT_EQ(a.any_of[0].value, "evil.example");
  EXPECT_EQ(a.any_of[1].kind, PrefilterAtom::Kind::kCidr);
  // AND inside an expression: the most selective side is enough.
  Prefilter b =
      pf("[file:name MATCHES '^x' AND file:hashes.'SHA-256' = "
         "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']");
  ASSERT_EQ(b.any_of.size(), 1u);
  EXPECT_EQ(b.any_of[0].path, "hashes.'SHA-256'");
  // An OR with an unanchored side cannot be prefiltered.
  EXPECT_FALSE(pf("[file:name = 'a'] OR [file:size > 10]").anchored);
  EXPECT_FALSE(pf("[file:name != 'a']").anchored);
  Prefilter c = pf("[file:size IN (1, 2)] REPEATS 3 TIMES");
  ASSERT_EQ(c.any_of.size(), 2u);
  EXPECT_FALSE(c.any_of[0].string_value);
  EXPECT_EQ(c.any_of[0].value, "1");
  Prefilter d = pf("[url:value LIKE 'http://%.evil/%']");
  ASSERT_EQ(d.any_of.size(), 1u);
  EXPECT_EQ(d.any_of[0].kind, PrefilterAtom::Kind::kLike);
}

}  // namespace
}  // namespace ncert::pattern
