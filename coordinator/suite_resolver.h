// Resolving a sweep's tasks to suites. A task is a built-in suite name, or a suite named by
// path (a directory holding task.yaml, or a YAML file such as a wrapper around an lm-eval task,
// docs/tasks.md); a path is read by the submitter (which has the files: the YAML, its includes
// and its data files, tasks::ReadSuiteFiles) and sent inline in the SubmitSweepRequest, because
// the coordinator may run on another machine. The coordinator loads it from those files alone.
//
// Both sides use these functions: the CLI to fail fast before contacting anyone, and the
// coordinator, which trusts nothing it receives and resolves again.
// Thread-safety: free functions.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "coordinator/sweep_spec.h"
#include "joulebench/v1/admin.pb.h"
#include "tasks/suite.h"

namespace jb::coordinator {

// Reads the suites the spec names by path, relative to `base_dir` (the sweep
// file's directory). InvalidArgument naming the sweep file, line and task when a suite
// cannot be read.
absl::StatusOr<std::vector<joulebench::v1::SuiteFile>> CollectSuiteFiles(
    const SweepSpec& spec, const std::string& base_dir);

// One suite per spec.tasks entry, in order: built-ins by name, paths from `inline_suites`.
// InvalidArgument "FILE:LINE: tasks[i]: unknown task 'x'; built-in suites are: ..." for a name
// that is neither, and the suite loader's own file:line error for a malformed suite.
absl::StatusOr<std::vector<tasks::Suite>> ResolveSuites(
    const SweepSpec& spec, const std::vector<joulebench::v1::SuiteFile>& inline_suites);

}  // namespace jb::coordinator
