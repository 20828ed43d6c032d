#include "sim/oracle.h"

#include <algorithm>
#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/oracle_replies.h"
#include "tasks/metrics.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"
#include "tests/sim/sim_testing.h"
#include "tests/testing/status_matchers.h"

namespace jb::sim {
namespace {

Profile OneModel(double default_skill, std::map<std::string, double> skill = {},
                 uint64_t seed = 1) {
  Profile p;
  p.seed = seed;
  ModelProfile& m = p.models.emplace_back();
  m.name = "m";
  m.default_skill = default_skill;
  m.skill = std::move(skill);
  return p;
}

struct Tally {
  int samples = 0;
  int oracle_correct = 0;  // answers the oracle drew correct
  int scored = 0;          // answers correct by the task's own rules (ScoresCorrect)
};

// Whether `text` answers `sample` correctly by the task's own rules: multiple_choice, it names
// the gold choice; code tasks (no sandbox here), it is the canonical solution; otherwise its
// primary score reaches the metric's maximum.
bool ScoresCorrect(const tasks::Suite& suite, const joulebench::v1::Sample& sample,
                   const std::string& text) {
  const joulebench::v1::TaskDefinition& task = suite.task;
  if (task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
    absl::StatusOr<std::vector<std::string>> choices = tasks::RenderChoices(task, sample);
    absl::StatusOr<uint32_t> gold = tasks::RenderGoldIndex(task, sample);
    EXPECT_TRUE(choices.ok() && gold.ok());
    return choices.ok() && gold.ok() && tasks::ParseChosenOption(*choices, text) == *gold;
  }
  if (tasks::TaskRunsCode(task)) {
    absl::StatusOr<std::string> solution =
        tasks::RenderTemplate(task.canonical_solution(), sample.doc_json());
    EXPECT_TRUE(solution.ok());
    if (text != kFailingCodeBody) {
      EXPECT_EQ(text, solution.value_or(""));
    }
    return solution.ok() && text == *solution;
  }
  absl::StatusOr<std::vector<std::string>> targets = tasks::RenderTargets(task, sample);
  EXPECT_TRUE(targets.ok());
  if (!targets.ok()) return false;
  absl::StatusOr<std::vector<tasks::Score>> scores =
      tasks::ScoreGenerations(task, sample, *targets, {text}, tasks::ScoringContext{});
  EXPECT_TRUE(scores.ok()) << scores.status();
  return scores.ok() && (*scores)[0].score >= tasks::MetricMaximum(task.metrics(0)) - 1e-9;
}

Tally Evaluate(const Oracle& oracle, const std::string& model, const tasks::Suite& suite) {
  Tally t;
  for (const auto& sample : suite.samples) {
    absl::StatusOr<std::string> prompt = tasks::BuildPrompt(suite.task, sample);
    EXPECT_TRUE(prompt.ok());
    const OracleAnswer answer = oracle.Answer(model, *prompt);
    EXPECT_TRUE(answer.known);
    EXPECT_EQ(answer.task, suite.task.name());
    EXPECT_EQ(answer.sample_index, sample.index());
    const bool correct = ScoresCorrect(suite, sample, answer.text);
    EXPECT_EQ(correct, answer.correct) << suite.task.name() << ": " << answer.text;
    ++t.samples;
    t.oracle_correct += answer.correct;
    t.scored += correct;
  }
  return t;
}

// Prompts the oracle indexes for the built-in suites: one per sample, and one more (the
// fallback prompt) per multiple_choice sample.
size_t BuiltinPrompts() {
  size_t n = 0;
  for (const tasks::Suite& suite : tasks::BuiltinSuites()) {
    const bool mc = suite.task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE;
    n += suite.samples.size() * (mc ? 2 : 1);
  }
  return n;
}

TEST(OracleTest, SkillOneIsAlwaysRightAndZeroAlwaysWrongUnderTheTasksOwnScoring) {
  const Oracle perfect(OneModel(1.0), {});
  const Oracle hopeless(OneModel(0.0), {});
  EXPECT_EQ(perfect.size(), BuiltinPrompts());
  for (const tasks::Suite& suite : tasks::BuiltinSuites()) {
    const Tally good = Evaluate(perfect, "m", suite);
    EXPECT_EQ(good.scored, good.samples) << suite.task.name();
    const Tally bad = Evaluate(hopeless, "m", suite);
    EXPECT_EQ(bad.scored, 0) << suite.task.name();
  }
}

TEST(OracleTest, CorrectAndWrongRepliesLookLikeAnswers) {
  const Oracle perfect(OneModel(1.0), {});
  const Oracle hopeless(OneModel(0.0), {});
  ASSERT_OK_AND_ASSIGN(tasks::Suite sentiment, tasks::FindBuiltinSuite("sentiment-mini"));
  ASSERT_OK_AND_ASSIGN(std::string prompt,
                       tasks::BuildPrompt(sentiment.task, sentiment.samples[0]));
  EXPECT_EQ(perfect.Answer("m", prompt).text, "The answer is positive.");
  EXPECT_EQ(hopeless.Answer("m", prompt).text, "The answer is negative.");
  ASSERT_OK_AND_ASSIGN(tasks::Suite arith, tasks::FindBuiltinSuite("arith-mini"));
  ASSERT_OK_AND_ASSIGN(prompt, tasks::BuildPrompt(arith.task, arith.samples[0]));
  EXPECT_EQ(perfect.Answer("m", prompt).text, "The answer is 27.");
  EXPECT_THAT(hopeless.Answer("m", prompt).text,
              ::testing::AnyOf("The answer is 28.", "The answer is 29.", "The answer is 37."));
  // Surrounding whitespace does not matter.
  EXPECT_EQ(perfect.Answer("m", "\n  " + prompt + " \n").text, "The answer is 27.");
}

TEST(OracleTest, IsDeterministicPerSeedModelAndPrompt) {
  ASSERT_OK_AND_ASSIGN(Profile profile, DefaultProfile());
  const Oracle a(profile, {});
  const Oracle b(profile, {});
  profile.seed += 1;
  const Oracle reseeded(profile, {});
  int differ = 0;
  for (const tasks::Suite& suite : tasks::BuiltinSuites()) {
    for (const auto& sample : suite.samples) {
      ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(suite.task, sample));
      for (const char* model : {"sim-small-1b", "sim-large-70b"}) {
        const OracleAnswer x = a.Answer(model, prompt);
        const OracleAnswer y = b.Answer(model, prompt);
        EXPECT_EQ(x.text, y.text);
        EXPECT_EQ(x.correct, y.correct);
        EXPECT_EQ(Oracle::Draw(profile.seed - 1, model, prompt) < a.Skill(model, suite.task.name()),
                  x.correct);
        differ += reseeded.Answer(model, prompt).correct != x.correct;
      }
    }
  }
  EXPECT_GT(differ, 0);
  EXPECT_DOUBLE_EQ(Oracle::Draw(1, "m", "p"), Oracle::Draw(1, "m", " p "));
  EXPECT_NE(Oracle::Draw(1, "m", "p"), Oracle::Draw(1, "n", "p"));
}

TEST(OracleTest, DefaultProfileAccuracyIsPinned) {
  // Exact counts for builtin:demo-gpu: they change only if the hash, the seed or a prompt
  // changes, which would silently change every end-to-end expectation.
  ASSERT_OK_AND_ASSIGN(Profile profile, DefaultProfile());
  const Oracle oracle(profile, {});
  ASSERT_OK_AND_ASSIGN(tasks::Suite arith, tasks::FindBuiltinSuite("arith-mini"));
  ASSERT_OK_AND_ASSIGN(tasks::Suite sentiment, tasks::FindBuiltinSuite("sentiment-mini"));
  EXPECT_EQ(Evaluate(oracle, "sim-small-1b", arith).scored, 28);
  EXPECT_EQ(Evaluate(oracle, "sim-small-1b", sentiment).scored, 27);
  EXPECT_EQ(Evaluate(oracle, "sim-large-70b", arith).scored, 37);
  EXPECT_EQ(Evaluate(oracle, "sim-large-70b", sentiment).scored, 37);
}

TEST(OracleTest, PerTaskSkillOverridesTheDefault) {
  const Oracle oracle(OneModel(1.0, {{"arith-mini", 0.0}}), {});
  for (const tasks::Suite& suite : tasks::BuiltinSuites()) {
    const Tally t = Evaluate(oracle, "m", suite);
    EXPECT_EQ(t.scored, suite.task.name() == "arith-mini" ? 0 : t.samples);
  }
  EXPECT_EQ(oracle.Skill("m", "arith-mini"), 0.0);
  EXPECT_EQ(oracle.Skill("m", "other"), 1.0);
  EXPECT_EQ(oracle.Skill("unknown-model", "other"), 0.0);
}

TEST(OracleTest, UnknownPromptsGetTheGenericReply) {
  const Oracle oracle(OneModel(1.0), {});
  const OracleAnswer answer = oracle.Answer("m", "Tell me a joke.");
  EXPECT_FALSE(answer.known);
  EXPECT_FALSE(answer.correct);
  EXPECT_EQ(answer.text, kGenericReply);
}

TEST(OracleTest, IndexesExtraSuitesWithTheirOwnScoring) {
  // No filters, exact_match on the raw reply: only the bare target scores 1.
  ASSERT_OK_AND_ASSIGN(
      tasks::Suite capitals,
      tasks::LoadSuiteFromFiles("capitals", {{"task.yaml",
                                              "task: capitals\nfamily: qa\n"
                                              "doc_to_text: \"Capital of {{c}}?\"\n"
                                              "doc_to_target: \"{{a}}\"\n"},
                                             {"samples.jsonl",
                                              "{\"c\": \"France\", \"a\": "
                                              "\"Paris\"}\n"}}));
  const Oracle perfect(OneModel(1.0), {capitals});
  const Oracle hopeless(OneModel(0.0), {capitals});
  EXPECT_EQ(perfect.size(), BuiltinPrompts() + 1);
  EXPECT_EQ(perfect.Answer("m", "Capital of France?").text, "Paris");
  EXPECT_EQ(hopeless.Answer("m", "Capital of France?").text, "I am not sure.");
  EXPECT_EQ(perfect.Answer("m", "Capital of France?").task, "capitals");
}

// Per choice of one sample: the sum of the continuation's logprobs, as a client computes it
// from text offsets (tokens starting at or after the context's end).
struct ChoiceScores {
  std::vector<double> sums;
  std::vector<bool> greedy;  // every continuation token is the argmax
};

ChoiceScores ScoreChoices(const Oracle& oracle, const std::string& model, const tasks::Suite& suite,
                          const joulebench::v1::Sample& sample) {
  ChoiceScores out;
  absl::StatusOr<std::string> context = tasks::BuildPrompt(suite.task, sample);
  absl::StatusOr<std::vector<std::string>> continuations =
      tasks::ChoiceContinuations(suite.task, sample);
  EXPECT_TRUE(context.ok() && continuations.ok());
  for (const std::string& continuation : *continuations) {
    std::optional<ChoiceOutcome> outcome;
    const std::vector<PromptTokenScore> scores =
        oracle.ScorePrompt(model, *context + continuation, &outcome);
    EXPECT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->context_bytes, context->size());
    double sum = 0;
    bool greedy = true;
    size_t offset = 0;
    for (const PromptTokenScore& s : scores) {
      if (offset >= context->size()) {
        sum += s.logprob.value_or(0);
        greedy = greedy && s.greedy;
      } else if (offset > 0) {
        EXPECT_EQ(s.logprob, kContextLogprob);
      }
      offset += s.piece.size();
    }
    EXPECT_FALSE(scores[0].logprob.has_value());
    out.sums.push_back(sum);
    out.greedy.push_back(greedy);
  }
  return out;
}

