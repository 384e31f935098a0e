#include "telemetry/event_json.h"

#include <fmt/format.h>

#include "core/json.h"

namespace ncert::telemetry {

void AppendEventJson(const Event& e, std::string_view file, std::string* out) {
  *out += '{';
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) *out += ',';
    first = false;
    AppendJsonString(k, out);
    *out += ':';
  };
  auto str = [&](std::string_view k, std::string_view v) {
    if (v.empty()) return;
    key(k);
    AppendJsonString(v, out);
  };
  auto num = [&](std::string_view k, uint64_t v) {
    if (v == 0) return;
    key(k);
    *out += std::to_string(v);
  };
  if (e.time) str("time", FormatTimestamp(*e.time, 6));
  str("kind", e.kind);
  str("source", e.source);
  if (e.src_ip.present()) str("src_ip", e.src_ip.ToString());
  num("src_port", e.src_port);
  if (e.dst_ip.present()) str("dst_ip", e.dst_ip.ToString());
  num("dst_port", e.dst_port);
  str("protocol", e.protocol);
  str("domain", e.domain);
  str("url", e.url);
  str("email", e.email);
  str("user_agent", e.user_agent);
  str("ja3", e.ja3);
  str("ja3s", e.ja3s);
  str("hassh", e.hassh);
  str("md5", e.md5);
  str("sha1", e.sha1);
  str("sha256", e.sha256);
  str("file_name", e.file_name);
  str("process", e.process);
  str("command_line", e.command_line);
  str("user", e.user);
  str("password", e.password);
  str("host", e.host);
  str("sensor", e.sensor);
  str("session", e.session);
  key("raw");
  *out += "{\"file\":";
  AppendJsonString(file, out);
  *out += fmt::format(",\"line\":{},\"offset\":{}}}", e.raw.line, e.raw.offset);
  *out += '}';
}

}  // namespace ncert::telemetry
