// The generation and scoring part of the task YAML parser (tasks/task_yaml.h documents the
// keys): endpoint, repeats, generation_kwargs, filter_list and metric_list, including the
// `!function` names of lm-eval's humaneval task (lm_eval/tasks/humaneval/utils.py) that map to
// built-ins:
//   metric: !function utils.pass_at_k     -> metric pass_at_k, k from the entry's `k` (default [1])
//   metric: !function utils.pass_at_1     -> metric pass_at_k with k [1]
//   {function: custom, filter_fn: !function utils.build_predictions}
//                                         -> filter step build_predictions
// Any other !function is an error naming it.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include "absl/status/status.h"
#include "joulebench/v1/common.pb.h"
#include "tasks/yaml_include.h"

namespace jb::tasks {

// Fills task.generation (after the prompting keys: the default stop is fewshot_delimiter) and
// task.repeats.
absl::Status ParseGenerationKeys(const TaskYamlKeys& y, joulebench::v1::TaskDefinition* task);

// Fills task.filters.
absl::Status ParseFilterKeys(const TaskYamlKeys& y, joulebench::v1::TaskDefinition* task);

// Fills task.metrics (after output_type and repeats, which the defaults and checks use).
absl::Status ParseMetricKeys(const TaskYamlKeys& y, joulebench::v1::TaskDefinition* task);

}  // namespace jb::tasks
