#include "stix/reader.h"

#include <simdjson.h>

#include <cstring>

#include <fmt/format.h>

#include "core/id.h"
#include "core/json.h"
#include "stix/decode.h"

namespace ncert::stix {

std::string Location::Format(std::string_view inner) const {
  if (!pointer.empty()) return fmt::format("{}:{}{}", file, pointer, inner);
  if (inner.empty()) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, inner);
}

// The scanner: a small state machine over the bytes of a file that finds
// where each top-level value, each bundle member of "objects" and each
// element of a top-level array begins and ends. It tracks only strings,
// escapes and bracket depth; the real parsing of each piece is simdjson's.
class StixReader::Impl {
 public:
  Impl(const ReaderOptions& options, ReadStats* stats)
      : options_(options), stats_(stats) {
    auto err = parser_.allocate(
        std::min<size_t>(options.max_object_bytes, 1 << 20),
        static_cast<size_t>(options.max_depth));
    (void)err;  // a failed allocation resurfaces as a parse error
  }

  void Begin(std::string_view name,
             const std::function<void(ReadUnit&&)>* sink) {
    file_ = std::string(name);
    sink_ = sink;
    depth_ = 0;
    in_string_ = escape_ = false;
    line_ = 1;
    top_values_ = 0;
    mode_ = Mode::kBetween;
    collector_ = nullptr;
    junk_reported_ = false;
  }

