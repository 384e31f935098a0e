#include "pattern/pattern.h"

#include <fmt/format.h>

#include <algorithm>

#include "pattern/evaluator.h"
#include "pattern/parser.h"

namespace ncert::pattern {

std::string Diagnostic::ToString() const {
  return fmt::format("column {}: {}{}", column,
                     severity == Severity::kWarning ? "warning: " : "",
                     message);
}

Pattern::Pattern(std::unique_ptr<internal::Program> program)
    : program_(std::move(program)) {}
Pattern::~Pattern() = default;

const std::string& Pattern::canonical() const { return program_->canonical; }
const std::vector<std::string>& Pattern::expressions() const {
  return program_->expressions;
}
const std::vector<Diagnostic>& Pattern::warnings() const {
  return program_->warnings;
}

Prefilter Pattern::GetPrefilter() const {
  return internal::BuildPrefilter(*program_);
}

MatchResult Pattern::Match(std::span<const Observation> observations,
                           const MatchOptions& options) const {
  return internal::Evaluate(*program_, observations, options);
}

const Diagnostic* CompileResult::first_error() const {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError) return &d;
  }
  return nullptr;
}

CompileResult Compile(std::string_view text, const CompileOptions& options) {
  CompileResult result;
  internal::ObsExpr root;
  int leaf_count = 0;
  Diagnostic error;
  if (!internal::ParsePattern(text, options, &root, &leaf_count, &error)) {
    result.diagnostics.push_back(std::move(error));
    return result;
  }
  std::vector<Diagnostic> diags;
  internal::CheckPattern(text, root, &diags);
  bool has_error = std::any_of(diags.begin(), diags.end(), [](const auto& d) {
    return d.severity == Severity::kError;
  });
  auto program = std::make_unique<internal::Program>();
  if (!has_error && !internal::BuildProgram(text, std::move(root), leaf_count,
                                            program.get(), &diags)) {
    has_error = true;
  }
  std::stable_sort(diags.begin(), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.severity != b.severity) {
                       return a.severity == Severity::kError;
                     }
                     bool a_last = a.rule == "too-many-warnings";
                     bool b_last = b.rule == "too-many-warnings";
                     if (a_last != b_last) return b_last;
                     return a.column < b.column;
                   });
  result.diagnostics = std::move(diags);
  if (has_error) return result;
  for (const Diagnostic& d : result.diagnostics) {
    program->warnings.push_back(d);
  }
  result.pattern.reset(new Pattern(std::move(program)));
  return result;
}

}  // namespace ncert::pattern
