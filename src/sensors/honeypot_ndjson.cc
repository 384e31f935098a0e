#include "sensors/honeypot_ndjson.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>

namespace ncert::sensors {
namespace {

std::string_view Str(const simdjson::dom::object& o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return {};
  return v;
}

uint16_t Port(const simdjson::dom::object& o, std::string_view key) {
  int64_t v = 0;
  if (o[key].get_int64().get(v) != simdjson::SUCCESS || v < 0 || v > 65535) {
    return 0;
  }
  return static_cast<uint16_t>(v);
}

}  // namespace

telemetry::IpAddr ParseIp(std::string_view text) {
  telemetry::IpAddr a;
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return a;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  if (::inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    a.family = 4;
    return a;
  }
  if (::inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                            0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.bytes.data(), kMapped, 12) == 0) {
      std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
      std::memset(a.bytes.data() + 4, 0, 12);
      a.family = 4;
    } else {
      a.family = 6;
    }
    return a;
  }
  a.bytes.fill(0);
  return a;
}

HoneypotLineReader::HoneypotLineReader(std::string default_sensor)
    : default_sensor_(std::move(default_sensor)) {}

std::string_view HoneypotLineReader::Own(std::string s) {
  strings_.push_back(std::move(s));
  return strings_.back();
}

bool HoneypotLineReader::Parse(std::string_view line,
                               const telemetry::RawRef& where,
                               std::vector<telemetry::Event>* events,
                               std::string* rule, std::string* message) {
  events->clear();
  strings_.clear();
  buffer_.assign(line);
  buffer_.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element el;
  if (auto err = parser_.parse(buffer_.data(), line.size(), false).get(el)) {
    *rule = "json-invalid";
    *message = simdjson::error_message(err);
    return false;
  }
  simdjson::dom::object o;
  if (el.get_object().get(o) != simdjson::SUCCESS) {
    *rule = "not-an-object";
    *message = "a honeypot log line must be a JSON object";
    return false;
  }
  telemetry::Event base;
  base.raw = where;
  base.src_ip = ParseIp(Str(o, "src_ip"));
  base.dst_ip = ParseIp(Str(o, "dst_ip"));
  base.src_port = Port(o, "src_port");
  base.dst_port = Port(o, "dst_port");
  std::string_view ts = Str(o, "timestamp");
  if (auto t = ParseTimestamp(ts); t.ok()) {
    base.time = *t;
  } else if (!ts.empty() && ts.back() != 'Z') {
    // Dionaea writes Python's utcnow().isoformat(): UTC without the "Z".
    if (auto tz = ParseTimestamp(std::string(ts) + "Z"); tz.ok()) {
      base.time = *tz;
    }
  }

  std::string_view eventid = Str(o, "eventid");
  if (!eventid.empty()) {  // Cowrie
    telemetry::Event e = base;
    e.kind = eventid;
    e.source = "cowrie";
    e.sensor = Str(o, "sensor");
    if (e.sensor.empty()) e.sensor = default_sensor_;
    e.session = Str(o, "session");
    e.protocol = Str(o, "protocol");
    e.user = Str(o, "username");
    e.password = Str(o, "password");
    e.command_line = Str(o, "input");
    e.url = Str(o, "url");
    e.sha256 = Str(o, "shasum");
    e.file_name = Str(o, "outfile");
    if (e.file_name.empty()) e.file_name = Str(o, "filename");
    e.hassh = Str(o, "hassh");
    e.user_agent = Str(o, "version");  // cowrie.client.version
    events->push_back(e);
    return true;
  }

  simdjson::dom::object conn;
  if (o["connection"].get_object().get(conn) == simdjson::SUCCESS) {
    telemetry::Event e = base;
    e.source = "dionaea";
    e.sensor = default_sensor_;
    e.session = Own(fmt::format("dionaea:{}:{}", where.file, where.line));
    e.protocol = Str(conn, "protocol");
    e.kind = "dionaea.connection";
    events->push_back(e);
    // credentials: [{username, password}], or flattened
    // {username: [...], password: [...]}.
    simdjson::dom::element creds;
    if (o["credentials"].get(creds) == simdjson::SUCCESS) {
      auto add_login = [&](std::string_view u, std::string_view p) {
        telemetry::Event l = e;
        l.kind = "dionaea.login";
        l.user = u;
        l.password = p;
        events->push_back(l);
      };
      simdjson::dom::array arr;
      simdjson::dom::object flat;
      if (creds.get_array().get(arr) == simdjson::SUCCESS) {
        for (auto c : arr) {
          simdjson::dom::object co;
          if (c.get_object().get(co) != simdjson::SUCCESS) continue;
          add_login(Str(co, "username"), Str(co, "password"));
        }
      } else if (creds.get_object().get(flat) == simdjson::SUCCESS) {
        simdjson::dom::array users, passwords;
        if (flat["username"].get_array().get(users) == simdjson::SUCCESS &&
            flat["password"].get_array().get(passwords) == simdjson::SUCCESS) {
          size_t n = std::min(users.size(), passwords.size());
          for (size_t i = 0; i < n; ++i) {
            std::string_view u, p;
            if (users.at(i).get_string().get(u) != simdjson::SUCCESS ||
                passwords.at(i).get_string().get(p) != simdjson::SUCCESS) {
              continue;
            }
            add_login(u, p);
          }
        }
      }
    }
    simdjson::dom::array cmds;
    if (o["ftp"]["commands"].get_array().get(cmds) == simdjson::SUCCESS) {
      for (auto c : cmds) {
        simdjson::dom::object co;
        if (c.get_object().get(co) != simdjson::SUCCESS) continue;
        std::string_view args = Str(co, "arguments");
        simdjson::dom::array arg_list;  // unflattened records: a list
        if (co["arguments"].get_array().get(arg_list) == simdjson::SUCCESS) {
          std::string joined;
          for (auto a : arg_list) {
            std::string_view v;
            if (a.get_string().get(v) != simdjson::SUCCESS) continue;
            if (!joined.empty()) joined += ' ';
            joined += v;
          }
          args = Own(std::move(joined));
        }
        telemetry::Event x = e;
        x.kind = "dionaea.ftp.command";
        x.command_line =
            args.empty() ? Str(co, "command")
                         : Own(fmt::format("{} {}", Str(co, "command"), args));
        events->push_back(x);
      }
    }
    return true;
  }
  *rule = "unknown-record";
  *message =
      "neither a Cowrie event (no \"eventid\") nor a Dionaea log_json "
      "record (no \"connection\")";
  return false;
}

}  // namespace ncert::sensors
