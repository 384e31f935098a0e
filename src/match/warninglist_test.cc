#include "match/warninglist.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "match/matcher.h"
#include "match/normalize.h"

namespace ncert::match {
namespace {

constexpr char kLists[] = "../shared/data/warninglists/lists";

class RealWarninglistsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = NewPosixEnv().release();
    WarninglistOptions o;
    o.downrank = {"tlds"};
    auto r = WarninglistSet::Load(*env_, kLists, o, &report_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    lists_ = std::shared_ptr<const WarninglistSet>(std::move(*r));
  }
  static void TearDownTestSuite() {
    lists_.reset();
    delete env_;
  }
  static Env* env_;
  static std::shared_ptr<const WarninglistSet> lists_;
  static WarninglistLoadReport report_;
};
Env* RealWarninglistsTest::env_ = nullptr;
std::shared_ptr<const WarninglistSet> RealWarninglistsTest::lists_;
WarninglistLoadReport RealWarninglistsTest::report_;

TEST_F(RealWarninglistsTest, LoadsEveryList) {
  EXPECT_EQ(report_.lists, 136u);
  EXPECT_EQ(report_.bad_lists, 0u);
  EXPECT_GT(report_.entries, 500000u);
  // Bad entries are few and each one is reported with its place.
  EXPECT_LT(report_.bad_entries, 1000u);
  for (const std::string& p : report_.problems) {
    EXPECT_THAT(p, testing::AnyOf(testing::HasSubstr("list.json:/list/"),
                                  testing::HasSubstr("hyperscan")));
  }
}

TEST_F(RealWarninglistsTest, PublicResolverIsSuppressed) {
  MatchScratch scratch;
  WarninglistVerdict v = lists_->Check("8.8.8.8", ValueClass::kIp, &scratch);
  EXPECT_EQ(v.action, WarninglistAction::kSuppress);
  EXPECT_FALSE(v.list.empty());
  v = lists_->Check("2001:4860:4860::8888", ValueClass::kIp, &scratch);
  EXPECT_EQ(v.action, WarninglistAction::kSuppress);
  // An address on no list (checked against every cidr list's entries).
  v = lists_->Check("133.242.0.3", ValueClass::kIp, &scratch);
  EXPECT_EQ(v.action, WarninglistAction::kNone) << v.list;
}

TEST_F(RealWarninglistsTest, GoogleDomainIsSuppressedAndTldsDownranked) {
  MatchScratch scratch;
  WarninglistVerdict v =
      lists_->Check("www.google.com", ValueClass::kDomain, &scratch);
  EXPECT_EQ(v.action, WarninglistAction::kSuppress);
  v = lists_->Check("no-such-host-ncert-test.invalid-tld-xyz",
                    ValueClass::kDomain, &scratch);
  EXPECT_EQ(v.action, WarninglistAction::kNone) << v.list;
}

TEST_F(RealWarninglistsTest, MatcherAttachesTheVerdict) {
  IndexBuilder b;
  b.Add("dns", "stix", "[ipv4-addr:value = '8.8.8.0/24']");
  b.Add("c2", "stix", "[ipv4-addr:value = '133.242.0.3']");
  MatcherOptions mo;
  mo.warninglists = lists_;
  Matcher m(mo);
  m.Swap(b.Build());
  MatchScratch scratch;
  std::vector<Match> out;
  telemetry::Event e;
  e.dst_ip = *ParseIp("8.8.8.8");
  e.src_ip = *ParseIp("133.242.0.3");
  m.Match(e, &scratch, &out);
  ASSERT_EQ(out.size(), 2u);
  for (const Match& x : out) {
    if (x.indicator_id == "dns") {
      EXPECT_EQ(x.warninglist.action, WarninglistAction::kSuppress);
    } else {
      EXPECT_EQ(x.warninglist.action, WarninglistAction::kNone);
    }
  }
}

TEST(WarninglistTest, TypesActionsAndMatchingAttributes) {
  std::vector<std::pair<std::string, std::string>> lists = {
      {"a-cidr", R"({"name":"Nets","version":1,"description":"d","type":"cidr",
        "list":["192.0.2.0/24","2001:db8::/32","not-an-ip"],
        "matching_attributes":["ip-src","ip-dst"]})"},
      {"b-host", R"({"name":"Hosts","version":1,"description":"d",
        "type":"hostname","list":["example.org",".example.net"]})"},
      {"c-sub", R"({"name":"Subs","version":1,"description":"d",
        "type":"substring","list":["tracker"],
        "matching_attributes":["url"]})"},
      {"d-re", R"({"name":"Re","version":1,"description":"d","type":"regex",
        "list":["/^(abuse|noc)@.*$/i"],"matching_attributes":["email-src"]})"},
      {"e-str", R"({"name":"Strs","version":1,"description":"d",
        "type":"string","list":["D41D8CD98F00B204E9800998ECF8427E"]})"},
      {"f-bad", R"({"name":"Bad","version":1,"description":"d",
        "type":"glob","list":[]})"},
      {"g-bad", R"({"name":"NoList","version":1,"description":"d",
        "type":"string"})"},
      {"h-bad", R"([1,2)"},
  };
  WarninglistOptions o;
  o.downrank = {"b-host"};
  WarninglistLoadReport report;
  auto set = WarninglistSet::FromJson(lists, o, &report);
  EXPECT_EQ(report.lists, 5u);
  EXPECT_EQ(report.bad_lists, 3u);
  EXPECT_EQ(report.bad_entries, 1u);
  EXPECT_THAT(
      report.problems,
      testing::Contains(testing::HasSubstr("a-cidr/list.json:/list/2")));
  EXPECT_THAT(report.problems,
              testing::Contains(testing::HasSubstr("f-bad/list.json:/type")));
  MatchScratch s;
  EXPECT_EQ(set->Check("192.0.2.77", ValueClass::kIp, &s).list, "Nets");
  EXPECT_EQ(set->Check("2001:db8::5", ValueClass::kIp, &s).action,
            WarninglistAction::kSuppress);
  // matching_attributes: the CIDR list is for IPs only.
  EXPECT_EQ(set->Check("192.0.2.77", ValueClass::kOther, &s).action,
            WarninglistAction::kNone);
  WarninglistVerdict v = set->Check("www.example.net", ValueClass::kDomain, &s);
  EXPECT_EQ(v.action, WarninglistAction::kDownrank);
  EXPECT_EQ(v.list, "Hosts");
  EXPECT_EQ(set->Check("badexample.org", ValueClass::kDomain, &s).action,
            WarninglistAction::kNone);
  EXPECT_EQ(
      set->Check("http://x.example/TRACKER.js", ValueClass::kUrl, &s).list,
      "Subs");
  EXPECT_EQ(set->Check("http://example.org/a", ValueClass::kUrl, &s).list,
            "Hosts");
  EXPECT_EQ(set->Check("Abuse@x.example", ValueClass::kEmail, &s).list, "Re");
  EXPECT_EQ(
      set->Check("d41d8cd98f00b204e9800998ecf8427e", ValueClass::kHash, &s)
          .list,
      "Strs");
}

TEST(WarninglistTest, MissingFolderAndUnknownNameAreErrors) {
  auto env = NewPosixEnv();
  WarninglistLoadReport report;
  EXPECT_FALSE(
      WarninglistSet::Load(*env, "/nonexistent-ncert", {}, &report).ok());
  WarninglistOptions o;
  o.only = {"no-such-list"};
  auto r = WarninglistSet::Load(*env, kLists, o, &report);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().ToString(), testing::HasSubstr("no-such-list"));
}

}  // namespace
}  // namespace ncert::match
