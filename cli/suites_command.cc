// `joulebench suites list|show|validate`: inspect and check task suites (DESIGN.md section 4).
//
// A suite argument is a built-in suite's name, or a path: anything containing '/', ending in
// .yaml or .yml, or naming an existing file or directory (tasks/suite.h LoadSuiteDir).
// Exit codes (cli/command.h): an argument that names no suite (unknown built-in name, missing
// path, --sample out of range) is a usage error, 2, reported before any work; a suite that
// exists but does not load, render or pass its checks is a failure, 1.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/command.h"
#include "cli/suite_check.h"
#include "cli/suite_view.h"
#include "common/flags.h"
#include "common/text_table.h"
#include "tasks/sandbox/code_sandbox.h"
#include "tasks/scoring.h"
#include "tasks/suite.h"

namespace jb::cli {
namespace {

namespace v1 = joulebench::v1;

// Sample problems printed per failing suite; the rest are counted.
constexpr size_t kMaxProblemsShown = 20;

struct SuitesFlags {
  std::string list_format = "table";
  std::string show_format = "text";
  std::string show_suite;
  size_t sample = 0;
  std::vector<std::string> validate_suites;
  bool all = false;
  std::string python = "python3";
  bool allow_unsandboxed_code = false;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

struct LoadedSuite {
  std::string origin;  // "builtin:NAME" or the path as typed
  tasks::Suite suite;
};

bool IsPath(const std::string& arg) {
  std::error_code ignored;
  return absl::StrContains(arg, '/') || absl::EndsWith(arg, ".yaml") ||
         absl::EndsWith(arg, ".yml") || std::filesystem::exists(arg, ignored);
}

// NotFound when `arg` names nothing (a usage error); the loader's error when the suite is broken.
absl::StatusOr<LoadedSuite> LoadSuiteArg(const std::string& arg) {
  if (!IsPath(arg)) {
    absl::StatusOr<tasks::Suite> suite = tasks::FindBuiltinSuite(arg);
    if (!suite.ok()) {
      return absl::NotFoundError(
          absl::StrCat(suite.status().message(),
                       ". To load a suite from disk, give its path (a directory "
                       "holding task.yaml, or a .yaml file)"));
    }
    return LoadedSuite{absl::StrCat("builtin:", arg), *std::move(suite)};
  }
  std::error_code ignored;
  if (!std::filesystem::exists(arg, ignored)) {
    return absl::NotFoundError(
        absl::StrCat("suite path '", arg,
                     "' does not exist; give a suite directory (holding "
                     "task.yaml), a suite .yaml file, or a built-in suite name (`joulebench "
                     "suites list`)"));
  }
  absl::StatusOr<tasks::Suite> suite = tasks::LoadSuiteDir(arg);
  if (!suite.ok()) return suite.status();
  return LoadedSuite{arg, *std::move(suite)};
}

int ExitCodeFor(const absl::Status& status) {
  return absl::IsNotFound(status) ? kExitUsage : kExitFailure;
}

int RunList(const SuitesFlags& flags) {
  const std::vector<tasks::Suite>& suites = tasks::BuiltinSuites();
  if (flags.list_format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const tasks::Suite& suite : suites) out.push_back(SuiteSummaryJson(suite));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  TextTable table({"name", "family", "output type", "samples", "repeats", "endpoint",
                   "primary metric", "version", "content hash"});
  for (const tasks::Suite& suite : suites) {
    const v1::TaskDefinition& t = suite.task;
    table.AddRow({t.name(), t.family(), OutputTypeName(t.output_type()),
                  absl::StrCat(suite.samples.size()), absl::StrCat(t.repeats()),
                  EndpointName(t.generation().endpoint()), PrimaryMetric(t), t.version(),
                  t.content_hash().substr(0, 12)});
  }
  std::cout << table.Render();
  return kExitOk;
}

int RunShow(const SuitesFlags& flags) {
  absl::StatusOr<LoadedSuite> loaded = LoadSuiteArg(flags.show_suite);
  if (!loaded.ok()) {
    std::cerr << "error: " << loaded.status().message() << "\n";
    return ExitCodeFor(loaded.status());
  }
  const tasks::Suite& suite = loaded->suite;
  if (flags.sample >= suite.samples.size()) {
    std::cerr << "error: --sample " << flags.sample << " is out of range: suite "
              << suite.task.name() << " has " << suite.samples.size() << " samples (0 to "
              << static_cast<int64_t>(suite.samples.size()) - 1 << "); pass a smaller --sample\n";
    return kExitUsage;
  }
  const SampleView view = RenderSample(suite, flags.sample);
  if (flags.show_format == "json") {
    std::cout << ShowJson(suite, loaded->origin, view).dump(2) << "\n";
  } else {
    std::cout << ShowText(suite, loaded->origin, view);
  }
  return view.errors.empty() ? kExitOk : kExitFailure;
}

// One line per suite, then its problems indented.
void PrintResult(const std::string& name, size_t name_width, const std::string& summary,
                 const std::vector<std::string>& problems) {
  std::cout << absl::StrFormat("%-4s %-*s  %s\n", problems.empty() ? "ok" : "FAIL", name_width,
                               name, summary);
  for (const std::string& p : problems) std::cout << "       " << p << "\n";
}

std::vector<std::string> ProblemLines(const SuiteCheckReport& report) {
  std::vector<std::string> lines = report.problems;
  for (size_t i = 0; i < report.sample_problems.size(); ++i) {
    if (i == kMaxProblemsShown) {
      lines.push_back(
          absl::StrCat("... and ", report.sample_problems.size() - i, " more sample problems"));
      break;
    }
    lines.push_back(absl::StrCat("sample ", report.sample_problems[i].index, ": ",
                                 report.sample_problems[i].message));
  }
  return lines;
}

int RunValidate(const SuitesFlags& flags) {
  std::vector<std::string> args;
  if (flags.all) {
    for (const tasks::Suite& suite : tasks::BuiltinSuites()) args.push_back(suite.task.name());
  }
  for (const std::string& arg : flags.validate_suites) {
    if (std::find(args.begin(), args.end(), arg) == args.end()) args.push_back(arg);
  }
  if (args.empty()) {
    std::cerr << "error: no suite to validate; name built-in suites or suite paths, or pass "
                 "--all for every built-in suite\n";
    return kExitUsage;
  }
  // Every argument must name a suite before anything runs.
  std::vector<absl::StatusOr<LoadedSuite>> loaded;
  bool usage_error = false;
  for (const std::string& arg : args) {
    loaded.push_back(LoadSuiteArg(arg));
    if (absl::IsNotFound(loaded.back().status())) {
      std::cerr << "error: " << loaded.back().status().message() << "\n";
      usage_error = true;
    }
  }
  if (usage_error) return kExitUsage;

  // One sandbox for every code suite, created only when one needs it.
  std::unique_ptr<tasks::CodeSandbox> sandbox;
  std::string sandbox_error;
  const bool any_code = std::any_of(loaded.begin(), loaded.end(), [](const auto& l) {
    return l.ok() && tasks::TaskRunsCode(l->suite.task);
  });
  if (any_code) {
    tasks::SandboxOptions options;
    options.python = flags.python;
    options.allow_unsandboxed = flags.allow_unsandboxed_code;
    absl::StatusOr<std::unique_ptr<tasks::CodeSandbox>> created =
        tasks::CodeSandbox::Create(options);
    if (created.ok()) {
      sandbox = *std::move(created);
    } else {
      sandbox_error = std::string(created.status().message());
    }
  }

  size_t width = 0;
  for (const std::string& arg : args) width = std::max(width, arg.size());
  bool all_ok = true;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!loaded[i].ok()) {
      PrintResult(args[i], width, "does not load", {std::string(loaded[i].status().message())});
      all_ok = false;
      continue;
    }
    const tasks::Suite& suite = loaded[i]->suite;
    SuiteCheckReport report =
        CheckSuite(suite, {.sandbox = sandbox.get(), .jobs = std::max(flags.jobs, 1)});
    std::string summary = absl::StrCat(report.samples, " samples");
    if (report.runs_code && sandbox != nullptr) {
      absl::StrAppend(&summary, ", ", report.solutions_passed, "/", report.samples,
                      " canonical solutions pass (sandbox: ", sandbox->isolation(), ")");
    }
    std::vector<std::string> problems = ProblemLines(report);
    if (report.runs_code && sandbox == nullptr && !sandbox_error.empty()) {
      problems = {absl::StrCat("cannot run canonical solutions: ", sandbox_error)};
    }
    all_ok = all_ok && problems.empty();
    PrintResult(args[i], width, summary, problems);
  }
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace

void AddSuitesCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SuitesFlags>();
  CLI::App* suites = app.add_subcommand(
      "suites",
      "Inspect and check task suites. SUITE is a built-in suite's name, or a path: anything "
      "containing '/', ending in .yaml/.yml, or naming an existing file or directory.");
  suites->require_subcommand(1);

