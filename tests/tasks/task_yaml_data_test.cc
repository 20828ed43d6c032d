// The data keys of the task YAML (tasks/task_yaml_data.h): samples, dataset_path json|csv,
// data_files, the *_split keys, and the evaluated split / shot pool lm-eval would use.
#include "tasks/task_yaml_data.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/task_yaml.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;

constexpr char kBare[] = R"(task: t
doc_to_text: "{{q}}"
doc_to_target: "{{a}}"
)";

absl::StatusOr<ParsedTaskYaml> Parse(const std::string& extra) {
  return ParseTaskYaml("w/task.yaml", std::string(kBare) + extra);
}

TEST(TaskYamlDataTest, DataFilesMaySplitOrNameOneTrainSplit) {
  ASSERT_OK_AND_ASSIGN(
      ParsedTaskYaml parsed,
      Parse("dataset_path: json\ndataset_kwargs:\n  data_files:\n    test: [a.jsonl, /d/b.jsonl]\n"
            "    train: ../t.jsonl\ntest_split: test\n"));
  EXPECT_THAT(parsed.data.splits["test"], ElementsAre("w/a.jsonl", "/d/b.jsonl"));
  EXPECT_THAT(parsed.data.splits["train"], ElementsAre("t.jsonl"));
  EXPECT_EQ(parsed.data.format, DataFormat::kJson);
  EXPECT_EQ(parsed.data.eval_split, "test");
  EXPECT_EQ(parsed.data.pool_split, "");  // zero-shot: no pool is read
  // A bare file (or list) is the split "train", as Hugging Face's load_dataset names it.
  ASSERT_OK_AND_ASSIGN(parsed, Parse("dataset_path: csv\ndataset_kwargs: {data_files: d.csv}\n"
                                     "test_split: train\n"));
  EXPECT_THAT(parsed.data.splits["train"], ElementsAre("w/d.csv"));
  EXPECT_EQ(parsed.data.format, DataFormat::kCsv);
  ASSERT_OK_AND_ASSIGN(parsed, Parse("dataset_path: json\ndataset_kwargs: {data_files: [x, y]}\n"
                                     "validation_split: train\n"));
  EXPECT_THAT(parsed.data.splits["train"], ElementsAre("w/x", "w/y"));
}

TEST(TaskYamlDataTest, SplitsAreChosenAsLmEvalChoosesThem) {
  const std::string files =
      "dataset_path: json\ndataset_kwargs: {data_files: {train: tr, validation: va, test: te}}\n"
      "num_fewshot: 2\n";
  // gsm8k: test evaluated, shots from fewshot_split train; names differ, nothing excluded.
  ASSERT_OK_AND_ASSIGN(ParsedTaskYaml parsed,
                       Parse(files + "training_split: train\nfewshot_split: train\n"
                                     "test_split: test\n"));
  EXPECT_EQ(parsed.data.eval_split, "test");
  EXPECT_EQ(parsed.data.pool_split, "train");
  EXPECT_FALSE(parsed.data.exclude_eval_doc);
  EXPECT_EQ(parsed.data.eval_where, "w/task.yaml:9: test_split");
  // sst2: no test_split, so validation is evaluated; the pool is training; fewshot_split and
  // test_split are both unset, which lm-eval counts as equal.
  ASSERT_OK_AND_ASSIGN(parsed, Parse(files + "training_split: train\nvalidation_split: "
                                             "validation\n"));
  EXPECT_EQ(parsed.data.eval_split, "validation");
  EXPECT_EQ(parsed.data.pool_split, "train");
  EXPECT_TRUE(parsed.data.exclude_eval_doc);
  // arc_easy: all three; test evaluated, training the pool, test_split set: nothing excluded.
  ASSERT_OK_AND_ASSIGN(parsed, Parse(files + "training_split: train\nvalidation_split: "
                                             "validation\ntest_split: test\n"));
  EXPECT_EQ(parsed.data.eval_split, "test");
  EXPECT_EQ(parsed.data.pool_split, "train");
  EXPECT_FALSE(parsed.data.exclude_eval_doc);
  // Only a test split: it is also the pool, and (names differ: None vs test) lm-eval does not
  // exclude the document itself.
  ASSERT_OK_AND_ASSIGN(parsed, Parse(files + "test_split: test\n"));
  EXPECT_EQ(parsed.data.pool_split, "test");
  EXPECT_FALSE(parsed.data.exclude_eval_doc);
  ASSERT_OK_AND_ASSIGN(parsed, Parse(files + "test_split: test\nfewshot_split: test\n"));
  EXPECT_TRUE(parsed.data.exclude_eval_doc);
  // Validation before test for the pool.
  ASSERT_OK_AND_ASSIGN(parsed, Parse(files + "validation_split: validation\ntest_split: test\n"));
  EXPECT_EQ(parsed.data.pool_split, "validation");
}

TEST(TaskYamlDataTest, DataErrorsNameFileLineAndKey) {
  struct Case {
    std::string extra;
    std::string expected;
  } cases[] = {
      {"dataset_path: openai/gsm8k\n",
       "w/task.yaml:4: dataset_path: 'openai/gsm8k' is a Hugging Face Hub dataset, and "
       "joulebench never downloads datasets; export it to JSON Lines"},
      {"dataset_path: json\n", "w/task.yaml:4: dataset_path: needs dataset_kwargs"},
      {"dataset_path: json\ndataset_kwargs: {data_files: a, field: data}\ntest_split: train\n",
       "w/task.yaml:5: dataset_kwargs.field: unknown key"},
      {"dataset_path: json\ndataset_kwargs: {data_files: {test: a}}\ntest_split: tset\n",
       "w/task.yaml:6: test_split: split 'tset' is not in dataset_kwargs.data_files "
       "(w/task.yaml:5: dataset_kwargs), which has test"},
      {"dataset_path: json\ndataset_kwargs: {data_files: {train: a}}\ntraining_split: train\n",
       "w/task.yaml:1: test_split: missing; name the evaluated split"},
      {"samples: s.jsonl\ndataset_path: json\n",
       "w/task.yaml:4: samples: given together with dataset_path (w/task.yaml:5: dataset_path)"},
      {"test_split: test\n", "w/task.yaml:4: test_split: splits apply to dataset_path"},
      {"dataset_kwargs: {data_files: a}\n", "w/task.yaml:4: dataset_kwargs: needs dataset_path"},
      {"dataset_path: json\ndataset_kwargs: {data_files: {test: []}}\ntest_split: test\n",
       "w/task.yaml:5: dataset_kwargs.data_files.test: name at least one file"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Parse(c.extra), StatusIs(absl::StatusCode::kInvalidArgument, c.expected))
        << c.extra;
  }
}

}  // namespace
}  // namespace jb::tasks
