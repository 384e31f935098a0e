#include "telemetry/reader.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "telemetry/formats_internal.h"
#include "telemetry/json_format.h"
#include "telemetry/text_format.h"

namespace ncert::telemetry {
namespace {

using internal::JsonFormat;
using internal::LineSink;

constexpr size_t kChunk = 256 * 1024;
constexpr size_t kMaxUnknownKinds = 256;

constexpr std::pair<std::string_view, Format> kFormatNames[] = {
    {"auto", Format::kAuto},       {"cowrie", Format::kCowrie},
    {"dionaea", Format::kDionaea}, {"eve", Format::kEve},
    {"zeek", Format::kZeek},       {"ecs", Format::kEcs},
    {"auditd", Format::kAuditd},   {"csv", Format::kCsv},
    {"ndjson", Format::kNdjson}};

// Decompressed bytes of one file: plain, gzip (also concatenated members) or
// zstd, chosen by the first bytes. A damaged or cut stream ends the file
// early and leaves `data_rule` / `data_message` set: it is bad input, not an
// operational error.
class Decoder {
 public:
  explicit Decoder(std::unique_ptr<SequentialFile> f) : file_(std::move(f)) {}
  ~Decoder() {
    if (mode_ == Mode::kGzip) inflateEnd(&z_);
    if (zstd_ != nullptr) ZSTD_freeDStream(zstd_);
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  Status Init() {
    in_.resize(kChunk);
    RETURN_IF_ERROR(Fill());
    auto u = [&](size_t i) { return static_cast<uint8_t>(in_[i]); };
    if (in_len_ >= 2 && u(0) == 0x1f && u(1) == 0x8b) {
      std::memset(&z_, 0, sizeof(z_));
      if (inflateInit2(&z_, 15 + 32) != Z_OK) {
        return Status::Internal("zlib: inflateInit2 failed");
      }
      mode_ = Mode::kGzip;
    } else if (in_len_ >= 4 && u(0) == 0x28 && u(1) == 0xb5 && u(2) == 0x2f &&
               u(3) == 0xfd) {
      zstd_ = ZSTD_createDStream();
      if (zstd_ == nullptr) return Status::Internal("zstd: out of memory");
      ZSTD_initDStream(zstd_);
      mode_ = Mode::kZstd;
    }
    return Status::Ok();
  }

  // Up to `n` bytes; 0 at the end (or after a data error).
  Result<size_t> Read(char* out, size_t n) {
    if (done_) return size_t{0};
    switch (mode_) {
      case Mode::kPlain: {
        if (in_pos_ == in_len_) {
          // Past the sniffed head: read straight into the caller's buffer.
          ASSIGN_OR_RETURN(size_t got, file_->Read(out, n));
          if (got == 0) done_ = true;
          return got;
        }
        size_t k = std::min(n, in_len_ - in_pos_);
        std::memcpy(out, in_.data() + in_pos_, k);
        in_pos_ += k;
        return k;
      }
      case Mode::kGzip:
        return ReadGzip(out, n);
      case Mode::kZstd:
        return ReadZstd(out, n);
    }
    return size_t{0};
  }

  std::string data_rule, data_message;
  std::string_view compression() const {
    return mode_ == Mode::kGzip ? "gzip" : mode_ == Mode::kZstd ? "zstd" : "";
  }

 private:
  enum class Mode { kPlain, kGzip, kZstd };

  Status Fill() {
    in_pos_ = 0;
    ASSIGN_OR_RETURN(in_len_, file_->Read(in_.data(), in_.size()));
    if (in_len_ == 0) eof_ = true;
    return Status::Ok();
  }

  size_t Fail(std::string rule, std::string msg) {
    data_rule = std::move(rule);
    data_message = std::move(msg);
    done_ = true;
    return 0;
  }

  Result<size_t> ReadGzip(char* out, size_t n) {
    while (true) {
      if (in_pos_ == in_len_ && !eof_) RETURN_IF_ERROR(Fill());
      z_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
      z_.avail_in = static_cast<uInt>(in_len_ - in_pos_);
      z_.next_out = reinterpret_cast<Bytef*>(out);
      z_.avail_out = static_cast<uInt>(n);
      if (z_.avail_in == 0) {
        if (member_open_) {
          return Fail("truncated-input", "the gzip stream is cut short");
        }
        done_ = true;
        return size_t{0};
      }
      member_open_ = true;
      int rc = inflate(&z_, Z_NO_FLUSH);
      in_pos_ = in_len_ - z_.avail_in;
      size_t got = n - z_.avail_out;
      if (rc == Z_STREAM_END) {
        member_open_ = false;
        inflateReset(&z_);  // another member may follow
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Fail("corrupt-input",
                    fmt::format("gzip: {}", z_.msg ? z_.msg : "data error"));
      }
      if (got > 0) return got;
      if (rc == Z_BUF_ERROR && in_pos_ == in_len_ && eof_) {
        return Fail("truncated-input", "the gzip stream is cut short");
      }
    }
  }

  Result<size_t> ReadZstd(char* out, size_t n) {
    while (true) {
      if (in_pos_ == in_len_ && !eof_) RETURN_IF_ERROR(Fill());
      if (in_pos_ == in_len_ && eof_ && zstd_pending_ == 0) {
        done_ = true;
        return size_t{0};
      }
      ZSTD_inBuffer in{in_.data() + in_pos_, in_len_ - in_pos_, 0};
      ZSTD_outBuffer o{out, n, 0};
      size_t rc = ZSTD_decompressStream(zstd_, &o, &in);
      in_pos_ += in.pos;
      if (ZSTD_isError(rc)) {
        return Fail("corrupt-input",
                    fmt::format("zstd: {}", ZSTD_getErrorName(rc)));
      }
      zstd_pending_ = rc;
      if (o.pos > 0) return o.pos;
      if (in_pos_ == in_len_ && eof_ && rc != 0) {
        return Fail("truncated-input", "the zstd stream is cut short");
      }
    }
  }

  std::unique_ptr<SequentialFile> file_;
  std::string in_;
  size_t in_pos_ = 0, in_len_ = 0;
  bool eof_ = false, done_ = false, member_open_ = false;
  Mode mode_ = Mode::kPlain;
  z_stream z_{};
  ZSTD_DStream* zstd_ = nullptr;
  size_t zstd_pending_ = 0;
};

class ReaderImpl final : public Reader, private LineSink {
 public:
  ReaderImpl(Env& env, std::vector<std::string> files, ReaderOptions opt)
      : env_(env), files_(std::move(files)), opt_(opt) {
    buf_.resize(opt_.max_line_bytes + kChunk + 1);
  }