  CLI::App* list = suites->add_subcommand(
      "list",
      "List the built-in suites, sorted by name, with their content hash (first 12 hex "
      "digits in the table; all 64 in JSON).");
  list->add_option("--format", flags->list_format, "Output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  list->callback([flags, exit_code] { *exit_code = RunList(*flags); });

  CLI::App* show = suites->add_subcommand(
      "show",
      "Show a suite's task definition and content hash, then one sample exactly as a worker "
      "renders it: the prompt with its few-shot shots, the targets, the choices and gold index "
      "(multiple_choice) and the canonical program (code tasks). Exit 1 when the suite does "
      "not load or the sample does not render, 2 when SUITE names no suite or --sample is out "
      "of range.");
  show->add_option("suite", flags->show_suite, "Built-in suite name or suite path")->required();
  show->add_option("--sample", flags->sample, "Index of the sample to render (0-based)")
      ->capture_default_str();
  show->add_option("--format", flags->show_format,
                   "Output: text (prompt and programs between marker lines) or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  show->callback([flags, exit_code] { *exit_code = RunShow(*flags); });

  CLI::App* validate = suites->add_subcommand(
      "validate",
      "Check suites as a worker will use them: load (YAML, keys, regexes, templates), render "
      "every sample's prompt, targets and choices, compile every filter and metric regex, check "
      "every multiple_choice gold index is in range, and for code tasks (pass_at_k) run every "
      "sample's canonical_solution through the task's filters against its tests in the code "
      "sandbox; each must pass. Prints one line per suite. Exit 0 when all pass, 1 when any "
      "fails, 2 when an argument names no suite (then nothing is checked).");
  validate->add_option("suite", flags->validate_suites, "Built-in suite names or suite paths");
  validate->add_flag("--all", flags->all, "Validate every built-in suite (as well as any named)");
  AddFlag(validate, "--python", flags->python,
          "Python interpreter the code sandbox runs canonical solutions with");
  AddFlag(validate, "--allow-unsandboxed-code", flags->allow_unsandboxed_code,
          "Run canonical solutions even where the sandbox cannot cut the network off (no "
          "network namespace); they then run with the remaining isolation only");
  validate
      ->add_option("--jobs", flags->jobs,
                   "Canonical solutions run at once (default: this machine's hardware "
                   "threads)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  validate->callback([flags, exit_code] { *exit_code = RunValidate(*flags); });
}

}  // namespace jb::cli
