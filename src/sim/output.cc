#include "sim/output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/json.h"

namespace ncert::sim::internal {

void Json::Key(std::string_view key) {
  if (s_.size() > 1) s_ += ',';
  AppendJsonString(key, &s_);
  s_ += ':';
}
Json& Json::Str(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(value, &s_);
  return *this;
}
Json& Json::Int(std::string_view key, int64_t value) {
  Key(key);
  s_ += std::to_string(value);
  return *this;
}
Json& Json::Num(std::string_view key, double value, int decimals) {
  Key(key);
  s_ += fmt::format("{:.{}f}", value, decimals);
  return *this;
}
Json& Json::Bool(std::string_view key, bool value) {
  Key(key);
  s_ += value ? "true" : "false";
  return *this;
}
Json& Json::Raw(std::string_view key, std::string_view json) {
  Key(key);
  s_ += json;
  return *this;
}
Json& Json::StrList(std::string_view key,
                    const std::vector<std::string>& values) {
  Key(key);
  s_ += '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s_ += ',';
    AppendJsonString(values[i], &s_);
  }
  s_ += ']';
  return *this;
}

std::string Rfc3339(int64_t micros, int digits) {
  return FormatTimestamp(Timestamp{micros}, digits);
}
std::string EveTime(int64_t micros) {
  std::string s = FormatTimestamp(Timestamp{micros}, 6);
  s.pop_back();  // Z
  return s + "+0000";
}
std::string ZeekTime(int64_t micros) {
  int64_t sec = micros / 1000000;
  return fmt::format("{}.{:06d}", sec, micros - sec * 1000000);
}
std::string SysmonUtc(int64_t micros) {
  std::string s = FormatTimestamp(Timestamp{micros}, 3);
  s[10] = ' ';
  s.pop_back();
  return s;
}

void LineOutput::Add(int64_t t_us, std::string line, std::string truth) {
  pending_.push_back({t_us, std::move(line), std::move(truth)});
}

Status LineOutput::Flush() {
  if (pending_.empty()) return Status::Ok();
  if (!sink_) {
    ASSIGN_OR_RETURN(sink_, dir_.Create(path_));
  }
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const Rec& a, const Rec& b) { return a.t < b.t; });
  buf_.clear();
  std::string truth;
  for (Rec& r : pending_) {
    ++records_;
    buf_ += r.line;
    buf_ += '\n';
    if (!r.truth.empty()) {
      ++malicious_;
      truth += fmt::format("{{\"line\":{},{}}}\n", records_, r.truth);
    }
  }
  pending_.clear();
  RETURN_IF_ERROR(sink_->Append(buf_));
  if (!truth.empty()) {
    if (!truth_sink_) {
      ASSIGN_OR_RETURN(truth_sink_, dir_.Create(truth_path_));
    }
    RETURN_IF_ERROR(truth_sink_->Append(truth));
  }
  return Status::Ok();
}

Status LineOutput::Close() {
  RETURN_IF_ERROR(Flush());
  if (sink_) {
    bytes_ = sink_->bytes();
    RETURN_IF_ERROR(sink_->Close());
  }
  if (truth_sink_) RETURN_IF_ERROR(truth_sink_->Close());
  return Status::Ok();
}

OutputFile LineOutput::Info() const {
  OutputFile f;
  f.path = path_;
  f.format = format_;
  f.records = records_;
  f.bytes = sink_ ? sink_->bytes() : bytes_;
  f.malicious = malicious_;
  f.truth = truth_sink_ ? truth_path_ : "";
  return f;
}

namespace {

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void Put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
void PutLe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}
uint32_t SumWords(const uint8_t* p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2) {
    sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  }
  if (n & 1) sum += static_cast<uint32_t>(p[n - 1] << 8);
  return sum;
}
uint16_t Fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

constexpr size_t kFrame = 54;  // Ethernet 14 + IPv4 20 + TCP 20

}  // namespace

