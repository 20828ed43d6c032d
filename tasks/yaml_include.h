// lm-eval's `include`: a task YAML file may name one base file whose keys it inherits.
//
//   include: ../gsm8k/gsm8k.yaml    a path relative to the including file's directory, or absolute
//
// The base file's top-level keys come first and the including file's keys replace them, whole:
// the merge is shallow, so an including file that sets generation_kwargs replaces the base's
// generation_kwargs entirely (lm-eval's load_yaml: merged.update(included); merged.update(own),
// lm_eval/tasks/_yaml_loader.py; the same in v0.4.9's lm_eval/utils.py load_yaml_config).
// A base may itself include another (depth at most 8). A cycle is an error naming the file and
// line of the include that closes it. A list of includes is rejected: lm-eval versions disagree
// on which one wins (v0.4.9 lets the first win, HEAD the last); chain single includes instead.
//
// Each top-level key remembers the file it came from, so errors about its value name that
// file and line. Before merging, `check_file` vets each file's own top-level keys (unknown keys
// are reported where they are written).
// Thread-safety: free function, safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tasks/suite_files.h"
#include "tasks/yaml_fields.h"
#include "yaml-cpp/yaml.h"

namespace jb::tasks {

inline constexpr int kMaxIncludeDepth = 8;

struct TaskYamlDocument {
  struct Entry {
    YAML::Node value;
    std::string file;  // suite name of the file that set it
  };
  // Merged top-level keys (include itself removed).
  std::map<std::string, Entry> keys;
  // The root file's name and parsed mapping, for errors about the document as a whole.
  std::string root_file;
  YAML::Node root_node;
  // Every YAML file read, root first.
  std::vector<std::string> files;
};

// A merged document as parsers read it: each top-level key with the YamlFields of the file that
// set it, so an error names that file.
class TaskYamlKeys {
 public:
  TaskYamlKeys(const TaskYamlDocument& doc, const SuiteFileSource& source);

  // The key's value; an undefined node when no file sets it.
  YAML::Node operator[](const std::string& key) const;
  bool Has(const std::string& key) const { return doc_.keys.count(key) > 0; }
  // YamlFields of the file that set `key`; the root file's when none did.
  const YamlFields& Fields(const std::string& key) const;
  // Suite name of the file that set `key`; the root file's when none did.
  const std::string& FileOf(const std::string& key) const;
  const YamlFields& root_fields() const { return fields_.at(doc_.root_file); }
  const YAML::Node& root_node() const { return doc_.root_node; }

 private:
  const TaskYamlDocument& doc_;
  std::map<std::string, YamlFields> fields_;  // by file name
};

using YamlFileCheck = std::function<absl::Status(const YamlFields& fields, const YAML::Node& root)>;

// Reads `root` from `source` and every file it includes. InvalidArgument "file:line: include:
// ..." for a missing, cyclic, too deep or listed include, the YAML errors of YamlFields, and
// whatever `check_file` returns; NotFound from the source for a missing root file.
absl::StatusOr<TaskYamlDocument> LoadTaskYamlDocument(const SuiteFileSource& source,
                                                      const std::string& root,
                                                      const YamlFileCheck& check_file);

}  // namespace jb::tasks
