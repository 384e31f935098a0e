#include "server/router.h"

#include <fmt/format.h>

#include <cassert>

#include "core/json.h"
#include "server/target.h"

namespace ncert::server {

Response ErrorResponse(int status, std::string_view error,
                       std::string_view message) {
  Response r;
  r.status = status;
  r.body = "{\"error\":";
  AppendJsonString(error, &r.body);
  r.body += ",\"message\":";
  AppendJsonString(message, &r.body);
  r.body += "}";
  r.SetHeader("Content-Type", "application/json");
  return r;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path[0] != '/') return out;
  size_t pos = 1;
  while (true) {
    size_t slash = path.find('/', pos);
    out.emplace_back(path.substr(pos, slash == std::string_view::npos
                                          ? std::string_view::npos
                                          : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

void Router::Add(std::string_view method, std::string_view pattern,
                 Handler handler) {
  assert(!pattern.empty() && pattern[0] == '/' && "patterns start with /");
  Route r;
  r.method = std::string(method);
  r.pattern = std::string(pattern);
  r.segments = SplitPath(pattern);
  r.name = fmt::format("{} {}", method, pattern);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

void Router::Mount(std::string_view prefix, const Router& other) {
  std::string p(prefix);
  while (!p.empty() && p.back() == '/') p.pop_back();
  for (const Route& r : other.routes_) Add(r.method, p + r.pattern, r.handler);
}

Router::Match Router::Find(std::string_view method,
                           const std::vector<std::string>& segments,
                           std::map<std::string, std::string>* params) const {
  Match m;
  m.status = 404;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t s = 0; s < segments.size() && ok; ++s) {
      const std::string& want = r.segments[s];
      bool param = want.size() > 2 && want.front() == '{' && want.back() == '}';
      ok = param ? !segments[s].empty() : want == segments[s];
    }
    if (!ok) continue;
    bool same_method =
        r.method == method || (method == "HEAD" && r.method == "GET");
    if (!same_method) {
      if (m.allow.find(r.method) == std::string::npos) {
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += r.method;
      }
      m.status = 405;
      continue;
    }
    m.route = static_cast<int>(i);
    m.status = 0;
    m.allow.clear();
    if (params != nullptr) {
      for (size_t s = 0; s < segments.size(); ++s) {
        const std::string& want = r.segments[s];
        if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
          (*params)[want.substr(1, want.size() - 2)] = segments[s];
        }
      }
    }
    return m;
  }
  return m;
}

Response Router::Handle(Request& request, int* route) const {
  if (route) *route = -1;
  std::vector<std::string> segments;
  if (!request.target.empty()) {
    auto t = ParseTarget(request.target);
    if (!t.ok()) {
      return ErrorResponse(400, "bad-request", t.status().message());
    }
    segments = std::move(t->segments);
  } else {
    segments = SplitPath(request.path);
  }
  request.params.clear();
  Match m = Find(request.method, segments, &request.params);
  if (m.status == 404) {
    return ErrorResponse(404, "not-found",
                         fmt::format("no resource at {}", request.path));
  }
  if (m.status == 405) {
    Response r =
        ErrorResponse(405, "method-not-allowed",
                      fmt::format("{} is not allowed on {} (allowed: {})",
                                  request.method, request.path, m.allow));
    r.SetHeader("Allow", m.allow);
    return r;
  }
  if (route) *route = m.route;
  return routes_[m.route].handler(request);
}

}  // namespace ncert::server
