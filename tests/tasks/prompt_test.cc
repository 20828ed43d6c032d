#include "tasks/prompt.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using joulebench::v1::Sample;
using joulebench::v1::TaskDefinition;

Sample MakeSample(uint32_t index, const std::string& doc) {
  Sample s;
  s.set_index(index);
  s.set_doc_json(doc);
  return s;
}

TaskDefinition QaTask() {
  TaskDefinition task;
  task.set_description("Answer briefly.\n\n");
  task.set_doc_to_text("Q: {{q}}\nA:");
  task.set_doc_to_target("{{a}}");
  task.set_target_delimiter(" ");
  task.set_fewshot_delimiter("\n\n");
  return task;
}

Sample WithShots(Sample s, std::initializer_list<uint32_t> indices) {
  for (uint32_t i : indices) s.add_fewshot_indices(i);
  return s;
}

TEST(PromptTest, AssemblesDescriptionShotsAndQuestionAsLmEval) {
  TaskDefinition task = QaTask();
  task.set_num_fewshot(2);
  *task.add_fewshot_samples() = MakeSample(0, R"({"q": "1+1", "a": 2})");
  *task.add_fewshot_samples() = MakeSample(1, R"({"q": "2+2", "a": 4})");
  *task.add_fewshot_samples() = MakeSample(2, R"({"q": "3+3", "a": 6})");
  ASSERT_OK_AND_ASSIGN(std::string prompt,
                       BuildPrompt(task, WithShots(MakeSample(7, R"({"q": "5+5"})"), {0, 1})));
  // The description loses one trailing newline, as Jinja2 renders it in lm-eval.
  EXPECT_EQ(prompt, "Answer briefly.\nQ: 1+1\nA: 2\n\nQ: 2+2\nA: 4\n\nQ: 5+5\nA:");
}

TEST(PromptTest, ShotsAreTheIndexedFewshotSamplesInShotOrder) {
  TaskDefinition task = QaTask();
  task.set_description("");
  task.set_num_fewshot(2);
  *task.add_fewshot_samples() = MakeSample(0, R"({"q": "1+1", "a": 2})");
  *task.add_fewshot_samples() = MakeSample(4, R"({"q": "2+2", "a": 4})");
  *task.add_fewshot_samples() = MakeSample(9, R"({"q": "3+3", "a": 6})");
  const Sample s = WithShots(MakeSample(0, R"({"q": "1+1", "a": 2})"), {2, 1});
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(task, s));
  EXPECT_EQ(prompt, "Q: 3+3\nA: 6\n\nQ: 2+2\nA: 4\n\nQ: 1+1\nA:");
  std::vector<Sample> shots = SelectFewshot(task, s);
  ASSERT_EQ(shots.size(), 2u);
  EXPECT_EQ(shots[0].index(), 9u);
  EXPECT_EQ(shots[1].index(), 4u);
}

