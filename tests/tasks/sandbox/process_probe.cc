#include "tests/tasks/sandbox/process_probe.h"

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <fstream>
#include <functional>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace jb::tasks::testing {
namespace {

int CountProcesses(const std::function<bool(const std::string& proc_dir)>& matches) {
  int count = 0;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return -1;
  while (struct dirent* entry = readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
    if (matches(absl::StrCat("/proc/", entry->d_name))) ++count;
  }
  closedir(proc);
  return count;
}

}  // namespace

int CountProcessesInDirectory(const std::string& dir) {
  return CountProcesses([&](const std::string& proc_dir) {
    char target[PATH_MAX];
    ssize_t n = readlink(absl::StrCat(proc_dir, "/cwd").c_str(), target, sizeof(target));
    return n > 0 && absl::StartsWith(absl::string_view(target, static_cast<size_t>(n)), dir);
  });
}

int CountProcessesWithArgument(const std::string& marker) {
  return CountProcesses([&](const std::string& proc_dir) {
    std::ifstream in(absl::StrCat(proc_dir, "/cmdline"), std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return absl::StrContains(cmdline, marker);
  });
}

bool HasNoChildren() {
  int status = 0;
  return waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

bool CanForkAndReap() {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) _exit(7);
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7;
}

}  // namespace jb::tasks::testing
