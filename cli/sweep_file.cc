#include "cli/sweep_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "coordinator/suite_resolver.h"

namespace jb::cli {

absl::StatusOr<SweepFile> ReadSweepFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sweep file '", path,
        "' cannot be read: no such file or not readable; pass the path of a sweep YAML (format: "
        "docs/sweeps.md, example: suites/sweeps/demo.yaml)"));
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return LoadSweep(text.str(), path, dir.empty() ? "." : dir);
}

absl::StatusOr<SweepFile> LoadSweep(const std::string& yaml_text, const std::string& source_name,
                                    const std::string& base_dir) {
  SweepFile out;
  out.base_dir = base_dir;
  JB_ASSIGN_OR_RETURN(out.spec, coordinator::ParseSweepSpec(yaml_text, source_name));
  JB_ASSIGN_OR_RETURN(std::vector<joulebench::v1::SuiteFile> suites,
                      coordinator::CollectSuiteFiles(out.spec, base_dir));
  // Resolved here only to fail fast; the coordinator resolves again from the request.
  JB_RETURN_IF_ERROR(coordinator::ResolveSuites(out.spec, suites).status());
  out.request.set_spec_yaml(yaml_text);
  out.request.set_source_name(source_name);
  for (auto& suite : suites) *out.request.add_suites() = std::move(suite);
  return out;
}

}  // namespace jb::cli
