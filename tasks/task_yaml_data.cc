#include "tasks/task_yaml_data.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace jb::tasks {
namespace {

constexpr const char* kSplitKeys[] = {"training_split", "validation_split", "test_split",
                                      "fewshot_split"};

std::string Where(const TaskYamlKeys& y, const std::string& key) {
  return absl::StrCat(y.Fields(key).file(), ":", std::max(1, YamlFields::Line(y[key])), ": ", key);
}

absl::StatusOr<std::vector<std::string>> FileList(const YamlFields& f, const YAML::Node& n,
                                                  const std::string& field,
                                                  const std::string& from) {
  JB_ASSIGN_OR_RETURN(std::vector<std::string> files, f.StringList(n, field));
  if (files.empty()) return f.Error(n, field, "name at least one file");
  for (std::string& file : files) {
    if (file.empty()) return f.Error(n, field, "empty file name");
    file = ResolveSuiteName(from, file);
  }
  return files;
}

// dataset_kwargs: {data_files: ...}: a file, a list (both the split "train", as Hugging Face's
// load_dataset names them), or a mapping split -> file or list.
absl::Status ParseDataFiles(const TaskYamlKeys& y, TaskData* data) {
  const YAML::Node kwargs = y["dataset_kwargs"];
  const YamlFields& f = y.Fields("dataset_kwargs");
  if (!kwargs.IsDefined()) {
    return y.Fields("dataset_path")
        .Error(y["dataset_path"], "dataset_path",
               "needs dataset_kwargs: {data_files: {test: FILE}} naming the local files");
  }
  JB_RETURN_IF_ERROR(f.CheckKeys(kwargs, "dataset_kwargs", {"data_files"}));
  JB_ASSIGN_OR_RETURN(const YAML::Node files,
                      f.Required(kwargs, "data_files", "dataset_kwargs.data_files"));
  const std::string& from = y.FileOf("dataset_kwargs");
  const std::string p = "dataset_kwargs.data_files";
  if (!files.IsMap()) {
    JB_ASSIGN_OR_RETURN(data->splits["train"], FileList(f, files, p, from));
    return absl::OkStatus();
  }
  for (auto it = files.begin(); it != files.end(); ++it) {
    JB_ASSIGN_OR_RETURN(const std::string split, f.String(it->first, p));
    if (split.empty()) return f.Error(it->first, p, "empty split name");
    JB_ASSIGN_OR_RETURN(data->splits[split], FileList(f, it->second, JoinField(p, split), from));
  }
  if (data->splits.empty()) return f.Error(files, p, "name at least one split");
  return absl::OkStatus();
}

absl::Status ParseSamplesKey(const TaskYamlKeys& y, const joulebench::v1::TaskDefinition& task,
                             TaskData* data) {
  for (const char* key : kSplitKeys) {
    if (y.Has(key)) {
      return y.Fields(key).Error(
          y[key], key,
          "splits apply to dataset_path: json|csv with dataset_kwargs.data_files; `samples` is "
          "one file, the only split");
    }
  }
  if (y.Has("dataset_kwargs")) {
    return y.Fields("dataset_kwargs")
        .Error(y["dataset_kwargs"], "dataset_kwargs", "needs dataset_path: json or csv");
  }
  std::string name = "samples.jsonl";
  if (const YAML::Node n = y["samples"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(name, y.Fields("samples").String(n, "samples"));
    if (name.empty()) return y.Fields("samples").Error(n, "samples", "empty file name");
  }
  data->format = DataFormat::kJson;
  data->splits["test"] = {ResolveSuiteName(y.FileOf("samples"), name)};
  data->eval_split = "test";
  data->eval_where = Where(y, "samples");
  // The one file is both the evaluated split and the shot pool; as with lm-eval's
  // fewshot_split == test_split, a document is never its own shot.
  data->exclude_eval_doc = true;
  if (task.num_fewshot() > 0) {
    data->pool_split = "test";
    data->pool_where = data->eval_where;
  }
  return absl::OkStatus();
}

absl::Status ParseFewshotConfig(const TaskYamlKeys& y, TaskData* data) {
  const YAML::Node config = y["fewshot_config"];
  if (!config.IsDefined()) return absl::OkStatus();
  const YamlFields& f = y.Fields("fewshot_config");
  JB_RETURN_IF_ERROR(f.CheckKeys(config, "fewshot_config", {"sampler"}));
  if (const YAML::Node n = config["sampler"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(const std::string sampler, f.String(n, "fewshot_config.sampler"));
    if (sampler == "first_n") {
      data->sampler = FewshotSampler::kFirstN;
    } else if (sampler != "default") {
      return f.Error(n, "fewshot_config.sampler",
                     absl::StrCat("unknown sampler '", sampler,
                                  "'; expected default (seeded random) or first_n"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TaskData> ParseTaskData(const TaskYamlKeys& y,
                                       const joulebench::v1::TaskDefinition& task) {
  TaskData data;
  JB_RETURN_IF_ERROR(ParseFewshotConfig(y, &data));
  if (!y.Has("dataset_path")) {
    JB_RETURN_IF_ERROR(ParseSamplesKey(y, task, &data));
    return data;
  }
  if (y.Has("samples")) {
    return y.Fields("samples").Error(
        y["samples"], "samples",
        absl::StrCat("given together with dataset_path (", Where(y, "dataset_path"),
                     "); keep one: samples is the short form of dataset_path: json"));
  }
  const YamlFields& pf = y.Fields("dataset_path");
  JB_ASSIGN_OR_RETURN(const std::string path, pf.String(y["dataset_path"], "dataset_path"));
  if (path == "csv") {
    data.format = DataFormat::kCsv;
  } else if (path != "json") {
    return pf.Error(
        y["dataset_path"], "dataset_path",
        absl::StrCat("'", path,
                     "' is a Hugging Face Hub dataset, and joulebench never downloads datasets; "
                     "export it to JSON Lines (load_dataset(...).to_json(\"test.jsonl\")) and "
                     "write dataset_path: json with dataset_kwargs: {data_files: {test: "
                     "test.jsonl}} (docs/tasks.md)"));
  }
  JB_RETURN_IF_ERROR(ParseDataFiles(y, &data));
  std::map<std::string, std::optional<std::string>> split_of;
  for (const char* key : kSplitKeys) {
    const YAML::Node n = y[key];
    if (!n.IsDefined() || n.IsNull()) continue;
    const YamlFields& f = y.Fields(key);
    JB_ASSIGN_OR_RETURN(const std::string split, f.String(n, key));
    if (!data.splits.count(split)) {
      std::vector<std::string> names;
      for (const auto& [name, files] : data.splits) names.push_back(name);
      return f.Error(n, key,
                     absl::StrCat("split '", split, "' is not in dataset_kwargs.data_files (",
                                  Where(y, "dataset_kwargs"), "), which has ",
                                  absl::StrJoin(names, ", "), "; add it there"));
    }
    split_of[key] = split;
  }
  // lm-eval's eval_docs: test_split, else validation_split.
  for (const char* key : {"test_split", "validation_split"}) {
    if (split_of.count(key) && data.eval_split.empty()) {
      data.eval_split = *split_of[key];
      data.eval_where = Where(y, key);
    }
  }
  if (data.eval_split.empty()) {
    return y.root_fields().Error(
        y.root_node(), "test_split",
        "missing; name the evaluated split with test_split (or validation_split)");
  }
  // lm-eval's fewshot_docs: fewshot_split, else training, else validation, else test.
  if (task.num_fewshot() > 0) {
    for (const char* key : {"fewshot_split", "training_split", "validation_split", "test_split"}) {
      if (split_of.count(key) && data.pool_split.empty()) {
        data.pool_split = *split_of[key];
        data.pool_where = Where(y, key);
      }
    }
  }
  // lm-eval leaves the evaluated document out when fewshot_split == test_split, unset ones
  // (None) included; this is about the names, not the documents.
  data.exclude_eval_doc = split_of["fewshot_split"] == split_of["test_split"];
  return data;
}

}  // namespace jb::tasks
