// joulebench: one executable, a subcommand per role (DESIGN.md section 4).
#include <cstdio>

#include "absl/synchronization/mutex.h"
#include "cli/command.h"
#include "common/shutdown.h"

int main(int argc, char** argv) {
  // Debian's Abseil is built with Mutex deadlock detection on, which updates a lock graph on
  // every nested lock, gRPC's included: 3x the cost of a lock, and a few percent of the
  // coordinator's CPU at a thousand workers (bench/scheduler_bench.cc). A debugging aid.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  jb::Shutdown::Install();
  CLI::App app{
      "joulebench: measure which language model, on which hardware, reaches the quality a task "
      "needs at the lowest energy, carbon and cost.",
      "joulebench"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "joulebench 0.1.0");
  int exit_code = jb::cli::kExitOk;
  jb::cli::AddCoordinatorCommand(app, &exit_code);
  jb::cli::AddWorkerCommand(app, &exit_code);
  jb::cli::AddSimCommand(app, &exit_code);
  jb::cli::AddSubmitCommand(app, &exit_code);
  jb::cli::AddStatusCommands(app, &exit_code);
  jb::cli::AddDemoCommand(app, &exit_code);
  jb::cli::AddSuitesCommand(app, &exit_code);
  jb::cli::AddPerCommand(app, &exit_code);
  jb::cli::AddReportCommands(app, &exit_code);  // report, leaderboard, recommend
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // --help and --version are successes; every other parse error is a usage error.
    return code == 0 ? jb::cli::kExitOk : jb::cli::kExitUsage;
  }
  return exit_code;
}
