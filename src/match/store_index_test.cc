// The index built from the store: only current, non-revoked indicators the
// reader may see.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/id.h"
#include "match/matcher.h"
#include "match/normalize.h"
#include "store/sqlite_store.h"

namespace ncert::match {
namespace {

struct Spec {
  int n;
  std::string pattern;
  std::string extra;  // more JSON members: ,"valid_until":"..."
  bool visible_to_member;
};

TEST(StoreIndexTest, VisibilityValidityAndRevocation) {
  FakeClock clock(*ParseTimestamp("2025-06-01T00:00:00Z"));
  store::SqliteOptions options;
  options.path = ":memory:";
  options.clock = &clock;
  auto opened = store::OpenSqliteStore(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<store::Store> s = std::move(*opened);

  const std::vector<Spec> specs = {
      {1, "[ipv4-addr:value = '192.0.2.1']", "", true},
      {2, "[ipv4-addr:value = '192.0.2.2']", "", false},  // TLP:RED, owner only
      {3, "[ipv4-addr:value = '192.0.2.3']",
       R"(,"valid_until":"2025-01-01T00:00:00Z")", true},  // expired
      {4, "[ipv4-addr:value = '192.0.2.4']", R"(,"revoked":true)", true},
      {5, "[ipv4-addr:value = '192.0.2.5']",
       R"(,"valid_from":"2026-01-01T00:00:00Z")", true},  // not yet
      {6, "title: sigma rule", R"(,"pattern_type":"sigma")", true},
  };
  std::vector<stix::Object> objects;
  std::vector<access::AccessLabel> labels;
  for (const Spec& sp : specs) {
    UuidBytes b{};
    b[15] = static_cast<uint8_t>(sp.n);
    stix::Object o;
    o.type = "indicator";
    o.id = "indicator--" + UuidV4FromBytes(b);
    o.spec_version = "2.1";
    o.modified = "2025-01-01T00:00:00.000Z";
    o.version = *ParseTimestamp(o.modified);
    std::string extra = sp.extra;
    if (extra.find("valid_from") == std::string::npos) {
      extra += R"(,"valid_from":"2024-01-01T00:00:00Z")";
    }
    if (extra.find("pattern_type") == std::string::npos) {
      extra += R"(,"pattern_type":"stix")";
    }
    o.json = fmt::format(R"({{"id":"{}","pattern":"{}","type":"indicator"{}}})",
                         o.id, sp.pattern, extra);
    access::AccessLabel l;
    l.owner_org = 1;
    if (sp.visible_to_member) {
      l.tlp = stix::Tlp::kClear;
      l.distribution.everyone = true;
    } else {
      l.tlp = stix::Tlp::kRed;
    }
    objects.push_back(o);
    labels.push_back(l);
  }
  ASSERT_TRUE(s->Put(objects, labels).ok());

  access::Principal member;
  member.org.id = 2;
  member.user.id = 7;
  member.user.role = access::Role::kMember;

  auto for_member = BuildIndexFromStore(*s, store::Reader::As(member), clock);
  ASSERT_TRUE(for_member.ok()) << for_member.status().ToString();
  const IndexStats& st = (*for_member)->stats();
  EXPECT_EQ((*for_member)->size(), 1u);
  EXPECT_EQ(st.not_current, 2);
  EXPECT_EQ(st.revoked, 1);
  EXPECT_EQ(st.skipped_by_pattern_type.at("sigma"), 1);

  Matcher m;
  m.Swap(*for_member);
  MatchScratch scratch;
  auto ids = [&](std::string_view ip) {
    std::vector<Match> out;
    telemetry::Event e;
    e.src_ip = *ParseIp(ip);
    m.Match(e, &scratch, &out);
    return out.size();
  };
  EXPECT_EQ(ids("192.0.2.1"), 1u);
  EXPECT_EQ(ids("192.0.2.2"), 0u);  // hidden from this member: never indexed
  EXPECT_EQ(ids("192.0.2.3"), 0u);
  EXPECT_EQ(ids("192.0.2.4"), 0u);
  EXPECT_EQ(ids("192.0.2.5"), 0u);

  // The system sees the TLP:RED one; after the clock passes valid_from the
  // future one becomes current too.
  clock.Set(*ParseTimestamp("2026-02-01T00:00:00Z"));
  ASSERT_TRUE(m.Rebuild(*s, store::Reader::System(), clock).ok());
  EXPECT_EQ(m.snapshot()->size(), 3u);
  EXPECT_EQ(ids("192.0.2.2"), 1u);
  EXPECT_EQ(ids("192.0.2.5"), 1u);
}

}  // namespace
}  // namespace ncert::match
