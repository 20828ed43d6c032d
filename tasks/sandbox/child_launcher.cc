#include "tasks/sandbox/child_launcher.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tasks/sandbox/landlock.h"

// The raw clone() below passes the pidfd pointer as the third argument, which is where both
// x86-64 and arm64 (CLONE_BACKWARDS) expect parent_tid; other ABIs order the arguments
// differently.
#if !defined(__x86_64__) && !defined(__aarch64__)
#error "child_launcher.cc: check the raw clone() argument order for this architecture"
#endif

namespace jb::tasks::sandbox_internal {
namespace {

constexpr int kReportFdInChild = 3;

[[noreturn]] void Fail(int report_fd, ChildStage stage, int error) {
  ChildFailure failure{.stage = static_cast<int>(stage), .error = error};
  // A short write to a pipe cannot be torn (< PIPE_BUF); if it fails the parent still sees 127.
  ssize_t ignored = write(report_fd, &failure, sizeof(failure));
  (void)ignored;
  _exit(127);
}

int WriteProcFile(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const ssize_t len = static_cast<ssize_t>(strlen(text));
  ssize_t n = write(fd, text, static_cast<size_t>(len));
  int err = n == len ? 0 : (n < 0 ? errno : EIO);
  close(fd);
  return err;
}

int WriteUserNamespaceMaps(const char* uid_map, const char* gid_map) {
  // An unprivileged process may write gid_map only once setgroups is denied (user_namespaces(7)).
  int err = WriteProcFile("/proc/self/setgroups", "deny");
  if (err == 0) err = WriteProcFile("/proc/self/uid_map", uid_map);
  if (err == 0) err = WriteProcFile("/proc/self/gid_map", gid_map);
  return err;
}

// Handlers are reset by execve, but ignored signals and the mask are inherited: a worker that
// ignores SIGINT or blocks SIGTERM for a signal thread must not pass that on.
int ResetSignals() {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);  // EINVAL for glibc's
  }
  sigset_t none;
  sigemptyset(&none);
  return sigprocmask(SIG_SETMASK, &none, nullptr) == 0 ? 0 : errno;
}

// stdin /dev/null, stdout and stderr the output pipe, the report pipe at fd 3 (close-on-exec),
// every other descriptor the worker had open closed.
int SetUpStdio(int output_fd, int report_fd) {
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return errno;
  // Lift the sources above 3 first so that the dup2()s below cannot overwrite one another.
  int null_high = fcntl(devnull, F_DUPFD_CLOEXEC, 10);
  int out_high = fcntl(output_fd, F_DUPFD_CLOEXEC, 10);
  int report_high = fcntl(report_fd, F_DUPFD_CLOEXEC, 10);
  if (null_high < 0 || out_high < 0 || report_high < 0) return errno;
  if (dup2(null_high, STDIN_FILENO) < 0 || dup2(out_high, STDOUT_FILENO) < 0 ||
      dup2(out_high, STDERR_FILENO) < 0 || dup3(report_high, kReportFdInChild, O_CLOEXEC) < 0) {
    return errno;
  }
  if (syscall(SYS_close_range, kReportFdInChild + 1, ~0U, 0) != 0) {
    for (int fd = kReportFdInChild + 1; fd < 65536; ++fd) close(fd);  // kernels before 5.9
  }
  return 0;
}

// Raw syscalls: glibc's set*id() wrappers signal every thread glibc believes exists, and after
// a raw clone() it still believes in the worker's threads.
int DropToSandboxUser(uid_t uid, gid_t gid) {
  if (syscall(SYS_setgroups, 0, nullptr) != 0) return errno;
  if (syscall(SYS_setresgid, gid, gid, gid) != 0) return errno;
  if (syscall(SYS_setresuid, uid, uid, uid) != 0) return errno;
  return 0;
}

int SetLimit(int resource, rlim_t value) {
  struct rlimit current;
  if (getrlimit(resource, &current) != 0) return errno;
  value = std::min(value, current.rlim_max);  // never ask to raise a hard limit
  struct rlimit limit = {.rlim_cur = value, .rlim_max = value};
  return setrlimit(resource, &limit) == 0 ? 0 : errno;
}

int SetLimits(const SandboxLimits& limits) {
  // Soft = hard for CPU: the program is PID 1 of its namespace, which ignores SIGXCPU, so the
  // SIGKILL at the hard limit is what stops it.
  const rlim_t cpu = static_cast<rlim_t>(std::max(1, limits.cpu_s));
  int err = SetLimit(RLIMIT_CORE, 0);
  if (err == 0) err = SetLimit(RLIMIT_CPU, cpu);
  if (err == 0) err = SetLimit(RLIMIT_AS, limits.memory_bytes);
  if (err == 0) err = SetLimit(RLIMIT_NOFILE, static_cast<rlim_t>(limits.max_open_files));
  if (err == 0) err = SetLimit(RLIMIT_NPROC, static_cast<rlim_t>(limits.max_processes));
  if (err == 0) err = SetLimit(RLIMIT_FSIZE, limits.max_file_bytes);
  return err;
}

