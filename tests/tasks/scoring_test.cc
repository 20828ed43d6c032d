#include "tasks/scoring.h"

#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/metrics/bleu.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using joulebench::v1::Sample;
using joulebench::v1::TaskDefinition;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TaskDefinition Gsm8kLike() {
  TaskDefinition task;
  task.set_output_type(joulebench::v1::OUTPUT_TYPE_GENERATE_UNTIL);
  auto* flexible = task.add_filters();
  flexible->set_name("flexible-extract");
  auto* step = flexible->add_steps();
  step->set_function("regex");
  step->set_regex_pattern("(-?[$0-9.,]{2,})|(-?[0-9]+)");
  step->set_group_select(-1);
  step->set_fallback("[invalid]");
  flexible->add_steps()->set_function("take_first");
  auto* strict = task.add_filters();
  strict->set_name("strict-match");
  step = strict->add_steps();
  step->set_function("regex");
  step->set_regex_pattern("#### (\\-?[0-9\\.\\,]+)");
  step->set_fallback("[invalid]");
  auto* em = task.add_metrics();
  em->set_metric("exact_match");
  em->set_ignore_case(true);
  for (const char* r : {",", "\\$", "(?s).*#### ", "\\.$"}) em->add_regexes_to_ignore(r);
  return task;
}

TaskDefinition Plain(std::vector<std::string> metrics) {
  TaskDefinition task;
  task.set_output_type(joulebench::v1::OUTPUT_TYPE_GENERATE_UNTIL);
  for (const std::string& m : metrics) task.add_metrics()->set_metric(m);
  return task;
}

Sample Doc(const std::string& json = "{}") {
  Sample sample;
  sample.set_doc_json(json);
  return sample;
}

Score One(const TaskDefinition& task, std::vector<std::string> targets,
          const std::string& prediction, const Sample& sample = Doc()) {
  absl::StatusOr<std::vector<Score>> scores =
      ScoreGenerations(task, sample, targets, {prediction}, ScoringContext{});
  EXPECT_TRUE(scores.ok()) << scores.status();
  return scores.ok() && scores->size() == 1 ? (*scores)[0] : Score{};
}

TEST(ScoreGenerationsTest, ScoresEveryPipelineAndTakesTheFirstAsPrimary) {
  Score s = One(Gsm8kLike(), {"1234"}, "So she has $1,234 left.");
  EXPECT_EQ(s.extracted, "$1,234");
  EXPECT_EQ(s.score, 1);
  EXPECT_THAT(s.metrics, UnorderedElementsAre(Pair("flexible-extract/exact_match", 1.0),
                                              Pair("strict-match/exact_match", 0.0)));
  s = One(Gsm8kLike(), {"1234"}, "12 + 1222 = 1234\n#### 1,234");
  EXPECT_EQ(s.extracted, "1,234");
  EXPECT_THAT(s.metrics, UnorderedElementsAre(Pair("flexible-extract/exact_match", 1.0),
                                              Pair("strict-match/exact_match", 1.0)));
  s = One(Gsm8kLike(), {"1234"}, "No numbers here");
  EXPECT_EQ(s.extracted, "[invalid]");
  EXPECT_EQ(s.score, 0);
}

TEST(ScoreGenerationsTest, WithoutFiltersTheRawOutputIsScoredAsNone) {
  Score s = One(Plain({"exact_match", "acc"}), {"Paris"}, "Paris");
  EXPECT_EQ(s.extracted, "Paris");
  EXPECT_EQ(s.score, 1);
  EXPECT_THAT(s.metrics,
              UnorderedElementsAre(Pair("none/exact_match", 1.0), Pair("none/acc", 1.0)));
}

TEST(ScoreGenerationsTest, SeveralGoldAnswersTakeTheBest) {
  // SQuAD-style: any of the gold spans counts; exact and f1 follow the SQuAD v2 script.
  Score s = One(Plain({"exact", "f1", "exact_match"}), {"in 1887", "1887"}, "1887");
  EXPECT_EQ(s.metrics.at("none/exact"), 1);
  EXPECT_EQ(s.metrics.at("none/f1"), 1);
  EXPECT_EQ(s.metrics.at("none/exact_match"), 1);
  s = One(Plain({"exact", "f1"}), {"the Royal Society"}, "Royal Society of London");
  EXPECT_EQ(s.metrics.at("none/exact"), 0);
  // Tokens after normalisation: gold [royal, society], prediction [royal, society, of, london]:
  // precision 2/4, recall 2/2, F1 = 2 * 0.5 * 1 / 1.5.
  EXPECT_NEAR(s.metrics.at("none/f1"), 2.0 / 3.0, 1e-12);
  // No gold answer: SQuAD 2.0's unanswerable question, answered right only by "".
  EXPECT_EQ(One(Plain({"exact"}), {}, "").metrics.at("none/exact"), 1);
  EXPECT_EQ(One(Plain({"exact"}), {}, "Paris").metrics.at("none/exact"), 0);
}

