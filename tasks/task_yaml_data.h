// The data part of the task YAML parser (tasks/task_yaml.h documents the keys): samples, or
// dataset_path json|csv with dataset_kwargs.data_files and the *_split keys; and
// fewshot_config. Decides the evaluated split and the shot pool as lm-eval does
// (lm_eval/api/task.py: eval_docs, fewshot_docs, fewshot_context).
// Thread-safety: free function, safe from any thread.
#pragma once

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"
#include "tasks/task_yaml.h"
#include "tasks/yaml_include.h"

namespace jb::tasks {

// `task` must already hold num_fewshot. InvalidArgument "file:line: key: ..." for settings that
// do not fit together, a Hub dataset_path, or splits data_files does not have.
absl::StatusOr<TaskData> ParseTaskData(const TaskYamlKeys& y,
                                       const joulebench::v1::TaskDefinition& task);

}  // namespace jb::tasks