TEST(OracleLoglikelihoodTest, AClientPicksExactlyTheDrawnChoices) {
  const tasks::Suite suite = testing::McSuiteInTempDir(40);
  const Oracle oracle(OneModel(0.6, {}, /*seed=*/9), {suite});
  EXPECT_EQ(oracle.choice_prompts(), Oracle(OneModel(0.6), {}).choice_prompts() + 160);
  int correct = 0;
  int predicted = 0;
  for (const auto& sample : suite.samples) {
    const ChoiceScores scores = ScoreChoices(oracle, "m", suite, sample);
    const size_t picked =
        std::max_element(scores.sums.begin(), scores.sums.end()) - scores.sums.begin();
    correct += picked == static_cast<size_t>(sample.index() % 4);
    ASSERT_OK_AND_ASSIGN(std::string context, tasks::BuildPrompt(suite.task, sample));
    predicted += Oracle::Draw(9, "m", context) < 0.6;
    // lm-eval's is_greedy holds for the picked choice only.
    for (size_t c = 0; c < scores.greedy.size(); ++c) EXPECT_EQ(scores.greedy[c], c == picked);
  }
  EXPECT_EQ(correct, predicted);
  EXPECT_GT(correct, 0);
  EXPECT_LT(correct, 40);
}

TEST(OracleLoglikelihoodTest, ScoresFollowTheDocumentedRuleExactly) {
  const tasks::Suite suite = testing::McSuiteInTempDir(8);
  const Oracle oracle(OneModel(0.5, {}, /*seed=*/3), {suite});
  for (const auto& sample : suite.samples) {
    ASSERT_OK_AND_ASSIGN(std::string context, tasks::BuildPrompt(suite.task, sample));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> continuations,
                         tasks::ChoiceContinuations(suite.task, sample));
    std::optional<ChoiceOutcome> outcome;
    oracle.ScorePrompt("m", context + continuations[0], &outcome);
    ASSERT_TRUE(outcome.has_value());
    const uint32_t gold = sample.index() % 4;
    EXPECT_EQ(outcome->gold, gold);
    EXPECT_EQ(outcome->task, "mc-colours");
    EXPECT_EQ(outcome->winner == gold, Oracle::Draw(3, "m", context) < 0.5);
    const ChoiceScores scores = ScoreChoices(oracle, "m", suite, sample);
    int loser = 0;
    for (uint32_t c = 0; c < 4; ++c) {
      if (c == outcome->winner) {
        EXPECT_NEAR(scores.sums[c], kWinnerLogprob, 1e-12);
        continue;
      }
      // Every character of a loser's continuation (" dark blue": 10) costs 3 + 0.5 j.
      const double chars = static_cast<double>(continuations[c].size());
      EXPECT_NEAR(scores.sums[c], (kLoserLogprob + kLoserStepLogprob * loser++) * chars, 1e-9);
    }
  }
}

TEST(OracleLoglikelihoodTest, OtherPromptsGetTheContextLogprob) {
  const Oracle oracle(OneModel(1.0), {});
  std::optional<ChoiceOutcome> outcome = ChoiceOutcome{};
  const std::vector<PromptTokenScore> scores =
      oracle.ScorePrompt("m", "Question: is the sky blue?\nAnswer: yes", &outcome);
  EXPECT_FALSE(outcome.has_value());
  ASSERT_EQ(scores.size(), 7u);
  EXPECT_FALSE(scores[0].logprob.has_value());
  for (size_t i = 1; i < scores.size(); ++i) {
    EXPECT_EQ(scores[i].logprob, kContextLogprob);
    EXPECT_TRUE(scores[i].greedy);
  }
  EXPECT_EQ(scores[6].piece, " yes");
}

}  // namespace
}  // namespace jb::sim
