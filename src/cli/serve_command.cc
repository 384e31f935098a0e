// ncert serve: the HTTP server (server/) with the REST API, until SIGTERM or
// SIGINT, then a graceful shutdown (docs/server.md).

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>

#include "cli/commands.h"
#include "server/api.h"
#include "server/server.h"
#include "store/sqlite_store.h"
#include "taxii/config.h"
#include "taxii/service.h"

namespace ncert::cli {
namespace {

// With no [taxii] section: one API root, "ncert", with a collection of all
// knowledge, one of indicators, and an inbox members may write to. Each
// caller sees only what the access policy lets them see.
taxii::TaxiiConfig DefaultTaxiiConfig() {
  taxii::TaxiiConfig c;
  c.default_api_root = "ncert";
  taxii::ApiRootConfig root;
  root.name = "ncert";
  root.title = "National CERT knowledge";
  root.description = "Everything you may see, as STIX 2.1";
  taxii::CollectionConfig all;
  all.id = "4b3a8f0e-5d1c-4c6e-9a53-0c2f6f1e7a10";
  all.alias = "all";
  all.title = "All knowledge";
  taxii::CollectionConfig indicators;
  indicators.id = "8e4f2c61-1b7a-4f0e-8d2a-3c5b9e7d1f24";
  indicators.alias = "indicators";
  indicators.title = "Indicators";
  indicators.types = {"indicator"};
  taxii::CollectionConfig inbox;
  inbox.id = "c1d9e3a7-6f2b-4a85-b0c4-7e8d2f5a9b36";
  inbox.alias = "inbox";
  inbox.title = "Inbox: share with the national CERT";
  inbox.write_roles = {access::Role::kMember, access::Role::kMemberAdmin,
                       access::Role::kAnalyst, access::Role::kAdmin,
                       access::Role::kPartner};
  root.collections = {all, indicators, inbox};
  c.api_roots.push_back(std::move(root));
  return c;
}

struct ServeOptions {
  std::string listen;
  int threads = 0;
  std::string tls_cert;
  std::string tls_key;
};

int RunServe(Context& ctx, const ServeOptions& opt) {
  ServerConfig sc = ctx.config.server;
  if (!opt.listen.empty()) sc.listen = opt.listen;
  if (opt.threads > 0) sc.threads = opt.threads;
  if (!opt.tls_cert.empty() || !opt.tls_key.empty()) {
    sc.tls_cert = opt.tls_cert;
    sc.tls_key = opt.tls_key;
  }
  auto primary = ctx.OpenStore();
  if (!primary.ok()) return ctx.Fail(primary.status());
  store::Store& st = **primary;
  auto local = st.directory().FindPrincipal("local");
  access::Principal operator_principal;
  operator_principal.user.name = "local";
  if (local.ok() && *local) operator_principal = **local;

  // Reads get their own connections (SQLite WAL readers run side by side).
  std::string path = ctx.db_path.empty() ? ctx.config.store_path : ctx.db_path;
  std::unique_ptr<server::StorePool> readers;
  if (path != ":memory:") {
    auto pool = server::StorePool::Open(sc.threads, [&] {
      store::SqliteOptions o;
      o.path = path;
      o.clock = ctx.clock;
      o.create_if_missing = false;
      return store::OpenSqliteStore(o);
    });
    if (!pool.ok()) return ctx.Fail(pool.status());
    readers = std::move(*pool);
  }

  std::FILE* access_log = nullptr;
  bool close_log = false;
  if (sc.access_log == "-") {
    access_log = ctx.err;
  } else if (!sc.access_log.empty()) {
    access_log = std::fopen(sc.access_log.c_str(), "ae");
    if (access_log == nullptr) {
      return ctx.Fail(Status::IoError(fmt::format(
          "cannot open the access log {} for appending", sc.access_log)));
    }
    close_log = true;
  }

  server::Metrics metrics;
  server::StorePool* pool = readers.get();
  metrics.AddCallbackGauge(
      "ncert_store_objects", "Distinct objects in the knowledge store", {},
      [&st, pool] {
        auto stats = pool ? pool->Acquire()->Stats(store::Reader::System())
                          : st.Stats(store::Reader::System());
        return stats.ok() ? static_cast<double>(stats->objects) : -1.0;
      });
  metrics.AddCallbackGauge(
      "ncert_store_file_bytes", "Size of the knowledge store file", {}, [&st] {
        auto stats = st.Stats(store::Reader::System());
        return stats.ok() ? static_cast<double>(stats->file_bytes) : -1.0;
      });

  server::Router router;
  server::ApiDeps api;
  api.store = &st;
  api.readers = readers.get();
  api.clock = ctx.clock;
  api.metrics = &metrics;
  server::AddApiRoutes(router, api);

  // TAXII 2.1 under /taxii2/, from the [taxii] section of the config file.
  taxii::TaxiiConfig tc = DefaultTaxiiConfig();
  if (!ctx.config_path.empty() || ctx.env->Stat("ncert.toml").ok()) {
    std::string cfg_path =
        ctx.config_path.empty() ? std::string("ncert.toml") : ctx.config_path;
    auto text = ctx.env->ReadFile(cfg_path);
    if (!text.ok()) return ctx.Fail(text.status());
    auto parsed = taxii::ParseTaxiiConfig(*text, cfg_path);
    if (!parsed.ok()) return ctx.Fail(parsed.status());
    if (!parsed->api_roots.empty()) tc = std::move(*parsed);
  }
  if (!sc.audit_requests) tc.audit_reads = false;
  // One audit stream for the server's request entries and TAXII's reads,
  // committed in batches on its own thread; flushed on shutdown.
  server::AuditSink audit(st.directory(), ctx.log, &metrics);
  // TAXII pages: read through the pool, and (page_cache_mb > 0) kept
  // finished until the store's generation moves (docs/taxii.md).
  taxii::TaxiiReadPath read_path;
  read_path.readers = readers.get();
  read_path.audit = &audit;
  std::unique_ptr<store::ChangeWatcher> changes;
  std::unique_ptr<taxii::PageCache> page_cache;
  if (readers && tc.page_cache_mb > 0) {
    auto watcher = store::OpenSqliteChangeWatcher(path);
    if (!watcher.ok()) return ctx.Fail(watcher.status());
    changes = std::move(*watcher);
    page_cache = std::make_unique<taxii::PageCache>(
        static_cast<size_t>(tc.page_cache_mb) << 20);
    read_path.changes = changes.get();
    read_path.cache = page_cache.get();
    taxii::PageCache* pc = page_cache.get();
    metrics.AddCallbackGauge(
        "ncert_taxii_page_cache_hits", "TAXII pages served from the cache", {},
        [pc] { return static_cast<double>(pc->stats().hits); });
    metrics.AddCallbackGauge(
        "ncert_taxii_page_cache_misses", "TAXII pages read from the store", {},
        [pc] { return static_cast<double>(pc->stats().misses); });
    metrics.AddCallbackGauge(
        "ncert_taxii_page_cache_bytes", "Bytes held by the TAXII page cache",
        {}, [pc] { return static_cast<double>(pc->stats().bytes); });
  }
  taxii::TaxiiService taxii_service(st, *ctx.env, *ctx.clock, tc, read_path);
  taxii::RegisterTaxiiRoutes(
      [&router](std::string method, std::string pattern, server::Handler h) {
        router.Add(method, pattern, std::move(h));
      },
      taxii_service);

  server::ServerOptions so;
  so.listen = sc.listen;
  so.threads = sc.threads;
  so.tls_cert = sc.tls_cert;
  so.tls_key = sc.tls_key;
  so.max_body_bytes = sc.max_body_bytes;
  so.header_timeout_ms = sc.header_timeout_ms;
  so.body_timeout_ms = sc.body_timeout_ms;
  so.idle_timeout_ms = sc.idle_timeout_ms;
  so.write_timeout_ms = sc.write_timeout_ms;
  so.max_connections = sc.max_connections;
  so.rate_per_second = sc.rate_per_second;
  so.rate_burst = sc.rate_burst;
  so.shutdown_grace_ms = sc.shutdown_grace_ms;
  so.auth_cache_ms = sc.auth_cache_ms;
  so.access_log = access_log;
  so.audit_requests = sc.audit_requests;
  server::ServerDeps deps;
  deps.directory = &st.directory();
  deps.clock = ctx.clock;
  deps.log = ctx.log;
  deps.metrics = &metrics;
  deps.audit = &audit;
  auto srv = server::Server::Create(so, deps, std::move(router));
  if (!srv.ok()) return ctx.Fail(srv.status());

  // The worker threads inherit this mask, so the signals reach sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Status started = (*srv)->Start();
  if (!started.ok()) return ctx.Fail(started);
  std::string scheme = sc.tls_cert.empty() ? "http" : "https";
  ctx.Audit(st.directory(), operator_principal, "admin",
            "serve " + (*srv)->address(), "ok started");
  if (ctx.json) {
    fmt::print(ctx.out, "{{\"listen\":\"{}://{}\",\"threads\":{}}}\n", scheme,
               (*srv)->address(), sc.threads);
  } else if (ctx.lang == Lang::kJa) {
    fmt::print(ctx.out,
               "{}://{} で待ち受けています（スレッド {}）。Ctrl-C で停止\n",
               scheme, (*srv)->address(), sc.threads);
  } else {
    fmt::print(ctx.out, "listening on {}://{} ({} threads); Ctrl-C stops\n",
               scheme, (*srv)->address(), sc.threads);
  }
  std::fflush(ctx.out);
  int sig = 0;
  sigwait(&signals, &sig);
  if (!ctx.quiet) {
    fmt::print(ctx.err, "ncert: {} received, finishing requests in flight\n",
               sig == SIGTERM ? "SIGTERM" : "SIGINT");
  }
  (*srv)->Shutdown();
  ctx.Audit(st.directory(), operator_principal, "admin",
            "serve " + (*srv)->address(), "ok stopped");
  if (close_log) std::fclose(access_log);
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the REST API (and /metrics, /healthz) over HTTP until SIGTERM");
  cmd->add_option("--listen", opt->listen,
                  "address:port to listen on (default: server.listen in the "
                  "config, else 127.0.0.1:8443)");
  cmd->add_option("--threads", opt->threads,
                  "worker threads (default: server.threads, else 2)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--tls-cert", opt->tls_cert,
                  "PEM certificate chain (TLS 1.2+)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tls-key", opt->tls_key, "PEM private key")
      ->check(CLI::ExistingFile);
  cmd->callback([&ctx, opt, exit_code] {
    if (opt->tls_cert.empty() != opt->tls_key.empty()) {
      *exit_code = ctx.Fail(
          Status::InvalidArgument("--tls-cert and --tls-key go together"));
      return;
    }
    *exit_code = RunServe(ctx, *opt);
  });
}

}  // namespace ncert::cli
