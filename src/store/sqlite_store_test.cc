#include "store/sqlite_store.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/migrations.h"

namespace ncert::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kStart = 1764115200000000;  // 2025-11-26T00:00:00Z

// UUIDv4s for the tests: "…-4000-8000-0000000000NN".
std::string Uuid(int n) {
  return fmt::format("{:08x}-0000-4000-8000-{:012x}", n, n);
}

std::string IndicatorId(int n) { return "indicator--" + Uuid(n); }

struct Spec {
  std::string type = "indicator";
  std::string id;
  std::string modified = "2025-01-01T00:00:00.000Z";
  std::string name = "test";
  std::vector<std::string> labels;
  std::vector<std::string> markings;
  std::string created_by_ref;
  bool revoked = false;
};

// A hand-built Object whose fields agree with its (canonical) JSON, as the
// STIX decoder would produce it.
stix::Object Make(const Spec& spec) {
  stix::Object o;
  o.type = spec.type;
  o.id = spec.id;
  o.spec_version = "2.1";
  o.modified = spec.modified;
  Result<Timestamp> version = ParseTimestamp(spec.modified);
  EXPECT_TRUE(version.ok()) << version.status().ToString();
  o.version = *version;
  o.created = Timestamp{o.version.micros - 1000};
  o.created_by_ref = spec.created_by_ref;
  o.revoked = spec.revoked;
  o.labels = spec.labels;
  o.object_marking_refs = spec.markings;
  auto list = [](const std::vector<std::string>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) {
      out += (i ? ",\"" : "\"") + v[i] + "\"";
    }
    return out + "]";
  };
  std::string json = "{\"created\":\"" + FormatTimestamp(*o.created, 3) + "\"";
  if (!spec.created_by_ref.empty()) {
    json += ",\"created_by_ref\":\"" + spec.created_by_ref + "\"";
  }
  json += ",\"id\":\"" + spec.id + "\"";
  if (!spec.labels.empty()) json += ",\"labels\":" + list(spec.labels);
  json += ",\"modified\":\"" + spec.modified + "\"";
  json += ",\"name\":\"" + spec.name + "\"";
  if (!spec.markings.empty()) {
    json += ",\"object_marking_refs\":" + list(spec.markings);
  }
  if (spec.type == "indicator") {
    o.valid_from = o.created;
    json +=
        ",\"pattern\":\"[ipv4-addr:value = '198.51.100.1']\""
        ",\"pattern_type\":\"stix\"";
  }
  if (spec.revoked) json += ",\"revoked\":true";
  json += ",\"spec_version\":\"2.1\",\"type\":\"" + spec.type + "\"";
  if (o.valid_from) {
    json += ",\"valid_from\":\"" + FormatTimestamp(*o.valid_from, 3) + "\"";
  }
  o.json = json + "}";
  return o;
}

stix::Object Indicator(int n, std::string modified = "2025-01-01T00:00:00.000Z",
                       std::string name = "test") {
  Spec spec;
  spec.id = IndicatorId(n);
  spec.modified = std::move(modified);
  spec.name = std::move(name);
  return Make(spec);
}

// A fresh directory under the system temp dir, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ncert_store_test_XXXXXX")
            .string();
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }

 private:
  std::string path_;
};

