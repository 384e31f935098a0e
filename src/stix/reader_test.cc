#include "stix/reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ncert::stix {
namespace {

constexpr char kIndicator[] =
    R"({"type":"indicator","spec_version":"2.1",)"
    R"("id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",)"
    R"("pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
    R"("valid_from":"2016-01-01T00:00:00Z"})";
constexpr char kIdentity[] =
    R"({"type":"identity","spec_version":"2.1",)"
    R"("id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c",)"
    R"("created":"2015-12-21T19:59:11.000Z","modified":"2015-12-21T19:59:11.000Z",)"
    R"("name":"ACME \"quoted\" {braces} [brackets]","identity_class":"organization"})";

struct Collected {
  std::vector<ReadUnit> units;
  int Valid() const {
    int n = 0;
    for (const auto& u : units) n += u.object.has_value();
    return n;
  }
  const ReadUnit* FirstRejected() const {
    for (const auto& u : units) {
      if (!u.object) return &u;
    }
    return nullptr;
  }
};

Collected Read(std::string_view data, ReaderOptions options = {}) {
  auto env = NewMemEnv();
  StixReader reader(*env, options);
  Collected c;
  Status s = reader.ReadBuffer("in.json", data,
                               [&](ReadUnit&& u) { c.units.push_back(std::move(u)); });
  EXPECT_TRUE(s.ok());
  return c;
}

std::string Bundle(const std::vector<std::string>& objects) {
  std::string s =
      R"({"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i) s += ",\n";
    s += objects[i];
  }
  return s + "]}";
}

TEST(ReaderTest, ReadsBundleMembersWithPointers) {
  Collected c = Read(Bundle({kIndicator, kIdentity}));
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_EQ(c.Valid(), 2);
  EXPECT_EQ(c.units[0].where.pointer, "/objects/0");
  EXPECT_EQ(c.units[1].where.pointer, "/objects/1");
  EXPECT_EQ(c.units[1].where.line, 2);
  EXPECT_EQ(c.units[1].where.Format("/name"), "in.json:/objects/1/name");
  EXPECT_EQ(c.units[0].object->type, "indicator");
  EXPECT_EQ(c.units[1].object->object_class, ObjectClass::kSdo);
}

TEST(ReaderTest, ObjectsMayComeBeforeTypeInTheBundle) {
  std::string s = std::string(R"({"objects":[)") + kIndicator +
                  R"(],"id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","type":"bundle"})";
  Collected c = Read(s);
  ASSERT_EQ(c.units.size(), 1u);
  EXPECT_TRUE(c.units[0].object.has_value());
}

TEST(ReaderTest, BadEnvelopeIsReportedAndMembersStillRead) {
  std::string s = std::string(R"({"type":"bundel","id":"bundle--1","objects":[)") +
                  kIndicator + "]}";
  Collected c = Read(s);
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_TRUE(c.units[0].object.has_value());
  const ReadUnit* bad = c.FirstRejected();
  ASSERT_NE(bad, nullptr);
  std::vector<std::string> rules;
  for (const auto& i : bad->issues) rules.push_back(i.rule);
  EXPECT_EQ(rules, (std::vector<std::string>{"bundle-type", "identifier-format"}));
}

TEST(ReaderTest, SingleObjectAndArray) {
  Collected one = Read(kIdentity);
  ASSERT_EQ(one.units.size(), 1u);
  EXPECT_TRUE(one.units[0].object.has_value());
  EXPECT_EQ(one.units[0].where.Format(), "in.json:1");
  Collected arr = Read(std::string("[") + kIdentity + "," + kIndicator + "]");
  ASSERT_EQ(arr.units.size(), 2u);
  EXPECT_EQ(arr.Valid(), 2);
  EXPECT_EQ(arr.units[1].where.pointer, "/1");
}

TEST(ReaderTest, NdjsonLinesAreUnitsAndBadLinesAreRejectedAlone) {
  std::string s = std::string(kIdentity) + "\n" + "{\"type\": oops}\n\n" +
                  kIndicator + "\n" + "{\"a\":1,\"a\":2}\n";
  Collected c = Read(s);
  ASSERT_EQ(c.units.size(), 4u);
  EXPECT_EQ(c.Valid(), 2);
  EXPECT_EQ(c.units[1].where.line, 2);
  EXPECT_EQ(c.units[1].issues[0].rule, "json-syntax");
  EXPECT_EQ(c.units[1].where.Format(), "in.json:2");
  EXPECT_EQ(c.units[2].where.line, 4);
  EXPECT_EQ(c.units[3].issues[0].rule, "json-duplicate-member");
  EXPECT_EQ(c.units[3].issues[0].pointer, "/a");
}

