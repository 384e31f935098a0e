#include "telemetry/reader.h"

#include <fmt/format.h>
#include <isa-l/igzip_lib.h>
#include <simdjson.h>
#include <zstd.h>

#include <cstring>

#include "telemetry/formats_internal.h"
#include "telemetry/json_format.h"
#include "telemetry/text_format.h"
#include "telemetry/zeek_format.h"

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

// Decompressed bytes of one file: plain, gzip (also concatenated members;
// inflated by ISA-L's igzip, several times zlib's speed: reading is the one
// serial step of a threaded match) or zstd, chosen by the first bytes. A
// damaged or cut stream ends the file early and leaves `data_rule` /
// `data_message` set: it is bad input, not an operational error.
class Decoder {
 public:
  explicit Decoder(std::unique_ptr<SequentialFile> f) : file_(std::move(f)) {}
  ~Decoder() {
    if (zstd_ != nullptr) ZSTD_freeDStream(zstd_);
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  Status Init() {
    in_.resize(kChunk);
    RETURN_IF_ERROR(Fill());
    auto u = [&](size_t i) { return static_cast<uint8_t>(in_[i]); };
    if (in_len_ >= 2 && u(0) == 0x1f && u(1) == 0x8b) {
      gz_ = std::make_unique<inflate_state>();
      isal_inflate_init(gz_.get());
      gz_->crc_flag = ISAL_GZIP;  // parse the header, check the CRC and size
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
      gz_->next_in = reinterpret_cast<uint8_t*>(in_.data() + in_pos_);
      gz_->avail_in = static_cast<uint32_t>(in_len_ - in_pos_);
      gz_->next_out = reinterpret_cast<uint8_t*>(out);
      gz_->avail_out = static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX));
      if (gz_->avail_in == 0 && !member_open_) {
        done_ = true;
        return size_t{0};
      }
      const uint32_t want = gz_->avail_out;
      member_open_ = true;
      int rc = isal_inflate(gz_.get());
      in_pos_ = in_len_ - gz_->avail_in;
      size_t got = want - gz_->avail_out;
      if (rc < 0) {
        return Fail("corrupt-input", fmt::format("gzip: {}", IsalError(rc)));
      }
      if (gz_->block_state == ISAL_BLOCK_FINISH) {
        // The member ended (its CRC and size checked); another may follow,
        // and isal_inflate gave back the bytes it read past this one.
        member_open_ = false;
        isal_inflate_reset(gz_.get());
        gz_->crc_flag = ISAL_GZIP;
      }
      if (got > 0) return got;
      if (in_pos_ == in_len_ && eof_) {
        if (member_open_) {
          return Fail("truncated-input", "the gzip stream is cut short");
        }
        done_ = true;
        return size_t{0};
      }
    }
  }

  static std::string_view IsalError(int rc) {
    switch (rc) {
      case ISAL_INVALID_BLOCK:
        return "invalid deflate block";
      case ISAL_INVALID_SYMBOL:
        return "invalid deflate symbol";
      case ISAL_INVALID_LOOKBACK:
        return "invalid back-reference distance";
      case ISAL_INVALID_WRAPPER:
        return "not a gzip member (bad header)";
      case ISAL_UNSUPPORTED_METHOD:
        return "compression method is not deflate";
      case ISAL_INCORRECT_CHECKSUM:
        return "CRC or size check failed";
      default:
        return "data error";
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
  std::unique_ptr<inflate_state> gz_;  // large: on the heap
  ZSTD_DStream* zstd_ = nullptr;
  size_t zstd_pending_ = 0;
};

}  // namespace

namespace internal {

// What a batch carries between Read, Parse and Commit.
struct PendingState {
  static constexpr uint32_t kNotMade = UINT32_MAX;
  // A JSON line to parse (in the batch's arena, followed by at least
  // SIMDJSON_PADDING readable bytes), or an event Read already made.
  struct Item {
    std::string_view text;
    uint64_t line = 0, offset = 0;
    uint32_t file = 0;
    uint32_t made = kNotMade;  // else: index into `made`
    Format format = Format::kAuto;
  };
  // An issue Read found, to be listed before item `before_item`'s.
  struct Noted {
    size_t before_item;
    ReadIssue issue;
  };

  // Adjacent JSON lines of one file, copied together; they are consecutive
  // items, from `first` on (Parse starts the run there).
  struct Run {
    std::string_view text;
    size_t first;
  };

