#include "worker/sample_requests.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "worker/inference/openai_protocol.h"

namespace jb::worker {

namespace v1 = joulebench::v1;

int64_t RequestSeed(int64_t seed, uint32_t sample_index, uint32_t repeat_index) {
  // Unsigned arithmetic: wrap-around instead of signed overflow for extreme seeds.
  return static_cast<int64_t>(static_cast<uint64_t>(seed) + sample_index +
                              (static_cast<uint64_t>(repeat_index) << 32));
}

namespace {

bool IsMultipleChoice(const v1::Shard& shard) {
  return shard.task().output_type() == v1::OUTPUT_TYPE_MULTIPLE_CHOICE;
}

// Prompt, target and (multiple_choice) continuations, or the error that prevents sending.
SampleWork Prepare(const v1::Shard& shard, const v1::Sample& sample, uint32_t repeat,
                   const TaskEvaluator& evaluator) {
  SampleWork work;
  work.sample = &sample;
  work.repeat_index = repeat;
  const v1::TaskDefinition& task = shard.task();
  absl::StatusOr<std::string> prompt = evaluator.BuildPrompt(task, sample);
  if (!prompt.ok()) {
    work.error = absl::StrCat("building the prompt: ", prompt.status().message());
    return work;
  }
  work.prompt = *std::move(prompt);
  absl::StatusOr<std::string> target = evaluator.RenderTarget(task, sample);
  if (!target.ok()) {
    work.error = absl::StrCat("rendering the target: ", target.status().message());
    return work;
  }
  work.target = *std::move(target);
  if (IsMultipleChoice(shard)) {
    absl::StatusOr<std::vector<std::string>> continuations =
        evaluator.ChoiceContinuations(task, sample);
    if (!continuations.ok()) {
      work.error = absl::StrCat("rendering the choices: ", continuations.status().message());
      return work;
    }
    work.continuations = *std::move(continuations);
  }
  return work;
}

InferenceRequest BaseRequest(const v1::Shard& shard, const SampleWork& work) {
  const v1::GenerationSettings& settings =
      shard.has_generation() ? shard.generation() : shard.task().generation();
  InferenceRequest request;
  request.model = shard.model().name();
  request.endpoint = settings.endpoint() == v1::ENDPOINT_COMPLETIONS ? v1::ENDPOINT_COMPLETIONS
                                                                     : v1::ENDPOINT_CHAT;
  request.prompt = work.prompt;
  request.max_tokens = settings.max_tokens();
  request.temperature = settings.temperature();
  request.top_p = settings.top_p();
  request.stop.assign(settings.stop().begin(), settings.stop().end());
  request.seed = RequestSeed(settings.seed(), work.sample->index(), work.repeat_index);
  return request;
}

// lm-eval's loglikelihood request (models/openai_completions.py): the whole text echoed with
// its logprobs, greedy, one generated token that is ignored.
InferenceRequest LoglikelihoodRequest(InferenceRequest request, const std::string& continuation) {
  request.endpoint = v1::ENDPOINT_COMPLETIONS;
  request.prompt += continuation;
  request.max_tokens = 1;
  request.temperature = 0;
  request.top_p = 0;
  request.stop.clear();
  request.stream = false;
  request.echo = true;
  request.logprobs = 1;
  return request;
}

v1::SampleResult Row(const SampleWork& work) {
  v1::SampleResult row;
  row.set_sample_index(work.sample->index());
  row.set_repeat_index(work.repeat_index);
  row.set_target(work.target);
  row.mutable_timing()->set_attempts(0);
  return row;
}

void Score(const v1::Shard& shard, const SampleWork& work, const std::string& answer,
           const TaskEvaluator& evaluator, v1::SampleResult& row) {
  row.set_prediction(answer);
  absl::StatusOr<tasks::Score> score = evaluator.Score(shard.task(), work.target, answer);
  if (!score.ok()) {
    row.set_error(absl::StrCat("scoring: ", score.status().message()));
    return;
  }
  row.set_extracted(score->extracted);
  row.set_score(score->score);
  for (const auto& [name, value] : score->metrics) (*row.mutable_metrics())[name] = value;
}

v1::SampleResult FinishGeneration(const v1::Shard& shard, const SampleWork& work,
                                  const InferenceResult& result, const TaskEvaluator& evaluator) {
  v1::SampleResult row = Row(work);
  v1::RequestTiming& timing = *row.mutable_timing();
  timing.set_attempts(result.attempts);
  if (!result.status.ok()) {
    row.set_error(result.status.ToString());
    return row;
  }
  row.set_prompt_tokens(result.prompt_tokens);
  row.set_completion_tokens(result.completion_tokens);
  row.set_finish_reason(result.finish_reason);
  timing.set_streamed(result.streamed);
  timing.set_ttft_s(result.ttft_s);
  timing.set_tpot_s(result.tpot_s);
  timing.set_e2e_s(result.e2e_s);
  timing.mutable_itl_s()->Add(result.itl_s.begin(), result.itl_s.end());
  Score(shard, work, result.text, evaluator, row);
  return row;
}

// Token counts and attempts add up over the choices; e2e_s is the sum of the requests' e2e
// (the server time the sample took), since the choices may or may not run side by side.
v1::SampleResult FinishMultipleChoice(const v1::Shard& shard, const SampleWork& work,
                                      absl::Span<const InferenceResult> results,
                                      const TaskEvaluator& evaluator) {
  v1::SampleResult row = Row(work);
  v1::RequestTiming& timing = *row.mutable_timing();
  int attempts = 0;
  for (const InferenceResult& r : results) attempts += r.attempts;
  timing.set_attempts(attempts);
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].status.ok()) {
      row.set_error(absl::StrCat("choice ", i, ": ", results[i].status.ToString()));
      return row;
    }
  }
  size_t best = 0;
  double best_logprob = 0;
  double e2e_s = 0;
  uint32_t prompt_tokens = 0, completion_tokens = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const InferenceResult& r = results[i];
    if (!r.logprobs.has_value()) {
      row.set_error(absl::StrCat("choice ", i, ": the server returned no logprobs"));
      return row;
    }
    absl::StatusOr<Loglikelihood> ll =
        ContinuationLoglikelihood(*r.logprobs, work.prompt, work.continuations[i]);
    if (!ll.ok()) {
      row.set_error(absl::StrCat("choice ", i, ": ", ll.status().message()));
      return row;
    }
    (*row.mutable_metrics())[absl::StrCat("loglikelihood/", i)] = ll->logprob;
    if (i == 0 || ll->logprob > best_logprob) {
      best = i;
      best_logprob = ll->logprob;
    }
    e2e_s += r.e2e_s;
    prompt_tokens += r.prompt_tokens;
    completion_tokens += r.completion_tokens;
  }
  row.set_prompt_tokens(prompt_tokens);
  row.set_completion_tokens(completion_tokens);
  row.set_finish_reason("length");
  timing.set_e2e_s(e2e_s);
  std::string choice = work.continuations[best];
  absl::string_view delimiter = shard.task().target_delimiter();
  if (absl::StartsWith(choice, delimiter)) choice.erase(0, delimiter.size());
  Score(shard, work, choice, evaluator, row);
  return row;
}

}  // namespace

