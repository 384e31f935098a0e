#include "core/config.h"

#include <set>

#include <fmt/format.h>
// Header-only, without exceptions: errors come back as parse_result.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace ncert {
namespace {

Status Unknown(std::string_view source, const toml::key& key) {
  const auto& src = key.source();
  return Status::InvalidArgument(
      fmt::format("{}:{}:{}: unknown configuration key '{}'", source,
                  src.begin.line, src.begin.column, key.str()));
}

Status WrongType(std::string_view source, const toml::node& node,
                 std::string_view key, std::string_view want) {
  const auto& src = node.source();
  return Status::InvalidArgument(fmt::format("{}:{}:{}: '{}' must be {}",
                                             source, src.begin.line,
                                             src.begin.column, key, want));
}

template <typename T>
Status ReadInt(std::string_view source, const toml::table& t,
               std::string_view key, T lo, T hi, T* out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  auto v = n->value<int64_t>();
  if (!v || *v < static_cast<int64_t>(lo) || *v > static_cast<int64_t>(hi)) {
    return WrongType(source, *n, key,
                     fmt::format("an integer from {} to {}", lo, hi));
  }
  *out = static_cast<T>(*v);
  return Status::Ok();
}

Status CheckKeys(std::string_view source, const toml::table& t,
                 const std::set<std::string_view>& allowed);

Status ReadDouble(std::string_view source, const toml::table& t,
                  std::string_view key, double lo, double hi, double* out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  auto v = n->value<double>();  // integers are accepted as doubles
  if (!v || !(*v >= lo && *v <= hi)) {
    return WrongType(source, *n, key,
                     fmt::format("a number from {} to {}", lo, hi));
  }
  *out = *v;
  return Status::Ok();
}

Status ReadString(std::string_view source, const toml::table& t,
                  std::string_view key, std::string* out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  auto v = n->value<std::string>();
  if (!v) return WrongType(source, *n, key, "a string");
  *out = *v;
  return Status::Ok();
}

Status ParseSurge(std::string_view source, const toml::table& s,
                  SurgeConfig* c) {
  RETURN_IF_ERROR(
      CheckKeys(source, s,
                {"k", "h", "alpha", "beta", "gamma", "warmup_weeks", "huber",
                 "min_value", "min_ratio", "adapt_hours", "time_zone", "tlp"}));
  RETURN_IF_ERROR(ReadDouble(source, s, "k", 0, 10, &c->k));
  RETURN_IF_ERROR(ReadDouble(source, s, "h", 0.1, 1000, &c->h));
  RETURN_IF_ERROR(ReadDouble(source, s, "alpha", 0, 1, &c->alpha));
  RETURN_IF_ERROR(ReadDouble(source, s, "beta", 0, 1, &c->beta));
  RETURN_IF_ERROR(ReadDouble(source, s, "gamma", 0, 1, &c->gamma));
  RETURN_IF_ERROR(ReadInt(source, s, "warmup_weeks", 1, 52, &c->warmup_weeks));
  RETURN_IF_ERROR(ReadDouble(source, s, "huber", 0.5, 100, &c->huber));
  RETURN_IF_ERROR(ReadDouble(source, s, "min_value", 0, 1e12, &c->min_value));
  RETURN_IF_ERROR(ReadDouble(source, s, "min_ratio", 0, 1e6, &c->min_ratio));
  RETURN_IF_ERROR(
      ReadInt(source, s, "adapt_hours", 1, 24 * 366, &c->adapt_hours));
  RETURN_IF_ERROR(ReadString(source, s, "time_zone", &c->time_zone));
  if (c->time_zone.empty()) {
    return WrongType(source, *s.get("time_zone"), "time_zone",
                     "a time zone name or offset");
  }
  RETURN_IF_ERROR(ReadString(source, s, "tlp", &c->tlp));
  static const std::set<std::string_view> kTlps = {"clear", "green", "amber",
                                                   "amber+strict", "red"};
  if (!kTlps.count(c->tlp)) {
    return WrongType(source, *s.get("tlp"), "tlp",
                     "clear, green, amber, amber+strict or red");
  }
  return Status::Ok();
}

Status CheckKeys(std::string_view source, const toml::table& t,
                 const std::set<std::string_view>& allowed) {
  for (const auto& [k, v] : t) {
    if (!allowed.count(k.str())) return Unknown(source, k);
  }
  return Status::Ok();
}

Status ParseServer(std::string_view source, const toml::table& s,
                   ServerConfig* c) {
  RETURN_IF_ERROR(CheckKeys(
      source, s,
      {"listen", "threads", "tls_cert", "tls_key", "max_body_bytes",
       "header_timeout_ms", "body_timeout_ms", "idle_timeout_ms",
       "write_timeout_ms", "max_connections", "rate_per_second", "rate_burst",
       "shutdown_grace_ms", "auth_cache_ms", "access_log",
       "audit_requests"}));
  RETURN_IF_ERROR(ReadString(source, s, "listen", &c->listen));
  RETURN_IF_ERROR(ReadInt(source, s, "threads", 1, 256, &c->threads));
  RETURN_IF_ERROR(ReadString(source, s, "tls_cert", &c->tls_cert));
  RETURN_IF_ERROR(ReadString(source, s, "tls_key", &c->tls_key));
  RETURN_IF_ERROR(ReadInt<uint64_t>(source, s, "max_body_bytes", 1024,
                                    1ull << 32, &c->max_body_bytes));
  constexpr int64_t kDay = 86400000;
  RETURN_IF_ERROR(ReadInt<int64_t>(source, s, "header_timeout_ms", 100, kDay,
                                   &c->header_timeout_ms));
  RETURN_IF_ERROR(ReadInt<int64_t>(source, s, "body_timeout_ms", 100, kDay,
                                   &c->body_timeout_ms));
  RETURN_IF_ERROR(ReadInt<int64_t>(source, s, "idle_timeout_ms", 100, kDay,
                                   &c->idle_timeout_ms));
  RETURN_IF_ERROR(ReadInt<int64_t>(source, s, "write_timeout_ms", 100, kDay,
                                   &c->write_timeout_ms));
  RETURN_IF_ERROR(ReadInt(source, s, "max_connections", 1, 1000000,
                          &c->max_connections));
  RETURN_IF_ERROR(ReadDouble(source, s, "rate_per_second", 0, 1e9,
                             &c->rate_per_second));
  RETURN_IF_ERROR(ReadDouble(source, s, "rate_burst", 0, 1e9, &c->rate_burst));
  RETURN_IF_ERROR(ReadInt<int64_t>(source, s, "shutdown_grace_ms", 0, kDay,
                                   &c->shutdown_grace_ms));
  RETURN_IF_ERROR(ReadInt<int64_t>(source, s, "auth_cache_ms", 0, kDay,
                                   &c->auth_cache_ms));
  RETURN_IF_ERROR(ReadString(source, s, "access_log", &c->access_log));
  if (const toml::node* n = s.get("audit_requests")) {
    auto v = n->value<bool>();
    if (!v) return WrongType(source, *n, "audit_requests", "true or false");
    c->audit_requests = *v;
  }
  if (c->tls_cert.empty() != c->tls_key.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{}: [server] tls_cert and tls_key go together", source));
  }
  return Status::Ok();
}

const toml::table* Section(const toml::table& root, std::string_view name) {
  const toml::node* n = root.get(name);
  return n ? n->as_table() : nullptr;
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view source) {
  toml::parse_result parsed = toml::parse(text, source);
  if (!parsed) {
    const auto& err = parsed.error();
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}", source, err.source().begin.line,
                    err.source().begin.column, err.description()));
  }
  const toml::table& root = parsed.table();
  // [taxii] is read by taxii/config.h (ParseTaxiiConfig), which checks it.
  RETURN_IF_ERROR(CheckKeys(
      source, root, {"store", "ingest", "log", "taxii", "sensors", "server"}));
  Config c;
  if (const toml::table* s = Section(root, "store")) {
    RETURN_IF_ERROR(CheckKeys(source, *s, {"path", "batch_size"}));
    if (const toml::node* n = s->get("path")) {
      auto v = n->value<std::string>();
      if (!v || v->empty()) return WrongType(source, *n, "path", "a non-empty string");
      c.store_path = *v;
    }
    RETURN_IF_ERROR(ReadInt(source, *s, "batch_size", 1, 1000000, &c.batch_size));
  }
  if (const toml::table* s = Section(root, "ingest")) {
    RETURN_IF_ERROR(CheckKeys(source, *s, {"max_object_bytes", "max_depth"}));
    RETURN_IF_ERROR(ReadInt<uint64_t>(source, *s, "max_object_bytes", 1024,
                                      1ull << 32, &c.max_object_bytes));
    RETURN_IF_ERROR(ReadInt(source, *s, "max_depth", 4, 1024, &c.max_depth));
  }
  if (const toml::table* s = Section(root, "log")) {
    RETURN_IF_ERROR(CheckKeys(source, *s, {"level"}));
    if (const toml::node* n = s->get("level")) {
      auto v = n->value<std::string>();
      if (!v) return WrongType(source, *n, "level", "a string");
      auto level = ParseLogLevel(*v);
      if (!level.ok()) return level.status().WithContext(source);
      c.log_level = *level;
    }
  }
  if (const toml::node* n = root.get("sensors")) {
    const toml::table* s = n->as_table();
    if (s == nullptr) return WrongType(source, *n, "sensors", "a table");
    RETURN_IF_ERROR(CheckKeys(source, *s, {"surge"}));
    if (const toml::node* sn = s->get("surge")) {
      const toml::table* surge = sn->as_table();
      if (surge == nullptr) {
        return WrongType(source, *sn, "sensors.surge", "a table");
      }
      RETURN_IF_ERROR(ParseSurge(source, *surge, &c.surge));
    }
  }
  if (const toml::table* s = Section(root, "server")) {
    RETURN_IF_ERROR(ParseServer(source, *s, &c.server));
  }
  return c;
}

Result<Config> LoadConfig(Env& env, const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, env.ReadFile(path, 1 << 20));
  return ParseConfig(text, path);
}

}  // namespace ncert
