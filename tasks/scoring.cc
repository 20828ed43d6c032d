#include "tasks/scoring.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "nlohmann/json.hpp"
#include "tasks/filters.h"
#include "tasks/metrics.h"

namespace jb::tasks {
namespace {

using joulebench::v1::FilterPipeline;
using joulebench::v1::MetricSpec;
using joulebench::v1::Sample;
using joulebench::v1::TaskDefinition;

// lm-eval's name for the unfiltered output.
constexpr char kNoFilter[] = "none";

bool IsMultipleChoice(const TaskDefinition& task) {
  return task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE;
}

// Index of the largest value; the first one on ties (numpy.argmax).
uint32_t ArgMax(const std::vector<double>& values) {
  uint32_t best = 0;
  for (uint32_t i = 1; i < values.size(); ++i) {
    if (values[i] > values[best]) best = i;
  }
  return best;
}

bool IsWordByte(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

absl::Status ValidateScoring(const TaskDefinition& task) {
  if (IsMultipleChoice(task) && task.filters_size() > 0) {
    return absl::InvalidArgumentError(
        "filter_list: multiple_choice tasks are scored from the choices' log-likelihoods, "
        "so filters do not apply; remove filter_list");
  }
  std::set<std::string> names;
  for (int p = 0; p < task.filters_size(); ++p) {
    const FilterPipeline& pipeline = task.filters(p);
    const std::string where = absl::StrCat("filter_list[", p, "]");
    if (pipeline.name().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": name is empty; name the pipeline"));
    }
    if (!names.insert(pipeline.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": name '", pipeline.name(), "' is used twice; names must differ"));
    }
    for (int s = 0; s < pipeline.steps_size(); ++s) {
      absl::Status status = ValidateFilterStep(pipeline.steps(s));
      if (!status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ".filter[", s, "]: ", status.message()));
      }
    }
  }
  if (task.metrics_size() == 0) {
    return absl::InvalidArgumentError("metric_list: empty; give at least one metric");
  }
  std::set<std::string> metrics;
  for (int m = 0; m < task.metrics_size(); ++m) {
    const std::string where = absl::StrCat("metric_list[", m, "]");
    absl::Status status = ValidateMetric(task.metrics(m));
    if (status.ok()) status = CheckMetricFits(task.metrics(m), task.output_type());
    if (!status.ok())
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", status.message()));
    if (!metrics.insert(task.metrics(m).metric()).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": metric '", task.metrics(m).metric(),
                                                     "' is listed twice; keep one"));
    }
  }
  return absl::OkStatus();
}

bool TaskRunsCode(const TaskDefinition& task) {
  for (const MetricSpec& metric : task.metrics()) {
    if (RunsCode(metric)) return true;
  }
  return false;
}

absl::StatusOr<std::vector<Score>> ScoreGenerations(const TaskDefinition& task,
                                                    const Sample& sample,
                                                    const std::vector<std::string>& targets,
                                                    const std::vector<std::string>& predictions,
                                                    const ScoringContext& context) {
  JB_RETURN_IF_ERROR(ValidateScoring(task));
  if (IsMultipleChoice(task)) {
    return absl::InvalidArgumentError(
        "ScoreGenerations scores generate_until tasks; multiple_choice uses ScoreMultipleChoice");
  }
  const nlohmann::json doc = nlohmann::json::parse(sample.doc_json(), nullptr, false);
  std::vector<Score> scores(predictions.size());
  // With no filter_list, lm-eval scores the raw output under the pipeline name "none".
  std::vector<FilterPipeline> pipelines(task.filters().begin(), task.filters().end());
  if (pipelines.empty()) pipelines.emplace_back().set_name(kNoFilter);
  for (size_t p = 0; p < pipelines.size(); ++p) {
    JB_ASSIGN_OR_RETURN(std::vector<std::string> extracted,
                        ApplyFilterPipeline(pipelines[p], predictions, doc));
    for (size_t r = 0; r < predictions.size(); ++r) {
      Score& score = scores[r];
      for (int m = 0; m < task.metrics_size(); ++m) {
        const MetricSpec& spec = task.metrics(m);
        JB_ASSIGN_OR_RETURN(
            MetricValue value,
            ScoreResponse(spec, extracted[r], targets, context.sandbox, task.code_timeout_s()));
        const std::string key = absl::StrCat(pipelines[p].name(), "/", spec.metric());
        score.metrics[key] = value.value;
        if (!value.corpus_stats.empty()) score.corpus_stats[key] = std::move(value.corpus_stats);
        if (p == 0 && m == 0) score.score = value.value;
      }
      if (p == 0) score.extracted = std::move(extracted[r]);
    }
  }
  return scores;
}

