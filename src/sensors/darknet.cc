#include "sensors/darknet.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "sensors/darknet_decode.h"
#include "sensors/doorkeeper.h"
#include "sensors/hll.h"
#include "sensors/hll_small.h"
#include "sensors/pcap_source.h"
#include "sensors/sketch_hash.h"
#include "sensors/topk.h"

namespace ncert::sensors {

// Ports that Mirai and its descendants scan with the fingerprinted SYN.
// References (docs/sensors.md has the full list):
//  [A17] Antonakakis et al., "Understanding the Mirai Botnet", USENIX
//        Security 2017: 23 and 2323 (telnet, classic Mirai scanner), 7547
//        (TR-069/TR-064 variant of Nov 2016), 5555 and others in variants.
//  [CP17] Check Point, "Huawei Home Routers in Botnet Recruitment" (Dec
//        2017): 37215 (Huawei HG532, CVE-2017-17215, Satori/Okiru).
//  [N17] 360 Netlab, "Satori" (Dec 2017): 52869 (Realtek SDK miniigd UPnP,
//        CVE-2014-8361) and 37215.
//  [N18] 360 Netlab, ADB.Miner / Satori ADB variants (2018): 5555 (Android
//        Debug Bridge).
//  [TM17] Trend Micro, "Persirai" (May 2017): 81 (GoAhead IP cameras).
const std::vector<MiraiPortInfo>& MiraiPortTable() {
  static const std::vector<MiraiPortInfo> table = {
      {23, "Mirai (classic)", "telnet [A17]"},
      {2323, "Mirai (classic)", "telnet, alternate port [A17]"},
      {7547, "Mirai TR-064 variant", "CWMP/TR-069 on DSL routers [A17]"},
      {5555, "Mirai ADB variant", "Android Debug Bridge [A17][N18]"},
      {37215, "Satori/Okiru", "Huawei HG532 UPnP, CVE-2017-17215 [CP17]"},
      {52869, "Satori/Okiru", "Realtek SDK miniigd, CVE-2014-8361 [N17]"},
      {81, "Persirai-style", "GoAhead IP cameras [TM17]"},
  };
  return table;
}

namespace {

using internal::Decoded;
using internal::DecodeResult;
using internal::L4;

const MiraiPortInfo* MiraiPort(uint16_t port) {
  for (const MiraiPortInfo& m : MiraiPortTable()) {
    if (m.port == port) return &m;
  }
  return nullptr;
}

constexpr uint32_t kKeyIcmp = 131072, kKeyIcmp6 = 131073, kKeyOther = 131074;
constexpr uint32_t kNumKeys = 131075;

uint32_t PortKey(const Decoded& d, bool fragment) {
  if (fragment) return kKeyOther;
  switch (d.l4) {
    case L4::kTcp:
      return d.dport;
    case L4::kUdp:
      return 65536u + d.dport;
    case L4::kIcmp:
      return kKeyIcmp;
    case L4::kIcmp6:
      return kKeyIcmp6;
    default:
      return kKeyOther;
  }
}

std::string PortKeyName(uint32_t key) {
  if (key < 65536) return fmt::format("{}/tcp", key);
  if (key < 131072) return fmt::format("{}/udp", key - 65536);
  if (key == kKeyIcmp) return "icmp";
  if (key == kKeyIcmp6) return "icmpv6";
  return "other";
}

int64_t FloorTo(int64_t secs, int64_t width) {
  int64_t q = secs / width;
  if (secs % width != 0 && secs < 0) --q;
  return q * width;
}

// A series dimension's counts in one bucket.
struct DimAgg {
  uint64_t packets = 0;
  HyperLogLog src, dst;
  explicit DimAgg(int p) : src(p), dst(p) {}
};

struct Bucket {
  int64_t start = 0;                          // seconds
  std::vector<std::unique_ptr<DimAgg>> dims;  // by series dimension
  uint64_t syn = 0, mirai = 0, backscatter = 0;
};

// Per tracked SYN source (a slot of the scanner table). The table recycles
// slots at a high rate (a source of a few SYNs takes over the least counted
// one), so the distinct counters are SmallHll: Reset() clears them in O(1)
// and a short-lived slot touches no dense registers (hll_small.h).
struct SrcInfo {
  uint64_t syns = 0, mirai = 0;
  int64_t first = 0, last = 0;
  uint8_t n_top = 0;
  uint8_t n_mirai_ports = 0;
  std::array<uint16_t, 8> mirai_ports{};
  std::array<std::pair<uint16_t, uint32_t>, 8> top_ports{};
  SmallHll<6, 6> ports;  // ±13 %, as HyperLogLog(6)
  SmallHll<8, 12> dsts;  // ±6.5 %, as HyperLogLog(8)
  void Reset() {
    dsts.Clear();
    ports.Clear();
    syns = mirai = 0;
    first = last = 0;
    n_top = n_mirai_ports = 0;
  }
  void CountPort(uint16_t port) {
    for (uint8_t i = 0; i < n_top; ++i) {
      if (top_ports[i].first == port) {
        ++top_ports[i].second;
        return;
      }
    }
    if (n_top < top_ports.size()) {
      top_ports[n_top++] = {port, 1};
      return;
    }
    auto* min = &top_ports[0];  // space-saving in miniature
    for (auto& p : top_ports) {
      if (p.second < min->second) min = &p;
    }
    *min = {port, min->second + 1};
  }
  void MiraiPortSeen(uint16_t port) {
    for (uint8_t i = 0; i < n_mirai_ports; ++i) {
      if (mirai_ports[i] == port) return;
    }
    if (n_mirai_ports < mirai_ports.size()) mirai_ports[n_mirai_ports++] = port;
  }
};

// A --prefix range as two big-endian 64-bit halves: the same order as
// IpBytes' lexicographic one (InRange), without a call to memcmp.
struct Prefix128 {
  uint64_t lo_hi, lo_lo, hi_hi, hi_lo;
};

inline uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

inline bool InPrefix(const Prefix128& r, const IpBytes& ip) {
  const uint64_t h = LoadBe64(ip.data()), l = LoadBe64(ip.data() + 8);
  const bool above_lo = h > r.lo_hi || (h == r.lo_hi && l >= r.lo_lo);
  const bool below_hi = h < r.hi_hi || (h == r.hi_hi && l <= r.hi_lo);
  return above_lo && below_hi;
}

// One packet as the analysis stage reads it: decoded, checked against the
// prefixes, hashed and classified once by the read stage (PacketRing).
struct PacketRecord {
  int64_t ts = 0;  // micros
  uint64_t hsrc = 0, hdst = 0;
  IpBytes src{};
  uint32_t len = 0;
  uint32_t key = 0;  // PortKey
  uint16_t dport = 0;
  L4 l4 = L4::kOther;
  uint8_t flags = 0;  // kRec*
};
constexpr uint8_t kRecSyn = 1, kRecMirai = 2, kRecBackscatter = 4,
                  kRecSynAck = 8, kRecRst = 16, kRecIcmpErr = 32;

// What the read stage counts (order-free); added to the report when the
// capture ends.
struct DecodeCounts {
  uint64_t packets = 0, bytes = 0;
  uint64_t short_link = 0, non_ip = 0, short_ip = 0, short_l4 = 0;
  uint64_t fragments = 0, other_l4 = 0, outside_prefix = 0;
};

// Records pass from the read stage to the analysis stage in batches
// (56 KiB). Within a batch the analysis prefetches what record i + kAhead
// will touch (count-min counters, table index cells, series registers)
// while it analyses record i. Records are analysed in capture order, so
// results depend on neither constant.
constexpr int kBatch = 1024, kAhead = 8;
struct RecordBatch {
  std::array<PacketRecord, kBatch> recs;
  int size = 0;
  bool end = false;         // the read stage's last batch of this capture
  uint64_t bytes_read = 0;  // of the file, when the batch was full
};

// The read stage: libpcap (pcap_dispatch) -> decode -> prefix check ->
// hashes and class, once per packet. Touches only itself, the source and
// the batch it fills, so it may run on its own thread.
// Thread safety: one thread at a time.
class ReadStage {
 public:
  ReadStage(const std::vector<Prefix128>& prefixes, int dlt)
      : prefixes_(prefixes), dlt_(dlt) {}
  // Fills `b` with up to kBatch records; b->end when the capture ended
  // (next() says how: kEnd or kError).
  void Fill(PcapSource& src, RecordBatch* b) {
    b->size = 0;
    b->end = false;
    batch_ = b;
    while (b->size < kBatch) {
      int count = 0;
      next_ =
          src.Dispatch(kBatch - b->size, &ReadStage::OnPacket, this, &count);
      if (next_ != PcapSource::Next::kPacket) {
        b->end = true;
        break;
      }
    }
    b->bytes_read = src.bytes_read();
  }
  PcapSource::Next next() const { return next_; }
  const DecodeCounts& counts() const { return counts_; }

