// The REST API under /api/v1/ (docs/server.md): object query and get with
// the filters of `ncert query` / `ncert get`, sighting submission, the
// directory (organisations, users, tokens) for administrators, indicator
// export, and its own OpenAPI 3 description. Every object read goes through
// store::Reader::As(principal) (the public reader when anonymous); a hidden
// object answers exactly like an absent one.
//
// Thread safety: the handlers are thread-safe; reads lease a store from a
// StorePool, so concurrent reads never wait on one connection's lock.
#ifndef NCERT_SERVER_API_H_
#define NCERT_SERVER_API_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "server/metrics.h"
#include "server/router.h"
#include "store/store.h"

namespace ncert::server {

// The OpenAPI 3 description (openapi.json, embedded at build time).
extern const std::string_view kOpenApiJson;

// A fixed set of store connections on one database, leased one per read so
// that reads on different threads run side by side (SQLite WAL readers).
//
// Thread safety: thread-safe.
class StorePool {
 public:
  using Opener = std::function<Result<std::unique_ptr<store::Store>>()>;
  static Result<std::unique_ptr<StorePool>> Open(int size, const Opener& open);

  class Lease {
   public:
    Lease(StorePool* pool, store::Store* store) : pool_(pool), store_(store) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), store_(o.store_) {
      o.pool_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (pool_) pool_->Release(store_);
    }
    store::Store& operator*() const { return *store_; }
    store::Store* operator->() const { return store_; }

   private:
    StorePool* pool_;
    store::Store* store_;
  };
  // Waits for a free store.
  Lease Acquire();

 private:
  void Release(store::Store* s);
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<store::Store*> free_;  // guarded by mu_
};

// Everything pointed to must outlive the router and the server using it.
struct ApiDeps {
  store::Store* store = nullptr;  // required: writes and the directory
  StorePool* readers = nullptr;   // reads; null: `store`
  Clock* clock = nullptr;         // required
  Metrics* metrics = nullptr;     // required: ingest counters
  int64_t max_limit = 10000;      // the largest `limit` a query may ask
};

// Adds every /api/v1/ route to `router`.
void AddApiRoutes(Router& router, ApiDeps deps);

}  // namespace ncert::server

#endif  // NCERT_SERVER_API_H_
