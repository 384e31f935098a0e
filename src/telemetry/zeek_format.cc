#include "telemetry/zeek_format.h"

#include <fmt/format.h>

#include "core/hex.h"

namespace ncert::telemetry::internal {
namespace {

constexpr ZeekField kFields[] = {
    {"ts", Slot::kTime, false},
    {"_path", Slot::kZeekPath, false},
    {"uid", Slot::kSession, false},
    {"fuid", Slot::kSession, false},
    {"id.orig_h", Slot::kSrcIp, false},
    {"id.orig_p", Slot::kSrcPort, false},
    {"id.resp_h", Slot::kDstIp, false},
    {"id.resp_p", Slot::kDstPort, false},
    {"tx_hosts", Slot::kSrcIp, true},
    {"rx_hosts", Slot::kDstIp, true},
    {"proto", Slot::kProtocol, false},
    {"query", Slot::kDomain, false},
    {"host", Slot::kUrlHost, false},
    {"uri", Slot::kUrlPath, false},
    {"user_agent", Slot::kUserAgent, false},
    {"server_name", Slot::kDomain, false},
    {"ja3", Slot::kJa3, false},
    {"ja3s", Slot::kJa3s, false},
    {"hassh", Slot::kHassh, false},
    {"client", Slot::kUserAgent, false},
    {"md5", Slot::kMd5, false},
    {"sha1", Slot::kSha1, false},
    {"sha256", Slot::kSha256, false},
    {"filename", Slot::kFileName, false},
    {"mailfrom", Slot::kEmail, false},
    {"_node_name", Slot::kSensor, false},
};

constexpr std::pair<std::string_view, std::string_view> kKnownLogs[] = {
    {"conn", "zeek.conn"},   {"dns", "zeek.dns"},     {"http", "zeek.http"},
    {"ssl", "zeek.ssl"},     {"files", "zeek.files"}, {"smtp", "zeek.smtp"},
    {"ssh", "zeek.ssh"},     {"x509", "zeek.x509"},   {"notice", "zeek.notice"},
    {"weird", "zeek.weird"}, {"ftp", "zeek.ftp"},     {"dhcp", "zeek.dhcp"}};

// Decodes Zeek's only escape, \xNN, into `out`; false on any other '\'.
bool DecodeEscapes(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out->push_back(s[i]);
      continue;
    }
    if (i + 3 >= s.size() || s[i + 1] != 'x') return false;
    int hi = HexDigitValue(s[i + 2]), lo = HexDigitValue(s[i + 3]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
    i += 3;
  }
  return true;
}

bool IsContainerType(std::string_view t) {
  return t.starts_with("set[") || t.starts_with("vector[") ||
         t.starts_with("table[");
}

std::string Shorten(std::string_view v) {
  if (v.size() <= 60) return std::string(v);
  return std::string(v.substr(0, 57)) + "...";
}

}  // namespace

std::span<const ZeekField> ZeekFields() { return kFields; }

std::string ZeekLogFromFileName(std::string_view file_name) {
  size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  return std::string(file_name.substr(0, file_name.find('.')));
}

bool FinishZeekEvent(std::string_view log, bool intern_log, const Scratch& sc,
                     Event* e, EventBatch* batch, LineSink* sink,
                     bool* unknown_kind) {
  if (log.empty()) {
    sink->Issue("missing-field", "_path: which Zeek log is this?");
    return false;
  }
  e->kind = {};
  for (const auto& [k, src] : kKnownLogs) {
    if (k == log) {
      e->kind = k;
      e->source = src;
    }
  }
  if (e->kind.empty()) {
    e->kind = intern_log ? batch->Intern(log) : log;
    e->source = batch->InternConcat("zeek.", log, {});
    *unknown_kind = true;
  }
  if (!sc.url_path.empty() || !sc.url_host.empty()) {
    e->url = ComposeUrl(batch, sc.url_host, sc.url_path);
    if (e->domain.empty()) e->domain = sc.url_host;
  }
  return true;
}

// ---- TSV ----------------------------------------------------------------

ZeekTsvFormat::ZeekTsvFormat(std::string_view file_name)
    : file_log_(ZeekLogFromFileName(file_name)) {}

bool ZeekTsvFormat::LooksLikeTsv(std::string_view head) {
  size_t s = head.find_first_not_of(" \t\r\n");
  return s != std::string_view::npos && head[s] != '{';
}

void ZeekTsvFormat::StartBlock() {
  separator_ = "\t";
  set_separator_ = ",";
  empty_field_ = "(empty)";
  unset_field_ = "-";
  path_.clear();
  have_fields_ = false;
  columns_ = 0;
  names_.clear();
  mapped_.clear();
}

void ZeekTsvFormat::Split(std::string_view s) {
  cells_.clear();
  size_t start = 0;
  while (true) {
    size_t at = s.find(separator_, start);  // one byte: a char search
    if (at == std::string_view::npos) {
      cells_.push_back(s.substr(start));
      return;
    }
    cells_.push_back(s.substr(start, at - start));
    start = at + separator_.size();
  }
}

bool ZeekTsvFormat::Unescape(std::string_view s, EventBatch* batch,
                             std::string_view* out) {
  if (s.find('\\') == std::string_view::npos) {
    *out = s;
    return true;
  }
  if (!DecodeEscapes(s, &tmp_)) return false;
  *out = batch->Intern(tmp_);
  return true;
}

