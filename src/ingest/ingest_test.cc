#include "ingest/ingest.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/sqlite_store.h"

namespace ncert::ingest {
namespace {

constexpr char kIndicatorV1[] =
    R"({"type":"indicator","spec_version":"2.1",)"
    R"("id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",)"
    R"("pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
    R"("valid_from":"2016-01-01T00:00:00Z"})";
constexpr char kIndicatorV2[] =
    R"({"type":"indicator","spec_version":"2.1",)"
    R"("id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-06-01T00:00:00.000Z",)"
    R"("pattern":"[ipv4-addr:value = '198.51.100.2']","pattern_type":"stix",)"
    R"("valid_from":"2016-01-01T00:00:00Z"})";
// Same version key as V1, other content.
constexpr char kIndicatorV1Changed[] =
    R"({"type":"indicator","spec_version":"2.1",)"
    R"("id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",)"
    R"("pattern":"[ipv4-addr:value = '203.0.113.9']","pattern_type":"stix",)"
    R"("valid_from":"2016-01-01T00:00:00Z"})";
constexpr char kBadTimestamp[] =
    R"({"type":"indicator","spec_version":"2.1",)"
    R"("id":"indicator--0f2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2024-02-30T25:00:00Z","modified":"2024-02-30T25:00:00Z",)"
    R"("pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
    R"("valid_from":"2016-01-01T00:00:00Z"})";

class IngestTest : public testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.path = ":memory:";
    o.clock = &clock_;
    auto s = store::OpenSqliteStore(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  IngestCounts Ingest(Env& env, const std::vector<std::string>& files,
                      std::vector<Report>* reports = nullptr) {
    IngestOptions o;
    o.batch_size = 100;  // several batches per file
    Ingester ingester(env, *store_, o);
    IngestCallbacks cb;
    cb.on_report = [&](const Report& r) {
      if (reports) reports->push_back(r);
    };
    auto counts = ingester.Ingest(files, cb);
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    return counts.ok() ? *counts : IngestCounts{};
  }

  // Every stored version as one bundle, as `ncert export --all-versions`.
  std::string Export() {
    std::string out =
        R"({"id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[)";
    bool first = true;
    store::Query q;
    q.latest_only = false;
    EXPECT_TRUE(store_
                    ->Scan(store::Reader::System(), q,
                           [&](const store::StoredObject& o) {
                             out += first ? "\n" : ",\n";
                             out += o.json;
                             first = false;
                             return true;
                           })
                    .ok());
    return out + "\n],\"type\":\"bundle\"}\n";
  }

  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<store::Store> store_;
};

TEST_F(IngestTest, VersionsRejectionsAndConflicts) {
  auto env = NewMemEnv();
  std::string bundle =
      std::string(
          R"({"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[)") +
      kIndicatorV1 + "," + kBadTimestamp + "]}";
  ASSERT_TRUE(env->WriteFile("a.json", bundle).ok());
  ASSERT_TRUE(env->WriteFile("b.ndjson", std::string(kIndicatorV2) + "\n" +
                                             kIndicatorV1 + "\n" +
                                             kIndicatorV1Changed + "\n")
                  .ok());
  std::vector<Report> reports;
  IngestCounts c = Ingest(*env, {"a.json", "b.ndjson"}, &reports);
  EXPECT_EQ(c.files, 2);
  EXPECT_EQ(c.new_objects, 1);
  EXPECT_EQ(c.new_versions, 1);
  EXPECT_EQ(c.unchanged, 1);  // V1 again in b.ndjson
  EXPECT_EQ(c.rejected, 2);   // the bad timestamp and the conflicting V1
  std::vector<std::string> rejected;
  for (const auto& r : reports) {
    if (!r.rejected) continue;
    for (const auto& i : r.issues) {
      if (i.severity == stix::Severity::kError) {
        rejected.push_back(r.where.Format(i.pointer) + " " + i.rule);
      }
    }
  }
  EXPECT_NE(std::find(rejected.begin(), rejected.end(),
                      "a.json:/objects/1/created timestamp-format"),
            rejected.end());
  ASSERT_FALSE(rejected.empty());
  EXPECT_EQ(rejected.back(), "b.ndjson:3:/modified version-conflict");
  // The stored latest is V2; V1 is history, the conflicting copy is not there.
  auto latest = store_->Get(store::Reader::System(),
                            "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->modified, "2016-06-01T00:00:00.000Z");
  auto versions =
      store_->Versions(store::Reader::System(),
                       "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].json.find("203.0.113.9"), std::string::npos);
}

// The acceptance test of the foundation: real data in, out, in again.
TEST_F(IngestTest, RealDataRoundTripIsByteStable) {
  auto posix = NewPosixEnv();
  auto files = ExpandPaths(
      *posix,
      {"../shared/data/stix/examples", "../shared/data/attack/ics-attack.json"},
      {".json"});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  std::vector<Report> reports;
  IngestCounts first = Ingest(*posix, *files, &reports);
  for (const auto& r : reports) {
    EXPECT_FALSE(r.rejected) << r.where.Format() << ": " << r.issues[0].rule
                             << ": " << r.issues[0].message;
  }
  EXPECT_EQ(first.rejected, 0);
  EXPECT_GT(first.new_objects, 1826);
  int64_t stored = first.new_objects + first.new_versions + first.history;

  // Re-ingesting the same files changes nothing.
  IngestCounts again = Ingest(*posix, *files);
  EXPECT_EQ(again.new_objects + again.new_versions + again.history, 0);
  EXPECT_EQ(again.unchanged, first.objects);

  // Export, re-ingest the export: a no-op; export again: the same bytes.
  std::string exported = Export();
  auto mem = NewMemEnv();
  ASSERT_TRUE(mem->WriteFile("export.json", exported).ok());
  IngestCounts round = Ingest(*mem, {"export.json"});
  EXPECT_EQ(round.rejected, 0);
  EXPECT_EQ(round.unchanged, stored);
  EXPECT_EQ(round.new_objects + round.new_versions + round.history, 0);
  EXPECT_EQ(Export(), exported);
  auto stats = store_->Stats(store::Reader::System());
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->versions, stored);
}

TEST_F(IngestTest, DuplicateIdsInOneBundle) {
  auto env = NewMemEnv();
  std::string bundle =
      std::string(
          R"({"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[)") +
      kIndicatorV1 + "," + kIndicatorV1 + "," + kIndicatorV1Changed + "]}";
  ASSERT_TRUE(env->WriteFile("dup.json", bundle).ok());
  std::vector<Report> reports;
  IngestCounts c = Ingest(*env, {"dup.json"}, &reports);
  EXPECT_EQ(c.new_objects, 1);
  EXPECT_EQ(c.unchanged, 1);  // the identical second copy
  EXPECT_EQ(c.rejected, 1);   // the third: same version, other content
  std::vector<std::string> seen;
  for (const auto& r : reports) {
    for (const auto& i : r.issues)
      seen.push_back(r.where.pointer + " " + i.rule);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"/objects/1 duplicate-in-file",
                                            "/objects/2 duplicate-in-file",
                                            "/objects/2 version-conflict"}));
  auto latest = store_->Get(store::Reader::System(),
                            "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_NE((*latest)->json.find("198.51.100.1"), std::string::npos);
}

// A 50 MB string is over the default per-object limit: that object is
// rejected by name, its neighbours are stored.
TEST_F(IngestTest, HugeStringIsRejectedAlone) {
  auto env = NewMemEnv();
  std::string huge =
      R"({"type":"note","spec_version":"2.1","id":"note--0f2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","object_refs":["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],"content":")" +
      std::string(50u << 20, 'A') + "\"}";
  ASSERT_TRUE(env->WriteFile("huge.ndjson", std::string(kIndicatorV1) + "\n" +
                                                huge + "\n" + kIndicatorV2 +
                                                "\n")
                  .ok());
  huge.clear();
  huge.shrink_to_fit();
  std::vector<Report> reports;
  IngestCounts c = Ingest(*env, {"huge.ndjson"}, &reports);
  EXPECT_EQ(c.new_objects + c.new_versions, 2);
  EXPECT_EQ(c.rejected, 1);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].where.Format(), "huge.ndjson:2");
  EXPECT_EQ(reports[0].issues[0].rule, "object-too-large");
}

TEST_F(IngestTest, MissingFileIsAnError) {
  auto env = NewMemEnv();
  Ingester ingester(*env, *store_, {});
  auto r = ingester.Ingest({"nope.json"}, {});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ncert::ingest
