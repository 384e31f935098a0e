// A minimal adapter from honeypot JSON log lines to telemetry::Event, until
// the telemetry readers (branch telemetry) replace it: Cowrie's JSON output
// (one event per line, "eventid" names it) and Dionaea's log_json records
// (one per connection, with its credentials and FTP commands), which become
// one "dionaea.connection" event plus one "dionaea.login" per credential
// and one "dionaea.ftp.command" per command, all in one synthetic session.
//
// Thread safety: a reader is used by one thread; the events it returns are
// valid until its next Parse.
#ifndef NCERT_SENSORS_HONEYPOT_NDJSON_H_
#define NCERT_SENSORS_HONEYPOT_NDJSON_H_

#include <simdjson.h>

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/event.h"

namespace ncert::sensors {

class HoneypotLineReader {
 public:
  // `default_sensor` names events whose record has no "sensor" (Dionaea).
  explicit HoneypotLineReader(std::string default_sensor);

  // Parses one line. Returns false, with `*rule` ("json-invalid",
  // "not-an-object", "unknown-record") and `*message`, when the line is not
  // a Cowrie or Dionaea record; a record with bad or missing fields still
  // gives events (without those fields) for the analysis to count.
  bool Parse(std::string_view line, const telemetry::RawRef& where,
             std::vector<telemetry::Event>* events, std::string* rule,
             std::string* message);

 private:
  std::string_view Own(std::string s);

  std::string default_sensor_;
  simdjson::dom::parser parser_;
  std::string buffer_;               // the line, padded for simdjson
  std::deque<std::string> strings_;  // strings made for this line
};

// Parses an IPv4 or IPv6 address (inet_pton); IPv4-mapped IPv6 becomes the
// IPv4 address. Absent (family 0) when `text` is not an address.
telemetry::IpAddr ParseIp(std::string_view text);

}  // namespace ncert::sensors

#endif  // NCERT_SENSORS_HONEYPOT_NDJSON_H_
