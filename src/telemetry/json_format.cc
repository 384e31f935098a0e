#include "telemetry/json_format.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "telemetry/zeek_format.h"

namespace ncert::telemetry::internal {
namespace {

namespace od = simdjson::ondemand;

constexpr int kMaxDepth = 32;
constexpr size_t kMaxPath = 256;

struct Entry {
  Slot slot = Slot::kNone;
  int8_t prio = 0;        // time: lower wins
  bool array_ok = false;  // an array here gives its first scalar
};

// Source paths to slots as a tree of small per-level tables: a member's key
// is compared as raw bytes against its level only (most keys of a record
// are not mapped and cost a few length checks), and unmapped subtrees are
// skipped by simdjson without being looked at.
// Short keys: a byte loop beats a call to memcmp.
inline bool Same(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Reads 8 bytes at `p` (any alignment).
inline uint64_t Word(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The first '"' or '\\' at or after `p`, a word at a time. Inside a JSON
// string of a line parsed in place this is the string's end or its first
// escape; the line's simdjson padding makes reading up to a word past the
// closing quote safe.
inline const char* FindQuoteOrEscape(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  for (;; p += 8) {
    uint64_t w = Word(p);
    uint64_t q = w ^ (kOnes * '"');
    uint64_t b = w ^ (kOnes * '\\');
    // A byte's high bit is set where it was zero (the lowest one exactly).
    uint64_t z = (((q - kOnes) & ~q) | ((b - kOnes) & ~b)) & kHigh;
    if (z != 0) return p + (std::countr_zero(z) >> 3);
  }
}

// A small set of names (known event kinds), checked the same way.
class NameSet {
 public:
  void Insert(std::string_view s) { names_.emplace_back(s); }
  bool Contains(std::string_view s) const {
    for (const std::string& n : names_) {
      if (n.size() == s.size() && Same(n.data(), s.data(), s.size())) {
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::string> names_;
};

struct Node {
  struct Child {
    std::string key;
    // key + '"', then zero bytes to a whole number of words: compared with
    // the raw key in place (SameRaw).
    std::string quoted;
    size_t quoted_len = 0;
    Entry entry;
    std::unique_ptr<Node> sub;  // members below, if any are mapped
  };
  std::vector<Child> children;

  // The child whose key is the raw (still escaped) JSON key at `raw`, which
  // ends with its closing quote: candidates are found by the key's first
  // byte and compared with the quote included, so neither the key's length
  // nor its end is looked for first. A key with escapes never compares
  // equal here (the table keys hold no '\\' or '"'; `plain_` says so);
  // nullptr then, and the caller unescapes and calls Find.
  const Child* FindRaw(const char* raw) const {
    auto f = static_cast<unsigned char>(raw[0]);
    for (uint16_t i = first_[f]; i < first_[f + 1]; ++i) {
      const Child& c = children[order_[i]];
      if (SameRaw(c.quoted.data(), c.quoted_len, raw)) return &c;
    }
    return nullptr;
  }
  bool plain() const { return plain_; }

  // The `n` bytes at `key` (padded to whole words) equal those at `raw`,
  // compared a word at a time. Words are read from `raw` only while all
  // before matched: `raw` holds a quote-terminated JSON key, so reading
  // stops within a word of its closing quote (in the line's padding).
  static bool SameRaw(const char* key, size_t n, const char* raw) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      if (Word(key + i) != Word(raw + i)) return false;
    }
    if (i == n) return true;
    uint64_t mask = ~uint64_t{0} >> (8 * (8 - (n - i)));
    return ((Word(key + i) ^ Word(raw + i)) & mask) == 0;
  }

  const Child* Find(std::string_view key) const {
    if (key.empty()) return nullptr;
    for (const Child& c : children) {
      if (c.key.size() == key.size() &&
          Same(c.key.data(), key.data(), key.size())) {
        return &c;
      }
    }
    return nullptr;
  }
  Child& Get(std::string_view key) {
    for (Child& c : children) {
      if (c.key == key) return c;
    }
    std::string quoted = std::string(key) + '"';
    size_t quoted_len = quoted.size();
    quoted.resize((quoted_len + 7) / 8 * 8, '\0');
    children.push_back(
        {std::string(key), std::move(quoted), quoted_len, {}, nullptr});
    Reindex();
    return children.back();
  }

 private:
  // Children (but the empty key, which never matches) by first byte.
  void Reindex() {
    order_.clear();
    plain_ = true;
    for (size_t i = 0; i < children.size(); ++i) {
      const std::string& k = children[i].key;
      if (k.find_first_of("\\\"") != std::string::npos) plain_ = false;
      if (!k.empty()) order_.push_back(static_cast<uint16_t>(i));
    }
    std::stable_sort(order_.begin(), order_.end(), [&](uint16_t a, uint16_t b) {
      return static_cast<unsigned char>(children[a].key[0]) <
             static_cast<unsigned char>(children[b].key[0]);
    });
    size_t j = 0;
    for (int f = 0; f <= 256; ++f) {
      while (j < order_.size() &&
             static_cast<unsigned char>(children[order_[j]].key[0]) < f) {
        ++j;
      }
      first_[f] = static_cast<uint16_t>(j);
    }
  }
  std::vector<uint16_t> order_;        // child indices by first byte
  std::array<uint16_t, 257> first_{};  // byte -> first index in order_
  bool plain_ = true;
};

class PathTable {
 public:
  // "a.b.c" matches both the nested a{b{c}} and the literal dotted keys ECS
  // and Zeek write ("id.orig_h", "source.ip"): every split is added.
  void Add(std::string_view path, Slot s, int prio = 0, bool array_ok = false) {
    AddAt(&root_, path, Entry{s, static_cast<int8_t>(prio), array_ok});
  }
  const Node& root() const { return root_; }

 private:
  static void AddAt(Node* n, std::string_view path, Entry e) {
    n->Get(path).entry = e;
    for (size_t i = path.find('.'); i != std::string_view::npos;
         i = path.find('.', i + 1)) {
      Node::Child& c = n->Get(path.substr(0, i));
      if (!c.sub) c.sub = std::make_unique<Node>();
      AddAt(c.sub.get(), path.substr(i + 1), e);
    }
  }
  Node root_;
};

// One walk over a document.
class Walker {
 public:
  Walker(Event* e, Scratch* sc, EventBatch* b, LineSink* sink, TimeStyle ts)
      : e_(e), sc_(sc), batch_(b), sink_(sink), ts_(ts) {}

  simdjson::error_code Object(const Node& node, od::object obj, int depth) {
    for (auto member : obj) {
      od::field field;
      SIMDJSON_TRY(std::move(member).get(field));
      // The raw key compared in place; unescaped only when it has a
      // backslash and no table key matched it as it is.
      const char* raw = field.key().raw();
      const Node::Child* c = node.plain() ? node.FindRaw(raw) : nullptr;
      if (c == nullptr) {
        const char* q = FindQuoteOrEscape(raw);
        if (*q == '"' && node.plain()) continue;  // simdjson skips the value
        std::string_view key(raw, static_cast<size_t>(q - raw));
        if (*q == '\\') SIMDJSON_TRY(field.unescaped_key().get(key));
        c = node.Find(key);
        if (c == nullptr) continue;
      }
      path_[depth] = c->key;
      SIMDJSON_TRY(Value(field.value(), *c, depth));
    }
    return simdjson::SUCCESS;
  }

 private:
  simdjson::error_code Value(od::value v, const Node::Child& c, int depth) {
    const Entry& en = c.entry;
    od::json_type type;
    SIMDJSON_TRY(v.type().get(type));
    if (type == od::json_type::object) {
      if (c.sub && depth + 1 < kMaxDepth) {
        od::object o;
        SIMDJSON_TRY(v.get_object().get(o));
        return Object(*c.sub, o, depth + 1);
      }
      if (en.slot != Slot::kNone) TypeIssue(depth, "an object");
      return simdjson::SUCCESS;
    }
    if (type == od::json_type::array) {
      od::array a;
      SIMDJSON_TRY(v.get_array().get(a));
      if (c.sub && depth + 1 < kMaxDepth) {
        // An array of objects: each element's members keep this path.
        for (auto el : a) {
          od::value ev;
          SIMDJSON_TRY(el.get(ev));
          od::json_type et;
          SIMDJSON_TRY(ev.type().get(et));
          if (et == od::json_type::object) {
            od::object o;
            SIMDJSON_TRY(ev.get_object().get(o));
            SIMDJSON_TRY(Object(*c.sub, o, depth + 1));
          }
        }
        return simdjson::SUCCESS;
      }
      if (en.slot == Slot::kNone) return simdjson::SUCCESS;
      if (!en.array_ok) {
        TypeIssue(depth, "an array");
        return simdjson::SUCCESS;
      }
      for (auto el : a) {
        od::value ev;
        SIMDJSON_TRY(el.get(ev));
        od::json_type et;
        SIMDJSON_TRY(ev.type().get(et));
        if (et == od::json_type::number ||
            (et == od::json_type::string &&
             !ev.raw_json_token().starts_with("\"\""))) {
          return Scalar(ev, et, en, depth);  // the first non-empty scalar
        }
      }
      return simdjson::SUCCESS;
    }
    if (en.slot == Slot::kNone) return simdjson::SUCCESS;
    return Scalar(v, type, en, depth);
  }

  simdjson::error_code Scalar(od::value v, od::json_type type, const Entry& en,
                              int depth) {
    if (type == od::json_type::null) return simdjson::SUCCESS;
    if (type == od::json_type::boolean) {
      TypeIssue(depth, "a boolean");
      return simdjson::SUCCESS;
    }
    std::string_view raw = v.raw_json_token();
    if (type == od::json_type::number) {
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' ||
                              raw.back() == '\r' || raw.back() == '\n')) {
        raw.remove_suffix(1);
      }
      SetSlot(en.slot, raw, /*numeric=*/true, en.prio, Path(depth), e_, sc_,
              batch_, sink_, ts_);
      return simdjson::SUCCESS;
    }
    // A string: point into the line (the batch's copy) when it has no
    // escapes, else intern the unescaped copy.
    std::string_view s;
    const char* end = FindQuoteOrEscape(raw.data() + 1);
    if (*end == '"') {
      s = std::string_view(raw.data() + 1,
                           static_cast<size_t>(end - raw.data() - 1));
    } else {
      std::string_view u;
      SIMDJSON_TRY(v.get_string().get(u));
      s = batch_->Intern(u);
    }
    SetSlot(en.slot, s, /*numeric=*/false, en.prio, Path(depth), e_, sc_,
            batch_, sink_, ts_);
    return simdjson::SUCCESS;
  }

  // The dotted name of the current member, for messages.
  std::string_view Path(int depth) {
    if (depth == 0) return path_[0];
    size_t n = 0;
    for (int i = 0; i <= depth; ++i) {
      std::string_view k = path_[i];
      if (n + k.size() + 1 >= sizeof(buf_)) break;
      if (i > 0) buf_[n++] = '.';
      std::memcpy(buf_ + n, k.data(), k.size());
      n += k.size();
    }
    return std::string_view(buf_, n);
  }

  void TypeIssue(int depth, std::string_view got) {
    sink_->Issue("field-type",
                 fmt::format("{}: expected a string or number, got {}",
                             Path(depth), got));
    sink_->DroppedField();
  }

  Event* e_;
  Scratch* sc_;
  EventBatch* batch_;
  LineSink* sink_;
  TimeStyle ts_;
  std::string_view path_[kMaxDepth];
  char buf_[kMaxPath];
};

std::string_view Concat(EventBatch* b, std::string_view a, std::string_view c,
                        std::string_view d = {}) {
  return b->InternConcat(a, c, d);
}

// Holds a walk's issues until it is known whether the walk stands (see
// TableFormat::FromRun).
class HeldSink final : public LineSink {
 public:
  void Begin() {
    issues_.clear();
    dropped_ = 0;
  }
  void Issue(std::string_view rule, std::string message) override {
    issues_.emplace_back(std::string(rule), std::move(message));
  }
  void DroppedField() override { ++dropped_; }
  void ForwardTo(LineSink* to) {
    for (auto& [rule, message] : issues_) to->Issue(rule, std::move(message));
    for (int i = 0; i < dropped_; ++i) to->DroppedField();
  }

 private:
  std::vector<std::pair<std::string, std::string>> issues_;
  int dropped_ = 0;
};

class TableFormat : public JsonFormat {
 public:
  bool Parse(std::string_view line, Event* e, EventBatch* batch, LineSink* sink,
             bool* unknown_kind) override {
    od::document doc;
    auto err = parser_
                   .iterate(line.data(), line.size(),
                            line.size() + simdjson::SIMDJSON_PADDING)
                   .get(doc);
    od::object obj;
    if (!err) err = doc.get_object().get(obj);
    scratch_.Reset();
    if (!err) {
      Walker w(e, &scratch_, batch, sink, time_style_);
      err = w.Object(table_.root(), obj, 0);
    }
    const char* rest = nullptr;
    if (!err && !doc.current_location().get(rest)) {
      err = simdjson::TRAILING_CONTENT;  // e.g. two objects on one line
    }
    if (err) {
      sink->Issue(
          err == simdjson::INCORRECT_TYPE ? "not-an-object" : "json-invalid",
          simdjson::error_message(err));
      return false;
    }
    return Finish(e, batch, sink, unknown_kind);
  }

  void StartRun(std::string_view run) override {
    in_run_ = false;
    if (run.size() < kMinRun) return;  // a few lines: as fast one by one
    many_.threaded = false;  // no stage-1 thread: the caller has threads
    // A capacity that only grows: simdjson reallocates when it changes.
    capacity_ =
        std::max(capacity_, std::bit_ceil(std::max(run.size(), kMinCapacity)));
    if (many_.iterate_many(run.data(), run.size(), capacity_).get(stream_)) {
      return;
    }
    run_ = run;
    it_ = stream_.begin();
    in_run_ = true;
  }

  bool ParseInRun(std::string_view line, Event* e, EventBatch* batch,
                  LineSink* sink, bool* unknown_kind) override {
    if (in_run_) {
      if (std::optional<bool> ok =
              FromRun(line, e, batch, sink, unknown_kind)) {
        return *ok;
      }
      in_run_ = false;  // the rest of the run line by line
    }
    return Parse(line, e, batch, sink, unknown_kind);
  }

 protected:
  virtual bool Finish(Event* e, EventBatch* batch, LineSink* sink,
                      bool* unknown_kind) = 0;

  PathTable table_;
  Scratch scratch_;
  TimeStyle time_style_ = TimeStyle::kAuto;

 private:
  static constexpr size_t kMinRun = 4096;
  static constexpr size_t kMinCapacity = 512 * 1024;

  // The line's event from the run's stage-1 pass, or nullopt (and `e` left
  // empty) when that pass cannot vouch for it. It can when the document the
  // stream is at is exactly the line: it starts at the line's first byte, a
  // '{' (which stage 1 found structural, so outside any string; and after a
  // newline no escape is pending, so stage 1 classified the line's bytes as
  // it would have the line alone), and the next document starts at the next
  // line (so this one ended within the line and nothing else began in it).
  // The walk is then the walk of the line alone. Anything else (two objects
  // on a line, a string left open by an earlier line, an error in the walk)
  // is parsed alone by Parse, and the walk's issues are dropped so that none
  // is reported twice.
  std::optional<bool> FromRun(std::string_view line, Event* e,
                              EventBatch* batch, LineSink* sink,
                              bool* unknown_kind) {
    if (!(it_ != stream_.end()) || it_.error()) return std::nullopt;
    std::string_view t = line;
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) {
      t.remove_suffix(1);
    }
    const size_t start = static_cast<size_t>(line.data() - run_.data());
    if (t.empty() || t.front() != '{' || t.back() != '}' ||
        it_.current_index() != start) {
      return std::nullopt;
    }
    // Where the next line's document must start (the run's end: none).
    size_t next = start + t.size();
    while (next < run_.size() && (run_[next] == ' ' || run_[next] == '\t' ||
                                  run_[next] == '\r' || run_[next] == '\n')) {
      ++next;
    }
    const bool last = next == run_.size();
    // The last line has no next document to bound it: measure it.
    if (last && it_.source().size() != t.size()) return std::nullopt;
    od::document_reference doc;
    od::object obj;
    if ((*it_).get(doc) || doc.get_object().get(obj)) return std::nullopt;
    scratch_.Reset();
    held_.Begin();
    Walker w(e, &scratch_, batch, &held_, time_style_);
    bool stands = !w.Object(table_.root(), obj, 0);
    if (stands) {
      ++it_;
      stands = last ? !(it_ != stream_.end())
                    : it_ != stream_.end() && !it_.error() &&
                          it_.current_index() == next;
    }
    if (!stands) {
      *e = Event();
      return std::nullopt;
    }
    held_.ForwardTo(sink);
    return Finish(e, batch, sink, unknown_kind);
  }

  od::parser parser_;
  // The current run: its own parser, since a line parsed alone must not
  // disturb the stream.
  od::parser many_;
  od::document_stream stream_;
  od::document_stream::iterator it_;
  std::string_view run_;
  size_t capacity_ = 0;
  bool in_run_ = false;
  HeldSink held_;
};

// ---- Cowrie -------------------------------------------------------------

class CowrieFormat final : public TableFormat {
 public:
  CowrieFormat() {
    table_.Add("timestamp", Slot::kTime);
    table_.Add("eventid", Slot::kKind);
    table_.Add("src_ip", Slot::kSrcIp);
    table_.Add("src_port", Slot::kSrcPort);
    table_.Add("dst_ip", Slot::kDstIp);
    table_.Add("dst_port", Slot::kDstPort);
    table_.Add("protocol", Slot::kProtocol);
    table_.Add("session", Slot::kSession);
    table_.Add("sensor", Slot::kSensor);
    table_.Add("username", Slot::kUser);
    table_.Add("password", Slot::kPassword);
    table_.Add("input", Slot::kCommandLine);
    table_.Add("url", Slot::kUrl);
    table_.Add("shasum", Slot::kSha256);
    table_.Add("filename", Slot::kFileName);
    table_.Add("version", Slot::kUserAgent);
    table_.Add("hassh", Slot::kHassh);
    for (const char* k : {"cowrie.session.connect",
                          "cowrie.session.closed",
                          "cowrie.login.success",
                          "cowrie.login.failed",
                          "cowrie.command.input",
                          "cowrie.command.failed",
                          "cowrie.command.success",
                          "cowrie.session.file_download",
                          "cowrie.session.file_download.failed",
                          "cowrie.session.file_upload",
                          "cowrie.client.version",
                          "cowrie.client.kex",
                          "cowrie.client.size",
                          "cowrie.client.var",
                          "cowrie.client.fingerprint",
                          "cowrie.direct-tcpip.request",
                          "cowrie.direct-tcpip.data",
                          "cowrie.log.closed",
                          "cowrie.session.params",
                          "cowrie.virustotal.scanfile",
                          "cowrie.virustotal.scanurl"}) {
      known_.Insert(k);
    }
  }

