#include "sensors/topk.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <map>

#include "sensors/sketch_hash.h"
#include "sensors/sketch_internal.h"

namespace ncert::sensors {
namespace {

constexpr std::string_view kMagic = "NCSS";

// Two 8-byte compares instead of a call to memcmp (the hot path of Offer).
inline bool SameKey(const TopKey& a, const TopKey& b) {
  uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a.data(), 8);
  std::memcpy(&a1, a.data() + 8, 8);
  std::memcpy(&b0, b.data(), 8);
  std::memcpy(&b1, b.data() + 8, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

uint64_t KeyHash(const TopKey& key) { return SketchHash(key.data(), 16); }

// An index cell: slot + 1 in the low 23 bits (0 = empty; capacity is at most
// 2^22), and the top 9 bits of the key's hash above them, so a probe that
// meets another key's cell is told apart without reading hashes_ (1 in 512
// cells of other keys still need the full compare).
constexpr int kSlotBits = 23;
constexpr uint32_t kSlotMask = (uint32_t{1} << kSlotBits) - 1;
static_assert(SpaceSaving::kMaxCapacity < kSlotMask);
inline uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 55); }
inline uint32_t Cell(uint32_t slot, uint64_t hash) {
  return (Tag(hash) << kSlotBits) | (slot + 1);
}

bool ByCountDesc(const TopKEntry& a, const TopKEntry& b) {
  if (a.count != b.count) return a.count > b.count;
  return a.key < b.key;
}

}  // namespace

SpaceSaving::SpaceSaving(size_t capacity) : capacity_(capacity) {
  assert(capacity >= 1 && capacity <= kMaxCapacity);
  index_.assign(16, 0);
}

Result<SpaceSaving> SpaceSaving::Create(size_t capacity) {
  if (capacity < 1 || capacity > kMaxCapacity) {
    return Status::InvalidArgument("space-saving capacity " +
                                   std::to_string(capacity) +
                                   " is outside 1..4194304");
  }
  return SpaceSaving(capacity);
}

uint32_t SpaceSaving::FindSlot(const TopKey& key, uint64_t hash) const {
  const size_t mask = index_.size() - 1;
  const uint32_t tag = Tag(hash);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    uint32_t v = index_[i];
    if (v == 0) return UINT32_MAX;
    if ((v >> kSlotBits) != tag) continue;
    uint32_t slot = (v & kSlotMask) - 1;
    if (hashes_[slot] == hash && SameKey(entries_[slot].key, key)) {
      return slot;
    }
  }
}

void SpaceSaving::IndexInsert(uint32_t slot) {
  const size_t mask = index_.size() - 1;
  size_t i = hashes_[slot] & mask;
  while (index_[i] != 0) i = (i + 1) & mask;
  index_[i] = Cell(slot, hashes_[slot]);
}

// Linear probing with backward-shift deletion (no tombstones).
void SpaceSaving::IndexErase(uint32_t slot) {
  const size_t mask = index_.size() - 1;
  size_t i = hashes_[slot] & mask;
  while ((index_[i] & kSlotMask) != slot + 1) i = (i + 1) & mask;
  size_t j = i;
  while (true) {
    j = (j + 1) & mask;
    if (index_[j] == 0) break;
    // Where it wants to be.
    size_t k = hashes_[(index_[j] & kSlotMask) - 1] & mask;
    bool movable = (i <= j) ? (k <= i || k > j) : (k <= i && k > j);
    if (movable) {
      index_[i] = index_[j];
      i = j;
    }
  }
  index_[i] = 0;
}

void SpaceSaving::GrowIndex() {
  index_.assign(index_.size() * 2, 0);
  for (uint32_t s = 0; s < entries_.size(); ++s) IndexInsert(s);
}

int32_t SpaceSaving::NewBucket(uint64_t count) {
  int32_t b;
  if (!free_buckets_.empty()) {
    b = free_buckets_.back();
    free_buckets_.pop_back();
    buckets_[static_cast<size_t>(b)] = Bucket{};
  } else {
    b = static_cast<int32_t>(buckets_.size());
    buckets_.push_back(Bucket{});
  }
  buckets_[static_cast<size_t>(b)].count = count;
  return b;
}

void SpaceSaving::Detach(uint32_t slot) {
  int32_t b = slot_bucket_[slot];
  Bucket& bk = buckets_[static_cast<size_t>(b)];
  int32_t p = slot_prev_[slot], n = slot_next_[slot];
  if (p >= 0) {
    slot_next_[static_cast<size_t>(p)] = n;
  } else {
    bk.head = n;
  }
  if (n >= 0) slot_prev_[static_cast<size_t>(n)] = p;
  slot_bucket_[slot] = -1;
  if (bk.head >= 0) return;
  // The bucket is empty: unlink and free it.
  if (bk.prev >= 0) {
    buckets_[static_cast<size_t>(bk.prev)].next = bk.next;
  } else {
    min_bucket_ = bk.next;
  }
  if (bk.next >= 0) buckets_[static_cast<size_t>(bk.next)].prev = bk.prev;
  free_buckets_.push_back(b);
}

