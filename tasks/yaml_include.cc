#include "tasks/yaml_include.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace jb::tasks {
namespace {

// Loads `name` and its includes into `doc->keys`, base keys first; `chain` is the include path
// from the root to `name`.
absl::Status LoadInto(const SuiteFileSource& source, const std::string& name,
                      std::vector<std::string>* chain, const YamlFileCheck& check_file,
                      TaskYamlDocument* doc) {
  JB_ASSIGN_OR_RETURN(const std::string text, source.Read(name));
  const YamlFields f(source.Display(name));
  JB_ASSIGN_OR_RETURN(const YAML::Node root, f.ParseMapping(text));
  JB_RETURN_IF_ERROR(check_file(f, root));
  if (doc->files.empty()) {
    doc->root_file = name;
    doc->root_node = root;
  }
  doc->files.push_back(name);
  chain->push_back(name);
  if (const YAML::Node inc = root["include"]; inc.IsDefined()) {
    if (inc.IsSequence()) {
      return f.Error(inc, "include",
                     "give one file; lm-eval versions disagree on which of several includes "
                     "wins, so chain single includes (a includes b, b includes c)");
    }
    JB_ASSIGN_OR_RETURN(const std::string ref, f.String(inc, "include"));
    if (ref.empty()) return f.Error(inc, "include", "empty path; name a YAML file");
    const std::string target = ResolveSuiteName(name, ref);
    if (std::find(chain->begin(), chain->end(), target) != chain->end()) {
      return f.Error(inc, "include",
                     absl::StrCat("'", ref, "' is ", source.Display(target),
                                  ", which includes this file again (a cycle); remove one of "
                                  "the includes"));
    }
    if (static_cast<int>(chain->size()) > kMaxIncludeDepth) {
      return f.Error(
          inc, "include",
          absl::StrCat("more than ", kMaxIncludeDepth, " nested includes; flatten the chain"));
    }
    absl::Status loaded = LoadInto(source, target, chain, check_file, doc);
    if (absl::IsNotFound(loaded)) {
      return f.Error(inc, "include",
                     absl::StrCat("cannot read '", ref, "' (", source.Display(target),
                                  "); paths are relative to this file's directory"));
    }
    JB_RETURN_IF_ERROR(loaded);
  }
  try {
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "include") continue;
      doc->keys[key] = {it->second, name};
    }
  } catch (const YAML::Exception& e) {
    return f.Error(root, "(document)", e.what());
  }
  chain->pop_back();
  return absl::OkStatus();
}

}  // namespace

TaskYamlKeys::TaskYamlKeys(const TaskYamlDocument& doc, const SuiteFileSource& source) : doc_(doc) {
  for (const std::string& file : doc.files) fields_.emplace(file, YamlFields(source.Display(file)));
}

YAML::Node TaskYamlKeys::operator[](const std::string& key) const {
  auto it = doc_.keys.find(key);
  return it == doc_.keys.end() ? YAML::Node(YAML::NodeType::Undefined) : it->second.value;
}

const std::string& TaskYamlKeys::FileOf(const std::string& key) const {
  auto it = doc_.keys.find(key);
  return it == doc_.keys.end() ? doc_.root_file : it->second.file;
}

const YamlFields& TaskYamlKeys::Fields(const std::string& key) const {
  return fields_.at(FileOf(key));
}

absl::StatusOr<TaskYamlDocument> LoadTaskYamlDocument(const SuiteFileSource& source,
                                                      const std::string& root,
                                                      const YamlFileCheck& check_file) {
  TaskYamlDocument doc;
  std::vector<std::string> chain;
  JB_RETURN_IF_ERROR(LoadInto(source, root, &chain, check_file, &doc));
  return doc;
}

}  // namespace jb::tasks
