#include "cli/issue_printer.h"

#include <fmt/format.h>

#include "core/json.h"

namespace ncert::cli {

void IssuePrinter::Print(const stix::Location& where,
                         const std::vector<stix::Issue>& issues) {
  for (const auto& issue : issues) {
    bool warning = issue.severity == stix::Severity::kWarning;
    (warning ? warnings_ : errors_)++;
    if (warning && !show_warnings_) continue;
    if (listed_ >= max_listed_) continue;
    ++listed_;
    if (ctx_.json) {
      if (!json_.empty()) json_ += ',';
      json_ += "{\"location\":";
      AppendJsonString(where.Format(issue.pointer), &json_);
      json_ += ",\"file\":";
      AppendJsonString(where.file, &json_);
      json_ += fmt::format(",\"line\":{},\"pointer\":", where.line);
      AppendJsonString(where.pointer + issue.pointer, &json_);
      json_ += ",\"severity\":";
      json_ += warning ? "\"warning\"" : "\"error\"";
      json_ += ",\"rule\":";
      AppendJsonString(issue.rule, &json_);
      json_ += ",\"message\":";
      AppendJsonString(issue.message, &json_);
      json_ += '}';
    } else {
      fmt::print(ctx_.err, "{}{}: {}: {}\n", warning ? "warning: " : "",
                 where.Format(issue.pointer), issue.rule, issue.message);
    }
  }
}

std::string IssuePrinter::JsonMember() const {
  int64_t total = errors_ + (show_warnings_ ? warnings_ : 0);
  return fmt::format("\"issues\":[{}],\"issues_truncated\":{}", json_,
                     total > listed_ ? "true" : "false");
}

}  // namespace ncert::cli
