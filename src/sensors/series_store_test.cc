#include "sensors/series_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/migrations.h"
#include "store/sqlite_store.h"

namespace ncert::sensors {
namespace {

using ::testing::HasSubstr;

// 2022-02-24T00:00:00Z
constexpr int64_t kDay0 = 1645660800LL * 1000000;
constexpr int64_t kMin = 60LL * 1000000;

Timestamp At(int64_t minutes) { return {kDay0 + minutes * kMin}; }

class SeriesStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("series_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "ncert.db").string();
    auto s = SeriesStore::Open(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Series QueryOne(const SeriesKey& key, Resolution r) {
    SeriesQuery q;
    q.filter = {key.sensor, key.metric, key.dimension};
    q.resolution = r;
    auto got = store_->Query(q);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->size(), 1u);
    return got->empty() ? Series{} : (*got)[0];
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<SeriesStore> store_;
};

TEST(ResolutionTest, NamesAndBuckets) {
  EXPECT_EQ(ParseResolution("5m"), Resolution::k5m);
  EXPECT_EQ(ParseResolution("1d"), Resolution::k1d);
  EXPECT_EQ(ParseResolution("2h"), std::nullopt);
  EXPECT_EQ(ResolutionName(Resolution::k1h), "1h");
  EXPECT_EQ(BucketStart(At(7), Resolution::k5m), At(5));
  EXPECT_EQ(BucketStart(At(61), Resolution::k1h), At(60));
  EXPECT_EQ(BucketStart(At(60 * 25), Resolution::k1d), At(60 * 24));
}

TEST_F(SeriesStoreTest, AppendIsAnUpsert) {
  SeriesKey key{"cowrie-01", "sessions", ""};
  std::vector<Point> pts = {{At(0), 3}, {At(5), 4}, {At(10), 0.5}};
  ASSERT_TRUE(store_->Append(key, Resolution::k5m, pts).ok());
  ASSERT_TRUE(store_->Append(key, Resolution::k5m, pts).ok());
  EXPECT_EQ(*store_->PointCount(), 3);
  Series s = QueryOne(key, Resolution::k5m);
  ASSERT_EQ(s.points.size(), 3u);
  EXPECT_FALSE(s.rolled_up);
  EXPECT_EQ(s.points[1].bucket, At(5));
  EXPECT_EQ(s.points[2].value, 0.5);
  // A new value for a stored bucket replaces it.
  std::vector<Point> fix = {{At(5), 9}};
  ASSERT_TRUE(store_->Append(key, Resolution::k5m, fix).ok());
  s = QueryOne(key, Resolution::k5m);
  EXPECT_EQ(s.points[1].value, 9);
  EXPECT_EQ(*store_->PointCount(), 3);
}

TEST_F(SeriesStoreTest, WholeNumbersAreStoredAsIntegers) {
  SeriesKey key{"s", "packets", "23/tcp"};
  std::vector<Point> pts = {{At(0), 42}, {At(5), 2.25}};
  ASSERT_TRUE(store_->Append(key, Resolution::k5m, pts).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT typeof(value), typeof(bucket) FROM "
                               "series_points ORDER BY bucket",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
               "integer");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
               "integer");
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
               "real");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(SeriesStoreTest, RollsUpFromTheFinestWritten) {
  SeriesKey key{"s", "login_attempts", ""};
  std::vector<Point> pts;
  for (int m = 0; m < 60 * 26; m += 5) pts.push_back({At(m), 1});
  ASSERT_TRUE(store_->Append(key, Resolution::k5m, pts).ok());
  Series h = QueryOne(key, Resolution::k1h);
  EXPECT_TRUE(h.rolled_up);
  ASSERT_EQ(h.points.size(), 26u);
  EXPECT_EQ(h.points[0].bucket, At(0));
  EXPECT_EQ(h.points[0].value, 12);
  Series d = QueryOne(key, Resolution::k1d);
  ASSERT_EQ(d.points.size(), 2u);
  EXPECT_EQ(d.points[0].value, 288);
  EXPECT_EQ(d.points[1].value, 24);
  // Once 1h is written, it wins over the roll-up (distinct counts do not
  // add up).
  std::vector<Point> hourly = {{At(0), 5}};
  ASSERT_TRUE(store_->Append(key, Resolution::k1h, hourly).ok());
  h = QueryOne(key, Resolution::k1h);
  EXPECT_FALSE(h.rolled_up);
  ASSERT_EQ(h.points.size(), 1u);
  EXPECT_EQ(h.points[0].value, 5);
  // 1d now rolls up from 1h, the coarsest finer resolution written.
  d = QueryOne(key, Resolution::k1d);
  EXPECT_TRUE(d.rolled_up);
  ASSERT_EQ(d.points.size(), 1u);
  EXPECT_EQ(d.points[0].value, 5);
}

TEST_F(SeriesStoreTest, RangeAndFilters) {
  for (std::string port : {"22/tcp", "23/tcp"}) {
    std::vector<Point> pts;
    for (int m = 0; m < 300; m += 5) pts.push_back({At(m), 2});
    ASSERT_TRUE(
        store_->Append({"d1", "packets", port}, Resolution::k5m, pts).ok());
  }
  ASSERT_TRUE(store_
                  ->Append({"d2", "packets", "23/tcp"}, Resolution::k5m,
                           std::vector<Point>{{At(0), 1}})
                  .ok());
  SeriesQuery q;
  q.filter.dimension = "23/tcp";
  q.resolution = Resolution::k1h;
  q.since = At(60);
  q.until = At(180);
  auto got = store_->Query(q);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].key.sensor, "d1");
  ASSERT_EQ((*got)[0].points.size(), 2u);
  EXPECT_EQ((*got)[0].points[0].bucket, At(60));
  EXPECT_EQ((*got)[0].points[1].bucket, At(120));
  EXPECT_EQ((*got)[0].points[1].value, 24);
  EXPECT_TRUE((*got)[1].points.empty());  // d2 has nothing in range
  // A `since` inside a bucket starts at the next bucket.
  q.since = At(61);
  got = store_->Query(q);
  EXPECT_EQ((*got)[0].points.front().bucket, At(120));
  auto keys = store_->List({std::nullopt, "packets", std::nullopt});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 3u);
}

