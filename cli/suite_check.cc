#include "cli/suite_check.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tasks/filters.h"
#include "tasks/metrics.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"

namespace jb::cli {
namespace {

namespace v1 = joulebench::v1;

// lm-eval's pipeline name for the unfiltered output (tasks/scoring.h).
constexpr char kNoFilter[] = "none";

bool IsMultipleChoice(const v1::TaskDefinition& task) {
  return task.output_type() == v1::OUTPUT_TYPE_MULTIPLE_CHOICE;
}

// The pipelines ScoreGenerations runs: the task's, or the unfiltered one.
std::vector<v1::FilterPipeline> Pipelines(const v1::TaskDefinition& task) {
  std::vector<v1::FilterPipeline> pipelines(task.filters().begin(), task.filters().end());
  if (pipelines.empty()) pipelines.emplace_back().set_name(kNoFilter);
  return pipelines;
}

// Renders what a worker renders for `sample` (worker/sample_requests.cc), in its order: the
// prompt, the target; then the targets (generate_until) or the choices, the gold index and the
// continuations (multiple_choice). The first failure is the sample's problem, as it would fail
// the sample in a shard. Returns the targets (empty for multiple_choice).
absl::StatusOr<std::vector<std::string>> CheckRendering(const v1::TaskDefinition& task,
                                                        const v1::Sample& sample) {
  auto fail = [](const char* what, const absl::Status& status) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", status.message()));
  };
  if (absl::StatusOr<std::string> prompt = tasks::BuildPrompt(task, sample); !prompt.ok()) {
    return fail("prompt", prompt.status());
  }
  if (absl::StatusOr<std::string> target = tasks::RenderTarget(task, sample); !target.ok()) {
    return fail("target", target.status());
  }
  if (!IsMultipleChoice(task)) {
    absl::StatusOr<std::vector<std::string>> targets = tasks::RenderTargets(task, sample);
    if (!targets.ok()) return fail("targets", targets.status());
    return targets;
  }
  absl::StatusOr<std::vector<std::string>> choices = tasks::RenderChoices(task, sample);
  if (!choices.ok()) return fail("choices", choices.status());
  if (choices->empty()) {
    return absl::InvalidArgumentError(
        "choices: none; a multiple_choice task needs doc_to_choice to give this sample choices");
  }
  absl::StatusOr<uint32_t> gold = tasks::RenderGoldIndex(task, sample);
  if (!gold.ok()) return fail("gold", gold.status());
  if (*gold >= choices->size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("gold: index ", *gold, " is out of range for ", choices->size(),
                     " choices; fix doc_to_target or the sample's answer"));
  }
  if (auto continuations = tasks::ChoiceContinuations(task, sample); !continuations.ok()) {
    return fail("continuations", continuations.status());
  }
  return std::vector<std::string>{};
}

std::string DescribeEnd(const tasks::ProgramResult& run) {
  if (run.timed_out) return absl::StrFormat("timed out after %.1f s", run.wall_s);
  if (run.signal != 0) return absl::StrCat("killed by signal ", run.signal);
  return absl::StrCat("exit code ", run.exit_code);
}

// Why `solution` fails `pipeline`'s pass_at_k: the program the metric runs, run once more for
// how it ended and what it printed.
std::string DescribeFailure(const v1::TaskDefinition& task, const v1::Sample& sample,
                            const v1::FilterPipeline& pipeline, const std::string& solution,
                            const std::vector<std::string>& targets,
                            const SuiteCheckOptions& options) {
  const nlohmann::json doc = nlohmann::json::parse(sample.doc_json(), nullptr, false);
  absl::StatusOr<std::vector<std::string>> answer =
      tasks::ApplyFilterPipeline(pipeline, {solution}, doc);
  if (!answer.ok() || answer->size() != 1 || targets.size() != 1) return "";
  absl::StatusOr<tasks::ProgramResult> run = options.sandbox->RunPython(
      tasks::PassAtKProgram((*answer)[0], targets[0]), task.code_timeout_s());
  if (!run.ok()) return absl::StrCat(" (rerun failed: ", run.status().message(), ")");
  if (run->passed) return " (yet it passed when run again: the program is not deterministic)";
  std::string out = absl::StrCat(" (", DescribeEnd(*run), ")");
  if (run->output.empty()) return absl::StrCat(out, "; no output");
  const size_t lines = std::count(run->output.begin(), run->output.end(), '\n') +
                       (run->output.back() == '\n' ? 0 : 1);
  const bool cut = run->output_truncated || lines > static_cast<size_t>(options.output_tail_lines);
  return absl::StrCat(out, "; output",
                      cut ? absl::StrCat(" (last ", options.output_tail_lines, " lines)") : "",
                      ":\n", OutputTail(run->output, options.output_tail_lines, "         | "));
}

