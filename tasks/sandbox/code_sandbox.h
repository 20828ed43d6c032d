// CodeSandbox: runs model-written Python programs (HumanEval-style pass@k scoring) so that a
// looping, forking, memory-hungry or hostile program fails its sample and nothing else.
//
// Isolation layers, each used when the kernel and our privileges allow it (Create probes them
// by starting real children; isolation() names the ones in force):
//   - netns:    a new, empty network namespace (only a down loopback): no network at all.
//   - pidns:    the program is PID 1 of a new PID namespace; when it exits or is killed the
//               kernel kills every process left in the namespace, even ones that escaped the
//               process group with setsid().
//   - userns:   only when not root, to make the two namespaces above possible unprivileged.
//   - landlock: writes only beneath the program's own directory (and /dev/null); TCP bind and
//               connect denied (ABI >= 4); no signals or abstract sockets out of it (ABI >= 6).
//   - uid 65534: when root, the program runs as nobody/nogroup, so file permissions apply and
//               RLIMIT_NPROC is enforced (root ignores it).
//   - rlimits:  CPU, AS, NOFILE, NPROC, FSIZE from SandboxLimits, CORE 0; no_new_privs.
// Without network isolation Create refuses unless allow_unsandboxed (--allow-unsandboxed-code);
// then isolation() starts with "UNSANDBOXED" and the run uses every layer that still works.
//
// Lifecycle of one RunPython:
//   1. A fresh directory (mode 0700, owned by the sandbox uid) under temp_root; program.py in it.
//   2. clone() into the namespaces; the child sets up the layers with raw syscalls only (the
//      caller is multithreaded) and execs `python -I -B -u program.py` with a minimal
//      environment (HOME and TMPDIR are the directory). A setup failure is reported to the
//      parent through a close-on-exec pipe.
//   3. The parent reads stdout+stderr (one pipe) until the program exits or timeout_s passes,
//      keeping max_output_bytes; on timeout it SIGKILLs the process group and PID 1.
//   4. Whatever the program left in its group is SIGKILLed, the child is reaped, the directory
//      is removed recursively.
//
// Failure modes: RunPython returns an error only when the sandbox itself fails (fork, pipe,
// mkdtemp, a setup step in the child); whatever the program does is a ProgramResult with
// passed = false. Unavailable marks transient failures (EAGAIN) worth retrying.
// Known gaps: without pidns (UNSANDBOXED mode) a process that escapes with setsid() survives
// the run; RLIMIT_NPROC counts all processes of uid 65534, so concurrent runs share it.
//
// REQUIRES: SIGCHLD is not ignored and nothing else in the process reaps with waitpid(-1)
// (the sandbox waits for its own children by pid).
// Thread-safety: immutable after Create; RunPython may be called from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace jb::tasks {

struct SandboxLimits {
  double timeout_s = 10;                  // wall clock; then the whole group is SIGKILLed
  int cpu_s = 10;                         // RLIMIT_CPU
  uint64_t memory_bytes = 1ull << 30;     // RLIMIT_AS
  int max_open_files = 64;                // RLIMIT_NOFILE
  int max_processes = 32;                 // RLIMIT_NPROC
  uint64_t max_file_bytes = 16ull << 20;  // RLIMIT_FSIZE
  size_t max_output_bytes = 64 << 10;     // stdout+stderr kept, rest dropped
};

struct SandboxOptions {
  std::string python = "python3";  // interpreter, looked up in PATH when not absolute
  bool allow_unsandboxed = false;  // --allow-unsandboxed-code
  SandboxLimits limits;
  std::string temp_root;  // parent of the per-program directories; "" = $TMPDIR or /tmp
};

struct ProgramResult {
  bool passed = false;  // exited 0 before the timeout
  bool timed_out = false;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when it was killed by a signal
  std::string output;  // stdout and stderr interleaved, truncated to max_output_bytes
  bool output_truncated = false;
  double wall_s = 0;
};

// Lets tests simulate a kernel or container that refuses what this machine allows.
struct SandboxProbeOverrides {
  bool fail_namespaces = false;  // pretend clone(CLONE_NEW*) fails with EPERM
};

namespace sandbox_internal {
struct IsolationPlan;
}  // namespace sandbox_internal

class CodeSandbox {
 public:
  // Probes what isolation this kernel and these privileges allow (by actually starting a
  // child that sets it up) and runs a tiny program through the full sandbox.
  // FailedPrecondition, with the reason and the fix (mentioning --allow-unsandboxed-code), when
  // no network isolation is possible and allow_unsandboxed is false, or when the self-test
  // fails (e.g. temp_root or the interpreter unreachable for uid 65534); NotFound when the
  // interpreter is missing.
  static absl::StatusOr<std::unique_ptr<CodeSandbox>> Create(SandboxOptions options);
  // Create with simulated probe failures; for tests.
  static absl::StatusOr<std::unique_ptr<CodeSandbox>> CreateWithOverrides(
      SandboxOptions options, SandboxProbeOverrides overrides);
  ~CodeSandbox();
  CodeSandbox(const CodeSandbox&) = delete;
  CodeSandbox& operator=(const CodeSandbox&) = delete;

  // Runs `program` (Python source) in a fresh child and directory; the directory is removed
  // afterwards. Errors only for failures of the sandbox itself (see the contract above).
  absl::StatusOr<ProgramResult> RunPython(const std::string& program) const;
  // The same with this run's wall-clock limit set to `timeout_s` (a task's code_timeout_s), and
  // its CPU limit to at most that many seconds, rounded up, plus one (a backstop behind the
  // wall timeout). REQUIRES: timeout_s > 0.
  absl::StatusOr<ProgramResult> RunPython(const std::string& program, double timeout_s) const;

  // The isolation in force, e.g. "netns+pidns+landlock+uid 65534+rlimits", or
  // "UNSANDBOXED (landlock+uid 65534+rlimits only)".
  const std::string& isolation() const { return isolation_; }
  // The interpreter binary the runs use (sys.executable as the self-test saw it).
  const std::string& interpreter() const { return interpreters_.front(); }

 private:
  CodeSandbox(SandboxOptions options, std::unique_ptr<sandbox_internal::IsolationPlan> plan,
              std::vector<std::string> interpreters, std::string isolation);

  const SandboxOptions options_;
  const std::unique_ptr<const sandbox_internal::IsolationPlan> plan_;
  // Candidate paths tried in order by the child (the first the sandbox user can execute wins);
  // a single path once the self-test has resolved it.
  const std::vector<std::string> interpreters_;
  const std::string isolation_;
};

}  // namespace jb::tasks