void SpaceSaving::Place(uint32_t slot, int32_t from) {
  const uint64_t count = entries_[slot].count;
  // The last bucket with count <= `count`, starting at `from`.
  int32_t at = -1;
  int32_t b = from >= 0 ? from : min_bucket_;
  if (b >= 0 && buckets_[static_cast<size_t>(b)].count > count) {
    b = min_bucket_;  // the hint was too far: start over
  }
  while (b >= 0 && buckets_[static_cast<size_t>(b)].count <= count) {
    at = b;
    b = buckets_[static_cast<size_t>(b)].next;
  }
  int32_t target;
  if (at >= 0 && buckets_[static_cast<size_t>(at)].count == count) {
    target = at;
  } else {
    target = NewBucket(count);
    Bucket& t = buckets_[static_cast<size_t>(target)];
    t.prev = at;
    t.next = at >= 0 ? buckets_[static_cast<size_t>(at)].next : min_bucket_;
    if (t.next >= 0) buckets_[static_cast<size_t>(t.next)].prev = target;
    if (at >= 0) {
      buckets_[static_cast<size_t>(at)].next = target;
    } else {
      min_bucket_ = target;
    }
  }
  Bucket& t = buckets_[static_cast<size_t>(target)];
  slot_prev_[slot] = -1;
  slot_next_[slot] = t.head;
  if (t.head >= 0)
    slot_prev_[static_cast<size_t>(t.head)] = static_cast<int32_t>(slot);
  t.head = static_cast<int32_t>(slot);
  slot_bucket_[slot] = target;
}

SpaceSaving::Offered SpaceSaving::Offer(const TopKey& key, uint64_t weight) {
  return OfferHashed(key, KeyHash(key), weight);
}

SpaceSaving::Offered SpaceSaving::OfferFiltered(const TopKey& key,
                                                uint64_t hash,
                                                uint64_t upper_bound) {
  const uint32_t slot = FindSlot(key, hash);
  if (slot == UINT32_MAX && entries_.size() == capacity_ &&
      upper_bound <= buckets_[static_cast<size_t>(min_bucket_)].count) {
    ++total_;
    return {kNotAdmitted, false};
  }
  return OfferAt(key, hash, 1, slot);
}

SpaceSaving::Offered SpaceSaving::OfferHashed(const TopKey& key, uint64_t hash,
                                              uint64_t weight) {
  return OfferAt(key, hash, weight, FindSlot(key, hash));
}

SpaceSaving::Offered SpaceSaving::OfferAt(const TopKey& key, uint64_t hash,
                                          uint64_t weight, uint32_t slot) {
  total_ += weight;
  if (slot != UINT32_MAX) {
    int32_t from = slot_bucket_[slot];
    entries_[slot].count += weight;
    // Detach first (it may free `from`): start from its neighbour.
    int32_t hint = buckets_[static_cast<size_t>(from)].prev;
    Detach(slot);
    Place(slot, hint);
    return {slot, false};
  }
  if (entries_.size() < capacity_) {
    slot = static_cast<uint32_t>(entries_.size());
    entries_.push_back({key, weight, 0});
    hashes_.push_back(hash);
    slot_prev_.push_back(-1);
    slot_next_.push_back(-1);
    slot_bucket_.push_back(-1);
    Place(slot, -1);
    if (entries_.size() * 2 > index_.size()) {
      GrowIndex();  // reinserts every slot, this one included
    } else {
      IndexInsert(slot);
    }
    return {slot, true};
  }
  slot = static_cast<uint32_t>(buckets_[static_cast<size_t>(min_bucket_)].head);
  IndexErase(slot);
  TopKEntry& e = entries_[slot];
  e.error = e.count;
  e.count += weight;
  e.key = key;
  hashes_[slot] = hash;
  IndexInsert(slot);
  int32_t hint = slot_bucket_[slot];
  if (buckets_[static_cast<size_t>(hint)].head == static_cast<int32_t>(slot) &&
      slot_next_[slot] < 0) {
    hint = buckets_[static_cast<size_t>(hint)].prev;  // its bucket will go
  }
  Detach(slot);
  Place(slot, hint);
  return {slot, true};
}

uint64_t SpaceSaving::MinCount() const {
  if (entries_.size() < capacity_ || min_bucket_ < 0) return 0;
  return buckets_[static_cast<size_t>(min_bucket_)].count;
}

std::vector<TopKEntry> SpaceSaving::Top(size_t n) const {
  std::vector<TopKEntry> all = entries_;
  n = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<ptrdiff_t>(n),
                    all.end(), ByCountDesc);
  all.resize(n);
  return all;
}

