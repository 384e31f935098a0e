#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <thread>

#include "match/structures_internal.h"

namespace ncert::match::internal {

// ---------------------------------------------------------------- ValueTable

void ValueTable::Builder::Add(std::string_view key, Posting posting) {
  Entry e;
  e.hash = HashBytes(key);
  e.key_off = static_cast<uint32_t>(arena_.size());
  e.key_len = static_cast<uint32_t>(key.size());
  e.posting = posting;
  arena_.append(key);
  entries_.push_back(e);
}

ValueTable ValueTable::Builder::Build() {
  ValueTable t;
  std::string_view arena = arena_;
  auto key = [&](const Entry& e) { return arena.substr(e.key_off, e.key_len); };
  std::sort(entries_.begin(), entries_.end(),
            [&](const Entry& a, const Entry& b) {
              if (a.hash != b.hash) return a.hash < b.hash;
              int c = key(a).compare(key(b));
              if (c != 0) return c < 0;
              return a.posting.target < b.posting.target;
            });
  t.postings_.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size();) {
    size_t j = i;
    Group g;
    g.hash = entries_[i].hash;
    g.key_off = static_cast<uint32_t>(t.arena_.size());
    g.key_len = entries_[i].key_len;
    g.post_begin = static_cast<uint32_t>(t.postings_.size());
    t.arena_.append(key(entries_[i]));
    while (j < entries_.size() && entries_[j].hash == g.hash &&
           key(entries_[j]) == key(entries_[i])) {
      Posting p = entries_[j].posting;
      // The same target twice under one key: merge the field sets.
      if (t.postings_.size() > g.post_begin &&
          t.postings_.back().target == p.target) {
        t.postings_.back().fields |= p.fields;
      } else {
        t.postings_.push_back(p);
      }
      ++j;
    }
    g.post_count = static_cast<uint32_t>(t.postings_.size() - g.post_begin);
    t.groups_.push_back(g);
    i = j;
  }
  entries_.clear();
  entries_.shrink_to_fit();
  arena_.clear();
  arena_.shrink_to_fit();
  t.postings_.shrink_to_fit();
  t.arena_.shrink_to_fit();
  size_t cap = std::bit_ceil(std::max<size_t>(8, t.groups_.size() * 2));
  t.slots_.assign(cap, 0);
  t.mask_ = cap - 1;
  t.bloom_ = BlockedBloom(t.groups_.size());
  for (size_t g = 0; g < t.groups_.size(); ++g) {
    t.bloom_.Add(t.groups_[g].hash);
    uint64_t s = t.groups_[g].hash & t.mask_;
    while (t.slots_[s] != 0) s = (s + 1) & t.mask_;
    t.slots_[s] = static_cast<uint32_t>(g + 1);
  }
  return t;
}

std::span<const Posting> ValueTable::Find(std::string_view key,
                                          uint64_t h) const {
  if (groups_.empty()) return {};
  if (!bloom_.MayContain(h)) return {};
  for (uint64_t s = h & mask_;; s = (s + 1) & mask_) {
    uint32_t v = slots_[s];
    if (v == 0) return {};
    const Group& g = groups_[v - 1];
    if (g.hash == h && g.key_len == key.size() &&
        std::memcmp(arena_.data() + g.key_off, key.data(), key.size()) == 0) {
      return {postings_.data() + g.post_begin, g.post_count};
    }
  }
}

size_t ValueTable::bytes() const {
  return arena_.capacity() + groups_.capacity() * sizeof(Group) +
         postings_.capacity() * sizeof(Posting) +
         slots_.capacity() * sizeof(uint32_t) + bloom_.bytes();
}

void ValueTable::ForEach(
    const std::function<void(std::string_view, std::span<const Posting>)>& fn)
    const {
  for (const Group& g : groups_) {
    fn(std::string_view(arena_).substr(g.key_off, g.key_len),
       {postings_.data() + g.post_begin, g.post_count});
  }
}

// ------------------------------------------------------------------ CidrTrie

CidrTrie::CidrTrie(int bits) : bits_(bits) { nodes_.emplace_back(); }

void CidrTrie::Add(const uint8_t* addr, int prefix, Posting posting) {
  uint32_t node = 0;
  for (int depth = 0; depth < prefix; ++depth) {
    int bit = (addr[depth >> 3] >> (7 - (depth & 7))) & 1;
    uint32_t next = nodes_[node].child[bit];
    if (next == kNone) {
      next = static_cast<uint32_t>(nodes_.size());
      nodes_[node].child[bit] = next;
      nodes_.emplace_back();
    }
    node = next;
  }
  pending_.emplace_back(node, posting);
}

