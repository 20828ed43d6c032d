// The checks behind `joulebench suites validate`: everything a worker will do with a suite's
// samples, done once ahead of time, so a broken suite fails here and not in a sweep.
//
// For a suite the loader accepted (it already checked YAML, keys, regexes and templates),
// CheckSuite:
//   1. checks the filters and metrics (tasks::ValidateScoring: known functions, regexes compile);
//   2. renders every sample as a worker does (worker/sample_requests.cc): the prompt with its
//      few-shot shots, the target and targets, and for multiple_choice the choices, the gold
//      index (which must be within them) and the continuations; a sample's first failure is
//      its problem, as it would fail that sample in a shard;
//   3. code tasks (tasks::TaskRunsCode): requires canonical_solution, renders it for every
//      sample and scores it with tasks::ScoreGenerations, the worker's own scoring path (the
//      whole filter pipeline runs, build_predictions included); every pass_at_k value must be
//      1. A failing sample is run once more in the sandbox to report how its program ended and
//      the tail of its output.
// Code runs on options.jobs threads; the report lists problems in sample order either way.
// Thread-safety: CheckSuite is safe from any thread (the sandbox is thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tasks/sandbox/code_sandbox.h"
#include "tasks/suite.h"

namespace jb::cli {

struct SuiteCheckOptions {
  // Runs canonical solutions; required for code tasks (without it they fail with a reason).
  const tasks::CodeSandbox* sandbox = nullptr;
  // Threads running canonical solutions; values below 1 mean 1.
  int jobs = 1;
  // Lines of a failing program's output quoted in its problem.
  int output_tail_lines = 12;
};

struct SampleProblem {
  uint32_t index = 0;  // Sample.index
  std::string message;
};

struct SuiteCheckReport {
  size_t samples = 0;
  bool runs_code = false;
  // Code tasks: samples whose canonical solution scored 1 on every pass_at_k metric.
  size_t solutions_passed = 0;
  // Problems of the suite as a whole (scoring, a missing canonical_solution, no sandbox).
  std::vector<std::string> problems;
  // Problems of single samples, in sample order.
  std::vector<SampleProblem> sample_problems;

  bool ok() const { return problems.empty() && sample_problems.empty(); }
};

// Runs the checks listed at the top of this file; never stops at the first problem.
SuiteCheckReport CheckSuite(const tasks::Suite& suite, const SuiteCheckOptions& options);

// The last `lines` lines of `output` (all of it when shorter), each prefixed by `indent`.
std::string OutputTail(const std::string& output, int lines, const std::string& indent);

}  // namespace jb::cli
