// sim_benchmark: how fast the scenario simulator generates at benchmark
// scale, against the physical limit of the same run's disk.
//
//   build/bench/sim_benchmark [--scale S] [--out DIR] [--scenarios DIR]
//
// Plays iot-surge (pcap-heavy) and supply-chain (log-heavy) at --scale
// (default 20) into DIR (default a temporary folder, removed afterwards),
// then writes the same number of bytes sequentially in 1 MiB blocks (what
// `dd bs=1M` does) and prints the ratio: the simulator should run at a good
// fraction of the disk's speed and never be the bottleneck of a benchmark
// that reads its output. Page-cache effects are the same for both (no fsync
// in either), so the ratio compares like with like.

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/env.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "sim/sink.h"

namespace {

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Sequential write of `bytes` in 1 MiB blocks; returns MB/s.
double DiskWrite(const std::string& path, uint64_t bytes) {
  std::vector<char> block(1 << 20, 'x');
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  double t0 = Now();
  uint64_t done = 0;
  while (done < bytes) {
    size_t n =
        static_cast<size_t>(std::min<uint64_t>(block.size(), bytes - done));
    ssize_t w = ::write(fd, block.data(), n);
    if (w <= 0) break;
    done += static_cast<uint64_t>(w);
  }
  ::close(fd);
  double secs = Now() - t0;
  ::unlink(path.c_str());
  return static_cast<double>(done) / 1e6 / secs;
}

}  // namespace

int main(int argc, char** argv) {
  double scale = 20;
  std::string out, scenarios = "sim/scenarios";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--scale") scale = std::atof(argv[i + 1]);
    if (a == "--out") out = argv[i + 1];
    if (a == "--scenarios") scenarios = argv[i + 1];
  }
  bool temp = out.empty();
  if (temp)
    out = std::filesystem::temp_directory_path().string() + "/ncert-sim-bench";
  auto env = ncert::NewPosixEnv();
  std::printf("%-14s %6s %12s %10s %12s %10s %10s %10s %8s\n", "scenario",
              "scale", "records", "seconds", "records/s", "pcap MB",
              "pcap MB/s", "all MB/s", "disk MB/s");
  for (const char* name : {"iot-surge", "supply-chain"}) {
    auto sc = ncert::sim::FindScenario(*env, scenarios, name);
    if (!sc.ok()) {
      std::fprintf(stderr, "%s\n", sc.status().ToString().c_str());
      return 1;
    }
    std::string dir = out + "/" + name;
    std::filesystem::remove_all(dir);
    auto sink = ncert::sim::NewPosixOutputDir(dir);
    ncert::sim::RunOptions o;
    o.scale = scale;
    double t0 = Now();
    auto s = ncert::sim::RunScenario(*sc, *sink, o);
    double secs = Now() - t0;
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
      return 1;
    }
    double disk = DiskWrite(out + "/dd.bin", s->bytes);
    double all = static_cast<double>(s->bytes) / 1e6 / secs;
    std::printf(
        "%-14s %6.0f %12lld %10.2f %12.0f %10.0f %10.0f %10.0f %8.0f  "
        "(sim/disk %.2f)\n",
        name, scale, static_cast<long long>(s->records), secs,
        static_cast<double>(s->records) / secs,
        static_cast<double>(s->pcap_bytes) / 1e6,
        static_cast<double>(s->pcap_bytes) / 1e6 / secs, all, disk, all / disk);
    std::fflush(stdout);
    if (temp) std::filesystem::remove_all(dir);
  }
  if (temp) std::filesystem::remove_all(out);
  return 0;
}