// Runs SQL on the file through a second, raw connection (fault injection and
// schema inspection behind the store's back).
std::string RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string out;
  char* err = nullptr;
  int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* arg, int n, char** values, char**) {
        auto* text = static_cast<std::string*>(arg);
        for (int i = 0; i < n; ++i) {
          *text += (i ? "|" : "");
          *text += values[i] ? values[i] : "NULL";
        }
        *text += "\n";
        return 0;
      },
      &out, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
  return out;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> OpenAt(const std::string& path,
                                int64_t recent_ids_max = 65536) {
    SqliteOptions options;
    options.path = path;
    options.clock = &clock_;
    options.recent_ids_max = recent_ids_max;
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  void SetUp() override { store_ = OpenAt(":memory:"); }

  std::vector<PutOutcome> MustPut(std::vector<stix::Object> objects) {
    Result<std::vector<PutOutcome>> r = store_->Put(objects);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<PutOutcome>{};
  }
  std::optional<StoredObject> MustGet(std::string_view id) {
    Result<std::optional<StoredObject>> r = store_->Get(Reader::System(), id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::nullopt;
  }
  std::vector<StoredObject> MustVersions(std::string_view id) {
    Result<std::vector<StoredObject>> r =
        store_->Versions(Reader::System(), id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<StoredObject>{};
  }
  // "id@modified" of each match, in scan order.
  std::vector<std::string> ScanKeys(const Query& q) {
    std::vector<std::string> keys;
    Status s = store_->Scan(Reader::System(), q, [&](const StoredObject& o) {
      keys.push_back(o.id + "@" + o.modified);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return keys;
  }
  StoreStats MustStats() {
    Result<StoreStats> r = store_->Stats(Reader::System());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : StoreStats{};
  }

  FakeClock clock_{Timestamp{kStart}};
  std::unique_ptr<Store> store_;
};

constexpr auto kNew = PutOutcome::kNew;
constexpr auto kNewVersion = PutOutcome::kNewVersion;
constexpr auto kUnchanged = PutOutcome::kUnchanged;
constexpr auto kHistory = PutOutcome::kHistory;
constexpr auto kConflict = PutOutcome::kConflict;

TEST_F(SqliteStoreTest, NewThenUnchanged) {
  stix::Object a = Indicator(1);
  EXPECT_THAT(MustPut({a}), ElementsAre(kNew));
  clock_.Advance(1000);
  EXPECT_THAT(MustPut({a}), ElementsAre(kUnchanged));

  std::optional<StoredObject> got = MustGet(a.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, a.id);
  EXPECT_EQ(got->type, "indicator");
  EXPECT_EQ(got->modified, a.modified);
  EXPECT_EQ(got->json, a.json);
  EXPECT_TRUE(got->latest);
  EXPECT_EQ(got->added.micros, kStart);  // the first write, not the no-op
  EXPECT_EQ(MustVersions(a.id).size(), 1u);
}

TEST_F(SqliteStoreTest, NewerVersionBecomesLatest) {
  stix::Object v1 = Indicator(1, "2025-01-01T00:00:00.000Z", "one");
  stix::Object v2 = Indicator(1, "2025-02-01T00:00:00.000Z", "two");
  EXPECT_THAT(MustPut({v1}), ElementsAre(kNew));
  EXPECT_THAT(MustPut({v2}), ElementsAre(kNewVersion));
  EXPECT_EQ(MustGet(v1.id)->json, v2.json);
  std::vector<StoredObject> versions = MustVersions(v1.id);
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].json, v1.json);
  EXPECT_FALSE(versions[0].latest);
  EXPECT_EQ(versions[1].json, v2.json);
  EXPECT_TRUE(versions[1].latest);
}

TEST_F(SqliteStoreTest, OlderVersionArrivingLaterIsHistory) {
  stix::Object v1 = Indicator(1, "2025-01-01T00:00:00.000Z", "one");
  stix::Object v2 = Indicator(1, "2025-02-01T00:00:00.000Z", "two");
  stix::Object v3 = Indicator(1, "2025-03-01T00:00:00.000Z", "three");
  EXPECT_THAT(MustPut({v2}), ElementsAre(kNew));
  EXPECT_THAT(MustPut({v1}), ElementsAre(kHistory));
  EXPECT_EQ(MustGet(v1.id)->json, v2.json);
  EXPECT_THAT(MustPut({v1}), ElementsAre(kUnchanged));  // history is stored

  EXPECT_THAT(MustPut({v3}), ElementsAre(kNewVersion));
  std::vector<StoredObject> versions = MustVersions(v1.id);
  ASSERT_EQ(versions.size(), 3u);  // oldest first, whatever the arrival
  EXPECT_EQ(versions[0].modified, v1.modified);
  EXPECT_EQ(versions[1].modified, v2.modified);
  EXPECT_EQ(versions[2].modified, v3.modified);
  EXPECT_FALSE(versions[0].latest);
  EXPECT_FALSE(versions[1].latest);
  EXPECT_TRUE(versions[2].latest);
  EXPECT_EQ(MustGet(v1.id)->json, v3.json);

  StoreStats stats = MustStats();
  EXPECT_EQ(stats.objects, 1);
  EXPECT_EQ(stats.versions, 3);
}

TEST_F(SqliteStoreTest, SameVersionOtherBytesIsConflict) {
  stix::Object a = Indicator(1, "2025-01-01T00:00:00.000Z", "original");
  stix::Object b = Indicator(1, "2025-01-01T00:00:00.000Z", "tampered");
  EXPECT_THAT(MustPut({a}), ElementsAre(kNew));
  EXPECT_THAT(MustPut({b}), ElementsAre(kConflict));
  EXPECT_EQ(MustGet(a.id)->json, a.json);
  EXPECT_EQ(MustVersions(a.id).size(), 1u);
  EXPECT_EQ(MustStats().versions, 1);
}

TEST_F(SqliteStoreTest, RepeatsInOneBatchAreJudgedAgainstTheEarlierCopy) {
  stix::Object a = Indicator(1);
  stix::Object b1 = Indicator(2, "2025-01-01T00:00:00.000Z");
  stix::Object b2 = Indicator(2, "2025-01-02T00:00:00.000Z");
  stix::Object c1 = Indicator(3, "2025-01-01T00:00:00.000Z");
  stix::Object c2 = Indicator(3, "2025-01-02T00:00:00.000Z");
  stix::Object d = Indicator(4, "2025-01-01T00:00:00.000Z", "d");
  stix::Object d_other = Indicator(4, "2025-01-01T00:00:00.000Z", "d'");
  EXPECT_THAT(MustPut({a, a, b1, b2, c2, c1, d, d_other, b1}),
              ElementsAre(kNew, kUnchanged, kNew, kNewVersion, kNew, kHistory,
                          kNew, kConflict, kUnchanged));
  EXPECT_EQ(MustGet(b1.id)->json, b2.json);
  EXPECT_EQ(MustGet(c1.id)->json, c2.json);
  EXPECT_EQ(MustGet(d.id)->json, d.json);
  StoreStats stats = MustStats();
  EXPECT_EQ(stats.objects, 4);
  EXPECT_EQ(stats.versions, 6);
}

TEST_F(SqliteStoreTest, EmptyBatch) {
  EXPECT_TRUE(MustPut({}).empty());
  EXPECT_EQ(MustStats().versions, 0);
}

TEST_F(SqliteStoreTest, GetAndVersionsOfUnknownOrMalformedIds) {
  EXPECT_FALSE(MustGet(IndicatorId(9)).has_value());
  EXPECT_TRUE(MustVersions(IndicatorId(9)).empty());
  EXPECT_FALSE(MustGet("malware--" + Uuid(9)).has_value());  // unknown type
  Result<std::optional<StoredObject>> bad =
      store_->Get(Reader::System(), "indicator--nope");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Versions(Reader::System(), "nope").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, SameUuidUnderTwoTypesAreTwoObjects) {
  Spec malware;
  malware.type = "malware";
  malware.id = "malware--" + Uuid(1);
  EXPECT_THAT(MustPut({Indicator(1), Make(malware)}), ElementsAre(kNew, kNew));
  EXPECT_EQ(MustGet("malware--" + Uuid(1))->type, "malware");
  EXPECT_EQ(MustGet(IndicatorId(1))->type, "indicator");
}

TEST_F(SqliteStoreTest, TextIsReturnedAsWritten) {
  // modified in forms other than the millisecond one, and an upper-case UUID:
  // the store keeps these as text instead of rebuilding them.
  const char* forms[] = {"2025-01-01T00:00:00Z", "2025-01-01T00:00:00.1Z",
                         "2025-01-01T00:00:00.123456Z",
                         "2016-12-31T23:59:60.000Z"};
  int n = 1;
  for (const char* modified : forms) {
    stix::Object o = Indicator(n++, modified);
    EXPECT_THAT(MustPut({o}), ElementsAre(kNew));
    EXPECT_EQ(MustGet(o.id)->modified, modified);
  }
  Spec upper;
  upper.id = "indicator--0000ABCD-0000-4000-8000-00000000ABCD";
  stix::Object u = Make(upper);
  EXPECT_THAT(MustPut({u}), ElementsAre(kNew));
  EXPECT_EQ(MustGet(u.id)->id, u.id);
  // RFC 4122: UUIDs compare case-insensitively, so both spellings find it.
  EXPECT_EQ(MustGet("indicator--0000abcd-0000-4000-8000-00000000abcd")->id,
            u.id);

  // An SCO has no version: modified is empty and the version is 0.
  stix::Object sco;
  sco.type = "ipv4-addr";
  sco.id = "ipv4-addr--" + Uuid(77);
  sco.object_class = stix::ObjectClass::kSco;
  sco.spec_version = "2.1";
  sco.json = "{\"id\":\"" + sco.id +
             "\",\"spec_version\":\"2.1\",\"type\":\"ipv4-addr\",\"value\":"
             "\"198.51.100.7\"}";
  EXPECT_THAT(MustPut({sco, sco}), ElementsAre(kNew, kUnchanged));
  std::optional<StoredObject> got = MustGet(sco.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->modified, "");
  EXPECT_EQ(got->json, sco.json);
}

TEST_F(SqliteStoreTest, InvalidObjectRejectsTheBatchBeforeWriting) {
  stix::Object wrong_type = Indicator(2);
  wrong_type.type = "malware";
  stix::Object bad_id = Indicator(3);
  bad_id.id = "indicator--not-a-uuid";
  stix::Object no_json = Indicator(4);
  no_json.json.clear();
  for (const stix::Object& bad : {wrong_type, bad_id, no_json}) {
    std::vector<stix::Object> batch = {Indicator(1), bad};
    Result<std::vector<PutOutcome>> r = store_->Put(batch);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("object 1 of 2"));
    EXPECT_FALSE(MustGet(IndicatorId(1)).has_value());
  }
}

TEST_F(SqliteStoreTest, AddedFollowsTheClockAndNeverGoesBack) {
  MustPut({Indicator(1)});
  MustPut({Indicator(2)});  // clock not moved: one microsecond later
  clock_.Set(Timestamp{kStart - 5000000});  // clock steps back
  MustPut({Indicator(3)});
  clock_.Set(Timestamp{kStart + 10000000});
  MustPut({Indicator(4), Indicator(5)});
  EXPECT_EQ(MustGet(IndicatorId(1))->added.micros, kStart);
  EXPECT_EQ(MustGet(IndicatorId(2))->added.micros, kStart + 1);
  EXPECT_EQ(MustGet(IndicatorId(3))->added.micros, kStart + 2);
  EXPECT_EQ(MustGet(IndicatorId(4))->added.micros, kStart + 10000000);
  EXPECT_EQ(MustGet(IndicatorId(5))->added.micros, kStart + 10000000);
}

class ScanTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    // Inserted out of order on purpose; the scan order is (type, id, version).
    Spec m;
    m.type = "malware";
    m.id = "malware--" + Uuid(5);
    m.labels = {"ransomware"};
    Spec ap;
    ap.type = "attack-pattern";
    ap.id = "attack-pattern--" + Uuid(7);
    MustPut({Make(m)});
    clock_.Advance(1000000);
    Spec i3;
    i3.id = IndicatorId(3);
    i3.modified = "2025-01-03T00:00:00.000Z";
    i3.labels = {"c2", "botnet"};
    Spec i1 = i3;
    i1.id = IndicatorId(1);
    i1.modified = "2025-01-01T00:00:00.000Z";
    i1.labels = {"c2"};
    Spec i1b = i1;
    i1b.modified = "2025-01-05T00:00:00.000Z";
    i1b.labels = {"phishing"};
    Spec i2 = i1;
    i2.id = IndicatorId(2);
    i2.modified = "2025-01-02T00:00:00.000Z";
    i2.labels = {"c2", "c2"};  // a repeated label is stored once
    MustPut({Make(i3), Make(i1), Make(ap)});
    clock_.Advance(1000000);
    MustPut({Make(i1b), Make(i2)});
  }
  std::string I(int n, int day) {
    return fmt::format("{}@2025-01-0{}T00:00:00.000Z", IndicatorId(n), day);
  }
  std::string Other(const char* type, int n) {
    return fmt::format("{}--{}@2025-01-01T00:00:00.000Z", type, Uuid(n));
  }
};

