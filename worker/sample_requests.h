// How one shard's samples become inference requests, and how the results of those requests
// become SampleResults: the task-shaped half of running a shard, without threads or I/O, so
// the shard runner (shard_runner.h) only schedules and reports.
//
//   generate_until    one request per (sample, repeat): the prompt, streamed, with the
//                     shard's generation settings. The repeats of a sample are scored together
//                     once all have finished (ScoreSampleGroup), so filters such as
//                     majority_vote see them all (tasks/scoring.h).
//   multiple_choice   ChoiceMethod::kLoglikelihood: one request per (sample, choice): prompt +
//                     continuation to /v1/completions with echo, logprobs 1 and max_tokens 1
//                     (lm-eval's local-completions loglikelihood); each continuation's
//                     log-likelihood (ContinuationLoglikelihood) goes to ScoreMultipleChoice.
//                     ChoiceMethod::kGenerativeFallback, for servers without completions
//                     logprobs: one greedy generation of the evaluator's FallbackPrompt over
//                     chat (whatever the task's endpoint), whose named choice
//                     (ParseChosenOption) is scored instead. Repeats do not apply
//                     (one per sample). Rows say which in answer_method.
// A sample whose prompt, targets or choices cannot be built gets no request and an error row.
// Thread-safety: free functions over values; the evaluator must be thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "joulebench/v1/common.pb.h"
#include "worker/inference/inference_client.h"
#include "worker/task_evaluator.h"

namespace jb::worker {

// How multiple_choice samples are answered (see the top of this file).
enum class ChoiceMethod { kLoglikelihood, kGenerativeFallback };

// SampleResult.answer_method values.
inline constexpr char kAnswerGenerate[] = "generate";
inline constexpr char kAnswerLoglikelihood[] = "loglikelihood";
inline constexpr char kAnswerGenerativeFallback[] = "generative-fallback";

// One SampleResult to produce and the requests it takes.
struct SampleWork {
  const joulebench::v1::Sample* sample = nullptr;
  uint32_t repeat_index = 0;
  // Set when the sample cannot be sent; it then has no requests.
  std::string error;
  std::string prompt;
  // The gold answer as shown (RenderTarget), and every gold answer (generate_until).
  std::string target;
  std::vector<std::string> targets;
  // multiple_choice: the choices, the gold one, and (log-likelihood) one continuation per
  // choice (target_delimiter + choice).
  std::vector<std::string> choices;
  uint32_t gold = 0;
  std::vector<std::string> continuations;
  // Its requests are requests[first_request, first_request + num_requests).
  size_t first_request = 0;
  size_t num_requests = 0;
};

struct ShardRequests {
  ChoiceMethod choice_method = ChoiceMethod::kLoglikelihood;
  std::vector<SampleWork> work;
  std::vector<InferenceRequest> requests;
  // The index into `work` of each request.
  std::vector<size_t> owner;
  // The work of each sample (its repeats) is work[groups[g].first, groups[g].second), and
  // group_of[w] is the group of work[w].
  std::vector<std::pair<size_t, size_t>> groups;
  std::vector<size_t> group_of;
};

// The request seed of one generation: GenerationSettings.seed + sample index (common.proto),
// plus repeat_index << 32 so that repeats (pass@k) draw different streams while repeat 0 keeps
// the documented seed.
int64_t RequestSeed(int64_t seed, uint32_t sample_index, uint32_t repeat_index);

// Plans every sample of `shard` as described above, work in (sample, repeat) order.
ShardRequests PlanShardRequests(const joulebench::v1::Shard& shard, const TaskEvaluator& evaluator,
                                ChoiceMethod choice_method = ChoiceMethod::kLoglikelihood);

// The result row of work[w] from its requests' results (one per generation, one per choice
// for log-likelihood; an empty span for work with an error). A failed request makes an error
// row with score 0 whose timing still counts the attempts. multiple_choice rows are scored
// here; generate_until rows carry the prediction and are scored by ScoreSampleGroup.
joulebench::v1::SampleResult FinishSample(const joulebench::v1::Shard& shard,
                                          const ShardRequests& plan, size_t w,
                                          absl::Span<const InferenceResult> results,
                                          const TaskEvaluator& evaluator);

// Scores the rows of one group (plan.groups[g], rows in the same order) together: every
// generate_until row without an error gets its extracted answer, score and metrics; when
// scoring fails, each such row gets the error instead. Does nothing for multiple_choice.
void ScoreSampleGroup(const joulebench::v1::Shard& shard, const ShardRequests& plan, size_t g,
                      absl::Span<joulebench::v1::SampleResult> rows,
                      const TaskEvaluator& evaluator);

}  // namespace jb::worker
