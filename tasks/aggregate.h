// Task scores from stored sample scores: each metric of a task over a set of sample rows (one
// cell of a sweep: a model on a task on a hardware class), with its 95% confidence interval.
//
// Rows are grouped by sample: a sample with several rows (the task's repeats, or the sweep's)
// counts once. Failed rows (the request failed for good) are left out and counted apart: they
// are an infrastructure failure, shown as incomplete coverage, not a wrong answer.
//   mean metrics  (exact_match, acc, acc_norm, exact, f1 on generate_until, rouge*): each
//                 sample's mean over its rows, then the mean over samples. Interval: Wilson when
//                 every sample has one row valued 0 or 1 (a proportion); otherwise the bootstrap
//                 over samples.
//   bleu          corpus BLEU of the summed statistics (SampleResult.corpus_stats, layout
//                 [hyp_len, ref_len, matches 1-4, totals 1-4], tasks/metrics/bleu.h) — the
//                 number sacrebleu.corpus_bleu gives; bootstrap over samples.
//   f1 (multiple_choice)
//                 sklearn's binary F1 2tp / (2tp + fp + fn) from summed [tp, fp, fn], 0 when
//                 nothing is positive; bootstrap over samples.
//   pass_at_k     for each k: the mean over samples of Chen et al.'s unbiased estimator with n =
//                 the sample's rows and c = those that passed (tasks/metrics/pass_at_k.h),
//                 named "pipeline/pass@k"; samples with fewer than k rows are left out (and the
//                 metric, when that is every sample). Wilson for pass@1 with one row per
//                 sample, else the bootstrap.
// Names are "pipeline/metric" as in SampleResult.metrics ("none" without filters and for
// multiple_choice). The primary metric (first pipeline, first metric; its first k) comes
// first, then the others in the task's order.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "joulebench/v1/common.pb.h"
#include "tasks/confidence.h"

namespace jb::tasks {

// One stored sample result, as far as scoring goes.
struct ScoredRow {
  uint32_t sample_index = 0;
  bool failed = false;
  std::map<std::string, double> metrics;
  std::map<std::string, std::vector<double>> corpus_stats;
};

struct MetricEstimate {
  std::string name;
  double value = 0;
  Interval ci;
  // Samples the value covers.
  uint64_t samples = 0;
  bool higher_is_better = true;
};

struct TaskScores {
  // Primary first; empty when no row has a value.
  std::vector<MetricEstimate> metrics;
  uint64_t rows = 0;
  uint64_t failed_rows = 0;
  // Distinct samples with at least one successful row.
  uint64_t samples = 0;
};

// Aggregates `rows` of `task` as described above; a metric no row carries is left out.
TaskScores AggregateTask(const joulebench::v1::TaskDefinition& task,
                         const std::vector<ScoredRow>& rows, const BootstrapOptions& options = {});

}  // namespace jb::tasks
