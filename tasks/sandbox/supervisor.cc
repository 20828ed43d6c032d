#include "tasks/sandbox/supervisor.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>

namespace jb::tasks::sandbox_internal {
namespace {

using Clock = std::chrono::steady_clock;

// After the child exits, how long to wait for stragglers to close the output pipe.
constexpr auto kDrainGrace = std::chrono::milliseconds(250);

// Reads what `fd` has and appends it to the output, keeping at most `limit` bytes.
// Returns false at end-of-file or on an error other than "try again".
bool ReadOutput(int fd, size_t limit, ProgramResult& result) {
  char buffer[16384];
  ssize_t n = read(fd, buffer, sizeof(buffer));
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  const size_t room = limit - std::min(limit, result.output.size());
  const size_t keep = std::min(room, static_cast<size_t>(n));
  result.output.append(buffer, keep);
  if (keep < static_cast<size_t>(n)) result.output_truncated = true;
  return true;
}

// Reads the child's setup report. Returns false once the pipe is closed (execve succeeded, or
// the child is gone) or a report has arrived.
bool ReadReport(int fd, SupervisedRun& run) {
  ChildFailure failure;
  ssize_t n = read(fd, &failure, sizeof(failure));
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == static_cast<ssize_t>(sizeof(failure))) {
    run.setup_failed = true;
    run.failure = failure;
  }
  return false;
}

int MillisecondsUntil(Clock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
}

struct PipeState {
  UniqueFd output;
  UniqueFd report;
  bool output_open = true;
  bool report_open = true;
};

// Polls the open pipes (and the pidfd, when >= 0) once, up to `timeout_ms`.
// Returns true when the pidfd became readable, i.e. the child exited.
bool PollOnce(int pidfd, int timeout_ms, size_t limit, PipeState& pipes, SupervisedRun& run) {
  pollfd fds[3];
  nfds_t count = 0;
  int output_index = -1, report_index = -1;
  if (pidfd >= 0) fds[count++] = {.fd = pidfd, .events = POLLIN, .revents = 0};
  if (pipes.output_open) {
    output_index = static_cast<int>(count);
    fds[count++] = {.fd = pipes.output.get(), .events = POLLIN, .revents = 0};
  }
  if (pipes.report_open) {
    report_index = static_cast<int>(count);
    fds[count++] = {.fd = pipes.report.get(), .events = POLLIN, .revents = 0};
  }
  if (poll(fds, count, timeout_ms) <= 0) return false;  // timeout, or EINTR: the caller loops
  if (output_index >= 0 && fds[output_index].revents != 0) {
    pipes.output_open = ReadOutput(pipes.output.get(), limit, run.result);
  }
  if (report_index >= 0 && fds[report_index].revents != 0) {
    pipes.report_open = ReadReport(pipes.report.get(), run);
  }
  return pidfd >= 0 && fds[0].revents != 0;
}

void Reap(pid_t pid, ProgramResult& result) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return;  // ECHILD: someone else reaped it (SIGCHLD ignored?)
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
}

}  // namespace

SupervisedRun SuperviseChild(LaunchedChild child, UniqueFd output, UniqueFd report,
                             const SandboxLimits& limits) {
  UniqueFd pidfd(child.pidfd);
  SupervisedRun run;
  PipeState pipes{.output = std::move(output), .report = std::move(report)};
  // The parent only reads; non-blocking so that a spurious wake-up cannot stall the loop.
  fcntl(pipes.output.get(), F_SETFL, O_NONBLOCK);
  fcntl(pipes.report.get(), F_SETFL, O_NONBLOCK);

  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(std::max(0.0, limits.timeout_s)));
  bool exited = false;
  while (!exited && Clock::now() < deadline) {
    exited =
        PollOnce(pidfd.get(), MillisecondsUntil(deadline), limits.max_output_bytes, pipes, run);
  }
  run.result.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (!exited) {
    run.result.timed_out = true;
    syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
  }
  // The child is unreaped (at worst a zombie), so its pid still names only its own group.
  kill(-child.pid, SIGKILL);
  Reap(child.pid, run.result);

  const Clock::time_point drain_deadline = Clock::now() + kDrainGrace;
  while ((pipes.output_open || pipes.report_open) && Clock::now() < drain_deadline) {
    PollOnce(-1, MillisecondsUntil(drain_deadline), limits.max_output_bytes, pipes, run);
  }
  run.result.passed = !run.result.timed_out && !run.setup_failed && run.result.exit_code == 0;
  return run;
}

}  // namespace jb::tasks::sandbox_internal
