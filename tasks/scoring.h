// Scoring one sample: the task's filter pipelines turn the raw outputs into extracted answers,
// and each metric scores them against the gold answers (lm-eval semantics, DESIGN.md section 7;
// filters in tasks/filters.h, metrics in tasks/metrics.h).
//
// generate_until: all the generations of one sample (its `repeats`) are scored together, so
// majority_vote can see them; each still gets its own Score. Every (pipeline, metric) pair is
// reported as "pipeline/metric", with lm-eval's pipeline name "none" when the task has no
// filters. The primary score is the first metric of the first pipeline.
//
// multiple_choice: the worker asks for each choice's log-likelihood (completions with echo and
// logprobs, worker/sample_requests.h) and ScoreMultipleChoice turns them into acc, acc_norm and
// f1 as lm-eval's process_results does, under "none/<metric>". On a server without completions
// logprobs the worker uses the generative fallback instead: the prompt lists the choices
// (FallbackPrompt), the model names one (ParseChosenOption), and every metric scores that
// choice; rows record answer_method "generative-fallback", since the numbers are not
// comparable with log-likelihood scoring.
// Thread-safety: free functions, safe from any thread. Regexes are RE2.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"
#include "tasks/sandbox/code_sandbox.h"

namespace jb::tasks {

struct Score {
  // Output of the first filter pipeline (multiple_choice: the chosen choice's text).
  std::string extracted;
  // Primary metric value.
  double score = 0;
  // Every metric by "pipeline/metric" (e.g. "strict-match/exact_match").
  std::map<std::string, double> metrics;
  // Corpus statistics by "pipeline/metric", for corpus metrics (bleu, multiple_choice f1).
  std::map<std::string, std::vector<double>> corpus_stats;
};

// What scoring may use beyond the task: the sandbox for pass_at_k (may be null; such tasks then
// fail to score with FailedPrecondition).
struct ScoringContext {
  const CodeSandbox* sandbox = nullptr;
};

// Scores the generations of `sample` (its repeats, in repeat order) against `targets`
// (RenderTargets). One Score per prediction. InvalidArgument for a malformed task (loaders
// reject those earlier) or a filter that does not fit the document; FailedPrecondition when the
// task runs code and `context` has no sandbox.
absl::StatusOr<std::vector<Score>> ScoreGenerations(const joulebench::v1::TaskDefinition& task,
                                                    const joulebench::v1::Sample& sample,
                                                    const std::vector<std::string>& targets,
                                                    const std::vector<std::string>& predictions,
                                                    const ScoringContext& context);

// What the worker learned about one multiple_choice sample.
struct ChoiceEvidence {
  std::vector<std::string> choices;
  uint32_t gold = 0;
  // Log-likelihood method: one value per choice. Empty for the generative fallback.
  std::vector<double> loglikelihoods;
  // Generative fallback: the choice the reply named, nullopt when it named none.
  std::optional<uint32_t> named_choice;
};

// acc, acc_norm and f1 (tasks/metrics.h) under "none/<metric>"; extracted is the chosen
// choice's text ("" when the fallback reply named none, which scores 0). InvalidArgument when
// the evidence does not fit (no choices, gold out of range, likelihoods not one per choice).
absl::StatusOr<Score> ScoreMultipleChoice(const joulebench::v1::TaskDefinition& task,
                                          const ChoiceEvidence& evidence);

// The generative fallback's prompt: the task's prompt, then the options, one per line, and the
// instruction to answer with one of them:
//   <prompt>\n\nOptions:\n- <choice 0>\n- <choice 1>\nAnswer with the text of one option.
std::string FallbackPrompt(const std::string& prompt, const std::vector<std::string>& choices);

// The option a fallback reply names: the choice whose text occurs earliest in the reply
// (ASCII case-insensitive, not inside a longer word; at one position the longest choice wins);
// nullopt when none occurs.
std::optional<uint32_t> ParseChosenOption(const std::vector<std::string>& choices,
                                          const std::string& reply);

// Checks every filter and metric of `task` is supported, fits its output type, and every regex
// compiles; the error names the offending entry. Loaders call this; the worker calls it before
// running a shard.
absl::Status ValidateScoring(const joulebench::v1::TaskDefinition& task);

// True when scoring `task` runs model-written code (a pass_at_k metric).
bool TaskRunsCode(const joulebench::v1::TaskDefinition& task);

}  // namespace jb::tasks