void CidrTrie::Finish() {
  std::sort(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second.target < b.second.target;
  });
  groups_.clear();
  postings_.clear();
  for (size_t i = 0; i < pending_.size();) {
    uint32_t node = pending_[i].first;
    Group g{static_cast<uint32_t>(postings_.size()), 0};
    for (; i < pending_.size() && pending_[i].first == node; ++i) {
      Posting p = pending_[i].second;
      if (postings_.size() > g.begin && postings_.back().target == p.target) {
        postings_.back().fields |= p.fields;
      } else {
        postings_.push_back(p);
      }
    }
    g.count = static_cast<uint32_t>(postings_.size() - g.begin);
    nodes_[node].group = static_cast<uint32_t>(groups_.size());
    groups_.push_back(g);
  }
  pending_.clear();
  pending_.shrink_to_fit();
  nodes_.shrink_to_fit();
  postings_.shrink_to_fit();
}

int CidrTrie::LongestMatch(const uint8_t* addr) const {
  int longest = -1;
  ForEachMatch(addr,
               [&](int prefix, std::span<const Posting>) { longest = prefix; });
  return longest;
}

size_t CidrTrie::bytes() const {
  return nodes_.capacity() * sizeof(Node) + groups_.capacity() * sizeof(Group) +
         postings_.capacity() * sizeof(Posting);
}

// ------------------------------------------------------------------ RegexSet

RegexSet::~RegexSet() { Free(); }

void RegexSet::Free() {
  for (Db& d : dbs_) {
    if (d.db != nullptr) hs_free_database(d.db);
  }
  dbs_.clear();
}

RegexSet::RegexSet(RegexSet&& o) noexcept
    : dbs_(std::move(o.dbs_)), fallback_(std::move(o.fallback_)) {
  o.dbs_.clear();
}

RegexSet& RegexSet::operator=(RegexSet&& o) noexcept {
  if (this != &o) {
    Free();
    dbs_ = std::move(o.dbs_);
    o.dbs_.clear();
    fallback_ = std::move(o.fallback_);
  }
  return *this;
}

namespace {

unsigned HsFlags(const RegexSet::Entry& e) {
  unsigned f = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
  if (e.caseless) f |= HS_FLAG_CASELESS;
  if (e.dotall) f |= HS_FLAG_DOTALL;
  return f;
}

// What compiling one group of expressions gave: databases (with the entry
// indexes they hold, by Hyperscan id) and the entries Hyperscan rejected.
struct GroupResult {
  std::vector<std::pair<hs_database_t*, std::vector<size_t>>> dbs;
  std::vector<size_t> rejected;
};

// Compiles `idx` as one database. Hyperscan names the expression at fault
// when one is: it is taken out and the rest compiled again; when the
// failure is nobody's in particular (a resource limit), the group is split
// in two until the culprits are single expressions.
void CompileGroup(const std::vector<RegexSet::Entry>& entries,
                  std::vector<size_t> idx, GroupResult* out) {
  while (!idx.empty()) {
    std::vector<const char*> exprs;
    std::vector<unsigned> flags, ids;
    exprs.reserve(idx.size());
    for (size_t k = 0; k < idx.size(); ++k) {
      exprs.push_back(entries[idx[k]].expression.c_str());
      flags.push_back(HsFlags(entries[idx[k]]));
      ids.push_back(static_cast<unsigned>(k));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    hs_error_t rc = hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                                     static_cast<unsigned>(exprs.size()),
                                     HS_MODE_BLOCK, nullptr, &db, &err);
    if (rc == HS_SUCCESS) {
      out->dbs.emplace_back(db, std::move(idx));
      return;
    }
    int bad = err != nullptr ? err->expression : -1;
    if (err != nullptr) hs_free_compile_error(err);
    if (idx.size() == 1) {
      out->rejected.push_back(idx[0]);
      return;
    }
    if (bad >= 0 && static_cast<size_t>(bad) < idx.size()) {
      out->rejected.push_back(idx[static_cast<size_t>(bad)]);
      idx.erase(idx.begin() + bad);
      continue;
    }
    std::vector<size_t> second(idx.begin() + static_cast<long>(idx.size() / 2),
                               idx.end());
    idx.resize(idx.size() / 2);
    CompileGroup(entries, std::move(second), out);
  }
}

void AddFallback(const RegexSet::Entry& e, std::string_view why,
                 std::vector<std::unique_ptr<RE2>>* out,
                 RegexSet::BuildStats* stats, bool* ok) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_case_sensitive(!e.caseless);
  o.set_dot_nl(e.dotall);
  o.set_encoding(RE2::Options::EncodingLatin1);  // bytes, as Hyperscan
  auto re = std::make_unique<RE2>(e.expression, o);
  if (stats->errors.size() < 20) {
    stats->errors.push_back(e.expression + ": " + std::string(why));
  }
  *ok = re->ok();
  out->push_back(re->ok() ? std::move(re) : nullptr);
}

}  // namespace

