// TaskEvaluator: the task-library calls the shard runner makes (validate scoring, build the
// prompt, render the target and the choices, score an answer), behind an interface so the runner's
// scheduling, cancellation and reporting are tested with a fake, independently of tasks/.
// TasksLibraryEvaluator() forwards to tasks/prompt.h and tasks/scoring.h (target jb_tasks).
// Thread-safety: implementations are thread-safe; the runner calls them from its pool threads.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"
#include "tasks/scoring.h"

namespace jb::worker {

class TaskEvaluator {
 public:
  virtual ~TaskEvaluator() = default;
  // tasks::ValidateScoring: InvalidArgument naming the offending filter or metric.
  virtual absl::Status Validate(const joulebench::v1::TaskDefinition& task) const = 0;
  // tasks::BuildPrompt.
  virtual absl::StatusOr<std::string> BuildPrompt(const joulebench::v1::TaskDefinition& task,
                                                  const joulebench::v1::Sample& sample) const = 0;
  // tasks::RenderTarget.
  virtual absl::StatusOr<std::string> RenderTarget(const joulebench::v1::TaskDefinition& task,
                                                   const joulebench::v1::Sample& sample) const = 0;
  // tasks::ChoiceContinuations: target_delimiter + choice, for multiple_choice tasks.
  virtual absl::StatusOr<std::vector<std::string>> ChoiceContinuations(
      const joulebench::v1::TaskDefinition& task, const joulebench::v1::Sample& sample) const = 0;
  // tasks::ScoreGeneration.
  virtual absl::StatusOr<tasks::Score> Score(const joulebench::v1::TaskDefinition& task,
                                             const std::string& target,
                                             const std::string& prediction) const = 0;
};

// The evaluator backed by the tasks library. Never destroyed.
const TaskEvaluator& TasksLibraryEvaluator();

}  // namespace jb::worker
