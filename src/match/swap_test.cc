// Matching threads run while the index is swapped again and again (run
// under ThreadSanitizer by `make tsan`). Every snapshot holds the same
// planted indicator plus a varying number of others, so every event must
// find exactly its one match whatever snapshot a thread saw.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "match/matcher.h"
#include "match/normalize.h"

namespace ncert::match {
namespace {

std::shared_ptr<const Index> Snapshot(int generation) {
  IndexBuilder b;
  b.Add("planted", "stix", "[ipv4-addr:value = '192.0.2.0/24']");
  b.Add("re", "stix", "[url:value MATCHES 'gen[0-9]+/planted']");
  for (int i = 0; i < 20 + generation % 7; ++i) {
    b.Add(fmt::format("other{}", i), "stix",
          fmt::format("[domain-name:value = 'g{}-{}.example']", generation, i));
  }
  return b.Build();
}

TEST(SwapTest, MatchingWhileSwapping) {
  Matcher m;
  m.Swap(Snapshot(0));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> wrong{0}, matched{0};
  auto worker = [&](int seed) {
    MatchScratch scratch;  // one per thread
    telemetry::Event e;
    e.src_ip = *ParseIp(fmt::format("192.0.2.{}", seed));
    e.url = "http://x.example/gen7/planted";
    std::vector<Match> out;
    while (!stop.load()) {
      out.clear();
      m.Match(e, &scratch, &out);
      if (out.size() != 2) ++wrong;
      matched += static_cast<int64_t>(out.size());
    }
  };
  std::thread a(worker, 1), b(worker, 2);
  for (int g = 1; g <= 40; ++g) m.Swap(Snapshot(g));
  // Let the workers run on the last snapshot too.
  while (matched.load() < 200) std::this_thread::yield();
  stop = true;
  a.join();
  b.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(matched.load(), 200);
}

}  // namespace
}  // namespace ncert::match
