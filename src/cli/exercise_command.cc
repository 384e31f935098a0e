// ncert exercise start|status|questions|answer|score: training on a
// scenario with time-released injects, scored against the ground truth
// (src/sim/exercise.h, docs/sim.md "Exercises").

#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/sim_summary.h"
#include "core/json.h"
#include "sim/exercise.h"
#include "sim/scenario.h"
#include "sim/sink.h"

namespace ncert::cli {
namespace {

struct ExerciseOpts {
  std::string scenarios;
  std::string scenario;
  std::string team;
  std::string dir;
  uint64_t seed = 1;
  double speed = 1;
  std::string question;
  std::vector<std::string> values;
  bool reveal = false;
};

constexpr char kNotScoredEn[] =
    "Case handling and advisories are not scored yet: they will join the "
    "score when ncert has cases and advisories.";
constexpr char kNotScoredJa[] =
    "事案対応（ケース）と注意喚起の採点は未対応です。ncert "
    "にケース管理と注意喚起の機能が入った時点で採点に加わります。";

Result<std::string> Root(const ExerciseOpts& o) {
  if (!o.dir.empty()) return o.dir;
  if (o.team.empty())
    return Status::InvalidArgument("name the exercise with --team or --dir");
  if (o.team.find('/') != std::string::npos || o.team == "." || o.team == "..")
    return Status::InvalidArgument("a team name cannot contain '/'");
  return "exercises/" + o.team;
}

std::string ExTime(int64_t s) {
  bool neg = s < 0;
  if (neg) s = -s;
  std::string t =
      s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
                : fmt::format("{}:{:02}", s / 60, s % 60);
  return (neg ? "-" : "") + t;
}

// Loads the exercise and releases what is due now.
struct Loaded {
  std::string root;
  sim::ExerciseState state;
  std::vector<std::string> newly_released;
};

Result<Loaded> LoadAndRelease(Context& ctx, const ExerciseOpts& o) {
  Loaded l;
  ASSIGN_OR_RETURN(l.root, Root(o));
  ASSIGN_OR_RETURN(l.state, sim::LoadExercise(*ctx.env, l.root));
  auto out = sim::NewPosixOutputDir(l.root);
  ASSIGN_OR_RETURN(
      l.newly_released,
      sim::ReleaseDue(*ctx.env, *out, l.root, l.state, ctx.clock->Now()));
  if (!l.newly_released.empty()) {
    RETURN_IF_ERROR(sim::SaveExercise(*ctx.env, l.root, l.state));
  }
  return l;
}

void AppendStrings(const std::vector<std::string>& v, std::string* o) {
  *o += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) *o += ',';
    AppendJsonString(v[i], o);
  }
  *o += ']';
}

void PrintInjects(Context& ctx, const Loaded& l) {
  bool ja = ctx.lang == Lang::kJa;
  const sim::ExerciseState& st = l.state;
  int64_t now_s = sim::ExerciseSeconds(st, ctx.clock->Now());
  fmt::print(ctx.out, "{}\n", ja ? "公開済み:" : "Released:");
  for (const sim::Inject& in : st.injects) {
    if (!st.IsReleased(in.id)) continue;
    fmt::print(ctx.out, "  T+{:02}  {:<14} {} ({} {})\n", in.minute, in.id,
               ja ? in.title_ja : in.title, in.files.size(),
               ja ? "ファイル" : "files");
  }
  fmt::print(ctx.out, "  -> {}/inbox/\n", l.root);
  bool any = false;
  for (const sim::Inject& in : st.injects) {
    if (st.IsReleased(in.id)) continue;
    if (!any) fmt::print(ctx.out, "{}\n", ja ? "次の予定:" : "Next:");
    any = true;
    fmt::print(ctx.out,
               fmt::runtime(ja ? "  T+{:02}  {:<14} {}（あと {}）\n"
                               : "  T+{:02}  {:<14} {} (in {})\n"),
               in.minute, in.id, ja ? in.title_ja : in.title,
               ExTime(in.minute * 60 - now_s));
  }
  if (!any)
    fmt::print(ctx.out, "{}\n",
               ja ? "すべての情報が公開されました。"
                  : "Every inject has been released.");
}

