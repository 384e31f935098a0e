// Telemetry reader throughput (docs/benchmarks.md, docs/telemetry.md).
//
//   BM_SimdjsonLimit     simdjson On-Demand iterate_many over the same
//                        buffer, visiting every top-level field of every line
//                        (the physical limit of any reader built on it)
//   BM_SimdjsonPerLine   simdjson On-Demand parser.iterate on each line (as
//                        the reader does, so one bad line cannot derail the
//                        next), visiting every top-level field
//   BM_TelemetryReader   ncert's Suricata EVE reader: decompression check,
//                        line splitting, per-line parse, field mapping,
//                        validation (IPs, ports, times), Event batches
//
// The input is ~NCERT_BENCH_MB (default 100) MB of EVE-like NDJSON generated
// in memory with a fixed seed (alert, dns, http, tls, flow, fileinfo lines).
// After the runs the binary prints both figures and the ratio.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>

#include "core/env.h"
#include "telemetry/reader.h"

namespace {

std::string Generate(size_t bytes) {
  std::mt19937_64 rng(42);
  auto ip = [&] {
    return fmt::format("{}.{}.{}.{}", 1 + rng() % 223, rng() % 256, rng() % 256,
                       1 + rng() % 254);
  };
  auto hex = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "0123456789abcdef"[rng() % 16];
    return s;
  };
  std::string out;
  out.reserve(bytes + 4096);
  uint64_t flow = 1000000;
  while (out.size() < bytes) {
    std::string head = fmt::format(
        "{{\"timestamp\":\"2024-03-01T12:{:02}:{:02}.{:06}+0000\","
        "\"flow_id\":{},\"in_iface\":\"eth0\",",
        rng() % 60, rng() % 60, rng() % 1000000, ++flow);
    std::string net = fmt::format(
        "\"src_ip\":\"{}\",\"src_port\":{},\"dest_ip\":\"{}\",\"dest_port\":{},"
        "\"proto\":\"TCP\"",
        ip(), 1024 + rng() % 60000, ip(), rng() % 2 ? 443 : 80);
    switch (rng() % 6) {
      case 0:
        out += head + "\"event_type\":\"alert\"," + net +
               fmt::format(
                   ",\"alert\":{{\"action\":\"allowed\",\"gid\":1,"
                   "\"signature_id\":{},\"rev\":3,\"signature\":\"ET MALWARE "
                   "Test signature {}\",\"category\":\"A Network Trojan was "
                   "detected\",\"severity\":1}},\"app_proto\":\"http\"}}\n",
                   2000000 + rng() % 100000, rng() % 1000);
        break;
      case 1:
        out +=
            head + "\"event_type\":\"dns\"," + net +
            fmt::format(
                ",\"dns\":{{\"type\":\"query\",\"id\":{},\"rrname\":"
                "\"host{}.example{}.com\",\"rrtype\":\"A\",\"tx_id\":0}}}}\n",
                rng() % 65536, rng() % 100000, rng() % 100);
        break;
      case 2:
        out +=
            head + "\"event_type\":\"http\"," + net +
            fmt::format(
                ",\"http\":{{\"hostname\":\"www{}.example.net\",\"url\":"
                "\"/path/{}/index.php?id={}\",\"http_user_agent\":"
                "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\","
                "\"http_content_type\":\"text/html\",\"http_method\":\"GET\","
                "\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":{}}}}}\n",
                rng() % 1000, hex(8), rng() % 100000, rng() % 100000);
        break;
      case 3:
        out +=
            head + "\"event_type\":\"tls\"," + net +
            fmt::format(
                ",\"tls\":{{\"subject\":\"CN=s{}.example.org\",\"issuerdn\":"
                "\"CN=R3\",\"sni\":\"s{}.example.org\",\"version\":\"TLS "
                "1.2\",\"ja3\":{{\"hash\":\"{}\",\"string\":\"771,49195-"
                "49199,0-10-11,29-23,0\"}},\"ja3s\":{{\"hash\":\"{}\"}}}}}}\n",
                rng() % 1000, rng() % 1000, hex(32), hex(32));
        break;
      case 4:
        out += head + "\"event_type\":\"flow\"," + net +
               fmt::format(
                   ",\"app_proto\":\"tls\",\"flow\":{{\"pkts_toserver\":{},"
                   "\"pkts_toclient\":{},\"bytes_toserver\":{},"
                   "\"bytes_toclient\":{},\"start\":\"2024-03-01T11:59:00."
                   "000000+0000\",\"end\":\"2024-03-01T12:00:00.000000+0000\","
                   "\"age\":60,\"state\":\"closed\",\"reason\":\"timeout\","
                   "\"alerted\":false}}}}\n",
                   rng() % 100, rng() % 100, rng() % 100000, rng() % 100000);
        break;
      default:
        out +=
            head + "\"event_type\":\"fileinfo\"," + net +
            fmt::format(
                ",\"fileinfo\":{{\"filename\":\"/dl/{}.bin\",\"magic\":"
                "\"data\",\"state\":\"CLOSED\",\"md5\":\"{}\",\"sha1\":"
                "\"{}\",\"sha256\":\"{}\",\"stored\":false,\"size\":{}}}}}\n",
                hex(6), hex(32), hex(40), hex(64), rng() % 1000000);
        break;
    }
  }
  return out;
}