 protected:
  bool Finish(Event* e, EventBatch*, LineSink* sink,
              bool* unknown_kind) override {
    if (e->kind.empty()) {
      sink->Issue("missing-field", "eventid: a Cowrie event needs an eventid");
      return false;
    }
    e->source = "cowrie";
    *unknown_kind = !known_.Contains(e->kind);
    return true;
  }

 private:
  NameSet known_;
};

// ---- Dionaea ------------------------------------------------------------

class DionaeaFormat final : public TableFormat {
 public:
  DionaeaFormat() {
    table_.Add("timestamp", Slot::kTime);
    table_.Add("src_ip", Slot::kSrcIp);
    table_.Add("src_port", Slot::kSrcPort);
    table_.Add("dst_ip", Slot::kDstIp);
    table_.Add("dst_port", Slot::kDstPort);
    table_.Add("connection.remote.address", Slot::kSrcIp);
    table_.Add("connection.remote.port", Slot::kSrcPort);
    table_.Add("connection.local.address", Slot::kDstIp);
    table_.Add("connection.local.port", Slot::kDstPort);
    table_.Add("connection.transport", Slot::kProtocol);
    table_.Add("connection.type", Slot::kConnType);
    table_.Add("connection.protocol", Slot::kAction);
    table_.Add("credentials.username", Slot::kUser, 0, true);
    table_.Add("credentials.password", Slot::kPassword, 0, true);
    table_.Add("ftp.commands.command", Slot::kCommandLine, 0, true);
    table_.Add("downloads.url", Slot::kUrl, 0, true);
    table_.Add("downloads.md5_hash", Slot::kMd5, 0, true);
    table_.Add("sensor", Slot::kSensor);
  }

