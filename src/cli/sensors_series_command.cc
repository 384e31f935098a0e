// ncert sensors honeypot | stats | alerts: honeypot logs into series and
// knowledge, the stored series for people, and surge alerts over them.
//
// Series are the national CERT's own telemetry: reading them (stats,
// alerts) is for principals of the national CERT (org 1); writing them
// (honeypot) also for sensor accounts. Knowledge written with --record goes
// through the store with an access label like any other, and every command
// is audited.

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "access/labeler.h"
#include "cli/commands.h"
#include "cli/file_args.h"
#include "cli/progress.h"
#include "cli/share_args.h"
#include "core/json.h"
#include "sensors/alert.h"
#include "sensors/honeypot.h"
#include "sensors/honeypot_ndjson.h"
#include "sensors/series_store.h"
#include "sensors/surge.h"

namespace ncert::cli {
namespace {

bool IsCert(const access::Principal& p) { return p.org.id == 1; }

std::string DbPath(const Context& ctx) {
  return ctx.db_path.empty() ? ctx.config.store_path : ctx.db_path;
}

Result<stix::Tlp> ConfigTlp(const Context& ctx) {
  std::string name = "TLP:" + ctx.config.surge.tlp;
  for (char& c : name) c = static_cast<char>(std::toupper(c));
  auto tlp = stix::ParseTlpName(name);
  if (!tlp) {
    return Status::InvalidArgument("sensors.surge.tlp: not a TLP level");
  }
  return *tlp;
}

// Stores `objects` labelled for the national CERT (its analysts see them).
Result<std::vector<store::PutOutcome>> Record(
    store::Store& st, const std::vector<stix::Object>& objects) {
  access::ShareOptions share;
  share.owner_org = 1;
  access::Labeler labeler(share);
  std::vector<access::AccessLabel> labels;
  labels.reserve(objects.size());
  for (const auto& o : objects) labels.push_back(labeler.Label(o));
  return st.Put(objects, labels);
}

std::string OutcomeCounts(const std::vector<store::PutOutcome>& outcomes) {
  int64_t fresh = 0, versions = 0, same = 0, other = 0;
  for (auto o : outcomes) {
    if (o == store::PutOutcome::kNew) {
      ++fresh;
    } else if (o == store::PutOutcome::kNewVersion) {
      ++versions;
    } else if (o == store::PutOutcome::kUnchanged) {
      ++same;
    } else {
      ++other;
    }
  }
  return fmt::format("{} new, {} new versions, {} unchanged, {} other", fresh,
                     versions, same, other);
}

// ---- honeypot ---------------------------------------------------------------

struct HoneypotOptions {
  std::vector<std::string> files;
  std::string sensor = "honeypot";
  bool follow = false;
  bool record = false;
  int top = 10;
  int poll_ms = 500;
};

// Reads lines from files and feeds the analyzer; counts bad lines.
class LineFeeder {
 public:
  LineFeeder(Context& ctx, sensors::HoneypotAnalyzer* analyzer,
             const std::string& sensor)
      : ctx_(ctx), analyzer_(analyzer), reader_(sensor) {}

  void Line(std::string_view line, uint32_t file, uint64_t line_no,
            const std::string& path) {
    if (line.empty()) return;
    ++lines_;
    std::string rule, message;
    if (!reader_.Parse(line, {file, line_no, 0}, &events_, &rule, &message)) {
      ++bad_lines_;
      if (!ctx_.quiet && bad_lines_ <= 20) {
        fmt::print(ctx_.err, "{}:{}: {}: {}\n", path, line_no, rule, message);
      }
      return;
    }
    for (const auto& e : events_) analyzer_->Add(e);
  }
  int64_t lines() const { return lines_; }
  int64_t bad_lines() const { return bad_lines_; }

