#include "sim/exercise.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/env.h"
#include "core/time.h"
#include "sim/sink.h"

namespace ncert::sim {
namespace {

constexpr int64_t kMinute = 60 * 1000000LL;

Scenario Load(const std::string& name) {
  auto env = NewPosixEnv();
  auto sc = LoadScenario(*env, "sim/scenarios/" + name + ".toml");
  EXPECT_TRUE(sc.ok()) << sc.status().ToString();
  return *sc;
}

class ExerciseTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::TempDir() + "/exercise_" +
            testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(root_);
    env_ = NewPosixEnv();
    out_ = NewPosixOutputDir(root_);
  }
  bool InInbox(const std::string& f) {
    return std::filesystem::exists(root_ + "/inbox/" + f);
  }
  ExerciseState Start(const std::string& scenario, uint64_t seed = 1,
                      double speed = 1) {
    ExerciseOptions o;
    o.team = "blue";
    o.seed = seed;
    o.speed = speed;
    auto st = StartExercise(*env_, clock_, *out_, root_, Load(scenario), o);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    return *st;
  }
  const Question& Find(const std::vector<Question>& qs, const std::string& id) {
    for (const Question& q : qs) {
      if (q.id == id) return q;
    }
    ADD_FAILURE() << "no question " << id;
    return qs.front();
  }

  std::string root_;
  std::unique_ptr<Env> env_;
  std::unique_ptr<OutputDir> out_;
  FakeClock clock_{*ParseTimestamp("2026-11-26T01:00:00Z")};
};

TEST(PlanInjects, SortsFilesIntoTimedInjectsAndNeverReleasesTruth) {
  auto plan = PlanInjects({"stix/a.json", "endpoint/sysmon.ndjson",
                           "sensors/darknet.pcap", "reports/damage.json",
                           "ground_truth.json", "truth/eve.ndjson",
                           "calls/call-1.txt", "osint/posts.ndjson",
                           "network/eve.json#0", "network/eve.json#1"});
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[0].minute, 0);
  EXPECT_EQ(plan[0].files,
            (std::vector<std::string>{"network/eve.json#0", "stix/a.json"}));
  EXPECT_EQ(plan[1].minute, 10);
  EXPECT_EQ(plan[1].files.size(), 3u);  // with network/eve.json#1
  EXPECT_EQ(plan[2].minute, 20);
  EXPECT_EQ(plan[3].minute, 30);
  for (const Inject& i : plan) {
    for (const std::string& f : i.files) {
      EXPECT_NE(f, "ground_truth.json");
      EXPECT_NE(f.substr(0, 6), "truth/");
    }
  }
}