  std::vector<Item> items;
  std::vector<Run> runs;
  std::vector<Event> made;  // CSV, auditd and Zeek TSV events, parsed by Read
  std::vector<uint8_t> made_unknown;  // per `made`: an unknown kind
  std::vector<Noted> read_issues;
  std::optional<Timestamp> now;  // the clock when the batch was read

  // Filled by Parse (and partly Read), folded in by Commit.
  std::vector<ReadIssue> issues;                        // in input order
  std::vector<std::pair<std::string, uint64_t>> rules;  // issues by rule
  std::vector<uint8_t> unknown_kind;                    // per event
  uint64_t skipped = 0, dropped = 0;

  void Clear() {
    items.clear();
    runs.clear();
    made.clear();
    made_unknown.clear();
    read_issues.clear();
    issues.clear();
    rules.clear();
    unknown_kind.clear();
    skipped = dropped = 0;
    now.reset();
  }
  void Count(std::string_view rule) {
    for (auto& [r, n] : rules) {
      if (r == rule) {
        ++n;
        return;
      }
    }
    rules.emplace_back(std::string(rule), 1);
  }
};

}  // namespace internal

PendingBatch::PendingBatch() : state_(new internal::PendingState) {}
PendingBatch::~PendingBatch() = default;

namespace {

using internal::PendingState;

// Events far from the reading time are kept and flagged (ReaderOptions).
bool SuspiciousTime(const Event& e, const std::optional<Timestamp>& now,
                    const ReaderOptions& opt) {
  return now && e.time &&
         (e.time->micros > now->micros + opt.max_future_micros ||
          e.time->micros < now->micros - opt.max_past_micros);
}

std::string SuspiciousTimeMessage(const Event& e, Timestamp now) {
  return fmt::format("{} is far from now ({}); event kept",
                     FormatTimestamp(*e.time), FormatTimestamp(now));
}

class ParserImpl final : public BatchParser, private LineSink {
 public:
  ParserImpl(const std::vector<std::string>& files, const ReaderOptions& opt)
      : files_(files), opt_(opt) {}

  void Parse(PendingBatch* p) override { ParseInto(&p->batch(), &p->state()); }

  void ParseInto(EventBatch* batch, PendingState* st) {
    st_ = st;
    batch->events.clear();
    batch->events.reserve(st->items.size());
    st->issues.clear();
    st->unknown_kind.clear();
    size_t next_noted = 0, next_run = 0;
    auto noted_before = [&](size_t k) {
      for (; next_noted < st->read_issues.size() &&
             st->read_issues[next_noted].before_item <= k;
           ++next_noted) {
        st->issues.push_back(std::move(st->read_issues[next_noted].issue));
      }
    };
    for (size_t k = 0; k < st->items.size(); ++k) {
      noted_before(k);
      const PendingState::Item& it = st->items[k];
      if (it.made != PendingState::kNotMade) {
        batch->events.push_back(std::move(st->made[it.made]));
        st->unknown_kind.push_back(st->made_unknown[it.made]);
        continue;
      }
      if (json_ == nullptr || it.file != json_file_) {
        json_ =
            internal::NewJsonFormat(it.format, opt_.field_map, files_[it.file]);
        json_file_ = it.file;
      }
      if (next_run < st->runs.size() && st->runs[next_run].first == k) {
        json_->StartRun(st->runs[next_run++].text);
      }
      file_ = it.file;
      line_ = it.line;
      // Parsed in place: an Event is a few hundred bytes, not worth a copy.
      Event& e = batch->events.emplace_back();
      bool unknown = false;
      if (!json_->ParseInRun(it.text, &e, batch, this, &unknown)) {
        batch->events.pop_back();
        ++st->skipped;
        continue;
      }
      e.raw = {it.file, it.line, it.offset};
      st->unknown_kind.push_back(unknown);
      if (SuspiciousTime(e, st->now, opt_)) {
        Issue("suspicious-time", SuspiciousTimeMessage(e, *st->now));
      }
    }
    noted_before(SIZE_MAX);
    st_ = nullptr;
  }

 private:
  void Issue(std::string_view rule, std::string message) override {
    st_->Count(rule);
    if (st_->issues.size() < opt_.max_issues) {
      st_->issues.push_back(
          {files_[file_], line_, std::string(rule), std::move(message)});
    }
  }
  void DroppedField() override { ++st_->dropped; }

