// The HTTP/1.1 server (Boost.Beast on Asio; docs/architecture.md says why):
// keep-alive, a fixed pool of worker threads running one io_context, optional
// TLS 1.2+, authentication, per-principal rate limits, request body and
// header limits enforced while reading, header/body/idle timeouts, a
// connection limit, a JSON access log, /healthz and /metrics, and graceful
// shutdown. Routes come from a Router (router.h); docs/server.md lists them.
//
//   Server::Options o;  o.listen = "127.0.0.1:0";
//   ASSIGN_OR_RETURN(auto srv, Server::Create(o, deps, std::move(router)));
//   RETURN_IF_ERROR(srv->Start());        // listening; threads running
//   ...
//   srv->Shutdown();                      // stop accepting, drain, join
//
// Thread safety: Start, Shutdown and the accessors may be called from any
// one thread; handlers run on the worker threads, several at once.
#ifndef NCERT_SERVER_SERVER_H_
#define NCERT_SERVER_SERVER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "core/log.h"
#include "core/status.h"
#include "core/time.h"
#include "server/auth.h"
#include "server/metrics.h"
#include "server/router.h"
#include "store/directory.h"

namespace ncert::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:8443";  // host:port; port 0 = any free
  int threads = 2;                        // worker threads
  std::string tls_cert;                   // PEM paths; both or neither
  std::string tls_key;
  uint64_t max_body_bytes = 16ull << 20;  // 413 beyond this
  uint32_t max_header_bytes = 16 << 10;   // 431 beyond this
  int64_t header_timeout_ms = 10000;      // first byte to end of headers
  int64_t body_timeout_ms = 30000;        // reading the body
  int64_t idle_timeout_ms = 60000;        // keep-alive wait for the next one
  int64_t write_timeout_ms = 30000;       // writing a response
  int max_connections = 10000;            // further ones are closed at once
  double rate_per_second = 0;             // per principal (or remote IP); 0 off
  double rate_burst = 0;                  // bucket size (default: 2 x rate)
  int64_t shutdown_grace_ms = 10000;      // in-flight requests finish within
  int64_t auth_cache_ms = 10000;          // resolved tokens kept this long
  std::FILE* access_log = nullptr;        // one JSON line per request; null off
  // Audit every authenticated request (auth failures are always audited).
  bool audit_requests = true;
};

// Everything pointed to must outlive the Server.
struct ServerDeps {
  // For tokens and the audit log; null: every request is anonymous.
  store::Directory* directory = nullptr;
  Clock* clock = nullptr;      // required
  Logger* log = nullptr;       // may be null
  Metrics* metrics = nullptr;  // required; the server registers its own
  // Where request audit entries go; null: the server makes its own on
  // `directory`. Shared with handlers that audit too (TAXII's reads), so the
  // process writes one audit stream in batches.
  AuditSink* audit = nullptr;
};

class Server {
 public:
  virtual ~Server() = default;

  // Adds GET /healthz and GET /metrics to `router`. Fails on bad options
  // (listen address, unreadable TLS files).
  static Result<std::unique_ptr<Server>> Create(ServerOptions options,
                                                ServerDeps deps, Router router);

  // Binds and starts the worker threads; returns once listening.
  virtual Status Start() = 0;
  // The bound address ("127.0.0.1:40123") and port, after Start.
  virtual std::string address() const = 0;
  virtual uint16_t port() const = 0;
  // Stops accepting, closes idle connections, lets in-flight requests finish
  // (answering them with Connection: close) until shutdown_grace_ms, then
  // closes the rest, flushes the audit log and joins the threads. Idempotent.
  virtual void Shutdown() = 0;
};

}  // namespace ncert::server

#endif  // NCERT_SERVER_SERVER_H_
