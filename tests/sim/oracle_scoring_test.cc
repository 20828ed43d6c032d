// The oracle's replies under the newer metrics: list targets (SQuAD's exact), rougeL, bleu
// (0-100), and code tasks answered with their canonical solution.
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/oracle.h"
#include "sim/oracle_replies.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"
#include "tests/testing/status_matchers.h"

namespace jb::sim {
namespace {

using ::jb::testing::StatusIs;

Profile OneModel(double default_skill) {
  Profile p;
  p.seed = 11;
  ModelProfile& m = p.models.emplace_back();
  m.name = "m";
  m.default_skill = default_skill;
  return p;
}

tasks::Suite Load(const std::string& name, const std::string& yaml, const std::string& jsonl) {
  absl::StatusOr<tasks::Suite> suite =
      tasks::LoadSuiteFromFiles(name, {{"task.yaml", yaml}, {"samples.jsonl", jsonl}});
  EXPECT_TRUE(suite.ok()) << suite.status();
  return suite.ok() ? *std::move(suite) : tasks::Suite{};
}

// The oracle's answer to sample `i` and its primary score under the task's own scoring.
struct Scored {
  OracleAnswer answer;
  double score = -1;
};

Scored AnswerAndScore(const Oracle& oracle, const tasks::Suite& suite, size_t i) {
  Scored out;
  const joulebench::v1::Sample& sample = suite.samples.at(i);
  absl::StatusOr<std::string> prompt = tasks::BuildPrompt(suite.task, sample);
  absl::StatusOr<std::vector<std::string>> targets = tasks::RenderTargets(suite.task, sample);
  EXPECT_TRUE(prompt.ok() && targets.ok());
  if (!prompt.ok() || !targets.ok()) return out;
  out.answer = oracle.Answer("m", *prompt);
  EXPECT_TRUE(out.answer.known);
  absl::StatusOr<std::vector<tasks::Score>> scores = tasks::ScoreGenerations(
      suite.task, sample, *targets, {out.answer.text}, tasks::ScoringContext{});
  EXPECT_TRUE(scores.ok()) << scores.status();
  if (scores.ok()) out.score = (*scores)[0].score;
  return out;
}

TEST(OracleScoringTest, ListTargetsAreAnsweredWithTheFirstGoldAnswer) {
  const tasks::Suite squad =
      Load("squad-mini",
           "task: squad-mini\nfamily: qa\n"
           "doc_to_text: \"Context: {{context}}\\nQuestion: {{q}}\\nAnswer:\"\n"
           "doc_to_target: answers\n"
           "metric_list:\n  - metric: exact\n  - metric: f1\n",
           R"({"context": "Denver won.", "q": "Who won?", "answers": ["Denver Broncos", "Denver"]}
{"context": "It rained in Oslo.", "q": "Where did it rain?", "answers": ["Oslo", "in Oslo"]}
)");
  const Oracle perfect(OneModel(1.0), {squad});
  const Oracle hopeless(OneModel(0.0), {squad});
  const char* const first[] = {"Denver Broncos", "Oslo"};
  for (size_t i = 0; i < squad.samples.size(); ++i) {
    const Scored good = AnswerAndScore(perfect, squad, i);
    EXPECT_TRUE(good.answer.correct);
    // "The answer is T." fails SQuAD's exact (the extra words stay), so the bare first answer.
    EXPECT_EQ(good.answer.text, first[i]);
    EXPECT_EQ(good.score, 1);
    const Scored bad = AnswerAndScore(hopeless, squad, i);
    EXPECT_FALSE(bad.answer.correct);
    EXPECT_EQ(bad.answer.text, "I am not sure.");
    EXPECT_EQ(bad.score, 0);
  }
}

TEST(OracleScoringTest, RougeLPrimaryReachesOne) {
  const tasks::Suite summaries =
      Load("sum-mini",
           "task: sum-mini\nfamily: summarisation\n"
           "doc_to_text: \"Summarise: {{text}}\\nSummary:\"\ndoc_to_target: summary\n"
           "metric_list:\n  - metric: rougeL\n    use_stemmer: true\n  - metric: rouge1\n",
           R"({"text": "The council met on Monday and voted to repair the old bridge.", )"
           R"("summary": "The council voted to repair the bridge."})"
           "\n");
  const Scored good = AnswerAndScore(Oracle(OneModel(1.0), {summaries}), summaries, 0);
  EXPECT_TRUE(good.answer.correct);
  EXPECT_EQ(good.answer.text, "The council voted to repair the bridge.");
  EXPECT_NEAR(good.score, 1.0, 1e-12);
  const Scored bad = AnswerAndScore(Oracle(OneModel(0.0), {summaries}), summaries, 0);
  EXPECT_FALSE(bad.answer.correct);
  EXPECT_LT(bad.score, 1.0);
}

TEST(OracleScoringTest, BleuPrimaryReachesOneHundred) {
  const tasks::Suite translation =
      Load("translate-mini",
           "task: translate-mini\nfamily: other\n"
           "doc_to_text: \"Translate to English: {{de}}\\nEnglish:\"\ndoc_to_target: en\n"
           "metric_list:\n  - metric: bleu\n",
           R"({"de": "Die Katze sitzt jeden Morgen auf der Matte.", )"
           R"("en": "The cat sits on the mat every morning."})"
           "\n");
  const Scored good = AnswerAndScore(Oracle(OneModel(1.0), {translation}), translation, 0);
  EXPECT_TRUE(good.answer.correct);
  EXPECT_EQ(good.answer.text, "The cat sits on the mat every morning.");
  EXPECT_NEAR(good.score, 100.0, 1e-9);
  const Scored bad = AnswerAndScore(Oracle(OneModel(0.0), {translation}), translation, 0);
  EXPECT_FALSE(bad.answer.correct);
  EXPECT_LT(bad.score, 100.0);
}

constexpr char kCodeTask[] =
    "task: code-mini\nfamily: code-generation\n"
    "doc_to_text: \"{{prompt}}\"\ndoc_to_target: \"{{test}}\"\n"
    "canonical_solution: \"{{canonical_solution}}\"\n"
    "repeats: 2\n"
    "generation_kwargs: {until: [\"\\ndef \"], temperature: 0.8, do_sample: true}\n"
    "metric_list:\n  - metric: pass_at_k\n    k: [1, 2]\n";

constexpr char kCodeSamples[] =
    R"({"prompt": "def add(a, b):\n    \"\"\"Return a + b.\"\"\"\n", )"
    R"("canonical_solution": "    return a + b\n", "test": "assert add(2, 3) == 5\n"})"
    "\n"
    R"({"prompt": "def neg(x):\n    \"\"\"Return -x.\"\"\"\n", )"
    R"("canonical_solution": "    return -x\n", "test": "assert neg(4) == -4\n"})"
    "\n";

