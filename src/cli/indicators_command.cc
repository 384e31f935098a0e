// ncert indicators export: block lists for ISPs and operators from the
// current indicators the caller may see (docs/blocklists.md).

#include <fmt/format.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <memory>

#include "access/label.h"
#include "blocklist/blocklist.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "core/id.h"
#include "core/json.h"

namespace ncert::cli {
namespace {

struct ExportOptions {
  std::string format;
  std::vector<std::string> types;
  std::string since;
  int64_t min_confidence = -1;
  std::string tlp_max;
  std::string output;
  std::string bundle_id;
  std::string at;  // --at: "now" for validity and headers (default: clock)
  blocklist::WriterOptions writer;
  int max_skipped_shown = 20;
};

struct Summary {
  int64_t indicators_seen = 0;      // visible, latest versions
  int64_t indicators_current = 0;   // valid now, not revoked
  int64_t indicators_filtered = 0;  // left out by --min-confidence/--tlp-max
  int64_t indicators_exported = 0;
  std::vector<blocklist::Skipped> skipped;
};

// Escapes a hostile value for one line of a terminal: printable ASCII, the
// rest as \xNN.
std::string Shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 200)) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  if (s.size() > 200) out += "...";
  return out;
}

Result<std::optional<stix::Tlp>> ParseTlpMax(const std::string& text) {
  if (text.empty()) return std::optional<stix::Tlp>();
  std::string name = text;
  for (char& c : name) c = static_cast<char>(std::toupper(c));
  if (name.rfind("TLP:", 0) != 0) name = "TLP:" + name;
  auto tlp = stix::ParseTlpName(name);
  if (!tlp) {
    return Status::InvalidArgument(fmt::format(
        "--tlp-max '{}' is not clear, green, amber, amber+strict or red",
        text));
  }
  return std::optional<stix::Tlp>(*tlp);
}

void PrintSummary(Context& ctx, const ExportOptions& opt, const Summary& s,
                  const blocklist::Writer& w, std::FILE* sink) {
  const auto& written = w.written();
  if (ctx.json) {
    std::string out = fmt::format(
        "{{\"format\":\"{}\",\"indicators\":{},\"current\":{},\"filtered\":{},"
        "\"exported\":{},\"values\":{{",
        opt.format, s.indicators_seen, s.indicators_current,
        s.indicators_filtered, s.indicators_exported);
    for (int k = 0; k < blocklist::kKinds; ++k) {
      if (k) out += ',';
      out += fmt::format("\"{}\":{}",
                         blocklist::KindName(static_cast<blocklist::Kind>(k)),
                         written[k]);
    }
    out += "},\"skipped\":[";
    for (size_t i = 0; i < s.skipped.size(); ++i) {
      if (i) out += ',';
      out += "{\"indicator\":";
      AppendJsonString(s.skipped[i].indicator_id, &out);
      out += ",\"value\":";
      // JSON needs valid UTF-8; hostile bytes are shown escaped.
      AppendJsonString(Shown(s.skipped[i].value), &out);
      out += ",\"reason\":";
      AppendJsonString(Shown(s.skipped[i].reason), &out);
      out += '}';
    }
    out += "]}";
    fmt::print(sink, "{}\n", out);
    return;
  }
  if (ctx.quiet) return;
  const bool ja = ctx.lang == Lang::kJa;
  fmt::print(sink,
             fmt::runtime(
                 ja ? "{} 形式: 指標 {} 件を書き出しました（閲覧可能 {} 件、"
                      "有効 {} 件、条件で除外 {} 件）\n"
                    : "{}: exported {} indicators ({} visible, {} current, {} "
                      "left out by filters)\n"),
             opt.format, s.indicators_exported, s.indicators_seen,
             s.indicators_current, s.indicators_filtered);
  for (int k = 0; k < blocklist::kKinds; ++k) {
    if (written[k] == 0) continue;
    fmt::print(sink, "  {:<12} {:>9}\n",
               blocklist::KindName(static_cast<blocklist::Kind>(k)),
               written[k]);
  }
  if (s.skipped.empty()) return;
  fmt::print(sink,
             fmt::runtime(ja ? "スキップした値 {} 件（理由つき）:\n"
                             : "skipped {} values (with reasons):\n"),
             s.skipped.size());
  int shown = 0;
  for (const auto& sk : s.skipped) {
    if (shown++ == opt.max_skipped_shown) {
      fmt::print(sink,
                 fmt::runtime(ja ? "  ...ほか {} 件（--json で全件）\n"
                                 : "  ... and {} more (--json lists all)\n"),
                 s.skipped.size() - static_cast<size_t>(opt.max_skipped_shown));
      break;
    }
    fmt::print(sink, "  {} '{}': {}\n", sk.indicator_id, Shown(sk.value),
               Shown(sk.reason));
  }
}