 private:
  static void OnPacket(void* self, const RawPacket& raw) {
    auto& r = *static_cast<ReadStage*>(self);
    if (r.Decode(raw, &r.batch_->recs[static_cast<size_t>(r.batch_->size)])) {
      ++r.batch_->size;
    }
  }
  bool Decode(const RawPacket& raw, PacketRecord* rec);

  const std::vector<Prefix128>& prefixes_;
  const int dlt_;
  DecodeCounts counts_;
  RecordBatch* batch_ = nullptr;
  PcapSource::Next next_ = PcapSource::Next::kPacket;
};

// Full batches from a reader thread to the analysing thread, and empty ones
// back. Thread safety: every method may be called from any thread.
class BatchQueue {
 public:
  explicit BatchQueue(const std::vector<RecordBatch*>& batches)
      : free_(batches.begin(), batches.end()) {}
  // An empty batch, waiting for one; nullptr once Stop() was called.
  RecordBatch* TakeFree() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stopped_ || !free_.empty(); });
    if (stopped_) return nullptr;
    RecordBatch* b = free_.front();
    free_.pop_front();
    return b;
  }
  void PutFree(RecordBatch* b) {
    std::lock_guard lock(mu_);
    free_.push_back(b);
    cv_.notify_all();
  }
  void PutFull(RecordBatch* b) {
    std::lock_guard lock(mu_);
    full_.push_back(b);
    cv_.notify_all();
  }
  // The oldest full batch, waiting for one.
  RecordBatch* TakeFull() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !full_.empty(); });
    RecordBatch* b = full_.front();
    full_.pop_front();
    return b;
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RecordBatch*> free_, full_;
  bool stopped_ = false;
};

struct VictimInfo {
  IpBytes ip{};
  bool active = false;
  int64_t start = 0, end = 0;  // micros
  uint64_t packets = 0, syn_ack = 0, rst = 0, icmp = 0;
  HyperLogLog dsts{6};
};

}  // namespace