struct Shared {
  std::string data;
  std::unique_ptr<ncert::Env> env;
  double limit_mbs = 0, per_line_mbs = 0, reader_mbs = 0;
};

Shared& Input() {
  static Shared* s = [] {
    auto* x = new Shared;
    const char* mb = std::getenv("NCERT_BENCH_MB");
    size_t n = (mb ? std::strtoull(mb, nullptr, 10) : 100) << 20;
    x->data = Generate(n);
    x->env = ncert::NewMemEnv();
    if (!x->env->WriteFile("eve.json", x->data).ok()) std::abort();
    return x;
  }();
  return *s;
}

// This thread's CPU seconds: the machine is shared, wall time is not ours.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double Mbs(size_t bytes, double seconds) {
  return static_cast<double>(bytes) / 1e6 / seconds;
}

void BM_SimdjsonLimit(benchmark::State& state) {
  Shared& in = Input();
  simdjson::padded_string padded(in.data);
  simdjson::ondemand::parser parser;
  size_t fields = 0;
  for (auto _ : state) {
    double t0 = CpuSeconds();
    simdjson::ondemand::document_stream docs;
    if (parser.iterate_many(padded, 1 << 20).get(docs)) std::abort();
    for (auto doc : docs) {
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj)) continue;
      for (auto f : obj) {
        std::string_view k;
        if (f.unescaped_key().get(k)) break;
        benchmark::DoNotOptimize(f.value().raw_json_token());
        ++fields;
      }
    }
    in.limit_mbs = Mbs(in.data.size(), CpuSeconds() - t0);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(in.data.size()));
  benchmark::DoNotOptimize(fields);
}

void BM_SimdjsonPerLine(benchmark::State& state) {
  Shared& in = Input();
  simdjson::padded_string padded(in.data);
  simdjson::ondemand::parser parser;
  size_t fields = 0;
  for (auto _ : state) {
    double t0 = CpuSeconds();
    const char* p = padded.data();
    const char* end = p + in.data.size();
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      size_t len =
          nl ? static_cast<size_t>(nl - p) : static_cast<size_t>(end - p);
      simdjson::ondemand::document doc;
      simdjson::ondemand::object obj;
      if (!parser
               .iterate(
                   p, len,
                   static_cast<size_t>(end - p) + simdjson::SIMDJSON_PADDING)
               .get(doc) &&
          !doc.get_object().get(obj)) {
        for (auto f : obj) {
          std::string_view k;
          if (f.unescaped_key().get(k)) break;
          benchmark::DoNotOptimize(f.value().raw_json_token());
          ++fields;
        }
      }
      p += len + 1;
    }
    in.per_line_mbs = Mbs(in.data.size(), CpuSeconds() - t0);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(in.data.size()));
  benchmark::DoNotOptimize(fields);
}

void BM_TelemetryReader(benchmark::State& state) {
  Shared& in = Input();
  uint64_t events = 0;
  for (auto _ : state) {
    double t0 = CpuSeconds();
    ncert::telemetry::ReaderOptions o;
    o.format = ncert::telemetry::Format::kAuto;
    auto r = ncert::telemetry::OpenReader(*in.env, {"eve.json"}, o);
    if (!r.ok()) std::abort();
    ncert::telemetry::EventBatch batch;
    while (true) {
      auto more = (*r)->Next(&batch);
      if (!more.ok()) std::abort();
      if (!*more) break;
      events += batch.events.size();
    }
    if ((*r)->stats().skipped_lines != 0) std::abort();
    in.reader_mbs = Mbs(in.data.size(), CpuSeconds() - t0);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(in.data.size()));
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events),
                                                  benchmark::Counter::kIsRate);
}

BENCHMARK(BM_SimdjsonLimit)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_SimdjsonPerLine)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_TelemetryReader)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const Shared& in = Input();
  if (in.limit_mbs > 0 && in.reader_mbs > 0) {
    fmt::print(
        "\nEVE NDJSON, {:.1f} MB (CPU time of the last iteration):\n"
        "  ncert reader                     {:6.0f} MB/s\n"
        "  simdjson per-line iterate        {:6.0f} MB/s  ratio {:.2f}\n"
        "  simdjson iterate_many (limit)    {:6.0f} MB/s  ratio {:.2f}\n",
        static_cast<double>(in.data.size()) / 1e6, in.reader_mbs,
        in.per_line_mbs, in.reader_mbs / in.per_line_mbs, in.limit_mbs,
        in.reader_mbs / in.limit_mbs);
  }
  return 0;
}
