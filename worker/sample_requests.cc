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

// Prompt, targets and (multiple_choice) choices, or the error that prevents sending.
SampleWork Prepare(const v1::Shard& shard, const v1::Sample& sample, uint32_t repeat,
                   ChoiceMethod choice_method, const TaskEvaluator& evaluator) {
  SampleWork work;
  work.sample = &sample;
  work.repeat_index = repeat;
  const v1::TaskDefinition& task = shard.task();
  auto fail = [&](absl::string_view what, const absl::Status& status) {
    work.error = absl::StrCat(what, ": ", status.message());
    return work;
  };
  absl::StatusOr<std::string> prompt = evaluator.BuildPrompt(task, sample);
  if (!prompt.ok()) return fail("building the prompt", prompt.status());
  work.prompt = *std::move(prompt);
  absl::StatusOr<std::string> target = evaluator.RenderTarget(task, sample);
  if (!target.ok()) return fail("rendering the target", target.status());
  work.target = *std::move(target);
  if (!IsMultipleChoice(shard)) {
    absl::StatusOr<std::vector<std::string>> targets = evaluator.RenderTargets(task, sample);
    if (!targets.ok()) return fail("rendering the targets", targets.status());
    work.targets = *std::move(targets);
    return work;
  }
  absl::StatusOr<std::vector<std::string>> choices = evaluator.RenderChoices(task, sample);
  if (!choices.ok()) return fail("rendering the choices", choices.status());
  work.choices = *std::move(choices);
  absl::StatusOr<uint32_t> gold = evaluator.RenderGoldIndex(task, sample);
  if (!gold.ok()) return fail("finding the gold choice", gold.status());
  work.gold = *gold;
  if (choice_method == ChoiceMethod::kGenerativeFallback) {
    work.prompt = evaluator.FallbackPrompt(work.prompt, work.choices);
    return work;
  }
  absl::StatusOr<std::vector<std::string>> continuations =
      evaluator.ChoiceContinuations(task, sample);
  if (!continuations.ok()) return fail("rendering the choices", continuations.status());
  work.continuations = *std::move(continuations);
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

v1::SampleResult Row(const ShardRequests& plan, const SampleWork& work, const v1::Shard& shard) {
  v1::SampleResult row;
  row.set_sample_index(work.sample->index());
  row.set_repeat_index(work.repeat_index);
  row.set_target(work.target);
  row.mutable_timing()->set_attempts(0);
  if (!IsMultipleChoice(shard)) {
    row.set_answer_method(kAnswerGenerate);
  } else if (plan.choice_method == ChoiceMethod::kGenerativeFallback) {
    row.set_answer_method(kAnswerGenerativeFallback);
  } else {
    row.set_answer_method(kAnswerLoglikelihood);
  }
  return row;
}

void SetScore(const tasks::Score& score, v1::SampleResult& row) {
  row.set_extracted(score.extracted);
  row.set_score(score.score);
  for (const auto& [name, value] : score.metrics) (*row.mutable_metrics())[name] = value;
  for (const auto& [name, stats] : score.corpus_stats) {
    (*row.mutable_corpus_stats())[name].mutable_values()->Add(stats.begin(), stats.end());
  }
}

void ScoreChoice(const v1::Shard& shard, const tasks::ChoiceEvidence& evidence,
                 const TaskEvaluator& evaluator, v1::SampleResult& row) {
  absl::StatusOr<tasks::Score> score = evaluator.ScoreMultipleChoice(shard.task(), evidence);
  if (!score.ok()) {
    row.set_error(absl::StrCat("scoring: ", score.status().message()));
    return;
  }
  SetScore(*score, row);
}

// The row of one generation, not yet scored (ScoreSampleGroup does that for generate_until).
v1::SampleResult FinishGeneration(const v1::Shard& shard, const ShardRequests& plan,
                                  const SampleWork& work, const InferenceResult& result) {
  v1::SampleResult row = Row(plan, work, shard);
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
  row.set_prediction(result.text);
  return row;
}

// Token counts and attempts add up over the choices; e2e_s is the sum of the requests' e2e
// (the server time the sample took), since the choices may or may not run side by side.
v1::SampleResult FinishMultipleChoice(const v1::Shard& shard, const ShardRequests& plan,
                                      const SampleWork& work,
                                      absl::Span<const InferenceResult> results,
                                      const TaskEvaluator& evaluator) {
  v1::SampleResult row = Row(plan, work, shard);
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
  tasks::ChoiceEvidence evidence;
  evidence.choices = work.choices;
  evidence.gold = work.gold;
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
    evidence.loglikelihoods.push_back(ll->logprob);
    e2e_s += r.e2e_s;
    prompt_tokens += r.prompt_tokens;
    completion_tokens += r.completion_tokens;
  }
  row.set_prompt_tokens(prompt_tokens);
  row.set_completion_tokens(completion_tokens);
  row.set_finish_reason("length");
  timing.set_e2e_s(e2e_s);
  ScoreChoice(shard, evidence, evaluator, row);
  // The prediction of a log-likelihood row is the choice it found likeliest.
  row.set_prediction(row.extracted());
  return row;
}

}  // namespace