TEST(ScoreGenerationsTest, RougeAndBleuCarryTheirValuesAndCorpusStatistics) {
  TaskDefinition task = Plain({"rougeL", "bleu"});
  const std::string target = "the council approved the new park budget";
  Score same = One(task, {target}, target);
  EXPECT_DOUBLE_EQ(same.metrics.at("none/rougeL"), 1.0);
  EXPECT_NEAR(same.metrics.at("none/bleu"), 100.0, 1e-9);
  Score other = One(task, {target}, "the council rejected the park budget");
  EXPECT_GT(other.metrics.at("none/rougeL"), 0.5);
  EXPECT_LT(other.metrics.at("none/rougeL"), 1.0);
  ASSERT_EQ(other.corpus_stats.count("none/bleu"), 1u);
  EXPECT_EQ(
      other.corpus_stats.at("none/bleu"),
      metrics::SentenceBleuStats("the council rejected the park budget", {target}).ToVector());
  EXPECT_EQ(other.corpus_stats.count("none/rougeL"), 0u);
}

TEST(ScoreGenerationsTest, MajorityVoteScoresEveryRepeatWithTheVotedAnswer) {
  TaskDefinition task = Plain({"exact_match"});
  auto* pipeline = task.add_filters();
  pipeline->set_name("maj");
  auto* regex = pipeline->add_steps();
  regex->set_function("regex");
  regex->set_regex_pattern("(\\d+)");
  regex->set_group_select(-1);
  regex->set_fallback("[invalid]");
  pipeline->add_steps()->set_function("majority_vote");
  pipeline->add_steps()->set_function("take_first");
  ASSERT_OK_AND_ASSIGN(std::vector<Score> scores,
                       ScoreGenerations(task, Doc(), {"12"}, {"12", "it is 7", "so 12"}, {}));
  ASSERT_EQ(scores.size(), 3u);
  for (const Score& s : scores) {
    EXPECT_EQ(s.extracted, "12");
    EXPECT_EQ(s.score, 1);
  }
}

TEST(ScoreGenerationsTest, PassAtKWithoutASandboxIsAFailedPrecondition) {
  TaskDefinition task = Plain({"pass_at_k"});
  EXPECT_TRUE(TaskRunsCode(task));
  EXPECT_FALSE(TaskRunsCode(Plain({"exact_match"})));
  EXPECT_THAT(ScoreGenerations(task, Doc(), {"assert True"}, {"x = 1"}, ScoringContext{}),
              StatusIs(absl::StatusCode::kFailedPrecondition, "no code sandbox"));
}

TEST(ScoreGenerationsTest, PassAtKRunsTheProgramInTheSandbox) {
  SandboxOptions options;
  options.python = "python3";
  absl::StatusOr<std::unique_ptr<CodeSandbox>> sandbox = CodeSandbox::Create(options);
  if (!sandbox.ok()) GTEST_SKIP() << "no sandbox here: " << sandbox.status();
  TaskDefinition task = Plain({"pass_at_k"});
  task.set_code_timeout_s(5);
  auto* pipeline = task.add_filters();
  pipeline->set_name("create_test");
  pipeline->add_steps()->set_function("build_predictions");
  const Sample doc = Doc(R"({"prompt": "def add(a, b):\n"})");
  const std::string test = "assert add(2, 3) == 5\nassert add(-1, 1) == 0";
  ASSERT_OK_AND_ASSIGN(
      std::vector<Score> scores,
      ScoreGenerations(task, doc, {test}, {"    return a + b\n", "    return a - b\n"},
                       ScoringContext{sandbox->get()}));
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(scores[0].extracted, "def add(a, b):\n    return a + b\n");
  EXPECT_EQ(scores[0].metrics.at("create_test/pass_at_k"), 1);
  EXPECT_EQ(scores[1].metrics.at("create_test/pass_at_k"), 0);
}

