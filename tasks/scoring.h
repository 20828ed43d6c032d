// Scoring one generation: the task's filter pipelines turn the raw output into an extracted
// answer, and each metric scores it against the target (lm-eval semantics, DESIGN.md section 7).
//
// The primary score is the first metric of the first filter pipeline (or of the raw output when
// the task has no filters); every (pipeline, metric) pair is also reported as "pipeline/metric",
// with lm-eval's pipeline name "none" for the raw output. Filters are in tasks/filters.h and
// metrics (exact_match, acc) in tasks/metrics.h.
//
// multiple_choice tasks: the worker picks the choice with the highest log-likelihood
// (worker/sample_requests.h) and scores that choice's text here like a generated answer.
// Thread-safety: free functions, safe from any thread. Regexes are RE2.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::tasks {

struct Score {
  // Output of the first filter pipeline (the raw output when there is none).
  std::string extracted;
  // Primary metric value.
  double score = 0;
  // Every metric by "pipeline/metric" (e.g. "strict-match/exact_match").
  std::map<std::string, double> metrics;
};

// Scores a generated output against `target` (RenderTarget's text). InvalidArgument for a filter or
// metric this build does not implement (loaders reject those earlier, so this means a malformed
// TaskDefinition).
absl::StatusOr<Score> ScoreGeneration(const joulebench::v1::TaskDefinition& task,
                                      const std::string& target, const std::string& prediction);

// Checks every filter and metric of `task` is supported and every regex compiles; the error
// names the offending entry. Loaders call this; the worker calls it before running a shard.
absl::Status ValidateScoring(const joulebench::v1::TaskDefinition& task);

}  // namespace jb::tasks
