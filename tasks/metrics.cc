#include "tasks/metrics.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "re2/re2.h"
#include "tasks/metrics/bleu.h"
#include "tasks/metrics/rouge.h"
#include "tasks/metrics/squad.h"
#include "tasks/regex_cache.h"

namespace jb::tasks {
namespace {

using joulebench::v1::MetricSpec;
using joulebench::v1::OutputType;

// Python's string.punctuation.
constexpr char kPunctuation[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

constexpr char kGenerateMetrics[] =
    "exact_match, acc, exact, f1, rouge1..rouge9, rougeL, rougeLsum, bleu, pass_at_k";
constexpr char kChoiceMetrics[] = "acc, acc_norm, f1";

bool IsRouge(const std::string& name) {
  if (name == "rougeL" || name == "rougeLsum") return true;
  return name.size() == 6 && absl::StartsWith(name, "rouge") && name[5] >= '1' && name[5] <= '9';
}

bool IsKnown(const std::string& name) {
  return name == "exact_match" || name == "acc" || name == "acc_norm" || name == "exact" ||
         name == "f1" || name == "bleu" || name == "pass_at_k" || IsRouge(name);
}

bool HasExactMatchOptions(const MetricSpec& spec) {
  return spec.ignore_case() || spec.ignore_punctuation() || spec.regexes_to_ignore_size() > 0;
}

// Max of `score(target)` over the targets; 0 without targets.
template <typename Fn>
absl::StatusOr<double> MaxOverTargets(const std::vector<std::string>& targets, Fn score) {
  double best = 0;
  for (const std::string& target : targets) {
    JB_ASSIGN_OR_RETURN(double value, score(target));
    best = std::max(best, value);
  }
  return best;
}

absl::StatusOr<MetricValue> PassAtK(const MetricSpec& spec, const std::string& answer,
                                    const std::vector<std::string>& targets,
                                    const CodeSandbox* sandbox, double code_timeout_s) {
  if (targets.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metric pass_at_k: needs exactly one target (the test program), got ", targets.size()));
  }
  if (sandbox == nullptr) {
    return absl::FailedPreconditionError(
        "metric pass_at_k runs model-written code, and this process has no code sandbox");
  }
  JB_ASSIGN_OR_RETURN(ProgramResult run,
                      sandbox->RunPython(PassAtKProgram(answer, targets[0]), code_timeout_s));
  return MetricValue{run.passed ? 1.0 : 0.0, {}};
}

}  // namespace

absl::Status ValidateMetric(const MetricSpec& spec) {
  const std::string& name = spec.metric();
  if (!IsKnown(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric '", name, "' is not supported; generate_until tasks support ",
                     kGenerateMetrics, "; multiple_choice tasks ", kChoiceMetrics));
  }
  if (spec.k_size() > 0 && name != "pass_at_k") {
    return absl::InvalidArgumentError(
        absl::StrCat("metric ", name, ": k applies only to pass_at_k"));
  }
  for (uint32_t k : spec.k()) {
    if (k == 0) return absl::InvalidArgumentError("metric pass_at_k: k must be at least 1");
  }
  if (spec.use_stemmer() && !IsRouge(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric ", name, ": use_stemmer applies only to the rouge metrics"));
  }
  if (name != "exact_match" && HasExactMatchOptions(spec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric ", name,
                     ": ignore_case, ignore_punctuation and regexes_to_ignore apply only to "
                     "exact_match"));
  }
  for (const std::string& pattern : spec.regexes_to_ignore()) {
    absl::StatusOr<std::shared_ptr<const RE2>> re = CompiledRegex(pattern);
    if (!re.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("metric exact_match: regexes_to_ignore: ", re.status().message()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckMetricFits(const MetricSpec& spec, OutputType output_type) {
  const std::string& name = spec.metric();
  const bool choice = output_type == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE;
  const bool fits =
      choice ? (name == "acc" || name == "acc_norm" || name == "f1") : (name != "acc_norm");
  if (fits) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "metric ", name, " does not apply to ", choice ? "multiple_choice" : "generate_until",
      " tasks; they support ", choice ? kChoiceMetrics : kGenerateMetrics));
}

absl::StatusOr<std::string> NormaliseForExactMatch(const MetricSpec& spec,
                                                   const std::string& text) {
  std::string out = text;
  for (const std::string& pattern : spec.regexes_to_ignore()) {
    JB_ASSIGN_OR_RETURN(std::shared_ptr<const RE2> re, CompiledRegex(pattern));
    RE2::GlobalReplace(&out, *re, "");
  }
  if (spec.ignore_case()) absl::AsciiStrToLower(&out);
  if (spec.ignore_punctuation()) {
    std::string kept;
    kept.reserve(out.size());
    for (char c : out) {
      if (std::strchr(kPunctuation, c) == nullptr || c == '\0') kept += c;
    }
    out = std::move(kept);
  }
  return out;
}

absl::StatusOr<MetricValue> ScoreResponse(const MetricSpec& spec, const std::string& answer,
                                          const std::vector<std::string>& targets,
                                          const CodeSandbox* sandbox, double code_timeout_s) {
  JB_RETURN_IF_ERROR(ValidateMetric(spec));
  const std::string& name = spec.metric();
  if (name == "pass_at_k") return PassAtK(spec, answer, targets, sandbox, code_timeout_s);
  if (name == "bleu") {
    metrics::BleuStats stats = metrics::SentenceBleuStats(answer, targets);
    return MetricValue{metrics::SentenceBleu(stats), stats.ToVector()};
  }
  if (name == "exact") return MetricValue{metrics::SquadExact(targets, answer), {}};
  if (name == "f1") return MetricValue{metrics::SquadF1(targets, answer), {}};
  absl::StatusOr<double> value;
  if (IsRouge(name)) {
    value = MaxOverTargets(targets, [&](const std::string& target) -> absl::StatusOr<double> {
      JB_ASSIGN_OR_RETURN(metrics::RougeScore rouge,
                          metrics::Rouge(name, target, answer, spec.use_stemmer()));
      return rouge.fmeasure;
    });
  } else if (name == "acc") {
    value = MaxOverTargets(targets, [&](const std::string& target) -> absl::StatusOr<double> {
      return answer == target ? 1.0 : 0.0;
    });
  } else if (name == "exact_match") {
    JB_ASSIGN_OR_RETURN(std::string normalised, NormaliseForExactMatch(spec, answer));
    value = MaxOverTargets(targets, [&](const std::string& target) -> absl::StatusOr<double> {
      JB_ASSIGN_OR_RETURN(std::string gold, NormaliseForExactMatch(spec, target));
      return normalised == gold ? 1.0 : 0.0;
    });
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("metric ", name, " scores multiple_choice answers, not generated text"));
  }
  JB_RETURN_IF_ERROR(value.status());
  return MetricValue{*value, {}};
}

std::string PassAtKProgram(const std::string& answer, const std::string& test) {
  return absl::StrCat(answer, "\n", test);
}

double MetricMaximum(const MetricSpec& spec) { return spec.metric() == "bleu" ? 100.0 : 1.0; }

bool RunsCode(const MetricSpec& spec) { return spec.metric() == "pass_at_k"; }

}  // namespace jb::tasks
