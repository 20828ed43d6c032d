// Which draw the oracle uses: the generative fallback of a multiple_choice sample draws as its
// log-likelihood scoring does, and sampled requests draw per request seed while greedy ones
// keep Draw(seed, model, prompt).
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/openai_api.h"
#include "sim/oracle.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"
#include "tests/sim/sim_testing.h"
#include "tests/testing/status_matchers.h"

namespace jb::sim {
namespace {

Profile OneModel(double default_skill, uint64_t seed) {
  Profile p;
  p.seed = seed;
  ModelProfile& m = p.models.emplace_back();
  m.name = "m";
  m.default_skill = default_skill;
  return p;
}

TEST(OracleFallbackTest, TheFallbackNamesTheGoldChoiceExactlyWhenTheDrawIsBelowSkill) {
  const tasks::Suite suite = testing::McSuiteInTempDir(40);
  const Oracle oracle(OneModel(0.6, /*seed=*/9), {suite});
  EXPECT_EQ(oracle.fallback_prompts(), Oracle(OneModel(0.6, 9), {}).fallback_prompts() + 40);
  int correct = 0;
  for (const auto& sample : suite.samples) {
    ASSERT_OK_AND_ASSIGN(std::string context, tasks::BuildPrompt(suite.task, sample));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> choices,
                         tasks::RenderChoices(suite.task, sample));
    ASSERT_OK_AND_ASSIGN(uint32_t gold, tasks::RenderGoldIndex(suite.task, sample));
    const OracleAnswer answer = oracle.Answer("m", tasks::FallbackPrompt(context, choices));
    ASSERT_TRUE(answer.known);
    EXPECT_EQ(answer.task, "mc-colours");
    EXPECT_EQ(answer.sample_index, sample.index());
    const std::optional<uint32_t> named = tasks::ParseChosenOption(choices, answer.text);
    ASSERT_TRUE(named.has_value()) << answer.text;
    // The draw is over the plain context, as log-likelihood scoring's.
    const bool drawn = Oracle::Draw(9, "m", context) < 0.6;
    EXPECT_EQ(*named == gold, drawn) << answer.text;
    EXPECT_EQ(answer.correct, drawn);
    correct += drawn;
    // Log-likelihood scoring picks the very same choice.
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> continuations,
                         tasks::ChoiceContinuations(suite.task, sample));
    std::optional<ChoiceOutcome> outcome;
    oracle.ScorePrompt("m", context + continuations[0], &outcome);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->winner, *named);
    // And the scorer's acc is what the oracle drew.
    tasks::ChoiceEvidence evidence;
    evidence.choices = choices;
    evidence.gold = gold;
    evidence.named_choice = named;
    ASSERT_OK_AND_ASSIGN(tasks::Score score, tasks::ScoreMultipleChoice(suite.task, evidence));
    EXPECT_EQ(score.metrics.at("none/acc"), drawn ? 1 : 0);
  }
  EXPECT_GT(correct, 0);
  EXPECT_LT(correct, 40);
}

TEST(OracleFallbackTest, SkillOneAlwaysNamesTheGoldChoiceAndZeroNever) {
  const tasks::Suite suite = testing::McSuiteInTempDir(8);
  const Oracle perfect(OneModel(1.0, 1), {suite});
  const Oracle hopeless(OneModel(0.0, 1), {suite});
  for (const auto& sample : suite.samples) {
    ASSERT_OK_AND_ASSIGN(std::string context, tasks::BuildPrompt(suite.task, sample));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> choices,
                         tasks::RenderChoices(suite.task, sample));
    const std::string prompt = tasks::FallbackPrompt(context, choices);
    const uint32_t gold = sample.index() % 4;
    EXPECT_EQ(perfect.Answer("m", prompt).text, choices[gold]);
    EXPECT_NE(tasks::ParseChosenOption(choices, hopeless.Answer("m", prompt).text), gold);
    // The plain prompt is known too, with the same replies.
    EXPECT_EQ(perfect.Answer("m", context).text, choices[gold]);
  }
}

TEST(OracleSamplingTest, SampledRequestsDrawPerSeedAndGreedyOnesKeepTheirDraw) {
  ASSERT_OK_AND_ASSIGN(tasks::Suite arith, tasks::FindBuiltinSuite("arith-mini"));
  const Oracle oracle(OneModel(0.5, /*seed=*/3), {});
  int differ = 0;
  for (const auto& sample : arith.samples) {
    ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(arith.task, sample));
    const OracleAnswer greedy = oracle.Answer("m", prompt);
    EXPECT_EQ(greedy.correct, Oracle::Draw(3, "m", prompt) < 0.5);
    EXPECT_EQ(oracle.Answer("m", prompt, std::nullopt).text, greedy.text);
    std::set<bool> outcomes;
    for (int64_t seed = 1; seed <= 8; ++seed) {
      const OracleAnswer sampled = oracle.Answer("m", prompt, seed);
      EXPECT_EQ(sampled.correct, Oracle::Draw(3, "m", prompt, seed) < 0.5);
      EXPECT_EQ(oracle.Answer("m", prompt, seed).text, sampled.text);  // deterministic
      outcomes.insert(sampled.correct);
    }
    differ += outcomes.size() > 1;
    EXPECT_NE(Oracle::Draw(3, "m", prompt, 1), Oracle::Draw(3, "m", prompt, 2));
    EXPECT_NE(Oracle::Draw(3, "m", prompt, 0), Oracle::Draw(3, "m", prompt));
  }
  // With skill 0.5 and 8 seeds, most samples see both outcomes.
  EXPECT_GT(differ, 20);
  EXPECT_DOUBLE_EQ(Oracle::Draw(3, "m", " p\n", 7), Oracle::Draw(3, "m", "p", 7));
}

TEST(OracleSamplingTest, ARequestSamplesWithATemperatureAboveZeroAndASeed) {
  struct Case {
    std::string fields;
    std::optional<int64_t> sampling_seed;
  } cases[] = {
      {R"("temperature": 0.8, "seed": 5)", 5},
      {R"("seed": -12)", -12},  // vLLM's default temperature is 1.0
      {R"("temperature": 0, "seed": 5)", std::nullopt},
      {R"("temperature": 0.8)", std::nullopt},
      {R"("temperature": 0.8, "seed": null)", std::nullopt},
  };
  for (const Case& c : cases) {
    const ParsedRequest chat = ParseChatRequest(
        R"({"model": "m", "messages": [{"role": "user", "content": "x"}], )" + c.fields + "}");
    ASSERT_FALSE(chat.error.has_value()) << c.fields;
    EXPECT_EQ(chat.request.sampling_seed, c.sampling_seed) << c.fields;
    const ParsedRequest completion =
        ParseCompletionRequest(R"({"model": "m", "prompt": "x", )" + c.fields + "}");
    ASSERT_FALSE(completion.error.has_value()) << c.fields;
    EXPECT_EQ(completion.request.sampling_seed, c.sampling_seed) << c.fields;
  }
  for (const char* bad : {R"("temperature": -0.5)", R"("temperature": "hot")", R"("seed": 1.5)"}) {
    const ParsedRequest parsed =
        ParseCompletionRequest(R"({"model": "m", "prompt": "x", )" + std::string(bad) + "}");
    ASSERT_TRUE(parsed.error.has_value()) << bad;
    EXPECT_EQ(parsed.error->status, 400);
  }
}

}  // namespace
}  // namespace jb::sim