Status PcapOutput::Add(int64_t t_us, const Tcp& p) {
  if (!sink_) {
    ASSIGN_OR_RETURN(sink_, dir_.Create(path_));
    uint8_t h[24] = {};
    PutLe32(h, 0xa1b2c3d4);
    h[4] = 2;  // version 2.4, little-endian fields
    h[6] = 4;
    PutLe32(h + 16, 65535);  // snaplen
    PutLe32(h + 20, 1);      // LINKTYPE_ETHERNET
    buf_.reserve(1 << 20);
    buf_.append(reinterpret_cast<const char*>(h), sizeof h);
  }
  uint8_t r[16 + kFrame];
  PutLe32(r, static_cast<uint32_t>(t_us / 1000000));
  PutLe32(r + 4, static_cast<uint32_t>(t_us % 1000000));
  PutLe32(r + 8, kFrame);
  PutLe32(r + 12, kFrame);
  uint8_t* e = r + 16;
  // Ethernet: locally administered MACs, the router's and the sensor's.
  static constexpr uint8_t kDstMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
  static constexpr uint8_t kSrcMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0xfe};
  std::memcpy(e, kDstMac, 6);
  std::memcpy(e + 6, kSrcMac, 6);
  Put16(e + 12, 0x0800);
  uint8_t* ip = e + 14;
  ip[0] = 0x45;
  ip[1] = 0;
  Put16(ip + 2, 40);
  Put16(ip + 4, p.ip_id);
  Put16(ip + 6, 0);  // no DF: Mirai's raw SYNs clear it too
  ip[8] = p.ttl;
  ip[9] = 6;
  Put16(ip + 10, 0);
  Put32(ip + 12, p.src);
  Put32(ip + 16, p.dst);
  Put16(ip + 10, Fold(SumWords(ip, 20, 0)));
  uint8_t* tcp = ip + 20;
  Put16(tcp, p.sport);
  Put16(tcp + 2, p.dport);
  Put32(tcp + 4, p.seq);
  Put32(tcp + 8, p.ack);
  tcp[12] = 5 << 4;
  tcp[13] = p.flags;
  Put16(tcp + 14, p.window);
  Put16(tcp + 16, 0);
  Put16(tcp + 18, 0);
  uint32_t pseudo = (p.src >> 16) + (p.src & 0xffff) + (p.dst >> 16) +
                    (p.dst & 0xffff) + 6 + 20;
  Put16(tcp + 16, Fold(SumWords(tcp, 20, pseudo)));
  buf_.append(reinterpret_cast<const char*>(r), sizeof r);
  ++packets_;
  if (buf_.size() >= (1 << 20) - sizeof r) {
    RETURN_IF_ERROR(sink_->Append(buf_));
    buf_.clear();
  }
  return Status::Ok();
}

Status PcapOutput::Close() {
  if (!sink_) return Status::Ok();
  RETURN_IF_ERROR(sink_->Append(buf_));
  buf_.clear();
  bytes_ = sink_->bytes();
  return sink_->Close();
}

OutputFile PcapOutput::Info() const {
  OutputFile f;
  f.path = path_;
  f.format = "pcap";
  f.records = packets_;
  f.bytes = sink_ ? sink_->bytes() + buf_.size() : bytes_;
  f.truth = "truth/darknet.ndjson";
  return f;
}

Status WriteWhole(OutputDir& dir, const std::string& path,
                  std::string_view data, const std::string& format,
                  int64_t records, std::vector<OutputFile>* files) {
  ASSIGN_OR_RETURN(auto sink, dir.Create(path));
  RETURN_IF_ERROR(sink->Append(data));
  RETURN_IF_ERROR(sink->Close());
  OutputFile f;
  f.path = path;
  f.format = format;
  f.records = records;
  f.bytes = data.size();
  files->push_back(std::move(f));
  return Status::Ok();
}

}  // namespace ncert::sim::internal
