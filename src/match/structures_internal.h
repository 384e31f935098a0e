// The lookup structures of the indicator index and of the warninglists.
// Private to match/.
//
//   ValueTable  open addressing over 64-bit hashes of byte keys; each
//               distinct key has one run of postings; keys live in one
//               arena (no std::string per key). A blocked Bloom filter
//               (core/bloom.h, 12 bits a key: 1.5 MB for a million keys,
//               cache-resident) answers first: most telemetry values are
//               in no indicator, and a miss then costs no probe of the
//               table.
//   CidrTrie    a binary prefix trie per address family over a flat node
//               array; every node that ends a prefix has a run of postings.
//   RegexSet    the regular expressions in Hyperscan block-mode databases
//               (HS_FLAG_SINGLEMATCH), one group per field mask, at most
//               kChunk expressions a database (Hyperscan's compile time
//               grows much faster than linearly with the set), compiled in
//               parallel; the ones Hyperscan cannot compile are kept as RE2
//               and counted.
//
// Thread safety: built by one thread, then immutable; lookups from any
// number of threads (RegexSet scans need a per-thread hs_scratch_t).
#ifndef NCERT_MATCH_STRUCTURES_INTERNAL_H_
#define NCERT_MATCH_STRUCTURES_INTERNAL_H_

#include <hs/hs.h>
#include <re2/re2.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bloom.h"

namespace ncert::match::internal {

// What a key points to: an indicator (or a warninglist) and the event
// fields (bit i = Field i) it may be matched in.
struct Posting {
  uint32_t target = 0;
  uint32_t fields = 0;
  friend bool operator==(const Posting&, const Posting&) = default;
};

// XXH3-64 (libxxhash), compiled inline (XXH_INLINE_ALL): the matcher
// hashes about ten short keys an event, and XXH3's paths for keys of up to
// 16 and 128 bytes take one or two wide multiplies where a word-at-a-time
// loop takes a dependent multiply per word.
inline uint64_t HashBytes(std::string_view key) {
  return XXH3_64bits(key.data(), key.size());
}

class ValueTable {
 public:
  class Builder {
   public:
    void Add(std::string_view key, Posting posting);
    size_t size() const { return entries_.size(); }
    ValueTable Build();

   private:
    struct Entry {
      uint64_t hash;
      uint32_t key_off;
      uint32_t key_len;
      Posting posting;
    };
    std::string arena_;
    std::vector<Entry> entries_;
  };

  // The postings of `key` (empty when absent).
  std::span<const Posting> Find(std::string_view key) const {
    return Find(key, HashBytes(key));
  }
  // The same with the key's HashBytes already computed, after Prefetch(hash)
  // for a batch of keys.
  std::span<const Posting> Find(std::string_view key, uint64_t hash) const;
  void Prefetch(uint64_t hash) const { bloom_.Prefetch(hash); }
  size_t keys() const { return groups_.size(); }
  size_t bytes() const;
  // Calls fn(key, postings) for each key.
  void ForEach(const std::function<void(std::string_view,
                                        std::span<const Posting>)>& fn) const;