TEST_F(ScanTest, LatestOfAllTypesInOrder) {
  EXPECT_THAT(ScanKeys(Query{}),
              ElementsAre(Other("attack-pattern", 7), I(1, 5), I(2, 2), I(3, 3),
                          Other("malware", 5)));
}

TEST_F(ScanTest, EveryVersion) {
  Query q;
  q.latest_only = false;
  q.types = {"indicator"};
  EXPECT_THAT(ScanKeys(q), ElementsAre(I(1, 1), I(1, 5), I(2, 2), I(3, 3)));
}

TEST_F(ScanTest, Filters) {
  Query q;
  q.types = {"malware", "attack-pattern", "no-such-type"};
  EXPECT_THAT(ScanKeys(q),
              ElementsAre(Other("attack-pattern", 7), Other("malware", 5)));

  q = Query{};
  q.label = "c2";  // i1's latest version no longer has it
  EXPECT_THAT(ScanKeys(q), ElementsAre(I(2, 2), I(3, 3)));
  q.latest_only = false;
  EXPECT_THAT(ScanKeys(q), ElementsAre(I(1, 1), I(2, 2), I(3, 3)));
  q.label = "unknown-label";
  EXPECT_TRUE(ScanKeys(q).empty());

  q = Query{};
  q.modified_since = *ParseTimestamp("2025-01-03T00:00:00.000Z");
  EXPECT_THAT(ScanKeys(q), ElementsAre(I(1, 5), I(3, 3)));

  q = Query{};
  q.added_after = Timestamp{kStart};  // everything but the first Put
  q.latest_only = false;
  EXPECT_THAT(ScanKeys(q), ElementsAre(Other("attack-pattern", 7), I(1, 1),
                                       I(1, 5), I(2, 2), I(3, 3)));
  q.added_after = Timestamp{kStart + 1000000};
  EXPECT_THAT(ScanKeys(q), ElementsAre(I(1, 5), I(2, 2)));
}

