// The built-in suites: they load, have the samples the issue asks for, and a reference answer
// (the gold text, the canonical solution, the gold choice) reaches the best value of each metric
// under the suite's own first filter pipeline. The same check against the simulator's oracle lives
// in tests/sim/oracle_test.cc; suites/generate_suites.py --check (a CTest test) checks the files
// are what the generator writes and that its canonical programs pass in Python.
#include <map>
#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/metrics.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"
#include "tasks/suite.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;

TEST(BuiltinSuitesTest, AllLoadSortedByNameWithEnoughSamples) {
  const std::vector<Suite>& suites = BuiltinSuites();
  std::vector<std::string> names;
  for (const Suite& s : suites) {
    names.push_back(s.task.name());
    EXPECT_EQ(s.task.content_hash(), ContentHash(s));
    // The floor: 100 samples per suite, 40 for code generation; the -mini suites are
    // the demo's small ones.
    const size_t floor = s.task.family() == "code-generation"     ? 40
                         : absl::EndsWith(s.task.name(), "-mini") ? 40
                                                                  : 100;
    EXPECT_GE(s.samples.size(), floor) << s.task.name();
  }
  EXPECT_THAT(names, ::testing::ElementsAre("arith-cot", "arith-mini", "code-generation",
                                            "code-summarisation", "commonsense-endings",
                                            "extractive-qa", "nli", "science-mc", "sentiment",
                                            "sentiment-mini", "story-writing", "summarisation"));
  EXPECT_THAT(FindBuiltinSuite("gsm8k"),
              StatusIs(absl::StatusCode::kNotFound, "arith-cot, arith-mini, code-generation"));
}

TEST(BuiltinSuitesTest, EmbeddedCopiesMatchTheSourceTree) {
  // Same hash from the files on disk as from the copies compiled in: the embedding kept every
  // byte that matters (non-ASCII text, semicolons, quotes).
  for (const Suite& builtin : BuiltinSuites()) {
    ASSERT_OK_AND_ASSIGN(
        Suite on_disk, LoadSuiteDir(std::string(JB_SOURCE_DIR) + "/suites/" + builtin.task.name()));
    EXPECT_EQ(on_disk.task.content_hash(), builtin.task.content_hash()) << builtin.task.name();
  }
}

TEST(BuiltinSuitesTest, SentimentIsBalancedAndChatGenerative) {
  ASSERT_OK_AND_ASSIGN(Suite s, FindBuiltinSuite("sentiment-mini"));
  EXPECT_EQ(s.task.family(), "sentiment");
  EXPECT_EQ(s.task.generation().endpoint(), joulebench::v1::ENDPOINT_CHAT);
  int positive = 0;
  for (const auto& sample : s.samples) {
    ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(s.task, sample));
    ASSERT_TRUE(target == "positive" || target == "negative") << target;
    positive += target == "positive";
  }
  EXPECT_EQ(positive, 20);
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(s.task, s.samples[0]));
  EXPECT_EQ(prompt,
            "Review: The battery lasts two full days and the screen is bright even in sunlight.\n"
            "Is the sentiment of this review positive or negative? Answer with one word.\n"
            "Answer:");
}

TEST(BuiltinSuitesTest, ArithIsTwoShotWithIntegerTargets) {
  ASSERT_OK_AND_ASSIGN(Suite s, FindBuiltinSuite("arith-mini"));
  EXPECT_EQ(s.task.family(), "math");
  EXPECT_EQ(s.task.num_fewshot(), 2u);
  for (const auto& sample : s.samples) {
    ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(s.task, sample));
    EXPECT_THAT(target, ::testing::MatchesRegex("[1-9][0-9]*")) << sample.doc_json();
  }
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(s.task, s.samples[0]));
  EXPECT_EQ(prompt,
            "Solve each problem. End your reply with \"The answer is N.\"\n"
            "Question: A baker makes 48 muffins and sells 35 of them. He then bakes 24 more. How "
            "many muffins does he have now?\nAnswer: 37\n\n"
            "Question: A train has 8 carriages with 42 seats each. If 57 seats are empty, how many "
            "seats are taken?\nAnswer: 279\n\n"
            "Question: Mia buys 3 packs of pencils with 12 pencils in each pack. She gives 9 "
            "pencils to her brother. How many pencils does she have left?\nAnswer:");
}

// Every prompt differs (the simulator's oracle and any cache key on them).
TEST(BuiltinSuitesTest, PromptsAreUnique) {
  for (const Suite& s : BuiltinSuites()) {
    std::set<std::string> prompts;
    for (const auto& sample : s.samples) {
      ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(s.task, sample));
      EXPECT_TRUE(prompts.insert(prompt).second) << s.task.name() << " " << sample.index();
    }
  }
}

// The reference answer reaches the best value of every metric of the first filter pipeline; for
// 0/1 primary metrics, a reply that says nothing scores 0.
TEST(BuiltinSuitesTest, ReferenceAnswersScoreTheBestValueOfEveryMetric) {
  absl::StatusOr<std::unique_ptr<CodeSandbox>> sandbox = CodeSandbox::Create(SandboxOptions());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  const ScoringContext context{sandbox->get()};
  for (const Suite& s : BuiltinSuites()) {
    SCOPED_TRACE(s.task.name());
    std::map<std::string, double> best;
    for (const auto& metric : s.task.metrics()) best[metric.metric()] = MetricMaximum(metric);
    for (const auto& sample : s.samples) {
      SCOPED_TRACE(sample.index());
      if (s.task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
        ChoiceEvidence evidence;
        ASSERT_OK_AND_ASSIGN(evidence.choices, RenderChoices(s.task, sample));
        ASSERT_OK_AND_ASSIGN(evidence.gold, RenderGoldIndex(s.task, sample));
        evidence.loglikelihoods.assign(evidence.choices.size(), -100.0);
        evidence.loglikelihoods[evidence.gold] = -0.1;
        ASSERT_OK_AND_ASSIGN(Score score, ScoreMultipleChoice(s.task, evidence));
        for (const auto& [name, value] : score.metrics) EXPECT_EQ(value, 1) << name;
        continue;
      }
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> targets, RenderTargets(s.task, sample));
      ASSERT_FALSE(targets.empty());
      std::string reference = targets[0];
      if (TaskRunsCode(s.task)) {
        ASSERT_OK_AND_ASSIGN(reference,
                             RenderTemplate(s.task.canonical_solution(), sample.doc_json()));
      }
      ASSERT_OK_AND_ASSIGN(
          std::vector<Score> scores,
          ScoreGenerations(s.task, sample, targets, {reference, "I am not sure."}, context));
      // Every metric of the first pipeline (later pipelines may expect another format, as
      // arith-mini's strict-match expects GSM8K's "#### N").
      const std::string first =
          s.task.filters_size() > 0 ? s.task.filters(0).name() + "/" : std::string("none/");
      for (const auto& [key, value] : scores[0].metrics) {
        if (!absl::StartsWith(key, first)) continue;
        EXPECT_NEAR(value, best.at(key.substr(first.size())), 1e-9) << key << " for " << reference;
      }
      const auto& primary = s.task.metrics(0).metric();
      if (primary != "bleu" && !absl::StartsWith(primary, "rouge")) {
        EXPECT_EQ(scores[1].score, 0) << "a non-answer scored";
      }
    }
  }
}

}  // namespace
}  // namespace jb::tasks
