// Filters: turn a model's raw outputs into the answers a metric compares (lm-eval's filter_list,
// lm_eval/filters/extraction.py, transformation.py and selection.py). A pipeline runs over all the
// responses of one sample (its `repeats`, in repeat order), as lm-eval's filters do.
//
//   regex              Python re.findall over the response; group_select picks a match (0 the
//                      first, -1 the last, Python indexing); a match with several groups gives
//                      its first non-empty group; the result is stripped of whitespace. No
//                      match, an index out of range, or only empty groups give `fallback`
//                      (lm-eval's default "[invalid]", which the loader fills in).
//   take_first         lm-eval keeps only the first response of a sample and scores it once;
//                      joulebench scores every repeat (its mean is take_first's expected score,
//                      and with greedy decoding the same), so the step passes each text through.
//   lowercase          lower-cases (ASCII letters only).
//   remove_whitespace  strips leading whitespace (lm-eval's WhitespaceFilter does lstrip()).
//   majority_vote      replaces every response by the most common one among the sample's
//                      responses at that point of the pipeline; ties go to the one seen first
//                      (Python's Counter.most_common, which lm-eval's MajorityVoteFilter uses).
//   build_predictions  prefixes the document's "prompt" field to the response: the whole program
//                      HumanEval-style tasks run (lm-eval humaneval/utils.py build_predictions).
//
// Dialect: patterns are RE2. Differences from Python's re that matter here: no lookbehind or
// backreferences (rejected at load), `$` matches only at the very end (Python also matches
// before a final "\n"), \d and \w are ASCII, and an empty match right after another empty match
// moves on one character (Python may then try a longer match at the same position).
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"
#include "nlohmann/json.hpp"
#include "re2/re2.h"

namespace jb::tasks {

// Python's re.findall(re, text), with each match as the list of its groups' texts (an
// unmatched group is ""), or as {whole match} when the pattern has no groups.
std::vector<std::vector<std::string>> FindAll(const RE2& re, const std::string& text);

// lm-eval's RegexFilter applied to one response (see the top of this file).
std::string RegexExtract(const RE2& re, int group_select, const std::string& fallback,
                         const std::string& response);

// OK when this build implements `step` and its regex compiles; otherwise InvalidArgument naming
// the function or the pattern. Options that do not apply to the function are rejected.
absl::Status ValidateFilterStep(const joulebench::v1::FilterStep& step);

// Applies every step of `pipeline` in order to the responses of one sample whose document is
// `doc`; the result has one text per response. InvalidArgument as ValidateFilterStep, and for
// build_predictions on a document without a string "prompt" field.
absl::StatusOr<std::vector<std::string>> ApplyFilterPipeline(
    const joulebench::v1::FilterPipeline& pipeline, std::vector<std::string> responses,
    const nlohmann::json& doc);

}  // namespace jb::tasks
