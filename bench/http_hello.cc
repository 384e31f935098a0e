// A trivial HTTP handler ("ok", 2 bytes) served by one of two libraries, for
// the library choice in docs/architecture.md and as the static-response
// ceiling of bench/serve.sh:
//
//   http_hello beast   PORT THREADS   ncert's server/ (Boost.Beast + Asio)
//   http_hello httplib PORT THREADS   cpp-httplib (a thread per connection
//                                     from a pool of THREADS)
//
// Serves 127.0.0.1:PORT until SIGTERM or SIGINT. Load it with wrk.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/time.h"
#include "server/server.h"

#ifdef NCERT_HAVE_HTTPLIB

#include <httplib.h>
#endif

namespace {

sigset_t BlockSignals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
  return s;
}

int Beast(int port, int threads) {
  using namespace ncert;
  SystemClock clock;
  server::Metrics metrics;
  server::Router router;
  router.Add("GET", "/", [](const server::Request&) {
    server::Response r;
    r.body = "ok";
    r.SetHeader("Content-Type", "text/plain");
    return r;
  });
  server::ServerOptions o;
  o.listen = "127.0.0.1:" + std::to_string(port);
  o.threads = threads;
  server::ServerDeps deps;
  deps.clock = &clock;
  deps.metrics = &metrics;
  auto srv = server::Server::Create(o, deps, std::move(router));
  if (!srv.ok()) {
    std::fprintf(stderr, "http_hello: %s\n", srv.status().message().c_str());
    return 1;
  }
  sigset_t s = BlockSignals();
  if (Status st = (*srv)->Start(); !st.ok()) {
    std::fprintf(stderr, "http_hello: %s\n", st.message().c_str());
    return 1;
  }
  std::printf("beast listening on %s\n", (*srv)->address().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&s, &sig);
  (*srv)->Shutdown();
  return 0;
}

#ifdef NCERT_HAVE_HTTPLIB
int Httplib(int port, int threads) {
  httplib::Server svr;
  svr.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  sigset_t s = BlockSignals();
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&s, &sig);
    svr.stop();
  });
  std::printf("httplib listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  svr.listen("127.0.0.1", port);
  waiter.join();
  return 0;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: http_hello beast|httplib PORT THREADS\n");
    return 2;
  }
  std::string lib = argv[1];
  int port = std::atoi(argv[2]);
  int threads = std::atoi(argv[3]);
  if (lib == "beast") return Beast(port, threads);
#ifdef NCERT_HAVE_HTTPLIB
  if (lib == "httplib") return Httplib(port, threads);
#endif
  std::fprintf(stderr, "http_hello: unknown or unavailable library '%s'\n",
               lib.c_str());
  return 2;
}