int RunStart(Context& ctx, const ExerciseOpts& o) {
  auto root = Root(o);
  if (!root.ok()) return ctx.Fail(root.status());
  if (o.team.empty())
    return ctx.Fail(Status::InvalidArgument("start needs --team NAME"));
  std::string dir = ScenarioDir(ctx, o.scenarios);
  auto sc = sim::FindScenario(*ctx.env, dir, o.scenario);
  if (!sc.ok()) {
    Status s = sc.status();
    if (s.code() == StatusCode::kNotFound)
      s = Status::InvalidArgument(s.message());
    return ctx.Fail(s);
  }
  auto out = sim::NewPosixOutputDir(*root);
  sim::ExerciseOptions eo;
  eo.team = o.team;
  eo.seed = o.seed;
  eo.speed = o.speed;
  auto st = sim::StartExercise(*ctx.env, *ctx.clock, *out, *root, *sc, eo);
  if (!st.ok()) return ctx.Fail(st.status());
  if (ctx.json) {
    std::string j = "{\"team\":";
    AppendJsonString(st->team, &j);
    j += ",\"scenario\":";
    AppendJsonString(st->scenario, &j);
    j += fmt::format(",\"seed\":{},\"speed\":{},\"dir\":", st->seed, st->speed);
    AppendJsonString(*root, &j);
    j += ",\"start\":";
    AppendJsonString(FormatTimestamp(st->start, 0), &j);
    j += ",\"released\":";
    AppendStrings(st->released, &j);
    j += "}";
    fmt::print(ctx.out, "{}\n", j);
    return kExitOk;
  }
  bool ja = ctx.lang == Lang::kJa;
  fmt::print(
      ctx.out,
      fmt::runtime(ja ? "演習を開始しました: {}（{}、シード {}、チーム {}、"
                        "速度 {} 倍）\nフォルダ: {}\n"
                      : "Exercise started: {} ({}, seed {}, team {}, speed "
                        "{}x)\nFolder: {}\n"),
      sc->name, ja ? sc->title_ja : sc->title, st->seed, st->team, st->speed,
      *root);
  Loaded l{*root, *st, {}};
  PrintInjects(ctx, l);
  fmt::print(ctx.out, "{}\n",
             ja ? "設問は `ncert exercise questions`、回答は `ncert exercise "
                  "answer 設問 値...` で。"
                : "See the questions with `ncert exercise questions`; answer "
                  "with `ncert exercise answer QUESTION VALUE...`.");
  return kExitOk;
}

int RunStatus(Context& ctx, const ExerciseOpts& o) {
  auto l = LoadAndRelease(ctx, o);
  if (!l.ok()) return ctx.Fail(l.status());
  const sim::ExerciseState& st = l->state;
  int64_t now_s = sim::ExerciseSeconds(st, ctx.clock->Now());
  if (ctx.json) {
    std::string j = "{\"team\":";
    AppendJsonString(st.team, &j);
    j += ",\"scenario\":";
    AppendJsonString(st.scenario, &j);
    j += fmt::format(",\"seed\":{},\"speed\":{},\"start\":", st.seed, st.speed);
    AppendJsonString(FormatTimestamp(st.start, 0), &j);
    j += fmt::format(",\"exercise_seconds\":{},\"answers\":{},\"injects\":[",
                     now_s, st.answers.size());
    for (size_t i = 0; i < st.injects.size(); ++i) {
      const sim::Inject& in = st.injects[i];
      if (i) j += ',';
      j += "{\"id\":";
      AppendJsonString(in.id, &j);
      j += fmt::format(",\"minute\":{},\"released\":{},\"title\":", in.minute,
                       st.IsReleased(in.id));
      AppendJsonString(in.title, &j);
      j += ",\"title_ja\":";
      AppendJsonString(in.title_ja, &j);
      j += ",\"files\":";
      AppendStrings(in.files, &j);
      j += '}';
    }
    j += "]}";
    fmt::print(ctx.out, "{}\n", j);
    return kExitOk;
  }
  bool ja = ctx.lang == Lang::kJa;
  fmt::print(ctx.out,
             fmt::runtime(ja ? "演習 {}（シード {}）チーム {}、開始 {}、"
                               "速度 {} 倍、演習時間 T+{}\n"
                             : "Exercise {} (seed {}) for team {}, started "
                               "{}, speed {}x; exercise time T+{}\n"),
             st.scenario, st.seed, st.team, FormatTimestamp(st.start, 0),
             st.speed, ExTime(now_s));
  PrintInjects(ctx, *l);
  fmt::print(ctx.out, fmt::runtime(ja ? "回答 {} 件\n" : "{} answers given\n"),
             st.answers.size());
  return kExitOk;
}