 protected:
  bool Finish(Event* e, EventBatch* batch, LineSink*, bool*) override {
    e->source = "dionaea";
    std::string_view type = scratch_.conn_type;
    if (type == "accept") {
      e->kind = "dionaea.accept";
    } else if (type == "connect") {
      e->kind = "dionaea.connect";
    } else if (type == "listen") {
      e->kind = "dionaea.listen";
    } else if (type == "reject") {
      e->kind = "dionaea.reject";
    } else if (!type.empty()) {
      e->kind = Concat(batch, "dionaea.", type);
    } else {
      e->kind = "dionaea.connection";
    }
    // The service ("smbd", "ftpd") is kept as the protocol when the
    // transport is not given.
    if (e->protocol.empty() && !scratch_.action.empty()) {
      e->protocol = scratch_.action;
    }
    return true;
  }
};

// ---- Suricata EVE -------------------------------------------------------

class EveFormat final : public TableFormat {
 public:
  EveFormat() {
    table_.Add("timestamp", Slot::kTime);
    table_.Add("event_type", Slot::kKind);
    table_.Add("src_ip", Slot::kSrcIp);
    table_.Add("src_port", Slot::kSrcPort);
    table_.Add("dest_ip", Slot::kDstIp);
    table_.Add("dest_port", Slot::kDstPort);
    table_.Add("proto", Slot::kProtocol);
    table_.Add("flow_id", Slot::kSession);
    table_.Add("host", Slot::kSensor);
    table_.Add("http.hostname", Slot::kUrlHost);
    table_.Add("http.url", Slot::kUrlPath);
    table_.Add("http.http_user_agent", Slot::kUserAgent);
    table_.Add("dns.rrname", Slot::kDomain);
    table_.Add("dns.queries.rrname", Slot::kDomain);
    table_.Add("tls.sni", Slot::kDomain);
    table_.Add("tls.ja3.hash", Slot::kJa3);
    table_.Add("tls.ja3s.hash", Slot::kJa3s);
    table_.Add("ssh.client.hassh.hash", Slot::kHassh);
    table_.Add("ssh.client.software_version", Slot::kUserAgent);
    table_.Add("fileinfo.md5", Slot::kMd5);
    table_.Add("fileinfo.sha1", Slot::kSha1);
    table_.Add("fileinfo.sha256", Slot::kSha256);
    table_.Add("fileinfo.filename", Slot::kFileName);
    table_.Add("email.from", Slot::kEmail);
    for (const char* k :
         {"alert", "anomaly",        "dns",   "http",     "http2", "tls",
          "ssh",   "fileinfo",       "flow",  "netflow",  "smtp",  "stats",
          "drop",  "dhcp",           "ftp",   "ftp_data", "smb",   "nfs",
          "krb5",  "ikev2",          "rdp",   "sip",      "snmp",  "tftp",
          "mqtt",  "quic",           "rfb",   "dcerpc",   "dnp3",  "modbus",
          "pgsql", "bittorrent-dht", "frame", "arp",      "pop3",  "websocket",
          "ike",   "enip",           "ldap",  "doh2"}) {
      known_.Insert(k);
    }
  }