struct DarknetAnalyzer::State {
  DarknetOptions opt;
  SeriesSink* sink = nullptr;
  std::vector<IpRange> prefixes;
  std::vector<Prefix128> prefixes128;  // the same, for the packet path
  double monitored_v4 = 0, monitored_v6 = 0;

  DarknetReport report;  // counters filled as we go
  bool any_packet = false;
  int64_t last_ts = 0, max_ts = INT64_MIN;

  HyperLogLog sources, destinations, mirai_sources;
  // The doorkeeper of the three source tables (topk.h, "Filtered offers"):
  // a conservative count-min over every packet's source (doorkeeper.h), so
  // its estimate bounds a source's packets, SYNs and backscatter alike.
  Doorkeeper source_filter;
  SpaceSaving top_sources, scanners, victims;
  std::vector<uint64_t> port_packets;  // exact, by port key
  std::vector<SrcInfo> src_info;
  std::vector<VictimInfo> victim_info;
  std::vector<DosAttack> attacks;

  // Series: dimension 0 = total, 1..max_series_ports = ports, last = other.
  std::vector<int32_t> dim_of;  // by port key
  static constexpr int32_t kOtherDim = 1;
  std::vector<std::string> dim_names;
  std::map<int64_t, Bucket> open[3];
  Bucket* current = nullptr;
  int64_t current_start = INT64_MIN;
  int64_t closed_before = INT64_MIN;  // 5-min buckets < this are closed
  std::vector<std::unique_ptr<DimAgg>> run_dims;  // whole run, merged
  Status sink_error;

  std::vector<uint64_t> research_packets;
  std::vector<HyperLogLog> research_sources;

  explicit State(DarknetOptions o)
      : opt(std::move(o)),
        sources(opt.hll_precision),
        destinations(opt.hll_precision),
        mirai_sources(opt.hll_precision),
        source_filter(opt.doorkeeper_log2_counters),
        top_sources(opt.top_sources_capacity),
        scanners(opt.scanner_capacity),
        victims(opt.victim_capacity),
        port_packets(kNumKeys, 0) {}

  // Dimension 0 is the total, 1 is "other" (ports past max_series_ports,
  // protocols without ports), 2.. one per port/protocol in order of arrival.
  int32_t DimOf(uint32_t key) {
    int32_t d = dim_of[key];
    if (d >= 0) return d;
    if (key != kKeyOther && dim_names.size() - 2 < opt.max_series_ports) {
      d = static_cast<int32_t>(dim_names.size());
      dim_names.push_back(PortKeyName(key));
    } else {
      d = kOtherDim;
    }
    dim_of[key] = d;
    return d;
  }

  DimAgg& Dim(std::vector<std::unique_ptr<DimAgg>>& dims, int32_t d) {
    if (dims.size() <= static_cast<size_t>(d)) dims.resize(dim_names.size());
    auto& slot = dims[static_cast<size_t>(d)];
    if (!slot) slot = std::make_unique<DimAgg>(opt.series_hll_precision);
    return *slot;
  }

  void Emit(const Bucket& b, Resolution r) {
    if (sink == nullptr || !sink_error.ok()) return;
    auto put = [&](const char* metric, const std::string& dim, double v) {
      Point p{Timestamp{b.start * 1000000}, v};
      Status s = sink->Append({opt.sensor, metric, dim}, r, {&p, 1});
      if (!s.ok() && sink_error.ok()) sink_error = s;
      ++report.series_points;
    };
    for (size_t d = 0; d < b.dims.size(); ++d) {
      if (!b.dims[d] || b.dims[d]->packets == 0) continue;
      const std::string& name = dim_names[d];
      put("packets", name, static_cast<double>(b.dims[d]->packets));
      put("unique_sources", name, std::round(b.dims[d]->src.Estimate()));
      put("unique_destinations", name, std::round(b.dims[d]->dst.Estimate()));
    }
    put("syn", "", static_cast<double>(b.syn));
    put("mirai", "", static_cast<double>(b.mirai));
    put("backscatter", "", static_cast<double>(b.backscatter));
  }

  void MergeInto(Bucket& into, const Bucket& from) {
    for (size_t d = 0; d < from.dims.size(); ++d) {
      if (!from.dims[d]) continue;
      DimAgg& a = Dim(into.dims, static_cast<int32_t>(d));
      a.packets += from.dims[d]->packets;
      (void)a.src.Merge(from.dims[d]->src);  // same precision by construction
      (void)a.dst.Merge(from.dims[d]->dst);
    }
    into.syn += from.syn;
    into.mirai += from.mirai;
    into.backscatter += from.backscatter;
  }

  void MergeRun(const Bucket& day) {
    for (size_t d = 0; d < day.dims.size(); ++d) {
      if (!day.dims[d]) continue;
      DimAgg& a = Dim(run_dims, static_cast<int32_t>(d));
      a.packets += day.dims[d]->packets;
      (void)a.src.Merge(day.dims[d]->src);
      (void)a.dst.Merge(day.dims[d]->dst);
    }
  }

