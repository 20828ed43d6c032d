// `joulebench sim --listen 127.0.0.1:8000 [--profile FILE|builtin:NAME]`
#include "sim/sim_command.h"

#include "absl/strings/numbers.h"
#include "cli/command.h"
#include "common/flags.h"
#include "common/logging.h"

namespace jb::cli {

void AddSimCommand(CLI::App& app, int* exit_code) {
  struct Flags {
    sim::SimOptions options;
    std::string listen = "127.0.0.1:8000";
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "sim",
      "Run the vLLM-compatible simulator (OpenAI API, /metrics with an energy counter). For "
      "tests and the demo: its answers, latencies and energy are simulated.");
  AddFlag(cmd, "--listen", flags->listen, "HOST:PORT to listen on (port 0 picks a free one)");
  AddFlag(cmd, "--profile", flags->options.profile,
          "Profile YAML file, or builtin:NAME: demo-gpu (the default), demo-cpu, bench-zero, "
          "bench-fidelity");
  AddFlag(cmd, "--suites", flags->options.suite_dirs,
          "Extra suite directories whose samples the simulator can answer");
  AddFlag(cmd, "--log-level", flags->options.log_level, "trace, debug, info, warn or error");
  AddFlag(cmd, "--http-threads", flags->options.http_threads,
          "Most connection threads at once (one per concurrent client; started on demand)");
  cmd->callback([flags, exit_code] {
    if (!InitLogging("sim", flags->options.log_level).ok()) {
      *exit_code = kExitUsage;
      return;
    }
    sim::SimOptions options = flags->options;
    size_t colon = flags->listen.rfind(':');
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(flags->listen.substr(colon + 1), &options.port)) {
      JB_LOG(error, "--listen '{}' is not HOST:PORT (e.g. 127.0.0.1:8000)", flags->listen);
      *exit_code = kExitUsage;
      return;
    }
    options.host = colon == 0 ? "0.0.0.0" : flags->listen.substr(0, colon);
    *exit_code = sim::RunSimCommand(options);
  });
}

}  // namespace jb::cli