 protected:
  bool Finish(Event* e, EventBatch* batch, LineSink* sink,
              bool* unknown_kind) override {
    if (e->kind.empty()) {
      sink->Issue("missing-field", "event_type: an EVE record needs one");
      return false;
    }
    e->source = "eve";
    if (!scratch_.url_path.empty() || !scratch_.url_host.empty()) {
      e->url = ComposeUrl(batch, scratch_.url_host, scratch_.url_path);
      if (e->domain.empty()) e->domain = scratch_.url_host;
    }
    *unknown_kind = !known_.Contains(e->kind);
    return true;
  }

 private:
  NameSet known_;
};

// ---- Zeek ---------------------------------------------------------------

// The fields, log names and URL are zeek_format.h's, shared with the TSV
// form.
class ZeekFormat final : public TableFormat {
 public:
  explicit ZeekFormat(std::string_view file_name)
      : file_log_(ZeekLogFromFileName(file_name)) {
    for (const ZeekField& f : ZeekFields()) {
      table_.Add(f.name, f.slot, 0, f.array_ok);
    }
  }

 protected:
  bool Finish(Event* e, EventBatch* batch, LineSink* sink,
              bool* unknown_kind) override {
    if (!scratch_.zeek_path.empty()) {
      return FinishZeekEvent(scratch_.zeek_path, false, scratch_, e, batch,
                             sink, unknown_kind);
    }
    return FinishZeekEvent(file_log_, true, scratch_, e, batch, sink,
                           unknown_kind);
  }