  void Feed(const char* data, size_t n) {
    stats_->bytes += n;
    size_t span = 0;  // start of the bytes not yet given to the collector
    for (size_t i = 0; i < n; ++i) {
      char c = data[i];
      if (in_string_) {
        // Fast path: skip to the next byte that matters inside a string.
        if (!escape_) {
          while (i < n && data[i] != '"' && data[i] != '\\' && data[i] != '\n') {
            ++i;
          }
          if (i == n) break;
          c = data[i];
        }
        if (c == '\n') ++line_;
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == '"') {
          in_string_ = false;
          if (key_start_ >= 0) {  // a depth-1 key of a top-level object
            Flush(data, span, i + 1);
            span = i + 1;
            last_key_ = envelope_.size() >= static_cast<size_t>(key_start_)
                            ? envelope_.substr(static_cast<size_t>(key_start_))
                            : std::string();
            key_start_ = -1;
          }
        }
        continue;
      }
      switch (c) {
        case '\n':
          ++line_;
          break;
        case ' ': case '\t': case '\r':
          break;
        case '"':
          if (mode_ == Mode::kBetween && depth_ == 0) Junk(data, &span, i);
          StartValueIfNeeded(data, &span, i);
          in_string_ = true;
          if (mode_ == Mode::kObject && depth_ == 1 && expect_key_) {
            Flush(data, span, i);
            span = i;
            key_start_ = static_cast<int64_t>(envelope_.size());
            expect_key_ = false;
          }
          break;
        case '{':
        case '[':
          if (mode_ == Mode::kBetween && depth_ == 0) {
            span = i;
            StartTop(c);
          } else if (mode_ == Mode::kObject && depth_ == 1 &&
                     awaiting_value_ && c == '[' && last_key_ == "\"objects\"") {
            // The bundle's "objects" array: members are split out one by one.
            Flush(data, span, i);
            envelope_ += "[]";
            has_objects_ = true;
            mode_ = Mode::kObjectsArray;
            element_index_ = 0;
            collector_ = nullptr;
            span = i + 1;
          } else {
            StartValueIfNeeded(data, &span, i);
          }
          awaiting_value_ = false;
          ++depth_;
          if (depth_ == 1 && c == '{') expect_key_ = true;
          break;
        case '}':
        case ']':
          if (depth_ == 0) {
            Junk(data, &span, i);
            break;
          }
          --depth_;
          if (mode_ == Mode::kObjectsArray && depth_ == 1) {
            // End of "objects": flush a last element, then back to envelope.
            EndElement(data, span, i);
            mode_ = Mode::kObject;
            collector_ = &envelope_;
            span = i + 1;
          } else if (mode_ == Mode::kArray && depth_ == 0) {
            EndElement(data, span, i);
            mode_ = Mode::kBetween;
            span = i + 1;
          } else if (depth_ == 0) {  // end of a top-level object
            Flush(data, span, i + 1);
            span = i + 1;
            EndTop();
          } else if (depth_ == ElementDepth() && element_open_) {
            Flush(data, span, i + 1);
            span = i + 1;
            EmitElement();
          }
          break;
        case ',':
          if (depth_ == ElementDepth() && element_open_) {
            Flush(data, span, i);
            span = i + 1;
            EmitElement();
          } else if (mode_ == Mode::kObject && depth_ == 1) {
            expect_key_ = true;
          }
          break;
        case ':':
          if (mode_ == Mode::kObject && depth_ == 1) awaiting_value_ = true;
          break;
        default:
          if (mode_ == Mode::kBetween && depth_ == 0) {
            Junk(data, &span, i);
          } else {
            StartValueIfNeeded(data, &span, i);
          }
      }
    }
    Flush(data, span, n);
  }

  void End() {
    if (mode_ == Mode::kBetween && depth_ == 0 && !in_string_) {
      if (top_values_ == 0 && !junk_reported_) {
        Report(Location{file_, line_, "", false}, "empty-input",
               "the file holds no JSON value");
      }
      return;
    }
    // The file ended inside a value.
    std::string why = fmt::format(
        "the input ends inside this value (started at line {}): truncated JSON",
        element_open_ ? element_line_ : top_line_);
    if (element_open_) {
      Report(ElementLocation(), "json-truncated", why);
    } else {
      Report(TopLocation(), "json-truncated", why);
    }
    mode_ = Mode::kBetween;
    depth_ = 0;
  }

 private:
  enum class Mode {
    kBetween,       // between top-level values
    kObject,        // inside a top-level object (collected into envelope_)
    kObjectsArray,  // inside its "objects" array: members are elements
    kArray,         // inside a top-level array: members are elements
  };

  int ElementDepth() const {
    return mode_ == Mode::kObjectsArray ? 2 : mode_ == Mode::kArray ? 1 : -1;
  }

  void StartTop(char c) {
    ++top_values_;
    top_line_ = line_;
    has_objects_ = false;
    expect_key_ = awaiting_value_ = false;
    key_start_ = -1;
    last_key_.clear();
    envelope_.clear();
    envelope_oversize_ = false;
    element_open_ = false;
    if (c == '{') {
      mode_ = Mode::kObject;
      collector_ = &envelope_;
    } else {
      mode_ = Mode::kArray;
      element_index_ = 0;
      collector_ = nullptr;
    }
  }

  // At a byte that starts a value: inside an array being split, at the
  // element depth, that value is a new element.
  void StartValueIfNeeded(const char* data, size_t* span, size_t i) {
    if (mode_ == Mode::kObject && depth_ == 1) awaiting_value_ = false;
    if (depth_ != ElementDepth() || element_open_) return;
    Flush(data, *span, i);
    *span = i;
    element_open_ = true;
    element_line_ = line_;
    element_.clear();
    element_oversize_ = false;
    collector_ = &element_;
  }

  void EndElement(const char* data, size_t span, size_t i) {
    if (!element_open_) return;
    Flush(data, span, i);
    EmitElement();
  }

  void Flush(const char* data, size_t from, size_t to) {
    if (collector_ == nullptr || to <= from) return;
    if (collector_->size() + (to - from) > options_.max_object_bytes) {
      (collector_ == &element_ ? element_oversize_ : envelope_oversize_) = true;
      return;
    }
    collector_->append(data + from, to - from);
  }

  void Junk(const char* data, size_t* span, size_t i) {
    (void)data;
    *span = i + 1;
    if (junk_reported_) return;
    junk_reported_ = true;
    Report(Location{file_, line_, "", false}, "json-syntax",
           "text outside any JSON value (want a STIX bundle, an object, an "
           "array of objects or one object per line)");
  }

  Location ElementLocation() const {
    std::string pointer =
        mode_ == Mode::kObjectsArray
            ? fmt::format("/objects/{}", element_index_)
            : fmt::format("/{}", element_index_);
    return Location{file_, element_line_, std::move(pointer), false};
  }
  Location TopLocation() const {
    return Location{file_, top_line_, "", top_values_ > 1};
  }

  void EmitElement() {
    element_open_ = false;
    collector_ = nullptr;
    Location where = ElementLocation();
    ++element_index_;
    if (element_oversize_) {
      ReportOversize(std::move(where));
    } else {
      ParseAndEmit(std::move(where), &element_);
    }
  }

  void EndTop() {
    mode_ = Mode::kBetween;
    collector_ = nullptr;
    Location where = TopLocation();
    if (envelope_oversize_) {
      ReportOversize(std::move(where));
      return;
    }
    if (!has_objects_) {
      ParseAndEmit(std::move(where), &envelope_);
      return;
    }
    CheckEnvelope(std::move(where));
  }

  void ReportOversize(Location where) {
    Report(std::move(where), "object-too-large",
           fmt::format("the value is larger than the limit of {} bytes "
                       "(ingest.max_object_bytes)",
                       options_.max_object_bytes));
  }

  static std::pair<std::string, std::string> SimdjsonIssue(
      simdjson::error_code e) {
    switch (e) {
      case simdjson::UTF8_ERROR:
        return {"json-invalid-utf8", "the text is not valid UTF-8"};
      case simdjson::DEPTH_ERROR:
        return {"json-too-deep", "the value is nested deeper than allowed "
                                 "(ingest.max_depth)"};
      case simdjson::CAPACITY:
        return {"object-too-large", "the value is too large to parse"};
      case simdjson::NUMBER_ERROR:
      case simdjson::NUMBER_OUT_OF_RANGE:
        return {"json-number", std::string("a number cannot be read: ") +
                                   simdjson::error_message(e)};
      default:
        return {"json-syntax", std::string("not valid JSON: ") +
                                   simdjson::error_message(e)};
    }
  }

  bool Parse(const Location& where, std::string* text,
             simdjson::dom::element* out) {
    size_t len = text->size();
    if (len > parser_.capacity()) {
      auto err = parser_.allocate(len, static_cast<size_t>(options_.max_depth));
      if (err) {
        Report(where, "object-too-large", "cannot allocate parser memory");
        return false;
      }
    }
    text->resize(len + simdjson::SIMDJSON_PADDING);
    auto err = parser_.parse(text->data(), len, false).get(*out);
    text->resize(len);
    if (err) {
      auto [rule, message] = SimdjsonIssue(err);
      Report(where, rule, message);
      return false;
    }
    return true;
  }

  void ParseAndEmit(Location where, std::string* text) {
    simdjson::dom::element el;
    if (!Parse(where, text, &el)) return;
    ReadUnit unit;
    unit.where = std::move(where);
    unit.object = ValidateAndDecode(el, &unit.issues, text->size());
    ++stats_->units;
    if (unit.object) {
      ++stats_->valid;
    } else {
      ++stats_->rejected;
    }
    for (const auto& i : unit.issues) {
      if (i.severity == Severity::kWarning) ++stats_->warnings;
    }
    (*sink_)(std::move(unit));
  }

  // The bundle itself: {"type":"bundle","id":"bundle--…","objects":[]} with
  // the members already handed on.
  void CheckEnvelope(Location where) {
    simdjson::dom::element el;
    if (!Parse(where, &envelope_, &el)) return;
    std::vector<Issue> issues;
    std::string_view type, id, spec;
    if (el["type"].get_string().get(type) != simdjson::SUCCESS ||
        type != "bundle") {
      issues.push_back({Severity::kError, "/type", "bundle-type",
                        "an object with an \"objects\" list must be a bundle "
                        "(\"type\": \"bundle\"); its members were read anyway"});
    }
    if (el["id"].get_string().get(id) != simdjson::SUCCESS) {
      issues.push_back({Severity::kError, "/id", "required-property",
                        "a bundle must have an \"id\" (bundle--<uuid>)"});
    } else if (auto parsed = ParseStixId(id);
               !parsed.ok() || parsed->type != "bundle") {
      issues.push_back({Severity::kError, "/id", "identifier-format",
                        fmt::format("'{}' is not bundle--<RFC 4122 UUID>", id)});
    }
    if (el["spec_version"].get_string().get(spec) == simdjson::SUCCESS) {
      issues.push_back(
          {Severity::kWarning, "/spec_version", "bundle-spec-version",
           fmt::format("a STIX 2.1 bundle has no spec_version; '{}' marks a "
                       "STIX 2.0 bundle, whose objects may not be valid 2.1",
                       spec)});
    }
    if (issues.empty()) return;
    ReadUnit unit;
    unit.where = std::move(where);
    unit.issues = std::move(issues);
    ++stats_->units;
    if (HasError(unit.issues)) ++stats_->rejected;
    for (const auto& i : unit.issues) {
      if (i.severity == Severity::kWarning) ++stats_->warnings;
    }
    (*sink_)(std::move(unit));
  }

  void Report(Location where, std::string rule, std::string message) {
    ReadUnit unit;
    unit.where = std::move(where);
    unit.issues.push_back(
        {Severity::kError, "", std::move(rule), std::move(message)});
    ++stats_->units;
    ++stats_->rejected;
    (*sink_)(std::move(unit));
  }

  const ReaderOptions& options_;
  ReadStats* stats_;
  simdjson::dom::parser parser_;
  const std::function<void(ReadUnit&&)>* sink_ = nullptr;
  std::string file_;

  // Scanner state.
  Mode mode_ = Mode::kBetween;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  int64_t line_ = 1;
  int64_t top_values_ = 0;
  int64_t top_line_ = 1;
  bool junk_reported_ = false;
  // Top-level object: its text minus "objects" members, and key tracking.
  std::string envelope_;
  bool has_objects_ = false;
  bool expect_key_ = false;
  bool awaiting_value_ = false;
  int64_t key_start_ = -1;
  std::string last_key_;
  // The element being cut out.
  std::string element_;
  bool element_open_ = false;
  int64_t element_line_ = 0;
  int64_t element_index_ = 0;
  bool element_oversize_ = false;
  bool envelope_oversize_ = false;
  std::string* collector_ = nullptr;
};

StixReader::StixReader(Env& env, ReaderOptions options)
    : env_(env),
      options_(options),
      impl_(std::make_unique<Impl>(options_, &stats_)) {}

StixReader::~StixReader() = default;

Status StixReader::ReadFile(const std::string& path,
                            const std::function<void(ReadUnit&&)>& sink) {
  ASSIGN_OR_RETURN(auto file, env_.OpenSequential(path));
  impl_->Begin(path, &sink);
  std::string chunk(options_.chunk_bytes, '\0');
  while (true) {
    ASSIGN_OR_RETURN(size_t n, file->Read(chunk.data(), chunk.size()));
    if (n == 0) break;
    impl_->Feed(chunk.data(), n);
  }
  impl_->End();
  return Status::Ok();
}

Status StixReader::ReadBuffer(std::string_view name, std::string_view data,
                              const std::function<void(ReadUnit&&)>& sink) {
  impl_->Begin(name, &sink);
  impl_->Feed(data.data(), data.size());
  impl_->End();
  return Status::Ok();
}

}  // namespace ncert::stix