TEST_F(ScanTest, LimitSpansTypesAndCallbackStops) {
  Query q;
  q.limit = 3;
  EXPECT_THAT(ScanKeys(q),
              ElementsAre(Other("attack-pattern", 7), I(1, 5), I(2, 2)));
  q.limit = 0;
  EXPECT_TRUE(ScanKeys(q).empty());

  int calls = 0;
  ASSERT_TRUE(store_
                  ->Scan(Reader::System(), Query{},
                         [&](const StoredObject&) { return ++calls < 2; })
                  .ok());
  EXPECT_EQ(calls, 2);
}

TEST_F(ScanTest, Stats) {
  StoreStats stats = MustStats();
  EXPECT_EQ(stats.objects, 5);
  EXPECT_EQ(stats.versions, 6);
  EXPECT_THAT(
      stats.latest_by_type,
      ElementsAre(std::pair<const std::string, int64_t>{"attack-pattern", 1},
                  std::pair<const std::string, int64_t>{"indicator", 3},
                  std::pair<const std::string, int64_t>{"malware", 1}));
  EXPECT_GT(stats.file_bytes, 0);
}

class SqliteFileTest : public SqliteStoreTest {
 protected:
  void SetUp() override { path_ = dir_.File("ncert.db"); }
  TempDir dir_;
  std::string path_;
};

