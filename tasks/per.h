// The Performance-Efficiency Ratio (PER) of Cao et al. 2026 ("Task-Specific Efficiency
// Analysis: When Small Language Models Outperform Large Language Models", arXiv 2603.21389),
// and joulebench's energy-aware variant PER-E (docs/methodology.md).
//
//   PER   = (ACC_n x THR_n x MEM_n x LAT_n)^(1/4)
//   PER-E = (ACC_n x THR_n x MEM_n x LAT_n x E_n)^(1/5)        (not in the paper)
//
// Each term is min-max normalised over the cohort, the models compared (the paper: 16 models
// on one task): (x - min) / (max - min) where higher is better (accuracy, throughput per
// GPU), 1 - (x - min) / (max - min) where lower is better (latency, memory, J/query). The
// paper leaves max = min undefined; here such a term is 1 for every model, since it does not
// separate them. So PER is relative to its cohort: the worst model on any term scores 0, and
// adding or removing one model changes everyone's PER. Units are the caller's: the paper uses
// tokens/s per GPU and ms/token for generation tasks, samples/s per GPU and ms/sample for
// classification, MB of memory. Thread-safety: free functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace jb::tasks {

// One model's raw metrics on one task.
struct PerMetrics {
  std::string model;
  double accuracy = 0;
  double throughput = 0;  // per GPU
  double latency = 0;
  double memory = 0;
  std::optional<double> joules_per_query;  // for PER-E
};

struct PerScore {
  std::string model;
  // The normalised terms, each in [0, 1].
  double accuracy = 0;
  double throughput = 0;
  double latency = 0;
  double memory = 0;
  std::optional<double> energy;
  double per = 0;
  std::optional<double> per_energy;  // PER-E, when the cohort has J/query
};

// PER (and PER-E when every model has J/query) for each model of the cohort, in its order.
// InvalidArgument naming the model for an empty cohort, a metric that is negative or not
// finite, or J/query given for some models and not for others.
absl::StatusOr<std::vector<PerScore>> ComputePer(const std::vector<PerMetrics>& cohort);

// Reads a cohort from CSV text (RFC 4180 with a header row; `file` names it in errors): the
// columns model, accuracy, throughput, latency, memory and, optionally, j_per_query, in any
// order; other columns are ignored. InvalidArgument "file:line: what; what to do" for a
// missing column, an empty or non-numeric cell, or a repeated model.
absl::StatusOr<std::vector<PerMetrics>> ParsePerCsv(const std::string& file,
                                                    const std::string& text);

}  // namespace jb::tasks