  Result<bool> Next(EventBatch* batch) override {
    batch->Clear();
    batch_ = batch;
    // "Now" once a batch: a batch is read in milliseconds, far below the
    // plausibility window, and the clock is not free per event.
    if (opt_.clock != nullptr) now_ = opt_.clock->Now();
    while (batch->events.size() < opt_.batch_size) {
      if (!open_) {
        if (next_file_ >= files_.size()) break;
        RETURN_IF_ERROR(OpenNext());
        continue;
      }
      std::string_view line;
      ASSIGN_OR_RETURN(bool got, NextLine(&line));
      if (!got) {
        EndFile();
        continue;
      }
      HandleLine(line);
    }
    batch_ = nullptr;
    return !batch->events.empty();
  }

  const ReadStats& stats() const override { return stats_; }
  const std::vector<ReadIssue>& issues() const override { return issues_; }
  const std::vector<std::string>& files() const override { return files_; }

 private:
  // LineSink.
  void Issue(std::string_view rule, std::string message) override {
    auto it = stats_.by_rule.find(rule);
    if (it == stats_.by_rule.end()) {
      stats_.by_rule.emplace(std::string(rule), 1);
    } else {
      ++it->second;
    }
    if (issues_.size() < opt_.max_issues) {
      issues_.push_back(
          {files_[cur_], issue_line_, std::string(rule), std::move(message)});
    }
  }
  void DroppedField() override { ++stats_.dropped_fields; }