// Hostile answers are scored as failed, within the task's timeout, and scoring goes on
// (tests/tasks/sandbox/sandbox_test.cc shows each is contained).
TEST(ScoreGenerationsTest, HostileProgramsScoreZeroAndScoringGoesOn) {
  absl::StatusOr<std::unique_ptr<CodeSandbox>> sandbox = CodeSandbox::Create(SandboxOptions());
  if (!sandbox.ok()) GTEST_SKIP() << "no sandbox here: " << sandbox.status();
  TaskDefinition task = Plain({"pass_at_k"});
  task.set_code_timeout_s(1);
  const std::vector<std::string> answers = {
      "def add(a, b):\n    while True:\n        pass\n",
      "import os\nwhile True:\n    os.fork()\n",
      "x = bytearray(10 * 1024 ** 3)\n",
      "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=0.5)\n",
      "open('/tmp/jb-scoring-escape', 'w').write('x')\n",
      "def add(a, b):\n    return a + b\n"};
  ASSERT_OK_AND_ASSIGN(std::vector<Score> scores,
                       ScoreGenerations(task, Doc(), {"assert add(2, 3) == 5"}, answers,
                                        ScoringContext{sandbox->get()}));
  ASSERT_EQ(scores.size(), answers.size());
  for (size_t i = 0; i + 1 < answers.size(); ++i) {
    EXPECT_EQ(scores[i].score, 0) << answers[i];
  }
  EXPECT_EQ(scores.back().score, 1);
  EXPECT_NE(access("/tmp/jb-scoring-escape", F_OK), 0);
}

TaskDefinition ChoiceTask(std::vector<std::string> metrics) {
  TaskDefinition task;
  task.set_output_type(joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE);
  for (const std::string& m : metrics) task.add_metrics()->set_metric(m);
  return task;
}

TEST(ScoreMultipleChoiceTest, AccTakesTheLikeliestAndAccNormTheLikeliestPerCharacter) {
  ChoiceEvidence evidence;
  evidence.choices = {"a", "abcdefghij"};
  evidence.gold = 1;
  // acc: -2 > -5, so choice 0. acc_norm: -2/1 < -5/10, so choice 1.
  evidence.loglikelihoods = {-2.0, -5.0};
  ASSERT_OK_AND_ASSIGN(Score s, ScoreMultipleChoice(ChoiceTask({"acc", "acc_norm"}), evidence));
  EXPECT_EQ(s.extracted, "a");
  EXPECT_EQ(s.score, 0);
  EXPECT_THAT(s.metrics, UnorderedElementsAre(Pair("none/acc", 0.0), Pair("none/acc_norm", 1.0)));
}

TEST(ScoreMultipleChoiceTest, AccNormCountsCodePointsNotBytes) {
  ChoiceEvidence evidence;
  // "été" is 3 code points (5 bytes): -3/3 = -1 beats -2.2/2 = -1.1; by bytes it would lose.
  evidence.choices = {"été", "ab"};
  evidence.gold = 0;
  evidence.loglikelihoods = {-3.0, -2.2};
  ASSERT_OK_AND_ASSIGN(Score s, ScoreMultipleChoice(ChoiceTask({"acc_norm"}), evidence));
  EXPECT_EQ(s.metrics.at("none/acc_norm"), 1);
}

TEST(ScoreMultipleChoiceTest, TiesGoToTheFirstChoiceAsNumpyArgmax) {
  ChoiceEvidence evidence;
  evidence.choices = {"no", "yes"};
  evidence.gold = 1;
  evidence.loglikelihoods = {-1.0, -1.0};
  ASSERT_OK_AND_ASSIGN(Score s, ScoreMultipleChoice(ChoiceTask({"acc"}), evidence));
  EXPECT_EQ(s.extracted, "no");
  EXPECT_EQ(s.score, 0);
}

TEST(ScoreMultipleChoiceTest, F1YieldsTruePositiveFalsePositiveFalseNegative) {
  ChoiceEvidence evidence;
  evidence.choices = {"negative", "positive"};
  evidence.loglikelihoods = {-3.0, -1.0};  // predicts 1
  evidence.gold = 1;
  ASSERT_OK_AND_ASSIGN(Score tp, ScoreMultipleChoice(ChoiceTask({"f1"}), evidence));
  EXPECT_THAT(tp.corpus_stats.at("none/f1"), ElementsAre(1, 0, 0));
  evidence.gold = 0;
  ASSERT_OK_AND_ASSIGN(Score fp, ScoreMultipleChoice(ChoiceTask({"f1"}), evidence));
  EXPECT_THAT(fp.corpus_stats.at("none/f1"), ElementsAre(0, 1, 0));
  evidence.loglikelihoods = {-1.0, -3.0};  // predicts 0
  evidence.gold = 1;
  ASSERT_OK_AND_ASSIGN(Score fn, ScoreMultipleChoice(ChoiceTask({"f1"}), evidence));
  EXPECT_THAT(fn.corpus_stats.at("none/f1"), ElementsAre(0, 0, 1));
}

