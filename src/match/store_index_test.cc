// The index built from the store: only current, non-revoked indicators the
// reader may see.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/env.h"
#include "core/id.h"
#include "core/json.h"
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

std::unique_ptr<store::Store> OpenMemoryStore(Clock& clock) {
  store::SqliteOptions options;
  options.path = ":memory:";
  options.clock = &clock;
  auto opened = store::OpenSqliteStore(options);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(*opened) : nullptr;
}

// An indicator with uuid bytes `b` whose JSON is filled in by the caller.
stix::Object IndicatorShell(const UuidBytes& b) {
  stix::Object o;
  o.type = "indicator";
  o.id = "indicator--" + UuidV4FromBytes(b);
  o.spec_version = "2.1";
  o.modified = "2025-01-01T00:00:00.000Z";
  o.version = *ParseTimestamp(o.modified);
  return o;
}

TEST(StoreIndexTest, VisibilityValidityAndRevocation) {
  FakeClock clock(*ParseTimestamp("2025-06-01T00:00:00Z"));
  std::unique_ptr<store::Store> s = OpenMemoryStore(clock);
  ASSERT_NE(s, nullptr);

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
    stix::Object o = IndicatorShell(b);
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

// The threaded build (workers parse and compile, the scanning thread commits
// in order) gives the same index as the single-threaded one: same counts,
// same problems, same indicator behind every value.
TEST(StoreIndexTest, ThreadedBuildIsTheSameIndex) {
  FakeClock clock(*ParseTimestamp("2025-06-01T00:00:00Z"));
  std::unique_ptr<store::Store> s = OpenMemoryStore(clock);
  ASSERT_NE(s, nullptr);

  // The patterning corpus (valid and invalid patterns, real data), then
  // generated ones of every kind, revoked and expired ones among them.
  std::vector<std::string> patterns;
  auto tsv =
      NewPosixEnv()->ReadFile("../shared/data/stix-patterns/patterns.tsv");
  ASSERT_TRUE(tsv.ok()) << tsv.status().ToString();
  for (std::string_view rest = *tsv; !rest.empty();) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? "" : rest.substr(nl + 1);
    if (!line.empty()) patterns.emplace_back(line.substr(0, line.find('\t')));
  }
  ASSERT_GT(patterns.size(), 30u);
  for (int i = 0; i < 6000; ++i) {
    switch (i % 6) {
      case 0:
        patterns.push_back(fmt::format("[ipv4-addr:value = '198.51.{}.{}']",
                                       i / 256 % 256, i % 256));
        break;
      case 1:
        patterns.push_back(
            fmt::format("[ipv4-addr:value = '10.{}.0.0/16']", i % 256));
        break;
      case 2:
        patterns.push_back(
            fmt::format("[domain-name:value = 'd{}.example']", i));
        break;
      case 3:
        patterns.push_back(
            fmt::format("[url:value MATCHES '^http://x{}\\\\.example/']", i));
        break;
      case 4:
        patterns.push_back(fmt::format(
            "[file:name = 'f{}.exe' AND file:hashes.MD5 = '{:032x}']", i, i));
        break;
      case 5:
        patterns.push_back(fmt::format("[ipv4-addr:value = 'bad{}']", i));
        break;
    }
  }
  std::vector<stix::Object> objects;
  std::vector<access::AccessLabel> labels;
  for (size_t n = 0; n < patterns.size(); ++n) {
    UuidBytes b{};
    b[12] = static_cast<uint8_t>(n >> 24);
    b[13] = static_cast<uint8_t>(n >> 16);
    b[14] = static_cast<uint8_t>(n >> 8);
    b[15] = static_cast<uint8_t>(n);
    stix::Object o = IndicatorShell(b);
    std::string extra = R"(,"valid_from":"2024-01-01T00:00:00Z")";
    if (n % 97 == 0) extra += R"(,"revoked":true)";
    if (n % 89 == 0) extra += R"(,"valid_until":"2025-01-01T00:00:00Z")";
    std::string quoted;
    AppendJsonString(patterns[n], &quoted);
    o.json = fmt::format(
        R"({{"id":"{}","pattern":{},"pattern_type":"stix","type":"indicator"{}}})",
        o.id, quoted, extra);
    access::AccessLabel l;
    l.owner_org = 1;
    l.tlp = stix::Tlp::kClear;
    l.distribution.everyone = true;
    objects.push_back(o);
    labels.push_back(l);
  }
  ASSERT_TRUE(s->Put(objects, labels).ok());

  IndexOptions one, many;
  one.build_threads = 0;
  many.build_threads = 3;
  auto a = BuildIndexFromStore(*s, store::Reader::System(), clock, one);
  auto b = BuildIndexFromStore(*s, store::Reader::System(), clock, many);
  ASSERT_TRUE(a.ok() && b.ok());
  const IndexStats& sa = (*a)->stats();
  const IndexStats& sb = (*b)->stats();
  EXPECT_EQ(sa.seen, static_cast<int64_t>(patterns.size()));
  EXPECT_GT(sa.invalid, 10);  // the corpus' failing cases
  EXPECT_GT(sa.revoked, 0);
  EXPECT_GT(sa.not_current, 0);
  EXPECT_GT(sa.full, 900);
  EXPECT_GT(sa.regex_hyperscan, 950);  // 1,000 less revoked and expired ones
  for (auto [x, y] : {std::pair{sa.seen, sb.seen},
                      {sa.indexed, sb.indexed},
                      {sa.simple, sb.simple},
                      {sa.full, sb.full},
                      {sa.unanchored, sb.unanchored},
                      {sa.invalid, sb.invalid},
                      {sa.revoked, sb.revoked},
                      {sa.not_current, sb.not_current},
                      {sa.no_telemetry, sb.no_telemetry},
                      {sa.regex_hyperscan, sb.regex_hyperscan}}) {
    EXPECT_EQ(x, y);
  }
  EXPECT_EQ(sa.problems, sb.problems);
  EXPECT_EQ((*a)->size(), (*b)->size());

  // Every value finds the same indicators in both.
  Matcher ma, mb;
  ma.Swap(*a);
  mb.Swap(*b);
  MatchScratch scratch_a, scratch_b;
  auto same = [&](const telemetry::Event& e) {
    std::vector<Match> ra, rb;
    ma.Match(e, &scratch_a, &ra);
    mb.Match(e, &scratch_b, &rb);
    std::vector<std::string> ia, ib;
    for (const Match& m : ra) ia.push_back(m.indicator_id);
    for (const Match& m : rb) ib.push_back(m.indicator_id);
    EXPECT_EQ(ia, ib);
    return ia.size();
  };
  size_t matched = 0;
  for (int i = 0; i < 6000; i += 6) {
    telemetry::Event e;
    e.src_ip = *ParseIp(fmt::format("198.51.{}.{}", i / 256 % 256, i % 256));
    e.dst_ip = *ParseIp(fmt::format("10.{}.1.1", (i + 1) % 256));
    std::string dom = fmt::format("www.d{}.example", i + 2);
    std::string url = fmt::format("http://x{}.example/a", i + 3);
    std::string name = fmt::format("f{}.exe", i + 4);
    std::string md5 = fmt::format("{:032x}", i + 4);
    e.domain = dom;
    e.url = url;
    e.file_name = name;
    e.md5 = md5;
    matched += same(e);
  }
  EXPECT_GT(matched, 4000u);
}

}  // namespace
}  // namespace ncert::match
