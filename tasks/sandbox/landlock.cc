#include "tasks/sandbox/landlock.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace jb::tasks::sandbox_internal {
namespace {

// From include/uapi/linux/landlock.h (Linux 6.12+).
struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;  // ABI 4
  uint64_t scoped;              // ABI 6
};
struct PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

constexpr unsigned kCreateRulesetVersion = 1U << 0;
constexpr int kRulePathBeneath = 1;

constexpr uint64_t kFsExecute = 1ULL << 0;
constexpr uint64_t kFsWriteFile = 1ULL << 1;
constexpr uint64_t kFsReadFile = 1ULL << 2;
constexpr uint64_t kFsReadDir = 1ULL << 3;
constexpr uint64_t kFsAbi1 = (1ULL << 13) - 1;  // EXECUTE .. MAKE_SYM
constexpr uint64_t kFsRefer = 1ULL << 13;       // ABI 2
constexpr uint64_t kFsTruncate = 1ULL << 14;    // ABI 3
constexpr uint64_t kFsIoctlDev = 1ULL << 15;    // ABI 5
constexpr uint64_t kFsFileRights =
    kFsExecute | kFsWriteFile | kFsReadFile | kFsTruncate | kFsIoctlDev;

constexpr uint64_t kNetBindTcp = 1ULL << 0;
constexpr uint64_t kNetConnectTcp = 1ULL << 1;
constexpr uint64_t kScopeAbstractUnixSocket = 1ULL << 0;
constexpr uint64_t kScopeSignal = 1ULL << 1;

uint64_t HandledFs(int abi) {
  uint64_t fs = kFsAbi1;
  if (abi >= 2) fs |= kFsRefer;
  if (abi >= 3) fs |= kFsTruncate;
  if (abi >= 5) fs |= kFsIoctlDev;
  return fs;
}

// Allows `access` beneath `path`; returns 0 or errno.
int AllowBeneath(int ruleset_fd, const char* path, uint64_t access) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return errno;
  PathBeneathAttr rule = {.allowed_access = access, .parent_fd = fd};
  int64_t r = syscall(SYS_landlock_add_rule, ruleset_fd, kRulePathBeneath, &rule, 0);
  int err = r < 0 ? errno : 0;
  close(fd);
  return err;
}

}  // namespace

int LandlockAbi() {
  int64_t abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  return abi > 0 ? static_cast<int>(abi) : 0;
}

int RestrictWithLandlock(int abi, const char* writable_dir) {
  const uint64_t fs = HandledFs(abi);
  // Unknown trailing fields must be zero: older kernels then accept the larger struct.
  RulesetAttr attr = {.handled_access_fs = fs,
                      .handled_access_net = abi >= 4 ? kNetBindTcp | kNetConnectTcp : 0,
                      .scoped = abi >= 6 ? kScopeAbstractUnixSocket | kScopeSignal : 0};
  int64_t ruleset = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
  if (ruleset < 0) return errno;
  int fd = static_cast<int>(ruleset);
  int err = AllowBeneath(fd, "/", (kFsReadFile | kFsReadDir | kFsExecute) & fs);
  if (err == 0) err = AllowBeneath(fd, writable_dir, fs);
  if (err == 0) {
    err =
        AllowBeneath(fd, "/dev/null",
                     (kFsReadFile | kFsWriteFile | kFsTruncate | kFsIoctlDev) & fs & kFsFileRights);
  }
  // No network rules: with TCP handled and nothing allowed, every bind and connect fails.
  if (err == 0 && syscall(SYS_landlock_restrict_self, fd, 0) != 0) err = errno;
  close(fd);
  return err;
}

}  // namespace jb::tasks::sandbox_internal
