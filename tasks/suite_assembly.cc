#include "tasks/suite_assembly.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "tasks/dataset_files.h"
#include "tasks/fewshot.h"
#include "tasks/prompt.h"

namespace jb::tasks {
namespace {

using joulebench::v1::Sample;
using joulebench::v1::TaskDefinition;
using nlohmann::json;

struct SplitDocs {
  std::vector<DataRecord> records;
  std::vector<std::string> files;  // the display name of each record's file
  std::string first_file;          // display name of the split's first file
};

absl::StatusOr<SplitDocs> ReadSplit(const SuiteFileSource& source, const TaskData& data,
                                    const std::string& split, const std::string& where) {
  SplitDocs out;
  for (const std::string& name : data.splits.at(split)) {
    const std::string display = source.Display(name);
    if (out.first_file.empty()) out.first_file = display;
    absl::StatusOr<std::string> text = source.Read(name);
    if (absl::IsNotFound(text.status())) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", display,
                       " is missing; paths are relative to the YAML file that names them"));
    }
    JB_RETURN_IF_ERROR(text.status());
    JB_ASSIGN_OR_RETURN(std::vector<DataRecord> records,
                        ParseDataFile(data.format, display, *text));
    for (DataRecord& r : records) {
      out.records.push_back(std::move(r));
      out.files.push_back(display);
    }
  }
  return out;
}

absl::Status AtRecord(const SplitDocs& docs, size_t i, const absl::Status& s) {
  return absl::InvalidArgumentError(
      absl::StrCat(docs.files[i], ":", docs.records[i].line, ": ", s.message()));
}

// Chooses every sample's shots and stores the pool documents they use.
absl::Status AttachShots(const ParsedTaskYaml& parsed, const SplitDocs& eval, const SplitDocs& pool,
                         Suite* suite) {
  std::vector<json> eval_docs;
  std::vector<json> pool_docs;
  for (const DataRecord& r : eval.records) eval_docs.push_back(r.doc);
  for (const DataRecord& r : pool.records) pool_docs.push_back(r.doc);
  suite->task.set_fewshot_sampler(parsed.data.sampler == FewshotSampler::kFirstN ? "first_n"
                                                                                 : "default");
  ShotSelectionError error;
  absl::StatusOr<std::vector<std::vector<uint32_t>>> shots =
      SelectShots(parsed.data.sampler, suite->task.num_fewshot(), kLmEvalFewshotSeed, pool_docs,
                  eval_docs, parsed.data.exclude_eval_doc, &error);
  if (!shots.ok()) {
    if (error.about_document) return AtRecord(eval, error.eval_index, shots.status());
    return absl::InvalidArgumentError(
        absl::StrCat(parsed.data.pool_where, ": ", shots.status().message()));
  }
  std::set<uint32_t> used;
  for (const auto& list : *shots) used.insert(list.begin(), list.end());
  std::map<uint32_t, uint32_t> position;
  for (uint32_t i : used) {
    position[i] = static_cast<uint32_t>(suite->task.fewshot_samples_size());
    Sample* shot = suite->task.add_fewshot_samples();
    shot->set_index(i);
    shot->set_doc_json(pool.records[i].doc_json);
  }
  for (size_t e = 0; e < suite->samples.size(); ++e) {
    for (uint32_t i : (*shots)[e]) suite->samples[e].add_fewshot_indices(position[i]);
  }
  // A shot that does not render is reported at its own line in the pool's file.
  TaskDefinition probe = suite->task;
  probe.clear_fewshot_samples();
  probe.set_num_fewshot(1);
  for (uint32_t i : used) {
    *probe.add_fewshot_samples() = suite->task.fewshot_samples(static_cast<int>(position[i]));
    Sample alone = probe.fewshot_samples(0);
    alone.add_fewshot_indices(0);
    if (absl::StatusOr<std::string> p = BuildPrompt(probe, alone); !p.ok()) {
      return AtRecord(pool, i, p.status());
    }
    probe.clear_fewshot_samples();
  }
  return absl::OkStatus();
}

absl::Status CheckSample(const TaskDefinition& task, const Sample& sample) {
  JB_RETURN_IF_ERROR(BuildPrompt(task, sample).status());
  JB_RETURN_IF_ERROR(RenderChoices(task, sample).status());
  JB_RETURN_IF_ERROR(RenderTargets(task, sample).status());
  if (task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
    JB_RETURN_IF_ERROR(RenderGoldIndex(task, sample).status());
  }
  if (!task.canonical_solution().empty()) {
    absl::StatusOr<std::string> solution =
        RenderTemplate(task.canonical_solution(), sample.doc_json());
    if (!solution.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("canonical_solution: ", solution.status().message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> NeededDataFiles(const ParsedTaskYaml& parsed) {
  std::vector<std::string> out;
  for (const std::string* split : {&parsed.data.eval_split, &parsed.data.pool_split}) {
    auto it = parsed.data.splits.find(*split);
    if (split->empty() || it == parsed.data.splits.end()) continue;
    for (const std::string& name : it->second) {
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  return out;
}

absl::StatusOr<Suite> AssembleSuite(const SuiteFileSource& source, ParsedTaskYaml parsed) {
  const TaskData& data = parsed.data;
  JB_ASSIGN_OR_RETURN(SplitDocs eval, ReadSplit(source, data, data.eval_split, data.eval_where));
  if (eval.records.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(eval.first_file, ":1: no samples in split '", data.eval_split,
                     "'; write one JSON object per line (or CSV rows under a header)"));
  }
  Suite suite;
  suite.task = std::move(parsed.task);
  for (size_t i = 0; i < eval.records.size(); ++i) {
    Sample& sample = suite.samples.emplace_back();
    sample.set_index(static_cast<uint32_t>(i));
    sample.set_doc_json(eval.records[i].doc_json);
  }
  // Each sample alone first, so a template that does not fit a document names that document.
  TaskDefinition no_shots = suite.task;
  no_shots.set_num_fewshot(0);
  for (size_t i = 0; i < suite.samples.size(); ++i) {
    if (absl::Status s = CheckSample(no_shots, suite.samples[i]); !s.ok()) {
      return AtRecord(eval, i, s);
    }
  }
  if (suite.task.num_fewshot() > 0) {
    if (data.pool_split == data.eval_split) {
      JB_RETURN_IF_ERROR(AttachShots(parsed, eval, eval, &suite));
    } else {
      JB_ASSIGN_OR_RETURN(SplitDocs pool,
                          ReadSplit(source, data, data.pool_split, data.pool_where));
      JB_RETURN_IF_ERROR(AttachShots(parsed, eval, pool, &suite));
    }
    for (size_t i = 0; i < suite.samples.size(); ++i) {
      if (absl::Status s = BuildPrompt(suite.task, suite.samples[i]).status(); !s.ok()) {
        return AtRecord(eval, i, s);
      }
    }
  }
  return suite;
}

}  // namespace jb::tasks
