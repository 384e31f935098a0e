// Reads pcap and pcapng captures with libpcap, streaming, from any
// SequentialFile (so files come through the Env seam and stdin works the
// same way): libpcap reads through a stdio stream made with fopencookie()
// over the SequentialFile, which also counts the bytes read for progress.
// Memory is libpcap's buffer for one packet plus a 1 MiB stdio buffer,
// whatever the file size.
//
// libpcap's limits apply and are reported, not hidden: a pcapng file whose
// interfaces have different link types stops at the first packet of the
// second link type with libpcap's message ("an interface has a type ...").
//
// Thread safety: one thread at a time (it may be handed to another thread
// between calls, as the darknet reader thread does).
#ifndef NCERT_SENSORS_PCAP_SOURCE_H_
#define NCERT_SENSORS_PCAP_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/env.h"
#include "core/status.h"

namespace ncert::sensors {

struct PcapSourceCookie;  // pcap_source.cc

struct RawPacket {
  int64_t ts_micros = 0;  // capture time (nanosecond files are truncated)
  uint32_t caplen = 0;    // bytes in `data`
  uint32_t len = 0;       // bytes on the wire
  const uint8_t* data = nullptr;
};

class PcapSource {
 public:
  // Opens the capture and reads its header. A file libpcap cannot read
  // (not a capture, bad header) is InvalidArgument with libpcap's message.
  static Result<std::unique_ptr<PcapSource>> Open(
      std::string name, std::unique_ptr<SequentialFile> file);
  ~PcapSource();
  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;

  enum class Next { kPacket, kEnd, kError };
  // kError: the file cannot be read further (truncated record, a second
  // link type in pcapng, a read error); error() says why.
  Next Read(RawPacket* packet);

  // Reads up to `max` packets (> 0) and hands each to `fn(user, packet)`,
  // the way tcpdump reads (pcap_dispatch: no per-packet call back into
  // libpcap). `packet.data` is valid only during the call. `*count` gets
  // the number of packets handed over; the result is kEnd at the end of
  // the file (possibly with *count > 0), kError as for Read().
  using PacketFn = void (*)(void* user, const RawPacket& packet);
  Next Dispatch(int max, PacketFn fn, void* user, int* count);

  int link_type() const { return link_type_; }  // DLT_* of the first interface
  const std::string& name() const { return name_; }
  const std::string& error() const { return error_; }
  uint64_t bytes_read() const;

 private:
  PcapSource() = default;
  std::string name_;
  std::unique_ptr<PcapSourceCookie> cookie_;
  void* pcap_ = nullptr;  // pcap_t*
  int link_type_ = 0;
  std::string error_;
};

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_PCAP_SOURCE_H_
