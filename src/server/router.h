// Routes requests to handlers by method and path pattern.
//
//   Router r;
//   r.Add("GET", "/taxii2/{api_root}/collections/{id}/objects/", handler);
//   api.Mount("/taxii2", taxii_router);   // every route of another set
//
// A pattern is a sequence of segments: a literal, or "{name}", which matches
// any one non-empty segment and is put in Request::params. Segments are
// compared after percent-decoding each on its own, so "%2F" inside an id never
// splits it. A trailing "/" is significant (TAXII's paths end in one). A path
// that matches no pattern is 404; one that matches with another method is 405
// with an Allow header. Errors are JSON {"error", "message"}.
//
// Thread safety: Add and Mount before the server starts; Find and Handle are
// const and thread-safe afterwards.
#ifndef NCERT_SERVER_ROUTER_H_
#define NCERT_SERVER_ROUTER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.h"

namespace ncert::server {

// A JSON error body {"error": code, "message": message} with its status.
Response ErrorResponse(int status, std::string_view error,
                       std::string_view message);

class Router {
 public:
  void Add(std::string_view method, std::string_view pattern, Handler handler);
  // Adds every route of `other` with `prefix` ("/taxii2") before its pattern.
  void Mount(std::string_view prefix, const Router& other);

  struct Match {
    int route = -1;     // index into routes(); -1: none
    int status = 0;     // 0 on a match, else 404 or 405
    std::string allow;  // for 405: "GET, POST"
  };
  // Matches decoded `segments` (the path split at "/", without the leading
  // empty one: "/a/b/" is {"a", "b", ""}); fills `params` on a match.
  Match Find(std::string_view method, const std::vector<std::string>& segments,
             std::map<std::string, std::string>* params) const;

  // Routes `request` (its target, or its path when the target is empty),
  // sets request.params and calls the handler; 400/404/405 as JSON errors.
  // `route` (if given) gets the matched route index or -1.
  Response Handle(Request& request, int* route = nullptr) const;

  size_t size() const { return routes_.size(); }
  // "GET /api/v1/objects/{id}" for metrics labels.
  const std::string& RouteName(int route) const { return routes_[route].name; }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{x}" for a parameter
    std::string name;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// Splits a decoded path at "/" (fallback when a Request has no target).
std::vector<std::string> SplitPath(std::string_view path);

}  // namespace ncert::server

#endif  // NCERT_SERVER_ROUTER_H_