  // Closes every bucket that ends at or before `watermark` (seconds).
  void CloseUpTo(int64_t watermark) {
    static constexpr Resolution kRes[3] = {Resolution::k5m, Resolution::k1h,
                                           Resolution::k1d};
    for (int level = 0; level < 3; ++level) {
      int64_t width = ResolutionSeconds(kRes[level]);
      auto& m = open[level];
      while (!m.empty() && m.begin()->first + width <= watermark) {
        Bucket& b = m.begin()->second;
        Emit(b, kRes[level]);
        if (level < 2) {
          int64_t up = FloorTo(b.start, ResolutionSeconds(kRes[level + 1]));
          Bucket& parent = open[level + 1][up];
          parent.start = up;
          MergeInto(parent, b);
        } else {
          MergeRun(b);
        }
        if (level == 0 && &b == current) {
          current = nullptr;
          current_start = INT64_MIN;
        }
        m.erase(m.begin());
      }
    }
    if (level0_watermark < watermark) level0_watermark = watermark;
  }
  int64_t level0_watermark = INT64_MIN;

  Bucket* BucketFor(int64_t secs) {
    int64_t start = FloorTo(secs, 300);
    if (start == current_start) return current;
    if (start + 300 <= level0_watermark) return nullptr;  // closed: late
    Bucket& b = open[0][start];
    b.start = start;
    current = &b;
    current_start = start;
    return current;
  }

  void FinishAttack(VictimInfo& v) {
    if (!v.active) return;
    v.active = false;
    double dsts = v.dsts.Estimate();
    int64_t dur_us = v.end - v.start;
    if (v.packets < opt.attack_min_packets ||
        dur_us < opt.attack_min_seconds * 1000000 ||
        dsts + 0.5 < opt.attack_min_destinations) {
      return;
    }
    ++report.attacks_total;
    if (attacks.size() >= opt.max_attacks) {
      ++report.attacks_dropped;
      return;
    }
    DosAttack a;
    a.victim = FormatIp(v.ip);
    a.start = Timestamp{v.start};
    a.end = Timestamp{v.end};
    a.packets = v.packets;
    a.destinations = std::round(dsts);
    a.syn_ack = v.syn_ack;
    a.rst = v.rst;
    a.icmp = v.icmp;
    double secs = std::max(1.0, static_cast<double>(dur_us) / 1e6);
    a.observed_pps = static_cast<double>(v.packets) / secs;
    bool v4 = internal::IsV4Mapped(v.ip);
    double monitored = v4 ? monitored_v4 : monitored_v6;
    if (monitored > 0) {
      a.estimated_pps = a.observed_pps *
                        (v4 ? 4294967296.0 : std::ldexp(1.0, 128)) / monitored;
    }
    attacks.push_back(std::move(a));
  }

  // The analysis stage: everything that depends on packet order.
  void Prefetch(const PacketRecord& rec) const;
  void Analyse(const PacketRecord& rec);
  void AnalyseBatch(const RecordBatch& b) {
    for (int i = 0; i < b.size; ++i) {
      if (i + kAhead < b.size) {
        Prefetch(b.recs[static_cast<size_t>(i + kAhead)]);
      }
      Analyse(b.recs[static_cast<size_t>(i)]);
    }
  }
  void AddCounts(const DecodeCounts& c, InputStat& in) {
    in.packets += c.packets;
    in.bytes += c.bytes;
    DarknetAnomalies& an = report.anomalies;
    an.short_link += c.short_link;
    an.non_ip += c.non_ip;
    an.short_ip += c.short_ip;
    an.short_l4 += c.short_l4;
    an.fragments += c.fragments;
    an.other_l4 += c.other_l4;
    an.outside_prefix += c.outside_prefix;
  }
  // Reads `src` to its end (or to a sink error), on this thread or with a
  // reader thread (opt.read_thread). Returns how the capture ended.
  PcapSource::Next ReadCapture(PcapSource& src, int dlt, InputStat& in,
                               const std::function<void(uint64_t)>& progress);

  std::vector<std::unique_ptr<RecordBatch>> batches;  // made on first use
};

void DarknetAnalyzer::State::Prefetch(const PacketRecord& rec) const {
  source_filter.Prefetch(rec.hsrc);
  top_sources.Prefetch(rec.hsrc);
  if (rec.flags & kRecSyn) scanners.Prefetch(rec.hsrc);
  if (rec.flags & kRecBackscatter) victims.Prefetch(rec.hsrc);
  __builtin_prefetch(&port_packets[rec.key], 1);
  const int32_t dim = dim_of[rec.key];
  if (current != nullptr && dim >= 0 &&
      static_cast<size_t>(dim) < current->dims.size()) {
    for (const DimAgg* a : {current->dims[0].get(),
                            current->dims[static_cast<size_t>(dim)].get()}) {
      if (a == nullptr) continue;
      a->src.Prefetch(rec.hsrc);
      a->dst.Prefetch(rec.hdst);
    }
  }
}