TEST_F(SeriesStoreTest, RejectsUnalignedAndNonFinite) {
  SeriesKey key{"s", "m", ""};
  std::vector<Point> bad = {{At(0), 1}, {At(7), 1}};
  Status s = store_->Append(key, Resolution::k5m, bad);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("not a 5m bucket start"));
  EXPECT_EQ(*store_->PointCount(), 0);
  std::vector<Point> nan = {{At(0), 0.0 / 0.0}};
  EXPECT_FALSE(store_->Append(key, Resolution::k5m, nan).ok());
}

TEST_F(SeriesStoreTest, SharesTheFileWithTheKnowledgeStore) {
  store_.reset();
  FakeClock clock(At(0));
  store::SqliteOptions o;
  o.path = path_;
  o.clock = &clock;
  auto knowledge = store::OpenSqliteStore(o);
  ASSERT_TRUE(knowledge.ok()) << knowledge.status().ToString();
  auto series = SeriesStore::Open(path_);
  ASSERT_TRUE(series.ok()) << series.status().ToString();
  EXPECT_TRUE((*series)
                  ->Append({"s", "m", ""}, Resolution::k1d,
                           std::vector<Point>{{At(0), 1}})
                  .ok());
  auto stats = (*knowledge)->Stats(store::Reader::System());
  EXPECT_TRUE(stats.ok());
}

TEST(SeriesStoreOpenTest, RefusesAnotherProgramsDatabase) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("foreign_" + std::to_string(::getpid()) + ".db"))
                         .string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = SeriesStore::Open(path);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("another program"));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace ncert::sensors
