// The physical limit for `ncert match` (bench/match.sh): simdjson parsing the
// same NDJSON files and visiting every top-level field of every line, and
// nothing else. Prints MB/s and lines.
//
//   build/bench/json_parse_limit FILE...
#include <simdjson.h>

#include <chrono>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: json_parse_limit FILE...\n");
    return 2;
  }
  uint64_t bytes = 0, docs = 0, fields = 0;
  double seconds = 0;
  simdjson::ondemand::parser parser;
  for (int i = 1; i < argc; ++i) {
    simdjson::padded_string text;
    if (simdjson::padded_string::load(argv[i]).get(text)) {
      std::fprintf(stderr, "json_parse_limit: cannot read %s\n", argv[i]);
      return 1;
    }
    auto t0 = std::chrono::steady_clock::now();
    simdjson::ondemand::document_stream stream;
    if (parser.iterate_many(text, 1 << 20).get(stream)) return 1;
    for (auto doc : stream) {
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj)) continue;
      for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) break;
        fields += key.size() > 0;
      }
      ++docs;
    }
    seconds += std::chrono::duration<double>(
                   std::chrono::steady_clock::now() - t0)
                   .count();
    bytes += text.size();
  }
  std::printf("{\"bytes\":%llu,\"lines\":%llu,\"fields\":%llu,\"seconds\":%.3f,"
              "\"mb_per_s\":%.1f}\n",
              static_cast<unsigned long long>(bytes),
              static_cast<unsigned long long>(docs),
              static_cast<unsigned long long>(fields), seconds,
              seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0);
  return 0;
}
