#include "telemetry/text_format.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "core/hex.h"

namespace ncert::telemetry::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\x1d'; }

// Decodes an even-length hex string; false if it is not one.
bool HexDecode(std::string_view s, std::string* out) {
  if (s.empty() || s.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = HexDigitValue(s[i]), lo = HexDigitValue(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

// Calls f(key, value, quoted) for each key=value of an audit record body.
template <typename F>
void ForEachPair(std::string_view s, F&& f) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t ks = i;
    while (i < s.size() && s[i] != '=' && !IsSpace(s[i])) ++i;
    if (i >= s.size() || s[i] != '=') continue;
    std::string_view key = s.substr(ks, i - ks);
    ++i;
    // USER_* records nest their fields in msg='...': read them in place.
    if (key == "msg" && i < s.size() && s[i] == '\'') {
      ++i;
      continue;
    }
    bool quoted = i < s.size() && (s[i] == '"' || s[i] == '\'');
    std::string_view val;
    if (quoted) {
      char q = s[i++];
      size_t vs = i;
      while (i < s.size() && s[i] != q) ++i;
      val = s.substr(vs, i - vs);
      if (i < s.size()) ++i;
    } else {
      size_t vs = i;
      while (i < s.size() && !IsSpace(s[i])) ++i;
      val = s.substr(vs, i - vs);
      if (!val.empty() && val.back() == '\'') val.remove_suffix(1);
    }
    f(key, val, quoted);
  }
}

// An audit argument: quoted is literal, unquoted hex is decoded.
std::string_view AuditArg(std::string_view v, bool quoted, std::string* tmp) {
  if (quoted || v == "(null)") return v;
  if (HexDecode(v, tmp)) return *tmp;
  return v;
}

// SOCKADDR saddr: AF_INET (2) and AF_INET6 (10), little-endian family.
void ParseSaddr(std::string_view hex, Event* e) {
  std::string b;
  if (!HexDecode(hex, &b) || b.size() < 8) return;
  int family = static_cast<uint8_t>(b[0]) | static_cast<uint8_t>(b[1]) << 8;
  uint16_t port = static_cast<uint16_t>(static_cast<uint8_t>(b[2]) << 8 |
                                        static_cast<uint8_t>(b[3]));
  IpAddr ip;
  if (family == 2 && b.size() >= 8) {
    ip.family = 4;
    std::memcpy(ip.bytes.data(), b.data() + 4, 4);
  } else if (family == 10 && b.size() >= 24) {
    // Normalise through text so IPv4-mapped becomes IPv4.
    IpAddr v6;
    v6.family = 6;
    std::memcpy(v6.bytes.data(), b.data() + 8, 16);
    auto p = IpAddr::Parse(v6.ToString());
    if (!p) return;
    ip = *p;
  } else {
    return;  // AF_UNIX, netlink...: no address
  }
  e->dst_ip = ip;
  e->dst_port = port;
}

}  // namespace

bool ParseAuditHeader(std::string_view line, std::string_view* type,
                      std::string_view* stamp) {
  size_t t = line.find("type=");
  if (t == std::string_view::npos) return false;
  size_t te = line.find(' ', t);
  if (te == std::string_view::npos) return false;
  *type = line.substr(t + 5, te - t - 5);
  size_t m = line.find("msg=audit(", te);
  if (m == std::string_view::npos) return false;
  size_t ms = m + 10;
  size_t me = line.find(')', ms);
  if (me == std::string_view::npos) return false;
  *stamp = line.substr(ms, me - ms);
  return !type->empty() && stamp->find(':') != std::string_view::npos;
}

