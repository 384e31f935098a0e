#include "core/time.h"

#include <gtest/gtest.h>

namespace ncert {
namespace {

TEST(TimeTest, ParsesStixTimestamps) {
  auto t = ParseTimestamp("2016-04-06T20:03:48.000Z");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->micros, 1459973028000000);
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z")->micros, 0);
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00.123456789Z")->micros, 123456);
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59.5Z")->micros, -500000);
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00Z")->micros, 1709164800000000);
}

TEST(TimeTest, RejectsWhatRfc3339AndStixForbid) {
  for (const char* bad : {
           "2024-02-30T25:00:00Z",             // no such day
           "2023-02-29T00:00:00Z",             // not a leap year
           "2024-01-01T24:00:00Z",             // hour
           "2024-01-01T00:60:00Z",             // minute
           "2024-01-01T00:00:61Z",             // second
           "2024-01-01 00:00:00Z",             // separator
           "2024-01-01t00:00:00z",             // lower case
           "2024-01-01T00:00:00+09:00",        // not UTC
           "2024-01-01T00:00:00",              // no zone
           "2024-01-01T00:00:00.Z",            // empty fraction
           "2024-13-01T00:00:00Z",             // month
           "2024-01-01T00:00:00.1234567890Z",  // over 9 digits
           "",
           "not a time",
       }) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
  EXPECT_NE(ParseTimestamp("2024-02-30T00:00:00Z")
                .status()
                .message()
                .find("calendar"),
            std::string::npos);
}

TEST(TimeTest, LeapSecondIsTheLastMicrosecondOfTheMinute) {
  auto t = ParseTimestamp("2016-12-31T23:59:60Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatTimestamp(*t, 6), "2016-12-31T23:59:59.999999Z");
}

TEST(TimeTest, FormatRoundTrips) {
  for (const char* s :
       {"2016-04-06T20:03:48.000Z", "1999-12-31T23:59:59.999Z",
        "1960-06-15T12:00:00.250Z", "9999-12-31T23:59:59.999Z"}) {
    auto t = ParseTimestamp(s);
    ASSERT_TRUE(t.ok()) << s;
    EXPECT_EQ(FormatTimestamp(*t), s);
  }
  EXPECT_EQ(FormatTimestamp(Timestamp{0}, 0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp{-1}.millis(), -1);
}

TEST(TimeTest, FormatAgreesWithParseAcrossTheRange) {
  // Every digit position and fraction width, before and after 1970.
  for (int64_t micros :
       {int64_t{-1}, int64_t{-999999}, int64_t{-86400000001}, int64_t{1},
        int64_t{59999999}, int64_t{951782400123456},
        int64_t{253402300799999999}, int64_t{-62135596800000000}}) {
    for (int digits : {0, 3, 6}) {
      std::string s = FormatTimestamp(Timestamp{micros}, digits);
      auto back = ParseTimestamp(s);
      ASSERT_TRUE(back.ok()) << s;
      int64_t unit = digits == 0 ? 1000000 : digits == 3 ? 1000 : 1;
      int64_t floored = micros >= 0 ? micros / unit * unit
                                    : -((-micros + unit - 1) / unit) * unit;
      EXPECT_EQ(back->micros, floored) << s;
      EXPECT_EQ(s.size(), 20u + (digits ? digits + 1 : 0)) << s;
    }
  }
  EXPECT_EQ(FormatTimestamp(Timestamp{951782400123456}, 6),
            "2000-02-29T00:00:00.123456Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-1}, 3), "1969-12-31T23:59:59.999Z");
}

TEST(TimeTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(Timestamp{1000});
  EXPECT_EQ(clock.Now().micros, 1000);
  clock.Advance(500);
  EXPECT_EQ(clock.Now().micros, 1500);
}

}  // namespace
}  // namespace ncert