int RunIndicatorsExport(Context& ctx, ExportOptions opt) {
  // Options first: bad usage is exit 2 before anything is read.
  auto format = blocklist::ParseFormat(opt.format);
  if (!format) {
    return ctx.Fail(Status::InvalidArgument(fmt::format(
        "--format '{}' is not stix, csv, txt, suricata, rpz or nftables",
        opt.format)));
  }
  std::array<bool, blocklist::kKinds> wanted;
  wanted.fill(opt.types.empty());
  for (const auto& t : opt.types) {
    auto kinds = blocklist::ParseTypeFilter(t);
    if (!kinds) {
      return ctx.Fail(Status::InvalidArgument(fmt::format(
          "--type '{}' is not ipv4-addr, ipv6-addr, domain-name, url or file",
          t)));
    }
    for (auto k : *kinds) wanted[static_cast<size_t>(k)] = true;
  }
  store::Query q;
  q.types = {"indicator"};
  if (!opt.since.empty()) {
    auto t = ParseTimestamp(opt.since);
    if (!t.ok()) {
      return ctx.Fail(Status::InvalidArgument(
          fmt::format("--since '{}': {}", opt.since, t.status().message())));
    }
    q.modified_since = *t;
  }
  auto tlp_max = ParseTlpMax(opt.tlp_max);
  if (!tlp_max.ok()) return ctx.Fail(tlp_max.status());
  if (opt.min_confidence > 100) {
    return ctx.Fail(Status::InvalidArgument("--min-confidence is 0..100"));
  }
  opt.writer.format = *format;
  opt.writer.now = ctx.clock->Now();
  if (!opt.at.empty()) {
    auto t = ParseTimestamp(opt.at);
    if (!t.ok()) {
      return ctx.Fail(Status::InvalidArgument(
          fmt::format("--at '{}': {}", opt.at, t.status().message())));
    }
    opt.writer.now = *t;
  }
  if (opt.bundle_id.empty()) {
    opt.bundle_id = NewStixId("bundle");
  } else if (auto id = ParseStixId(opt.bundle_id);
             !id.ok() || id->type != "bundle") {
    return ctx.Fail(Status::InvalidArgument(
        fmt::format("--bundle-id '{}' is not bundle--<uuid>", opt.bundle_id)));
  }
  opt.writer.bundle_id = opt.bundle_id;
  auto writer = blocklist::NewWriter(opt.writer);
  if (!writer.ok()) return ctx.Fail(writer.status());
  blocklist::Writer& w = **writer;

  auto st = ctx.OpenStore();
  if (!st.ok()) return ctx.Fail(st.status());
  auto caller = ctx.Caller((*st)->directory());
  if (!caller.ok()) return ctx.Fail(caller.status());
  const store::Reader reader = store::Reader::As(*caller);

  std::FILE* out = ctx.out;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (!opt.output.empty() && opt.output != "-") {
    file.reset(std::fopen(opt.output.c_str(), "wb"));
    if (!file) {
      return ctx.Fail(Status::IoError(
          fmt::format("cannot write {}: is the directory there and writable?",
                      opt.output)));
    }
    out = file.get();
  }

  uint64_t total = 0;
  if (ctx.ShowProgress()) {
    auto stats = (*st)->Stats(reader);
    if (stats.ok())
      total = static_cast<uint64_t>(stats->latest_by_type["indicator"]);
  }
  ProgressBar bar(ctx.err, ctx.clock, "export", total, ctx.ShowProgress());

  Summary sum;
  std::string buf;
  w.Begin(&buf);
  std::vector<blocklist::Value> values, kept;
  std::vector<blocklist::Skipped> skipped;
  const Timestamp now = opt.writer.now;
  Status scan = (*st)->Scan(reader, q, [&](const store::StoredObject& o) {
    ++sum.indicators_seen;
    if (sum.indicators_seen % 4096 == 0) {
      bar.Update(static_cast<uint64_t>(sum.indicators_seen),
                 sum.indicators_seen);
    }
    auto ind = blocklist::ParseIndicator(o.json);
    if (!ind.ok() || !blocklist::IsCurrent(*ind, now)) return true;
    ++sum.indicators_current;
    if (auto label = access::DecodeLabel(o.access); label.ok()) {
      ind->tlp = label->tlp;
    }
    // No TLP reads as AMBER, as the access policy reads it.
    const stix::Tlp tlp = ind->tlp.value_or(stix::Tlp::kAmber);
    if ((*tlp_max && tlp > **tlp_max) ||
        (opt.min_confidence >= 0 &&
         ind->confidence.value_or(-1) < opt.min_confidence)) {
      ++sum.indicators_filtered;
      return true;
    }
    values.clear();
    skipped.clear();
    blocklist::ExtractValues(*ind, &values, &skipped);
    kept.clear();
    for (auto& v : values) {
      if (wanted[static_cast<size_t>(v.kind)]) kept.push_back(std::move(v));
    }
    // Reasons are reported only for what the caller asked for: without
    // --type, every value; with it, skipped values of other types are not
    // of interest.
    if (opt.types.empty()) {
      sum.skipped.insert(sum.skipped.end(), skipped.begin(), skipped.end());
    }
    const bool keep = *format == blocklist::Format::kStix
                          ? (opt.types.empty() || !kept.empty())
                          : !kept.empty();
    if (!keep) return true;
    ++sum.indicators_exported;
    w.Add(*ind, kept, &buf);
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
    return true;
  });
  w.End(&buf);
  std::fwrite(buf.data(), 1, buf.size(), out);
  bar.Finish();
  bool write_failed = std::fflush(out) != 0 || std::ferror(out);

  Status companions = Status::Ok();
  for (const auto& c : w.Companions()) {
    if (opt.output.empty() || opt.output == "-") {
      sum.skipped.push_back(
          {"", c.name,
           "Suricata hash lists are files beside the rules: give --output "
           "FILE to write them"});
      continue;
    }
    std::string dir = opt.output.substr(0, opt.output.rfind('/') + 1);
    companions = ctx.env->WriteFile(dir + c.name, c.content);
    if (!companions.ok()) break;
  }

  ctx.Audit((*st)->directory(), *caller, "export",
            fmt::format("indicators export format={}{}", opt.format,
                        opt.types.empty() ? "" : " typed"),
            scan.ok() ? fmt::format("ok {} indicators", sum.indicators_exported)
                      : "error: " + scan.message());
  if (!scan.ok()) return ctx.Fail(scan);
  if (write_failed) {
    return ctx.Fail(Status::IoError(
        fmt::format("cannot write {}: the disk may be full",
                    opt.output.empty() ? "standard output" : opt.output)));
  }
  if (!companions.ok()) return ctx.Fail(companions);
  // The summary goes to stderr, unless the list went to a file and the
  // caller asked for JSON: then stdout is free for it.
  const bool to_file = !opt.output.empty() && opt.output != "-";
  PrintSummary(ctx, opt, sum, w, ctx.json && to_file ? ctx.out : ctx.err);
  return kExitOk;
}

}  // namespace