TEST(ScoreMultipleChoiceTest, TheGenerativeFallbackScoresTheNamedChoice) {
  ChoiceEvidence evidence;
  evidence.choices = {"solid", "liquid", "gas"};
  evidence.gold = 2;
  evidence.named_choice = 2;
  ASSERT_OK_AND_ASSIGN(Score s, ScoreMultipleChoice(ChoiceTask({"acc", "acc_norm"}), evidence));
  EXPECT_EQ(s.extracted, "gas");
  EXPECT_THAT(s.metrics, UnorderedElementsAre(Pair("none/acc", 1.0), Pair("none/acc_norm", 1.0)));
  evidence.named_choice.reset();
  ASSERT_OK_AND_ASSIGN(s, ScoreMultipleChoice(ChoiceTask({"acc"}), evidence));
  EXPECT_EQ(s.extracted, "");
  EXPECT_EQ(s.score, 0);
}

TEST(ScoreMultipleChoiceTest, RejectsEvidenceThatDoesNotFit) {
  ChoiceEvidence evidence;
  evidence.choices = {"a", "b"};
  evidence.gold = 2;
  evidence.loglikelihoods = {-1, -2};
  EXPECT_THAT(ScoreMultipleChoice(ChoiceTask({"acc"}), evidence),
              StatusIs(absl::StatusCode::kInvalidArgument, "gold index 2 is out of range"));
  evidence.gold = 0;
  evidence.loglikelihoods = {-1};
  EXPECT_THAT(ScoreMultipleChoice(ChoiceTask({"acc"}), evidence),
              StatusIs(absl::StatusCode::kInvalidArgument, "1 log-likelihoods for 2 choices"));
}

TEST(FallbackPromptTest, ListsTheOptionsAfterThePrompt) {
  EXPECT_EQ(FallbackPrompt("Question: What melts ice?\nAnswer:", {"heat", "cold"}),
            "Question: What melts ice?\nAnswer:\n\nOptions:\n- heat\n- cold\n"
            "Answer with the text of one option.");
}

TEST(ParseChosenOptionTest, FindsTheEarliestWholeChoice) {
  const std::vector<std::string> choices = {"neutral", "entailment", "contradiction"};
  EXPECT_EQ(ParseChosenOption(choices, "Entailment."), 1u);
  EXPECT_EQ(ParseChosenOption(choices, "It is a contradiction, not entailment"), 2u);
  EXPECT_EQ(ParseChosenOption(choices, "I cannot tell"), std::nullopt);
  // Not inside a longer word.
  EXPECT_EQ(ParseChosenOption({"gas", "solid"}, "Gaseous? No: solid"), 1u);
  // At one position the longest choice wins.
  EXPECT_EQ(ParseChosenOption({"New York", "New York City"}, "new york city, clearly"), 1u);
  // Choices that are not words still match (punctuation at their edges).
  EXPECT_EQ(ParseChosenOption({"3.5 m/s", "7 m/s"}, "about 7 m/s."), 1u);
}

TEST(ValidateScoringTest, RejectsUnknownFiltersMetricsAndDuplicatesByName) {
  TaskDefinition task = Gsm8kLike();
  EXPECT_OK(ValidateScoring(task));
  task.mutable_filters(1)->add_steps()->set_function("take_first_k");
  EXPECT_THAT(ValidateScoring(task),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "filter_list[1].filter[1]: filter 'take_first_k' is not supported"));
  task = Gsm8kLike();
  task.add_metrics()->set_metric("bleurt");
  EXPECT_THAT(ValidateScoring(task),
              StatusIs(absl::StatusCode::kInvalidArgument, "metric_list[1]: metric 'bleurt'"));
  task = Gsm8kLike();
  task.mutable_filters(1)->set_name("flexible-extract");
  EXPECT_THAT(ValidateScoring(task), StatusIs(absl::StatusCode::kInvalidArgument, "used twice"));
  task = Gsm8kLike();
  task.clear_metrics();
  EXPECT_THAT(ValidateScoring(task),
              StatusIs(absl::StatusCode::kInvalidArgument, "metric_list: empty"));
}

TEST(ValidateScoringTest, MetricsMustFitTheOutputType) {
  EXPECT_THAT(ValidateScoring(Plain({"acc_norm"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "metric acc_norm does not apply to generate_until tasks"));
  EXPECT_THAT(ValidateScoring(ChoiceTask({"acc", "rougeL"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "metric_list[1]: metric rougeL does not apply to multiple_choice"));
  EXPECT_OK(ValidateScoring(ChoiceTask({"acc", "acc_norm", "f1"})));
  TaskDefinition filtered = ChoiceTask({"acc"});
  filtered.add_filters()->set_name("x");
  EXPECT_THAT(ValidateScoring(filtered),
              StatusIs(absl::StatusCode::kInvalidArgument, "filters do not apply"));
}

}  // namespace
}  // namespace jb::tasks
