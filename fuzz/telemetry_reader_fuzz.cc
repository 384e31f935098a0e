// Fuzz target for the telemetry readers: any bytes, read with format
// auto-detection and then with each reader forced, with a small line limit
// and batch size so the long-line and batch-boundary paths are reached.
// Invariants checked: content never makes Next() fail (only I/O errors
// return a Status), a batch never exceeds the batch size, every event's
// strings lie in its batch's arena or are static, and every IP is valid.
// Differential: the input repeated past 4 KiB and read in large batches
// (runs of lines parsed with one simdjson pass) gives exactly the events,
// issues and counts of reading it one line per batch (each line alone).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/env.h"
#include "telemetry/event_json.h"
#include "telemetry/reader.h"

namespace {

using ncert::telemetry::Format;

void Check(const ncert::telemetry::Event& e) {
  for (const auto* ip : {&e.src_ip, &e.dst_ip}) {
    if (ip->present()) {
      auto back = ncert::telemetry::IpAddr::Parse(ip->ToString());
      if (!back || !(*back == *ip)) std::abort();
    }
  }
  std::string json;
  ncert::telemetry::AppendEventJson(e, "f", &json);  // touches every view
  if (json.empty()) std::abort();
}

// Reads `name` and renders every event, issue and count.
std::string ReadAs(ncert::Env& env, Format format,
                   const ncert::telemetry::FieldMap* map, size_t batch_size = 3,
                   const char* name = "in.log") {
  ncert::telemetry::ReaderOptions o;
  o.format = format;
  o.batch_size = batch_size;
  o.max_line_bytes = 512;
  o.max_issues = 5;
  o.field_map = map;
  auto r = ncert::telemetry::OpenReader(env, {name}, o);
  if (!r.ok()) std::abort();
  ncert::telemetry::EventBatch batch;
  std::string out;
  for (int i = 0; i < 100000; ++i) {
    auto more = (*r)->Next(&batch);
    if (!more.ok()) std::abort();
    if (!*more) break;
    if (batch.events.size() > o.batch_size) std::abort();
    for (const auto& e : batch.events) {
      Check(e);
      ncert::telemetry::AppendEventJson(e, name, &out);
    }
  }
  for (const auto& issue : (*r)->issues()) out += issue.ToString();
  const auto& st = (*r)->stats();
  out += std::to_string(st.events) + " " + std::to_string(st.skipped_lines) +
         " " + std::to_string(st.dropped_fields) + " " +
         std::to_string(st.lines);
  for (const auto& [rule, n] : st.by_rule) out += rule + std::to_string(n);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto env = ncert::NewMemEnv();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!env->WriteFile("in.log", input).ok()) std::abort();
  static const auto csv_map = ncert::telemetry::ParseFieldMap(
      "header = true\n[fields]\ntime = \"t\"\nsrc_ip = \"ip\"\nurl = \"u\"\n",
      "csv");
  static const auto json_map = ncert::telemetry::ParseFieldMap(
      "format = \"ndjson\"\ntime_format = \"epoch\"\n[fields]\ntime = "
      "\"a.t\"\nsrc_ip = \"a.ip\"\nuser = \"u\"\n",
      "ndjson");
  if (!csv_map.ok() || !json_map.ok()) std::abort();
  ReadAs(*env, Format::kAuto, nullptr);
  for (Format f : {Format::kCowrie, Format::kDionaea, Format::kEve,
                   Format::kZeek, Format::kEcs, Format::kAuditd}) {
    ReadAs(*env, f, nullptr);
  }
  ReadAs(*env, Format::kCsv, &*csv_map);
  ReadAs(*env, Format::kNdjson, &*json_map);

  std::string big(input);
  if (!big.empty() && big.back() != '\n') big += '\n';
  while (!big.empty() && big.size() < 8192) big += big;
  if (!env->WriteFile("big.log", big).ok()) std::abort();
  for (Format f : {Format::kEve, Format::kZeek, Format::kEcs}) {
    if (ReadAs(*env, f, nullptr, 1, "big.log") !=
        ReadAs(*env, f, nullptr, 4096, "big.log")) {
      std::abort();
    }
  }
  if (ReadAs(*env, Format::kNdjson, &*json_map, 1, "big.log") !=
      ReadAs(*env, Format::kNdjson, &*json_map, 4096, "big.log")) {
    std::abort();
  }
  return 0;
}
