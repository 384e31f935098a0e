// Space-saving top-k (Metwally, Agrawal, El Abbadi, "Efficient computation
// of frequent and top-k elements in data streams", ICDT 2005).
//
// Keeps at most `capacity` counters. An item not monitored takes over the
// counter with the smallest count c_min: its count becomes c_min + weight and
// its error c_min. Guarantees, for a stream of total weight N:
//   * count - error <= true count <= count for every monitored item;
//   * every item whose true count exceeds N / capacity is monitored;
//   * an item with count - error above the (k+1)-th count is surely in the
//     true top k (Guaranteed()).
// Merge follows Agarwal et al., "Mergeable summaries" (PODS 2012): counts of
// items missing from one side are taken as that side's c_min (0 when it is
// not full), errors likewise, and the `capacity` largest are kept; the bounds
// above hold for the merged stream with N the sum.
//
// Filtered offers (OfferFiltered; after Homem & Carvalho, "Finding top-k
// elements in data streams", Information Sciences 2010, and TinyLFU's
// doorkeeper, Einziger & Friedman 2014): the caller passes an upper bound
// u(x) of the key's true count including this occurrence, typically from a
// count-min sketch fed the same stream (or a superset of it). An unmonitored
// key with u(x) <= c_min while the table is full is counted in total() and
// changes no counter. All three guarantees above still hold, exactly (not
// only with high probability), with the same N:
//   (I) every unmonitored key has true count <= c_min: an evicted key's
//       count was c_min >= its true count, a refused occurrence leaves the
//       key at true count <= u(x) <= c_min, and c_min never decreases;
//   so an admitted key, at true count <= c_min + 1, gets count c_min + 1 and
//   error c_min as in plain space-saving (upper and lower bounds hold); an
//   admission raises the sum of counts by 1 and a refusal by 0, so the sum
//   stays <= N, c_min <= N / capacity, and every key with true count above
//   N / capacity (> c_min) is monitored. The sketch's own error only decides
//   how many occurrences are refused, i.e. the speed: in a darknet, where
//   most sources send a handful of packets, nearly all would evict.
//
// Keys are 16 bytes (an IPv6 address, an IPv4-mapped address, or a port key
// the caller lays out). Offer() also returns the key's slot, so a caller can
// keep its own per-key data beside the counter (reset it when `fresh`).
// Updates are O(1) for unit weights: Metwally's Stream-Summary (counters in
// buckets of equal count, buckets in a list by count) and an
// open-addressing index by hash.
//
// Thread safety: a value; concurrent const use is safe, mutation is not.
#ifndef NCERT_SENSORS_TOPK_H_
#define NCERT_SENSORS_TOPK_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ncert::sensors {

using TopKey = std::array<uint8_t, 16>;

struct TopKEntry {
  TopKey key{};
  uint64_t count = 0;  // upper bound of the true count
  uint64_t error = 0;  // count - error is a lower bound
};

class SpaceSaving {
 public:
  static constexpr size_t kMaxCapacity = size_t{1} << 22;

  // capacity in [1, kMaxCapacity] (asserted); Create() checks instead.
  explicit SpaceSaving(size_t capacity);
  static Result<SpaceSaving> Create(size_t capacity);

  struct Offered {
    uint32_t slot;  // stable while the key stays monitored
    bool fresh;     // the slot was just given to this key
  };
  Offered Offer(const TopKey& key, uint64_t weight = 1);
  // The same with the key's SketchHash already computed.
  Offered OfferHashed(const TopKey& key, uint64_t hash, uint64_t weight = 1);

  // Filtered offer of weight 1 (see the top of this file): `upper_bound` >=
  // the key's true count including this occurrence. Returns slot
  // kNotAdmitted when the key was refused.
  static constexpr uint32_t kNotAdmitted = UINT32_MAX;
  Offered OfferFiltered(const TopKey& key, uint64_t hash, uint64_t upper_bound);

  // Asks the CPU to fetch the index slot where a key with this hash is
  // looked up first (a hint, no effect on state).
  void Prefetch(uint64_t hash) const {
    __builtin_prefetch(&index_[hash & (index_.size() - 1)]);
  }

  // The `n` largest counters, largest first (ties: smaller key first).
  std::vector<TopKEntry> Top(size_t n) const;
  // Entries of Top(n) that are surely in the true top n.
  std::vector<TopKEntry> Guaranteed(size_t n) const;
  // Nullptr when not monitored.
  const TopKEntry* Find(const TopKey& key) const;
  const TopKEntry& entry(uint32_t slot) const { return entries_[slot]; }

  Status Merge(const SpaceSaving& other);

  size_t capacity() const { return capacity_; }
  size_t size() const { return entries_.size(); }
  uint64_t total() const { return total_; }
  // c_min when full, else 0: the most any unmonitored item can have.
  uint64_t MinCount() const;

  // Versioned binary form (magic "NCSS").
  std::string Serialize() const;
  static Result<SpaceSaving> Deserialize(std::string_view blob);

 private:
  uint32_t FindSlot(const TopKey& key, uint64_t hash) const;  // or UINT32_MAX
  // OfferHashed with FindSlot's answer already known.
  Offered OfferAt(const TopKey& key, uint64_t hash, uint64_t weight,
                  uint32_t slot);
  void IndexInsert(uint32_t slot);
  void IndexErase(uint32_t slot);
  void GrowIndex();
  // Stream-Summary: Place() puts a detached slot into the bucket of its
  // count, searching forward from bucket `from` (or the smallest).
  void Place(uint32_t slot, int32_t from);
  void Detach(uint32_t slot);  // frees its bucket when it empties
  int32_t NewBucket(uint64_t count);
  void Rebuild(std::vector<TopKEntry> entries);

  struct Bucket {
    uint64_t count = 0;
    int32_t prev = -1, next = -1;  // buckets by count, ascending
    int32_t head = -1;             // first slot in it
  };

  size_t capacity_;
  uint64_t total_ = 0;
  std::vector<TopKEntry> entries_;                            // by slot
  std::vector<uint64_t> hashes_;                              // by slot
  std::vector<int32_t> slot_prev_, slot_next_, slot_bucket_;  // by slot
  std::vector<Bucket> buckets_;
  std::vector<int32_t> free_buckets_;
  int32_t min_bucket_ = -1;
  std::vector<uint32_t> index_;  // hash tag | slot + 1, 0 = empty (topk.cc);
                                 // size a power of 2
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_TOPK_H_
