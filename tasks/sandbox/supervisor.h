// The parent side of a sandboxed run: waits for the program with a wall-clock deadline while
// collecting its output, then kills what is left and reaps it. Internal to CodeSandbox.
//
// Steps:
//   1. poll() the child's pidfd, the output pipe and the report pipe until the child exits or
//      the deadline passes; output beyond max_output_bytes is read and dropped, so a chatty
//      program never blocks on a full pipe.
//   2. On timeout: SIGKILL to the child (PID 1 of its namespace: the kernel then kills the rest
//      of the namespace) and to its process group.
//   3. Either way: SIGKILL to the process group, while the unreaped child still holds the group
//      id (so it cannot name an unrelated group), then waitpid().
//   4. Drain both pipes to end-of-file, bounded by a short grace period: without a PID
//      namespace a process that left the group may still hold the write end.
// Thread-safety: SuperviseChild may run on many threads at once, each for its own child.
#pragma once

#include "tasks/sandbox/child_launcher.h"
#include "tasks/sandbox/code_sandbox.h"
#include "tasks/sandbox/unique_fd.h"

namespace jb::tasks::sandbox_internal {

struct SupervisedRun {
  ProgramResult result;
  // Set when the child reported that setting up the sandbox failed (it never ran the program).
  bool setup_failed = false;
  ChildFailure failure;
};

// Supervises `child` (takes its pidfd) to the end as described above. `output` and `report`
// are the read ends of the child's pipes; the caller has closed the write ends.
SupervisedRun SuperviseChild(LaunchedChild child, UniqueFd output, UniqueFd report,
                             const SandboxLimits& limits);

}  // namespace jb::tasks::sandbox_internal
