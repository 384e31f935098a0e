#include "telemetry/field_map.h"

#include <fmt/format.h>

#include <set>

#include "telemetry/formats_internal.h"
// Header-only, without exceptions: errors come back as parse_result.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace ncert::telemetry {
namespace {

Status At(std::string_view source, const toml::node& n, std::string msg) {
  const auto& s = n.source();
  return Status::InvalidArgument(
      fmt::format("{}:{}:{}: {}", source, s.begin.line, s.begin.column, msg));
}

}  // namespace

Result<FieldMap> ParseFieldMap(std::string_view text, std::string_view source) {
  toml::parse_result parsed = toml::parse(text, source);
  if (!parsed) {
    const auto& err = parsed.error();
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}", source, err.source().begin.line,
                    err.source().begin.column, err.description()));
  }
  const toml::table& root = parsed.table();
  static const std::set<std::string_view> kKeys = {
      "format", "source",      "kind",  "delimiter",
      "header", "time_format", "fields"};
  FieldMap m;
  for (const auto& [k, v] : root) {
    if (!kKeys.count(k.str())) {
      return At(source, v, fmt::format("unknown key '{}'", k.str()));
    }
  }
  auto str = [&](std::string_view key, std::string* out) -> Status {
    const toml::node* n = root.get(key);
    if (n == nullptr) return Status::Ok();
    auto v = n->value<std::string>();
    if (!v) return At(source, *n, fmt::format("'{}' must be a string", key));
    *out = *v;
    return Status::Ok();
  };
  std::string format = "csv", delim = ",", time_format = "iso8601";
  RETURN_IF_ERROR(str("format", &format));
  RETURN_IF_ERROR(str("source", &m.source));
  RETURN_IF_ERROR(str("kind", &m.kind));
  RETURN_IF_ERROR(str("delimiter", &delim));
  RETURN_IF_ERROR(str("time_format", &time_format));
  if (format == "csv") {
    m.csv = true;
  } else if (format == "ndjson") {
    m.csv = false;
    if (!root.get("source")) m.source = "ndjson";
  } else {
    return Status::InvalidArgument(
        fmt::format("{}: format must be \"csv\" or \"ndjson\"", source));
  }
  if (delim == "\\t") delim = "\t";
  if (delim.size() != 1 || delim[0] == '"' || delim[0] == '\n') {
    return Status::InvalidArgument(fmt::format(
        "{}: delimiter must be one character (not a quote)", source));
  }
  m.delimiter = delim[0];
  if (time_format == "iso8601") {
    m.time_format = FieldMap::TimeFormat::kIso8601;
  } else if (time_format == "epoch") {
    m.time_format = FieldMap::TimeFormat::kEpochSeconds;
  } else if (time_format == "epoch_ms") {
    m.time_format = FieldMap::TimeFormat::kEpochMillis;
  } else {
    return Status::InvalidArgument(fmt::format(
        "{}: time_format must be iso8601, epoch or epoch_ms", source));
  }
  if (const toml::node* n = root.get("header")) {
    auto v = n->value<bool>();
    if (!v) return At(source, *n, "'header' must be true or false");
    m.header = *v;
  }
  const toml::node* f = root.get("fields");
  if (f == nullptr || !f->is_table() || f->as_table()->empty()) {
    return Status::InvalidArgument(
        fmt::format("{}: a [fields] table mapping Event fields to columns or "
                    "JSON paths is required",
                    source));
  }
  for (const auto& [k, v] : *f->as_table()) {
    if (internal::SlotByName(k.str()) == internal::Slot::kNone) {
      return At(source, v,
                fmt::format("'{}' is not an Event field (time, src_ip, "
                            "dst_ip, domain, url, sha256, ...)",
                            k.str()));
    }
    std::string col;
    if (auto s = v.value<std::string>()) {
      col = *s;
    } else if (auto i = v.value<int64_t>(); i && *i > 0) {
      col = std::to_string(*i);
    } else {
      return At(source, v,
                fmt::format("'{}' must name a column, a 1-based column "
                            "number or a JSON path",
                            k.str()));
    }
    if (col.empty()) return At(source, v, "an empty column or path");
    m.fields.emplace_back(std::string(k.str()), col);
  }
  return m;
}

Result<FieldMap> LoadFieldMap(Env& env, const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, env.ReadFile(path, 1 << 20));
  return ParseFieldMap(text, path);
}

}  // namespace ncert::telemetry