 private:
  Context& ctx_;
  sensors::HoneypotAnalyzer* analyzer_;
  sensors::HoneypotLineReader reader_;
  std::vector<telemetry::Event> events_;
  int64_t lines_ = 0, bad_lines_ = 0;
};

// Splits `data` (appended to `*partial`) into lines; keeps the unfinished
// last one in `*partial`.
template <typename Fn>
void SplitLines(std::string_view data, std::string* partial, uint64_t* line_no,
                Fn&& fn) {
  partial->append(data);
  size_t start = 0;
  for (size_t nl; (nl = partial->find('\n', start)) != std::string::npos;
       start = nl + 1) {
    ++*line_no;
    std::string_view line(partial->data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
  }
  partial->erase(0, start);
}

// One file being followed: reopened when it is replaced (rotation: another
// inode at the path) and re-read from the start when it shrinks
// (truncation).
struct Followed {
  std::string path;
  int fd = -1;
  ino_t inode = 0;
  off_t offset = 0;
  uint64_t line_no = 0;
  std::string partial;
};

// Reads what is new in `f`; returns bytes read. Errors other than "not
// there (yet)" are reported once per call.
Result<size_t> Poll(
    Followed& f, const std::function<void(std::string_view, uint64_t)>& line) {
  struct stat st;
  if (::stat(f.path.c_str(), &st) != 0) {
    if (errno == ENOENT) return size_t{0};  // rotated away, not recreated yet
    return Status::IoError(
        fmt::format("cannot stat {}: {}", f.path, std::strerror(errno)));
  }
  size_t total = 0;
  char buf[1 << 16];
  auto drain = [&]() -> Status {
    for (;;) {
      ssize_t n = ::read(f.fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(
            fmt::format("cannot read {}: {}", f.path, std::strerror(errno)));
      }
      if (n == 0) return Status::Ok();
      f.offset += n;
      total += static_cast<size_t>(n);
      SplitLines(std::string_view(buf, static_cast<size_t>(n)), &f.partial,
                 &f.line_no, [&](std::string_view l) { line(l, f.line_no); });
    }
  };
  if (f.fd >= 0 && st.st_ino != f.inode) {
    // Rotated: finish the old file, then start on the new one.
    RETURN_IF_ERROR(drain());
    ::close(f.fd);
    f.fd = -1;
  }
  if (f.fd < 0) {
    f.fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) {
      return Status::IoError(
          fmt::format("cannot open {}: {}", f.path, std::strerror(errno)));
    }
    f.inode = st.st_ino;
    f.offset = 0;
    f.line_no = 0;
    f.partial.clear();
  } else if (st.st_size < f.offset) {
    // Truncated (copytruncate rotation): read again from the start.
    ::lseek(f.fd, 0, SEEK_SET);
    f.offset = 0;
    f.line_no = 0;
    f.partial.clear();
  }
  RETURN_IF_ERROR(drain());
  return total;
}

void PrintReport(Context& ctx, const sensors::HoneypotReport& r, int64_t lines,
                 int64_t bad_lines, int64_t points,
                 const std::string& recorded) {
  const bool ja = ctx.lang == Lang::kJa;
  if (ctx.json) {
    std::string j = fmt::format(
        "{{\"lines\":{},\"bad_lines\":{},\"events\":{},\"analysed\":{},"
        "\"sessions\":{},\"sessions_without_connect\":{},"
        "\"sessions_without_close\":{},\"login_attempts\":{},"
        "\"login_successes\":{},\"mirai_attempts\":{},\"sources\":{},"
        "\"series_points\":{}",
        lines, bad_lines, r.events, r.analysed, r.sessions,
        r.sessions_without_connect, r.sessions_without_close, r.login_attempts,
        r.login_successes, r.mirai_attempts, r.distinct_sources, points);
    j += ",\"credentials\":[";
    for (size_t i = 0; i < r.credentials.size(); ++i) {
      const auto& c = r.credentials[i];
      if (i) j += ',';
      j += "{\"user\":";
      AppendJsonString(c.user, &j);
      j += ",\"password\":";
      AppendJsonString(c.password, &j);
      j += fmt::format(",\"count\":{},\"mirai\":{}}}", c.count,
                       c.mirai ? "true" : "false");
    }
    auto counted = [&](std::string_view name,
                       const std::vector<sensors::Counted>& v) {
      j += fmt::format("],\"{}\":[", name);
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) j += ',';
        j += "{\"value\":";
        AppendJsonString(v[i].value, &j);
        j += fmt::format(",\"count\":{}}}", v[i].count);
      }
    };
    counted("commands", r.commands);
    counted("client_versions", r.client_versions);
    counted("hassh", r.hasshes);
    j += "],\"downloads\":[";
    for (size_t i = 0; i < r.downloads.size(); ++i) {
      if (i) j += ',';
      j += "{\"url\":";
      AppendJsonString(r.downloads[i].url, &j);
      j += ",\"sha256\":";
      AppendJsonString(r.downloads[i].sha256, &j);
      j += fmt::format(",\"count\":{},\"sources\":{}}}", r.downloads[i].count,
                       r.downloads[i].sources);
    }
    j += "],\"attackers\":[";
    for (size_t i = 0; i < r.attackers.size(); ++i) {
      const auto& a = r.attackers[i];
      if (i) j += ',';
      j += "{\"ip\":";
      AppendJsonString(a.ip, &j);
      j += fmt::format(
          ",\"sessions\":{},\"login_attempts\":{},\"commands\":{},"
          "\"downloads\":{},\"behaviour\":\"{}\",\"confidence\":{}}}",
          a.sessions, a.login_attempts, a.commands, a.downloads,
          sensors::BehaviourName(a.behaviour),
          sensors::AttackerConfidence(a.behaviour));
    }
    j += "],\"unknown_kinds\":{";
    bool first = true;
    for (const auto& [k, n] : r.unknown_kinds) {
      if (!first) j += ',';
      first = false;
      AppendJsonString(k, &j);
      j += fmt::format(":{}", n);
    }
    j += "},\"missing_fields\":{";
    first = true;
    for (const auto& [k, n] : r.missing_fields) {
      if (!first) j += ',';
      first = false;
      AppendJsonString(k, &j);
      j += fmt::format(":{}", n);
    }
    j += "},\"problems\":[";
    for (size_t i = 0; i < r.problems.size(); ++i) {
      if (i) j += ',';
      j += fmt::format("{{\"file\":{},\"line\":{},\"rule\":",
                       r.problems[i].where.file, r.problems[i].where.line);
      AppendJsonString(r.problems[i].rule, &j);
      j += ",\"message\":";
      AppendJsonString(r.problems[i].message, &j);
      j += '}';
    }
    j += "],\"recorded\":";
    AppendJsonString(recorded, &j);
    j += "}";
    fmt::print(ctx.out, "{}\n", j);
    return;
  }
  fmt::print(ctx.out,
             fmt::runtime(
                 ja ? "{} 行（不正 {}）、{} イベント（分析 {}）、{} セッション"
                      "（接続なし {}、終了なし {}）、送信元 {}\n"
                    : "{} lines ({} bad), {} events ({} analysed), {} sessions "
                      "({} without connect, {} without close), {} sources\n"),
             lines, bad_lines, r.events, r.analysed, r.sessions,
             r.sessions_without_connect, r.sessions_without_close,
             r.distinct_sources);
  fmt::print(
      ctx.out,
      fmt::runtime(
          ja ? "ログイン試行 {}（成功 {}、Mirai の既定認証情報 {}）\n"
             : "login attempts {} ({} succeeded, {} with a Mirai default "
               "credential)\n"),
      r.login_attempts, r.login_successes, r.mirai_attempts);
  if (!r.credentials.empty()) {
    fmt::print(ctx.out, fmt::runtime(ja ? "\n試行された認証情報:\n"
                                        : "\ncredentials tried:\n"));
    for (const auto& c : r.credentials) {
      fmt::print(ctx.out, "  {:>7}  {} / {}{}\n", c.count, c.user,
                 c.password.empty() ? "(empty)" : c.password,
                 c.mirai ? "   [Mirai]" : "");
    }
  }
  auto list = [&](std::string_view en, std::string_view jp,
                  const std::vector<sensors::Counted>& v) {
    if (v.empty()) return;
    fmt::print(ctx.out, "\n{}:\n", ja ? jp : en);
    for (const auto& c : v) {
      fmt::print(ctx.out, "  {:>7}  {}\n", c.count, c.value.substr(0, 160));
    }
  };
  list("commands", "実行されたコマンド", r.commands);
  list("client versions", "クライアントのバージョン", r.client_versions);
  list("HASSH fingerprints", "HASSH フィンガープリント", r.hasshes);
  if (!r.downloads.empty()) {
    fmt::print(ctx.out,
               fmt::runtime(ja ? "\nダウンロード:\n" : "\ndownloads:\n"));
    for (const auto& d : r.downloads) {
      fmt::print(ctx.out, "  {:>7}  {}  {}\n", d.count,
                 d.url.empty() ? "(upload)" : d.url,
                 d.sha256.empty() ? "-" : d.sha256);
    }
  }
  if (!r.attackers.empty()) {
    fmt::print(ctx.out,
               fmt::runtime(ja ? "\n攻撃元（上位）:\n" : "\ntop attackers:\n"));
    for (const auto& a : r.attackers) {
      fmt::print(ctx.out, "  {:<40} {:>5} sessions  {:<24} confidence {}\n",
                 a.ip, a.sessions, sensors::BehaviourName(a.behaviour),
                 sensors::AttackerConfidence(a.behaviour));
    }
  }
  for (const auto& [k, n] : r.unknown_kinds) {
    fmt::print(
        ctx.err,
        fmt::runtime(
            ja ? "警告: 未知のイベント種別 {}: {} 件（数えて飛ばしました）\n"
               : "warning: unknown event kind {}: {} events (counted and "
                 "skipped)\n"),
        k, n);
  }
  for (const auto& [k, n] : r.missing_fields) {
    fmt::print(ctx.err,
               fmt::runtime(ja ? "警告: 項目の欠落 {}: {} 件\n"
                               : "warning: missing field {}: {} events\n"),
               k, n);
  }
  fmt::print(
      ctx.out,
      fmt::runtime(ja ? "\n系列の点 {}。{}\n" : "\nseries points {}. {}\n"),
      points, recorded);
}

