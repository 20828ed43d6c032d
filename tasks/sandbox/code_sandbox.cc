#include "tasks/sandbox/code_sandbox.h"

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "tasks/sandbox/child_launcher.h"
#include "tasks/sandbox/landlock.h"
#include "tasks/sandbox/run_directory.h"
#include "tasks/sandbox/supervisor.h"
#include "tasks/sandbox/unique_fd.h"

namespace jb::tasks {
namespace {

using sandbox_internal::ChildFailure;
using sandbox_internal::ChildStage;
using sandbox_internal::IsolationPlan;

constexpr char kProgramFile[] = "program.py";
constexpr char kAllowFlag[] = "--allow-unsandboxed-code";
// The self-test prints the interpreter binary the sandbox really runs (through any shim).
constexpr char kSelfTest[] = "import sys\nsys.stdout.write(sys.executable)\n";

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
}

// Every executable named `python` in PATH, in order: the child takes the first one that the
// sandbox user can execute (root's first hit may be a pyenv shim under /root).
absl::StatusOr<std::vector<std::string>> FindInterpreters(const std::string& python) {
  if (python.empty()) return absl::InvalidArgumentError("sandbox: empty interpreter name");
  if (python.find('/') != std::string::npos) {
    std::string path = python;
    if (path[0] != '/') {  // the child changes directory before execve
      char cwd[PATH_MAX];
      if (getcwd(cwd, sizeof(cwd)) != nullptr) path = absl::StrCat(cwd, "/", python);
    }
    if (IsExecutableFile(path)) return std::vector<std::string>{path};
    return absl::NotFoundError(
        absl::StrCat("sandbox: interpreter ", path, " does not exist or ",
                     "is not executable; point --python at a Python 3 interpreter"));
  }
  const char* env_path = std::getenv("PATH");
  std::string search = env_path != nullptr ? env_path : "/usr/local/bin:/usr/bin:/bin";
  std::vector<std::string> found;
  for (absl::string_view dir : absl::StrSplit(search, ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/", python);
    if (IsExecutableFile(candidate)) found.push_back(std::move(candidate));
  }
  if (found.empty()) {
    return absl::NotFoundError(
        absl::StrCat("sandbox: interpreter '", python, "' not found in PATH (", search, ")"));
  }
  return found;
}

std::string DescribeIsolation(const IsolationPlan& plan) {
  std::vector<std::string> layers;
  if (plan.user_namespace) layers.push_back("userns");
  if (plan.net_namespace) layers.push_back("netns");
  if (plan.pid_namespace) layers.push_back("pidns");
  if (plan.landlock_abi > 0) layers.push_back("landlock");
  if (plan.drop_to_nobody) layers.push_back(absl::StrCat("uid ", plan.sandbox_uid));
  layers.push_back("rlimits");
  std::string joined = absl::StrJoin(layers, "+");
  if (plan.net_namespace) return joined;
  return absl::StrCat("UNSANDBOXED (", joined, " only)");
}

absl::Status RefuseWithoutNetworkIsolation(int error) {
  return absl::FailedPreconditionError(absl::StrCat(
      "code sandbox: cannot create a network namespace (clone(CLONE_NEWNET): ",
      strerrordesc_np(error),
      "), so model-written programs would have network access. Run the worker as root or with "
      "CAP_SYS_ADMIN, or allow unprivileged user namespaces (user.max_user_namespaces > 0; in a "
      "container, a seccomp profile that permits clone with namespace flags); or pass ",
      kAllowFlag, " to run programs with the remaining isolation only."));
}

absl::Status SetupError(const ChildFailure& failure) {
  std::string message =
      absl::StrCat("sandbox: child failed ", sandbox_internal::ChildStageName(failure.stage), ": ",
                   strerrordesc_np(failure.error));
  if (failure.stage == static_cast<int>(ChildStage::kExec) && failure.error == EACCES) {
    absl::StrAppend(&message,
                    " (the sandbox user needs read and execute access to the "
                    "interpreter and every directory above it)");
  }
  // EAGAIN: out of processes for the moment (e.g. RLIMIT_NPROC); the same call may succeed.
  if (failure.error == EAGAIN) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

}  // namespace

CodeSandbox::CodeSandbox(SandboxOptions options,
                         std::unique_ptr<sandbox_internal::IsolationPlan> plan,
                         std::vector<std::string> interpreters, std::string isolation)
    : options_(std::move(options)),
      plan_(std::move(plan)),
      interpreters_(std::move(interpreters)),
      isolation_(std::move(isolation)) {}

CodeSandbox::~CodeSandbox() = default;

absl::StatusOr<std::unique_ptr<CodeSandbox>> CodeSandbox::Create(SandboxOptions options) {
  return CreateWithOverrides(std::move(options), SandboxProbeOverrides{});
}

absl::StatusOr<std::unique_ptr<CodeSandbox>> CodeSandbox::CreateWithOverrides(
    SandboxOptions options, SandboxProbeOverrides overrides) {
  JB_ASSIGN_OR_RETURN(std::vector<std::string> interpreters, FindInterpreters(options.python));
  if (options.temp_root.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    options.temp_root = tmpdir != nullptr && tmpdir[0] != '\0' ? tmpdir : "/tmp";
  }

  IsolationPlan plan;
  const bool root = geteuid() == 0;
  plan.drop_to_nobody = root;
  plan.user_namespace = !root;
  // Unprivileged: map our own ids into the namespace, so the program keeps no capabilities.
  plan.uid_map = absl::StrCat(geteuid(), " ", geteuid(), " 1");
  plan.gid_map = absl::StrCat(getegid(), " ", getegid(), " 1");
  const uint64_t userns = plan.user_namespace ? CLONE_NEWUSER : 0;
  auto probe = [&](uint64_t flags) {
    if (overrides.fail_namespaces) return EPERM;
    return sandbox_internal::ProbeNamespaces(flags | userns, plan.uid_map.c_str(),
                                             plan.gid_map.c_str());
  };
  const int net_error = probe(CLONE_NEWNET);
  plan.net_namespace = net_error == 0;
  plan.pid_namespace = probe(CLONE_NEWPID) == 0;
  // A user namespace is only a means to the other two.
  plan.user_namespace = plan.user_namespace && (plan.net_namespace || plan.pid_namespace);
  plan.landlock_abi = sandbox_internal::LandlockAbi();
  if (!plan.net_namespace && !options.allow_unsandboxed) {
    return RefuseWithoutNetworkIsolation(net_error);
  }
  const std::string isolation = DescribeIsolation(plan);

  // Run a real program through every layer: this catches a temp_root or an interpreter that
  // the sandbox user cannot reach, and resolves the interpreter once for all later runs.
  CodeSandbox trial(options, std::make_unique<IsolationPlan>(plan), interpreters, isolation);
  absl::StatusOr<ProgramResult> result = trial.RunPython(kSelfTest);
  if (!result.ok() || !result->passed) {
    std::string why = result.ok() ? absl::StrCat("exit code ", result->exit_code, ", signal ",
                                                 result->signal, ", output: ", result->output)
                                  : absl::StrCat(result.status().message());
    return absl::FailedPreconditionError(
        absl::StrCat("code sandbox self-test failed (isolation: ", isolation,
                     ", temp_root: ", options.temp_root, "): ", why));
  }
  if (!result->output.empty() && result->output[0] == '/') interpreters = {result->output};
  return absl::WrapUnique(new CodeSandbox(std::move(options),
                                          std::make_unique<IsolationPlan>(std::move(plan)),
                                          std::move(interpreters), isolation));
}

absl::StatusOr<ProgramResult> CodeSandbox::RunPython(const std::string& program) const {
  return RunPython(program, options_.limits.timeout_s);
}

absl::StatusOr<ProgramResult> CodeSandbox::RunPython(const std::string& program,
                                                     double timeout_s) const {
  SandboxLimits limits = options_.limits;
  limits.timeout_s = timeout_s;
  // The CPU limit is a backstop a second past the wall timeout: a single-threaded busy loop
  // uses CPU no faster than wall time, so it meets the timeout first and is reported timed
  // out, instead of racing the kernel's SIGKILL at the same instant.
  limits.cpu_s = std::max(1, std::min(limits.cpu_s, static_cast<int>(std::ceil(timeout_s)) + 1));
  std::optional<sandbox_internal::FileOwner> owner;
  if (plan_->drop_to_nobody) owner = {plan_->sandbox_uid, plan_->sandbox_gid};
  JB_ASSIGN_OR_RETURN(std::unique_ptr<sandbox_internal::RunDirectory> dir,
                      sandbox_internal::RunDirectory::Create(options_.temp_root, owner));
  JB_RETURN_IF_ERROR(dir->WriteFile(kProgramFile, program));

  // Everything the child needs, built now: after the clone it may not allocate.
  // -I: ignore PYTHON* variables and user site-packages; -B: no .pyc files; -u: unbuffered, so
  // stdout and stderr interleave in the order the program wrote them.
  std::vector<std::string> args = {"python3", "-I", "-B", "-u", kProgramFile};
  std::vector<std::string> env = {
      "PATH=/usr/local/bin:/usr/bin:/bin", absl::StrCat("HOME=", dir->path()),
      absl::StrCat("TMPDIR=", dir->path()), "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1"};
  std::vector<char*> argv, envp;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  for (std::string& var : env) envp.push_back(var.data());
  envp.push_back(nullptr);
  std::vector<const char*> interpreters;
  for (const std::string& path : interpreters_) interpreters.push_back(path.c_str());
  interpreters.push_back(nullptr);

  JB_ASSIGN_OR_RETURN(sandbox_internal::Pipe output, sandbox_internal::Pipe::Create());
  JB_ASSIGN_OR_RETURN(sandbox_internal::Pipe report, sandbox_internal::Pipe::Create());
  const sandbox_internal::ChildSpec spec = {
      .plan = plan_.get(),
      .limits = &limits,
      .dir = dir->path().c_str(),
      .interpreters = interpreters.data(),
      .argv = argv.data(),
      .envp = envp.data(),
      .uid_map = plan_->uid_map.c_str(),
      .gid_map = plan_->gid_map.c_str(),
      .output_fd = output.write.get(),
      .report_fd = report.write.get(),
      .parent_pid = getpid(),
  };
  JB_ASSIGN_OR_RETURN(sandbox_internal::LaunchedChild child, sandbox_internal::LaunchChild(spec));
  // Our copies of the write ends would keep the pipes open after the child is gone.
  output.write.Reset();
  report.write.Reset();
  sandbox_internal::SupervisedRun run = sandbox_internal::SuperviseChild(
      child, std::move(output.read), std::move(report.read), limits);
  if (run.setup_failed) return SetupError(run.failure);
  return std::move(run.result);
}

}  // namespace jb::tasks
