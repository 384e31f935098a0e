// Exercise mode: a team trains on a scenario played at demo size. The
// scenario's outputs are generated once into the exercise folder's
// `.scenario/` (with the ground truth, for the instructor) and released into
// `inbox/` over exercise time (injects: partner intelligence first, then
// endpoint and sensor logs, then reports, then a "phone call"). Questions are
// derived from the ground truth; the team answers them, each answer recorded
// with its exercise time, and the score compares the answers and their
// timing with the truth.
//
// Layout of an exercise folder (default exercises/<team>/):
//   exercise.json   the state: scenario, seed, team, start, speed, the
//                   inject schedule, what was released, the answers
//   .scenario/      the generated outputs and ground truth (not for trainees)
//   inbox/          what has been released so far
//
// Time: exercise seconds = (clock now - start) x speed; everything
// time-dependent takes `now` from the caller's Clock, so tests use FakeClock.
// Case handling and advisories will join the score when ncert has them.
//
// Thread safety: values and functions; one process at a time per folder.
#ifndef NCERT_SIM_EXERCISE_H_
#define NCERT_SIM_EXERCISE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "core/time.h"
#include "sim/scenario.h"
#include "sim/sink.h"

namespace ncert::sim {

struct Inject {
  std::string id;  // "t00-intel", "t10-telemetry", ...
  int minute = 0;  // exercise minute it is released at
  std::string title, title_ja;
  // Relative to .scenario/ and inbox/; "PATH#0" and "PATH#1" are the first
  // hours of a log and the rest (.scenario/parts/PATH.0, .1), appended to
  // inbox/PATH in turn.
  std::vector<std::string> files;
};

struct ExerciseAnswer {
  std::string question;
  std::vector<std::string> values;
  Timestamp at;            // clock time
  int64_t exercise_s = 0;  // exercise seconds since the start
};

struct ExerciseState {
  std::string scenario;  // name
  std::string scenario_file;
  uint64_t seed = 1;
  std::string team;
  Timestamp start;
  double speed = 1;
  std::vector<Inject> injects;          // by minute
  std::vector<std::string> released;    // inject ids, in release order
  std::vector<ExerciseAnswer> answers;  // in order given

  bool IsReleased(const std::string& inject_id) const;
};

enum class QuestionKind { kValue, kList, kCount, kTime };
std::string_view QuestionKindName(QuestionKind k);  // "value", "list", ...

struct Question {
  std::string id;  // "first-host"
  QuestionKind kind = QuestionKind::kValue;
  std::string text, text_ja;
  std::string hint, hint_ja;  // how to answer
  // kValue: accepted answers (any one is right); kList: the items; kCount:
  // one integer; kTime: one RFC 3339 timestamp. Normalised (lower case).
  std::vector<std::string> expected;
  // kList: other spellings of an item (an IP for a host name) -> the item.
  std::map<std::string, std::string> aliases;
  std::string evidence;  // inject id that first holds the evidence
};

struct ExerciseOptions {
  std::string team;
  uint64_t seed = 1;
  double speed = 1;  // exercise time runs this many times faster
};

// The inject schedule for a run's output files (relative paths, "PATH#0"
// for the first hours of a log, released at T+0): ground truth, truth/ and
// manifest.json are never released; injects without files are dropped.
std::vector<Inject> PlanInjects(const std::vector<std::string>& files);

// Generates `scenario` at demo size into `root`/.scenario (through `out`, an
// OutputDir rooted at `root`), writes the phone-call inject from the ground
// truth, saves the state with start = clock.Now(), and releases what is due
// at minute 0. AlreadyExists when `root` holds an exercise.
Result<ExerciseState> StartExercise(Env& env, Clock& clock, OutputDir& out,
                                    const std::string& root,
                                    const Scenario& scenario,
                                    const ExerciseOptions& options);

// NotFound when `root` holds no exercise.
Result<ExerciseState> LoadExercise(Env& env, const std::string& root);
Status SaveExercise(Env& env, const std::string& root,
                    const ExerciseState& state);

// Exercise seconds at clock time `now` (>= 0).
int64_t ExerciseSeconds(const ExerciseState& state, Timestamp now);

// Copies every inject due at `now` and not yet released into inbox/ and
// marks it released (the caller saves the state). Returns the ids released.
Result<std::vector<std::string>> ReleaseDue(Env& env, OutputDir& out,
                                            const std::string& root,
                                            ExerciseState& state,
                                            Timestamp now);

// The questions for the exercise, from `root`/.scenario/ground_truth.json.
// Deterministic: the same scenario and seed give the same questions.
Result<std::vector<Question>> LoadQuestions(Env& env, const std::string& root,
                                            const ExerciseState& state);
// The same from ground truth text (tests).
Result<std::vector<Question>> QuestionsFromTruth(
    std::string_view ground_truth_json, const std::vector<Inject>& injects);

// Records an answer at `now`; InvalidArgument for an unknown question, no
// values, or a value of the wrong kind (not a number, not a timestamp).
Status RecordAnswer(ExerciseState& state, const std::vector<Question>& qs,
                    const std::string& question,
                    const std::vector<std::string>& values, Timestamp now);

struct QuestionScore {
  std::string question;
  bool answered = false;
  bool correct = false, partial = false;
  double points = 0;                 // 0..1
  double precision = 0, recall = 0;  // kList
  std::vector<std::string> answer;
  int64_t answered_s = -1;        // exercise second of the last answer
  int64_t evidence_s = 0;         // when its evidence was released
  int64_t time_to_answer_s = -1;  // answered_s - evidence_s (if answered)
};

struct ExerciseScore {
  std::vector<QuestionScore> questions;
  double points = 0;
  int max_points = 0;
};

// Scores the last answer to each question.
ExerciseScore ScoreExercise(const ExerciseState& state,
                            const std::vector<Question>& qs);

}  // namespace ncert::sim

#endif  // NCERT_SIM_EXERCISE_H_
