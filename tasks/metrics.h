// Metrics: score the answers a filter pipeline extracted against a sample's gold answers
// (lm-eval's metric_list entries), each exactly as its reference implementation does.
//
// generate_until metrics give one value per response. A sample may have several gold answers
// (a list target); a value is then the maximum over them (lm-eval scores a multiple-target
// sample 1 when any target matches; rouge_score's score_multi and the SQuAD script take the
// max):
//   exact_match  lm-eval's exact_match (the HF evaluate port, lm_eval/api/metrics.py): each
//                regexes_to_ignore pattern is removed (replace-all, in order) from both the
//                prediction and the reference, then ignore_case lower-cases both (ASCII), then
//                ignore_punctuation deletes Python's string.punctuation (ASCII
//                !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~) from both; 1 when they are then equal.
//   acc          1 when the answer equals a gold answer exactly.
//   exact, f1    the SQuAD v2.0 script's exact match and token F1 (tasks/metrics/squad.h); an
//                empty gold list is an unanswerable question, answered correctly by "".
//   rouge1..9, rougeL, rougeLsum
//                rouge_score's F-measure (tasks/metrics/rouge.h); option use_stemmer.
//   bleu         sacrebleu with its 13a tokenizer (tasks/metrics/bleu.h), 0-100: the value of
//                one response is its sentence BLEU; the response also yields corpus statistics
//                (BleuStats::ToVector), and a task's bleu is the corpus BLEU of their sum
//                (tasks/aggregate.h), which is what sacrebleu.corpus_bleu and lm-eval report.
//   pass_at_k    1 when the program `answer + "\n" + target` exits 0 in the code sandbox
//                (tasks/sandbox/code_sandbox.h) within the task's code_timeout_s; a task's
//                pass@k for each k in `k` is Chen et al.'s estimator over each sample's repeats
//                (tasks/aggregate.h). Needs exactly one gold answer: the test program.
// multiple_choice metrics (scored from the choices' log-likelihoods in tasks/scoring.h):
//   acc          the likeliest choice is the gold one.
//   acc_norm     the likeliest choice per character (log-likelihood / code points of the
//                choice text) is the gold one (lm-eval's acc_norm).
//   f1           lm-eval's f1 (sklearn f1_score, binary, positive label = choice 1), a corpus
//                metric: each sample yields [true positive, false positive, false negative],
//                and its own value is 1 when its choice is the gold one.
//
// Regexes are RE2 (see tasks/filters.h for the differences from Python's re).
// Thread-safety: free functions, safe from any thread (the sandbox is thread-safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"
#include "tasks/sandbox/code_sandbox.h"

namespace jb::tasks {

// OK when this build implements `spec` with its options and its regexes compile; otherwise
// InvalidArgument naming the metric, the option or the pattern.
absl::Status ValidateMetric(const joulebench::v1::MetricSpec& spec);

// OK when `spec` (already valid) applies to tasks of `output_type` (lists above); otherwise
// InvalidArgument naming the metrics that do.
absl::Status CheckMetricFits(const joulebench::v1::MetricSpec& spec,
                             joulebench::v1::OutputType output_type);

// One response's value under a generate_until metric.
struct MetricValue {
  double value = 0;
  // Corpus statistics for corpus metrics (bleu); empty otherwise.
  std::vector<double> corpus_stats;
};

// Scores `answer` against `targets` (see the top of this file). InvalidArgument as
// ValidateMetric and for pass_at_k without exactly one target; FailedPrecondition for
// pass_at_k without a sandbox; the sandbox's own errors (it could not start the program).
absl::StatusOr<MetricValue> ScoreResponse(const joulebench::v1::MetricSpec& spec,
                                          const std::string& answer,
                                          const std::vector<std::string>& targets,
                                          const CodeSandbox* sandbox, double code_timeout_s);

// The best value the metric can take: 100 for bleu, 1 for every other metric.
double MetricMaximum(const joulebench::v1::MetricSpec& spec);

// The program pass_at_k runs for a filtered answer: the answer, a newline, the test program.
std::string PassAtKProgram(const std::string& answer, const std::string& test);

// True for metrics that run model-written code (pass_at_k).
bool RunsCode(const joulebench::v1::MetricSpec& spec);

// exact_match's normalisation of one string (the steps above, without the comparison).
absl::StatusOr<std::string> NormaliseForExactMatch(const joulebench::v1::MetricSpec& spec,
                                                   const std::string& text);

}  // namespace jb::tasks