TEST(PromptTest, ShotIndicesMustMatchNumFewshot) {
  TaskDefinition task = QaTask();
  task.set_num_fewshot(2);
  *task.add_fewshot_samples() = MakeSample(0, R"({"q": "1+1", "a": 2})");
  EXPECT_THAT(BuildPrompt(task, MakeSample(5, R"({"q": "x"})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "num_fewshot: 2 shots wanted but sample 5 has 0 few-shot indices"));
  EXPECT_THAT(BuildPrompt(task, WithShots(MakeSample(5, R"({"q": "x"})"), {0, 3})),
              StatusIs(absl::StatusCode::kInvalidArgument, "has 2 few-shot indices, 1 of them"));
}

TEST(PromptTest, ShotTargetsPrintAsLmEvalPrintsThem) {
  TaskDefinition task = QaTask();
  task.set_description("");
  task.set_num_fewshot(2);
  task.set_doc_to_target("answers");
  // A list prints its first element; an empty string adds the text alone, no delimiters
  // (lm_eval/api/task.py build_qa_turn: has_answer is false).
  *task.add_fewshot_samples() = MakeSample(0, R"({"q": "a", "answers": ["x", "y"]})");
  *task.add_fewshot_samples() = MakeSample(1, R"({"q": "b", "answers": ""})");
  *task.add_fewshot_samples() = MakeSample(2, R"({"q": "c", "answers": []})");
  ASSERT_OK_AND_ASSIGN(std::string prompt,
                       BuildPrompt(task, WithShots(MakeSample(5, R"({"q": "d"})"), {0, 1})));
  EXPECT_EQ(prompt, "Q: a\nA: x\n\nQ: b\nA:Q: d\nA:");
  EXPECT_THAT(BuildPrompt(task, WithShots(MakeSample(5, R"({"q": "d"})"), {0, 2})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "few-shot document 2: doc_to_target: a shot's target is an empty list"));
}

TEST(PromptTest, RenderTargetsGivesEveryGoldAnswer) {
  TaskDefinition task = QaTask();
  task.set_doc_to_target("{{answers.text}}");
  const Sample two = MakeSample(0, R"({"answers": {"text": ["Paris", "paris, France"]}})");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> targets, RenderTargets(task, two));
  EXPECT_THAT(targets, ::testing::ElementsAre("Paris", "paris, France"));
  ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(task, two));
  EXPECT_EQ(target, "Paris");
  // SQuAD 2.0's unanswerable questions: no gold answer at all.
  const Sample none = MakeSample(1, R"({"answers": {"text": []}})");
  ASSERT_OK_AND_ASSIGN(targets, RenderTargets(task, none));
  EXPECT_TRUE(targets.empty());
  ASSERT_OK_AND_ASSIGN(target, RenderTarget(task, none));
  EXPECT_EQ(target, "");
  // Integers in a list index the choices, as a scalar does.
  task.set_doc_to_target("golds");
  task.add_doc_to_choice("no");
  task.add_doc_to_choice("yes");
  ASSERT_OK_AND_ASSIGN(targets, RenderTargets(task, MakeSample(2, R"({"golds": [1, 0]})")));
  EXPECT_THAT(targets, ::testing::ElementsAre("yes", "no"));
}

TEST(PromptTest, RenderGoldIndexTakesAnIndexOrAChoiceText) {
  TaskDefinition task;
  task.set_doc_to_text("{{question}}");
  task.set_doc_to_choice_template("{{choices.text}}");
  // ARC's own template (lm_eval/tasks/arc/arc_easy.yaml).
  task.set_doc_to_target("{{choices.label.index(answerKey)}}");
  const Sample arc = MakeSample(0, R"({"question": "?", "answerKey": "C",
      "choices": {"label": ["A", "B", "C", "D"], "text": ["w", "x", "y", "z"]}})");
  ASSERT_OK_AND_ASSIGN(uint32_t gold, RenderGoldIndex(task, arc));
  EXPECT_EQ(gold, 2u);
  ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(task, arc));
  EXPECT_EQ(target, "y");
  task.set_doc_to_target("answer");
  ASSERT_OK_AND_ASSIGN(
      gold,
      RenderGoldIndex(task, MakeSample(1, R"({"choices": {"text": ["p", "q"]}, "answer": "q"})")));
  EXPECT_EQ(gold, 1u);
  EXPECT_THAT(
      RenderGoldIndex(task, MakeSample(2, R"({"choices": {"text": ["p"]}, "answer": "r"})")),
      StatusIs(absl::StatusCode::kInvalidArgument, "'r' is not one of the 1 choices"));
  EXPECT_THAT(RenderGoldIndex(task, MakeSample(3, R"({"choices": {"text": ["p"]}, "answer": 4})")),
              StatusIs(absl::StatusCode::kInvalidArgument, "index 4 is out of range"));
  EXPECT_THAT(
      RenderGoldIndex(task, MakeSample(4, R"({"choices": {"text": ["p"]}, "answer": [0]})")),
      StatusIs(absl::StatusCode::kInvalidArgument, "is not one of the 1 choices"));
  TaskDefinition no_choices = QaTask();
  EXPECT_THAT(RenderGoldIndex(no_choices, MakeSample(5, R"({"a": 1})")),
              StatusIs(absl::StatusCode::kInvalidArgument, "the task has no choices"));
}

