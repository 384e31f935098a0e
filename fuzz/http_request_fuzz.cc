// Fuzz target for the server's request-target parser and the Router: any
// bytes as a request target (the first line; later lines as extra targets).
// Invariants checked: ParseTarget never crashes; a parsed target has no
// decoded dot segment and at most kMaxQueryParams parameters; Router::Handle
// on it answers a status in {200, 400, 404, 405} with a JSON body for errors,
// and path parameters captured are non-empty and equal to a segment.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/router.h"
#include "server/target.h"

namespace {

using ncert::server::Request;
using ncert::server::Response;
using ncert::server::Router;

const Router& TheRouter() {
  static const Router* router = [] {
    auto* r = new Router();
    auto ok = [](const Request&) { return Response{}; };
    r->Add("GET", "/api/v1/objects", ok);
    r->Add("GET", "/api/v1/objects/{id}", ok);
    r->Add("POST", "/api/v1/sightings", ok);
    Router taxii;
    taxii.Add("GET", "/{api_root}/collections/{id}/objects/", ok);
    taxii.Add("GET", "/{api_root}/collections/{id}/objects/{object_id}/", ok);
    taxii.Add("POST", "/{api_root}/collections/{id}/objects/", ok);
    taxii.Add("GET", "/", ok);
    r->Mount("/taxii2", taxii);
    return r;
  }();
  return *router;
}

void Check(bool cond) {
  if (!cond) std::abort();
}

void One(std::string_view target) {
  auto t = ncert::server::ParseTarget(target);
  if (t.ok()) {
    Check(t->query.size() <= ncert::server::kMaxQueryParams);
    for (const std::string& s : t->segments) Check(s != "." && s != "..");
  }
  for (const char* method : {"GET", "POST", "DELETE"}) {
    Request req;
    req.method = method;
    req.target = std::string(target);
    Response res = TheRouter().Handle(req);
    Check(res.status == 200 || res.status == 400 || res.status == 404 ||
          res.status == 405);
    if (res.status != 200) {
      Check(res.body.rfind("{\"error\":", 0) == 0);
    } else {
      Check(t.ok());
      for (const auto& [name, value] : req.params) {
        Check(!value.empty());
        bool found = false;
        for (const std::string& s : t->segments) found = found || s == value;
        Check(found);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  int lines = 0;
  while (start <= in.size() && lines++ < 64) {
    size_t nl = in.find('\n', start);
    One(in.substr(start, nl == std::string_view::npos ? std::string_view::npos
                                                      : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return 0;
}