// Scores the canonical solution of one sample; nullopt when every pass_at_k value is 1, else
// the problem.
std::optional<std::string> CheckCanonicalSolution(const v1::TaskDefinition& task,
                                                  const v1::Sample& sample,
                                                  const std::vector<std::string>& targets,
                                                  const SuiteCheckOptions& options) {
  absl::StatusOr<std::string> solution =
      tasks::RenderTemplate(task.canonical_solution(), sample.doc_json());
  if (!solution.ok()) return absl::StrCat("canonical_solution: ", solution.status().message());
  tasks::ScoringContext context{.sandbox = options.sandbox};
  absl::StatusOr<std::vector<tasks::Score>> scores =
      tasks::ScoreGenerations(task, sample, targets, {*solution}, context);
  if (!scores.ok()) {
    return absl::StrCat("scoring the canonical solution: ", scores.status().message());
  }
  for (const v1::FilterPipeline& pipeline : Pipelines(task)) {
    for (const v1::MetricSpec& spec : task.metrics()) {
      if (!tasks::RunsCode(spec)) continue;
      const std::string key = absl::StrCat(pipeline.name(), "/", spec.metric());
      auto it = (*scores)[0].metrics.find(key);
      if (it != (*scores)[0].metrics.end() && it->second == 1) continue;
      return absl::StrCat("canonical solution fails ", key,
                          DescribeFailure(task, sample, pipeline, *solution, targets, options));
    }
  }
  return std::nullopt;
}

}  // namespace

std::string OutputTail(const std::string& output, int lines, const std::string& indent) {
  std::vector<absl::string_view> all = absl::StrSplit(output, '\n');
  if (!all.empty() && all.back().empty()) all.pop_back();
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(lines, 0)));
  std::string out;
  for (size_t i = all.size() - keep; i < all.size(); ++i)
    absl::StrAppend(&out, indent, all[i], "\n");
  if (!out.empty()) out.pop_back();
  return out;
}

SuiteCheckReport CheckSuite(const tasks::Suite& suite, const SuiteCheckOptions& options) {
  const v1::TaskDefinition& task = suite.task;
  SuiteCheckReport report;
  report.samples = suite.samples.size();
  report.runs_code = tasks::TaskRunsCode(task);
  if (absl::Status scoring = tasks::ValidateScoring(task); !scoring.ok()) {
    report.problems.push_back(std::string(scoring.message()));
  }

  // Rendering is cheap: one pass, in order. Only samples that render have code to run.
  std::vector<absl::StatusOr<std::vector<std::string>>> targets;
  for (const v1::Sample& sample : suite.samples) {
    targets.push_back(CheckRendering(task, sample));
    if (!targets.back().ok()) {
      report.sample_problems.push_back(
          {sample.index(), std::string(targets.back().status().message())});
    }
  }
  if (!report.runs_code || !report.problems.empty()) return report;
  if (task.canonical_solution().empty()) {
    report.problems.push_back(
        "code task without canonical_solution: its tests cannot be checked; add "
        "`canonical_solution: \"{{canonical_solution}}\"` (a template rendering each sample's "
        "reference answer as a model would write it) to the task YAML");
    return report;
  }
  if (options.sandbox == nullptr) {
    report.problems.push_back("code task, and no code sandbox to run its canonical solutions");
    return report;
  }

  // Each sample's outcome in its own slot, so the threads share nothing but the counter.
  std::vector<std::optional<std::string>> outcomes(suite.samples.size());
  // char, not bool: vector<bool> packs bits, and threads write neighbouring slots.
  std::vector<char> ran(suite.samples.size(), 0);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < suite.samples.size(); i = next++) {
      if (!targets[i].ok()) continue;
      outcomes[i] = CheckCanonicalSolution(task, suite.samples[i], *targets[i], options);
      ran[i] = 1;
    }
  };
  std::vector<std::thread> threads;
  const size_t jobs = std::min<size_t>(std::max(options.jobs, 1), suite.samples.size());
  for (size_t t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();

  for (size_t i = 0; i < suite.samples.size(); ++i) {
    if (!ran[i]) continue;
    if (outcomes[i].has_value()) {
      report.sample_problems.push_back({suite.samples[i].index(), *std::move(outcomes[i])});
    } else {
      ++report.solutions_passed;
    }
  }
  std::stable_sort(
      report.sample_problems.begin(), report.sample_problems.end(),
      [](const SampleProblem& a, const SampleProblem& b) { return a.index < b.index; });
  return report;
}

}  // namespace jb::cli