  const std::vector<std::string>& files_;
  const ReaderOptions& opt_;
  PendingState* st_ = nullptr;
  std::unique_ptr<JsonFormat> json_;  // for json_file_
  uint32_t json_file_ = 0;
  uint32_t file_ = 0;
  uint64_t line_ = 0;
};

class ReaderImpl final : public Reader, private LineSink {
 public:
  ReaderImpl(Env& env, std::vector<std::string> files, ReaderOptions opt)
      : env_(env),
        files_(std::move(files)),
        opt_(opt),
        own_parser_(files_, opt_) {
    buf_.resize(opt_.max_line_bytes + kChunk + 1);
  }

  Result<bool> Next(EventBatch* batch) override {
    while (true) {
      ASSIGN_OR_RETURN(bool more, ReadInto(batch, &own_state_));
      if (!more) return false;
      own_parser_.ParseInto(batch, &own_state_);
      CommitFrom(*batch, &own_state_);
      if (!batch->events.empty()) return true;
    }
  }

  Result<bool> Read(PendingBatch* p) override {
    return ReadInto(&p->batch(), &p->state());
  }
  std::unique_ptr<BatchParser> NewParser() const override {
    return std::make_unique<ParserImpl>(files_, opt_);
  }
  void Commit(PendingBatch* p) override { CommitFrom(p->batch(), &p->state()); }

  const ReadStats& stats() const override { return stats_; }
  const std::vector<ReadIssue>& issues() const override { return issues_; }
  const std::vector<std::string>& files() const override { return files_; }

 private:
  Result<bool> ReadInto(EventBatch* batch, PendingState* st) {
    batch->Clear();
    st->Clear();
    batch_ = batch;
    st_ = st;
    run_open_ = false;
    // "Now" once a batch: a batch is read in milliseconds, far below the
    // plausibility window, and the clock is not free per event.
    if (opt_.clock != nullptr) st->now = opt_.clock->Now();
    while (st->items.size() < opt_.batch_size) {
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
    SealRun();
    batch_ = nullptr;
    st_ = nullptr;
    return !st->items.empty() || !st->read_issues.empty() ||
           !st->rules.empty() || st->skipped > 0 || st->dropped > 0;
  }

  // Folds a parsed batch into stats_ and issues_, in read order.
  void CommitFrom(const EventBatch& batch, PendingState* st) {
    for (const auto& [rule, n] : st->rules) {
      auto it = stats_.by_rule.find(rule);
      if (it == stats_.by_rule.end()) {
        stats_.by_rule.emplace(rule, n);
      } else {
        it->second += n;
      }
    }
    for (ReadIssue& issue : st->issues) {
      if (issues_.size() >= opt_.max_issues) break;
      issues_.push_back(std::move(issue));
    }
    for (size_t i = 0; i < batch.events.size(); ++i) {
      if (i < st->unknown_kind.size() && st->unknown_kind[i]) {
        CountUnknownKind(batch.events[i].kind);
      }
    }
    stats_.events += batch.events.size();
    stats_.skipped_lines += st->skipped;
    stats_.dropped_fields += st->dropped;
  }

  void CountUnknownKind(std::string_view kind) {
    auto it = stats_.unknown_kinds.find(kind);
    if (it != stats_.unknown_kinds.end()) {
      ++it->second;
    } else if (stats_.unknown_kinds.size() < kMaxUnknownKinds) {
      stats_.unknown_kinds.emplace(std::string(kind), 1);
    } else {
      ++stats_.unknown_kinds["(other)"];
    }
  }

  // LineSink, while reading: listed before the next item's own issues.
  void Issue(std::string_view rule, std::string message) override {
    st_->Count(rule);
    if (st_->read_issues.size() < opt_.max_issues) {
      st_->read_issues.push_back(
          {st_->items.size(),
           {files_[cur_], issue_line_, std::string(rule), std::move(message)}});
    }
  }
  void DroppedField() override { ++st_->dropped; }

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
    zeek_tsv_.reset();
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
    } else if (format_ == Format::kZeek &&
               internal::ZeekTsvFormat::LooksLikeTsv(
                   std::string_view(buf_.data() + pos_, end_ - pos_))) {
      zeek_tsv_ = std::make_unique<internal::ZeekTsvFormat>(files_[cur_]);
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
      ++st_->skipped;
      csv_pending_.clear();
    }
    decoder_.reset();
    open_ = false;
  }

