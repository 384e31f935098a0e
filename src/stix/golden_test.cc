// Real data: every STIX example from OASIS (bundles and single objects) and
// the MITRE ATT&CK for ICS bundle read through the reader: all objects valid,
// none lost, and each one's canonical JSON equal to canonicalising the
// original. (stix/interop/ holds JSON Schema interop profiles, not STIX
// content, whatever its SOURCE.md says.)

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>

#include "core/json.h"
#include "stix/reader.h"

namespace ncert::stix {
namespace {

const char* kData = "../shared/data";

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  for (const char* dir : {"stix/examples"}) {
    std::string path = std::string(kData) + "/" + dir;
    for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
      if (e.path().extension() == ".json") files.push_back(e.path().string());
    }
  }
  files.push_back(std::string(kData) + "/attack/ics-attack.json");
  std::sort(files.begin(), files.end());
  return files;
}

TEST(GoldenTest, SharedDataIsThere) {
  // CI lays ../shared beside the clone; without it these tests mean nothing.
  ASSERT_TRUE(std::filesystem::exists(std::string(kData) + "/stix/examples"))
      << "run the tests from the project root with ../shared/data present";
  EXPECT_GE(GoldenFiles().size(), 9u);
}

TEST(GoldenTest, EveryObjectIsReadValidAndCanonical) {
  auto env = NewPosixEnv();
  int64_t total = 0;
  for (const std::string& file : GoldenFiles()) {
    SCOPED_TRACE(file);
    // What a whole-document parse sees: the reference.
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.load(file).get(doc), simdjson::SUCCESS);
    std::map<std::string, std::string> expected;  // id+modified -> canonical
    std::vector<simdjson::dom::element> objects;
    simdjson::dom::array members;
    if (doc["objects"].get_array().get(members) == simdjson::SUCCESS) {
      for (auto o : members) objects.push_back(o);
    } else {
      objects.push_back(doc);  // a file holding a single object
    }
    size_t count = 0;
    for (auto o : objects) {
      std::string canon;
      ASSERT_TRUE(AppendCanonicalJson(o, &canon).ok());
      std::string_view id, modified;
      ASSERT_EQ(o["id"].get_string().get(id), simdjson::SUCCESS);
      if (o["modified"].get_string().get(modified) != simdjson::SUCCESS) {
        modified = {};  // marking definitions have none
      }
      expected[std::string(id) + "@" + std::string(modified)] = canon;
      ++count;
    }

    StixReader reader(*env, {});
    size_t valid = 0;
    ASSERT_TRUE(reader.ReadFile(file, [&](ReadUnit&& u) {
      for (const auto& i : u.issues) {
        EXPECT_NE(i.severity, Severity::kError)
            << u.where.Format(i.pointer) << ": " << i.rule << ": " << i.message;
      }
      if (!u.object) return;
      ++valid;
      auto it = expected.find(u.object->id + "@" +
                              (u.object->modified.empty() ? "" : u.object->modified));
      if (it == expected.end()) {
        // Marking definitions have no "modified": keyed by id alone.
        it = expected.find(u.object->id + "@");
      }
      ASSERT_NE(it, expected.end()) << u.object->id;
      EXPECT_EQ(u.object->json, it->second);
    }).ok());
    EXPECT_EQ(valid, count);
    EXPECT_EQ(reader.stats().rejected, 0);
    total += static_cast<int64_t>(valid);
  }
  EXPECT_GT(total, 1826);  // ATT&CK for ICS alone has 1,826 objects
}

TEST(GoldenTest, AttackIcsHasItsCustomTypesIntact) {
  auto env = NewPosixEnv();
  StixReader reader(*env, {});
  std::map<std::string, int> by_type;
  int with_custom = 0;
  ASSERT_TRUE(reader.ReadFile(std::string(kData) + "/attack/ics-attack.json",
                              [&](ReadUnit&& u) {
                                ASSERT_TRUE(u.object.has_value());
                                by_type[u.object->type]++;
                                if (u.object->json.find("\"x_mitre_") !=
                                    std::string::npos) {
                                  ++with_custom;
                                }
                              }).ok());
  int total = 0;
  for (const auto& [t, n] : by_type) total += n;
  EXPECT_EQ(total, 1826);
  EXPECT_GT(by_type["x-mitre-tactic"], 0);
  EXPECT_GT(by_type["attack-pattern"], 0);
  EXPECT_GT(by_type["relationship"], 0);
  EXPECT_GT(with_custom, 1000);
}

}  // namespace
}  // namespace ncert::stix
