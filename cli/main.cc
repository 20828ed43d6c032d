// joulebench: one executable, a subcommand per role (DESIGN.md section 4).
#include <cstdio>

#include "cli/command.h"
#include "common/shutdown.h"

int main(int argc, char** argv) {
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // --help and --version are successes; every other parse error is a usage error.
    return code == 0 ? jb::cli::kExitOk : jb::cli::kExitUsage;
  }
  return exit_code;
}