[[noreturn]] void Exec(const ChildSpec& spec, int report_fd) {
  int err = ENOENT;
  for (const char* const* path = spec.interpreters; *path != nullptr; ++path) {
    // argv[0] is the path itself: Python derives sys.executable and its prefix from it.
    spec.argv[0] = const_cast<char*>(*path);
    execve(*path, spec.argv, spec.envp);
    // Keep looking past candidates this user cannot reach (a pyenv shim under /root), but
    // report the most telling error when none starts.
    if (errno != ENOENT && errno != ENOTDIR) err = errno;
  }
  Fail(report_fd, ChildStage::kExec, err);
}

[[noreturn]] void RunChild(const ChildSpec& spec) {
  const IsolationPlan& plan = *spec.plan;
  int report_fd = spec.report_fd;
  int err = 0;
  if (plan.user_namespace && (err = WriteUserNamespaceMaps(spec.uid_map, spec.gid_map)) != 0) {
    Fail(report_fd, ChildStage::kUserNamespace, err);
  }
  setpgid(0, 0);  // the parent does it too; whichever runs first wins, both are the same
  if ((err = ResetSignals()) != 0) Fail(report_fd, ChildStage::kSignals, err);
  if ((err = SetUpStdio(spec.output_fd, report_fd)) != 0) Fail(report_fd, ChildStage::kStdio, err);
  report_fd = kReportFdInChild;
  if (chdir(spec.dir) != 0) Fail(report_fd, ChildStage::kChdir, errno);
  if (plan.drop_to_nobody && (err = DropToSandboxUser(plan.sandbox_uid, plan.sandbox_gid)) != 0) {
    Fail(report_fd, ChildStage::kCredentials, err);
  }
  // After the uid change, which clears it. Without a PID namespace getppid() is meaningful:
  // a parent that died before this line would leave the program unsupervised.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) Fail(report_fd, ChildStage::kParentDeath, errno);
  if (!plan.pid_namespace && getppid() != spec.parent_pid) _exit(127);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    Fail(report_fd, ChildStage::kNoNewPrivs, errno);
  }
  if ((err = SetLimits(*spec.limits)) != 0) Fail(report_fd, ChildStage::kRlimits, err);
  if (plan.landlock_abi > 0 && (err = RestrictWithLandlock(plan.landlock_abi, ".")) != 0) {
    Fail(report_fd, ChildStage::kLandlock, err);
  }
  Exec(spec, report_fd);
}

// glibc's fork() cannot enter namespaces, and clone3() is the first thing container seccomp
// profiles refuse (ENOSYS), so this is the classic clone() syscall used like fork(): no new
// stack, the child continues on its copy of ours.
int64_t RawClone(uint64_t flags, int* pidfd) {
  return syscall(SYS_clone, flags, nullptr, pidfd, nullptr, nullptr);
}

}  // namespace

uint64_t NamespaceFlags(const IsolationPlan& plan) {
  uint64_t flags = 0;
  if (plan.net_namespace) flags |= CLONE_NEWNET;
  if (plan.pid_namespace) flags |= CLONE_NEWPID;
  if (plan.user_namespace && flags != 0) flags |= CLONE_NEWUSER;
  return flags;
}

const char* ChildStageName(int stage) {
  switch (static_cast<ChildStage>(stage)) {
    case ChildStage::kUserNamespace:
      return "writing the user namespace maps";
    case ChildStage::kSignals:
      return "resetting signals";
    case ChildStage::kStdio:
      return "setting up stdin/stdout/stderr";
    case ChildStage::kChdir:
      return "entering the run directory";
    case ChildStage::kCredentials:
      return "switching to the sandbox user";
    case ChildStage::kParentDeath:
      return "PR_SET_PDEATHSIG";
    case ChildStage::kNoNewPrivs:
      return "PR_SET_NO_NEW_PRIVS";
    case ChildStage::kRlimits:
      return "setting rlimits";
    case ChildStage::kLandlock:
      return "applying the Landlock ruleset";
    case ChildStage::kExec:
      return "executing the interpreter";
  }
  return "an unknown step";
}

absl::StatusOr<LaunchedChild> LaunchChild(const ChildSpec& spec) {
  int pidfd = -1;
  int64_t pid = RawClone(NamespaceFlags(*spec.plan) | CLONE_PIDFD | SIGCHLD, &pidfd);
  if (pid < 0) {
    int err = errno;
    std::string message = absl::StrCat("sandbox: clone: ", strerrordesc_np(err));
    return err == EAGAIN ? absl::UnavailableError(message) : absl::InternalError(message);
  }
  if (pid == 0) RunChild(spec);
  // Also from here, so that killing the group works even before the child has run.
  setpgid(static_cast<pid_t>(pid), static_cast<pid_t>(pid));
  return LaunchedChild{.pid = static_cast<pid_t>(pid), .pidfd = pidfd};
}

int ProbeNamespaces(uint64_t flags, const char* uid_map, const char* gid_map) {
  int64_t pid = RawClone(flags | SIGCHLD, nullptr);
  if (pid < 0) return errno;
  if (pid == 0) {
    if ((flags & CLONE_NEWUSER) != 0 && WriteUserNamespaceMaps(uid_map, gid_map) != 0) _exit(1);
    _exit(0);
  }
  int status = 0;
  while (waitpid(static_cast<pid_t>(pid), &status, 0) < 0) {
    if (errno != EINTR) return errno;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : EPERM;
}

}  // namespace jb::tasks::sandbox_internal