TEST(OracleScoringTest, CodeTasksAnswerWithTheCanonicalSolutionOrAFailingBody) {
  const tasks::Suite code = Load("code-mini", kCodeTask, kCodeSamples);
  ASSERT_TRUE(tasks::TaskRunsCode(code.task));
  const Oracle perfect(OneModel(1.0), {code});
  const Oracle hopeless(OneModel(0.0), {code});
  const char* const solutions[] = {"    return a + b\n", "    return -x\n"};
  for (size_t i = 0; i < code.samples.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(code.task, code.samples[i]));
    const OracleAnswer good = perfect.Answer("m", prompt);
    EXPECT_TRUE(good.known);
    EXPECT_TRUE(good.correct);
    EXPECT_EQ(good.text, solutions[i]);
    const OracleAnswer bad = hopeless.Answer("m", prompt);
    EXPECT_FALSE(bad.correct);
    EXPECT_EQ(bad.text, kFailingCodeBody);
    EXPECT_EQ(bad.text, "    return None\n");
  }
}

TEST(OracleScoringTest, CodeTasksWithoutACanonicalSolutionAreNotIndexed) {
  const std::string yaml =
      absl::StrReplaceAll(kCodeTask, {{"canonical_solution: \"{{canonical_solution}}\"\n", ""}});
  ASSERT_NE(yaml, kCodeTask);
  const tasks::Suite code = Load("code-mini", yaml, kCodeSamples);
  ASSERT_EQ(code.samples.size(), 2u);
  EXPECT_THAT(GenerateReplies(code.task, code.samples[0]),
              StatusIs(absl::StatusCode::kFailedPrecondition, "canonical_solution"));
  const Oracle oracle(OneModel(1.0), {code});
  const Oracle builtin_only(OneModel(1.0), {});
  EXPECT_EQ(oracle.size(), builtin_only.size());
  ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(code.task, code.samples[0]));
  EXPECT_FALSE(oracle.Answer("m", prompt).known);
}

}  // namespace
}  // namespace jb::sim