  Status OpenNext() {
    cur_ = static_cast<uint32_t>(next_file_++);
    ASSIGN_OR_RETURN(auto file, env_.OpenSequential(files_[cur_]));
    decoder_ = std::make_unique<Decoder>(std::move(file));
    RETURN_IF_ERROR(decoder_->Init());
    ++stats_.files;
    open_ = true;
    pos_ = end_ = scan_ = 0;
    eof_ = skipping_ = false;
    line_no_ = 0;
    file_offset_ = 0;
    json_.reset();
    csv_.reset();
    audit_.clear();
    audit_stamp_.clear();
    // Read a head for detection and strip a UTF-8 BOM.
    while (end_ < 64 * 1024 && !eof_) RETURN_IF_ERROR(Fill());
    if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) {
      pos_ = scan_ = 3;
      file_offset_ = 3;
    }
    format_ = opt_.format;
    if (format_ == Format::kAuto) {
      std::optional<Format> f = DetectFormat(
          std::string_view(buf_.data() + pos_, end_ - pos_), files_[cur_]);
      if (!f && opt_.field_map != nullptr) {
        f = opt_.field_map->csv ? Format::kCsv : Format::kNdjson;
      }
      if (!f) {
        issue_line_ = 1;
        Issue("unknown-format",
              "cannot tell the format from the first lines; use --format");
        EndFile();
        return Status::Ok();
      }
      format_ = *f;
    }
    ++stats_.formats[std::string(FormatName(format_))];
    if (format_ == Format::kCsv) {
      csv_ = std::make_unique<internal::CsvFormat>(*opt_.field_map);
    } else if (format_ != Format::kAuditd) {
      json_ = internal::NewJsonFormat(format_, opt_.field_map, files_[cur_]);
    }
    return Status::Ok();
  }

  void EndFile() {
    if (open_ && decoder_ && !decoder_->data_rule.empty()) {
      issue_line_ = line_no_ + 1;
      Issue(decoder_->data_rule, decoder_->data_message);
    }
    if (!audit_.empty()) FlushAudit();
    if (!csv_pending_.empty()) {
      issue_line_ = csv_line_;
      Issue("csv-quote", "the file ends inside a quoted field");
      ++stats_.skipped_lines;
      csv_pending_.clear();
    }
    decoder_.reset();
    open_ = false;
  }

  Status Fill() {
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      scan_ -= pos_;
      pos_ = 0;
    }
    size_t room = buf_.size() - end_;
    if (room == 0) return Status::Ok();
    ASSIGN_OR_RETURN(size_t n, decoder_->Read(buf_.data() + end_, room));
    if (n == 0) eof_ = true;
    end_ += n;
    stats_.bytes += n;
    return Status::Ok();
  }

  // The next physical line without its "\n" or "\r\n"; false at the end.
  Result<bool> NextLine(std::string_view* line) {
    while (true) {
      const char* nl = static_cast<const char*>(
          std::memchr(buf_.data() + scan_, '\n', end_ - scan_));
      if (nl != nullptr) {
        size_t at = static_cast<size_t>(nl - buf_.data());
        size_t len = at - pos_;
        ++line_no_;
        ++stats_.lines;
        line_offset_ = file_offset_;
        file_offset_ += len + 1;
        std::string_view l(buf_.data() + pos_, len);
        pos_ = scan_ = at + 1;
        if (skipping_) {  // the tail of a line too long
          skipping_ = false;
          continue;
        }
        if (len > opt_.max_line_bytes) {
          TooLong();
          continue;
        }
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        *line = l;
        return true;
      }
      scan_ = end_;
      if (end_ - pos_ > opt_.max_line_bytes && !skipping_) {
        ++line_no_;
        ++stats_.lines;
        TooLong();
        skipping_ = true;
        --line_no_;  // counted when its end is found
        --stats_.lines;
      }
      if (skipping_) {  // drop what is buffered of the long line
        file_offset_ += end_ - pos_;
        pos_ = scan_ = end_;
      }
      if (eof_) {
        if (pos_ == end_ || skipping_) {
          if (skipping_) {
            ++line_no_;
            ++stats_.lines;
          }
          return false;
        }
        ++line_no_;
        ++stats_.lines;
        line_offset_ = file_offset_;
        std::string_view l(buf_.data() + pos_, end_ - pos_);
        file_offset_ += l.size();
        pos_ = scan_ = end_;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        *line = l;
        return true;
      }
      RETURN_IF_ERROR(Fill());
    }
  }