void ZeekTsvFormat::Directive(std::string_view line, LineSink* sink) {
  // "#separator \x09": the only directive whose value follows a space (it
  // says what the separator is); it starts a new header block.
  if (line.starts_with("#separator ")) {
    StartBlock();
    std::string_view v = line.substr(11);
    if (!DecodeEscapes(v, &tmp_) || tmp_.empty()) {
      sink->Issue("zeek-header",
                  fmt::format("#separator: '{}' is not a separator (\\x09); "
                              "a tab is assumed",
                              Shorten(v)));
      return;
    }
    separator_ = tmp_;
    return;
  }
  size_t at = line.find(separator_);
  std::string_view name = line.substr(
      1, at == std::string_view::npos ? std::string_view::npos : at - 1);
  std::string_view value = at == std::string_view::npos
                               ? std::string_view()
                               : line.substr(at + separator_.size());
  auto decoded = [&](std::string* dst) {
    if (!DecodeEscapes(value, &tmp_)) {
      sink->Issue("zeek-header", fmt::format("#{}: a bad escape in '{}'", name,
                                             Shorten(value)));
      return;
    }
    *dst = tmp_;
  };
  if (name == "set_separator") {
    std::string v = set_separator_;
    decoded(&v);
    if (v.empty()) {
      sink->Issue("zeek-header", "#set_separator is empty; ',' is kept");
    } else {
      set_separator_ = v;
    }
  } else if (name == "empty_field") {
    decoded(&empty_field_);
  } else if (name == "unset_field") {
    decoded(&unset_field_);
  } else if (name == "path") {
    decoded(&path_);
  } else if (name == "fields") {
    have_fields_ = false;
    names_.clear();
    mapped_.clear();
    if (value.empty()) {
      sink->Issue("zeek-header", "#fields names no column");
      return;
    }
    Split(value);
    for (size_t i = 0; i < cells_.size(); ++i) {
      names_.emplace_back(cells_[i]);
      for (const ZeekField& f : kFields) {
        if (f.name == cells_[i]) {
          mapped_.push_back({i, &f, f.array_ok});
          break;
        }
      }
    }
    columns_ = names_.size();
    have_fields_ = true;
  } else if (name == "types") {
    Split(value);
    if (!have_fields_ || cells_.size() != columns_) {
      sink->Issue("zeek-header",
                  have_fields_
                      ? fmt::format("#types has {} columns, #fields {}; the "
                                    "types are ignored",
                                    cells_.size(), columns_)
                      : std::string("#types before #fields; ignored"));
      return;
    }
    for (Column& c : mapped_) c.container = IsContainerType(cells_[c.index]);
  } else if (name == "close") {
    // The block ends: data lines after it need a new header.
    have_fields_ = false;
  }
  // #open, and meta lines Zeek may add later, carry nothing ncert reads.
}

void ZeekTsvFormat::SetColumn(const Column& c, std::string_view cell, Event* e,
                              EventBatch* batch, LineSink* sink) {
  if (cell == unset_field_ || cell == empty_field_) return;  // absent
  std::string_view name = c.field->name;
  std::string_view v;
  if (c.container) {
    if (!c.field->array_ok) {
      sink->Issue(
          "field-type",
          fmt::format("{}: expected a string or number, got a set", name));
      sink->DroppedField();
      return;
    }
    // The first non-empty element, as the JSON form gives.
    std::string_view rest = cell;
    while (true) {
      size_t at = rest.find(set_separator_);
      std::string_view el = rest.substr(0, at);
      if (!el.empty() && el != empty_field_) {
        v = el;
        break;
      }
      if (at == std::string_view::npos) return;
      rest.remove_prefix(at + set_separator_.size());
    }
  } else {
    v = cell;
  }
  std::string_view u;
  if (!Unescape(v, batch, &u)) {
    sink->Issue("zeek-escape",
                fmt::format("{}: '{}' has an escape other than \\xNN", name,
                            Shorten(v)));
    sink->DroppedField();
    return;
  }
  SetSlot(c.field->slot, u, /*numeric=*/false, 0, name, e, &scratch_, batch,
          sink, TimeStyle::kAuto);
}

bool ZeekTsvFormat::Parse(std::string_view line, Event* e, EventBatch* batch,
                          LineSink* sink, bool* header, bool* unknown_kind) {
  *header = false;
  *unknown_kind = false;
  if (!line.empty() && line[0] == '#') {
    *header = true;
    Directive(line, sink);
    return false;
  }
  if (!have_fields_) {
    sink->Issue("zeek-header",
                "a data line before #fields (the header is missing or cut)");
    return false;
  }
  Split(line);
  if (cells_.size() != columns_) {
    sink->Issue("zeek-columns", fmt::format("{} columns, expected {}",
                                            cells_.size(), columns_));
    return false;
  }
  scratch_.Reset();
  for (const Column& c : mapped_) SetColumn(c, cells_[c.index], e, batch, sink);
  if (!scratch_.zeek_path.empty()) {
    return FinishZeekEvent(scratch_.zeek_path, false, scratch_, e, batch, sink,
                           unknown_kind);
  }
  return FinishZeekEvent(path_.empty() ? file_log_ : path_, true, scratch_, e,
                         batch, sink, unknown_kind);
}

}  // namespace ncert::telemetry::internal
