// Task suites: a YAML task definition plus its documents (DESIGN.md section 7).
//
// A suite is rooted at one YAML file (format in tasks/task_yaml.h, lm-eval's key names):
//   - a suite directory holding task.yaml, and by default samples.jsonl: one JSON object per
//     line, each a document the templates render; or
//   - a YAML file named by path, e.g. a wrapper that includes one of lm-eval's own task files
//     and points dataset_path: json at a local export (docs/tasks.md).
// The root may include other YAML files and name data files anywhere (tasks/suite_files.h
// says how names resolve). Samples are the documents of the evaluated split, in file order:
// Sample.index counts them from 0 and doc_json is the document's text (tasks/dataset_files.h).
//
// Few-shot (num_fewshot = N > 0): the loader chooses each sample's N shots from the shot pool as
// lm-eval does (tasks/fewshot.h), stores the pool documents some sample uses in
// task.fewshot_samples (Sample.index = the document's index in its split) and each sample's
// choice in Sample.fewshot_indices. Every sample of the evaluated split is evaluated.
//
// A suite's identity is its content hash: SHA-256 over a canonical serialisation of the task
// definition and every sample, so the same suite loaded anywhere has the same hash, and any
// edit gives a new one. The coordinator stores suites under this hash and shards name it.
// Canonical: the task is serialised deterministically (protobuf) with content_hash cleared,
// and every document (samples and few-shot samples) as nlohmann::json's dump(), which sorts
// keys and drops spacing; each part is length-prefixed. When some sample has fewshot_indices,
// every sample's indices follow, length-prefixed (absent for zero-shot suites, whose hash is
// unchanged from before few-shot indices existed).
//
// Built-in suites (suites/ in the source tree) are compiled into the binary, so every role and
// container has them without a data directory. Their origin in errors is "builtin:DIR".
// Thread-safety: free functions, safe from any thread; BuiltinSuites() is immutable.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::tasks {

struct Suite {
  // task.content_hash is filled in by the loaders.
  joulebench::v1::TaskDefinition task;
  std::vector<joulebench::v1::Sample> samples;
};

// Loads a suite from files already read into memory, as ReadSuiteFiles returns them. `origin`
// is the path the suite was named by: a suite directory (the root is "task.yaml") or a YAML
// file (ending in .yaml or .yml, whose base name is then the root's key in `files`); errors
// name files through it ("suites/x/task.yaml:7: ..."), and "builtin:NAME" works as a directory.
// Errors: InvalidArgument naming the file, the line and the field ("suites/x/task.yaml:7:
// output_type: unknown value 'foo'; expected generate_until or multiple_choice"), for YAML that
// does not parse, unknown keys, missing required keys, missing or malformed data files, too few
// shots, or templates that do not fit a document.
absl::StatusOr<Suite> LoadSuiteFromFiles(const std::string& origin,
                                         const std::map<std::string, std::string>& files);

// Reads a suite named by path (a directory holding task.yaml, or a .yaml/.yml file) and loads
// it. NotFound when the path or the directory's task.yaml does not exist.
absl::StatusOr<Suite> LoadSuiteDir(const std::string& path);

// Every file the suite named by `path` needs, for sending inline to the coordinator: the root
// YAML, the files it includes, and the data files of the evaluated split and (with
// num_fewshot > 0) the shot pool, keyed by their names relative to the root's directory
// (tasks/suite_files.h). NotFound as LoadSuiteDir. A file that is missing or a YAML file that
// does not parse is left for the loader to report: what could be read is returned.
absl::StatusOr<std::map<std::string, std::string>> ReadSuiteFiles(const std::string& path);

// The built-in suites, loaded from the embedded files once; sorted by name. One that fails to
// load is logged and left out (tests/tasks/builtin_suites_test.cc keeps that from shipping).
const std::vector<Suite>& BuiltinSuites();

// The built-in suite named `name`, or NotFound listing the names that exist.
absl::StatusOr<Suite> FindBuiltinSuite(const std::string& name);

// The content hash (hex SHA-256) of a suite's definition and samples, ignoring
// task.content_hash itself.
std::string ContentHash(const Suite& suite);

}  // namespace jb::tasks