  void TooLong() {
    issue_line_ = line_no_;
    Issue("line-too-long",
          fmt::format("longer than {} bytes; skipped", opt_.max_line_bytes));
    ++stats_.skipped_lines;
  }

  static bool Blank(std::string_view l) {
    for (char c : l) {
      if (c != ' ' && c != '\t' && c != '\r') return false;
    }
    return true;
  }

  void HandleLine(std::string_view line) {
    issue_line_ = line_no_;
    if (format_ == Format::kAuditd) return HandleAudit(line);
    if (format_ == Format::kCsv) return HandleCsv(line);
    if (Blank(line)) return;
    std::string_view copy =
        batch_->InternPadded(line, simdjson::SIMDJSON_PADDING);
    // Parsed in place: an Event is a few hundred bytes, not worth a copy.
    Event& e = batch_->events.emplace_back();
    bool unknown = false;
    if (!json_->Parse(copy, &e, batch_, this, &unknown)) {
      batch_->events.pop_back();
      ++stats_.skipped_lines;
      return;
    }
    Emit(e, unknown, line_no_, line_offset_, /*in_place=*/true);
  }

  void HandleCsv(std::string_view line) {
    if (csv_pending_.empty()) {
      if (Blank(line)) return;
      if (!internal::CsvFormat::Incomplete(line)) {
        return CsvRecord(batch_->Intern(line), line_no_, line_offset_);
      }
      csv_pending_.assign(line);
      csv_line_ = line_no_;
      csv_offset_ = line_offset_;
      return;
    }
    csv_pending_ += '\n';
    csv_pending_.append(line);
    if (csv_pending_.size() > opt_.max_line_bytes) {
      issue_line_ = csv_line_;
      Issue("line-too-long", "a quoted CSV field runs past the line limit");
      ++stats_.skipped_lines;
      csv_pending_.clear();
      return;
    }
    if (!internal::CsvFormat::Incomplete(csv_pending_)) {
      std::string_view rec = batch_->Intern(csv_pending_);
      csv_pending_.clear();
      issue_line_ = csv_line_;
      CsvRecord(rec, csv_line_, csv_offset_);
    }
  }

  void CsvRecord(std::string_view rec, uint64_t line, uint64_t offset) {
    Event e;
    bool header = false;
    if (!csv_->Parse(rec, &e, batch_, this, &header)) {
      if (!header) ++stats_.skipped_lines;
      return;
    }
    Emit(e, false, line, offset);
  }

  void HandleAudit(std::string_view line) {
    if (Blank(line)) return;
    std::string_view type, stamp;
    if (!internal::ParseAuditHeader(line, &type, &stamp)) {
      Issue("auditd-format",
            "not an audit record (type=... msg=audit(TIME:SERIAL): ...)");
      ++stats_.skipped_lines;
      return;
    }
    if (!audit_.empty() && stamp != audit_stamp_) FlushAudit();
    if (audit_.empty()) {
      audit_stamp_.assign(stamp);
      audit_line_ = line_no_;
      audit_offset_ = line_offset_;
    } else {
      audit_ += '\n';
    }
    if (audit_.size() + line.size() > opt_.max_line_bytes) {
      Issue("line-too-long", "the records of one audit event are too long");
      ++stats_.skipped_lines;
      audit_.clear();
      return;
    }
    audit_.append(line);
    if (type == "EOE") FlushAudit();
  }

  void FlushAudit() {
    std::string_view records = batch_->Intern(audit_);
    audit_.clear();
    uint64_t saved = issue_line_;
    issue_line_ = audit_line_;
    Event e;
    if (internal::ParseAuditEvent(records, &e, batch_, this)) {
      Emit(e, false, audit_line_, audit_offset_);
    } else {
      ++stats_.skipped_lines;
    }
    issue_line_ = saved;
  }

