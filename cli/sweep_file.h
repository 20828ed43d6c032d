// A sweep file read as `joulebench submit` and `joulebench demo` read it: parsed and checked
// locally (coordinator/sweep_spec.h), its path-named suites read from disk relative to the
// file's directory and resolved (coordinator/suite_resolver.h), so a bad file is reported
// before anything is contacted or started, and the request carries every suite the coordinator
// cannot read itself. Thread-safety: free functions.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "coordinator/sweep_spec.h"
#include "joulebench/v1/admin.pb.h"

namespace jb::cli {

struct SweepFile {
  coordinator::SweepSpec spec;
  // The directory path-named suites (and the demo's profile files) are relative to.
  std::string base_dir;
  // spec_yaml, source_name and the inline suites filled; dry_run left false.
  joulebench::v1::SubmitSweepRequest request;
};

// Reads and checks the sweep file at `path`. InvalidArgument when the file cannot be read
// (saying what to pass instead), and the spec's or the suites' own errors, which name the file,
// line and field.
absl::StatusOr<SweepFile> ReadSweepFile(const std::string& path);

// The same for a sweep already in memory (e.g. one embedded in the binary): `source_name` names
// it in errors and in the stored sweep; path-named suites are read relative to `base_dir`.
absl::StatusOr<SweepFile> LoadSweep(const std::string& yaml_text, const std::string& source_name,
                                    const std::string& base_dir);

}  // namespace jb::cli