TEST_F(ExerciseTest, InjectsAreReleasedAtTheirExerciseTimesAndNotBefore) {
  ExerciseState st = Start("supply-chain");
  EXPECT_EQ(st.released, std::vector<std::string>{"t00-intel"});
  EXPECT_TRUE(InInbox("stix/national-cert.json") ||
              std::filesystem::exists(root_ + "/inbox/stix"));
  EXPECT_FALSE(InInbox("sensors/darknet.pcap"));
  EXPECT_FALSE(InInbox("reports/damage.json"));
  EXPECT_FALSE(InInbox("ground_truth.json"));
  // The first hours of Sysmon, none of the attack's lines yet.
  ASSERT_TRUE(InInbox("endpoint/sysmon.ndjson"));
  auto early = env_->ReadFile(root_ + "/inbox/endpoint/sysmon.ndjson");
  auto full = env_->ReadFile(root_ + "/.scenario/endpoint/sysmon.ndjson");
  auto truth = env_->ReadFile(root_ + "/.scenario/truth/sysmon.ndjson");
  ASSERT_TRUE(early.ok() && full.ok() && truth.ok());
  EXPECT_GT(early->size(), 0u);
  EXPECT_LT(early->size(), full->size());
  EXPECT_EQ(full->compare(0, early->size(), *early), 0);
  size_t early_lines = std::count(early->begin(), early->end(), '\n');
  size_t at = truth->find("\"line\":");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::stoul(truth->substr(at + 7)), early_lines);
  EXPECT_TRUE(std::filesystem::exists(root_ + "/.scenario/ground_truth.json"));

  clock_.Advance(10 * kMinute - 1000000);  // T+9:59
  auto r = ReleaseDue(*env_, *out_, root_, st, clock_.Now());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_FALSE(InInbox("sensors/darknet.pcap"));

  clock_.Advance(1000000);  // T+10
  r = ReleaseDue(*env_, *out_, root_, st, clock_.Now());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::vector<std::string>{"t10-telemetry"});
  EXPECT_TRUE(InInbox("sensors/darknet.pcap"));
  EXPECT_EQ(
      std::filesystem::file_size(root_ + "/inbox/endpoint/sysmon.ndjson"),
      std::filesystem::file_size(root_ + "/.scenario/endpoint/sysmon.ndjson"));
  EXPECT_FALSE(InInbox("reports/damage.json"));

  clock_.Advance(25 * kMinute);  // T+35: the reports and the call
  r = ReleaseDue(*env_, *out_, root_, st, clock_.Now());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);
  EXPECT_TRUE(InInbox("reports/damage.json"));
  ASSERT_TRUE(InInbox("calls/call-1.txt"));
  auto call = env_->ReadFile(root_ + "/inbox/calls/call-1.txt");
  ASSERT_TRUE(call.ok());
  EXPECT_NE(call->find("Kanto Motor"), std::string::npos);  // the car maker
  EXPECT_NE(call->find("14"), std::string::npos);           // plants
  EXPECT_NE(call->find("工場"), std::string::npos);

  // The whole log once every part is out; released once only.
  EXPECT_EQ(*env_->ReadFile(root_ + "/inbox/endpoint/sysmon.ndjson"),
            *env_->ReadFile(root_ + "/.scenario/endpoint/sysmon.ndjson"));
  r = ReleaseDue(*env_, *out_, root_, st, clock_.Now());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST_F(ExerciseTest, SpeedMakesExerciseTimeRunFaster) {
  ExerciseState st = Start("iot-surge", 1, 10);
  clock_.Advance(3 * kMinute);  // 30 exercise minutes
  EXPECT_EQ(ExerciseSeconds(st, clock_.Now()), 30 * 60);
  auto r = ReleaseDue(*env_, *out_, root_, st, clock_.Now());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(st.released.size(), st.injects.size());
}

