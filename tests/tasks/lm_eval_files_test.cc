// The recipe docs/tasks.md gives users: lm-eval's own task YAML, included unchanged by a small
// wrapper that points dataset_path at a local export. The lm-eval files below are typed in the
// shape of lm_eval/tasks/gsm8k/gsm8k.yaml, humaneval/humaneval.yaml, glue/sst2/default.yaml
// and arc/arc_easy.yaml (same keys and values, EleutherAI/lm-evaluation-harness at 4e7e0d4);
// the documents are small made-up exports in the datasets' column layouts.
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/filters.h"
#include "tasks/prompt.h"
#include "tasks/suite.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::testing::ElementsAre;
using Files = std::map<std::string, std::string>;

constexpr char kGsm8k[] = R"yaml(tag:
  - math_word_problems
task: gsm8k
dataset_path: openai/gsm8k
dataset_name: main
output_type: generate_until
training_split: train
fewshot_split: train
test_split: test
doc_to_text: "Question: {{question}}\nAnswer:"
doc_to_target: "{{answer}}" #" {{answer.split('### ')[-1].rstrip()}}"
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
    ignore_case: true
    ignore_punctuation: false
    regexes_to_ignore:
      - ","
      - "\\$"
      - "(?s).*#### "
      - "\\.$"
generation_kwargs:
  until:
    - "Question:"
    - "</s>"
    - "<|im_end|>"
  do_sample: false
  temperature: 0.0
repeats: 1
num_fewshot: 5
filter_list:
  - name: "strict-match"
    filter:
      - function: "regex"
        regex_pattern: "#### (\\-?[0-9\\.\\,]+)"
      - function: "take_first"
  - name: "flexible-extract"
    filter:
      - function: "regex"
        group_select: -1
        regex_pattern: "(-?[$0-9.,]{2,})|(-?[0-9]+)"
      - function: "take_first"
metadata:
  version: 3.0
)yaml";

constexpr char kHumanEval[] = R"yaml(task: humaneval
dataset_path: openai/openai_humaneval
unsafe_code: true
output_type: generate_until
test_split: test
doc_to_text: "{{prompt}}"
doc_to_target: "{{test}}\ncheck({{entry_point}})"
metric_list:
  - metric: !function utils.pass_at_k
    aggregation: mean
    higher_is_better: true
    k: [1]
generation_kwargs:
  until:
    - "\nclass"
    - "\ndef"
    - "\n#"
    - "\nif"
    - "\nprint"
  max_gen_toks: 1024
  do_sample: false
repeats: 1
num_fewshot: 0
filter_list:
  - name: "create_test"
    filter:
      - function: "custom"
        filter_fn: !function utils.build_predictions
metadata:
  version: 1.0
)yaml";

constexpr char kSst2[] = R"yaml(tag: glue
task: sst2
dataset_path: nyu-mll/glue
dataset_name: sst2
output_type: multiple_choice
training_split: train
validation_split: validation
doc_to_text: "{{sentence}}\nQuestion: Is this sentence positive or negative?\nAnswer:"
doc_to_target: label
doc_to_choice: ["negative", "positive"]
metric_list:
  - metric: acc
metadata:
  version: 1.0
)yaml";

constexpr char kArcEasy[] = R"yaml(tag:
  - ai2_arc
task: arc_easy
dataset_path: allenai/ai2_arc
dataset_name: ARC-Easy
output_type: multiple_choice
training_split: train
validation_split: validation
test_split: test
doc_to_text: "Question: {{question}}\nAnswer:"
doc_to_target: "{{choices.label.index(answerKey)}}"
doc_to_choice: "{{choices.text}}"
should_decontaminate: true
doc_to_decontamination_query: "Question: {{question}}\nAnswer:"
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
  - metric: acc_norm
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
)yaml";

// A wrapper as docs/tasks.md writes it, in wrappers/, including lm-eval's file from a checkout
// beside it and reading exports from data/.
std::string Wrapper(const std::string& lm_eval_file, const std::string& data_files,
                    const std::string& extra = "") {
  return absl::StrCat("include: ../lm-evaluation-harness/lm_eval/tasks/", lm_eval_file,
                      "\ndataset_path: json\ndataset_kwargs:\n  data_files: ", data_files, "\n",
                      extra);
}

