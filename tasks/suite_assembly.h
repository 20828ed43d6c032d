// Building a Suite from a parsed task YAML: reads the documents of the evaluated split and the
// shot pool (tasks/dataset_files.h), chooses every sample's shots (tasks/fewshot.h), keeps in
// task.fewshot_samples only the pool documents some sample uses (in pool order, each with its
// index in its split), and renders every prompt, target, choice list and canonical solution
// once, so a document that does not fit the templates is reported at load time with its file and
// line rather than in a worker.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tasks/suite.h"
#include "tasks/suite_files.h"
#include "tasks/task_yaml.h"

namespace jb::tasks {

// The suite names of the data files `parsed` needs: the evaluated split's, then the pool's.
std::vector<std::string> NeededDataFiles(const ParsedTaskYaml& parsed);

// The suite, content_hash left empty. InvalidArgument "file:line: ..." naming the setting or the
// document at fault: a data file missing or malformed, an empty evaluated split, too few shots,
// a template that does not fit a document.
absl::StatusOr<Suite> AssembleSuite(const SuiteFileSource& source, ParsedTaskYaml parsed);

}  // namespace jb::tasks