namespace {

bool ReadStage::Decode(const RawPacket& raw, PacketRecord* rec) {
  ++counts_.packets;
  counts_.bytes += raw.len;
  DecodeCounts& an = counts_;
  Decoded d;
  DecodeResult r = internal::Decode(dlt_, raw.data, raw.caplen, &d);
  switch (r) {
    case DecodeResult::kShortLink:
      ++an.short_link;
      return false;
    case DecodeResult::kNotIp:
      ++an.non_ip;
      return false;
    case DecodeResult::kShortIp:
      ++an.short_ip;
      return false;
    case DecodeResult::kShortL4:
      ++an.short_l4;
      return false;
    case DecodeResult::kFragment:
      ++an.fragments;
      break;
    case DecodeResult::kOtherL4:
      ++an.other_l4;
      break;
    case DecodeResult::kOk:
      break;
  }
  if (!prefixes_.empty()) {
    bool inside = false;
    for (const Prefix128& p : prefixes_) {
      if (InPrefix(p, d.dst)) {
        inside = true;
        break;
      }
    }
    if (!inside) {
      ++an.outside_prefix;
      return false;
    }
  }
  const bool fragment = r == DecodeResult::kFragment;
  rec->ts = raw.ts_micros;
  rec->len = raw.len;
  rec->hsrc = SketchHash(d.src.data(), 16);
  rec->hdst = SketchHash(d.dst.data(), 16);
  rec->src = d.src;
  rec->key = PortKey(d, fragment);
  rec->dport = d.dport;
  rec->l4 = d.l4;
  // Classify.
  uint8_t flags = 0;
  if (!fragment && d.l4 == L4::kTcp) {
    uint8_t f = d.tcp_flags;
    if ((f & internal::kSyn) && !(f & internal::kAck)) {
      flags = kRecSyn;
      if (!d.v6 && d.seq == d.dst4) flags |= kRecMirai;
    } else if ((f & internal::kSyn) && (f & internal::kAck)) {
      flags = kRecSynAck | kRecBackscatter;
    } else if (f & internal::kRst) {
      flags = kRecRst | kRecBackscatter;
    }
  } else if (!fragment && d.l4 == L4::kIcmp) {
    if (d.icmp_type == 3 || d.icmp_type == 11) {
      flags = kRecIcmpErr | kRecBackscatter;
    }
  } else if (!fragment && d.l4 == L4::kIcmp6) {
    if (d.icmp_type == 1 || d.icmp_type == 3) {
      flags = kRecIcmpErr | kRecBackscatter;
    }
  }
  rec->flags = flags;
  return true;
}

}  // namespace

void DarknetAnalyzer::State::Analyse(const PacketRecord& rec) {
  DarknetAnomalies& an = report.anomalies;
  const int64_t ts = rec.ts;
  if (!any_packet) {
    report.first = report.last = Timestamp{ts};
    any_packet = true;
  } else if (ts < last_ts) {
    ++an.out_of_order;
  }
  last_ts = ts;
  if (ts < report.first.micros) report.first = Timestamp{ts};
  if (ts > report.last.micros) report.last = Timestamp{ts};
  ++report.packets;
  report.bytes += rec.len;
  switch (rec.l4) {
    case L4::kTcp:
      ++report.tcp;
      break;
    case L4::kUdp:
      ++report.udp;
      break;
    case L4::kIcmp:
    case L4::kIcmp6:
      ++report.icmp;
      break;
    default:
      ++report.other;
      break;
  }
  const uint64_t hsrc = rec.hsrc, hdst = rec.hdst;
  const uint32_t key = rec.key;
  ++port_packets[key];
  const bool syn = rec.flags & kRecSyn, mirai = rec.flags & kRecMirai,
             backscatter = rec.flags & kRecBackscatter,
             synack = rec.flags & kRecSynAck, rst = rec.flags & kRecRst,
             icmp_err = rec.flags & kRecIcmpErr;

  // Series.
  const int64_t secs = FloorTo(ts, 1000000) / 1000000;
  if (secs > max_ts) {
    max_ts = secs;
    int64_t wm = max_ts - opt.lateness_s;
    if (!open[0].empty() && open[0].begin()->first + 300 <= wm) CloseUpTo(wm);
  }
  const int32_t dim = DimOf(key);
  if (Bucket* b = BucketFor(secs)) {
    DimAgg& total = Dim(b->dims, 0);
    ++total.packets;
    total.src.AddHash(hsrc);
    total.dst.AddHash(hdst);
    DimAgg& port = Dim(b->dims, dim);
    ++port.packets;
    port.src.AddHash(hsrc);
    port.dst.AddHash(hdst);
    b->syn += syn;
    b->mirai += mirai;
    b->backscatter += backscatter;
  } else {
    ++an.late_for_series;
    // Kept in the whole-run counts all the same.
    DimAgg& total = Dim(run_dims, 0);
    ++total.packets;
    total.src.AddHash(hsrc);
    total.dst.AddHash(hdst);
    DimAgg& port = Dim(run_dims, dim);
    ++port.packets;
    port.src.AddHash(hsrc);
  }

  const uint64_t src_bound = source_filter.AddAndEstimate(hsrc);
  top_sources.OfferFiltered(rec.src, hsrc, src_bound);
  if (mirai) {
    ++report.mirai;
    mirai_sources.AddHash(hsrc);
  }
  if (syn) ++report.syn;
  if (backscatter) ++report.backscatter;
  // Sources the doorkeeper refuses cannot be in the tables (topk.h).
  auto scan = syn ? scanners.OfferFiltered(rec.src, hsrc, src_bound)
                  : SpaceSaving::Offered{SpaceSaving::kNotAdmitted, false};
  if (scan.slot != SpaceSaving::kNotAdmitted) {
    const auto& o = scan;
    SrcInfo& s = src_info[o.slot];
    if (o.fresh) {
      s.Reset();
      s.first = ts;
    }
    ++s.syns;
    s.first = std::min(s.first, ts);
    s.last = std::max(s.last, ts);
    s.dsts.AddHash(hdst);
    s.ports.AddHash(SketchRehash(rec.dport));
    s.CountPort(rec.dport);
    if (mirai) {
      ++s.mirai;
      s.MiraiPortSeen(rec.dport);
    }
  }
  auto vict = backscatter
                  ? victims.OfferFiltered(rec.src, hsrc, src_bound)
                  : SpaceSaving::Offered{SpaceSaving::kNotAdmitted, false};
  if (vict.slot != SpaceSaving::kNotAdmitted) {
    const auto& o = vict;
    VictimInfo& v = victim_info[o.slot];
    if (o.fresh) {
      FinishAttack(v);  // the victim whose counter this was
      v.ip = rec.src;
    } else if (v.active && ts - v.end > opt.attack_timeout_s * 1000000) {
      FinishAttack(v);
    }
    if (!v.active) {
      v.active = true;
      v.start = v.end = ts;
      v.packets = v.syn_ack = v.rst = v.icmp = 0;
      v.dsts.Clear();
    }
    v.start = std::min(v.start, ts);
    v.end = std::max(v.end, ts);
    ++v.packets;
    v.syn_ack += synack;
    v.rst += rst;
    v.icmp += icmp_err;
    v.dsts.AddHash(hdst);
  }
  if (opt.scanners != nullptr) {
    int id = opt.scanners->LookupId(rec.src);
    if (id >= 0) {
      ++report.research_packets;
      ++research_packets[static_cast<size_t>(id)];
      research_sources[static_cast<size_t>(id)].AddHash(hsrc);
    }
  }
}