int RunQuestions(Context& ctx, const ExerciseOpts& o) {
  auto l = LoadAndRelease(ctx, o);
  if (!l.ok()) return ctx.Fail(l.status());
  auto qs = sim::LoadQuestions(*ctx.env, l->root, l->state);
  if (!qs.ok()) return ctx.Fail(qs.status());
  if (ctx.json) {
    std::string j = "{\"questions\":[";
    for (size_t i = 0; i < qs->size(); ++i) {
      const sim::Question& q = (*qs)[i];
      if (i) j += ',';
      j += "{\"id\":";
      AppendJsonString(q.id, &j);
      j += ",\"kind\":";
      AppendJsonString(sim::QuestionKindName(q.kind), &j);
      j += ",\"text\":";
      AppendJsonString(q.text, &j);
      j += ",\"text_ja\":";
      AppendJsonString(q.text_ja, &j);
      j += ",\"hint\":";
      AppendJsonString(q.hint, &j);
      j += ",\"hint_ja\":";
      AppendJsonString(q.hint_ja, &j);
      j += ",\"evidence\":";
      AppendJsonString(q.evidence, &j);
      if (o.reveal) {
        j += ",\"expected\":";
        AppendStrings(q.expected, &j);
      }
      j += '}';
    }
    j += "]}";
    fmt::print(ctx.out, "{}\n", j);
    return kExitOk;
  }
  bool ja = ctx.lang == Lang::kJa;
  for (const sim::Question& q : *qs) {
    fmt::print(ctx.out, "{:<15} {}\n{:<15} ({})\n", q.id,
               ja ? q.text_ja : q.text, "", ja ? q.hint_ja : q.hint);
    if (o.reveal) {
      std::string e;
      for (size_t i = 0; i < q.expected.size() && i < 20; ++i)
        e += (i ? ", " : "") + q.expected[i];
      if (q.expected.size() > 20)
        e += fmt::format(", ... ({})", q.expected.size());
      fmt::print(ctx.out, "{:<15} {} {}\n", "", ja ? "正解:" : "answer:", e);
    }
  }
  fmt::print(ctx.out, "{}\n",
             ja ? "回答: ncert exercise answer 設問 値...（何度でも。最後の"
                  "回答が採点されます）"
                : "Answer: ncert exercise answer QUESTION VALUE... (as often "
                  "as you like; the last answer is scored)");
  return kExitOk;
}

int RunAnswer(Context& ctx, const ExerciseOpts& o) {
  auto l = LoadAndRelease(ctx, o);
  if (!l.ok()) return ctx.Fail(l.status());
  auto qs = sim::LoadQuestions(*ctx.env, l->root, l->state);
  if (!qs.ok()) return ctx.Fail(qs.status());
  Timestamp now = ctx.clock->Now();
  Status s = sim::RecordAnswer(l->state, *qs, o.question, o.values, now);
  if (!s.ok()) return ctx.Fail(s);
  s = sim::SaveExercise(*ctx.env, l->root, l->state);
  if (!s.ok()) return ctx.Fail(s);
  const sim::ExerciseAnswer& a = l->state.answers.back();
  if (ctx.json) {
    std::string j = "{\"question\":";
    AppendJsonString(a.question, &j);
    j += ",\"values\":";
    AppendStrings(a.values, &j);
    j += fmt::format(",\"exercise_seconds\":{}}}", a.exercise_s);
    fmt::print(ctx.out, "{}\n", j);
    return kExitOk;
  }
  fmt::print(ctx.out,
             fmt::runtime(ctx.lang == Lang::kJa
                              ? "設問 {} の回答を記録しました（{} 件、T+{}）\n"
                              : "Recorded the answer to {} ({} value(s)) at "
                                "T+{}\n"),
             a.question, a.values.size(), ExTime(a.exercise_s));
  return kExitOk;
}