ShardRequests PlanShardRequests(const v1::Shard& shard, const TaskEvaluator& evaluator) {
  ShardRequests plan;
  const bool multiple_choice = IsMultipleChoice(shard);
  const uint32_t repeats = multiple_choice ? 1 : std::max<uint32_t>(1, shard.task().repeats());
  for (const v1::Sample& sample : shard.samples()) {
    for (uint32_t r = 0; r < repeats; ++r) {
      SampleWork work = Prepare(shard, sample, r, evaluator);
      work.first_request = plan.requests.size();
      if (work.error.empty()) {
        InferenceRequest base = BaseRequest(shard, work);
        if (multiple_choice) {
          for (const std::string& continuation : work.continuations) {
            plan.requests.push_back(LoglikelihoodRequest(base, continuation));
          }
        } else {
          plan.requests.push_back(std::move(base));
        }
      }
      work.num_requests = plan.requests.size() - work.first_request;
      plan.owner.resize(plan.requests.size(), plan.work.size());
      plan.work.push_back(std::move(work));
    }
  }
  return plan;
}

v1::SampleResult FinishSample(const v1::Shard& shard, const SampleWork& work,
                              absl::Span<const InferenceResult> results,
                              const TaskEvaluator& evaluator) {
  if (!work.error.empty()) {
    v1::SampleResult row = Row(work);
    row.set_error(work.error);
    return row;
  }
  if (IsMultipleChoice(shard)) return FinishMultipleChoice(shard, work, results, evaluator);
  return FinishGeneration(shard, work, results[0], evaluator);
}

}  // namespace jb::worker
