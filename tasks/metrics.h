// Metrics: score one extracted answer against its target (lm-eval metric_list entries).
//
//   exact_match  lm-eval's exact_match (the HF evaluate port, lm_eval/api/metrics.py): each
//                regexes_to_ignore pattern is removed (replace-all, in order) from both the
//                prediction and the reference, then ignore_case lower-cases both (ASCII), then
//                ignore_punctuation deletes Python's string.punctuation (ASCII
//                !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~) from both; 1 when they are then equal.
//   acc          1 when the extracted answer equals the target exactly: the accuracy of the
//                chosen answer, for multiple_choice the choice the worker found likeliest by
//                log-likelihood (worker/sample_requests.h).
//
// Regexes are RE2 (see tasks/filters.h for the differences from Python's re).
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::tasks {

// OK when this build implements `spec` with its options and its regexes compile; otherwise
// InvalidArgument naming the metric, the option or the pattern.
absl::Status ValidateMetric(const joulebench::v1::MetricSpec& spec);

// The metric's value (0 or 1 for the metrics above). InvalidArgument as ValidateMetric.
absl::StatusOr<double> ScoreMetric(const joulebench::v1::MetricSpec& spec,
                                   const std::string& prediction, const std::string& reference);

// exact_match's normalisation of one string (the steps above, without the comparison).
absl::StatusOr<std::string> NormaliseForExactMatch(const joulebench::v1::MetricSpec& spec,
                                                   const std::string& text);

}  // namespace jb::tasks
