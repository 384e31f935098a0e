#include "match/matcher.h"

#include <arpa/inet.h>
#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <functional>
#include <tuple>

#include "match/index_internal.h"
#include "match/normalize.h"

namespace ncert::match {

using internal::Posting;

std::string_view FieldName(Field field) {
  static constexpr std::string_view kNames[] = {
      "src_ip", "dst_ip",     "domain",    "url",     "url.host",
      "email",  "md5",        "sha1",      "sha256",  "ja3",
      "ja3s",   "hassh",      "file_name", "process", "command_line",
      "user",   "user_agent", "password",  "event"};
  auto i = static_cast<size_t>(field);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::string_view MatchKindName(MatchKind kind) {
  static constexpr std::string_view kNames[] = {
      "exact-ip", "cidr", "domain", "subdomain", "url",    "hash",
      "email",    "ja3",  "hassh",  "regex",     "pattern"};
  auto i = static_cast<size_t>(kind);
  return i < std::size(kNames) ? kNames[i] : "?";
}

// ------------------------------------------------------------ MatchScratch

struct MatchScratch::Buffers {
  struct Hit {
    uint32_t indicator;
    Field field;
    MatchKind kind;
    std::string value;
    std::string indicator_value;
    bool over = false;
    uint32_t count = 1;
  };
  std::vector<Hit> hits;
  std::vector<std::pair<uint32_t, Field>> candidates;  // full patterns
  // The event's exact-value keys, one after another, and each one's hash.
  struct Probe {
    uint64_t hash;
    uint32_t off, len;
  };
  std::string keys;
  std::vector<Probe> probes;
  // Normalised event values.
  std::string dom;
  std::string url, url_scratch;
  std::array<std::string, 6> hex;  // md5, sha1, sha256, ja3, ja3s, hassh
};

MatchScratch::MatchScratch() : buffers_(new Buffers) {}
MatchScratch::~MatchScratch() {
  if (hs_ != nullptr) hs_free_scratch(hs_);
}

hs_scratch* MatchScratch::Prepare(const void* db) {
  if (db == nullptr) return hs_;
  if (std::find(prepared_.begin(), prepared_.end(), db) == prepared_.end()) {
    hs_alloc_scratch(static_cast<const hs_database_t*>(db), &hs_);
    prepared_.push_back(db);
  }
  return hs_;
}

// ----------------------------------------------------------------- Matcher

Matcher::Matcher(MatcherOptions options) : options_(std::move(options)) {}
Matcher::~Matcher() = default;

void Matcher::Swap(std::shared_ptr<const Index> index) {
  index_.store(std::move(index), std::memory_order_release);
}

std::shared_ptr<const Index> Matcher::snapshot() const {
  return index_.load(std::memory_order_acquire);
}

Status Matcher::Rebuild(store::Store& store, const store::Reader& reader,
                        Clock& clock, const IndexOptions& options) {
  Result<std::shared_ptr<const Index>> built =
      BuildIndexFromStore(store, reader, clock, options);
  if (!built.ok()) return built.status();
  Swap(std::move(*built));
  return Status::Ok();
}

// The scratch keeps the last snapshot it was used with alive, so a database
// address it was prepared for cannot be reused by another snapshot.
void Matcher::Pin(const std::shared_ptr<const Index>& index,
                  MatchScratch* scratch) {
  if (scratch->pinned_ != index) {
    scratch->pinned_ = index;
    scratch->prepared_.clear();
  }
}

void Matcher::Match(const telemetry::Event& event, MatchScratch* scratch,
                    std::vector<match::Match>* out) const {
  std::shared_ptr<const Index> index = snapshot();
  if (index == nullptr) return;
  Pin(index, scratch);
  MatchWith(*index, event, scratch, out);
}

namespace {

// How many events ahead MatchBatch prefetches addresses.
constexpr size_t kAddressLookahead = 2;

// Brings the Bloom-filter blocks of an event's addresses towards the cache a
// few events before it is matched. Within one event the lookups are hashed
// and prefetched together before any is probed (MatchWith), but that is too
// short a time for a block to arrive; an address needs no normalising, so
// its key can be made early. (The other keys come normalised, in MatchWith.)
void PrefetchAddresses(const internal::ValueTable& values,
                       const telemetry::Event& e) {
  for (const telemetry::IpAddr* a : {&e.src_ip, &e.dst_ip}) {
    if (!a->present()) continue;
    char key[17];
    values.Prefetch(
        internal::HashBytes(std::string_view(key, AddressKey(*a, key))));
  }
}

}  // namespace

void Matcher::MatchBatch(std::span<const telemetry::Event> events,
                         MatchScratch* scratch,
                         std::vector<EventMatch>* out) const {
  std::shared_ptr<const Index> index = snapshot();
  if (index == nullptr) return;
  Pin(index, scratch);
  std::vector<match::Match> one;
  const Index::Impl& x = *index->impl_;
  const bool addresses = x.has_space[static_cast<unsigned char>(kSpaceIp)];
  for (size_t i = 0; i < events.size(); ++i) {
    if (addresses && i + kAddressLookahead < events.size()) {
      PrefetchAddresses(x.values, events[i + kAddressLookahead]);
    }
    one.clear();
    MatchWith(*index, events[i], scratch, &one);
    for (auto& m : one) out->push_back({i, std::move(m)});
  }
}

namespace {

using Hit = MatchScratch::Buffers::Hit;

std::string IpText(const telemetry::IpAddr& ip) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(ip.family == 4 ? AF_INET : AF_INET6, ip.bytes.data(), buf,
            sizeof buf);
  return buf;
}

std::string PrefixText(const telemetry::IpAddr& ip, int prefix) {
  telemetry::IpAddr masked = ip;
  int bytes = ip.family == 4 ? 4 : 16;
  for (int i = 0; i < bytes; ++i) {
    int keep = prefix - i * 8;
    if (keep >= 8) continue;
    masked.bytes[i] &= keep <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
  }
  return IpText(masked) + "/" + std::to_string(prefix);
}

ValueClass ClassOf(MatchKind kind) {
  switch (kind) {
    case MatchKind::kExactIp:
    case MatchKind::kCidr:
      return ValueClass::kIp;
    case MatchKind::kDomain:
    case MatchKind::kSubdomain:
      return ValueClass::kDomain;
    case MatchKind::kUrl:
      return ValueClass::kUrl;
    case MatchKind::kEmail:
      return ValueClass::kEmail;
    case MatchKind::kHash:
      return ValueClass::kHash;
    case MatchKind::kJa3:
    case MatchKind::kHassh:
      return ValueClass::kFingerprint;
    default:
      return ValueClass::kOther;
  }
}

ValueClass ClassOfField(Field f) {
  switch (f) {
    case Field::kSrcIp:
    case Field::kDstIp:
      return ValueClass::kIp;
    case Field::kDomain:
    case Field::kUrlHost:
      return ValueClass::kDomain;
    case Field::kUrl:
      return ValueClass::kUrl;
    case Field::kEmail:
      return ValueClass::kEmail;
    case Field::kMd5:
    case Field::kSha1:
    case Field::kSha256:
      return ValueClass::kHash;
    case Field::kJa3:
    case Field::kJa3s:
    case Field::kHassh:
      return ValueClass::kFingerprint;
    default:
      return ValueClass::kOther;
  }
}

}  // namespace

void Matcher::MatchWith(const Index& index, const telemetry::Event& event,
                        MatchScratch* scratch,
                        std::vector<match::Match>* out) const {
  const Index::Impl& x = *index.impl_;
  MatchScratch::Buffers& b = *scratch->buffers_;
  b.hits.clear();
  b.candidates.clear();
  const uint32_t max_per_value = x.options.max_indicators_per_value;

  // Each posting run found under one value.
  auto take = [&](std::span<const Posting> postings, Field field,
                  MatchKind kind, std::string_view value,
                  std::string_view indicator_value) {
    uint32_t bit = FieldBit(field);
    size_t n = 0;
    for (const Posting& p : postings) n += (p.fields & bit) != 0;
    if (n == 0) return;
    bool over = n > max_per_value;
    for (const Posting& p : postings) {
      if ((p.fields & bit) == 0) continue;
      if (x.indicators[p.target].pattern >= 0) {
        b.candidates.emplace_back(p.target, field);
        continue;
      }
      b.hits.push_back({p.target, field, kind, std::string(value),
                        std::string(indicator_value), over,
                        static_cast<uint32_t>(n)});
      if (over) break;  // one report for the whole run
    }
  };
  // Every exact-value lookup runs twice over the same code: first to hash
  // each key and prefetch its Bloom-filter block, then to probe. An event
  // makes about ten lookups into a table far larger than the cache; issued
  // together their misses overlap instead of queueing (docs/matching.md).
  // Both passes produce the same keys in the same order because the same
  // lambdas produce them.
  bool gathering = true;
  size_t next_probe = 0;
  b.keys.clear();
  b.probes.clear();
  auto lookup = [&](char space, std::string_view prefix,
                    std::string_view v) -> std::span<const Posting> {
    if (!x.has_space[static_cast<unsigned char>(space)]) return {};
    if (gathering) {
      size_t off = b.keys.size();
      b.keys += space;
      b.keys += prefix;
      b.keys += v;
      std::string_view k(b.keys.data() + off, b.keys.size() - off);
      uint64_t h = internal::HashBytes(k);
      x.values.Prefetch(h);
      b.probes.push_back(
          {h, static_cast<uint32_t>(off), static_cast<uint32_t>(k.size())});
      return {};
    }
    const MatchScratch::Buffers::Probe& p = b.probes[next_probe++];
    return x.values.Find(std::string_view(b.keys).substr(p.off, p.len), p.hash);
  };

  // IP addresses: exact, then every CIDR block containing them (one lookup
  // per prefix length the index holds, shortest first).
  auto ip = [&](const telemetry::IpAddr& a, Field f) {
    if (!a.present()) return;
    int len = a.family == 4 ? 4 : 16;
    std::span<const Posting> exact =
        lookup(kSpaceIp, "",
               std::string_view(reinterpret_cast<const char*>(a.bytes.data()),
                                static_cast<size_t>(len)));
    // Trivially constructible: an array of spans would be initialised
    // (129 of them, on every call).
    struct Block {
      const Posting* postings;
      uint32_t count;
      int prefix;
    };
    Block blocks[129];
    size_t found = 0;
    for (uint8_t prefix : x.cidr_lengths[a.family == 4 ? 0 : 1]) {
      char masked[16];
      size_t n = MaskAddress(a, prefix, masked);
      const char length_byte = static_cast<char>(prefix);
      std::span<const Posting> p =
          lookup(kSpaceCidr, std::string_view(&length_byte, 1),
                 std::string_view(masked, n));
      if (!p.empty()) {
        blocks[found++] = {p.data(), static_cast<uint32_t>(p.size()), prefix};
      }
    }
    if (gathering) return;
    // The address as text only when something holds it (most events hit
    // nothing: no formatting, no allocation).
    if (exact.empty() && found == 0) return;
    std::string text = IpText(a);
    take(exact, f, MatchKind::kExactIp, text, "");
    for (size_t i = 0; i < found; ++i) {
      take(std::span<const Posting>(blocks[i].postings, blocks[i].count), f,
           MatchKind::kCidr, text, PrefixText(a, blocks[i].prefix));
    }
  };

  // Domains: the name itself, then each parent (a.b.example.com ->
  // b.example.com -> example.com -> com).
  auto domain = [&](std::string_view name, Field f) {
    take(lookup(kSpaceDomain, "", name), f, MatchKind::kDomain, name, "");
    // Parents with at least as many labels as the shortest domain key.
    int parents = static_cast<int>(std::count(name.begin(), name.end(), '.')) +
                  1 - x.min_domain_labels;
    for (size_t dot = name.find('.');
         parents > 0 && dot != std::string_view::npos;
         dot = name.find('.', dot + 1), --parents) {
      std::string_view parent = name.substr(dot + 1);
      take(lookup(kSpaceDomain, "", parent), f, MatchKind::kSubdomain, name,
           parent);
    }
  };
  // Normalised values live in the scratch's buffers (no allocation per
  // event once they have grown); `dom` is empty when there is none.
  std::string_view dom;
  if (!event.domain.empty() && NormalizeDomainInto(event.domain, &b.dom)) {
    dom = b.dom;
  }
  std::string_view url;  // empty: none, or not a URL
  std::string_view url_host;
  if (!event.url.empty() &&
      NormalizeUrlInto(event.url, dom, &b.url, &b.url_scratch)) {
    url = b.url;
    url_host = UrlHost(url);
    if (!dom.empty() && url_host == dom) url_host = {};
  }
  std::optional<std::string> email;
  if (!event.email.empty()) email = NormalizeEmail(event.email);
  // Hashes and fingerprints in lower case (absent when not hex).
  struct Hex {
    std::string_view seen;
    char space;
    std::string_view prefix;  // the algorithm, for file hashes
    Field field;
    MatchKind kind;
    std::string_view value;  // empty: absent or not hex
  };
  Hex hexes[] = {
      {event.md5, kSpaceHash, "md5:", Field::kMd5, MatchKind::kHash, {}},
      {event.sha1, kSpaceHash, "sha1:", Field::kSha1, MatchKind::kHash, {}},
      {event.sha256,
       kSpaceHash,
       "sha256:",
       Field::kSha256,
       MatchKind::kHash,
       {}},
      {event.ja3, kSpaceJa3, "", Field::kJa3, MatchKind::kJa3, {}},
      {event.ja3s, kSpaceJa3, "", Field::kJa3s, MatchKind::kJa3, {}},
      {event.hassh, kSpaceHassh, "", Field::kHassh, MatchKind::kHassh, {}},
  };
  static_assert(std::size(hexes) == std::tuple_size_v<decltype(b.hex)>);
  for (size_t i = 0; i < std::size(hexes); ++i) {
    Hex& h = hexes[i];
    if (!h.seen.empty() && NormalizeHexInto(h.seen, &b.hex[i])) {
      h.value = b.hex[i];
    }
  }

  // Free-text fields: exact atoms of full patterns (and below, regexes).
  struct Text {
    Field field;
    std::string_view value;
  };
  Text texts[] = {
      {Field::kDomain, !dom.empty() ? dom : event.domain},
      {Field::kUrl, !url.empty() ? url : event.url},
      {Field::kEmail, email ? std::string_view(*email) : event.email},
      {Field::kMd5, event.md5},
      {Field::kSha1, event.sha1},
      {Field::kSha256, event.sha256},
      {Field::kJa3, event.ja3},
      {Field::kJa3s, event.ja3s},
      {Field::kHassh, event.hassh},
      {Field::kFileName, event.file_name},
      {Field::kProcess, event.process},
      {Field::kCommandLine, event.command_line},
      {Field::kUser, event.user},
      {Field::kUserAgent, event.user_agent},
      {Field::kPassword, event.password},
  };

  auto exact_values = [&] {
    ip(event.src_ip, Field::kSrcIp);
    ip(event.dst_ip, Field::kDstIp);
    if (!dom.empty()) domain(dom, Field::kDomain);
    if (!url.empty()) {
      take(lookup(kSpaceUrl, "", url), Field::kUrl, MatchKind::kUrl, url, "");
      if (!url_host.empty()) domain(url_host, Field::kUrlHost);
    }
    if (email) {
      take(lookup(kSpaceEmail, "", *email), Field::kEmail, MatchKind::kEmail,
           *email, "");
    }
    for (const Hex& h : hexes) {
      if (h.value.empty()) continue;
      take(lookup(h.space, h.prefix, h.value), h.field, h.kind, h.value, "");
    }
    if (!x.has_string_keys) return;
    for (const Text& t : texts) {
      if (t.value.empty() || t.field < Field::kFileName) continue;
      char field_byte = static_cast<char>('a' + static_cast<int>(t.field));
      take(lookup(kSpaceString, std::string_view(&field_byte, 1), t.value),
           t.field, MatchKind::kPattern, t.value, "");
    }
  };
  exact_values();  // gather and prefetch
  gathering = false;
  exact_values();  // probe

  // Regexes over the free-text fields.
  if (!x.regexes.empty()) {
    hs_scratch* hs = nullptr;
    for (size_t i = 0; i < x.regexes.database_count(); ++i) {
      hs = scratch->Prepare(x.regexes.database(i));
    }
    // The callback captures one pointer, so the std::function holding it
    // fits in its own storage: no allocation per field scanned.
    struct Scanning {
      const Index::Impl* x;
      MatchScratch::Buffers* b;
      const Text* t;
      uint32_t bit;
    } sc{&x, &b, nullptr, 0};
    auto on_match = [s = &sc](const Posting& p) {
      if ((p.fields & s->bit) == 0) return;
      if (s->x->indicators[p.target].pattern >= 0) {
        s->b->candidates.emplace_back(p.target, s->t->field);
      } else {
        s->b->hits.push_back({p.target, s->t->field, MatchKind::kRegex,
                              std::string(s->t->value), "", false, 1});
      }
    };
    const std::function<void(const Posting&)> fn = on_match;
    for (const Text& t : texts) {
      if (t.value.empty()) continue;
      sc.t = &t;
      sc.bit = FieldBit(t.field);
      x.regexes.Scan(t.value, sc.bit, hs, fn);
    }
  }

  // Full patterns: confirm each candidate once on the event's observation.
  for (uint32_t u : x.unanchored) b.candidates.emplace_back(u, Field::kEvent);
  if (!b.candidates.empty()) {
    std::sort(b.candidates.begin(), b.candidates.end(),
              [](const auto& a, const auto& c) { return a.first < c.first; });
    pattern::Observation obs = EventObservation(event);
    pattern::MatchOptions mo;
    mo.max_steps = x.options.max_pattern_steps;
    uint32_t last = UINT32_MAX;
    for (const auto& [ind, field] : b.candidates) {
      if (ind == last) continue;
      last = ind;
      const pattern::Pattern& p = *x.patterns[x.indicators[ind].pattern];
      if (!p.Match(std::span<const pattern::Observation>(&obs, 1), mo)
               .matched()) {
        continue;
      }
      std::string value;
      for (const Text& t : texts) {
        if (t.field == field) value = std::string(t.value);
      }
      if (field == Field::kSrcIp) value = IpText(event.src_ip);
      if (field == Field::kDstIp) value = IpText(event.dst_ip);
      if (field == Field::kUrlHost && !url.empty()) {
        value = std::string(UrlHost(url));
      }
      b.hits.push_back({ind, field, MatchKind::kPattern, value, "", false, 1});
    }
  }

  // One match per (indicator, field); the most specific kind first.
  std::stable_sort(b.hits.begin(), b.hits.end(),
                   [](const Hit& a, const Hit& c) {
                     if (a.indicator != c.indicator) {
                       return a.indicator < c.indicator;
                     }
                     return a.field < c.field;
                   });
  int64_t window = 0;
  const int64_t window_micros =
      std::max<int64_t>(1, options_.window_seconds) * 1'000'000;
  if (event.time) window = event.time->micros / window_micros;
  for (size_t i = 0; i < b.hits.size(); ++i) {
    const Hit& h = b.hits[i];
    if (i > 0 && b.hits[i - 1].indicator == h.indicator &&
        b.hits[i - 1].field == h.field) {
      continue;
    }
    match::Match m;
    m.indicator_id = std::string(x.Id(h.indicator));
    m.value = h.value;
    m.indicator_value = h.indicator_value;
    m.field = h.field;
    m.kind = h.kind;
    m.over_correlating = h.over;
    m.indicator_count = h.count;
    if (options_.max_events_per_indicator > 0 && !h.over) {
      // Count this event for the indicator in the current window
      // (lock-free: one CAS loop on a packed (window, count)).
      std::atomic<uint64_t>& slot = x.rate[h.indicator];
      uint64_t cur = slot.load(std::memory_order_relaxed), next;
      uint32_t count;
      do {
        uint32_t w = static_cast<uint32_t>(cur >> 32);
        count = w == static_cast<uint32_t>(window)
                    ? static_cast<uint32_t>(cur) + 1
                    : 1;
        next = (static_cast<uint64_t>(static_cast<uint32_t>(window)) << 32) |
               count;
      } while (
          !slot.compare_exchange_weak(cur, next, std::memory_order_relaxed));
      if (count > options_.max_events_per_indicator + 1) continue;
      if (count == options_.max_events_per_indicator + 1) {
        m.over_correlating = true;
      }
    }
    if (options_.warninglists != nullptr) {
      ValueClass cls =
          m.kind == MatchKind::kPattern || m.kind == MatchKind::kRegex
              ? ClassOfField(m.field)
              : ClassOf(m.kind);
      m.warninglist = options_.warninglists->Check(m.value, cls, scratch);
    }
    out->push_back(std::move(m));
  }
}

// -------------------------------------------------- Event as observation

namespace {

using pattern::Value;

Value Str(std::string_view s) { return Value::String(std::string(s)); }

}  // namespace

pattern::Observation EventObservation(const telemetry::Event& e) {
  pattern::Observation obs;
  if (e.time) {
    obs.first_observed = *e.time;
    obs.last_observed = *e.time;
  }
  auto add = [&](std::string type, std::vector<Value::Member> members) {
    members.insert(members.begin(), {"type", Value::String(type)});
    pattern::Sco sco;
    sco.key = std::to_string(obs.objects.size());
    sco.type = std::move(type);
    sco.object = Value::Object(std::move(members));
    obs.objects.push_back(std::move(sco));
    return obs.objects.back().key;
  };
  std::vector<Value::Member> traffic;
  auto ip = [&](const telemetry::IpAddr& a, const char* ref) {
    if (!a.present()) return;
    std::string key = add(a.family == 4 ? "ipv4-addr" : "ipv6-addr",
                          {{"value", Str(IpText(a))}});
    traffic.emplace_back(ref, Value::String(key));
  };
  ip(e.src_ip, "src_ref");
  ip(e.dst_ip, "dst_ref");
  if (e.src_port) traffic.emplace_back("src_port", Value::Int(e.src_port));
  if (e.dst_port) traffic.emplace_back("dst_port", Value::Int(e.dst_port));
  if (!e.protocol.empty()) {
    traffic.emplace_back("protocols", Value::Array({Str(e.protocol)}));
  }
  std::vector<Value::Member> ext;
  if (!e.user_agent.empty()) {
    ext.emplace_back(
        "http-request-ext",
        Value::Object({{"request_header",
                        Value::Object({{"User-Agent", Str(e.user_agent)}})}}));
  }
  if (!ext.empty()) traffic.emplace_back("extensions", Value::Object(ext));
  auto hex = [](std::string_view v) {
    auto h = NormalizeHex(v);
    return h ? *h : std::string(v);
  };
  if (!e.ja3.empty()) {
    traffic.emplace_back("x_ja3", Str(hex(e.ja3)));
    add("x-ja3", {{"value", Str(hex(e.ja3))}});
  }
  if (!e.ja3s.empty()) {
    traffic.emplace_back("x_ja3s", Str(hex(e.ja3s)));
    add("x-ja3s", {{"value", Str(hex(e.ja3s))}});
  }
  if (!e.hassh.empty()) {
    traffic.emplace_back("x_hassh", Str(hex(e.hassh)));
    add("x-hassh", {{"value", Str(hex(e.hassh))}});
  }
  if (!traffic.empty()) add("network-traffic", std::move(traffic));
  std::optional<std::string> dom;
  if (!e.domain.empty()) {
    dom = NormalizeDomain(e.domain);
    add("domain-name", {{"value", Str(dom ? *dom : e.domain)}});
  }
  if (!e.url.empty()) {
    auto u = NormalizeUrl(e.url, dom ? std::string_view(*dom) : "");
    add("url", {{"value", Str(u ? *u : e.url)}});
  }
  if (!e.email.empty()) {
    auto m = NormalizeEmail(e.email);
    add("email-addr", {{"value", Str(m ? *m : e.email)}});
  }
  std::vector<Value::Member> hashes;
  if (!e.md5.empty()) hashes.emplace_back("MD5", Str(e.md5));
  if (!e.sha1.empty()) hashes.emplace_back("SHA-1", Str(e.sha1));
  if (!e.sha256.empty()) hashes.emplace_back("SHA-256", Str(e.sha256));
  if (!hashes.empty() || !e.file_name.empty()) {
    std::vector<Value::Member> file;
    if (!e.file_name.empty()) file.emplace_back("name", Str(e.file_name));
    if (!hashes.empty()) file.emplace_back("hashes", Value::Object(hashes));
    add("file", std::move(file));
  }
  if (!e.process.empty() || !e.command_line.empty()) {
    std::vector<Value::Member> proc;
    if (!e.process.empty()) proc.emplace_back("name", Str(e.process));
    if (!e.command_line.empty()) {
      proc.emplace_back("command_line", Str(e.command_line));
    }
    add("process", std::move(proc));
  }
  if (!e.user.empty() || !e.password.empty()) {
    std::vector<Value::Member> acct;
    if (!e.user.empty()) {
      acct.emplace_back("account_login", Str(e.user));
      acct.emplace_back("user_id", Str(e.user));
    }
    if (!e.password.empty()) acct.emplace_back("credential", Str(e.password));
    add("user-account", std::move(acct));
  }
  return obs;
}

}  // namespace ncert::match