TEST_F(SqliteFileTest, ReopenKeepsDataAndSchema) {
  store_ = OpenAt(path_);
  ASSERT_NE(store_, nullptr);
  Spec spec;
  spec.id = IndicatorId(1);
  spec.labels = {"c2"};
  spec.markings = {"marking-definition--" + Uuid(100)};
  spec.created_by_ref = "identity--" + Uuid(200);
  spec.revoked = true;
  stix::Object a = Make(spec);
  MustPut({a});
  StoreStats before = MustStats();
  std::string schema = RawSql(path_, "SELECT sql FROM sqlite_schema");
  store_.reset();

  store_ = OpenAt(path_);  // reopening migrates nothing
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(RawSql(path_, "SELECT sql FROM sqlite_schema"), schema);
  EXPECT_EQ(RawSql(path_, "PRAGMA user_version"),
            fmt::format("{}\n", LatestSchemaVersion()));
  EXPECT_EQ(RawSql(path_, "PRAGMA journal_mode"), "wal\n");
  EXPECT_EQ(MustGet(a.id)->json, a.json);
  StoreStats after = MustStats();
  EXPECT_EQ(after.objects, before.objects);
  EXPECT_EQ(after.versions, before.versions);
  EXPECT_THAT(MustPut({a}), ElementsAre(kUnchanged));

  // The interned columns and the view agree with the object.
  EXPECT_EQ(RawSql(path_,
                   "SELECT id, type, modified, created_by_ref, revoked, "
                   "valid_from, latest FROM object_versions"),
            fmt::format("{}|indicator|{}|{}|1|{}|1\n", a.id, a.modified,
                        a.created_by_ref, a.valid_from->micros));
  EXPECT_EQ(RawSql(path_,
                   "SELECT l.label, m.marking_ref FROM object_labels_v l "
                   "JOIN object_markings_v m USING (pk)"),
            fmt::format("c2|{}\n", spec.markings[0]));
}

TEST_F(SqliteFileTest, FailedWriteRollsBackTheWholeBatch) {
  store_ = OpenAt(path_);
  ASSERT_NE(store_, nullptr);
  MustPut({Indicator(1, "2025-01-01T00:00:00.000Z")});
  StoreStats before = MustStats();

  // Fault injection: the third object's insert fails inside SQLite.
  RawSql(path_, fmt::format("CREATE TRIGGER fail BEFORE INSERT ON objects "
                            "WHEN NEW.uuid = x'{}' "
                            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
                            fmt::format("{:08x}00004000800{:013x}", 12, 12)));
  auto labelled = [](int n, std::string label) {
    Spec spec;
    spec.id = IndicatorId(n);
    spec.labels = {std::move(label)};
    spec.created_by_ref = "identity--" + Uuid(n + 100);
    return Make(spec);
  };
  std::vector<stix::Object> batch = {
      labelled(10, "new-label-a"), Indicator(1, "2025-02-01T00:00:00.000Z"),
      labelled(12, "new-label-b"), labelled(13, "new-label-c")};
  Result<std::vector<PutOutcome>> r = store_->Put(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("injected fault"));
  EXPECT_THAT(r.status().message(), HasSubstr(IndicatorId(12)));
  EXPECT_THAT(r.status().message(), HasSubstr(path_));
  EXPECT_THAT(r.status().message(), HasSubstr("rolled back"));

  // Nothing of the batch stayed: not the new object, not the new version.
  EXPECT_FALSE(MustGet(IndicatorId(10)).has_value());
  EXPECT_EQ(MustGet(IndicatorId(1))->modified, "2025-01-01T00:00:00.000Z");
  EXPECT_TRUE(MustGet(IndicatorId(1))->latest);
  StoreStats after = MustStats();
  EXPECT_EQ(after.objects, before.objects);
  EXPECT_EQ(after.versions, before.versions);
  EXPECT_EQ(RawSql(path_, "SELECT count(*) FROM labels"), "0\n");

  // With the fault gone the same batch goes in; the labels and refs interned
  // by the failed attempt were forgotten, not reused as dangling keys.
  RawSql(path_, "DROP TRIGGER fail");
  EXPECT_THAT(MustPut(batch), ElementsAre(kNew, kNewVersion, kNew, kNew));
  Query q;
  q.label = "new-label-b";
  EXPECT_THAT(ScanKeys(q),
              ElementsAre(IndicatorId(12) + "@2025-01-01T00:00:00.000Z"));
  EXPECT_EQ(RawSql(path_, "PRAGMA foreign_key_check"), "");
}

