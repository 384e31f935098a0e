#include "telemetry/event.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ncert::telemetry {
namespace {

std::string Norm(std::string_view s) {
  auto ip = IpAddr::Parse(s);
  return ip ? ip->ToString() : "invalid";
}

TEST(IpAddrTest, V4Strict) {
  EXPECT_EQ(Norm("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(Norm("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(Norm("255.255.255.255"), "255.255.255.255");
  EXPECT_EQ(IpAddr::Parse("10.0.0.1")->family, 4);
  // Every part length at its limits, in each position.
  EXPECT_EQ(Norm("0.9.10.99"), "0.9.10.99");
  EXPECT_EQ(Norm("100.199.200.255"), "100.199.200.255");
  EXPECT_EQ(Norm("255.0.250.1"), "255.0.250.1");
  for (const char* bad :
       {"999.1.1.1",  "1.2.3",      "1.2.3.4.5", "01.2.3.4",   "1.2.3.04",
        "256.1.1.1",  "1.2.3.",     ".1.2.3",    "",           "1.2.3.4 ",
        " 1.2.3.4",   "a.b.c.d",    "1..2.3",    "1.2.3.4/24", "1234.1.1.1",
        "1.2.3.256",  "1.2.3.1000", "1.2.3.00",  "00.1.2.3",   "1.2.3.4.",
        "1.2.3.4:80", "1.2.3.-4",   "1.2.3.4\n"}) {
    EXPECT_FALSE(IpAddr::Parse(bad)) << bad;
  }
}

TEST(IpAddrTest, V6Rfc5952) {
  EXPECT_EQ(Norm("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
  EXPECT_EQ(Norm("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");  // first run
  EXPECT_EQ(Norm("2001:db8:0:1:1:1:1:1"),
            "2001:db8:0:1:1:1:1:1");  // no :: for one
  EXPECT_EQ(Norm("::"), "::");
  EXPECT_EQ(Norm("::1"), "::1");
  EXPECT_EQ(Norm("fe80::"), "fe80::");
  EXPECT_EQ(Norm("2001:0db8:0000:0000:0000:ff00:0042:8329"),
            "2001:db8::ff00:42:8329");
  EXPECT_EQ(Norm("1:0:0:2:0:0:0:3"), "1:0:0:2::3");  // longest run
  EXPECT_EQ(IpAddr::Parse("2001:db8::1")->family, 6);
  for (const char* bad :
       {":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "fe80::1%eth0",
        "12345::", "g::1", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "[::1]",
        "1:2:3:4:5:6:7:8::", "::ffff:999.1.1.1", "::1.2.3"}) {
    EXPECT_FALSE(IpAddr::Parse(bad)) << bad;
  }
}

TEST(IpAddrTest, MappedV4IsStoredAsV4) {
  auto a = IpAddr::Parse("::ffff:1.2.3.4");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, 4);
  EXPECT_EQ(a->ToString(), "1.2.3.4");
  EXPECT_EQ(*a, *IpAddr::Parse("1.2.3.4"));
  EXPECT_EQ(*IpAddr::Parse("::FFFF:0102:0304"), *a);
  // Not mapped: the IPv4-compatible form stays IPv6.
  EXPECT_EQ(IpAddr::Parse("::1.2.3.4")->family, 6);
  EXPECT_EQ(Norm("64:ff9b::1.2.3.4"), "64:ff9b::102:304");
}

TEST(EventBatchTest, InternIsStableAcrossBlocks) {
  EventBatch b;
  std::vector<std::string_view> views;
  std::string big(300 * 1024, 'x');
  for (int i = 0; i < 1000; ++i) {
    views.push_back(b.Intern("value-" + std::to_string(i)));
    if (i == 500) views.push_back(b.Intern(big));
  }
  EXPECT_EQ(views[0], "value-0");
  EXPECT_EQ(views[501], big);
  EXPECT_EQ(views.back(), "value-999");
  std::string_view p = b.InternPadded("{\"a\":1}", 64);
  EXPECT_EQ(p, "{\"a\":1}");
  EXPECT_EQ(p.data()[p.size()], '\0');
  EXPECT_GT(b.arena_bytes(), big.size());
  b.Clear();
  EXPECT_TRUE(b.events.empty());
  EXPECT_EQ(b.Intern("again"), "again");
  EXPECT_EQ(b.InternConcat("http://", "a.example", "/x"), "http://a.example/x");
  EXPECT_EQ(b.InternConcat("zeek.", "dns"), "zeek.dns");
  EXPECT_EQ(b.InternConcat("", ""), "");
  // A concatenation larger than a block gets a block of its own.
  std::string_view long_one = b.InternConcat("a", big, "z");
  EXPECT_EQ(long_one.size(), big.size() + 2);
  EXPECT_EQ(long_one.front(), 'a');
  EXPECT_EQ(long_one.back(), 'z');
  // One block is kept for the next batch.
  EXPECT_GE(b.arena_bytes(), big.size());
}

// The readers copy each run of lines into the arena in one piece, runs of
// varying size: the kept blocks must grow to the largest, not pile up.
TEST(EventBatchTest, KeptBlocksDoNotPileUpAcrossBatches) {
  EventBatch b;
  size_t largest = 0;
  for (int batch = 0; batch < 200; ++batch) {
    b.Clear();
    // A batch of ~420 KiB of lines copied as two runs (the reader's buffer
    // was refilled part-way), then small interned strings.
    const size_t first = static_cast<size_t>(batch * 7919 % 400) * 1024;
    for (size_t size : {first + 1, 420 * 1024 - first}) {
      std::string run(size, static_cast<char>('a' + batch % 26));
      largest = std::max(largest, run.size());
      std::string_view copy = b.InternPadded(run, 64);
      ASSERT_EQ(copy, run);
    }
    for (int i = 0; i < 100; ++i) {
      ASSERT_EQ(b.InternConcat("http://h", std::to_string(i), "/"),
                "http://h" + std::to_string(i) + "/");
    }
  }
  // A block per run grown to its largest, plus one for the small strings.
  EXPECT_LE(b.arena_bytes(), 2 * largest + 512 * 1024);
}

}  // namespace
}  // namespace ncert::telemetry
