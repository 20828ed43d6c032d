// The files of a suite and how they name each other.
//
// A suite is rooted at one YAML file: "task.yaml" in a suite directory, or a YAML file named by
// path ("lm-eval-wrappers/gsm8k.yaml"). Every file of the suite has a name relative to the root
// file's directory ("task.yaml", "data/test.jsonl", "../lm-eval/lm_eval/tasks/gsm8k/gsm8k.yaml")
// or, when it was given so, an absolute one ("/data/gsm8k/test.jsonl"), lexically normalised.
// A file naming another (include, dataset_kwargs.data_files, samples) gives a path relative to
// its own directory, or an absolute path (ResolveSuiteName).
//
// The same names key the map that `joulebench submit` sends inline (SuiteFile.files), so the
// coordinator resolves a suite from the map exactly as the client did from the disk, and never
// touches its own file system.
// Thread-safety: sources are immutable after construction, except DiskSuiteSource, which
// records what it read (not thread-safe).
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace jb::tasks {

// The name of `ref` as written in the file named `from`: `ref` itself when absolute, else
// relative to `from`'s directory; lexically normalised ("a/./b/../c" is "a/c").
std::string ResolveSuiteName(const std::string& from, const std::string& ref);

class SuiteFileSource {
 public:
  virtual ~SuiteFileSource() = default;
  // The contents of the file `name`. NotFound naming Display(name) when there is none.
  virtual absl::StatusOr<std::string> Read(const std::string& name) const = 0;
  // How errors show `name`: the path a user would open ("suites/x/task.yaml").
  virtual std::string Display(const std::string& name) const = 0;
};

// Files already in memory. `display_base` is the root file's directory as the user named it
// ("suites/x", "builtin:x", or "" to show names as they are).
class MapSuiteSource : public SuiteFileSource {
 public:
  MapSuiteSource(const std::map<std::string, std::string>& files, std::string display_base)
      : files_(files), base_(std::move(display_base)) {}
  absl::StatusOr<std::string> Read(const std::string& name) const override;
  std::string Display(const std::string& name) const override;

 private:
  const std::map<std::string, std::string>& files_;
  std::string base_;
};

// Files on disk, relative to `root_dir`; remembers every file it read, by name.
class DiskSuiteSource : public SuiteFileSource {
 public:
  explicit DiskSuiteSource(std::string root_dir) : root_(std::move(root_dir)) {}
  absl::StatusOr<std::string> Read(const std::string& name) const override;
  std::string Display(const std::string& name) const override;
  const std::map<std::string, std::string>& files_read() const { return read_; }

 private:
  std::string root_;
  mutable std::map<std::string, std::string> read_;
};

// Reads one file. NotFound when it does not exist; InvalidArgument when it is over the size
// limit for one suite file (512 MiB).
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace jb::tasks