// A large Put builds the version-key filter (docs/storage.md, "Version
// key"); the filter must learn what other connections write and forget
// what a rolled-back Put wrote.
TEST_F(SqliteFileTest, KeyFilterFollowsOtherWritersAndRollbacks) {
  constexpr int kBatch = 1500;  // over the size that builds the filter
  auto batch = [](int first, std::string modified) {
    std::vector<stix::Object> v;
    for (int i = first; i < first + kBatch; ++i) v.push_back(Indicator(i, modified));
    return v;
  };
  store_ = OpenAt(path_);
  ASSERT_NE(store_, nullptr);
  std::unique_ptr<Store> other = OpenAt(path_);
  ASSERT_NE(other, nullptr);

  auto all_are = [](const std::vector<PutOutcome>& got, PutOutcome want) {
    return got.size() == static_cast<size_t>(kBatch) &&
           std::all_of(got.begin(), got.end(),
                       [&](PutOutcome o) { return o == want; });
  };
  // This connection builds its filter from an empty file.
  EXPECT_TRUE(all_are(MustPut(batch(1, "2025-01-01T00:00:00.000Z")), kNew));
  // Another connection writes ids this one's filter has never seen...
  auto r = other->Put(batch(10001, "2025-01-01T00:00:00.000Z"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(all_are(*r, kNew));
  // ...so they must be found here, not stored twice.
  EXPECT_TRUE(
      all_are(MustPut(batch(10001, "2025-01-01T00:00:00.000Z")), kUnchanged));
  EXPECT_TRUE(
      all_are(MustPut(batch(10001, "2025-03-01T00:00:00.000Z")), kNewVersion));
  // Small Puts of the other connection (no filter of its own) see ours.
  std::vector<stix::Object> one = {Indicator(1, "2025-01-01T00:00:00.000Z")};
  EXPECT_THAT(*other->Put(one), ElementsAre(kUnchanged));

  // A rolled-back Put leaves no trace: the same ids are new afterwards and
  // the other connection's later rows (reusing the rolled-back pks) count.
  RawSql(path_, fmt::format("CREATE TRIGGER fail BEFORE INSERT ON objects "
                            "WHEN NEW.uuid = x'{}' "
                            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
                            fmt::format("{:08x}00004000800{:013x}", 20500,
                                        20500)));
  EXPECT_FALSE(store_->Put(batch(20001, "2025-01-01T00:00:00.000Z")).ok());
  RawSql(path_, "DROP TRIGGER fail");
  r = other->Put(batch(30001, "2025-01-01T00:00:00.000Z"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(
      all_are(MustPut(batch(30001, "2025-01-01T00:00:00.000Z")), kUnchanged));
  EXPECT_TRUE(all_are(MustPut(batch(20001, "2025-01-01T00:00:00.000Z")), kNew));
  EXPECT_EQ(MustStats().objects, 4 * kBatch);
  EXPECT_EQ(MustStats().versions, 5 * kBatch);
}

TEST_F(SqliteFileTest, NewerSchemaIsRefused) {
  store_ = OpenAt(path_);
  store_.reset();
  RawSql(path_, "PRAGMA user_version = 99");
  SqliteOptions options;
  options.path = path_;
  options.clock = &clock_;
  Result<std::unique_ptr<Store>> r = OpenSqliteStore(options);
  ASSERT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr(path_));
  EXPECT_THAT(r.status().message(), HasSubstr("newer ncert"));
  EXPECT_THAT(r.status().message(), HasSubstr("schema version 99"));
  EXPECT_THAT(r.status().message(),
              HasSubstr(fmt::format("knows up to {}", LatestSchemaVersion())));
}

TEST_F(SqliteFileTest, ForeignDatabaseIsRefused) {
  RawSql(path_, "CREATE TABLE accounts (name TEXT)");
  SqliteOptions options;
  options.path = path_;
  options.clock = &clock_;
  Result<std::unique_ptr<Store>> r = OpenSqliteStore(options);
  ASSERT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("another program"));
  EXPECT_EQ(RawSql(path_, "SELECT count(*) FROM sqlite_schema"), "1\n");
}

TEST_F(SqliteFileTest, CorruptFileIsCorruption) {
  std::ofstream(path_) << std::string(8192, 'x');
  SqliteOptions options;
  options.path = path_;
  options.clock = &clock_;
  Result<std::unique_ptr<Store>> r = OpenSqliteStore(options);
  ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(r.status().message(), HasSubstr(path_));
  EXPECT_THAT(r.status().message(), HasSubstr("not a database"));
}

TEST_F(SqliteFileTest, UnopenableAndMissingFiles) {
  SqliteOptions options;
  options.clock = &clock_;
  options.path = dir_.File("no/such/dir/ncert.db");
  Result<std::unique_ptr<Store>> r = OpenSqliteStore(options);
  ASSERT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_THAT(r.status().message(),
              HasSubstr("cannot open " + options.path +
                        ": unable to open database file (is the directory"));

  options.path = path_;
  options.create_if_missing = false;
  r = OpenSqliteStore(options);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteFileTest, ConcurrentPutsFromThreads) {
  store_ = OpenAt(path_);
  ASSERT_NE(store_, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int b = 0; b < 10; ++b) {
        std::vector<stix::Object> batch;
        for (int i = 0; i < 20; ++i)
          batch.push_back(Indicator(t * 1000 + b * 20 + i));
        Result<std::vector<PutOutcome>> r = store_->Put(batch);
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(MustStats().objects, 4 * 10 * 20);
}

// Random batches against a model of the version rules, then random queries
// against a brute-force filter of the model: covers outcomes, `added`, and
// both Scan strategies (index walk, and candidates by label or recent pk
// range) with every filter combination.
class ModelTest : public SqliteFileTest,
                  public ::testing::WithParamInterface<int64_t> {
 protected:
  struct Row {
    std::string type, id, modified, json;
    int64_t version = 0;
    int64_t added = 0;
    std::vector<std::string> labels;
  };

  std::string Key(const Row& r) const {
    return fmt::format("{}|{}|{:020}", r.type, r.id, r.version);
  }
  // Rows of one id by version; the latest is the last.
  std::map<std::string, std::map<int64_t, Row>> model_;
  int64_t last_added_ = 0;
  std::vector<int64_t> added_values_;
};

// The parameter is recent_ids_max: the default (no key ever moves to ids in
// this test) and 30 (keys move every few Puts, so lookups, scans and version
// rules are checked across both halves of the version key).
TEST_P(ModelTest, RandomBatchesAndQueriesMatchTheModel) {
  store_ = OpenAt(path_, GetParam());
  ASSERT_NE(store_, nullptr);
  std::mt19937_64 rng(7);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> types = {"indicator", "malware",
                                          "attack-pattern", "x-acme-widget"};
  const std::vector<std::string> labels = {"a", "b", "c", "d", "e"};
  const std::vector<std::string> days = {
      "2025-01-01T00:00:00.000Z", "2025-01-02T00:00:00.000Z",
      "2025-01-03T00:00:00.000Z", "2025-01-04T00:00:00.123Z",
      "2025-01-05T00:00:00Z"};

  for (int put = 0; put < 60; ++put) {
    // The clock mostly advances, sometimes stands still or steps back.
    int64_t step = static_cast<int64_t>(pick(5)) - 1;
    clock_.Advance(step * 1000000);
    std::vector<stix::Object> batch;
    std::vector<Row> rows;
    size_t n = 1 + pick(put % 10 == 0 ? 400 : 40);
    for (size_t i = 0; i < n; ++i) {
      Spec spec;
      spec.type = types[pick(types.size())];
      spec.id = spec.type + "--" + Uuid(static_cast<int>(pick(300)));
      spec.modified = days[pick(days.size())];
      spec.name = fmt::format("n{}", pick(2));  // same version, other bytes
      for (const std::string& l : labels) {
        if (pick(3) == 0) spec.labels.push_back(l);
      }
      if (pick(8) == 0 && !spec.labels.empty()) {
        spec.labels.push_back(spec.labels[0]);  // a repeated label
      }
      batch.push_back(Make(spec));
      Row r;
      r.type = spec.type;
      r.id = spec.id;
      r.modified = spec.modified;
      r.json = batch.back().json;
      r.version = batch.back().version.micros;
      r.labels = spec.labels;
      rows.push_back(std::move(r));
      if (pick(10) == 0) {  // a repeat later in the same batch
        batch.push_back(batch.back());
        rows.push_back(rows.back());
      }
    }
    std::vector<PutOutcome> got = MustPut(batch);
    ASSERT_EQ(got.size(), batch.size());

    int64_t added = std::max(clock_.Now().micros, last_added_ + 1);
    bool stored = false;
    for (size_t i = 0; i < rows.size(); ++i) {
      Row& r = rows[i];
      auto& versions = model_[r.id];
      PutOutcome want;
      if (auto it = versions.find(r.version); it != versions.end()) {
        want = it->second.json == r.json ? kUnchanged : kConflict;
      } else {
        want = versions.empty()                       ? kNew
               : r.version > versions.rbegin()->first ? kNewVersion
                                                      : kHistory;
        r.added = added;
        versions[r.version] = r;
        stored = true;
      }
      ASSERT_EQ(got[i], want)
          << "put " << put << " object " << i << " " << r.id;
    }
    if (stored) {
      last_added_ = added;
      added_values_.push_back(added);
    }
  }

  // Stats agree with the model.
  StoreStats stats = MustStats();
  int64_t versions = 0;
  std::map<std::string, int64_t> by_type;
  for (const auto& [id, v] : model_) {
    versions += static_cast<int64_t>(v.size());
    if (!v.empty()) ++by_type[v.begin()->second.type];
  }
  EXPECT_EQ(stats.versions, versions);
  EXPECT_EQ(stats.latest_by_type, by_type);

  for (int q = 0; q < 400; ++q) {
    Query query;
    for (const std::string& t : types) {
      if (pick(3) == 0) query.types.push_back(t);
    }
    if (pick(2) == 0) query.label = labels[pick(labels.size())];
    if (pick(3) == 0)
      query.modified_since = *ParseTimestamp(days[pick(days.size())]);
    if (pick(2) == 0) {
      // Around real values, so that both strategies are taken.
      int64_t a = added_values_[pick(added_values_.size())];
      query.added_after = Timestamp{a + static_cast<int64_t>(pick(3)) - 1};
    }
    query.latest_only = pick(2) == 0;
    query.limit = pick(3) == 0 ? static_cast<int64_t>(pick(20)) : -1;

    std::vector<std::string> want;
    std::vector<std::pair<std::string, const Row*>> matches;
    for (const auto& [id, v] : model_) {
      for (const auto& [version, r] : v) {
        bool latest = version == v.rbegin()->first;
        if (query.latest_only && !latest) continue;
        if (!query.types.empty() &&
            std::find(query.types.begin(), query.types.end(), r.type) ==
                query.types.end()) {
          continue;
        }
        if (query.label && std::find(r.labels.begin(), r.labels.end(),
                                     *query.label) == r.labels.end()) {
          continue;
        }
        if (query.modified_since && version < query.modified_since->micros) {
          continue;
        }
        if (query.added_after && r.added <= query.added_after->micros) continue;
        matches.emplace_back(Key(r), &r);
      }
    }
    std::sort(matches.begin(), matches.end());
    for (const auto& [key, r] : matches) {
      if (query.limit >= 0 && want.size() == static_cast<size_t>(query.limit)) {
        break;
      }
      want.push_back(fmt::format("{}@{}@{}", r->id, r->modified, r->added));
    }
    std::vector<std::string> got;
    Status s =
        store_->Scan(Reader::System(), query, [&](const StoredObject& o) {
          got.push_back(
              fmt::format("{}@{}@{}", o.id, o.modified, o.added.micros));
          return true;
        });
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(got, want) << "query " << q;
  }

  // Every inverted list agrees with the rows it indexes.
  EXPECT_EQ(
      RawSql(
          path_,
          "SELECT count(*) FROM objects o WHERE "
          "(SELECT count(*) FROM objects_by_creator p, "
          "json_each(p.offsets) j WHERE p.first_pk + j.value = o.pk) "
          "!= (o.created_by IS NOT NULL) OR "
          "(SELECT count(*) FROM objects_by_valid_from p, "
          "json_each(p.offsets) j WHERE p.first_pk + j.value = o.pk "
          "AND p.bucket = o.valid_from >> 41) != (o.valid_from IS NOT NULL)"),
      "0\n");
  EXPECT_EQ(RawSql(path_,
                   "SELECT count(*) FROM puts p JOIN objects o "
                   "ON o.pk BETWEEN p.first_pk AND p.last_pk "
                   "WHERE o.added_us != p.added_us"),
            "0\n");
  EXPECT_EQ(RawSql(path_, "SELECT sum(last_pk - first_pk + 1) FROM puts"),
            fmt::format("{}\n", versions));
  EXPECT_EQ(RawSql(path_, "SELECT count(*) FROM object_ids"),
            fmt::format("{}\n", versions));
  if (GetParam() < 100) {
    EXPECT_LE(std::stoll(RawSql(path_, "SELECT count(*) FROM recent_ids")),
              GetParam() + 400 + 40);
  } else {
    EXPECT_EQ(RawSql(path_, "SELECT count(*) FROM ids"), "0\n");
  }
}

INSTANTIATE_TEST_SUITE_P(RecentIdsMax, ModelTest,
                         ::testing::Values(int64_t{65536}, int64_t{30}));

TEST_F(SqliteFileTest, KeyInBothHalvesIsCorruptionAtTheMove) {
  store_ = OpenAt(path_, /*recent_ids_max=*/2);
  ASSERT_NE(store_, nullptr);
  MustPut({Indicator(1), Indicator(2)});
  MustPut({Indicator(3)});  // moved 1 and 2 into ids first
  EXPECT_EQ(RawSql(path_, "SELECT count(*) FROM ids"), "2\n");
  RawSql(path_, "INSERT INTO recent_ids SELECT * FROM ids LIMIT 1");
  std::vector<stix::Object> batch = {Indicator(4), Indicator(5)};
  Result<std::vector<PutOutcome>> r = store_->Put(batch);
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(r.status().message(), HasSubstr("both ids and recent_ids"));
  EXPECT_FALSE(MustGet(IndicatorId(4)).has_value());
}

TEST_F(SqliteFileTest, DamagedInvertedListIsCorruption) {
  store_ = OpenAt(path_);
  ASSERT_NE(store_, nullptr);
  Spec spec;
  spec.id = IndicatorId(1);
  spec.labels = {"c2"};
  MustPut({Make(spec)});
  RawSql(path_, "UPDATE object_labels SET offsets = '[0,x]'");
  Query q;
  q.label = "c2";
  Status s = store_->Scan(Reader::System(), q,
                          [](const StoredObject&) { return true; });
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_THAT(s.message(), HasSubstr(path_));
  RawSql(path_, "UPDATE object_labels SET offsets = '[7]'");
  s = store_->Scan(Reader::System(), q,
                   [](const StoredObject&) { return true; });
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_THAT(s.message(), HasSubstr("row 8"));
}

TEST(MigrationsTest, VersionsAreContiguousFromOne) {
  int expected = 1;
  for (const Migration& m : Migrations()) EXPECT_EQ(m.version, expected++);
  EXPECT_EQ(LatestSchemaVersion(), expected - 1);
}

}  // namespace
}  // namespace ncert::store