 private:
  std::string file_log_;
};

// ---- ECS / Winlogbeat / Sysmon ------------------------------------------

class EcsFormat final : public TableFormat {
 public:
  EcsFormat() {
    table_.Add("@timestamp", Slot::kTime, 0);
    table_.Add("UtcTime", Slot::kTime, 1);
    table_.Add("TimeCreated", Slot::kTime, 2);
    table_.Add("event.created", Slot::kTime, 3);
    table_.Add("event.action", Slot::kAction);
    table_.Add("event.dataset", Slot::kAction);
    table_.Add("source.ip", Slot::kSrcIp);
    table_.Add("source.port", Slot::kSrcPort);
    table_.Add("destination.ip", Slot::kDstIp);
    table_.Add("destination.port", Slot::kDstPort);
    table_.Add("destination.domain", Slot::kDomain);
    table_.Add("network.transport", Slot::kProtocol);
    table_.Add("url.full", Slot::kUrl);
    table_.Add("url.original", Slot::kUrl);
    table_.Add("url.domain", Slot::kDomain);
    table_.Add("dns.question.name", Slot::kDomain);
    table_.Add("user_agent.original", Slot::kUserAgent);
    table_.Add("tls.client.ja3", Slot::kJa3);
    table_.Add("tls.server.ja3s", Slot::kJa3s);
    table_.Add("file.hash.md5", Slot::kMd5);
    table_.Add("file.hash.sha1", Slot::kSha1);
    table_.Add("file.hash.sha256", Slot::kSha256);
    table_.Add("process.hash.md5", Slot::kMd5);
    table_.Add("process.hash.sha1", Slot::kSha1);
    table_.Add("process.hash.sha256", Slot::kSha256);
    table_.Add("file.path", Slot::kFileName);
    table_.Add("file.name", Slot::kFileName);
    table_.Add("process.executable", Slot::kProcess);
    table_.Add("process.name", Slot::kProcess);
    table_.Add("process.command_line", Slot::kCommandLine);
    table_.Add("user.name", Slot::kUser);
    table_.Add("host.name", Slot::kHost);
    table_.Add("host.hostname", Slot::kHost);
    table_.Add("email.from.address", Slot::kEmail, 0, true);
    table_.Add("observer.name", Slot::kSensor);
    table_.Add("winlog.event_id", Slot::kEventId);
    table_.Add("winlog.channel", Slot::kChannel);
    table_.Add("winlog.provider_name", Slot::kProvider);
    table_.Add("winlog.computer_name", Slot::kHost);
    table_.Add("winlog.record_id", Slot::kNone);
    // Flat Windows event JSON (OTRF Security-Datasets, nxlog) and the same
    // names under winlog.event_data (Winlogbeat).
    table_.Add("EventID", Slot::kEventId);
    table_.Add("Channel", Slot::kChannel);
    table_.Add("SourceName", Slot::kProvider);
    table_.Add("ProviderName", Slot::kProvider);
    table_.Add("Hostname", Slot::kHost);
    table_.Add("Computer", Slot::kHost);
    for (std::string prefix : {"", "winlog.event_data."}) {
      table_.Add(prefix + "Image", Slot::kProcess);
      table_.Add(prefix + "NewProcessName", Slot::kProcess);
      table_.Add(prefix + "CommandLine", Slot::kCommandLine);
      table_.Add(prefix + "User", Slot::kUser);
      table_.Add(prefix + "TargetUserName", Slot::kUser);
      table_.Add(prefix + "Hashes", Slot::kHashes);
      table_.Add(prefix + "SourceIp", Slot::kSrcIp);
      table_.Add(prefix + "SourceAddress", Slot::kSrcIp);
      table_.Add(prefix + "SourcePort", Slot::kSrcPort);
      table_.Add(prefix + "DestinationIp", Slot::kDstIp);
      table_.Add(prefix + "DestAddress", Slot::kDstIp);
      table_.Add(prefix + "DestinationPort", Slot::kDstPort);
      table_.Add(prefix + "DestPort", Slot::kDstPort);
      table_.Add(prefix + "Protocol", Slot::kProtocol);
      table_.Add(prefix + "QueryName", Slot::kDomain);
      table_.Add(prefix + "DestinationHostname", Slot::kDomain);
      table_.Add(prefix + "TargetFilename", Slot::kFileName);
    }
  }

