// The one normalised telemetry event every reader produces (Cowrie, Dionaea,
// Suricata EVE, Zeek, ECS/Winlogbeat/Sysmon, auditd, CSV/NDJSON) and the
// matching engine and the sensors consume.
//
// Events travel in batches. Strings are views into the batch's arena, so a
// batch of events costs a few large allocations, not one per field; a view
// is valid until the batch is cleared or destroyed.
//
// Thread safety: values. A batch may be read from many threads at once once
// it is filled; filling it is single-threaded.
#ifndef NCERT_TELEMETRY_EVENT_H_
#define NCERT_TELEMETRY_EVENT_H_

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace ncert::telemetry {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 ("::ffff:1.2.3.4") is stored as
// the IPv4 address, so one indicator matches both spellings.
struct IpAddr {
  uint8_t family = 0;               // 0: absent, 4 or 6
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes

  bool present() const { return family != 0; }
  // Strict: "999.1.1.1", "1.2.3", leading zeros ("01.2.3.4") and zone ids
  // are rejected.
  static std::optional<IpAddr> Parse(std::string_view text);
  std::string ToString() const;  // RFC 5952 for IPv6
  friend bool operator==(const IpAddr&, const IpAddr&) = default;
};

// Where an event came from, precise enough to show the analyst the line.
struct RawRef {
  uint32_t file = 0;    // index into the reader's list of files
  uint64_t line = 0;    // 1-based line (or record) number
  uint64_t offset = 0;  // byte offset of the record in the (decompressed) file
};

struct Event {
  std::optional<Timestamp> time;
  std::string_view kind;    // source's event type: "cowrie.login.failed",
                            // "alert", "dns", "sysmon.1", "EXECVE"
  std::string_view source;  // reader format: "cowrie", "eve", "zeek.dns"...
  IpAddr src_ip, dst_ip;
  uint16_t src_port = 0, dst_port = 0;
  std::string_view protocol;  // lower case: "tcp", "udp", "icmp", "http"
  std::string_view domain;    // a queried or requested host name
  std::string_view url;       // as seen; match/ normalises
  std::string_view email;
  std::string_view user_agent;
  std::string_view ja3, ja3s, hassh;   // TLS / SSH fingerprints (lower hex)
  std::string_view md5, sha1, sha256;  // of a file seen (any case)
  std::string_view file_name;
  std::string_view process;       // image path or name
  std::string_view command_line;  // also: a honeypot input line
  std::string_view user;
  std::string_view password;  // honeypot login attempts only
  std::string_view host;      // the reporting host (endpoint, Zeek node)
  std::string_view sensor;    // the sensor or honeypot name
  std::string_view session;   // honeypot session / Zeek uid / flow id
  RawRef raw;
};

// A batch of events and the arena that owns their strings.
class EventBatch {
 public:
  std::vector<Event> events;

  // Copies `s` into the arena and returns a view of the copy.
  std::string_view Intern(std::string_view s);
  // Like Intern, and `padding` zero bytes follow the copy in the arena (for
  // parsers such as simdjson that read past the end). Added by the readers:
  // a batch owns the copy of the input block its events point into.
  std::string_view InternPadded(std::string_view s, size_t padding);
  // The concatenation a + b + c copied into the arena, without building it
  // in a temporary string first (composed URLs, "sysmon.N" kinds).
  std::string_view InternConcat(std::string_view a, std::string_view b,
                                std::string_view c = {});
  void Clear();
  size_t arena_bytes() const { return arena_bytes_; }

 private:
  // A block with `need` bytes free (the current one, a later kept one, or a
  // new one).
  std::string& BlockWithRoom(size_t need);

  std::deque<std::string> blocks_;  // each reserved once, never reallocated
  size_t current_ = 0;              // the block being filled
  size_t arena_bytes_ = 0;          // capacity of all blocks
};

}  // namespace ncert::telemetry

#endif  // NCERT_TELEMETRY_EVENT_H_
