// A one-line progress bar on a terminal's stderr:
//   ingest  [#########...........]  42%  180.3 MB  96,512 obj/s
// Drawn at most 10 times a second; nothing at all when disabled.
//
// Thread safety: one thread.
#ifndef NCERT_CLI_PROGRESS_H_
#define NCERT_CLI_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/time.h"

namespace ncert::cli {

class ProgressBar {
 public:
  ProgressBar(std::FILE* sink, Clock* clock, std::string label, uint64_t total,
              bool enabled);
  ~ProgressBar();  // clears the line
  void Update(uint64_t done, int64_t items);
  void Finish();

 private:
  std::FILE* sink_;
  Clock* clock_;
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  Timestamp start_;
  Timestamp last_draw_;
};

}  // namespace ncert::cli

#endif  // NCERT_CLI_PROGRESS_H_