 protected:
  bool Finish(Event* e, EventBatch* batch, LineSink*, bool*) override {
    const Scratch& s = scratch_;
    if (!s.event_id.empty()) {
      bool sysmon = s.provider.find("Sysmon") != std::string_view::npos ||
                    s.channel.find("Sysmon") != std::string_view::npos;
      if (sysmon) {
        e->source = "sysmon";
        e->kind = Concat(batch, "sysmon.", s.event_id);
      } else if (s.channel == "Security") {
        e->source = "winlog";
        e->kind = Concat(batch, "security.", s.event_id);
      } else {
        e->source = "winlog";
        e->kind = Concat(batch, "winlog.", s.event_id);
      }
    } else {
      e->source = "ecs";
      e->kind = s.action.empty() ? std::string_view("ecs") : s.action;
    }
    return true;
  }
};

// ---- NDJSON through a field map ----------------------------------------

class MappedJsonFormat final : public TableFormat {
 public:
  explicit MappedJsonFormat(const FieldMap& map) : map_(map) {
    for (const auto& [field, path] : map.fields) {
      table_.Add(path, SlotByName(field), 0, true);
    }
    switch (map.time_format) {
      case FieldMap::TimeFormat::kIso8601:
        time_style_ = TimeStyle::kIso8601;
        break;
      case FieldMap::TimeFormat::kEpochSeconds:
        time_style_ = TimeStyle::kEpochSeconds;
        break;
      case FieldMap::TimeFormat::kEpochMillis:
        time_style_ = TimeStyle::kEpochMillis;
        break;
    }
  }

