// ShardRunner with the real tasks library (NewTasksLibraryEvaluator) on a hand-built task: the
// worker's prompts, targets and scores are the tasks library's.
// Also RunWorkerCommand's usage errors. Both need jb_worker, hence jb_tasks.
#include "worker/task_evaluator.h"

#include <atomic>
#include <vector>

#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/worker/fakes.h"
#include "worker/shard_runner.h"
#include "worker/worker_command.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::jb::worker::testing::FakeInferenceClient;
using ::jb::worker::testing::MakeShard;
using ::testing::HasSubstr;

v1::Shard ArithmeticShard() {
  v1::Shard shard = MakeShard(0, 1);
  v1::TaskDefinition* task = shard.mutable_task();
  task->set_name("arith");
  task->set_output_type(v1::OUTPUT_TYPE_GENERATE_UNTIL);
  task->set_doc_to_text("Q: {{question}}\nA:");
  task->set_doc_to_target("{{answer}}");
  task->set_target_delimiter(" ");
  task->set_fewshot_delimiter("\n\n");
  task->add_metrics()->set_metric("exact_match");
  const char* docs[] = {R"({"question": "1+1", "answer": "2"})",
                        R"({"question": "2+2", "answer": "4"})"};
  for (int i = 0; i < 2; ++i) {
    v1::Sample* sample = shard.add_samples();
    sample->set_index(i);
    sample->set_doc_json(docs[i]);
  }
  return shard;
}

TEST(TasksLibraryEvaluatorTest, RunnerBuildsPromptsAndScoresWithTheTasksLibrary) {
  FakeClock clock;
  FakeInferenceClient inference;
  inference.on_complete = [](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    return FakeInferenceClient::Answer("2");
  };
  NullMeter meter;
  auto evaluator = NewTasksLibraryEvaluator(nullptr, "");
  ShardRunner runner(ShardRunnerOptions(), &inference, evaluator.get(), &meter, &clock);
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome,
                       runner.Run(ArithmeticShard(), [](const std::vector<v1::SampleResult>&) {
                         return absl::OkStatus();
                       }));
  std::vector<InferenceRequest> requests = inference.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(requests[0].prompt, HasSubstr("Q: 1+1\nA:"));
  ASSERT_EQ(outcome.results.size(), 2u);
  EXPECT_EQ(outcome.results[0].target(), "2");
  EXPECT_EQ(outcome.results[0].score(), 1.0);
  EXPECT_EQ(outcome.results[0].metrics().at("none/exact_match"), 1.0);
  EXPECT_EQ(outcome.results[1].target(), "4");
  EXPECT_EQ(outcome.results[1].score(), 0.0);
}

TEST(TasksLibraryEvaluatorTest, UnsupportedMetricFailsValidation) {
  v1::Shard shard = ArithmeticShard();
  shard.mutable_task()->mutable_metrics(0)->set_metric("bleurt");
  FakeClock clock;
  FakeInferenceClient inference;
  NullMeter meter;
  auto evaluator = NewTasksLibraryEvaluator(nullptr, "");
  ShardRunner runner(ShardRunnerOptions(), &inference, evaluator.get(), &meter, &clock);
  EXPECT_THAT(
      runner.Run(shard, [](const std::vector<v1::SampleResult>&) { return absl::OkStatus(); }),
      StatusIs(absl::StatusCode::kInvalidArgument, "bleurt"));
  EXPECT_EQ(inference.calls.load(), 0);
}

TEST(TasksLibraryEvaluatorTest, CodeTasksWithoutASandboxAreRefusedWithTheReason) {
  v1::Shard shard = ArithmeticShard();
  shard.mutable_task()->mutable_metrics(0)->set_metric("pass_at_k");
  FakeClock clock;
  FakeInferenceClient inference;
  NullMeter meter;
  auto evaluator = NewTasksLibraryEvaluator(nullptr, "unshare(CLONE_NEWNET) failed: EPERM");
  ShardRunner runner(ShardRunnerOptions(), &inference, evaluator.get(), &meter, &clock);
  EXPECT_THAT(
      runner.Run(shard, [](const std::vector<v1::SampleResult>&) { return absl::OkStatus(); }),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "runs model-written code, and this worker has no code sandbox: "
               "unshare(CLONE_NEWNET) failed: EPERM"));
  EXPECT_EQ(inference.calls.load(), 0);
}

// Repeats are scored together: majority_vote gives every repeat the most common answer.
TEST(TasksLibraryEvaluatorTest, RepeatsOfASampleAreScoredTogether) {
  v1::Shard shard = ArithmeticShard();
  v1::TaskDefinition* task = shard.mutable_task();
  task->set_repeats(3);
  auto* pipeline = task->add_filters();
  pipeline->set_name("maj");
  pipeline->add_steps()->set_function("majority_vote");
  FakeClock clock;
  FakeInferenceClient inference;
  // Sample 0 ("2"): replies 2, 3, 2 -> every repeat votes 2. Sample 1 ("4"): 5, 4, 5 -> 5.
  std::atomic<int> n{0};
  inference.on_complete = [&](const InferenceRequest& r) -> absl::StatusOr<InferenceResult> {
    const bool first = r.prompt.find("1+1") != std::string::npos;
    const int repeat = static_cast<int>(r.seed.value_or(0) >> 32);
    ++n;
    if (first) return FakeInferenceClient::Answer(repeat == 1 ? "3" : "2");
    return FakeInferenceClient::Answer(repeat == 1 ? "4" : "5");
  };
  NullMeter meter;
  auto evaluator = NewTasksLibraryEvaluator(nullptr, "");
  ShardRunner runner(ShardRunnerOptions(), &inference, evaluator.get(), &meter, &clock);
  ASSERT_OK_AND_ASSIGN(
      ShardOutcome outcome,
      runner.Run(shard, [](const std::vector<v1::SampleResult>&) { return absl::OkStatus(); }));
  EXPECT_EQ(n.load(), 6);
  ASSERT_EQ(outcome.results.size(), 6u);
  for (const v1::SampleResult& r : outcome.results) {
    EXPECT_EQ(r.answer_method(), "generate");
    if (r.sample_index() == 0) {
      EXPECT_EQ(r.extracted(), "2") << r.repeat_index();
      EXPECT_EQ(r.score(), 1.0);
    } else {
      EXPECT_EQ(r.extracted(), "5") << r.repeat_index();
      EXPECT_EQ(r.score(), 0.0);
    }
  }
}

TEST(RunWorkerCommandTest, InvalidOptionsAreAUsageError) {
  WorkerOptions options;  // no --hardware-class
  EXPECT_EQ(RunWorkerCommand(options), 2);
  options.hardware_class = "sim";
  options.energy = "nvm";
  EXPECT_EQ(RunWorkerCommand(options), 2);
  options.energy = "auto";
  options.pue = 0.5;  // rejected before anything starts
  EXPECT_EQ(RunWorkerCommand(options), 2);
}

}  // namespace
}  // namespace jb::worker
