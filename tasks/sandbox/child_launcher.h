// The child side of a sandboxed run: clone() into the namespaces, set up every other layer,
// execve the interpreter. Internal to CodeSandbox (see code_sandbox.h for the whole contract).
//
// The caller (a worker) is multithreaded, so between clone() and execve() the child uses only
// raw syscalls and async-signal-safe functions: everything it needs (argv, environment, uid
// maps, interpreter paths) is prepared by the parent in a ChildSpec before the clone.
//
// Child steps, in order (a failure writes a ChildFailure to report_fd and exits 127):
//   1. user namespace maps (when plan.user_namespace)
//   2. own process group; default signal dispositions, empty signal mask
//   3. stdin /dev/null, stdout+stderr the output pipe, report pipe at fd 3, all else closed
//   4. chdir into the run directory
//   5. setgroups/setgid/setuid to the sandbox user (when plan.drop_to_nobody); after it, so
//      the credential change does not clear it, PR_SET_PDEATHSIG(SIGKILL)
//   6. PR_SET_NO_NEW_PRIVS; rlimits (after the uid change, so execve is not refused for a
//      uid already over RLIMIT_NPROC)
//   7. Landlock (when plan.landlock_abi > 0)
//   8. execve of each interpreter candidate until one starts
// Thread-safety: LaunchChild and ProbeNamespaces may be called from any thread concurrently.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "tasks/sandbox/code_sandbox.h"

namespace jb::tasks::sandbox_internal {

// Which layers a run uses; decided once by CodeSandbox::Create.
struct IsolationPlan {
  bool net_namespace = false;
  bool pid_namespace = false;
  bool user_namespace = false;  // when not root: lets an unprivileged user make the others
  int landlock_abi = 0;         // 0 = unavailable
  bool drop_to_nobody = false;  // when root
  uid_t sandbox_uid = 65534;
  gid_t sandbox_gid = 65534;
  std::string uid_map;  // "inside outside 1", for the user namespace
  std::string gid_map;
};

// The clone() flags for the namespaces in `plan`.
uint64_t NamespaceFlags(const IsolationPlan& plan);

// Where the child stopped before reaching the program; sent through the report pipe.
enum class ChildStage : int {
  kUserNamespace = 1,
  kSignals,
  kStdio,
  kChdir,
  kCredentials,
  kParentDeath,
  kNoNewPrivs,
  kRlimits,
  kLandlock,
  kExec,
};
struct ChildFailure {
  int stage = 0;  // a ChildStage
  int error = 0;  // errno
};
const char* ChildStageName(int stage);

// Everything the child needs, prepared before the clone (the child may not allocate).
struct ChildSpec {
  const IsolationPlan* plan = nullptr;
  const SandboxLimits* limits = nullptr;
  const char* dir = nullptr;
  const char* const* interpreters = nullptr;  // null-terminated; tried in order
  char** argv = nullptr;  // argv[0] is replaced by each interpreter path in turn
  char* const* envp = nullptr;
  const char* uid_map = nullptr;  // IsolationPlan's maps, as C strings
  const char* gid_map = nullptr;
  int output_fd = -1;  // write end of the stdout+stderr pipe
  int report_fd = -1;  // write end of the close-on-exec report pipe
  pid_t parent_pid = 0;
};

struct LaunchedChild {
  pid_t pid = -1;  // as seen by the parent; also the process group id
  int pidfd = -1;  // readable when the child exits; owned by the caller
};

// Clones the child into the plan's namespaces and starts it. Internal on clone failure
// (Unavailable on EAGAIN: too many processes right now).
absl::StatusOr<LaunchedChild> LaunchChild(const ChildSpec& spec);

// Starts a child in a new namespace set (`flags`, CLONE_NEW*) that writes the user namespace
// maps when asked and exits. Returns 0 when that worked, else the errno.
int ProbeNamespaces(uint64_t flags, const char* uid_map, const char* gid_map);

}  // namespace jb::tasks::sandbox_internal
