#include "taxii/page_cache.h"

#include <utility>

namespace ncert::taxii {
namespace {

// What one page costs beyond its strings: list node, map slot, control
// block.
constexpr size_t kPageOverhead = 160;

}  // namespace

void PageCache::AdvanceLocked(uint64_t generation) {
  if (generation <= generation_) return;
  generation_ = generation;
  by_key_.clear();
  lru_.clear();
  stats_.pages = 0;
  stats_.bytes = 0;
}

void PageCache::EraseLocked(Lru::iterator it) {
  by_key_.erase(it->key);
  stats_.bytes -= it->bytes;
  --stats_.pages;
  lru_.erase(it);
}

std::shared_ptr<const PageCache::Page> PageCache::Find(std::string_view key,
                                                       uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  AdvanceLocked(generation);
  auto it = generation == generation_ ? by_key_.find(key) : by_key_.end();
  if (it == by_key_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->page;
}

std::shared_ptr<const PageCache::Page> PageCache::Insert(std::string key,
                                                         uint64_t generation,
                                                         Page page) {
  const size_t bytes = key.size() + page.body.size() +
                       page.date_added_first.size() +
                       page.date_added_last.size() + kPageOverhead;
  auto shared = std::make_shared<const Page>(std::move(page));
  if (bytes > max_bytes_) return shared;
  std::lock_guard<std::mutex> lock(mu_);
  AdvanceLocked(generation);
  if (generation != generation_) return shared;  // read before a commit
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    EraseLocked(it->second);
  }
  while (stats_.bytes + bytes > max_bytes_ && !lru_.empty()) {
    EraseLocked(std::prev(lru_.end()));
    ++stats_.evictions;
  }
  lru_.push_front(Entry{std::move(key), shared, bytes});
  by_key_.emplace(lru_.front().key, lru_.begin());
  stats_.bytes += bytes;
  ++stats_.pages;
  return shared;
}

PageCache::Stats PageCache::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace ncert::taxii
