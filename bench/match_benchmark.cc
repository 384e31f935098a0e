// The matching engine at national scale: builds the index for 1,000,000
// generated indicators of mixed kinds (with 1,000 regexes) and matches
// generated events. Prints build seconds (wall and CPU), resident bytes and
// events/s against the goals (docs/matching.md: < 5 s, < 300 MB), then the
// same events as Suricata EVE NDJSON read and matched end to end, in MB/s,
// next to the limit measured in the same run: the reader alone.
//
//   build/bench/match_benchmark [--indicators=N] [--events=N]
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <random>
#include <string>

#include "core/env.h"
#include "match/matcher.h"
#include "match/normalize.h"
#include "telemetry/reader.h"

using namespace ncert;

namespace {

int64_t ResidentBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stoll(line.substr(6)) * 1024;
    }
  }
  return 0;
}

double Seconds(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a)
      .count();
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Reads `path` as EVE; with `matcher`, matches each batch. Returns seconds
// (-1 on error); *matches counts what was found.
double ReadAndMatch(const std::string& path, const match::Matcher* matcher,
                    size_t* events, size_t* matches) {
  std::unique_ptr<Env> env = NewPosixEnv();
  telemetry::ReaderOptions ro;
  ro.format = telemetry::Format::kEve;
  auto t0 = std::chrono::steady_clock::now();
  auto reader = telemetry::OpenReader(*env, {path}, ro);
  if (!reader.ok()) return -1;
  telemetry::EventBatch batch;
  match::MatchScratch scratch;
  std::vector<match::EventMatch> out;
  *events = 0;
  *matches = 0;
  while (true) {
    Result<bool> more = (*reader)->Next(&batch);
    if (!more.ok()) return -1;
    if (!*more) break;
    *events += batch.events.size();
    if (matcher != nullptr) {
      out.clear();
      matcher->MatchBatch(batch.events, &scratch, &out);
      *matches += out.size();
    }
  }
  return Seconds(t0);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 1'000'000, events_n = 200'000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--indicators=", 13) == 0)
      n = std::atoll(argv[i] + 13);
    if (std::strncmp(argv[i], "--events=", 9) == 0)
      events_n = std::atoll(argv[i] + 9);
  }
  std::mt19937_64 rng(7);
  // Generate the pattern texts first: building them is not the index's cost.
  std::vector<std::string> patterns;
  patterns.reserve(static_cast<size_t>(n));
  const int64_t regexes = 1000;
  for (int64_t i = 0; i < n - regexes; ++i) {
    uint64_t r = rng();
    switch (i % 20) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
        patterns.push_back(fmt::format("[ipv4-addr:value = '{}.{}.{}.{}']",
                                       11 + r % 200, (r >> 8) & 255,
                                       (r >> 16) & 255, (r >> 24) & 255));
        break;
      case 6:
      case 7:
        patterns.push_back(fmt::format("[ipv4-addr:value = '{}.{}.{}.0/24']",
                                       11 + r % 200, (r >> 8) & 255,
                                       (r >> 16) & 255));
        break;
      case 8:
      case 9:
      case 10:
      case 11:
      case 12:
        patterns.push_back(
            fmt::format("[domain-name:value = 'm{:x}.example']", r));
        break;
      case 13:
      case 14:
      case 15:
        patterns.push_back(fmt::format(
            "[url:value = 'http://u{:x}.example/p/{}']", r, r % 1000));
        break;
      case 16:
      case 17:
        patterns.push_back(fmt::format(
            "[file:hashes.'SHA-256' = '{:016x}{:016x}{:016x}{:016x}']", r,
            rng(), rng(), rng()));
        break;
      case 18:
        patterns.push_back(
            fmt::format("[email-addr:value = 'x{:x}@mail.example']", r));
        break;
      default:
        if (i % 40 == 19) {
          patterns.push_back(
              fmt::format("[x-ja3:value = '{:016x}{:016x}']", r, rng()));
        } else {
          patterns.push_back(
              fmt::format("[file:name = 'f{:x}.exe' AND file:hashes.MD5 = "
                          "'{:016x}{:016x}']",
                          r, rng(), rng()));
        }
    }
  }
  for (int64_t i = 0; i < regexes; ++i) {
    patterns.push_back(fmt::format(
        "[url:value MATCHES '/k{}/[a-z]{{3,8}}/(gate|panel)\\\\.php']", i));
  }
  int64_t rss0 = ResidentBytes();
  double cpu0 = CpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  match::IndexBuilder builder;
  for (int64_t i = 0; i < n; ++i) {
    builder.Add(fmt::format("indicator--{:036}", i), "stix",
                patterns[static_cast<size_t>(i)]);
  }
  std::shared_ptr<const match::Index> index = builder.Build();
  double build_s = Seconds(t0);
  double build_cpu = CpuSeconds() - cpu0;
  int64_t rss = ResidentBytes() - rss0;
  const auto& st = index->stats();

  // Events: background plus 1% hits (IPs from the generated ranges are
  // unlikely; plant a few known ones).
  std::deque<std::string> arena;
  std::vector<telemetry::Event> events(static_cast<size_t>(events_n));
  for (size_t i = 0; i < events.size(); ++i) {
    telemetry::Event& e = events[i];
    uint64_t r = rng();
    e.src_ip.family = 4;
    e.src_ip.bytes = {10, uint8_t(r), uint8_t(r >> 8), uint8_t(r >> 16)};
    e.dst_ip.family = 4;
    e.dst_ip.bytes = {uint8_t(11 + r % 200), uint8_t(r >> 24), uint8_t(r >> 32),
                      uint8_t(r >> 40)};
    e.domain =
        arena.emplace_back(fmt::format("www.h{}.corp.example", r % 5000));
    e.url = arena.emplace_back(fmt::format("http://{}/k{}/abc/{}.php", e.domain,
                                           r % 2000,
                                           i % 100 == 0 ? "gate" : "index"));
    e.user_agent = "Mozilla/5.0";
    if (i % 3 == 0) {
      e.sha256 = arena.emplace_back(fmt::format("{:064x}", r));
    }
  }
  match::Matcher matcher;
  matcher.Swap(index);
  match::MatchScratch scratch;
  std::vector<match::EventMatch> out;
  auto t1 = std::chrono::steady_clock::now();
  matcher.MatchBatch(events, &scratch, &out);
  double match_s = Seconds(t1);
  double eps = static_cast<double>(events.size()) / match_s;

  std::printf(
      "indicators           %lld (simple %lld, full %lld, regexes: "
      "hyperscan %lld, re2 %lld)\n",
      static_cast<long long>(st.indexed), static_cast<long long>(st.simple),
      static_cast<long long>(st.full),
      static_cast<long long>(st.regex_hyperscan),
      static_cast<long long>(st.regex_re2));
  std::printf(
      "build                %.2f s wall, %.2f s CPU   goal < 5 s   ratio "
      "%.2f\n",
      build_s, build_cpu, build_s / 5.0);
  std::printf(
      "resident (delta)     %.1f MB  goal < 300 MB  ratio %.2f "
      "(structures %.1f MB)\n",
      static_cast<double>(rss) / 1e6, static_cast<double>(rss) / 300e6,
      static_cast<double>(st.bytes) / 1e6);
  std::printf(
      "match                %.0f events/s on one thread (%zu events, "
      "%zu matches)\n",
      eps, events.size(), out.size());

  // End to end: the same events as Suricata EVE http records (NDJSON).
  char path[] = "/tmp/ncert-match-bench-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return 1;
  close(fd);
  {
    std::ofstream f(path);
    for (size_t i = 0; i < events.size(); ++i) {
      const telemetry::Event& e = events[i];
      std::string_view u = e.url;
      std::string_view url_path = u.substr(u.find('/', 7));
      f << fmt::format(
          "{{\"timestamp\":\"2024-03-01T12:00:{:02}.{:06}+0000\","
          "\"flow_id\":{},\"event_type\":\"http\",\"src_ip\":\"{}\","
          "\"src_port\":{},\"dest_ip\":\"{}\",\"dest_port\":80,"
          "\"proto\":\"TCP\",\"http\":{{\"hostname\":\"{}\","
          "\"url\":\"{}\",\"http_user_agent\":\"{}\","
          "\"http_method\":\"GET\",\"status\":200,\"length\":512}}}}\n",
          i % 60, i % 1000000, 1000000 + i, e.src_ip.ToString(),
          1024 + i % 60000, e.dst_ip.ToString(), e.domain, url_path,
          e.user_agent);
    }
  }
  std::ifstream sz(path, std::ios::ate | std::ios::binary);
  double mb = static_cast<double>(sz.tellg()) / 1e6;
  size_t n_read = 0, n_matches = 0;
  double read_s = ReadAndMatch(path, nullptr, &n_read, &n_matches);
  double e2e_s = ReadAndMatch(path, &matcher, &n_read, &n_matches);
  std::remove(path);
  if (read_s <= 0 || e2e_s <= 0) {
    std::printf("end to end           could not read %s\n", path);
    return 1;
  }
  std::printf(
      "end to end (EVE)     %.1f MB/s read+match, goal >= 300 MB/s, ratio "
      "%.2f (%.1f MB, %zu events, %zu matches)\n",
      mb / e2e_s, mb / e2e_s / 300.0, mb, n_read, n_matches);
  std::printf("limit: reader alone  %.1f MB/s; read+match / reader = %.2f\n",
              mb / read_s, read_s / e2e_s);
  return 0;
}
