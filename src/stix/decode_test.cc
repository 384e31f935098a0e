#include "stix/decode.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace ncert::stix {
namespace {

std::optional<Object> Decode(std::string_view json, std::vector<Issue>* issues) {
  static simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element el;
  EXPECT_EQ(parser.parse(padded).get(el), simdjson::SUCCESS);
  return ValidateAndDecode(el, issues);
}

TEST(DecodeTest, PullsOutIndexedFields) {
  std::vector<Issue> issues;
  auto o = Decode(R"({
    "type": "indicator", "spec_version": "2.1",
    "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:03:48.000Z", "modified": "2016-05-01T00:00:00.000Z",
    "labels": ["malicious-activity", "c2"],
    "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
    "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
    "valid_from": "2016-01-01T00:00:00Z", "valid_until": "2017-01-01T00:00:00Z",
    "x_acme_score": 7, "revoked": false
  })", &issues);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->type, "indicator");
  EXPECT_EQ(o->object_class, ObjectClass::kSdo);
  EXPECT_EQ(o->modified, "2016-05-01T00:00:00.000Z");
  EXPECT_EQ(o->version, *ParseTimestamp("2016-05-01T00:00:00Z"));
  EXPECT_EQ(o->created_by_ref, "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff");
  EXPECT_EQ(o->labels, (std::vector<std::string>{"malicious-activity", "c2"}));
  EXPECT_EQ(o->object_marking_refs.size(), 1u);
  ASSERT_TRUE(o->valid_until.has_value());
  EXPECT_EQ(FormatTimestamp(*o->valid_until), "2017-01-01T00:00:00.000Z");
  EXPECT_FALSE(o->revoked);
  // Custom properties stay, members sorted, no white space.
  EXPECT_NE(o->json.find(R"("x_acme_score":7)"), std::string::npos);
  EXPECT_EQ(o->json.substr(0, 20), R"({"created":"2016-04-)");
}

TEST(DecodeTest, ScoHasNoVersionAndMarkingUsesCreated) {
  std::vector<Issue> issues;
  auto sco = Decode(R"({"type":"ipv4-addr","spec_version":"2.1",
      "id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"})",
                    &issues);
  ASSERT_TRUE(sco.has_value());
  EXPECT_EQ(sco->object_class, ObjectClass::kSco);
  EXPECT_EQ(sco->modified, "");
  EXPECT_EQ(sco->version.micros, 0);
  auto marking = Decode(R"({"type":"marking-definition","spec_version":"2.1",
      "id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
      "created":"2017-01-20T00:00:00.000Z","definition_type":"tlp",
      "name":"TLP:GREEN","definition":{"tlp":"green"}})",
                        &issues);
  ASSERT_TRUE(marking.has_value());
  EXPECT_EQ(marking->object_class, ObjectClass::kMeta);
  EXPECT_EQ(marking->modified, "2017-01-20T00:00:00.000Z");
}

TEST(DecodeTest, RejectsNonObjectsAndDuplicates) {
  std::vector<Issue> issues;
  EXPECT_FALSE(Decode("[1,2]", &issues).has_value());
  EXPECT_EQ(issues.back().rule, "not-an-object");
  issues.clear();
  EXPECT_FALSE(Decode(R"({"type":"identity","type":"identity"})", &issues));
  EXPECT_EQ(issues.back().rule, "json-duplicate-member");
  EXPECT_EQ(issues.back().pointer, "/type");
}

}  // namespace
}  // namespace ncert::stix
