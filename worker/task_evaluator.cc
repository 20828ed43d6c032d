#include "worker/task_evaluator.h"

#include "tasks/prompt.h"

namespace jb::worker {
namespace {

class LibraryEvaluator : public TaskEvaluator {
 public:
  absl::Status Validate(const joulebench::v1::TaskDefinition& task) const override {
    return tasks::ValidateScoring(task);
  }
  absl::StatusOr<std::string> BuildPrompt(const joulebench::v1::TaskDefinition& task,
                                          const joulebench::v1::Sample& sample) const override {
    return tasks::BuildPrompt(task, sample);
  }
  absl::StatusOr<std::string> RenderTarget(const joulebench::v1::TaskDefinition& task,
                                           const joulebench::v1::Sample& sample) const override {
    return tasks::RenderTarget(task, sample);
  }
  absl::StatusOr<std::vector<std::string>> ChoiceContinuations(
      const joulebench::v1::TaskDefinition& task,
      const joulebench::v1::Sample& sample) const override {
    return tasks::ChoiceContinuations(task, sample);
  }
  absl::StatusOr<tasks::Score> Score(const joulebench::v1::TaskDefinition& task,
                                     const std::string& target,
                                     const std::string& prediction) const override {
    return tasks::ScoreGeneration(task, target, prediction);
  }
};

}  // namespace

const TaskEvaluator& TasksLibraryEvaluator() {
  static const LibraryEvaluator* evaluator = new LibraryEvaluator();
  return *evaluator;
}

}  // namespace jb::worker