void AddIndicatorsCommand(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* ind =
      app.add_subcommand("indicators", "Work with indicators: block lists");
  ind->require_subcommand(1);
  auto opt = std::make_shared<ExportOptions>();
  CLI::App* cmd = ind->add_subcommand(
      "export",
      "Write the current indicators you may see as a block list "
      "(stix, csv, txt, suricata, rpz, nftables)");
  cmd->add_option("--format", opt->format,
                  "stix | csv | txt | suricata | rpz | nftables")
      ->required();
  cmd->add_option("--type", opt->types,
                  "only values of this type: ipv4-addr, ipv6-addr, "
                  "domain-name, url, file (repeatable)");
  cmd->add_option("--since", opt->since,
                  "only indicators modified at or after this RFC 3339 time");
  cmd->add_option("--min-confidence", opt->min_confidence,
                  "only indicators with confidence >= N (0..100; those "
                  "without a confidence are left out)");
  cmd->add_option("--tlp-max", opt->tlp_max,
                  "only indicators marked at most this TLP (clear, green, "
                  "amber, amber+strict, red; unmarked counts as amber)");
  cmd->add_option("-o,--output", opt->output,
                  "write the list to FILE (Suricata hash lists go beside it)");
  cmd->add_option("--bundle-id", opt->bundle_id, "stix: the bundle's id");
  cmd->add_option("--at", opt->at,
                  "judge validity at this RFC 3339 time instead of now (and "
                  "stamp it in headers): reproducible lists");
  cmd->add_option("--sid-base", opt->writer.sid_base,
                  "suricata: first sid of the range")
      ->capture_default_str();
  cmd->add_option("--sid-span", opt->writer.sid_span,
                  "suricata: size of the sid range")
      ->capture_default_str();
  cmd->add_option("--addresses-per-rule", opt->writer.max_addresses_per_rule,
                  "suricata: addresses in one IP rule")
      ->capture_default_str();
  cmd->add_option("--hash-list-prefix", opt->writer.hash_list_prefix,
                  "suricata: hash lists are PREFIX-md5.txt, -sha1, -sha256")
      ->capture_default_str();
  cmd->add_option("--rpz-zone", opt->writer.rpz_zone, "rpz: the zone's name")
      ->capture_default_str();
  cmd->add_option("--rpz-policy", opt->writer.rpz_policy,
                  "rpz: nxdomain | nodata | drop | passthru | redirect")
      ->capture_default_str();
  cmd->add_option("--rpz-redirect", opt->writer.rpz_redirect,
                  "rpz: the host name answers are redirected to");
  cmd->add_option("--nft-table", opt->writer.nft_table,
                  "nftables: the inet table the script replaces")
      ->capture_default_str();
  cmd->callback(
      [&ctx, opt, exit_code] { *exit_code = RunIndicatorsExport(ctx, *opt); });
}

}  // namespace ncert::cli