  Status Fill() {
    SealRun();  // the lines of the run move (or are overwritten) below
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
    ++st_->skipped;
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
    if (zeek_tsv_) return HandleZeekTsv(line);
    // JSON lines are parsed later (perhaps on another thread), from one copy
    // of each run of adjacent lines: a memcpy per run, not per line.
    if (run_open_ && (line.data() < run_end_ || line.data() - run_end_ > 2)) {
      SealRun();
    }
    if (!run_open_) {
      run_open_ = true;
      run_begin_ = line.data();
      run_first_item_ = st_->items.size();
    }
    run_end_ = line.data() + line.size();
    st_->items.push_back(
        {line, line_no_, line_offset_, cur_, PendingState::kNotMade, format_});
  }

  // Copies the open run of JSON lines into the batch's arena, padded for
  // simdjson, and points its items at the copy.
  void SealRun() {
    if (!run_open_) return;
    run_open_ = false;
    std::string_view copy = batch_->InternPadded(
        std::string_view(run_begin_,
                         static_cast<size_t>(run_end_ - run_begin_)),
        simdjson::SIMDJSON_PADDING);
    for (size_t i = run_first_item_; i < st_->items.size(); ++i) {
      std::string_view& t = st_->items[i].text;
      t = std::string_view(copy.data() + (t.data() - run_begin_), t.size());
    }
    st_->runs.push_back({copy, run_first_item_});
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
      ++st_->skipped;
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
      if (!header) ++st_->skipped;
      return;
    }
    Emit(e, line, offset);
  }

  // Zeek TSV: header lines set the file's columns, data lines are parsed
  // here (the header is state that later lines depend on).
  void HandleZeekTsv(std::string_view line) {
    Event e;
    bool header = false, unknown = false;
    // A data line's values become the event's: copied into the arena first.
    std::string_view l = line[0] == '#' ? line : batch_->Intern(line);
    if (!zeek_tsv_->Parse(l, &e, batch_, this, &header, &unknown)) {
      if (!header) ++st_->skipped;
      return;
    }
    Emit(e, line_no_, line_offset_, unknown);
  }

  void HandleAudit(std::string_view line) {
    if (Blank(line)) return;
    std::string_view type, stamp;
    if (!internal::ParseAuditHeader(line, &type, &stamp)) {
      Issue("auditd-format",
            "not an audit record (type=... msg=audit(TIME:SERIAL): ...)");
      ++st_->skipped;
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
      ++st_->skipped;
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
      Emit(e, audit_line_, audit_offset_);
    } else {
      ++st_->skipped;
    }
    issue_line_ = saved;
  }

  // An event Read made itself (CSV, auditd, Zeek TSV).
  void Emit(Event& e, uint64_t line, uint64_t offset, bool unknown = false) {
    e.raw = {cur_, line, offset};
    if (SuspiciousTime(e, st_->now, opt_)) {
      uint64_t saved = issue_line_;
      issue_line_ = line;
      Issue("suspicious-time", SuspiciousTimeMessage(e, *st_->now));
      issue_line_ = saved;
    }
    st_->items.push_back({{},
                          line,
                          offset,
                          cur_,
                          static_cast<uint32_t>(st_->made.size()),
                          format_});
    st_->made.push_back(std::move(e));
    st_->made_unknown.push_back(unknown);
  }

  Env& env_;
  std::vector<std::string> files_;
  ReaderOptions opt_;
  ReadStats stats_;
  std::vector<ReadIssue> issues_;
  ParserImpl own_parser_;  // for Next
  PendingState own_state_;

  // The batch being read, and the run of adjacent JSON lines in buf_ not
  // yet copied into its arena.
  EventBatch* batch_ = nullptr;
  PendingState* st_ = nullptr;
  bool run_open_ = false;
  const char* run_begin_ = nullptr;
  const char* run_end_ = nullptr;
  size_t run_first_item_ = 0;

  size_t next_file_ = 0;
  uint32_t cur_ = 0;
  bool open_ = false;
  std::unique_ptr<Decoder> decoder_;
  Format format_ = Format::kAuto;
  std::unique_ptr<JsonFormat> json_;
  std::unique_ptr<internal::CsvFormat> csv_;
  std::unique_ptr<internal::ZeekTsvFormat> zeek_tsv_;  // a Zeek TSV file

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
    if (line.starts_with("#separator ")) return Format::kZeek;  // Zeek TSV
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