 private:
  struct Group {
    uint64_t hash;
    uint32_t key_off, key_len;
    uint32_t post_begin, post_count;
  };
  std::string arena_;
  std::vector<Group> groups_;
  std::vector<Posting> postings_;
  std::vector<uint32_t> slots_;  // group index + 1; 0 = empty
  uint64_t mask_ = 0;
  BlockedBloom bloom_{0};  // over the groups' hashes
};

class CidrTrie {
 public:
  explicit CidrTrie(int bits = 32);
  // `addr` holds bits/8 bytes; bits past `prefix` must be zero.
  void Add(const uint8_t* addr, int prefix, Posting posting);
  // Groups the postings; call once after the last Add.
  void Finish();
  // Calls fn(prefix, postings) for each stored prefix containing `addr`,
  // shortest first (the last call is the longest match).
  template <typename Fn>
  void ForEachMatch(const uint8_t* addr, Fn&& fn) const {
    uint32_t node = 0;
    for (int depth = 0;; ++depth) {
      const Node& n = nodes_[node];
      if (n.group != kNone) {
        const Group& g = groups_[n.group];
        fn(depth,
           std::span<const Posting>(postings_.data() + g.begin, g.count));
      }
      if (depth == bits_) break;
      int bit = (addr[depth >> 3] >> (7 - (depth & 7))) & 1;
      node = n.child[bit];
      if (node == kNone) break;
    }
  }
  // The longest stored prefix containing `addr` (-1 when none).
  int LongestMatch(const uint8_t* addr) const;
  size_t prefixes() const { return groups_.size(); }
  size_t bytes() const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Node {
    uint32_t child[2] = {kNone, kNone};
    uint32_t group = kNone;
  };
  struct Group {
    uint32_t begin, count;
  };
  int bits_;
  std::vector<Node> nodes_;
  std::vector<std::pair<uint32_t, Posting>> pending_;  // node, posting
  std::vector<Group> groups_;
  std::vector<Posting> postings_;
};

class RegexSet {
 public:
  struct Entry {
    std::string expression;  // Hyperscan/PCRE syntax
    bool caseless = false;
    bool dotall = false;
    Posting posting;
  };
  struct BuildStats {
    size_t hyperscan = 0;
    size_t re2_fallback = 0;
    size_t rejected = 0;              // neither could compile
    std::vector<std::string> errors;  // "expression: message", first 20
  };

  RegexSet() = default;
  ~RegexSet();
  RegexSet(RegexSet&&) noexcept;
  RegexSet& operator=(RegexSet&&) noexcept;

  // Expressions a database holds at most. 1,000 expressions compile in
  // ~18 s of CPU as one database and ~1.5 s as eight (bench/match_benchmark).
  static constexpr size_t kChunk = 512;

  // `threads`: compile on up to this many threads (at least 1).
  static RegexSet Build(std::vector<Entry> entries, BuildStats* stats,
                        unsigned threads = 2);

  bool empty() const { return dbs_.empty() && fallback_.empty(); }
  // Every database; a scratch used with Scan must have been allocated for
  // each (hs_alloc_scratch grows one scratch to fit several).
  size_t database_count() const { return dbs_.size(); }
  const hs_database_t* database(size_t i) const { return dbs_[i].db; }
  size_t bytes() const;

  // Runs every expression over `data`; fn(posting) for each that matches
  // (once per expression).
  void Scan(std::string_view data, hs_scratch_t* scratch,
            const std::function<void(const Posting&)>& fn) const {
    Scan(data, UINT32_MAX, scratch, fn);
  }
  // The same, only for the expressions whose posting's field mask
  // intersects `fields` (UINT32_MAX: all).
  void Scan(std::string_view data, uint32_t fields, hs_scratch_t* scratch,
            const std::function<void(const Posting&)>& fn) const;

 private:
  struct Db {
    hs_database_t* db = nullptr;
    uint32_t fields = 0;       // union of the postings' field masks
    std::vector<Posting> ids;  // by Hyperscan id
  };
  void Free();
  std::vector<Db> dbs_;
  struct Fallback {
    std::unique_ptr<RE2> re;
    Posting posting;
  };
  std::vector<Fallback> fallback_;
};

// RE2 syntax to a Hyperscan expression: RE2's (?P<name>...) groups become
// plain groups; everything else is passed as is.
std::string Re2ToHyperscan(std::string_view re2);
// A STIX LIKE pattern (% any run, _ one code point) as an anchored regex.
std::string LikeToRegex(std::string_view like);
// A literal as a regex.
std::string EscapeRegex(std::string_view literal);

}  // namespace ncert::match::internal

#endif  // NCERT_MATCH_STRUCTURES_INTERNAL_H_
