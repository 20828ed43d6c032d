// RunDirectory: the private working directory of one sandboxed run. Created empty (mkdtemp,
// mode 0700) and handed to the sandbox user; removed with everything the program left in it
// (read-only subdirectories included) when the RunDirectory is destroyed.
// Thread-safety: distinct RunDirectory objects may be used from different threads.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace jb::tasks::sandbox_internal {

struct FileOwner {
  uid_t uid;
  gid_t gid;
};

class RunDirectory {
 public:
  // Creates <root>/jb-sandbox-XXXXXX. `owner`, when set, becomes the owner of the directory
  // and of the files written into it (requires root). Internal when mkdtemp or chown fails.
  static absl::StatusOr<std::unique_ptr<RunDirectory>> Create(const std::string& root,
                                                              std::optional<FileOwner> owner);
  ~RunDirectory();
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  // Writes a new file `name` (no slashes) with `contents`, readable by the owner.
  absl::Status WriteFile(const std::string& name, const std::string& contents) const;
  const std::string& path() const { return path_; }

 private:
  RunDirectory(std::string path, std::optional<FileOwner> owner)
      : path_(std::move(path)), owner_(owner) {}
  const std::string path_;
  const std::optional<FileOwner> owner_;
};

// Removes `path` and everything beneath it without following symbolic links. Makes
// directories writable first when not root (a program may leave a 0500 directory behind).
absl::Status RemoveTree(const std::string& path);

}  // namespace jb::tasks::sandbox_internal
