// Benchmarks of STIX patterns (docs/benchmarks.md, docs/patterns.md).
//
//   BM_ParseSpecExamples   parse + check + compile the 16 example patterns of
//                          the STIX 2.1 specification (items = patterns)
//   BM_ParseLarge/N        one pattern of N OR-ed observation expressions
//                          (items = bytes of pattern text)
//   BM_AndWithinStream/W   ([ipv4] AND [domain] AND [file]) WITHIN 300
//                          SECONDS evaluated against a sliding window of W
//                          observations of a stream (one observation a
//                          second, 3% of them hits, one match in ~8 windows);
//                          each iteration moves the window one observation
//                          on and evaluates again (items = evaluations)
//   BM_AndWithinNoMatch/W  the same with the hits too far apart to match
//                          (the search must prove there is no binding)
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <random>
#include <string>
#include <vector>

#include "pattern/pattern.h"

namespace ncert::pattern {
namespace {

const char* kSpecExamples[] = {
    "[file:hashes.'SHA-256' = "
    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[file:hashes.'SHA-256' = "
    "'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR "
    "file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND "
    "[file:hashes.'SHA-256' = "
    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY "
    "[win-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 "
    "SECONDS",
    "[user-account:account_type = 'unix' AND user-account:user_id = '1007' "
    "AND user-account:account_login = 'Peter'] AND [user-account:account_type "
    "= 'unix' AND user-account:user_id = '1008' AND "
    "user-account:account_login = 'Paul'] AND [user-account:account_type = "
    "'unix' AND user-account:user_id = '1009' AND user-account:account_login "
    "= 'Mary']",
    "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND "
    "artifact:payload_bin MATCHES "
    "'\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
    "[file:name = 'foo.dll' AND file:parent_directory_ref.path = "
    "'C:\\\\Windows\\\\System32']",
    "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
    "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
    "[network-traffic:dst_ref.type = 'ipv4-addr' AND "
    "network-traffic:dst_ref.value = '203.0.113.33/32']",
    "[domain-name:value = 'www.5z8.info' AND "
    "domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
    "[url:value = 'http://example.com/foo' OR url:value = "
    "'http://example.com/bar']",
    "[x509-certificate:issuer = 'CN=WEBMAIL' AND "
    "x509-certificate:serial_number = "
    "'4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
    "[email-message:sender_ref.value = 'jdoe@example.com' AND "
    "email-message:subject = 'Conference Info']",
    "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
    "[network-traffic:dst_ref.value ISSUBSET "
    "'2001:0db8:dead:beef:0000:0000:0000:0000/64']",
    "([file:name = 'foo.dll'] AND [win-registry-key:key = "
    "'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:name = 'fooproc' OR "
    "process:name = 'procfoo']",
};

void BM_ParseSpecExamples(benchmark::State& state) {
  for (auto _ : state) {
    for (const char* p : kSpecExamples) {
      CompileResult r = Compile(p);
      if (!r.ok()) state.SkipWithError("a spec example did not compile");
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(std::size(kSpecExamples)));
}
BENCHMARK(BM_ParseSpecExamples);

void BM_ParseLarge(benchmark::State& state) {
  std::string p;
  for (int64_t i = 0; i < state.range(0); ++i) {
    p += fmt::format("{}[ipv4-addr:value = '10.{}.{}.{}']", i ? " OR " : "",
                     i % 256, (i / 256) % 256, i % 7);
  }
  for (auto _ : state) {
    CompileResult r = Compile(p);
    if (!r.ok()) state.SkipWithError("did not compile");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(p.size()));
  state.counters["pattern_bytes"] = static_cast<double>(p.size());
}
BENCHMARK(BM_ParseLarge)->Arg(1000)->Arg(25000);

Sco MakeSco(const std::string& json) {
  auto v = Value::Parse(json);
  std::string type(v->StringMember("type"));
  return Sco{std::string(1, '0'), std::move(type), std::move(*v)};
}

// One observation a second, with the pattern's three indicators among
// random other addresses, domains and files.
std::vector<Observation> Stream(int n, bool close) {
  std::mt19937_64 rng(42);
  std::vector<Observation> out;
  for (int i = 0; i < n; ++i) {
    Observation o;
    o.id = fmt::format("observed-data--{}", i);
    o.first_observed.micros =
        int64_t{1767225600} * 1000000 + int64_t{i} * 1000000;
    o.last_observed = o.first_observed;
    int kind = static_cast<int>(rng() % 100);
    // close: hits of any kind in the first 200 s of every 800 s; far: hits
    // of kind k only in blocks k, k+3, ... (800 s each), never within 300 s
    // of another kind.
    bool hit = kind < 3 && i % 800 < (close ? 200 : 100);
    int which = close ? kind : (i / 800) % 3;
    if (hit) {
      const char* hits[] = {
          R"({"type":"ipv4-addr","value":"198.51.100.7"})",
          R"({"type":"domain-name","value":"update.example-cdn.net"})",
          R"({"type":"file","name":"x.exe","hashes":{"MD5":"79054025255fb1a26e4bc422aef54eb4"}})"};
      o.objects.push_back(MakeSco(hits[which]));
    } else {
      switch (kind % 3) {
        case 0:
          o.objects.push_back(MakeSco(
              fmt::format(R"({{"type":"ipv4-addr","value":"10.{}.{}.{}"}})",
                          rng() % 256, rng() % 256, rng() % 256)));
          break;
        case 1:
          o.objects.push_back(MakeSco(fmt::format(
              R"({{"type":"domain-name","value":"host{}.example.org"}})",
              rng() % 100000)));
          break;
        default:
          o.objects.push_back(MakeSco(fmt::format(
              R"({{"type":"file","name":"f{}.txt","hashes":{{"MD5":"{:032x}"}}}})",
              rng() % 1000, rng())));
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

const char* kAndWithin =
    "([ipv4-addr:value = '198.51.100.0/24'] AND "
    "[domain-name:value = 'update.example-cdn.net'] AND "
    "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4']) WITHIN 300 "
    "SECONDS";

void RunStream(benchmark::State& state, bool close) {
  const int window = static_cast<int>(state.range(0));
  const int n = 20000;
  std::vector<Observation> stream = Stream(n + window, close);
  CompileResult c = Compile(kAndWithin);
  if (!c.ok()) {
    state.SkipWithError("pattern did not compile");
    return;
  }
  int64_t matches = 0, limited = 0, at = 0;
  for (auto _ : state) {
    std::span<const Observation> w(stream.data() + at, window);
    MatchResult r = c.pattern->Match(w);
    matches += r.matched();
    limited += r.outcome == MatchResult::Outcome::kLimitReached;
    at = (at + 1) % n;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["observations/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * window,
                         benchmark::Counter::kIsRate);
  state.counters["match_fraction"] =
      static_cast<double>(matches) / static_cast<double>(state.iterations());
  state.counters["limit_reached"] = static_cast<double>(limited);
}

void BM_AndWithinStream(benchmark::State& state) { RunStream(state, true); }
BENCHMARK(BM_AndWithinStream)->Arg(100)->Arg(1000);

void BM_AndWithinNoMatch(benchmark::State& state) { RunStream(state, false); }
BENCHMARK(BM_AndWithinNoMatch)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace ncert::pattern

BENCHMARK_MAIN();
