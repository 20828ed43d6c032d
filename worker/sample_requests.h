// How one shard's samples become inference requests, and how the results of those requests
// become SampleResults: the task-shaped half of running a shard, without threads or I/O, so
// the shard runner (shard_runner.h) only schedules and reports.
//
//   generate_until    one request per (sample, repeat): the prompt, streamed, with the
//                     shard's generation settings; the answer is scored by the task's filters
//                     and metrics.
//   multiple_choice   one request per (sample, choice): prompt + continuation to
//                     /v1/completions with echo, logprobs 1 and max_tokens 1 (lm-eval's
//                     local-completions loglikelihood); the choice whose continuation has the
//                     highest log-likelihood (ContinuationLoglikelihood) is the prediction,
//                     scored like a generated answer. Repeats do not apply (one per sample).
// A sample whose prompt, target or choices cannot be built gets no request and an error row.
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

// One SampleResult to produce and the requests it takes.
struct SampleWork {
  const joulebench::v1::Sample* sample = nullptr;
  uint32_t repeat_index = 0;
  // Set when the sample cannot be sent; it then has no requests.
  std::string error;
  std::string prompt;
  std::string target;
  // multiple_choice: one continuation per choice (target_delimiter + choice).
  std::vector<std::string> continuations;
  // Its requests are requests[first_request, first_request + num_requests).
  size_t first_request = 0;
  size_t num_requests = 0;
};

struct ShardRequests {
  std::vector<SampleWork> work;
  std::vector<InferenceRequest> requests;
  // The index into `work` of each request.
  std::vector<size_t> owner;
};

// The request seed of one generation: GenerationSettings.seed + sample index (common.proto),
// plus repeat_index << 32 so that repeats (pass@k) draw different streams while repeat 0 keeps
// the documented seed.
int64_t RequestSeed(int64_t seed, uint32_t sample_index, uint32_t repeat_index);

// Plans every sample of `shard` as described above, work in (sample, repeat) order.
ShardRequests PlanShardRequests(const joulebench::v1::Shard& shard, const TaskEvaluator& evaluator);

// The result row of `work` from its requests' results (one for generate_until, one per choice
// for multiple_choice; an empty span for work with an error). A failed request makes an error
// row with score 0 whose timing still counts the attempts.
joulebench::v1::SampleResult FinishSample(const joulebench::v1::Shard& shard,
                                          const SampleWork& work,
                                          absl::Span<const InferenceResult> results,
                                          const TaskEvaluator& evaluator);

}  // namespace jb::worker
