#include "worker/task_evaluator.h"

#include "absl/strings/str_cat.h"
#include "tasks/prompt.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;

class LibraryEvaluator : public TaskEvaluator {
 public:
  LibraryEvaluator(const tasks::CodeSandbox* sandbox, std::string no_sandbox_reason)
      : context_{sandbox}, no_sandbox_reason_(std::move(no_sandbox_reason)) {}

  absl::Status Validate(const v1::TaskDefinition& task) const override {
    if (absl::Status valid = tasks::ValidateScoring(task); !valid.ok()) return valid;
    if (context_.sandbox == nullptr && tasks::TaskRunsCode(task)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "task ", task.name(),
          " runs model-written code, and this worker has no code sandbox: ", no_sandbox_reason_));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> BuildPrompt(const v1::TaskDefinition& task,
                                          const v1::Sample& sample) const override {
    return tasks::BuildPrompt(task, sample);
  }
  absl::StatusOr<std::string> RenderTarget(const v1::TaskDefinition& task,
                                           const v1::Sample& sample) const override {
    return tasks::RenderTarget(task, sample);
  }
  absl::StatusOr<std::vector<std::string>> RenderTargets(const v1::TaskDefinition& task,
                                                         const v1::Sample& sample) const override {
    return tasks::RenderTargets(task, sample);
  }
  absl::StatusOr<std::vector<std::string>> RenderChoices(const v1::TaskDefinition& task,
                                                         const v1::Sample& sample) const override {
    return tasks::RenderChoices(task, sample);
  }
  absl::StatusOr<uint32_t> RenderGoldIndex(const v1::TaskDefinition& task,
                                           const v1::Sample& sample) const override {
    return tasks::RenderGoldIndex(task, sample);
  }
  absl::StatusOr<std::vector<std::string>> ChoiceContinuations(
      const v1::TaskDefinition& task, const v1::Sample& sample) const override {
    return tasks::ChoiceContinuations(task, sample);
  }
  absl::StatusOr<std::vector<tasks::Score>> ScoreGenerations(
      const v1::TaskDefinition& task, const v1::Sample& sample,
      const std::vector<std::string>& targets,
      const std::vector<std::string>& predictions) const override {
    return tasks::ScoreGenerations(task, sample, targets, predictions, context_);
  }
  absl::StatusOr<tasks::Score> ScoreMultipleChoice(
      const v1::TaskDefinition& task, const tasks::ChoiceEvidence& evidence) const override {
    return tasks::ScoreMultipleChoice(task, evidence);
  }
  std::string FallbackPrompt(const std::string& prompt,
                             const std::vector<std::string>& choices) const override {
    return tasks::FallbackPrompt(prompt, choices);
  }
  std::optional<uint32_t> ParseChosenOption(const std::vector<std::string>& choices,
                                            const std::string& reply) const override {
    return tasks::ParseChosenOption(choices, reply);
  }

 private:
  const tasks::ScoringContext context_;
  const std::string no_sandbox_reason_;
};

}  // namespace

std::unique_ptr<TaskEvaluator> NewTasksLibraryEvaluator(const tasks::CodeSandbox* sandbox,
                                                        std::string no_sandbox_reason) {
  return std::make_unique<LibraryEvaluator>(sandbox, std::move(no_sandbox_reason));
}

}  // namespace jb::worker