int RunHoneypot(Context& ctx, const HoneypotOptions& opt) {
  auto store = ctx.OpenStore();
  if (!store.ok()) return ctx.Fail(store.status());
  store::Directory& dir = (*store)->directory();
  auto caller = ctx.Caller(dir);
  if (!caller.ok()) return ctx.Fail(caller.status());
  const bool may_series =
      IsCert(*caller) || caller->user.role == access::Role::kSensor;
  if (!may_series || (opt.record && !MayWriteKnowledge(caller->user.role))) {
    ctx.Audit(dir, *caller, "write", "sensors honeypot", "denied: role");
    return ctx.Fail(Status::PermissionDenied(
        fmt::format("{} ({}) may not write sensor series{}", caller->user.name,
                    access::RoleName(caller->user.role),
                    opt.record ? " or knowledge" : "")));
  }
  auto series = sensors::SeriesStore::Open(DbPath(ctx));
  if (!series.ok()) return ctx.Fail(series.status());
  auto tlp = ConfigTlp(ctx);
  if (!tlp.ok()) return ctx.Fail(tlp.status());

  sensors::HoneypotAnalyzer analyzer(sensors::MiraiCredentials::Default());
  LineFeeder feeder(ctx, &analyzer, opt.sensor);
  Status read_status;

  if (!opt.follow) {
    auto files = ExpandInputs(*ctx.env, opt.files);
    if (!files.ok()) return ctx.Fail(files.status());
    ProgressBar bar(ctx.err, ctx.clock, "honeypot", files->total_bytes,
                    ctx.ShowProgress());
    uint64_t done = 0;
    for (size_t i = 0; i < files->paths.size() && read_status.ok(); ++i) {
      const std::string& path = files->paths[i];
      auto f = ctx.env->OpenSequential(path);
      if (!f.ok()) {
        read_status = f.status();
        break;
      }
      std::string partial;
      uint64_t line_no = 0;
      std::vector<char> buf(1 << 20);
      for (;;) {
        auto n = (*f)->Read(buf.data(), buf.size());
        if (!n.ok()) {
          read_status = n.status();
          break;
        }
        if (*n == 0) break;
        done += *n;
        SplitLines(std::string_view(buf.data(), *n), &partial, &line_no,
                   [&](std::string_view l) {
                     feeder.Line(l, static_cast<uint32_t>(i), line_no, path);
                   });
        bar.Update(done, feeder.lines());
      }
      if (!partial.empty()) {  // last line without a newline
        feeder.Line(partial, static_cast<uint32_t>(i), line_no + 1, path);
      }
    }
    bar.Finish();
  } else {
    // SIGINT/SIGTERM are blocked and waited for between polls, so a stop
    // request ends the loop at a line boundary and the series and knowledge
    // gathered so far are still written.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    std::vector<Followed> followed;
    for (const auto& p : opt.files) {
      followed.emplace_back();
      followed.back().path = p;
    }
    bool stopping = false;
    while (!stopping && read_status.ok()) {
      size_t got = 0;
      for (size_t i = 0; i < followed.size(); ++i) {
        auto n = Poll(followed[i], [&](std::string_view l, uint64_t line_no) {
          feeder.Line(l, static_cast<uint32_t>(i), line_no, followed[i].path);
        });
        if (!n.ok()) {
          read_status = n.status();
          break;
        }
        got += *n;
      }
      if (got > 0) {
        Status w = analyzer.WriteSeries(**series);
        if (!w.ok()) read_status = w;
      }
      timespec wait{opt.poll_ms / 1000, (opt.poll_ms % 1000) * 1000000L};
      int sig = sigtimedwait(&stop, nullptr, &wait);
      if (sig == SIGINT || sig == SIGTERM) stopping = true;
    }
    for (auto& f : followed) {
      if (f.fd >= 0) ::close(f.fd);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  Status s = read_status.ok() ? analyzer.WriteSeries(**series) : read_status;
  std::string recorded;
  if (s.ok() && opt.record) {
    sensors::HoneypotKnowledgeOptions ko;
    ko.tlp = *tlp;
    std::vector<std::string> left_out;
    auto objects = analyzer.Knowledge(ko, &left_out);
    for (const auto& why : left_out) {
      if (!ctx.quiet) {
        fmt::print(ctx.err, "warning: left out of the knowledge: {}\n", why);
      }
    }
    if (!objects.ok()) {
      s = objects.status();
    } else {
      auto out = Record(**store, *objects);
      if (!out.ok()) {
        s = out.status();
      } else {
        recorded = fmt::format("knowledge: {}", OutcomeCounts(*out));
      }
    }
  }
  sensors::HoneypotReport report =
      analyzer.Report(static_cast<size_t>(opt.top));
  ctx.Audit(dir, *caller, "write",
            fmt::format("sensors honeypot {} files{}", opt.files.size(),
                        opt.record ? " --record" : ""),
            s.ok() ? fmt::format("ok {} events, {} sessions{}{}", report.events,
                                 report.sessions, recorded.empty() ? "" : "; ",
                                 recorded)
                   : "error: " + s.message());
  if (!s.ok()) return ctx.Fail(s);
  auto points = (*series)->PointCount();
  PrintReport(ctx, report, feeder.lines(), feeder.bad_lines(),
              points.ok() ? *points : -1, recorded);
  return feeder.bad_lines() > 0 ? kExitInvalid : kExitOk;
}

// ---- stats ------------------------------------------------------------------

struct StatsOptions {
  std::string port, sensor, metric, since, until, resolution = "1h";
  int width = 48;
};

Result<std::optional<Timestamp>> OptTime(const std::string& s,
                                         std::string_view flag) {
  if (s.empty()) return std::optional<Timestamp>();
  auto t = ParseTimestamp(s);
  if (!t.ok()) {
    return Status::InvalidArgument(
        fmt::format("{} '{}': {}", flag, s, t.status().message()));
  }
  return std::optional<Timestamp>(*t);
}

// "23" matches "23/tcp", "23/udp" and "23"; "23/tcp" only itself.
bool PortMatches(const std::string& port, const std::string& dimension) {
  if (port.empty()) return true;
  if (port.find('/') != std::string::npos) return dimension == port;
  return dimension == port || dimension.rfind(port + "/", 0) == 0;
}

std::string Sparkline(const std::vector<sensors::Point>& pts, size_t width) {
  static constexpr std::string_view kBars[] = {"▁", "▂", "▃", "▄",
                                               "▅", "▆", "▇", "█"};
  size_t from = pts.size() > width ? pts.size() - width : 0;
  double hi = 0;
  for (size_t i = from; i < pts.size(); ++i) hi = std::max(hi, pts[i].value);
  std::string out;
  for (size_t i = from; i < pts.size(); ++i) {
    int level =
        hi > 0 ? static_cast<int>(std::lround(7 * pts[i].value / hi)) : 0;
    out += kBars[std::clamp(level, 0, 7)];
  }
  return out;
}

Result<std::vector<sensors::Series>> QuerySeries(sensors::SeriesStore& st,
                                                 const StatsOptions& opt) {
  sensors::SeriesQuery q;
  if (!opt.sensor.empty()) q.filter.sensor = opt.sensor;
  if (!opt.metric.empty()) q.filter.metric = opt.metric;
  auto r = sensors::ParseResolution(opt.resolution);
  if (!r) {
    return Status::InvalidArgument(
        fmt::format("--resolution '{}': want 5m, 1h or 1d", opt.resolution));
  }
  q.resolution = *r;
  ASSIGN_OR_RETURN(q.since, OptTime(opt.since, "--since"));
  ASSIGN_OR_RETURN(q.until, OptTime(opt.until, "--until"));
  ASSIGN_OR_RETURN(auto all, st.Query(q));
  std::vector<sensors::Series> out;
  for (auto& s : all) {
    if (PortMatches(opt.port, s.key.dimension)) out.push_back(std::move(s));
  }
  return out;
}

struct SeriesSession {
  std::unique_ptr<store::Store> store;
  access::Principal caller;
  std::unique_ptr<sensors::SeriesStore> series;
};

Result<SeriesSession> OpenSeriesRead(Context& ctx, std::string_view what) {
  SeriesSession s;
  ASSIGN_OR_RETURN(s.store, ctx.OpenStore());
  ASSIGN_OR_RETURN(s.caller, ctx.Caller(s.store->directory()));
  if (!IsCert(s.caller) || !access::RoleReadsObjects(s.caller.user.role)) {
    ctx.Audit(s.store->directory(), s.caller, "read", what, "denied: org");
    return Status::PermissionDenied(fmt::format(
        "{}: sensor series are the national CERT's; {} may not read them", what,
        s.caller.user.name));
  }
  ASSIGN_OR_RETURN(s.series, sensors::SeriesStore::Open(DbPath(ctx)));
  return s;
}

int RunStats(Context& ctx, const StatsOptions& opt) {
  auto session = OpenSeriesRead(ctx, "sensors stats");
  if (!session.ok()) return ctx.Fail(session.status());
  auto series = QuerySeries(*session->series, opt);
  ctx.Audit(session->store->directory(), session->caller, "read",
            "sensors stats",
            series.ok() ? fmt::format("ok {} series", series->size())
                        : "error: " + series.status().message());
  if (!series.ok()) return ctx.Fail(series.status());
  if (ctx.json) {
    std::string j = "{\"series\":[";
    for (size_t i = 0; i < series->size(); ++i) {
      const auto& s = (*series)[i];
      if (i) j += ',';
      j += "{\"sensor\":";
      AppendJsonString(s.key.sensor, &j);
      j += ",\"metric\":";
      AppendJsonString(s.key.metric, &j);
      j += ",\"dimension\":";
      AppendJsonString(s.key.dimension, &j);
      j += fmt::format(",\"resolution\":\"{}\",\"rolled_up\":{},\"points\":[",
                       sensors::ResolutionName(s.resolution),
                       s.rolled_up ? "true" : "false");
      for (size_t k = 0; k < s.points.size(); ++k) {
        if (k) j += ',';
        j += fmt::format("[\"{}\",{}]", FormatTimestamp(s.points[k].bucket, 0),
                         s.points[k].value);
      }
      j += "]}";
    }
    j += "]}";
    fmt::print(ctx.out, "{}\n", j);
    return kExitOk;
  }
  const bool ja = ctx.lang == Lang::kJa;
  if (series->empty()) {
    fmt::print(
        ctx.err,
        fmt::runtime(ja ? "該当する系列はありません\n"
                        : "no series match (see `ncert sensors honeypot`)\n"));
    return kExitOk;
  }
  fmt::print(ctx.out, "{:<20} {:<16} {:<10} {:>6} {:>10} {:>8} {:>8}  {}\n",
             ja ? "センサー" : "sensor", ja ? "指標" : "metric",
             ja ? "次元" : "dimension", ja ? "点" : "points",
             ja ? "合計" : "total", ja ? "最大" : "max", ja ? "最新" : "last",
             fmt::format("({}, last {})", opt.resolution, opt.width));
  for (const auto& s : *series) {
    double total = 0, hi = 0;
    for (const auto& p : s.points) {
      total += p.value;
      hi = std::max(hi, p.value);
    }
    fmt::print(ctx.out, "{:<20} {:<16} {:<10} {:>6} {:>10} {:>8} {:>8}  {}{}\n",
               s.key.sensor, s.key.metric,
               s.key.dimension.empty() ? "-" : s.key.dimension, s.points.size(),
               total, hi, s.points.empty() ? 0.0 : s.points.back().value,
               Sparkline(s.points, static_cast<size_t>(opt.width)),
               s.rolled_up ? " *" : "");
  }
  bool any_rolled = std::any_of(series->begin(), series->end(),
                                [](const auto& s) { return s.rolled_up; });
  if (any_rolled) {
    fmt::print(ctx.out,
               fmt::runtime(ja ? "* 細かい解像度から合算\n"
                               : "* summed from a finer resolution\n"));
  }
  return kExitOk;
}

// ---- alerts -----------------------------------------------------------------

struct AlertsOptions {
  std::string since, sensor, metric, resolution = "1h";
  bool record = false;
};

Result<sensors::SurgeOptions> SurgeOptionsFrom(const SurgeConfig& c) {
  sensors::SurgeOptions o;
  o.cusum.k = c.k;
  o.cusum.h = c.h;
  o.baseline.alpha = c.alpha;
  o.baseline.beta = c.beta;
  o.baseline.gamma = c.gamma;
  o.baseline.warmup_seasons = c.warmup_weeks;
  o.baseline.huber = c.huber;
  o.min_value = c.min_value;
  o.min_ratio = c.min_ratio;
  o.adapt_points = c.adapt_hours;
  return o;
}

int RunAlerts(Context& ctx, const AlertsOptions& opt) {
  auto since = OptTime(opt.since, "--since");
  if (!since.ok()) return ctx.Fail(since.status());
  auto res = sensors::ParseResolution(opt.resolution);
  if (!res) {
    return ctx.Fail(Status::InvalidArgument(
        fmt::format("--resolution '{}': want 5m, 1h or 1d", opt.resolution)));
  }
  auto zone = sensors::ParseDisplayZone(ctx.config.surge.time_zone);
  if (!zone.ok()) {
    return ctx.Fail(zone.status().WithContext("sensors.surge.time_zone"));
  }
  auto tlp = ConfigTlp(ctx);
  if (!tlp.ok()) return ctx.Fail(tlp.status());
  auto session = OpenSeriesRead(ctx, "sensors alerts");
  if (!session.ok()) return ctx.Fail(session.status());
  store::Directory& dir = session->store->directory();
  if (opt.record) {
    if (Status s = CheckMayWriteKnowledge(ctx, dir, session->caller,
                                          "sensors alerts --record");
        !s.ok()) {
      return ctx.Fail(s);
    }
  }
  StatsOptions so;
  so.sensor = opt.sensor;
  so.metric = opt.metric;
  so.resolution = opt.resolution;
  auto series = QuerySeries(*session->series, so);
  if (!series.ok()) return ctx.Fail(series.status());
  auto surge_options = SurgeOptionsFrom(ctx.config.surge);
  if (!surge_options.ok()) return ctx.Fail(surge_options.status());
  sensors::AlertOptions ao;
  ao.zone = *zone;
  ao.tlp = *tlp;
  ao.baseline_weeks = std::max(
      1, static_cast<int>(
             std::lround(1.0 / std::max(ctx.config.surge.gamma, 1e-3))));
  std::vector<sensors::Surge> surges;
  for (const auto& s : *series) {
    for (auto& x : sensors::DetectSurges(s, *surge_options)) {
      if (*since && x.last < **since) continue;
      surges.push_back(std::move(x));
    }
  }
  std::sort(surges.begin(), surges.end(),
            [](const sensors::Surge& a, const sensors::Surge& b) {
              return a.since < b.since;
            });
  std::vector<stix::Object> objects;
  std::vector<std::string> note_ids;
  Status s;
  for (const auto& x : surges) {
    auto objs = sensors::SurgeToStix(x, ao);
    if (!objs.ok()) {
      s = objs.status();
      break;
    }
    note_ids.push_back(objs->back().id);
    for (auto& o : *objs) objects.push_back(std::move(o));
  }
  std::string recorded;
  if (s.ok() && opt.record && !objects.empty()) {
    auto out = Record(*session->store, objects);
    if (out.ok()) {
      recorded = OutcomeCounts(*out);
    } else {
      s = out.status();
    }
  }
  ctx.Audit(dir, session->caller, opt.record ? "write" : "read",
            fmt::format("sensors alerts {} series{}", series->size(),
                        opt.record ? " --record" : ""),
            s.ok() ? fmt::format("ok {} alerts{}{}", surges.size(),
                                 recorded.empty() ? "" : "; ", recorded)
                   : "error: " + s.message());
  if (!s.ok()) return ctx.Fail(s);
  if (ctx.json) {
    std::string j = "{\"alerts\":[";
    for (size_t i = 0; i < surges.size(); ++i) {
      const auto& x = surges[i];
      auto text = sensors::DescribeSurge(x, ao);
      if (i) j += ',';
      j += "{\"sensor\":";
      AppendJsonString(x.key.sensor, &j);
      j += ",\"metric\":";
      AppendJsonString(x.key.metric, &j);
      j += ",\"dimension\":";
      AppendJsonString(x.key.dimension, &j);
      j += fmt::format(
          ",\"resolution\":\"{}\",\"since\":\"{}\",\"detected\":\"{}\","
          "\"last\":\"{}\",\"ongoing\":{},\"ratio\":{:.2f},\"peak\":{}",
          sensors::ResolutionName(x.resolution), FormatTimestamp(x.since, 0),
          FormatTimestamp(x.detected, 0), FormatTimestamp(x.last, 0),
          x.ongoing ? "true" : "false", x.ratio, x.peak);
      j += ",\"text_en\":";
      AppendJsonString(text.en, &j);
      j += ",\"text_ja\":";
      AppendJsonString(text.ja, &j);
      j += ",\"note_id\":";
      AppendJsonString(note_ids[i], &j);
      j += '}';
    }
    j += fmt::format("],\"series\":{},\"recorded\":", series->size());
    AppendJsonString(recorded, &j);
    j += "}";
    fmt::print(ctx.out, "{}\n", j);
    return kExitOk;
  }
  const bool ja = ctx.lang == Lang::kJa;
  for (const auto& x : surges) {
    auto text = sensors::DescribeSurge(x, ao);
    fmt::print(ctx.out, "{}\n", ja ? text.ja : text.en);
  }
  fmt::print(ctx.err,
             fmt::runtime(ja ? "{} 系列、警報 {} 件{}{}\n"
                             : "{} series, {} alerts{}{}\n"),
             series->size(), surges.size(),
             recorded.empty() ? "" : (ja ? "、記録: " : "; recorded: "),
             recorded);
  return kExitOk;
}

}  // namespace

void AddSensorsHoneypotCommand(CLI::App& sensors, Context& ctx,
                               int* exit_code) {
  auto opt = std::make_shared<HoneypotOptions>();
  CLI::App* cmd = sensors.add_subcommand(
      "honeypot",
      "Analyse Cowrie / Dionaea JSON logs: sessions, credentials (Mirai "
      "defaults marked), commands, downloads, attackers; writes per-sensor "
      "series (sessions, login_attempts, unique_sources at 5m/1h/1d)");
  cmd->add_option("FILE", opt->files, "log files (JSON lines)")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--sensor", opt->sensor,
                  "sensor name for records that carry none (Dionaea)")
      ->capture_default_str();
  cmd->add_flag("--follow", opt->follow,
                "keep reading the files as they grow (rotation and "
                "truncation handled) until SIGINT/SIGTERM");
  cmd->add_flag("--record", opt->record,
                "store indicators (download URLs, payload hashes, attacker "
                "addresses) and sightings as knowledge (TLP from the config)");
  cmd->add_option("--top", opt->top, "entries per ranking")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--poll-ms", opt->poll_ms, "--follow: poll interval")
      ->capture_default_str()
      ->check(CLI::Range(10, 60000));
  cmd->callback(
      [&ctx, opt, exit_code] { *exit_code = RunHoneypot(ctx, *opt); });
}

