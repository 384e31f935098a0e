// A bounded LRU cache of finished TAXII list pages (objects/ and manifest/
// bodies with their date headers), for `ncert serve`. The service keys each
// page by everything that decides its bytes — API root, collection,
// endpoint, the caller's whole access view (their user, role, clearance,
// organisation, sectors and groups; or "public") and the normalised query
// (limit, next, added_after, match[...]) — and tags it with the store's
// generation (store::ChangeWatcher): a page is only ever returned for the
// generation it was read at, so once anything is committed (by this process
// or another) every older page is unusable and dropped. Bounded in bytes;
// the least recently used pages go first.
//
//   PageCache cache(64 << 20);
//   ASSIGN_OR_RETURN(uint64_t gen, watcher.Generation());
//   if (auto page = cache.Find(key, gen)) ... else cache.Insert(key, gen, p);
//
// Thread safety: thread-safe (one mutex; pages are shared immutable).
#ifndef NCERT_TAXII_PAGE_CACHE_H_
#define NCERT_TAXII_PAGE_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ncert::taxii {

class PageCache {
 public:
  struct Page {
    std::string body;
    std::string date_added_first;  // "" when the page is empty
    std::string date_added_last;
    int64_t records = 0;  // objects or manifest records (for the read audit)
  };
  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t evictions = 0;  // for room (not for a new generation)
    size_t pages = 0;
    size_t bytes = 0;
  };

  // `max_bytes` > 0: the bound on the pages' bytes (bodies, headers, keys).
  explicit PageCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  PageCache(const PageCache&) = delete;
  PageCache& operator=(const PageCache&) = delete;

  // The page stored under `key` at exactly `generation`, or null. A newer
  // generation than any seen drops every page.
  std::shared_ptr<const Page> Find(std::string_view key, uint64_t generation);
  // Stores `page` (read at `generation`) unless a newer generation has been
  // seen meanwhile, or it alone exceeds the bound; returns it, shared (for
  // the response that read it, stored or not).
  std::shared_ptr<const Page> Insert(std::string key, uint64_t generation,
                                     Page page);

  Stats stats() const;
  size_t max_bytes() const { return max_bytes_; }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Page> page;
    size_t bytes;
  };
  using Lru = std::list<Entry>;  // most recently used first
  // Moves to `generation` if it is newer (dropping every page). The caller
  // holds mu_.
  void AdvanceLocked(uint64_t generation);
  void EraseLocked(Lru::iterator it);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  uint64_t generation_ = 0;  // guarded by mu_
  Lru lru_;                  // guarded by mu_
  std::unordered_map<std::string_view, Lru::iterator> by_key_;  // keys in lru_
  Stats stats_;  // guarded by mu_
};

}  // namespace ncert::taxii

#endif  // NCERT_TAXII_PAGE_CACHE_H_