DarknetAnalyzer::DarknetAnalyzer(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
DarknetAnalyzer::~DarknetAnalyzer() = default;

Result<std::unique_ptr<DarknetAnalyzer>> DarknetAnalyzer::Create(
    DarknetOptions options, SeriesSink* sink) {
  for (int p : {options.hll_precision, options.series_hll_precision}) {
    if (p < HyperLogLog::kMinPrecision || p > HyperLogLog::kMaxPrecision) {
      return Status::InvalidArgument("HLL precision must be in 4..18");
    }
  }
  for (size_t c : {options.top_sources_capacity, options.top_ports_capacity,
                   options.scanner_capacity, options.victim_capacity}) {
    if (c < 1 || c > SpaceSaving::kMaxCapacity) {
      return Status::InvalidArgument("table capacity out of range");
    }
  }
  if (options.doorkeeper_log2_counters < Doorkeeper::kMinLog2 ||
      options.doorkeeper_log2_counters > Doorkeeper::kMaxLog2) {
    return Status::InvalidArgument(
        fmt::format("doorkeeper size must be 2^{}..2^{} counters",
                    Doorkeeper::kMinLog2, Doorkeeper::kMaxLog2));
  }
  if (options.lateness_s < 0 || options.attack_timeout_s <= 0) {
    return Status::InvalidArgument("lateness and attack timeout must be > 0");
  }
  auto state = std::make_unique<State>(options);
  State& s = *state;
  s.sink = sink;
  for (const std::string& p : options.prefixes) {
    std::optional<IpRange> r = ParseCidr(p);
    if (!r) {
      return Status::InvalidArgument(
          fmt::format("--prefix '{}' is not an IPv4 or IPv6 CIDR", p));
    }
    s.prefixes.push_back(*r);
    s.prefixes128.push_back({LoadBe64(r->lo.data()), LoadBe64(r->lo.data() + 8),
                             LoadBe64(r->hi.data()),
                             LoadBe64(r->hi.data() + 8)});
    size_t slash = p.find('/');
    bool v4 = internal::IsV4Mapped(r->lo);
    int bits = v4 ? 32 : 128;
    int len =
        slash == std::string::npos ? bits : std::stoi(p.substr(slash + 1));
    (v4 ? s.monitored_v4 : s.monitored_v6) += std::ldexp(1.0, bits - len);
  }
  s.src_info.resize(options.scanner_capacity);
  s.victim_info.resize(options.victim_capacity);
  s.dim_of.assign(kNumKeys, -1);
  s.dim_names = {"", "other"};
  if (options.scanners != nullptr) {
    s.research_packets.assign(options.scanners->names().size(), 0);
    s.research_sources.assign(options.scanners->names().size(),
                              HyperLogLog(10));
  }
  s.report.sensor = options.sensor;
  s.report.prefixes = options.prefixes;
  return std::unique_ptr<DarknetAnalyzer>(
      new DarknetAnalyzer(std::move(state)));
}

PcapSource::Next DarknetAnalyzer::State::ReadCapture(
    PcapSource& src, int dlt, InputStat& in,
    const std::function<void(uint64_t)>& progress) {
  const size_t n_batches = opt.read_thread ? 4 : 1;
  while (batches.size() < n_batches) {
    batches.push_back(std::make_unique<RecordBatch>());
  }
  ReadStage reader(prefixes128, dlt);
  uint64_t progress_at = 0x10000, analysed = 0;
  auto after_batch = [&](const RecordBatch& b) {
    analysed += static_cast<uint64_t>(b.size);
    if (analysed >= progress_at && progress) {
      progress_at = analysed + 0x10000;
      progress(b.bytes_read);
    }
  };
  if (!opt.read_thread) {
    RecordBatch& b = *batches[0];
    do {
      reader.Fill(src, &b);
      AnalyseBatch(b);
      after_batch(b);
    } while (!b.end && sink_error.ok());
  } else {
    // The reader thread fills batches while this one analyses them: the
    // two share only the queue, and the reader owns `src` until joined.
    std::vector<RecordBatch*> all;
    for (auto& b : batches) all.push_back(b.get());
    BatchQueue queue(all);
    std::thread thread([&reader, &src, &queue] {
      while (RecordBatch* b = queue.TakeFree()) {
        reader.Fill(src, b);
        queue.PutFull(b);
        if (b->end) return;
      }
    });
    while (true) {
      RecordBatch* b = queue.TakeFull();
      AnalyseBatch(*b);
      after_batch(*b);
      const bool end = b->end;
      queue.PutFree(b);
      if (end) break;
      if (!sink_error.ok()) {  // stop reading: the reader ends at TakeFree
        queue.Stop();
        break;
      }
    }
    thread.join();
  }
  AddCounts(reader.counts(), in);
  return reader.next();
}

Status DarknetAnalyzer::AddCapture(
    const std::string& name, std::unique_ptr<SequentialFile> file,
    const std::function<void(uint64_t)>& on_progress) {
  State& s = *state_;
  InputStat in;
  in.file = name;
  auto src = PcapSource::Open(name, std::move(file));
  if (!src.ok()) {
    ++s.report.anomalies.unreadable_files;
    in.problem = src.status().message();
    s.report.inputs.push_back(std::move(in));
    return Status::Ok();
  }
  int dlt = (*src)->link_type();
  in.link_type = internal::LinkTypeName(dlt);
  if (!internal::KnownLinkType(dlt)) {
    ++s.report.anomalies.unknown_link_files;
    in.link_type = fmt::format("DLT {}", dlt);
    in.problem = fmt::format(
        "link type {} is not one the darknet analysis reads (EN10MB, RAW, "
        "LINUX_SLL, LINUX_SLL2, NULL, LOOP); file skipped",
        dlt);
    s.report.inputs.push_back(std::move(in));
    return Status::Ok();
  }
  if (s.ReadCapture(**src, dlt, in, on_progress) == PcapSource::Next::kError) {
    ++s.report.anomalies.truncated_files;
    in.problem = (*src)->error() + "; the rest of the file is skipped";
  }
  if (!s.sink_error.ok()) return s.sink_error;
  if (on_progress) on_progress((*src)->bytes_read());
  s.report.inputs.push_back(std::move(in));
  return s.sink_error;
}

Result<DarknetReport> DarknetAnalyzer::Finish() {
  State& s = *state_;
  s.CloseUpTo(INT64_MAX);
  RETURN_IF_ERROR(s.sink_error);
  for (VictimInfo& v : s.victim_info) s.FinishAttack(v);
  DarknetReport& r = s.report;
  const DarknetOptions& o = s.opt;
  const size_t n = o.report_top;

  // Whole-run distinct counts: the merged day buckets' total dimension.
  if (!s.run_dims.empty() && s.run_dims[0]) {
    r.unique_sources = std::round(s.run_dims[0]->src.Estimate());
    r.unique_destinations = std::round(s.run_dims[0]->dst.Estimate());
  }
  r.hll_relative_error =
      1.04 / std::sqrt(std::ldexp(1.0, o.series_hll_precision));
  r.mirai_sources = std::round(s.mirai_sources.Estimate());
  if (s.prefixes.empty()) {
    r.monitored_addresses = r.unique_destinations;
    r.monitored_estimated = true;
    s.monitored_v4 = s.monitored_v6 = r.unique_destinations;
    for (DosAttack& a : s.attacks) {  // rescale now the size is known
      bool v4 = a.victim.find(':') == std::string::npos;
      a.estimated_pps = s.monitored_v4 > 0 && v4
                            ? a.observed_pps * 4294967296.0 / s.monitored_v4
                            : 0;
    }
  } else {
    r.monitored_addresses = s.monitored_v4 + s.monitored_v6;
  }
  auto geo = [&](const IpBytes& ip) {
    return o.geoip != nullptr ? o.geoip->Lookup(ip) : GeoInfo{};
  };
  auto research = [&](const IpBytes& ip) {
    const std::string* name =
        o.scanners != nullptr ? o.scanners->Lookup(ip) : nullptr;
    return name != nullptr ? *name : std::string();
  };

  std::vector<uint32_t> port_keys;
  for (uint32_t key = 0; key < kNumKeys; ++key) {
    if (s.port_packets[key] > 0) port_keys.push_back(key);
  }
  const size_t n_ports = std::min(n, port_keys.size());
  std::partial_sort(port_keys.begin(), port_keys.begin() + n_ports,
                    port_keys.end(), [&](uint32_t a, uint32_t b) {
                      return s.port_packets[a] != s.port_packets[b]
                                 ? s.port_packets[a] > s.port_packets[b]
                                 : a < b;
                    });
  port_keys.resize(n_ports);
  for (uint32_t key : port_keys) {
    PortStat p;
    p.port = PortKeyName(key);
    p.packets = s.port_packets[key];
    p.error = 0;  // counted exactly
    int32_t d = s.dim_of[key];
    if (d > State::kOtherDim && static_cast<size_t>(d) < s.run_dims.size() &&
        s.run_dims[d]) {
      p.sources = std::round(s.run_dims[d]->src.Estimate());
    }
    if (key < 65536) p.mirai = MiraiPort(static_cast<uint16_t>(key));
    r.top_ports.push_back(p);
  }

  std::map<std::string, uint64_t> countries, ases;
  for (const TopKEntry& e : s.top_sources.Top(std::max<size_t>(n, 1000))) {
    SourceStat st;
    st.ip = FormatIp(e.key);
    st.packets = e.count;
    st.error = e.error;
    st.research = research(e.key);
    st.geo = geo(e.key);
    if (o.geoip != nullptr) {
      countries[st.geo.country.empty() ? "??" : st.geo.country] += e.count;
      ases[st.geo.asn == 0
               ? "unknown"
               : fmt::format("AS{} {}", st.geo.asn, st.geo.as_org)] += e.count;
    }
    if (r.top_sources.size() < n) r.top_sources.push_back(std::move(st));
  }
  auto top_counts = [&](const std::map<std::string, uint64_t>& m) {
    std::vector<CountStat> v;
    for (const auto& [k, c] : m) v.push_back({k, c});
    std::sort(v.begin(), v.end(), [](const CountStat& a, const CountStat& b) {
      return a.packets != b.packets ? a.packets > b.packets : a.key < b.key;
    });
    if (v.size() > n) v.resize(n);
    return v;
  };
  r.countries = top_counts(countries);
  r.ases = top_counts(ases);

  for (uint32_t slot = 0; slot < s.scanners.size(); ++slot) {
    const TopKEntry& e = s.scanners.entry(slot);
    const SrcInfo& si = s.src_info[slot];
    double dsts = std::round(si.dsts.Estimate());
    double ports = std::round(si.ports.Estimate());
    if (dsts >= o.scan_min_destinations || ports >= o.scan_min_ports) {
      ++r.scanners_total;
      ScannerStat sc;
      sc.ip = FormatIp(e.key);
      sc.syns = si.syns;
      sc.destinations = dsts;
      sc.ports = ports;
      std::vector<std::pair<uint16_t, uint32_t>> tp(
          si.top_ports.begin(), si.top_ports.begin() + si.n_top);
      std::stable_sort(tp.begin(), tp.end(),
                       [](auto& a, auto& b) { return a.second > b.second; });
      for (const auto& [port, count] : tp) sc.top_ports.push_back(port);
      sc.first = Timestamp{si.first};
      sc.last = Timestamp{si.last};
      sc.mirai = si.mirai > 0;
      r.scanners.push_back(std::move(sc));
    }
    if (si.mirai > 0) {
      ++r.mirai_hosts_total;
      MiraiHost m;
      m.ip = FormatIp(e.key);
      m.fingerprinted = si.mirai;
      m.syns = si.syns;
      m.ports.assign(si.mirai_ports.begin(),
                     si.mirai_ports.begin() + si.n_mirai_ports);
      std::sort(m.ports.begin(), m.ports.end());
      std::vector<std::string> families;
      for (uint16_t p : m.ports) {
        const MiraiPortInfo* info = MiraiPort(p);
        std::string f =
            info != nullptr ? info->family : "Mirai-like (other port)";
        if (std::find(families.begin(), families.end(), f) == families.end()) {
          families.push_back(f);
        }
      }
      m.variant = fmt::format("{}", fmt::join(families, ", "));
      // Confidence from behaviour (docs/sensors.md): one SYN whose sequence
      // number equals its destination is a 1-in-2^32 coincidence, but a
      // single packet may be spoofed or crafted; repetition across
      // destinations and a scanner that only sends fingerprinted SYNs
      // (Mirai's own) raise it.
      int c = 50;
      if (si.mirai >= 2) c = 70;
      if (si.mirai >= 5 && si.dsts.Estimate() >= 2) c = 85;
      if (si.mirai >= 10 && si.mirai == si.syns) c = 95;
      m.confidence = c;
      m.first = Timestamp{si.first};
      m.last = Timestamp{si.last};
      r.mirai_hosts.push_back(std::move(m));
    }
  }
  std::sort(r.scanners.begin(), r.scanners.end(),
            [](const ScannerStat& a, const ScannerStat& b) {
              return a.syns != b.syns ? a.syns > b.syns : a.ip < b.ip;
            });
  if (r.scanners.size() > n) r.scanners.resize(n);
  for (ScannerStat& sc : r.scanners) {
    auto ip = ParseCidr(sc.ip);
    sc.research = research(ip->lo);
    sc.geo = geo(ip->lo);
  }
  std::sort(r.mirai_hosts.begin(), r.mirai_hosts.end(),
            [](const MiraiHost& a, const MiraiHost& b) {
              return a.fingerprinted != b.fingerprinted
                         ? a.fingerprinted > b.fingerprinted
                         : a.ip < b.ip;
            });
  if (r.mirai_hosts.size() > n) r.mirai_hosts.resize(n);
  for (MiraiHost& m : r.mirai_hosts) m.geo = geo(ParseCidr(m.ip)->lo);

  std::sort(s.attacks.begin(), s.attacks.end(),
            [](const DosAttack& a, const DosAttack& b) {
              return a.packets != b.packets ? a.packets > b.packets
                                            : a.victim < b.victim;
            });
  r.attacks = std::move(s.attacks);
  if (r.attacks.size() > n) r.attacks.resize(n);
  for (DosAttack& a : r.attacks) a.geo = geo(ParseCidr(a.victim)->lo);

  if (o.scanners != nullptr) {
    for (size_t i = 0; i < s.research_packets.size(); ++i) {
      if (s.research_packets[i] == 0) continue;
      r.research.push_back({o.scanners->names()[i], s.research_packets[i],
                            std::round(s.research_sources[i].Estimate())});
    }
    std::sort(r.research.begin(), r.research.end(),
              [](const ResearchStat& a, const ResearchStat& b) {
                return a.packets > b.packets;
              });
  }
  return std::move(s.report);
}

}  // namespace ncert::sensors