int RunScore(Context& ctx, const ExerciseOpts& o) {
  auto l = LoadAndRelease(ctx, o);
  if (!l.ok()) return ctx.Fail(l.status());
  auto qs = sim::LoadQuestions(*ctx.env, l->root, l->state);
  if (!qs.ok()) return ctx.Fail(qs.status());
  sim::ExerciseScore sc = sim::ScoreExercise(l->state, *qs);
  if (ctx.json) {
    std::string j = "{\"team\":";
    AppendJsonString(l->state.team, &j);
    j += ",\"scenario\":";
    AppendJsonString(l->state.scenario, &j);
    j += fmt::format(",\"seed\":{},\"points\":{:.3f},\"max_points\":{},",
                     l->state.seed, sc.points, sc.max_points);
    j += "\"not_scored_yet\":[\"cases\",\"advisories\"],\"questions\":[";
    for (size_t i = 0; i < sc.questions.size(); ++i) {
      const sim::QuestionScore& q = sc.questions[i];
      if (i) j += ',';
      j += "{\"id\":";
      AppendJsonString(q.question, &j);
      j += fmt::format(
          ",\"answered\":{},\"correct\":{},\"partial\":{},\"points\":{:.3f}",
          q.answered, q.correct, q.partial, q.points);
      if ((*qs)[i].kind == sim::QuestionKind::kList) {
        j += fmt::format(",\"precision\":{:.3f},\"recall\":{:.3f}", q.precision,
                         q.recall);
      }
      j += fmt::format(",\"evidence_seconds\":{}", q.evidence_s);
      if (q.answered) {
        j += fmt::format(
            ",\"answered_seconds\":{},\"time_to_answer_seconds\":{}",
            q.answered_s, q.time_to_answer_s);
        j += ",\"answer\":";
        AppendStrings(q.answer, &j);
      }
      if (o.reveal) {
        j += ",\"expected\":";
        AppendStrings((*qs)[i].expected, &j);
      }
      j += '}';
    }
    j += "]}";
    fmt::print(ctx.out, "{}\n", j);
    return kExitOk;
  }
  bool ja = ctx.lang == Lang::kJa;
  fmt::print(
      ctx.out,
      fmt::runtime(ja ? "チーム {} の得点（{}、シード {}）: {:.1f} / {}\n"
                      : "Score for team {} ({}, seed {}): {:.1f} / {}\n"),
      l->state.team, l->state.scenario, l->state.seed, sc.points,
      sc.max_points);
  for (size_t i = 0; i < sc.questions.size(); ++i) {
    const sim::QuestionScore& q = sc.questions[i];
    std::string verdict = !q.answered ? (ja ? "未回答" : "not answered")
                          : q.correct ? (ja ? "正解" : "correct")
                          : q.partial ? (ja ? "部分正解" : "partial")
                                      : (ja ? "不正解" : "wrong");
    std::string detail;
    if (q.answered) {
      bool early = q.time_to_answer_s < 0;
      detail = fmt::format(
          fmt::runtime(
              ja ? (early ? "{:.2f} 点、T+{} に回答（根拠の公開の {} 前）"
                          : "{:.2f} 点、T+{} に回答（根拠の公開から {}）")
                 : (early ? "{:.2f} points, answered T+{} ({} before "
                            "the evidence was released)"
                          : "{:.2f} points, answered T+{} ({} after "
                            "the evidence was released)")),
          q.points, ExTime(q.answered_s),
          ExTime(early ? -q.time_to_answer_s : q.time_to_answer_s));
      if ((*qs)[i].kind == sim::QuestionKind::kList) {
        detail +=
            fmt::format(fmt::runtime(ja ? "、適合率 {:.2f} 再現率 {:.2f}"
                                        : "; precision {:.2f}, recall {:.2f}"),
                        q.precision, q.recall);
      }
    }
    fmt::print(ctx.out, "  {:<15} {:<12} {}\n", q.question, verdict, detail);
  }
  fmt::print(ctx.out, "{}\n", ja ? kNotScoredJa : kNotScoredEn);
  return kExitOk;
}

}  // namespace

void AddExerciseCommand(CLI::App& app, Context& ctx, int* exit_code) {
  auto opt = std::make_shared<ExerciseOpts>();
  CLI::App* cmd = app.add_subcommand(
      "exercise",
      "Training exercise: a scenario's outputs released over time, questions "
      "from its ground truth, answers scored");
  cmd->require_subcommand(1);
  cmd->add_option("--team", opt->team,
                  "team name (the exercise folder is exercises/TEAM)");
  cmd->add_option("--dir", opt->dir,
                  "exercise folder (default: exercises/TEAM)");

  CLI::App* start = cmd->add_subcommand(
      "start", "Generate a scenario and start releasing its injects");
  start
      ->add_option("scenario", opt->scenario,
                   "scenario name (see `ncert sim list`) or a .toml file")
      ->required();
  start->add_option("--seed", opt->seed, "seed of the scenario")
      ->capture_default_str();
  start
      ->add_option("--speed", opt->speed,
                   "exercise time runs this many times faster (classroom)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  start->add_option("--scenarios", opt->scenarios,
                    "folder of scenario files (default: sim/scenarios)");
  start->callback([&ctx, opt, exit_code] { *exit_code = RunStart(ctx, *opt); });

  CLI::App* status = cmd->add_subcommand(
      "status", "What has been released and what comes next");
  status->callback(
      [&ctx, opt, exit_code] { *exit_code = RunStatus(ctx, *opt); });

  CLI::App* questions =
      cmd->add_subcommand("questions", "The questions to answer (ja/en)");
  questions->add_flag("--reveal", opt->reveal,
                      "show the expected answers (instructors)");
  questions->callback(
      [&ctx, opt, exit_code] { *exit_code = RunQuestions(ctx, *opt); });

  CLI::App* answer = cmd->add_subcommand(
      "answer", "Answer a question (recorded with the exercise time)");
  answer->add_option("question", opt->question, "question id")->required();
  answer->add_option("values", opt->values, "the answer (lists: several)")
      ->required();
  answer->callback(
      [&ctx, opt, exit_code] { *exit_code = RunAnswer(ctx, *opt); });

  CLI::App* score = cmd->add_subcommand(
      "score", "Score the answers against the ground truth");
  score->add_flag("--reveal", opt->reveal,
                  "show the expected answers (instructors)");
  score->callback([&ctx, opt, exit_code] { *exit_code = RunScore(ctx, *opt); });
}

}  // namespace ncert::cli