std::vector<TopKEntry> SpaceSaving::Guaranteed(size_t n) const {
  std::vector<TopKEntry> top = Top(n + 1);
  // The (n+1)-th largest count bounds every item outside the top n, also
  // the unmonitored ones (their count is at most c_min).
  uint64_t bound = top.size() > n ? top[n].count : MinCount();
  if (top.size() > n) top.resize(n);
  std::vector<TopKEntry> out;
  for (const TopKEntry& e : top) {
    if (e.count - e.error >= bound) out.push_back(e);
  }
  return out;
}

const TopKEntry* SpaceSaving::Find(const TopKey& key) const {
  uint32_t slot = FindSlot(key, KeyHash(key));
  return slot == UINT32_MAX ? nullptr : &entries_[slot];
}

void SpaceSaving::Rebuild(std::vector<TopKEntry> entries) {
  entries_.clear();
  hashes_.clear();
  slot_prev_.clear();
  slot_next_.clear();
  slot_bucket_.clear();
  buckets_.clear();
  free_buckets_.clear();
  min_bucket_ = -1;
  // Ascending counts: each lands at the end of the bucket list.
  std::sort(
      entries.begin(), entries.end(),
      [](const TopKEntry& a, const TopKEntry& b) { return a.count < b.count; });
  int32_t last = -1;
  size_t size = 16;
  while (size < entries.size() * 2) size *= 2;
  index_.assign(size, 0);
  for (TopKEntry& e : entries) {
    uint32_t slot = static_cast<uint32_t>(entries_.size());
    hashes_.push_back(KeyHash(e.key));
    entries_.push_back(e);
    slot_prev_.push_back(-1);
    slot_next_.push_back(-1);
    slot_bucket_.push_back(-1);
    Place(slot, last);
    last = slot_bucket_[slot];
    IndexInsert(slot);
  }
}

Status SpaceSaving::Merge(const SpaceSaving& other) {
  const uint64_t min_a = MinCount();
  const uint64_t min_b = other.MinCount();
  std::map<TopKey, TopKEntry> merged;
  for (const TopKEntry& e : entries_) {
    merged[e.key] = {e.key, e.count + min_b, e.error + min_b};
  }
  for (const TopKEntry& e : other.entries_) {
    auto it = merged.find(e.key);
    if (it == merged.end()) {
      merged[e.key] = {e.key, e.count + min_a, e.error + min_a};
    } else {  // both sides monitor it: undo the c_min guess for b
      it->second.count = it->second.count - min_b + e.count;
      it->second.error = it->second.error - min_b + e.error;
    }
  }
  std::vector<TopKEntry> all;
  all.reserve(merged.size());
  for (auto& [k, e] : merged) all.push_back(e);
  std::sort(all.begin(), all.end(), ByCountDesc);
  if (all.size() > capacity_) all.resize(capacity_);
  total_ += other.total_;
  Rebuild(std::move(all));
  return Status::Ok();
}

// Body: capacity varint, total varint, n varint, then n x (key 16 bytes,
// count varint, error varint), distinct keys, error <= count <= total.
std::string SpaceSaving::Serialize() const {
  internal::BlobWriter w(kMagic);
  w.Varint(capacity_);
  w.Varint(total_);
  std::vector<TopKEntry> sorted = Top(entries_.size());
  w.Varint(sorted.size());
  for (const TopKEntry& e : sorted) {
    w.Bytes(e.key.data(), 16);
    w.Varint(e.count);
    w.Varint(e.error);
  }
  return w.Finish();
}

Result<SpaceSaving> SpaceSaving::Deserialize(std::string_view blob) {
  ASSIGN_OR_RETURN(internal::BlobReader r,
                   internal::BlobReader::Open(blob, kMagic, "space-saving"));
  uint64_t capacity = 0;
  uint64_t total = 0;
  uint64_t n = 0;
  if (!r.Varint(&capacity) || !r.Varint(&total) || !r.Varint(&n)) {
    return r.Error("truncated header");
  }
  if (capacity < 1 || capacity > kMaxCapacity) return r.Error("bad capacity");
  if (n > capacity || n * 18 > r.remaining()) {
    return r.Error("more entries than the capacity or the blob holds");
  }
  std::vector<TopKEntry> entries(n);
  for (TopKEntry& e : entries) {
    if (!r.Bytes(e.key.data(), 16) || !r.Varint(&e.count) ||
        !r.Varint(&e.error)) {
      return r.Error("truncated entry");
    }
    if (e.error > e.count || e.count > total) {
      return r.Error("entry count out of range");
    }
  }
  if (r.remaining() != 0) return r.Error("trailing bytes");
  std::vector<TopKEntry> sorted = entries;
  std::sort(
      sorted.begin(), sorted.end(),
      [](const TopKEntry& a, const TopKEntry& b) { return a.key < b.key; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].key == sorted[i - 1].key) return r.Error("duplicate key");
  }
  SpaceSaving s(static_cast<size_t>(capacity));
  s.total_ = total;
  s.Rebuild(std::move(entries));
  return s;
}

}  // namespace ncert::sensors
