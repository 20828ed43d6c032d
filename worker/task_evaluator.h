// TaskEvaluator: the task-library calls the shard runner makes (validate a task, build the
// prompt, render the targets and the choices, score the answers), behind an interface so the
// runner's scheduling, cancellation and reporting are tested with a fake, independently of
// tasks/. NewTasksLibraryEvaluator() forwards to tasks/prompt.h and tasks/scoring.h.
// Thread-safety: implementations are thread-safe.
#pragma once

#include <memory>
#include <optional>
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
  // tasks::ValidateScoring; FailedPrecondition when the task runs model-written code and this
  // worker has no code sandbox (the message says why and what to do).
  virtual absl::Status Validate(const joulebench::v1::TaskDefinition& task) const = 0;
  // tasks::BuildPrompt.
  virtual absl::StatusOr<std::string> BuildPrompt(const joulebench::v1::TaskDefinition& task,
                                                  const joulebench::v1::Sample& sample) const = 0;
  // tasks::RenderTarget: the gold answer as shown in results.
  virtual absl::StatusOr<std::string> RenderTarget(const joulebench::v1::TaskDefinition& task,
                                                   const joulebench::v1::Sample& sample) const = 0;
  // tasks::RenderTargets: every gold answer, for scoring generate_until tasks.
  virtual absl::StatusOr<std::vector<std::string>> RenderTargets(
      const joulebench::v1::TaskDefinition& task, const joulebench::v1::Sample& sample) const = 0;
  // tasks::RenderChoices and tasks::RenderGoldIndex, for multiple_choice tasks.
  virtual absl::StatusOr<std::vector<std::string>> RenderChoices(
      const joulebench::v1::TaskDefinition& task, const joulebench::v1::Sample& sample) const = 0;
  virtual absl::StatusOr<uint32_t> RenderGoldIndex(const joulebench::v1::TaskDefinition& task,
                                                   const joulebench::v1::Sample& sample) const = 0;
  // tasks::ChoiceContinuations: target_delimiter + choice, for multiple_choice tasks.
  virtual absl::StatusOr<std::vector<std::string>> ChoiceContinuations(
      const joulebench::v1::TaskDefinition& task, const joulebench::v1::Sample& sample) const = 0;
  // tasks::ScoreGenerations: all the generations of one sample, one Score each.
  virtual absl::StatusOr<std::vector<tasks::Score>> ScoreGenerations(
      const joulebench::v1::TaskDefinition& task, const joulebench::v1::Sample& sample,
      const std::vector<std::string>& targets,
      const std::vector<std::string>& predictions) const = 0;
  // tasks::ScoreMultipleChoice.
  virtual absl::StatusOr<tasks::Score> ScoreMultipleChoice(
      const joulebench::v1::TaskDefinition& task, const tasks::ChoiceEvidence& evidence) const = 0;
  // tasks::FallbackPrompt and tasks::ParseChosenOption: the generative fallback for
  // multiple_choice on servers without completions logprobs.
  virtual std::string FallbackPrompt(const std::string& prompt,
                                     const std::vector<std::string>& choices) const = 0;
  virtual std::optional<uint32_t> ParseChosenOption(const std::vector<std::string>& choices,
                                                    const std::string& reply) const = 0;
};

// The evaluator backed by the tasks library. `sandbox` runs pass_at_k programs and must outlive
// the evaluator; when it is null, code tasks fail Validate with FailedPrecondition saying
// `no_sandbox_reason` (why the worker has none and how to get one).
std::unique_ptr<TaskEvaluator> NewTasksLibraryEvaluator(const tasks::CodeSandbox* sandbox,
                                                        std::string no_sandbox_reason);

}  // namespace jb::worker