std::string GsmDoc(int i) {
  return absl::StrCat("{\"question\": \"What is ", i, " + ", i, "?\", \"answer\": \"", i, " + ", i,
                      " = ", 2 * i, "\\n#### ", 2 * i, "\"}\n");
}

TEST(LmEvalFilesTest, Gsm8kRunsFromItsOwnYamlWithSeededFiveShot) {
  std::string train;
  for (int i = 0; i < 6; ++i) train += GsmDoc(i);
  const Files files = {
      {"gsm8k.yaml", Wrapper("gsm8k/gsm8k.yaml",
                             "{train: ../data/gsm8k-train.jsonl, test: ../data/gsm8k-test.jsonl}",
                             "family: math\nendpoint: completions\n")},
      {"../lm-evaluation-harness/lm_eval/tasks/gsm8k/gsm8k.yaml", kGsm8k},
      {"../data/gsm8k-train.jsonl", train},
      {"../data/gsm8k-test.jsonl", GsmDoc(10) + GsmDoc(11)},
  };
  ASSERT_OK_AND_ASSIGN(Suite suite, LoadSuiteFromFiles("wrappers/gsm8k.yaml", files));
  EXPECT_EQ(suite.task.name(), "gsm8k");
  EXPECT_EQ(suite.task.version(), "3.0");
  ASSERT_EQ(suite.samples.size(), 2u);
  EXPECT_THAT(suite.task.generation().stop(), ElementsAre("Question:", "</s>", "<|im_end|>"));
  ASSERT_EQ(suite.task.filters_size(), 2);
  EXPECT_EQ(suite.task.metrics(0).regexes_to_ignore(2), "(?s).*#### ");
  // r = random.Random(1234); [r.sample(range(6), 5) for _ in range(2)]
  //   -> [[3, 0, 4, 5, 2], [5, 0, 4, 1, 3]]  (CPython 3.11.2)
  ASSERT_EQ(suite.task.fewshot_samples_size(), 6);
  EXPECT_THAT(suite.samples[0].fewshot_indices(), ElementsAre(3, 0, 4, 5, 2));
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(suite.task, suite.samples[0]));
  EXPECT_TRUE(absl::StartsWith(prompt,
                               "Question: What is 3 + 3?\nAnswer: 3 + 3 = 6\n#### 6\n\n"
                               "Question: What is 0 + 0?\nAnswer: 0 + 0 = 0\n#### 0\n\n"))
      << prompt;
  EXPECT_TRUE(absl::EndsWith(prompt, "#### 4\n\nQuestion: What is 10 + 10?\nAnswer:")) << prompt;
  ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(suite.task, suite.samples[0]));
  EXPECT_EQ(target, "10 + 10 = 20\n#### 20");
}

TEST(LmEvalFilesTest, HumanEvalMapsItsPythonFunctionsToBuiltins) {
  const Files files = {
      {"humaneval.yaml",
       Wrapper("humaneval/humaneval.yaml", "{test: ../data/humaneval.jsonl}",
               "family: code-generation\ncanonical_solution: \"{{canonical_solution}}\"\n")},
      {"../lm-evaluation-harness/lm_eval/tasks/humaneval/humaneval.yaml", kHumanEval},
      {"../data/humaneval.jsonl",
       R"({"task_id": "HumanEval/0", "prompt": "def add(a, b):\n", "canonical_solution": "    return a + b\n", "test": "def check(f):\n    assert f(1, 2) == 3\n", "entry_point": "add"})"
       "\n"},
  };
  ASSERT_OK_AND_ASSIGN(Suite suite, LoadSuiteFromFiles("wrappers/humaneval.yaml", files));
  EXPECT_EQ(suite.task.metrics(0).metric(), "pass_at_k");
  EXPECT_THAT(suite.task.metrics(0).k(), ElementsAre(1));
  EXPECT_EQ(suite.task.filters(0).steps(0).function(), "build_predictions");
  EXPECT_EQ(suite.task.generation().max_tokens(), 1024u);
  EXPECT_EQ(suite.task.code_timeout_s(), 3.0);
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(suite.task, suite.samples[0]));
  EXPECT_EQ(prompt, "def add(a, b):\n");
  ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(suite.task, suite.samples[0]));
  EXPECT_EQ(target, "def check(f):\n    assert f(1, 2) == 3\n\ncheck(add)");
}

