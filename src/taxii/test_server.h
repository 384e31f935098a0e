// TEST ONLY: a minimal HTTP/1.1 server on 127.0.0.1 (Boost.Beast, one
// thread, one request per connection) that routes to handlers registered
// the way server/ will (RegisterTaxiiRoutes), until the real server arrives
// with the server branch. Basic credentials map to fixed principals.
//
// Thread safety: Start/Stop from the test thread; handlers run on the
// server's thread.
#ifndef NCERT_TAXII_TEST_SERVER_H_
#define NCERT_TAXII_TEST_SERVER_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "access/principal.h"
#include "server/http.h"

namespace ncert::taxii {

class TestServer {
 public:
  TestServer();
  ~TestServer();
  void Add(std::string method, std::string pattern, server::Handler h);
  // user -> (password, principal)
  void AddUser(std::string user, std::string password, access::Principal p);
  // Listens on 127.0.0.1 and an ephemeral port; returns the port.
  int Start();
  void Stop();
  // Dispatches without a socket (used by Start's loop).
  server::Response Dispatch(server::Request& r) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    server::Handler handler;
  };
  struct Impl;
  std::vector<Route> routes_;
  std::map<std::string, std::pair<std::string, access::Principal>> users_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace ncert::taxii

#endif  // NCERT_TAXII_TEST_SERVER_H_