bool ParseAuditEvent(std::string_view records, Event* e, EventBatch* batch,
                     LineSink* sink) {
  e->source = "auditd";
  std::string tmp, cmd, proctitle;
  std::vector<std::pair<int, std::string>> args;  // EXECVE a<n>
  bool have_execve = false, have_exe = false;
  std::string_view first_type;
  Scratch sc;
  while (!records.empty()) {
    size_t nl = records.find('\n');
    std::string_view line = records.substr(0, nl);
    records = nl == std::string_view::npos ? std::string_view()
                                           : records.substr(nl + 1);
    std::string_view type, stamp;
    if (!ParseAuditHeader(line, &type, &stamp)) continue;
    if (first_type.empty() && type != "EOE") first_type = type;
    if (!e->time) {
      std::string_view secs = stamp.substr(0, stamp.find(':'));
      SetSlot(Slot::kTime, secs, true, 0, "msg=audit()", e, &sc, batch, sink,
              TimeStyle::kEpochSeconds);
    }
    std::string_view body = line.substr(
        line.find("): ") == std::string_view::npos ? line.size()
                                                   : line.find("): ") + 3);
    // "node=" precedes "type=" in multi-host logs.
    if (line.starts_with("node=")) {
      std::string_view node = line.substr(5, line.find(' ') - 5);
      if (e->host.empty()) e->host = node;
    }
    if (type == "EXECVE") have_execve = true;
    std::string_view user_interp;
    ForEachPair(body, [&](std::string_view k, std::string_view v, bool quoted) {
      if (type == "EXECVE") {
        if (k.size() >= 2 && k[0] == 'a' && k[1] >= '0' && k[1] <= '9') {
          // a0=..., a1[0]=... (long arguments in pieces); skip a1_len=.
          size_t br = k.find('[');
          std::string_view num =
              k.substr(1, br == std::string_view::npos ? k.size() - 1 : br - 1);
          if (num.find('_') != std::string_view::npos) return;
          int n = 0;
          auto [p, ec] =
              std::from_chars(num.data(), num.data() + num.size(), n);
          if (ec != std::errc() || p != num.data() + num.size() || n > 4096) {
            return;
          }
          std::string_view a = AuditArg(v, quoted, &tmp);
          if (!args.empty() && args.back().first == n) {
            args.back().second.append(a);
          } else {
            args.emplace_back(n, std::string(a));
          }
        }
        return;
      }
      if (k == "exe") {
        if (!have_exe) {  // the full path wins over comm
          std::string_view a = AuditArg(v, quoted, &tmp);
          e->process = a == v ? v : batch->Intern(tmp);
          have_exe = true;
        }
      } else if (k == "comm") {
        if (e->process.empty() && quoted) e->process = v;
      } else if (k == "proctitle") {
        std::string_view t = AuditArg(v, quoted, &tmp);
        proctitle.assign(t);
        for (char& c : proctitle) {
          if (c == '\0') c = ' ';
        }
      } else if (k == "acct") {
        if (e->user.empty()) {
          std::string_view a = AuditArg(v, quoted, &tmp);
          e->user = a == v ? v : batch->Intern(tmp);
        }
      } else if (k == "AUID" || k == "UID") {
        if (user_interp.empty()) user_interp = v;
      } else if (k == "addr" || k == "laddr") {
        if (v != "?" && !e->src_ip.present()) {
          SetSlot(Slot::kSrcIp, v, false, 0, "addr", e, &sc, batch, sink);
        }
      } else if (k == "hostname" && type != "SYSCALL") {
        if (v != "?" && e->domain.empty() && !IpAddr::Parse(v)) e->domain = v;
      } else if (k == "saddr" && type == "SOCKADDR") {
        ParseSaddr(v, e);
      } else if (k == "name" && type == "PATH") {
        if (e->file_name.empty()) {
          std::string_view a = AuditArg(v, quoted, &tmp);
          e->file_name = a == v ? v : batch->Intern(tmp);
        }
      } else if (k == "cmd") {
        if (e->command_line.empty()) {
          std::string_view a = AuditArg(v, quoted, &tmp);
          e->command_line = a == v ? v : batch->Intern(tmp);
        }
      } else if (k == "ses" && type == "SYSCALL") {
        if (e->session.empty() && v != "4294967295") e->session = v;
      }
    });
    if (e->user.empty() && !user_interp.empty()) e->user = user_interp;
  }
  if (first_type.empty()) {
    sink->Issue("auditd-format", "no audit record in this event");
    return false;
  }
  e->kind = have_execve ? std::string_view("EXECVE") : first_type;
  if (!args.empty()) {
    for (size_t i = 0; i < args.size(); ++i) {
      if (i > 0) cmd += ' ';
      cmd += args[i].second;
    }
    e->command_line = batch->Intern(cmd);
  } else if (!proctitle.empty()) {
    e->command_line = batch->Intern(proctitle);
  }
  return true;
}