TEST(LmEvalFilesTest, Sst2EvaluatesValidationAsMultipleChoice) {
  const Files files = {
      {"sst2.yaml", Wrapper("glue/sst2/default.yaml",
                            "{train: ../data/sst2-train.jsonl, validation: "
                            "../data/sst2-validation.jsonl}",
                            "family: sentiment\nendpoint: completions\n")},
      {"../lm-evaluation-harness/lm_eval/tasks/glue/sst2/default.yaml", kSst2},
      {"../data/sst2-validation.jsonl",
       "{\"sentence\": \"a gorgeous film\", \"label\": 1, \"idx\": 0}\n"
       "{\"sentence\": \"dull\", \"label\": 0, \"idx\": 1}\n"},
  };
  // num_fewshot is 0, so the training export is never read and need not be shipped.
  ASSERT_OK_AND_ASSIGN(Suite suite, LoadSuiteFromFiles("wrappers/sst2.yaml", files));
  EXPECT_EQ(suite.task.output_type(), joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE);
  ASSERT_EQ(suite.samples.size(), 2u);
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(suite.task, suite.samples[0]));
  EXPECT_EQ(prompt, "a gorgeous film\nQuestion: Is this sentence positive or negative?\nAnswer:");
  ASSERT_OK_AND_ASSIGN(uint32_t gold, RenderGoldIndex(suite.task, suite.samples[1]));
  EXPECT_EQ(gold, 0u);
}

TEST(LmEvalFilesTest, ArcEasyIndexesItsChoiceLabels) {
  auto arc = [](const std::string& q, const std::string& key) {
    return absl::StrCat("{\"id\": \"", q, "\", \"question\": \"", q,
                        "?\", \"choices\": {\"text\": [\"red\", \"green\", \"blue\"], \"label\": "
                        "[\"A\", \"B\", \"C\"]}, \"answerKey\": \"",
                        key, "\"}\n");
  };
  const Files files = {
      {"arc_easy.yaml",
       Wrapper("arc/arc_easy.yaml",
               "{train: ../data/arc-train.jsonl, validation: ../data/arc-val.jsonl,"
               " test: ../data/arc-test.jsonl}",
               "family: mcqa\nnum_fewshot: 1\n")},
      {"../lm-evaluation-harness/lm_eval/tasks/arc/arc_easy.yaml", kArcEasy},
      {"../data/arc-train.jsonl", arc("t0", "A") + arc("t1", "B") + arc("t2", "C")},
      {"../data/arc-test.jsonl", arc("e0", "C") + arc("e1", "A")},
  };
  ASSERT_OK_AND_ASSIGN(Suite suite, LoadSuiteFromFiles("wrappers/arc_easy.yaml", files));
  ASSERT_EQ(suite.samples.size(), 2u);
  ASSERT_OK_AND_ASSIGN(uint32_t gold, RenderGoldIndex(suite.task, suite.samples[0]));
  EXPECT_EQ(gold, 2u);
  ASSERT_EQ(suite.task.metrics_size(), 2);
  EXPECT_EQ(suite.task.metrics(1).metric(), "acc_norm");
  // r = random.Random(1234); [r.sample(range(3), 1) for _ in range(2)] -> [[1], [0]]; the shot
  // prints the text of its gold choice.
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(suite.task, suite.samples[0]));
  EXPECT_EQ(prompt, "Question: t1?\nAnswer: green\n\nQuestion: e0?\nAnswer:");
}

// Every wrapper YAML in docs/tasks.md, exactly as printed there, loads over small exports, so
// the documented recipes cannot rot.
std::map<std::string, std::string> DocsWrappers() {
  std::ifstream in(std::string(JB_SOURCE_DIR) + "/docs/tasks.md");
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::string> out;
  std::string block;
  std::string name;
  bool in_yaml = false;
  std::string line;
  while (std::getline(text, line)) {
    if (!in_yaml && line == "```yaml") {
      in_yaml = true;
      block.clear();
      name.clear();
    } else if (in_yaml && line == "```") {
      in_yaml = false;
      if (!name.empty()) out[name] = block;
    } else if (in_yaml) {
      if (block.empty() && absl::StartsWith(line, "# wrappers/")) name = line.substr(11);
      block += line + "\n";
    }
  }
  return out;
}

