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

TEST(NormalizeTest, Url) {
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
