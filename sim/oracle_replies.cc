#include "sim/oracle_replies.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "tasks/metrics.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"

namespace jb::sim {
namespace {

using joulebench::v1::Sample;
using joulebench::v1::TaskDefinition;

constexpr char kUnsureReply[] = "I am not sure.";

// Scores are floating point (rouge's F-measure, BLEU's geometric mean): a reply whose score is
// within this of the maximum reaches it.
constexpr double kMaximumTolerance = 1e-9;

// Scores one candidate reply to a sample under the task's own scoring.
class CandidateScorer {
 public:
  CandidateScorer(const TaskDefinition& task, const Sample& sample,
                  const std::vector<std::string>& targets)
      : task_(task),
        sample_(sample),
        targets_(targets),
        maximum_(task.metrics_size() > 0 ? tasks::MetricMaximum(task.metrics(0)) : 1.0) {}

  // The primary score, or nullopt when the reply cannot be scored.
  std::optional<double> Primary(const std::string& text) const {
    absl::StatusOr<std::vector<tasks::Score>> scores =
        tasks::ScoreGenerations(task_, sample_, targets_, {text}, tasks::ScoringContext{});
    if (!scores.ok() || scores->size() != 1) return std::nullopt;
    return (*scores)[0].score;
  }

  bool ReachesMaximum(const std::string& text) const {
    const std::optional<double> score = Primary(text);
    return score.has_value() && *score >= maximum_ - kMaximumTolerance;
  }

  bool BelowMaximum(const std::string& text) const {
    const std::optional<double> score = Primary(text);
    return score.has_value() && *score < maximum_ - kMaximumTolerance;
  }

 private:
  const TaskDefinition& task_;
  const Sample& sample_;
  const std::vector<std::string>& targets_;
  const double maximum_;
};

bool ParseInteger(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 17) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

absl::StatusOr<SampleReplies> CodeReplies(const TaskDefinition& task, const Sample& sample) {
  if (task.canonical_solution().empty()) {
    return absl::FailedPreconditionError(
        "the task runs code and has no canonical_solution, so the oracle has no correct reply");
  }
  SampleReplies replies;
  JB_ASSIGN_OR_RETURN(replies.correct,
                      tasks::RenderTemplate(task.canonical_solution(), sample.doc_json()));
  replies.wrong.push_back(kFailingCodeBody);
  return replies;
}

}  // namespace

absl::StatusOr<SampleReplies> GenerateReplies(const TaskDefinition& task, const Sample& sample) {
  if (tasks::TaskRunsCode(task)) return CodeReplies(task, sample);
  JB_ASSIGN_OR_RETURN(const std::vector<std::string> targets, tasks::RenderTargets(task, sample));
  JB_ASSIGN_OR_RETURN(const std::vector<std::string> choices, tasks::RenderChoices(task, sample));
  const CandidateScorer scorer(task, sample, targets);
  const std::string first = targets.empty() ? "" : targets[0];
  SampleReplies replies;
  bool found = false;
  for (const std::string& candidate : {absl::StrCat("The answer is ", first, "."), first}) {
    if (scorer.ReachesMaximum(candidate)) {
      replies.correct = candidate;
      found = true;
      break;
    }
  }
  if (!found) {
    JB_LOG(warn,
           "oracle: no reply reaches the maximum score for sample {} of {}; answering with the "
           "first gold answer",
           sample.index(), task.name());
    replies.correct = first;
  }
  for (const std::string& choice : choices) {
    if (std::find(targets.begin(), targets.end(), choice) != targets.end()) continue;
    for (const std::string& candidate : {absl::StrCat("The answer is ", choice, "."), choice}) {
      if (scorer.BelowMaximum(candidate)) {
        replies.wrong.push_back(candidate);
        break;
      }
    }
  }
  int64_t number = 0;
  if (replies.wrong.empty() && ParseInteger(first, &number)) {
    for (int64_t k : {1, 2, 10}) {
      std::string candidate = absl::StrCat("The answer is ", number + k, ".");
      if (scorer.BelowMaximum(candidate)) replies.wrong.push_back(std::move(candidate));
    }
  }
  if (replies.wrong.empty()) replies.wrong.push_back(kUnsureReply);
  return replies;
}

absl::StatusOr<SampleReplies> ChoiceReplies(const TaskDefinition& task, const Sample& sample) {
  JB_ASSIGN_OR_RETURN(const std::vector<std::string> choices, tasks::RenderChoices(task, sample));
  JB_ASSIGN_OR_RETURN(const uint32_t gold, tasks::RenderGoldIndex(task, sample));
  if (gold >= choices.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the gold index ", gold, " is out of range for ", choices.size(), " choices"));
  }
  SampleReplies replies;
  replies.correct = choices[gold];
  if (tasks::ParseChosenOption(choices, replies.correct) != gold) {
    return absl::InvalidArgumentError(absl::StrCat("the gold choice's text '", replies.correct,
                                                   "' reads back as another choice or none"));
  }
  for (uint32_t i = 0; i < choices.size(); ++i) {
    if (i == gold) continue;
    const std::optional<uint32_t> named = tasks::ParseChosenOption(choices, choices[i]);
    if (named.has_value() && *named != gold) replies.wrong.push_back(choices[i]);
  }
  if (replies.wrong.empty() && choices.size() > 1 &&
      tasks::ParseChosenOption(choices, kUnsureReply) != gold) {
    replies.wrong.push_back(kUnsureReply);
  }
  return replies;
}

}  // namespace jb::sim