TEST(LmEvalFilesTest, EveryRecipeInDocsTasksMdLoads) {
  const std::map<std::string, std::string> wrappers = DocsWrappers();
  EXPECT_EQ(wrappers.size(), 7u);
  std::string gsm_train;
  for (int i = 0; i < 6; ++i) gsm_train += GsmDoc(i);
  const std::string lm = "../lm-evaluation-harness/lm_eval/tasks/";
  const std::string arc =
      R"({"id": "x", "question": "Which is a gas?", "choices": {"text": ["ice", "steam"], "label": ["A", "B"]}, "answerKey": "B"})"
      "\n";
  const Files data = {
      {lm + "gsm8k/gsm8k.yaml", kGsm8k},
      {lm + "humaneval/humaneval.yaml", kHumanEval},
      {lm + "glue/sst2/default.yaml", kSst2},
      {lm + "arc/arc_easy.yaml", kArcEasy},
      {"../data/gsm8k-train.jsonl", gsm_train},
      {"../data/gsm8k-test.jsonl", GsmDoc(10)},
      {"../data/humaneval-test.jsonl",
       R"({"task_id": "HumanEval/0", "prompt": "def one():\n", "canonical_solution": "    return 1\n", "test": "def check(f):\n    assert f() == 1\n", "entry_point": "one"})"
       "\n"},
      {"../data/sst2-validation.jsonl", "{\"sentence\": \"fine\", \"label\": 1, \"idx\": 0}\n"},
      {"../data/imdb-test.jsonl", "{\"text\": \"A fine film.\", \"label\": 1}\n"},
      {"../data/snli-test.jsonl",
       "{\"premise\": \"A dog runs.\", \"hypothesis\": \"An animal moves.\", \"label\": 0}\n"},
      {"../data/arc-easy-test.jsonl", arc},
      {"../data/squad2-validation.jsonl",
       R"({"id": "1", "title": "Paris", "context": "Paris is in France.", "question": "Where is Paris?", "answers": {"text": ["France", "in France"], "answer_start": [12, 9]}})"
       "\n"
       R"({"id": "2", "title": "Paris", "context": "Paris is in France.", "question": "Who built it?", "answers": {"text": [], "answer_start": []}})"
       "\n"},
  };
  std::map<std::string, Suite> suites;
  for (const auto& [name, yaml] : wrappers) {
    Files files = data;
    files[name] = yaml;
    absl::StatusOr<Suite> suite = LoadSuiteFromFiles("wrappers/" + name, files);
    ASSERT_TRUE(suite.ok()) << name << ": " << suite.status();
    suites[name] = *std::move(suite);
  }
  // SQuAD 2.0: every gold answer, none for an unanswerable question, and the abstain filter
  // turns "unanswerable" into the empty answer the SQuAD v2 script expects.
  const Suite& squad = suites.at("squad2.yaml");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> golds, RenderTargets(squad.task, squad.samples[0]));
  EXPECT_THAT(golds, ElementsAre("France", "in France"));
  ASSERT_OK_AND_ASSIGN(golds, RenderTargets(squad.task, squad.samples[1]));
  EXPECT_TRUE(golds.empty());
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(squad.task, squad.samples[0]));
  EXPECT_EQ(prompt,
            "Answer from the background. If it does not contain the answer, answer "
            "unanswerable.\n\nTitle: Paris\n\nBackground: Paris is in France.\n\nQuestion: "
            "Where is Paris?\n\nAnswer:");
  const auto& abstain = squad.task.filters(0);
  for (const auto& [reply, answer] : std::vector<std::pair<std::string, std::string>>{
           {" unanswerable", ""},
           {"Unanswerable.", ""},
           {"", ""},
           {" France", "France"},
           {" The unanswerable riddle", "The unanswerable riddle"}}) {
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> extracted,
                         ApplyFilterPipeline(abstain, {reply}, nlohmann::json::object()));
    ASSERT_EQ(extracted.size(), 1u);
    EXPECT_EQ(extracted[0], answer) << reply;
  }
  ASSERT_OK_AND_ASSIGN(uint32_t gold, RenderGoldIndex(suites.at("arc_easy.yaml").task,
                                                      suites.at("arc_easy.yaml").samples[0]));
  EXPECT_EQ(gold, 1u);
  ASSERT_OK_AND_ASSIGN(std::string snli, RenderTarget(suites.at("snli.yaml").task,
                                                      suites.at("snli.yaml").samples[0]));
  EXPECT_EQ(snli, "True");
}

}  // namespace
}  // namespace jb::tasks