TEST_F(ExerciseTest, StateAndAnswersSurviveSaveAndLoad) {
  ExerciseState st = Start("supply-chain");
  auto again = StartExercise(*env_, clock_, *out_, root_, Load("supply-chain"),
                             {"blue", 1, 1});
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  auto qs = LoadQuestions(*env_, root_, st);
  ASSERT_TRUE(qs.ok());
  clock_.Advance(12 * kMinute);
  ASSERT_TRUE(RecordAnswer(st, *qs, "orgs", {"12"}, clock_.Now()).ok());
  EXPECT_EQ(RecordAnswer(st, *qs, "nope", {"1"}, clock_.Now()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RecordAnswer(st, *qs, "orgs", {"many"}, clock_.Now()).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(SaveExercise(*env_, root_, st).ok());
  auto loaded = LoadExercise(*env_, root_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->team, "blue");
  EXPECT_EQ(loaded->scenario, "supply-chain");
  EXPECT_EQ(loaded->start, st.start);
  EXPECT_EQ(loaded->injects.size(), st.injects.size());
  ASSERT_EQ(loaded->answers.size(), 1u);
  EXPECT_EQ(loaded->answers[0].question, "orgs");
  EXPECT_EQ(loaded->answers[0].exercise_s, 12 * 60);
  EXPECT_EQ(LoadExercise(*env_, root_ + "-none").status().code(),
            StatusCode::kNotFound);
}

TEST_F(ExerciseTest, ScoresCorrectIncorrectAndPartialAgainstTheTruth) {
  ExerciseState st = Start("supply-chain");
  auto qs = LoadQuestions(*env_, root_, st);
  ASSERT_TRUE(qs.ok());
  EXPECT_GE(qs->size(), 4u);
  const Question& first = Find(*qs, "first-host");
  const Question& isolate = Find(*qs, "isolate");
  const Question& orgs = Find(*qs, "orgs");
  ASSERT_GE(isolate.expected.size(), 4u);

  clock_.Advance(15 * kMinute);
  // Right (in upper case, as people type host names).
  std::string host = first.expected[0];
  for (char& c : host) c = static_cast<char>(std::toupper(c));
  ASSERT_TRUE(RecordAnswer(st, *qs, "first-host", {host}, clock_.Now()).ok());
  // Half the hosts to isolate plus one wrong: partial.
  std::vector<std::string> half(
      isolate.expected.begin(),
      isolate.expected.begin() +
          static_cast<long>(isolate.expected.size() / 2));
  half.push_back("not-a-host");
  ASSERT_TRUE(RecordAnswer(st, *qs, "isolate", half, clock_.Now()).ok());
  // Wrong count.
  ASSERT_TRUE(RecordAnswer(st, *qs, "orgs", {"1000"}, clock_.Now()).ok());

  ExerciseScore s = ScoreExercise(st, *qs);
  EXPECT_EQ(s.max_points, static_cast<int>(qs->size()));
  for (const QuestionScore& q : s.questions) {
    if (q.question == "first-host") {
      EXPECT_TRUE(q.correct);
      EXPECT_EQ(q.points, 1);
      EXPECT_EQ(q.evidence_s, 10 * 60);
      EXPECT_EQ(q.time_to_answer_s, 5 * 60);
    } else if (q.question == "isolate") {
      EXPECT_FALSE(q.correct);
      EXPECT_TRUE(q.partial);
      EXPECT_NEAR(q.recall, 0.5, 0.05);
      EXPECT_NEAR(q.precision,
                  static_cast<double>(half.size() - 1) /
                      static_cast<double>(half.size()),
                  1e-9);
      EXPECT_GT(q.points, 0);
      EXPECT_LT(q.points, 1);
    } else if (q.question == "orgs") {
      EXPECT_FALSE(q.correct);
      EXPECT_FALSE(q.partial);
      EXPECT_EQ(q.points, 0);
    } else {
      EXPECT_FALSE(q.answered);
      EXPECT_EQ(q.time_to_answer_s, -1);
    }
  }

  // The last answer counts: now all right, hosts given by IP address too.
  std::vector<std::string> all;
  for (const auto& [alias, item] : isolate.aliases) {
    if (alias.find('.') != std::string::npos && alias[0] == '1') {
      all.push_back(alias);  // the internal 10.x address
    }
  }
  ASSERT_EQ(all.size(), isolate.expected.size());
  ASSERT_TRUE(RecordAnswer(st, *qs, "isolate", all, clock_.Now()).ok());
  ASSERT_TRUE(RecordAnswer(st, *qs, "orgs", orgs.expected, clock_.Now()).ok());
  s = ScoreExercise(st, *qs);
  EXPECT_GE(s.points, 3.0);
}

TEST_F(ExerciseTest, IotSurgeQuestionsIncludeTheSurgeTime) {
  ExerciseState st = Start("iot-surge");
  auto qs = LoadQuestions(*env_, root_, st);
  ASSERT_TRUE(qs.ok());
  EXPECT_GE(qs->size(), 4u);
  const Question& surge = Find(*qs, "surge-start");
  EXPECT_EQ(surge.expected[0], "2026-03-10T08:00:00.000Z");
  ASSERT_TRUE(RecordAnswer(st, *qs, "surge-start", {"2026-03-10T08:40:00Z"},
                           clock_.Now())
                  .ok());
  ExerciseScore s = ScoreExercise(st, *qs);
  for (const QuestionScore& q : s.questions) {
    if (q.question == "surge-start") {
      EXPECT_TRUE(q.partial);
      EXPECT_EQ(q.points, 0.5);
    }
  }
  EXPECT_EQ(
      RecordAnswer(st, *qs, "surge-start", {"08:00"}, clock_.Now()).code(),
      StatusCode::kInvalidArgument);
}

TEST_F(ExerciseTest, SameSeedSameQuestionsAndAnswers) {
  ExerciseState a = Start("supply-chain", 7);
  auto qa = LoadQuestions(*env_, root_, a);
  ASSERT_TRUE(qa.ok());
  std::filesystem::remove_all(root_);
  ExerciseState b = Start("supply-chain", 7);
  auto qb = LoadQuestions(*env_, root_, b);
  ASSERT_TRUE(qb.ok());
  ASSERT_EQ(qa->size(), qb->size());
  for (size_t i = 0; i < qa->size(); ++i) {
    EXPECT_EQ((*qa)[i].id, (*qb)[i].id);
    EXPECT_EQ((*qa)[i].expected, (*qb)[i].expected);
  }
  std::filesystem::remove_all(root_);
  ExerciseState c = Start("supply-chain", 8);
  auto qc = LoadQuestions(*env_, root_, c);
  ASSERT_TRUE(qc.ok());
  EXPECT_NE(Find(*qa, "isolate").expected, Find(*qc, "isolate").expected);
}

}  // namespace
}  // namespace ncert::sim
