// Prints the issues of rejected and warned units, the same way for every
// command: "file:pointer: rule: message" on stderr for people, or collected
// into the "issues" array of the --json answer (at most `max_listed`; all are
// counted).
//
// Thread safety: one thread.
#ifndef NCERT_CLI_ISSUE_PRINTER_H_
#define NCERT_CLI_ISSUE_PRINTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/context.h"
#include "stix/issue.h"
#include "stix/reader.h"

namespace ncert::cli {

class IssuePrinter {
 public:
  IssuePrinter(Context& ctx, bool show_warnings, int64_t max_listed)
      : ctx_(ctx), show_warnings_(show_warnings), max_listed_(max_listed) {}

  void Print(const stix::Location& where,
             const std::vector<stix::Issue>& issues);
  // `"issues":[...]` for the --json answer (no surrounding braces).
  std::string JsonMember() const;
  int64_t errors() const { return errors_; }
  int64_t warnings() const { return warnings_; }

 private:
  Context& ctx_;
  bool show_warnings_;
  int64_t max_listed_;
  int64_t listed_ = 0;
  int64_t errors_ = 0;
  int64_t warnings_ = 0;
  std::string json_;  // comma-separated issue objects
};

}  // namespace ncert::cli

#endif  // NCERT_CLI_ISSUE_PRINTER_H_