 protected:
  bool Finish(Event* e, EventBatch*, LineSink*, bool*) override {
    e->source = map_.source;
    if (e->kind.empty()) e->kind = map_.kind;
    return true;
  }

 private:
  const FieldMap& map_;
};

}  // namespace

std::unique_ptr<JsonFormat> NewJsonFormat(Format format, const FieldMap* map,
                                          std::string_view file_name) {
  switch (format) {
    case Format::kCowrie:
      return std::make_unique<CowrieFormat>();
    case Format::kDionaea:
      return std::make_unique<DionaeaFormat>();
    case Format::kEve:
      return std::make_unique<EveFormat>();
    case Format::kZeek:
      return std::make_unique<ZeekFormat>(file_name);
    case Format::kEcs:
      return std::make_unique<EcsFormat>();
    case Format::kNdjson:
      if (map == nullptr) return nullptr;
      return std::make_unique<MappedJsonFormat>(*map);
    default:
      return nullptr;
  }
}

std::optional<Format> DetectJsonLine(std::string_view line) {
  simdjson::padded_string copy(line);
  od::parser parser;
  od::document doc;
  od::object obj;
  if (parser.iterate(copy).get(doc) || doc.get_object().get(obj)) {
    return std::nullopt;
  }
  bool has_event_type = false, has_ts = false, has_uid = false,
       has_orig = false, has_path = false, has_connection = false,
       has_ecs = false, cowrie = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return std::nullopt;
    if (key == "eventid") {
      std::string_view v;
      if (!field.value().get_string().get(v) && v.starts_with("cowrie.")) {
        cowrie = true;
      }
    } else if (key == "event_type") {
      has_event_type = true;
    } else if (key == "ts") {
      has_ts = true;
    } else if (key == "uid" || key == "fuid") {
      has_uid = true;
    } else if (key == "id.orig_h") {
      has_orig = true;
    } else if (key == "_path") {
      has_path = true;
    } else if (key == "connection") {
      has_connection = true;
    } else if (key == "@timestamp" || key == "ecs" || key == "winlog" ||
               key == "EventID" || key == "event" || key == "agent") {
      has_ecs = true;
    }
  }
  if (cowrie) return Format::kCowrie;
  if (has_event_type) return Format::kEve;
  if (has_path || (has_ts && (has_uid || has_orig))) return Format::kZeek;
  if (has_connection) return Format::kDionaea;
  if (has_ecs) return Format::kEcs;
  return std::nullopt;
}

}  // namespace ncert::telemetry::internal