// ---- CSV ----------------------------------------------------------------

CsvFormat::CsvFormat(const FieldMap& map)
    : map_(map), need_header_(map.header) {
  if (!map.header) {
    for (const auto& [field, col] : map.fields) {
      size_t n = 0;
      auto [p, ec] = std::from_chars(col.data(), col.data() + col.size(), n);
      if (ec == std::errc() && p == col.data() + col.size() && n > 0) {
        slots_.emplace_back(n - 1, SlotByName(field));
      }
    }
  }
}

bool CsvFormat::Incomplete(std::string_view record) {
  bool in_quotes = false;
  for (char c : record) {
    if (c == '"') in_quotes = !in_quotes;
  }
  return in_quotes;
}

bool CsvFormat::Parse(std::string_view record, Event* e, EventBatch* batch,
                      LineSink* sink, bool* header) {
  *header = false;
  cells_.clear();
  const char d = map_.delimiter;
  size_t i = 0;
  while (true) {
    if (i < record.size() && record[i] == '"') {
      // Quoted: "" is a quote; the field ends at the closing quote.
      ++i;
      size_t start = i;
      bool escaped = false;
      while (i < record.size()) {
        if (record[i] == '"') {
          if (i + 1 < record.size() && record[i + 1] == '"') {
            escaped = true;
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      if (i >= record.size()) {
        sink->Issue("csv-quote", "a quoted field is not closed");
        return false;
      }
      std::string_view cell = record.substr(start, i - start);
      ++i;  // closing quote
      if (escaped) {
        scratch_.clear();
        for (size_t k = 0; k < cell.size(); ++k) {
          scratch_ += cell[k];
          if (cell[k] == '"') ++k;
        }
        cell = batch->Intern(scratch_);
      }
      cells_.push_back(cell);
      if (i < record.size() && record[i] != d) {
        sink->Issue("csv-quote", "text after a closing quote");
        return false;
      }
    } else {
      size_t end = record.find(d, i);
      if (end == std::string_view::npos) end = record.size();
      cells_.push_back(record.substr(i, end - i));
      i = end;
    }
    if (i >= record.size()) break;
    ++i;  // delimiter
    if (i == record.size()) {
      cells_.push_back({});
      break;
    }
  }
  if (need_header_) {
    need_header_ = false;
    *header = true;
    columns_ = cells_.size();
    names_.assign(cells_.begin(), cells_.end());
    for (const auto& [field, col] : map_.fields) {
      for (size_t c = 0; c < cells_.size(); ++c) {
        if (cells_[c] == col) slots_.emplace_back(c, SlotByName(field));
      }
    }
    return false;
  }
  if (columns_ == 0) columns_ = cells_.size();
  if (cells_.size() != columns_) {
    sink->Issue("csv-columns", fmt::format("{} columns, expected {}",
                                           cells_.size(), columns_));
    return false;
  }
  TimeStyle ts = TimeStyle::kIso8601;
  if (map_.time_format == FieldMap::TimeFormat::kEpochSeconds) {
    ts = TimeStyle::kEpochSeconds;
  } else if (map_.time_format == FieldMap::TimeFormat::kEpochMillis) {
    ts = TimeStyle::kEpochMillis;
  }
  Scratch sc;
  for (const auto& [col, slot] : slots_) {
    if (col >= cells_.size()) continue;
    std::string_view name =
        col < names_.size() ? std::string_view(names_[col]) : "column";
    SetSlot(slot, cells_[col], false, 0, name, e, &sc, batch, sink, ts);
  }
  e->source = map_.source;
  if (e->kind.empty()) e->kind = map_.kind;
  return true;
}

}  // namespace ncert::telemetry::internal
