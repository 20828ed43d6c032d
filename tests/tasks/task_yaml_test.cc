#include "tasks/task_yaml.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/fewshot.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;

constexpr char kMinimal[] = R"(task: qa-tiny
family: qa
doc_to_text: "Q: {{q}}\nA:"
doc_to_target: "{{a}}"
)";

// Without `family`, two lines shorter than kMinimal.
constexpr char kBare[] = R"(task: qa-tiny
doc_to_text: "{{q}}"
doc_to_target: "{{a}}"
)";

TEST(TaskYamlTest, FillsLmEvalDefaults) {
  ASSERT_OK_AND_ASSIGN(ParsedTaskYaml parsed, ParseTaskYaml("t/task.yaml", kMinimal));
  const auto& task = parsed.task;
  EXPECT_EQ(task.name(), "qa-tiny");
  EXPECT_EQ(task.family(), "qa");
  EXPECT_EQ(task.output_type(), joulebench::v1::OUTPUT_TYPE_GENERATE_UNTIL);
  EXPECT_EQ(task.target_delimiter(), " ");
  EXPECT_EQ(task.fewshot_delimiter(), "\n\n");
  EXPECT_EQ(task.num_fewshot(), 0u);
  EXPECT_EQ(task.repeats(), 1u);
  EXPECT_EQ(task.generation().max_tokens(), 256u);
  EXPECT_EQ(task.generation().endpoint(), joulebench::v1::ENDPOINT_CHAT);
  // Without generation_kwargs, lm-eval stops at the few-shot delimiter.
  EXPECT_THAT(task.generation().stop(), ElementsAre("\n\n"));
  ASSERT_EQ(task.metrics_size(), 1);
  EXPECT_EQ(task.metrics(0).metric(), "exact_match");
  EXPECT_TRUE(task.metrics(0).higher_is_better());
  EXPECT_EQ(task.filters_size(), 0);
  EXPECT_EQ(task.code_timeout_s(), 0);  // no code runs
  // The short form: samples.jsonl beside the YAML, the only split, evaluated and shot pool.
  EXPECT_THAT(parsed.data.splits["test"], ElementsAre("t/samples.jsonl"));
  EXPECT_EQ(parsed.data.eval_split, "test");
  EXPECT_TRUE(parsed.data.exclude_eval_doc);
  EXPECT_EQ(parsed.data.sampler, FewshotSampler::kSeeded);
}

TEST(TaskYamlTest, ReadsEveryKey) {
  constexpr char kFull[] = R"yaml(task: full
metadata: {version: 2.1}
family: math
description: "Solve.\n\n"
doc_to_text: "{{q}}"
doc_to_target: "{{a}}"
doc_to_choice: ["x", "y"]
target_delimiter: ": "
fewshot_delimiter: "\n---\n"
num_fewshot: 3
output_type: generate_until
fewshot_config: {sampler: first_n}
generation_kwargs:
  until: "Question:"
  max_gen_toks: 64
  temperature: 0.7
  top_p: 0.9
  do_sample: true
  seed: 99
endpoint: completions
repeats: 5
filter_list:
  - name: last-number
    filter:
      - {function: regex, regex_pattern: "(-?[0-9]+)", group_select: -1, fallback: "none"}
      - function: take_first
  - name: lower
    filter: [{function: lowercase}, {function: remove_whitespace}]
metric_list:
  - {metric: exact_match, aggregation: mean, higher_is_better: true, ignore_case: true,
     ignore_punctuation: true, regexes_to_ignore: [",", "\\$"]}
  - {metric: acc, higher_is_better: false}
samples: data/test.jsonl
)yaml";
  ASSERT_OK_AND_ASSIGN(ParsedTaskYaml parsed, ParseTaskYaml("t/task.yaml", kFull));
  const auto& t = parsed.task;
  EXPECT_EQ(t.version(), "2.1");
  EXPECT_EQ(t.description(), "Solve.\n\n");
  EXPECT_THAT(t.doc_to_choice(), ElementsAre("x", "y"));
  EXPECT_EQ(t.target_delimiter(), ": ");
  EXPECT_EQ(t.fewshot_delimiter(), "\n---\n");
  EXPECT_EQ(t.num_fewshot(), 3u);
  EXPECT_EQ(parsed.data.sampler, FewshotSampler::kFirstN);
  EXPECT_EQ(parsed.data.pool_split, "test");
  EXPECT_THAT(t.generation().stop(), ElementsAre("Question:"));
  EXPECT_EQ(t.generation().max_tokens(), 64u);
  EXPECT_DOUBLE_EQ(t.generation().temperature(), 0.7);
  EXPECT_DOUBLE_EQ(t.generation().top_p(), 0.9);
  EXPECT_EQ(t.generation().seed(), 99);
  EXPECT_EQ(t.generation().endpoint(), joulebench::v1::ENDPOINT_COMPLETIONS);
  EXPECT_EQ(t.repeats(), 5u);
  ASSERT_EQ(t.filters_size(), 2);
  EXPECT_EQ(t.filters(0).steps(0).regex_pattern(), "(-?[0-9]+)");
  EXPECT_EQ(t.filters(0).steps(0).group_select(), -1);
  EXPECT_EQ(t.filters(0).steps(0).fallback(), "none");
  EXPECT_EQ(t.filters(1).steps(1).function(), "remove_whitespace");
  ASSERT_EQ(t.metrics_size(), 2);
  EXPECT_TRUE(t.metrics(0).ignore_punctuation());
  EXPECT_THAT(t.metrics(0).regexes_to_ignore(), ElementsAre(",", "\\$"));
  EXPECT_FALSE(t.metrics(1).higher_is_better());
  EXPECT_THAT(parsed.data.splits["test"], ElementsAre("t/data/test.jsonl"));
}

