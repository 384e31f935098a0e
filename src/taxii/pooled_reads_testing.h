// For tests: the read path `ncert serve` gives the TAXII service (pooled
// read connections, a change watcher and a page cache) over a store file.
//
// Thread safety: as the parts (StorePool, ChangeWatcher, PageCache).
#ifndef NCERT_TAXII_POOLED_READS_TESTING_H_
#define NCERT_TAXII_POOLED_READS_TESTING_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "server/api.h"
#include "store/sqlite_store.h"
#include "taxii/page_cache.h"
#include "taxii/service.h"

namespace ncert::taxii {

struct PooledReads {
  std::unique_ptr<server::StorePool> pool;
  std::unique_ptr<store::ChangeWatcher> watcher;
  std::unique_ptr<PageCache> cache;

  TaxiiReadPath Path() const {
    TaxiiReadPath rp;
    rp.readers = pool.get();
    rp.changes = watcher.get();
    rp.cache = cache.get();
    return rp;
  }
};

// Two pooled connections on the existing store file at `path`. A part that
// cannot be opened fails the test and stays null.
inline PooledReads OpenPooledReads(const std::string& path, Clock& clock,
                                   size_t cache_bytes) {
  PooledReads r;
  auto pool = server::StorePool::Open(2, [&] {
    store::SqliteOptions o;
    o.path = path;
    o.clock = &clock;
    o.create_if_missing = false;
    return store::OpenSqliteStore(o);
  });
  EXPECT_TRUE(pool.ok()) << pool.status().ToString();
  if (pool.ok()) r.pool = std::move(*pool);
  auto watcher = store::OpenSqliteChangeWatcher(path);
  EXPECT_TRUE(watcher.ok()) << watcher.status().ToString();
  if (watcher.ok()) r.watcher = std::move(*watcher);
  r.cache = std::make_unique<PageCache>(cache_bytes);
  return r;
}

}  // namespace ncert::taxii

#endif  // NCERT_TAXII_POOLED_READS_TESTING_H_