RegexSet RegexSet::Build(std::vector<Entry> entries, BuildStats* stats,
                         unsigned threads) {
  RegexSet set;
  // Groups: expressions with the same field mask, in order, at most kChunk
  // each, so a scan of one field only runs the databases that can match
  // in it, and no database is large enough for Hyperscan's superlinear
  // compile time to show.
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return entries[a].posting.fields < entries[b].posting.fields;
  });
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < order.size();) {
    uint32_t fields = entries[order[i]].posting.fields;
    size_t j = i;
    while (j < order.size() && entries[order[j]].posting.fields == fields) ++j;
    size_t n = j - i, parts = (n + kChunk - 1) / kChunk;
    for (size_t p = 0; p < parts; ++p) {
      // Even parts: 130 expressions give 65 + 65, not 128 + 2.
      size_t b = i + n * p / parts, e = i + n * (p + 1) / parts;
      groups.emplace_back(order.begin() + static_cast<long>(b),
                          order.begin() + static_cast<long>(e));
    }
    i = j;
  }
  std::vector<GroupResult> results(groups.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t g = next++; g < groups.size(); g = next++) {
      CompileGroup(entries, std::move(groups[g]), &results[g]);
    }
  };
  size_t n_threads = std::min<size_t>(std::max(1u, threads), groups.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < n_threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  std::vector<bool> in_hs(entries.size(), false);
  for (GroupResult& r : results) {
    for (auto& [db, idx] : r.dbs) {
      Db d;
      d.db = db;
      for (size_t i : idx) {
        in_hs[i] = true;
        d.fields |= entries[i].posting.fields;
        d.ids.push_back(entries[i].posting);
      }
      set.dbs_.push_back(std::move(d));
    }
  }
  std::vector<std::unique_ptr<RE2>> res;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (in_hs[i]) {
      ++stats->hyperscan;
      continue;
    }
    bool ok = false;
    AddFallback(entries[i], "Hyperscan cannot compile it; RE2 used", &res,
                stats, &ok);
    if (ok) {
      ++stats->re2_fallback;
      set.fallback_.push_back({std::move(res.back()), entries[i].posting});
    } else {
      ++stats->rejected;
    }
  }
  return set;
}

size_t RegexSet::bytes() const {
  size_t n = 0;
  for (const Db& d : dbs_) {
    n += d.ids.capacity() * sizeof(Posting);
    size_t s = 0;
    if (hs_database_size(d.db, &s) == HS_SUCCESS) n += s;
  }
  for (const auto& f : fallback_)
    n += static_cast<size_t>(f.re->ProgramSize()) * 16;
  return n;
}

namespace {
struct ScanContext {
  const std::vector<Posting>* ids;
  const std::function<void(const Posting&)>* fn;
};
int OnMatch(unsigned id, unsigned long long, unsigned long long, unsigned,
            void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  (*c->fn)((*c->ids)[id]);
  return 0;
}
}  // namespace

void RegexSet::Scan(std::string_view data, uint32_t fields,
                    hs_scratch_t* scratch,
                    const std::function<void(const Posting&)>& fn) const {
  for (const Db& d : dbs_) {
    if (fields != UINT32_MAX && (d.fields & fields) == 0) continue;
    ScanContext ctx{&d.ids, &fn};
    hs_scan(d.db, data.data(), static_cast<unsigned>(data.size()), 0, scratch,
            OnMatch, &ctx);
  }
  for (const Fallback& f : fallback_) {
    if (fields != UINT32_MAX && (f.posting.fields & fields) == 0) continue;
    if (RE2::PartialMatch(data, *f.re)) fn(f.posting);
  }
}

std::string Re2ToHyperscan(std::string_view re2) {
  std::string out;
  out.reserve(re2.size());
  for (size_t i = 0; i < re2.size(); ++i) {
    if (re2[i] == '\\' && i + 1 < re2.size()) {
      out += re2.substr(i, 2);
      ++i;
      continue;
    }
    if (re2.substr(i).starts_with("(?P<")) {
      size_t close = re2.find('>', i);
      if (close != std::string_view::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    out.push_back(re2[i]);
  }
  return out;
}

std::string EscapeRegex(std::string_view literal) {
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : literal) {
    unsigned char u = static_cast<unsigned char>(c);
    bool word = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                (u >= '0' && u <= '9') || u == '_' || u >= 0x80;
    if (word) {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::string LikeToRegex(std::string_view like) {
  std::string out = "^";
  for (size_t i = 0; i < like.size();) {
    char c = like[i];
    if (c == '%') {
      out += ".*";
      ++i;
    } else if (c == '_') {
      // One UTF-8 code point (the input is matched as bytes).
      out += "(?:[\\x00-\\x7f]|[\\xc0-\\xff][\\x80-\\xbf]*)";
      ++i;
    } else {
      size_t j = i;
      while (j < like.size() && like[j] != '%' && like[j] != '_') ++j;
      out += EscapeRegex(like.substr(i, j - i));
      i = j;
    }
  }
  out += "$";
  return out;
}

}  // namespace ncert::match::internal