absl::StatusOr<Score> ScoreMultipleChoice(const TaskDefinition& task,
                                          const ChoiceEvidence& evidence) {
  JB_RETURN_IF_ERROR(ValidateScoring(task));
  const size_t n = evidence.choices.size();
  if (n == 0) return absl::InvalidArgumentError("multiple_choice: the sample has no choices");
  if (evidence.gold >= n) {
    return absl::InvalidArgumentError(absl::StrCat("multiple_choice: gold index ", evidence.gold,
                                                   " is out of range for ", n, " choices"));
  }
  const bool fallback = evidence.loglikelihoods.empty();
  if (!fallback && evidence.loglikelihoods.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("multiple_choice: ", evidence.loglikelihoods.size(), " log-likelihoods for ",
                     n, " choices"));
  }
  if (fallback && evidence.named_choice.has_value() && *evidence.named_choice >= n) {
    return absl::InvalidArgumentError("multiple_choice: the named choice is out of range");
  }
  // The prediction for acc and f1, and for acc_norm; -1 when the fallback reply named none.
  int64_t chosen = -1, chosen_norm = -1;
  if (fallback) {
    if (evidence.named_choice.has_value()) chosen = chosen_norm = *evidence.named_choice;
  } else {
    chosen = ArgMax(evidence.loglikelihoods);
    std::vector<double> normalised(n);
    for (size_t i = 0; i < n; ++i) {
      // lm-eval divides by len(choice); an empty choice counts as one character.
      const double length =
          static_cast<double>(std::max<size_t>(1, Utf8CodePoints(evidence.choices[i])));
      normalised[i] = evidence.loglikelihoods[i] / length;
    }
    chosen_norm = ArgMax(normalised);
  }
  const int64_t gold = evidence.gold;
  Score score;
  score.extracted = chosen < 0 ? "" : evidence.choices[static_cast<size_t>(chosen)];
  for (int m = 0; m < task.metrics_size(); ++m) {
    const std::string& name = task.metrics(m).metric();
    const std::string key = absl::StrCat(kNoFilter, "/", name);
    double value = 0;
    if (name == "acc") {
      value = chosen == gold ? 1 : 0;
    } else if (name == "acc_norm") {
      value = chosen_norm == gold ? 1 : 0;
    } else {  // f1: binary with positive label 1, as sklearn's default
      const bool predicted = chosen == 1, actual = gold == 1;
      score.corpus_stats[key] = {predicted && actual ? 1.0 : 0.0, predicted && !actual ? 1.0 : 0.0,
                                 !predicted && actual ? 1.0 : 0.0};
      value = chosen == gold ? 1 : 0;
    }
    score.metrics[key] = value;
    if (m == 0) score.score = value;
  }
  return score;
}

std::string FallbackPrompt(const std::string& prompt, const std::vector<std::string>& choices) {
  std::string out = absl::StrCat(prompt, "\n\nOptions:\n");
  for (const std::string& choice : choices) absl::StrAppend(&out, "- ", choice, "\n");
  out += "Answer with the text of one option.";
  return out;
}

std::optional<uint32_t> ParseChosenOption(const std::vector<std::string>& choices,
                                          const std::string& reply) {
  const std::string text = absl::AsciiStrToLower(reply);
  std::optional<uint32_t> best;
  size_t best_pos = std::string::npos, best_len = 0;
  for (uint32_t i = 0; i < choices.size(); ++i) {
    const std::string choice = absl::AsciiStrToLower(absl::StripAsciiWhitespace(choices[i]));
    if (choice.empty()) continue;
    for (size_t pos = text.find(choice); pos != std::string::npos;
         pos = text.find(choice, pos + 1)) {
      const size_t end = pos + choice.size();
      const bool starts_word = pos == 0 || !IsWordByte(text[pos - 1]) || !IsWordByte(choice[0]);
      const bool ends_word =
          end == text.size() || !IsWordByte(text[end]) || !IsWordByte(choice.back());
      if (!starts_word || !ends_word) continue;
      if (pos < best_pos || (pos == best_pos && choice.size() > best_len)) {
        best = i;
        best_pos = pos;
        best_len = choice.size();
      }
      break;
    }
  }
  return best;
}

}  // namespace jb::tasks