void AddSensorsStatsCommand(CLI::App& sensors, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<StatsOptions>();
  CLI::App* cmd = sensors.add_subcommand(
      "stats", "Show stored sensor series (table and sparkline, or --json)");
  cmd->add_option("--port", opt->port, "dimension: 23 or 23/tcp");
  cmd->add_option("--sensor", opt->sensor, "sensor name");
  cmd->add_option("--metric", opt->metric,
                  "metric: sessions, login_attempts, unique_sources, ...");
  cmd->add_option("--since", opt->since, "first bucket (RFC 3339, UTC)");
  cmd->add_option("--until", opt->until, "end, exclusive (RFC 3339, UTC)");
  cmd->add_option("--resolution", opt->resolution, "5m, 1h or 1d")
      ->capture_default_str();
  cmd->add_option("--width", opt->width, "sparkline points")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunStats(ctx, *opt); });
}

void AddSensorsAlertsCommand(CLI::App& sensors, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<AlertsOptions>();
  CLI::App* cmd = sensors.add_subcommand(
      "alerts",
      "Run surge detection over the stored series and list the surges "
      "(--record stores them as STIX notes for analysts)");
  cmd->add_option("--since", opt->since,
                  "only surges still going at or after this time (RFC 3339)");
  cmd->add_option("--sensor", opt->sensor, "sensor name");
  cmd->add_option("--metric", opt->metric, "metric name");
  cmd->add_option("--resolution", opt->resolution,
                  "series resolution to watch: 5m, 1h or 1d")
      ->capture_default_str();
  cmd->add_flag("--record", opt->record,
                "store each alert as a STIX note (deterministic id)");
  cmd->callback([&ctx, opt, exit_code] { *exit_code = RunAlerts(ctx, *opt); });
}

}  // namespace ncert::cli
