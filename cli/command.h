// Subcommands of the `joulebench` executable. Each Add*Command registers its flags on `app`
// and a callback that stores the process exit code in *exit_code:
//   0 ok, 1 failure, 2 usage error (bad flags, bad sweep file).
// Commands hold no logic that belongs in a part: they parse flags and call into the parts.
#pragma once

#include "CLI/CLI.hpp"

namespace jb::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

void AddCoordinatorCommand(CLI::App& app, int* exit_code);
void AddWorkerCommand(CLI::App& app, int* exit_code);
void AddSimCommand(CLI::App& app, int* exit_code);
void AddSubmitCommand(CLI::App& app, int* exit_code);
void AddStatusCommands(CLI::App& app, int* exit_code);  // status, cancel, workers
void AddDemoCommand(CLI::App& app, int* exit_code);
void AddSuitesCommand(CLI::App& app, int* exit_code);  // suites list, show, validate
void AddPerCommand(CLI::App& app, int* exit_code);
void AddReportCommands(CLI::App& app, int* exit_code);  // report, leaderboard, recommend

}  // namespace jb::cli