TEST(TaskYamlTest, DoSampleFalseForcesGreedyAndRegexFallbackDefaults) {
  const std::string yaml =
      std::string(kMinimal) +
      "generation_kwargs: {temperature: 0.8, do_sample: false}\n"
      "filter_list: [{name: n, filter: [{function: regex, regex_pattern: x}]}]\n";
  ASSERT_OK_AND_ASSIGN(ParsedTaskYaml parsed, ParseTaskYaml("t/task.yaml", yaml));
  EXPECT_EQ(parsed.task.generation().temperature(), 0);
  EXPECT_TRUE(parsed.task.generation().stop().empty());
  EXPECT_EQ(parsed.task.filters(0).steps(0).fallback(), "[invalid]");
}

struct BadCase {
  std::string yaml;
  std::string expected;  // substring of the error
};

TEST(TaskYamlTest, ErrorsGiveFileLineAndField) {
  const BadCase cases[] = {
      {std::string(kMinimal) + "temprature: 0\n", "t/task.yaml:5: temprature: unknown key"},
      {std::string(kMinimal) + "generation_kwargs:\n  max_gen_toks: 10\n  stop: [x]\n",
       "t/task.yaml:7: generation_kwargs.stop: unknown key"},
      {"task: x\nfamily: [unclosed\n", "t/task.yaml:3: YAML syntax error"},
      {"task: x\nfamily: qa\ndoc_to_target: y\n", "t/task.yaml:1: doc_to_text: missing"},
      {std::string(kMinimal) + "output_type: loglikelihood\n",
       "t/task.yaml:5: output_type: unknown value 'loglikelihood'; expected generate_until or "
       "multiple_choice"},
      {std::string(kMinimal) + "output_type: multiple_choice\n", "needs doc_to_choice"},
      {"task: x\nfamily: poetry\ndoc_to_text: a\ndoc_to_target: b\n",
       "t/task.yaml:2: family: unknown value 'poetry'"},
      {std::string(kMinimal) + "num_fewshot: many\n",
       "t/task.yaml:5: num_fewshot: expected an integer, got 'many'"},
      {std::string(kMinimal) + "filter_list:\n  - name: f\n    filter:\n      - function: "
                               "multi_choice_regex\n",
       "t/task.yaml:8: filter_list[0].filter[0].function: "},
      {std::string(kMinimal) + "filter_list:\n  - name: f\n    filter:\n      - function: regex\n"
                               "        regex_pattern: \"(?<=a)b\"\n",
       "t/task.yaml:9: filter_list[0].filter[0].regex_pattern: "},
      {std::string(kMinimal) + "metric_list:\n  - metric: acc\n    ignore_case: true\n",
       "t/task.yaml:7: metric_list[0].ignore_case: applies only to exact_match, not to acc"},
      {std::string(kMinimal) + "metric_list: [{metric: perplexity}]\n",
       "t/task.yaml:5: metric_list[0].metric: "},
      {std::string(kMinimal) + "family: math\n", "t/task.yaml:5: family: key appears twice"},
      {"- just\n- a list\n", "the document must be a mapping"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(ParseTaskYaml("t/task.yaml", c.yaml),
                StatusIs(absl::StatusCode::kInvalidArgument, c.expected))
        << c.yaml;
  }
}

TEST(TaskYamlTest, LmEvalBookkeepingKeysAreAcceptedAndIgnored) {
  const std::string yaml = std::string(kBare) +
                           "tag: [math_word_problems]\ngroup: old-style\ntask_alias: Mine\n"
                           "dataset_name: main\nshould_decontaminate: true\n"
                           "doc_to_decontamination_query: \"{{q}}\"\nunsafe_code: true\n"
                           "metadata: {version: 3.0, num_fewshot: 5, pretrained: x}\n";
  ASSERT_OK_AND_ASSIGN(ParsedTaskYaml parsed, ParseTaskYaml("t/task.yaml", yaml));
  EXPECT_EQ(parsed.task.family(), "other");
  EXPECT_EQ(parsed.task.version(), "3.0");
}

TEST(TaskYamlTest, RejectedLmEvalKeysSayWhy) {
  const BadCase cases[] = {
      {std::string(kBare) + "process_docs: !function utils.process_docs\n",
       "t/task.yaml:4: process_docs: lm-eval's process_docs runs Python over the documents"},
      {"task: squadv2\nclass: !function task.SQuAD2\n",
       "t/task.yaml:2: class: lm-eval's class is a Python task class"},
      {std::string(kBare) + "output_type: loglikelihood_rolling\n",
       "t/task.yaml:4: output_type: unknown value 'loglikelihood_rolling'"},
      {std::string(kBare) + "doc_to_choice: !function utils.choices\n",
       "t/task.yaml:4: doc_to_choice: '!function utils.choices' names Python code, and joulebench "
       "suites run no Python"},
      {"task: x\ndoc_to_text: !function utils.doc_to_text\ndoc_to_target: a\n",
       "t/task.yaml:2: doc_to_text: '!function utils.doc_to_text'"},
      {std::string(kBare) + "fewshot_config: {sampler: first_n, samples: []}\n",
       "t/task.yaml:4: fewshot_config.samples: unknown key"},
      {std::string(kBare) + "fewshot_config: {sampler: balanced}\n",
       "t/task.yaml:4: fewshot_config.sampler: unknown sampler 'balanced'"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(ParseTaskYaml("t/task.yaml", c.yaml),
                StatusIs(absl::StatusCode::kInvalidArgument, c.expected))
        << c.yaml;
  }
}

TEST(TaskYamlTest, HumanEvalFunctionsMapToBuiltins) {
  const std::string yaml = std::string(kBare) + R"(repeats: 10
metric_list:
  - metric: !function utils.pass_at_k
    aggregation: mean
    higher_is_better: true
    k: [1, 10]
filter_list:
  - name: create_test
    filter:
      - function: custom
        filter_fn: !function utils.build_predictions
canonical_solution: "{{canonical_solution}}"
)";
  ASSERT_OK_AND_ASSIGN(ParsedTaskYaml parsed, ParseTaskYaml("t/task.yaml", yaml));
  const auto& t = parsed.task;
  ASSERT_EQ(t.metrics_size(), 1);
  EXPECT_EQ(t.metrics(0).metric(), "pass_at_k");
  EXPECT_THAT(t.metrics(0).k(), ElementsAre(1, 10));
  EXPECT_EQ(t.filters(0).steps(0).function(), "build_predictions");
  EXPECT_EQ(t.canonical_solution(), "{{canonical_solution}}");
  EXPECT_EQ(t.code_timeout_s(), 3.0);  // human-eval's default

  // pass_at_1 is pass@1; a native suite names the same things directly.
  ASSERT_OK_AND_ASSIGN(
      parsed,
      ParseTaskYaml("t/task.yaml", std::string(kBare) + "metric_list:\n  - metric: !function "
                                                        "utils.pass_at_1\ncode_timeout_s: 10\n"));
  EXPECT_THAT(parsed.task.metrics(0).k(), ElementsAre(1));
  EXPECT_EQ(parsed.task.code_timeout_s(), 10.0);
  ASSERT_OK_AND_ASSIGN(
      parsed, ParseTaskYaml("t/task.yaml", std::string(kBare) +
                                               "metric_list: [{metric: pass_at_k}]\n"
                                               "filter_list: [{name: p, filter: [{function: "
                                               "build_predictions}]}]\n"));
  EXPECT_THAT(parsed.task.metrics(0).k(), ElementsAre(1));
  EXPECT_EQ(parsed.task.filters(0).steps(0).function(), "build_predictions");
}

TEST(TaskYamlTest, MetricOptionsAndFunctionsAreChecked) {
  const BadCase cases[] = {
      {std::string(kBare) + "metric_list:\n  - metric: !function utils.my_metric\n",
       "t/task.yaml:5: metric_list[0].metric: '!function utils.my_metric' is not a built-in; "
       "joulebench suites run no Python"},
      {std::string(kBare) + "filter_list:\n  - name: f\n    filter:\n      - function: custom\n"
                            "        filter_fn: !function utils.build_predictions_instruct\n",
       "t/task.yaml:8: filter_list[0].filter[0].filter_fn: '!function "
       "utils.build_predictions_instruct' is not a built-in"},
      {std::string(kBare) + "metric_list:\n  - metric: exact_match\n    k: [1]\n",
       "t/task.yaml:6: metric_list[0].k: applies only to pass_at_k, not to exact_match"},
      {std::string(kBare) + "metric_list:\n  - metric: exact_match\n    use_stemmer: true\n",
       "t/task.yaml:6: metric_list[0].use_stemmer: applies only to the rouge metrics"},
      {std::string(kBare) + "metric_list:\n  - metric: rouge1\n    ignore_case: true\n",
       "t/task.yaml:6: metric_list[0].ignore_case: applies only to exact_match, not to rouge1"},
      {std::string(kBare) + "repeats: 5\nmetric_list:\n  - metric: pass_at_k\n    k: [1, 10]\n",
       "t/task.yaml:7: metric_list[0].k: k = 10 is not a distinct whole number between 1 and "
       "repeats (5)"},
      {std::string(kBare) + "metric_list:\n  - metric: !function utils.pass_at_1\n    k: 1\n",
       "t/task.yaml:6: metric_list[0].k: utils.pass_at_1 is pass@1"},
      {std::string(kBare) + "metric_list:\n  - metric: bleu\n    aggregation: mean\n",
       "t/task.yaml:6: metric_list[0].aggregation: joulebench aggregates bleu by bleu"},
      {std::string(kBare) + "canonical_solution: \"{{s}}\"\n",
       "t/task.yaml:4: canonical_solution: applies only to code tasks"},
      {std::string(kBare) + "metric_list: [{metric: pass_at_k}]\ncode_timeout_s: 0\n",
       "t/task.yaml:5: code_timeout_s: must be in (0, 3600] seconds"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(ParseTaskYaml("t/task.yaml", c.yaml),
                StatusIs(absl::StatusCode::kInvalidArgument, c.expected))
        << c.yaml;
  }
  ASSERT_OK_AND_ASSIGN(
      ParsedTaskYaml parsed,
      ParseTaskYaml("t/task.yaml",
                    std::string(kBare) +
                        "metric_list:\n  - {metric: rougeLsum, use_stemmer: true}\n"
                        "  - {metric: bleu, aggregation: bleu}\n  - {metric: exact}\n"
                        "  - {metric: f1}\n"));
  EXPECT_TRUE(parsed.task.metrics(0).use_stemmer());
  EXPECT_EQ(parsed.task.metrics(1).metric(), "bleu");
}

TEST(TaskYamlTest, DocToChoiceMayBeAMappingOfLabelsToTexts) {
  ASSERT_OK_AND_ASSIGN(
      ParsedTaskYaml parsed,
      ParseTaskYaml("t/task.yaml", std::string(kBare) + "doc_to_choice: {0: no, 1: maybe, 2: yes}\n"
                                                        "output_type: multiple_choice\n"));
  EXPECT_THAT(parsed.task.doc_to_choice(), ElementsAre("no", "maybe", "yes"));
}

}  // namespace
}  // namespace jb::tasks