TEST(ReaderTest, SyntaxErrorInOneMemberRejectsOnlyThatMember) {
  std::string broken = R"({"type":"identity","name":tru})";
  Collected c = Read(Bundle({kIndicator, broken, kIdentity}));
  ASSERT_EQ(c.units.size(), 3u);
  EXPECT_EQ(c.Valid(), 2);
  EXPECT_FALSE(c.units[1].object.has_value());
  EXPECT_EQ(c.units[1].where.pointer, "/objects/1");
  EXPECT_EQ(c.units[1].issues[0].rule, "json-syntax");
}

TEST(ReaderTest, InvalidUtf8IsRejected) {
  std::string bad = std::string(kIdentity);
  bad.replace(bad.find("ACME"), 4, "\xff\xfe\xfd\xfc");
  Collected c = Read(Bundle({bad, kIndicator}));
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_EQ(c.units[0].issues[0].rule, "json-invalid-utf8");
  EXPECT_TRUE(c.units[1].object.has_value());
}

TEST(ReaderTest, TruncatedInputNamesWhereTheValueStarted) {
  std::string s = Bundle({kIndicator, kIdentity});
  s.resize(s.size() - 60);
  Collected c = Read(s);
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_TRUE(c.units[0].object.has_value());
  EXPECT_EQ(c.units[1].issues[0].rule, "json-truncated");
  EXPECT_EQ(c.units[1].where.pointer, "/objects/1");
  EXPECT_NE(c.units[1].issues[0].message.find("line 2"), std::string::npos);
}

TEST(ReaderTest, OversizedValueIsRejectedWithBoundedMemory) {
  std::string big = R"({"type":"note","content":")" + std::string(200000, 'x') +
                    R"("})";
  ReaderOptions o;
  o.max_object_bytes = 4096;
  o.chunk_bytes = 1000;
  Collected c = Read(Bundle({big, kIndicator}), o);
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_EQ(c.units[0].issues[0].rule, "object-too-large");
  EXPECT_TRUE(c.units[1].object.has_value());
}

TEST(ReaderTest, DeepNestingIsRejected) {
  std::string deep = R"({"type":"x-deep","x_v":)" + std::string(100, '[') +
                     std::string(100, ']') + "}";
  ReaderOptions o;
  o.max_depth = 32;
  Collected c = Read(Bundle({deep, kIndicator}), o);
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_EQ(c.units[0].issues[0].rule, "json-too-deep");
  EXPECT_TRUE(c.units[1].object.has_value());
}

TEST(ReaderTest, EmptyAndJunkInputAreReported) {
  Collected empty = Read("  \n ");
  ASSERT_EQ(empty.units.size(), 1u);
  EXPECT_EQ(empty.units[0].issues[0].rule, "empty-input");
  Collected junk = Read("hello");
  ASSERT_EQ(junk.units.size(), 1u);
  EXPECT_EQ(junk.units[0].issues[0].rule, "json-syntax");
}

// The scanner must give the same answer wherever the chunks are cut.
TEST(ReaderTest, ChunkBoundariesDoNotMatter) {
  std::string input = Bundle({kIndicator, kIdentity, R"({"type":"bad"})"}) +
                      "\n" + kIdentity + "\n";
  Collected whole = Read(input);
  for (size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
    auto env = NewMemEnv();
    ASSERT_TRUE(env->WriteFile("f.json", input).ok());
    ReaderOptions o;
    o.chunk_bytes = chunk;
    StixReader reader(*env, o);
    std::vector<ReadUnit> units;
    ASSERT_TRUE(reader.ReadFile("f.json", [&](ReadUnit&& u) {
                        units.push_back(std::move(u));
                      }).ok());
    ASSERT_EQ(units.size(), whole.units.size()) << "chunk " << chunk;
    for (size_t i = 0; i < units.size(); ++i) {
      EXPECT_EQ(units[i].where.pointer, whole.units[i].where.pointer);
      EXPECT_EQ(units[i].where.line, whole.units[i].where.line);
      EXPECT_EQ(units[i].object.has_value(), whole.units[i].object.has_value());
      if (units[i].object) {
        EXPECT_EQ(units[i].object->json, whole.units[i].object->json);
      }
    }
    EXPECT_EQ(reader.stats().bytes, input.size());
  }
}

TEST(ReaderTest, MissingFileIsAnOperationalError) {
  auto env = NewMemEnv();
  StixReader reader(*env, {});
  Status s = reader.ReadFile("nope.json", [](ReadUnit&&) {});
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ncert::stix
