#include "match/normalize.h"

#include <gtest/gtest.h>

#include "match/structures_internal.h"

namespace ncert::match {
namespace {

TEST(NormalizeTest, Ip) {
  EXPECT_EQ(ParseIp("1.2.3.4")->family, 4);
  EXPECT_FALSE(ParseIp("01.2.3.4"));
  EXPECT_FALSE(ParseIp("999.1.1.1"));
  EXPECT_FALSE(ParseIp("1.2.3"));
  EXPECT_FALSE(ParseIp("fe80::1%eth0"));
  auto mapped = ParseIp("::ffff:192.0.2.1");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped, ParseIp("192.0.2.1"));
  EXPECT_EQ(ParseIp("2001:db8::1"), ParseIp("2001:0DB8:0:0:0:0:0:1"));
  // The inet_pton rules the engine used before it shared the telemetry
  // readers' parser (a differential run of 3 M mutated addresses found no
  // difference): "::" may stand for one word, a dotted quad only ends an
  // address and has no leading zeros, one "::" at most.
  EXPECT_EQ(ParseIp("1:2:3:4:5:6:7::")->family, 6);
  EXPECT_EQ(ParseIp("::1.2.3.4")->family, 6);
  EXPECT_FALSE(ParseIp("::ffff:01.2.3.4"));
  EXPECT_FALSE(ParseIp("1::2::3"));
  EXPECT_FALSE(ParseIp("1::2:3:4:5:6:7:8"));
  EXPECT_FALSE(ParseIp("1.2.3.4::"));
  EXPECT_FALSE(ParseIp("[::1]"));
  EXPECT_FALSE(ParseIp(" 1.2.3.4"));
  for (const char* s : {"1.2.3.4", "::", "::ffff:1.2.3.4", "fe80::1"}) {
    EXPECT_EQ(ParseIp(s), telemetry::IpAddr::Parse(s)) << s;
  }
}

TEST(NormalizeTest, Prefix) {
  auto p = ParseIpPrefix("192.168.1.77/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->prefix, 24);
  EXPECT_EQ(p->addr, *ParseIp("192.168.1.0"));
  EXPECT_EQ(ParseIpPrefix("0.0.0.0/0")->prefix, 0);
  EXPECT_EQ(ParseIpPrefix("::ffff:10.0.0.0/104")->prefix, 8);
  EXPECT_FALSE(ParseIpPrefix("10.0.0.0/33"));
  EXPECT_FALSE(ParseIpPrefix("10.0.0.0/"));
  EXPECT_FALSE(ParseIpPrefix("10.0.0.0/-1"));
  EXPECT_EQ(ParseIpPrefix("2001:db8::/129"), std::nullopt);
}

TEST(NormalizeTest, Domain) {
  EXPECT_EQ(NormalizeDomain("WWW.Example.COM."), "www.example.com");
  EXPECT_EQ(NormalizeDomain("bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(NormalizeDomain("XN--BCHER-KVA.example"), "xn--bcher-kva.example");
  EXPECT_FALSE(NormalizeDomain(""));
  EXPECT_FALSE(NormalizeDomain("a..b"));
  EXPECT_FALSE(NormalizeDomain("has space.com"));
  EXPECT_FALSE(NormalizeDomain(std::string(64, 'a') + ".com"));
}

TEST(NormalizeTest, DomainAsciiBoundaries) {
  // The one-pass ASCII path: label and name limits at their edges, every
  // rejected byte, and a non-ASCII byte after a fault (the IDNA path decides).
  std::string l63(63, 'a'), l64(64, 'a');
  EXPECT_EQ(NormalizeDomain(l63 + ".Com"), l63 + ".com");
  EXPECT_FALSE(NormalizeDomain(l64 + ".com"));
  EXPECT_FALSE(NormalizeDomain("com." + l64));
  std::string n253 = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');
  ASSERT_EQ(n253.size(), 253u);
  EXPECT_EQ(NormalizeDomain(n253), n253);
  EXPECT_FALSE(NormalizeDomain(n253 + "b"));
  EXPECT_EQ(NormalizeDomain("A.B.."), "a.b");
  EXPECT_FALSE(NormalizeDomain(".a"));
  EXPECT_FALSE(NormalizeDomain("..."));
  for (char bad : {'/', '@', '\\', ' ', '\x7f', '\x01', '\t'}) {
    EXPECT_FALSE(NormalizeDomain(std::string("a") + bad + "b.example")) << +bad;
  }
  EXPECT_FALSE(NormalizeDomain("a..b\xC3\xBC"));
  EXPECT_FALSE(NormalizeDomain("a b.b\xC3\xBC"));
  EXPECT_EQ(NormalizeDomain("ABC-_09.Example"), "abc-_09.example");
  std::string out;
  EXPECT_TRUE(NormalizeDomainInto("x.Example", &out));
  EXPECT_EQ(out, "x.example");
}

TEST(NormalizeTest, Url) {
  EXPECT_EQ(NormalizeUrl("http://a.example?x"), "http://a.example/?x");
  EXPECT_EQ(NormalizeUrl("http://a.example#f"), "http://a.example/");
  EXPECT_EQ(NormalizeUrl("http://a.example/p%41%4a%2F%zz%4"),
            "http://a.example/pAJ%2F%zz%4");
  EXPECT_EQ(NormalizeUrl("http://a.example/%"), "http://a.example/%");
  EXPECT_EQ(NormalizeUrl("http://%41.example/"), "http://a.example/");
  EXPECT_EQ(NormalizeUrl("HTTP://Example.COM"), "http://example.com/");
  EXPECT_EQ(NormalizeUrl("http://example.com:80/a"), "http://example.com/a");
  EXPECT_EQ(NormalizeUrl("https://example.com:443/"), "https://example.com/");
  EXPECT_EQ(NormalizeUrl("https://example.com:8443/"),
            "https://example.com:8443/");
  EXPECT_EQ(NormalizeUrl("http://example.com/%7euser/%2fx%3a#frag"),
            "http://example.com/~user/%2Fx%3A");
  EXPECT_EQ(NormalizeUrl("example.com/a?q=1"), "http://example.com/a?q=1");
  EXPECT_EQ(NormalizeUrl("/gate.php?id=1", "c2.example"),
            "http://c2.example/gate.php?id=1");
  EXPECT_EQ(NormalizeUrl("http://bücher.example/x"),
            "http://xn--bcher-kva.example/x");
  EXPECT_EQ(NormalizeUrl("http://[2001:DB8::1]:80/"), "http://[2001:db8::1]/");
  EXPECT_FALSE(NormalizeUrl("/relative-without-host"));
  EXPECT_FALSE(NormalizeUrl("http://exa mple.com/"));
  EXPECT_FALSE(NormalizeUrl("http://example.com:8x/"));
  EXPECT_EQ(UrlHost("http://user@example.com:8080/a"), "example.com");
}

TEST(NormalizeTest, EmailAndHex) {
  EXPECT_EQ(NormalizeEmail("Alice@Example.COM"), "alice@example.com");
  EXPECT_EQ(NormalizeEmail("a@bücher.example"), "a@xn--bcher-kva.example");
  EXPECT_FALSE(NormalizeEmail("no-at-sign"));
  EXPECT_FALSE(NormalizeEmail("@example.com"));
  EXPECT_EQ(NormalizeHex("ABCdef01"), "abcdef01");
  // Every byte alone: hex digits are lower-cased, anything else rejects.
  for (int c = 0; c < 256; ++c) {
    std::string in(1, static_cast<char>(c));
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
               (c >= 'A' && c <= 'F');
    std::optional<std::string> h = NormalizeHex(in);
    ASSERT_EQ(h.has_value(), hex) << c;
    if (hex) {
      char want = c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a')
                                       : static_cast<char>(c);
      EXPECT_EQ(*h, std::string(1, want)) << c;
    }
  }
  // Lengths around a vector's width, with the fault last.
  for (size_t n = 1; n <= 70; ++n) {
    std::string up(n, 'F');
    EXPECT_EQ(NormalizeHex(up), std::string(n, 'f')) << n;
    up.back() = 'g';
    EXPECT_FALSE(NormalizeHex(up)) << n;
  }
  EXPECT_FALSE(NormalizeHex("xyz"));
  EXPECT_EQ(NormalizeHashAlgorithm("SHA-256"), "sha256");
  EXPECT_EQ(NormalizeHashAlgorithm("'SHA-1'"), "sha1");
}

TEST(RegexTranslationTest, LikeAndRe2) {
  EXPECT_EQ(internal::LikeToRegex("a%b"), "^a.*b$");
  EXPECT_EQ(internal::Re2ToHyperscan("(?P<x>ab)\\(?P<"), "(ab)\\(?P<");
  EXPECT_EQ(internal::EscapeRegex("a.b"), "a\\x2eb");
}

}  // namespace
}  // namespace ncert::match
