#include "tasks/sandbox/run_directory.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tasks/sandbox/unique_fd.h"

namespace jb::tasks::sandbox_internal {
namespace {

absl::Status ErrnoError(const std::string& what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat("sandbox: ", what, " ", path, ": ", strerrordesc_np(errno)));
}

// nftw() callbacks: plain functions, no state. FTW_PHYS reports symbolic links as FTW_SL, so
// neither pass ever acts on what a link (planted by the program) points to.
int MakeWritable(const char* path, const struct stat* st, int type, struct FTW*) {
  if (type == FTW_D) chmod(path, (st->st_mode & 07777) | S_IRWXU);
  return 0;
}

int RemoveEntry(const char* path, const struct stat*, int type, struct FTW*) {
  if (type == FTW_DP) {
    rmdir(path);
  } else {
    unlink(path);
  }
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RunDirectory>> RunDirectory::Create(const std::string& root,
                                                                   std::optional<FileOwner> owner) {
  std::string pattern = absl::StrCat(root, "/jb-sandbox-XXXXXX");
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) return ErrnoError("mkdtemp", pattern);
  auto directory = std::unique_ptr<RunDirectory>(new RunDirectory(buffer.data(), owner));
  if (owner.has_value() && chown(directory->path_.c_str(), owner->uid, owner->gid) != 0) {
    return ErrnoError("chown", directory->path_);
  }
  return directory;
}

RunDirectory::~RunDirectory() { RemoveTree(path_).IgnoreError(); }

absl::Status RunDirectory::WriteFile(const std::string& name, const std::string& contents) const {
  const std::string file = absl::StrCat(path_, "/", name);
  UniqueFd fd(open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd.valid()) return ErrnoError("creating", file);
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = write(fd.get(), contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoError("writing", file);
    written += static_cast<size_t>(n);
  }
  if (owner_.has_value() && fchown(fd.get(), owner_->uid, owner_->gid) != 0) {
    return ErrnoError("chown", file);
  }
  return absl::OkStatus();
}

absl::Status RemoveTree(const std::string& path) {
  // Root ignores permissions; and chmod() by path as root is what a surviving process could
  // abuse by swapping a directory for a link, so only unprivileged callers do this pass.
  if (geteuid() != 0) nftw(path.c_str(), MakeWritable, 16, FTW_PHYS);
  nftw(path.c_str(), RemoveEntry, 16, FTW_PHYS | FTW_DEPTH);
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    errno = ENOTEMPTY;
    return ErrnoError("removing", path);
  }
  return absl::OkStatus();
}

}  // namespace jb::tasks::sandbox_internal
