// The HTTP request and response that server/ hands to route handlers
// (taxii/, the REST API). Handlers are plain functions of a Request, so they
// are tested without a socket.
//
// Thread safety: values. A Handler must be callable from several threads at
// once (the server runs one per connection strand).
#ifndef NCERT_SERVER_HTTP_H_
#define NCERT_SERVER_HTTP_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/principal.h"

namespace ncert::server {

struct Request {
  std::string method;  // "GET"
  std::string target;  // as sent: "/taxii2/api1/collections/?limit=10"
  std::string path;    // percent-decoded path without the query
  // Query parameters, percent-decoded, in order ("match[type]" may repeat).
  std::vector<std::pair<std::string, std::string>> query;
  // Header names lower-cased.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string remote;  // "127.0.0.1:53412"
  // Who is asking, once server/ authenticated the request; null for an
  // anonymous request (the public reader).
  const access::Principal* principal = nullptr;
  // Path parameters captured by the router: {"api_root", "api1"}.
  std::map<std::string, std::string> params;

  // The header's value, or "" when absent.
  std::string_view Header(std::string_view lower_name) const;
  // Every value of a query parameter, in order.
  std::vector<std::string_view> QueryAll(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, sent instead of `body`, without a copy: a finished body that
  // many responses share (the TAXII page cache). Immutable once shared.
  std::shared_ptr<const std::string> shared_body;

  void SetHeader(std::string name, std::string value);
  // What is sent: *shared_body when set, else body.
  std::string_view Body() const {
    return shared_body ? std::string_view(*shared_body)
                       : std::string_view(body);
  }
};

using Handler = std::function<Response(const Request&)>;

}  // namespace ncert::server

#endif  // NCERT_SERVER_HTTP_H_
