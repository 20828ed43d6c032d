// How `joulebench suites list` and `suites show` print a suite: its definition, and one sample
// exactly as a worker renders it (tasks/prompt.h), as text for people or JSON for scripts.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tasks/suite.h"

namespace jb::cli {

// "generate_until", "multiple_choice"; "chat", "completions".
std::string OutputTypeName(joulebench::v1::OutputType type);
std::string EndpointName(joulebench::v1::Endpoint endpoint);

// The primary score's key, "pipeline/metric" ("none/..." without filters; tasks/scoring.h).
std::string PrimaryMetric(const joulebench::v1::TaskDefinition& task);

// One row of `suites list --format json`.
nlohmann::json SuiteSummaryJson(const tasks::Suite& suite);

// One sample of a suite as a worker sees it. Parts that fail to render hold no value and add a
// line to `errors` ("prompt: ...").
struct SampleView {
  const joulebench::v1::Sample* sample = nullptr;
  std::optional<std::string> prompt;
  std::optional<std::vector<std::string>> targets;
  std::optional<std::vector<std::string>> choices;
  std::optional<uint32_t> gold;  // multiple_choice only
  // Code tasks: canonical_solution rendered, and the program pass_at_k runs for it (the first
  // filter pipeline's output, a newline, the test program).
  std::optional<std::string> canonical_solution;
  std::optional<std::string> program;
  std::vector<std::string> errors;
};

// REQUIRES: index < suite.samples.size().
SampleView RenderSample(const tasks::Suite& suite, size_t index);

// `suites show` output. `origin` is where the suite came from ("builtin:NAME" or the path).
std::string ShowText(const tasks::Suite& suite, const std::string& origin, const SampleView& view);
nlohmann::json ShowJson(const tasks::Suite& suite, const std::string& origin,
                        const SampleView& view);

}  // namespace jb::cli