ShardRequests PlanShardRequests(const v1::Shard& shard, const TaskEvaluator& evaluator,
                                ChoiceMethod choice_method) {
  ShardRequests plan;
  plan.choice_method = choice_method;
  const bool multiple_choice = IsMultipleChoice(shard);
  const bool loglikelihood = multiple_choice && choice_method == ChoiceMethod::kLoglikelihood;
  const uint32_t repeats = multiple_choice ? 1 : std::max<uint32_t>(1, shard.task().repeats());
  for (const v1::Sample& sample : shard.samples()) {
    plan.groups.emplace_back(plan.work.size(), plan.work.size() + repeats);
    for (uint32_t r = 0; r < repeats; ++r) {
      SampleWork work = Prepare(shard, sample, r, choice_method, evaluator);
      work.first_request = plan.requests.size();
      if (work.error.empty()) {
        InferenceRequest base = BaseRequest(shard, work);
        if (loglikelihood) {
          for (const std::string& continuation : work.continuations) {
            plan.requests.push_back(LoglikelihoodRequest(base, continuation));
          }
        } else {
          // The generative fallback answers greedily, as log-likelihood scoring would, over
          // chat whatever the task's endpoint: it is what servers without completions logprobs
          // (chat-only APIs, 404 on /v1/completions) have, and its prompt is an instruction.
          if (multiple_choice) {
            base.temperature = 0;
            base.endpoint = v1::ENDPOINT_CHAT;
          }
          plan.requests.push_back(std::move(base));
        }
      }
      work.num_requests = plan.requests.size() - work.first_request;
      plan.owner.resize(plan.requests.size(), plan.work.size());
      plan.group_of.push_back(plan.groups.size() - 1);
      plan.work.push_back(std::move(work));
    }
  }
  return plan;
}

v1::SampleResult FinishSample(const v1::Shard& shard, const ShardRequests& plan, size_t w,
                              absl::Span<const InferenceResult> results,
                              const TaskEvaluator& evaluator) {
  const SampleWork& work = plan.work[w];
  if (!work.error.empty()) {
    v1::SampleResult row = Row(plan, work, shard);
    row.set_error(work.error);
    return row;
  }
  if (!IsMultipleChoice(shard)) return FinishGeneration(shard, plan, work, results[0]);
  if (plan.choice_method == ChoiceMethod::kLoglikelihood) {
    return FinishMultipleChoice(shard, plan, work, results, evaluator);
  }
  v1::SampleResult row = FinishGeneration(shard, plan, work, results[0]);
  if (!row.error().empty()) return row;
  tasks::ChoiceEvidence evidence;
  evidence.choices = work.choices;
  evidence.gold = work.gold;
  evidence.named_choice = evaluator.ParseChosenOption(work.choices, row.prediction());
  // The prediction keeps what the model said; extracted holds the choice it named.
  ScoreChoice(shard, evidence, evaluator, row);
  return row;
}

void ScoreSampleGroup(const v1::Shard& shard, const ShardRequests& plan, size_t g,
                      absl::Span<v1::SampleResult> rows, const TaskEvaluator& evaluator) {
  if (IsMultipleChoice(shard)) return;
  std::vector<std::string> predictions;
  std::vector<v1::SampleResult*> scored;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].error().empty()) continue;
    predictions.push_back(rows[i].prediction());
    scored.push_back(&rows[i]);
  }
  if (scored.empty()) return;
  const SampleWork& work = plan.work[plan.groups[g].first];
  absl::StatusOr<std::vector<tasks::Score>> scores =
      evaluator.ScoreGenerations(shard.task(), *work.sample, work.targets, predictions);
  if (scores.ok() && scores->size() != scored.size()) {
    scores =
        absl::InternalError("the scorer returned a different number of scores than predictions");
  }
  for (size_t i = 0; i < scored.size(); ++i) {
    if (!scores.ok()) {
      scored[i]->set_error(absl::StrCat("scoring: ", scores.status().message()));
    } else {
      SetScore((*scores)[i], *scored[i]);
    }
  }
}

}  // namespace jb::worker