  void Emit(Event& e, bool unknown_kind, uint64_t line, uint64_t offset,
            bool in_place = false) {
    e.raw = {cur_, line, offset};
    if (unknown_kind) {
      auto it = stats_.unknown_kinds.find(e.kind);
      if (it != stats_.unknown_kinds.end()) {
        ++it->second;
      } else if (stats_.unknown_kinds.size() < kMaxUnknownKinds) {
        stats_.unknown_kinds.emplace(std::string(e.kind), 1);
      } else {
        ++stats_.unknown_kinds["(other)"];
      }
    }
    if (opt_.clock != nullptr && e.time) {
      const Timestamp now = now_;
      if (e.time->micros > now.micros + opt_.max_future_micros ||
          e.time->micros < now.micros - opt_.max_past_micros) {
        uint64_t saved = issue_line_;
        issue_line_ = line;
        Issue("suspicious-time",
              fmt::format("{} is far from now ({}); event kept",
                          FormatTimestamp(*e.time), FormatTimestamp(now)));
        issue_line_ = saved;
      }
    }
    ++stats_.events;
    if (!in_place) batch_->events.push_back(e);
  }

  Env& env_;
  std::vector<std::string> files_;
  ReaderOptions opt_;
  ReadStats stats_;
  std::vector<ReadIssue> issues_;
  EventBatch* batch_ = nullptr;
  Timestamp now_;  // the clock at the start of this batch

  size_t next_file_ = 0;
  uint32_t cur_ = 0;
  bool open_ = false;
  std::unique_ptr<Decoder> decoder_;
  Format format_ = Format::kAuto;
  std::unique_ptr<JsonFormat> json_;
  std::unique_ptr<internal::CsvFormat> csv_;

  std::string buf_;
  size_t pos_ = 0, end_ = 0, scan_ = 0;
  bool eof_ = false, skipping_ = false;
  uint64_t line_no_ = 0, issue_line_ = 0;
  uint64_t file_offset_ = 0, line_offset_ = 0;

  std::string audit_, audit_stamp_;
  uint64_t audit_line_ = 0, audit_offset_ = 0;
  std::string csv_pending_;
  uint64_t csv_line_ = 0, csv_offset_ = 0;
};

}  // namespace

std::string_view FormatName(Format f) {
  for (const auto& [n, v] : kFormatNames) {
    if (v == f) return n;
  }
  return "?";
}

std::optional<Format> ParseFormat(std::string_view name) {
  for (const auto& [n, v] : kFormatNames) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::optional<Format> DetectFormat(std::string_view head,
                                   std::string_view file_name) {
  (void)file_name;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  int tried = 0;
  while (!head.empty() && tried < 5) {
    size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head =
        nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.remove_suffix(1);
    }
    size_t s = line.find_first_not_of(" \t");
    if (s == std::string_view::npos) continue;
    line.remove_prefix(s);
    ++tried;
    if ((line.starts_with("type=") || line.starts_with("node=")) &&
        line.find("msg=audit(") != std::string_view::npos) {
      return Format::kAuditd;
    }
    if (line[0] == '{') {
      if (nl == std::string_view::npos && line.size() > 64 * 1024) {
        return std::nullopt;  // a cut line in the head
      }
      if (auto f = internal::DetectJsonLine(line)) return f;
    }
  }
  return std::nullopt;
}

std::string ReadIssue::ToString() const {
  return fmt::format("{}:{}: {}: {}", file, line, rule, message);
}

Result<std::unique_ptr<Reader>> OpenReader(Env& env,
                                           std::vector<std::string> files,
                                           ReaderOptions options) {
  if ((options.format == Format::kCsv || options.format == Format::kNdjson) &&
      options.field_map == nullptr) {
    return Status::InvalidArgument(
        "the csv and ndjson formats need a field map (--map FILE)");
  }
  if (options.format == Format::kCsv && options.field_map != nullptr &&
      !options.field_map->csv) {
    return Status::InvalidArgument("the field map is for ndjson, not csv");
  }
  if (options.batch_size == 0) options.batch_size = 1;
  if (options.max_line_bytes < 64) options.max_line_bytes = 64;
  return std::unique_ptr<Reader>(
      new ReaderImpl(env, std::move(files), options));
}

}  // namespace ncert::telemetry