TEST(PromptTest, IntegerTargetsIndexTheChoices) {
  TaskDefinition task;
  task.set_doc_to_text("{{sentence}}\nQuestion: Is this sentence positive or negative?\nAnswer:");
  task.set_doc_to_target("label");  // a bare field name, as in lm-eval's sst2.yaml
  task.add_doc_to_choice("negative");
  task.add_doc_to_choice("positive");
  const Sample s = MakeSample(0, R"({"sentence": "Great film.", "label": 1})");
  ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(task, s));
  EXPECT_EQ(target, "positive");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> choices, RenderChoices(task, s));
  EXPECT_THAT(choices, ::testing::ElementsAre("negative", "positive"));

  // A rendered template that is all digits indexes the choices too.
  task.set_doc_to_target("{{label}}");
  ASSERT_OK_AND_ASSIGN(target, RenderTarget(task, s));
  EXPECT_EQ(target, "positive");
  ASSERT_OK_AND_ASSIGN(target,
                       RenderTarget(task, MakeSample(1, R"({"sentence": "x", "label": "0"})")));
  EXPECT_EQ(target, "negative");

  // A field holding the string "1" stays text (lm-eval returns doc[field] as is).
  task.set_doc_to_target("label");
  ASSERT_OK_AND_ASSIGN(target,
                       RenderTarget(task, MakeSample(2, R"({"sentence": "x", "label": "1"})")));
  EXPECT_EQ(target, "1");

  EXPECT_THAT(RenderTarget(task, MakeSample(3, R"({"sentence": "x", "label": 2})")),
              StatusIs(absl::StatusCode::kInvalidArgument, "index 2 is out of range"));
}

TEST(PromptTest, ChoicesFromATemplateAndTargetsWithoutChoicesStayText) {
  TaskDefinition task;
  task.set_doc_to_text("{{question}}");
  task.set_doc_to_target("{{answer}}");
  task.set_doc_to_choice_template("{{options.text}}");
  const Sample s =
      MakeSample(0, R"({"question": "Sky?", "options": {"text": ["blue", "green"]}, "answer": 0})");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> choices, RenderChoices(task, s));
  EXPECT_THAT(choices, ::testing::ElementsAre("blue", "green"));
  ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(task, s));
  EXPECT_EQ(target, "blue");

  TaskDefinition no_choices;
  no_choices.set_doc_to_target("{{answer}}");
  ASSERT_OK_AND_ASSIGN(target, RenderTarget(no_choices, MakeSample(0, R"({"answer": 42})")));
  EXPECT_EQ(target, "42");

  task.set_doc_to_choice_template("{{question}}");
  EXPECT_THAT(RenderChoices(task, s),
              StatusIs(absl::StatusCode::kInvalidArgument, "doc_to_choice: expected a list"));
}

TEST(PromptTest, ChoiceContinuationsPrependTheTargetDelimiter) {
  TaskDefinition task;
  task.set_doc_to_text("{{q}}");
  task.set_target_delimiter(" ");
  task.add_doc_to_choice("yes");
  task.add_doc_to_choice("no");
  const Sample s = MakeSample(0, R"({"q": "Is it?"})");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> continuations, ChoiceContinuations(task, s));
  EXPECT_THAT(continuations, ::testing::ElementsAre(" yes", " no"));

  task.set_target_delimiter("\n");
  ASSERT_OK_AND_ASSIGN(continuations, ChoiceContinuations(task, s));
  EXPECT_THAT(continuations, ::testing::ElementsAre("\nyes", "\nno"));

  task.clear_doc_to_choice();
  EXPECT_THAT(ChoiceContinuations(task, s),
              StatusIs(absl::StatusCode::kInvalidArgument, "sample 0 has no choices"));
}

TEST(PromptTest, ErrorsNameTheTemplateAndTheField) {
  TaskDefinition task = QaTask();
  EXPECT_THAT(BuildPrompt(task, MakeSample(0, R"({"question": "x"})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "doc_to_text: field 'q' not found in the document"));
  EXPECT_THAT(RenderTemplate("{{x}}", "[1, 2]"),
              StatusIs(absl::StatusCode::kInvalidArgument, "not a JSON object"));
  ASSERT_OK_AND_ASSIGN(std::string text, RenderTemplate("{{a.b[0]}}!", R"({"a": {"b": ["hi"]}})"));
  EXPECT_EQ(text, "hi!");
}

}  // namespace
}  // namespace jb::tasks
