// Reads STIX 2.1 content from files of any size with bounded memory and hands
// each object on, validated and decoded, or rejected with its issues.
//
// Accepted layouts, detected from the content: a bundle ({"type":"bundle",
// "objects":[…]}), a single object, a JSON array of objects, and NDJSON /
// concatenated JSON (one value after another, a bundle or an object each).
// The file is scanned in chunks; each object's text is cut out and parsed on
// its own (simdjson), so a syntax error, invalid UTF-8 or an oversized value
// in one object rejects that object only and the rest of the file is read.
// Memory stays at O(chunk + largest object), whatever the file size.
//
// Thread safety: a StixReader is used by one thread; make one per thread.
#ifndef NCERT_STIX_READER_H_
#define NCERT_STIX_READER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "stix/issue.h"
#include "stix/object.h"

namespace ncert::stix {

struct ReaderOptions {
  uint64_t max_object_bytes = 16ull << 20;  // one object's JSON text
  int max_depth = 64;                       // JSON nesting inside one object
  size_t chunk_bytes = 1 << 20;             // read size
};

// Where a unit came from: "apt1.json:/objects/3", "feed.ndjson:12".
struct Location {
  std::string file;
  int64_t line = 0;     // 1-based line where the unit starts
  std::string pointer;  // JSON pointer of the unit in the file ("" = whole)
  bool ndjson = false;  // several top-level values: name the line

  // "file:pointer" (or "file:line" for NDJSON lines); `inner` is appended
  // to the pointer: Format("/created") -> "a.json:/objects/3/created".
  std::string Format(std::string_view inner = "") const;
};

// One unit read: a decoded object, or a rejection.
struct ReadUnit {
  Location where;
  std::optional<Object> object;  // set when valid (warnings may be present)
  std::vector<Issue> issues;     // pointers relative to `where`
};

struct ReadStats {
  int64_t units = 0;     // objects and envelopes looked at
  int64_t valid = 0;
  int64_t rejected = 0;  // units that did not become an Object
  int64_t warnings = 0;
  uint64_t bytes = 0;
};

class StixReader {
 public:
  StixReader(Env& env, ReaderOptions options);
  ~StixReader();

  // Reads `path`, calling `sink` once per unit in file order. Bad content is
  // reported through `sink` and never ends the read; only an I/O error (the
  // file cannot be opened or read) returns a non-OK Status.
  Status ReadFile(const std::string& path,
                  const std::function<void(ReadUnit&&)>& sink);
  // Same for content already in memory, named `name` in locations.
  Status ReadBuffer(std::string_view name, std::string_view data,
                    const std::function<void(ReadUnit&&)>& sink);

  const ReadStats& stats() const { return stats_; }

 private:
  class Impl;
  Env& env_;
  ReaderOptions options_;
  ReadStats stats_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncert::stix

#endif  // NCERT_STIX_READER_H_
