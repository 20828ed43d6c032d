#include "sim/sim_command.h"

#include <sys/resource.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "common/status_macros.h"
#include "tasks/suite.h"

namespace jb::sim {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

absl::Status SetLogLevel(const std::string& level) {
  const spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return absl::InvalidArgumentError(absl::StrCat("--log-level: unknown level '", level,
                                                   "'; use trace, debug, info, warn, "
                                                   "error or off"));
  }
  spdlog::set_level(parsed);
  return absl::OkStatus();
}

// Each concurrent client holds a socket; lift the soft limit as far as the hard one allows.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    JB_LOG(debug, "joulebench-sim: open file limit raised from {} to {}", before, limit.rlim_cur);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<SimServer>> CreateSimServer(const SimOptions& options) {
  JB_RETURN_IF_ERROR(SetLogLevel(options.log_level));
  JB_ASSIGN_OR_RETURN(Profile profile, LoadProfile(options.profile));
  std::vector<tasks::Suite> suites;
  for (const std::string& dir : options.suite_dirs) {
    JB_ASSIGN_OR_RETURN(tasks::Suite suite, tasks::LoadSuiteDir(dir));
    suites.push_back(std::move(suite));
  }
  auto oracle = std::make_shared<const Oracle>(profile, suites);
  SimServerOptions server_options;
  server_options.http_threads = options.http_threads;
  return std::make_unique<SimServer>(std::move(profile), std::move(oracle), server_options);
}

int RunSimCommand(const SimOptions& options) {
  Shutdown::Install();
  RaiseOpenFileLimit();
  absl::StatusOr<std::unique_ptr<SimServer>> server = CreateSimServer(options);
  if (!server.ok()) {
    std::cerr << "error: " << server.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<int> port = (*server)->Start(options.host, options.port);
  if (!port.ok()) {
    std::cerr << "error: " << port.status().message() << "\n";
    return kExitFailure;
  }
  const Profile& profile = (*server)->profile();
  std::vector<std::string> models;
  for (const ModelProfile& m : profile.models) models.push_back(m.name);
  const char* only = profile.serves_completions ? (profile.serves_chat ? "" : ", completions only")
                                                : ", chat only";
  const std::string banner =
      absl::StrCat(SimVersion(),
                   ": THIS IS A SIMULATOR. Its latencies, answers and energy are simulated, "
                   "not measured. Serving ",
                   absl::StrJoin(models, ", "), " on simulated hardware ", profile.hardware.name,
                   " (profile ", profile.origin, ", ", (*server)->oracle().size(), " known prompts",
                   only, ") at http://", options.host, ":", *port, "/v1");
  std::cout << banner << std::endl;
  JB_LOG(info, "{}", banner);
  while (!Shutdown::WaitFor(absl::Seconds(1))) {
  }
  JB_LOG(info, "joulebench-sim: shutting down");
  (*server)->Stop();
  return kExitOk;
}

}  // namespace jb::sim
