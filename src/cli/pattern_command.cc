// ncert pattern check PATTERN: is this STIX 2.1 pattern valid?
// ncert pattern match PATTERN FILE: does it match the observed-data in FILE?

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/issue_printer.h"
#include "core/json.h"
#include "pattern/observation.h"
#include "pattern/pattern.h"
#include "stix/reader.h"

namespace ncert::cli {
namespace {

void AppendDiagnosticsJson(const std::vector<pattern::Diagnostic>& diags,
                           pattern::Severity severity, std::string* out) {
  *out += '[';
  bool first = true;
  for (const pattern::Diagnostic& d : diags) {
    if (d.severity != severity) continue;
    if (!first) *out += ',';
    first = false;
    *out += fmt::format("{{\"column\":{},\"rule\":", d.column);
    AppendJsonString(d.rule, out);
    *out += ",\"message\":";
    AppendJsonString(d.message, out);
    *out += '}';
  }
  *out += ']';
}

// "column 14: message" on stderr, with the pattern and a caret under the
// column when the pattern is short enough to show.
void PrintDiagnostic(Context& ctx, std::string_view text,
                     const pattern::Diagnostic& d) {
  fmt::print(ctx.err, "{}\n", d.ToString());
  if (d.severity != pattern::Severity::kError || text.size() > 200 ||
      text.find('\n') != std::string_view::npos) {
    return;
  }
  fmt::print(ctx.err, "  {}\n  {:>{}}\n", text, "^", d.column);
}

// Compiles `text`; on errors prints them (per --json) and returns null.
std::unique_ptr<pattern::Pattern> CompileOrReport(Context& ctx,
                                                  std::string_view text,
                                                  bool print_warnings) {
  pattern::CompileResult r = pattern::Compile(text);
  if (!r.ok()) {
    const pattern::Diagnostic* e = r.first_error();
    if (ctx.json) {
      std::string out = "{\"valid\":false,\"errors\":";
      AppendDiagnosticsJson(r.diagnostics, pattern::Severity::kError, &out);
      out += ",\"warnings\":";
      AppendDiagnosticsJson(r.diagnostics, pattern::Severity::kWarning, &out);
      out += "}";
      fmt::print(ctx.out, "{}\n", out);
    } else {
      fmt::print(ctx.out, "invalid: {}\n", e->ToString());
      PrintDiagnostic(ctx, text, *e);
    }
    return nullptr;
  }
  if (print_warnings && !ctx.quiet && !ctx.json) {
    for (const pattern::Diagnostic& w : r.pattern->warnings()) {
      PrintDiagnostic(ctx, text, w);
    }
  }
  return std::move(r.pattern);
}

const char* AtomKind(pattern::PrefilterAtom::Kind k) {
  switch (k) {
    case pattern::PrefilterAtom::Kind::kEquals:
      return "equals";
    case pattern::PrefilterAtom::Kind::kCidr:
      return "cidr";
    case pattern::PrefilterAtom::Kind::kLike:
      return "like";
    case pattern::PrefilterAtom::Kind::kRegex:
      return "regex";
  }
  return "?";
}

// ---- check ------------------------------------------------------------------

struct CheckOptions {
  std::string pattern;
  bool strict = false;
  bool canonical = false;
};

int RunCheck(Context& ctx, const CheckOptions& opt) {
  auto p = CompileOrReport(ctx, opt.pattern, /*print_warnings=*/true);
  if (p == nullptr) return kExitInvalid;
  bool fail = opt.strict && !p->warnings().empty();
  if (ctx.json) {
    std::string out =
        fmt::format("{{\"valid\":{},\"canonical\":", fail ? "false" : "true");
    AppendJsonString(p->canonical(), &out);
    out += ",\"errors\":[],\"warnings\":";
    AppendDiagnosticsJson(p->warnings(), pattern::Severity::kWarning, &out);
    out += ",\"expressions\":[";
    for (size_t i = 0; i < p->expressions().size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(p->expressions()[i], &out);
    }
    pattern::Prefilter pf = p->GetPrefilter();
    out += fmt::format("],\"prefilter\":{{\"anchored\":{},\"any_of\":[",
                       pf.anchored ? "true" : "false");
    for (size_t i = 0; i < pf.any_of.size(); ++i) {
      const pattern::PrefilterAtom& a = pf.any_of[i];
      if (i > 0) out += ',';
      out += fmt::format("{{\"kind\":\"{}\",\"type\":", AtomKind(a.kind));
      AppendJsonString(a.object_type, &out);
      out += ",\"path\":";
      AppendJsonString(a.path, &out);
      out += ",\"value\":";
      AppendJsonString(a.value, &out);
      out += '}';
    }
    out += "]}}";
    fmt::print(ctx.out, "{}\n", out);
  } else if (fail) {
    fmt::print(ctx.out, "invalid: {} (--strict)\n",
               p->warnings()[0].ToString());
  } else if (opt.canonical) {
    fmt::print(ctx.out, "{}\n", p->canonical());
  } else {
    fmt::print(ctx.out, "valid{}\n",
               p->warnings().empty()
                   ? ""
                   : fmt::format(" ({} warnings)", p->warnings().size()));
  }
  return fail ? kExitInvalid : kExitOk;
}

// ---- match ------------------------------------------------------------------

struct MatchOptions {
  std::string pattern;
  std::string file;
  int max_bindings = 10;
  int64_t max_steps = 1'000'000;
};

int RunMatch(Context& ctx, const MatchOptions& opt) {
  auto p = CompileOrReport(ctx, opt.pattern, /*print_warnings=*/false);
  if (p == nullptr) return kExitInvalid;

  stix::ReaderOptions ro;
  ro.max_object_bytes = ctx.config.max_object_bytes;
  ro.max_depth = ctx.config.max_depth;
  stix::StixReader reader(*ctx.env, ro);
  IssuePrinter printer(ctx, /*show_warnings=*/false, /*max_listed=*/100);
  pattern::ObservationCollector collector;
  Status s = reader.ReadFile(opt.file, [&](stix::ReadUnit&& unit) {
    printer.Print(unit.where, unit.issues);
    if (unit.object) collector.Add(*unit.object);
  });
  if (!s.ok()) return ctx.Fail(s);
  if (reader.stats().rejected > 0) {
    if (ctx.json) {
      fmt::print(ctx.out, "{{\"matched\":false,\"invalid\":{},{}}}\n",
                 reader.stats().rejected, printer.JsonMember());
    } else {
      fmt::print(ctx.err,
                 "ncert: {} objects in {} are invalid; nothing matched\n",
                 reader.stats().rejected, opt.file);
    }
    return kExitInvalid;
  }
  std::vector<std::string> notes;
  std::vector<pattern::Observation> observations = collector.Finish(&notes);
  if (!ctx.quiet && !ctx.json) {
    for (const std::string& n : notes) fmt::print(ctx.err, "warning: {}\n", n);
  }

  pattern::MatchOptions mo;
  mo.max_bindings = std::max(1, opt.max_bindings);
  mo.max_steps = opt.max_steps;
  pattern::MatchResult r = p->Match(observations, mo);
  bool limit = r.outcome == pattern::MatchResult::Outcome::kLimitReached;

  if (ctx.json) {
    std::string out = fmt::format(
        "{{\"matched\":{},\"limit_reached\":{},\"observations\":{},"
        "\"steps\":{},\"expressions\":[",
        r.matched() ? "true" : "false", limit ? "true" : "false",
        observations.size(), r.steps);
    for (size_t i = 0; i < p->expressions().size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(p->expressions()[i], &out);
    }
    out += "],\"bindings\":[";
    for (size_t b = 0; b < r.bindings.size(); ++b) {
      if (b > 0) out += ',';
      out += '[';
      for (size_t i = 0; i < r.bindings[b].size(); ++i) {
        const pattern::BoundObservation& x = r.bindings[b][i];
        if (i > 0) out += ',';
        out +=
            fmt::format("{{\"expression\":{},\"observed_data\":", x.expression);
        AppendJsonString(observations[x.observation].id, &out);
        out += fmt::format(",\"count\":{}}}", x.count);
      }
      out += ']';
    }
    out += ']';
    if (limit) {
      out += ",\"limit\":";
      AppendJsonString(r.limit, &out);
    }
    out += '}';
    fmt::print(ctx.out, "{}\n", out);
    return kExitOk;
  }
  if (limit) {
    fmt::print(ctx.out, "unknown: {}\n", r.limit);
    return kExitOk;
  }
  if (!r.matched()) {
    fmt::print(ctx.out, "no match ({} observations)\n", observations.size());
    return kExitOk;
  }
  fmt::print(ctx.out, "match: {}{} binding{} ({} observations)\n",
             r.bindings.size(),
             static_cast<int>(r.bindings.size()) >= mo.max_bindings ? "+" : "",
             r.bindings.size() == 1 ? "" : "s", observations.size());
  for (size_t b = 0; b < r.bindings.size(); ++b) {
    fmt::print(ctx.out, "binding {}:\n", b + 1);
    for (const pattern::BoundObservation& x : r.bindings[b]) {
      const pattern::Observation& o = observations[x.observation];
      fmt::print(ctx.out, "  {} <- {} ({}{}){}\n",
                 p->expressions()[static_cast<size_t>(x.expression)], o.id,
                 FormatTimestamp(o.first_observed),
                 o.last_observed == o.first_observed
                     ? ""
                     : " .. " + FormatTimestamp(o.last_observed),
                 x.count > 1 ? fmt::format(" x{}", x.count) : "");
    }
  }
  return kExitOk;
}

}  // namespace

void AddPatternCommand(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* cmd =
      app.add_subcommand("pattern",
                         "STIX 2.1 patterns: check one, or match it against "
                         "observed-data (docs/patterns.md)");
  cmd->require_subcommand(1);

  auto check = std::make_shared<CheckOptions>();
  CLI::App* c = cmd->add_subcommand(
      "check",
      "Check a pattern's syntax and semantics: exit 0 valid, 2 invalid "
      "(printing column N: message)");
  c->add_option("pattern", check->pattern, "the pattern, quoted")->required();
  c->add_flag("--strict", check->strict, "treat warnings as errors");
  c->add_flag("--canonical", check->canonical,
              "print the canonical form of a valid pattern");
  c->callback([&ctx, check, exit_code] { *exit_code = RunCheck(ctx, *check); });

  auto match = std::make_shared<MatchOptions>();
  CLI::App* m = cmd->add_subcommand(
      "match",
      "Evaluate a pattern against the observed-data in a STIX file and print "
      "the bindings (exit 0 whether or not it matched)");
  m->add_option("pattern", match->pattern, "the pattern, quoted")->required();
  m->add_option("file", match->file,
                "STIX bundle, objects or NDJSON holding observed-data and "
                "their SCOs")
      ->required()
      ->check(CLI::ExistingFile);
  m->add_option("--max-bindings", match->max_bindings,
                "report at most this many bindings")
      ->capture_default_str();
  m->add_option("--max-steps", match->max_steps,
                "stop the search after this many steps (evaluation limit)")
      ->capture_default_str();
  m->callback([&ctx, match, exit_code] { *exit_code = RunMatch(ctx, *match); });
}

}  // namespace ncert::cli
