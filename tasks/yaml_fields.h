// Typed, checked access to fields of a yaml-cpp document, with errors that say where and what:
//
//   "suites/x/task.yaml:7: generation_kwargs.max_gen_toks: expected an integer, got 'many';
//    write a whole number such as 256"
//
// yaml-cpp reports problems by throwing; every call that may throw is wrapped here, so callers
// only see absl::Status. Lines are 1-based (yaml-cpp's Mark().line is 0-based).
// lm-eval's `!function module.name` tag (a Python function) is refused by every reader here:
// a caller that maps known names to built-ins checks IsFunction() first.
// Used by the suite loader (tasks/task_yaml.h) and the simulator profile (sim/profile.h); a
// candidate for common/ once a third user appears.
// Thread-safety: a YamlFields object is immutable; nodes are not shared across threads.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace jb::tasks {

class YamlFields {
 public:
  // `file` names the document in every error ("suites/x/task.yaml").
  explicit YamlFields(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  // Parses `text`. InvalidArgument "file:line: YAML syntax error: ..." when it does not parse,
  // and when the document is not a mapping.
  absl::StatusOr<YAML::Node> ParseMapping(const std::string& text) const;

  // 1-based line of `node`, 0 when unknown.
  static int Line(const YAML::Node& node);

  // InvalidArgument "file:line: field: what".
  absl::Status Error(const YAML::Node& node, const std::string& field,
                     const std::string& what) const;

  // Checks `node` is a mapping whose keys are all in `allowed` and appear once; the error names
  // the first unknown or repeated key with its line and lists the allowed ones. `field` is the
  // mapping's own path ("" for the root, "generation_kwargs", "filter_list[0]").
  absl::Status CheckKeys(const YAML::Node& node, const std::string& field,
                         const std::set<std::string>& allowed) const;

  // True when `value` carries the tag "!function" (its scalar is the function's name).
  static bool IsFunction(const YAML::Node& value);

  // Readers for one value. `field` is the full path used in errors. The value must be present
  // and of the type; callers check IsDefined() first for optional fields.
  absl::StatusOr<std::string> String(const YAML::Node& value, const std::string& field) const;
  absl::StatusOr<int64_t> Int(const YAML::Node& value, const std::string& field) const;
  absl::StatusOr<double> Double(const YAML::Node& value, const std::string& field) const;
  absl::StatusOr<bool> Bool(const YAML::Node& value, const std::string& field) const;
  // A list of strings; a single string is accepted as a one-element list (as lm-eval does for
  // `until`).
  absl::StatusOr<std::vector<std::string>> StringList(const YAML::Node& value,
                                                      const std::string& field) const;

  // `parent[key]` as a required field: InvalidArgument at the parent's line when missing.
  absl::StatusOr<YAML::Node> Required(const YAML::Node& parent, const std::string& key,
                                      const std::string& field) const;

 private:
  absl::Status FunctionError(const YAML::Node& value, const std::string& field) const;

  std::string file_;
};

// "a.b" joined for error paths; `prefix` may be empty.
std::string JoinField(const std::string& prefix, const std::string& key);

}  // namespace jb::tasks
