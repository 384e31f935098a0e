#include "sensors/pcap_source.h"

#include <pcap/pcap.h>
#include <stdio_ext.h>

#include <cstdio>
#include <cstring>

namespace ncert::sensors {

struct PcapSourceCookie {
  std::unique_ptr<SequentialFile> file;
  uint64_t bytes = 0;
  std::string error;
};

namespace {

ssize_t CookieRead(void* c, char* buf, size_t size) {
  auto* cookie = static_cast<PcapSourceCookie*>(c);
  Result<size_t> n = cookie->file->Read(buf, size);
  if (!n.ok()) {
    cookie->error = n.status().message();
    return -1;
  }
  cookie->bytes += *n;
  return static_cast<ssize_t>(*n);
}

int CookieClose(void*) { return 0; }

}  // namespace

Result<std::unique_ptr<PcapSource>> PcapSource::Open(
    std::string name, std::unique_ptr<SequentialFile> file) {
  std::unique_ptr<PcapSource> src(new PcapSource());
  src->name_ = std::move(name);
  src->cookie_ = std::make_unique<PcapSourceCookie>();
  src->cookie_->file = std::move(file);
  cookie_io_functions_t io{};
  io.read = CookieRead;
  io.close = CookieClose;
  std::FILE* stream = fopencookie(src->cookie_.get(), "r", io);
  if (stream == nullptr) {
    return Status::Internal(src->name_ + ": fopencookie failed");
  }
  std::setvbuf(stream, nullptr, _IOFBF, 1 << 20);
  // One thread at a time reads a PcapSource (it may be a reader thread,
  // darknet.cc), so stdio's per-call lock (two per packet in libpcap's
  // freads once the process has threads) is not needed.
  __fsetlocking(stream, FSETLOCKING_BYCALLER);
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(
      stream, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  if (p == nullptr) {
    std::fclose(stream);
    std::string why =
        src->cookie_->error.empty() ? errbuf : src->cookie_->error;
    return Status::InvalidArgument(src->name_ +
                                   ": not a readable pcap or "
                                   "pcapng capture: " +
                                   why);
  }
  // pcap_close() closes the stream.
  src->pcap_ = p;
  src->link_type_ = pcap_datalink(p);
  return src;
}

PcapSource::~PcapSource() {
  if (pcap_ != nullptr) pcap_close(static_cast<pcap_t*>(pcap_));
}

uint64_t PcapSource::bytes_read() const { return cookie_->bytes; }

PcapSource::Next PcapSource::Read(RawPacket* packet) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(static_cast<pcap_t*>(pcap_), &header, &data);
  if (rc == 1) {
    packet->ts_micros =
        static_cast<int64_t>(header->ts.tv_sec) * 1000000 + header->ts.tv_usec;
    packet->caplen = header->caplen;
    packet->len = header->len;
    packet->data = data;
    return Next::kPacket;
  }
  if (rc == PCAP_ERROR_BREAK) return Next::kEnd;
  error_ = cookie_->error.empty() ? pcap_geterr(static_cast<pcap_t*>(pcap_))
                                  : cookie_->error;
  return Next::kError;
}

namespace {

struct DispatchArgs {
  PcapSource::PacketFn fn;
  void* user;
  int count;
};

void OnPacket(u_char* user, const pcap_pkthdr* header, const u_char* data) {
  auto* args = reinterpret_cast<DispatchArgs*>(user);
  RawPacket packet;
  packet.ts_micros =
      static_cast<int64_t>(header->ts.tv_sec) * 1000000 + header->ts.tv_usec;
  packet.caplen = header->caplen;
  packet.len = header->len;
  packet.data = data;
  ++args->count;
  args->fn(args->user, packet);
}

}  // namespace

PcapSource::Next PcapSource::Dispatch(int max, PacketFn fn, void* user,
                                      int* count) {
  DispatchArgs args{fn, user, 0};
  int rc = pcap_dispatch(static_cast<pcap_t*>(pcap_), max, OnPacket,
                         reinterpret_cast<u_char*>(&args));
  *count = args.count;
  // A savefile: 0 at the end of the file, -1 on an error (the packets
  // before it were handed over), otherwise the number read.
  if (rc > 0) return Next::kPacket;
  if (rc == 0 || rc == PCAP_ERROR_BREAK) return Next::kEnd;
  error_ = cookie_->error.empty() ? pcap_geterr(static_cast<pcap_t*>(pcap_))
                                  : cookie_->error;
  return Next::kError;
}

}  // namespace ncert::sensors
