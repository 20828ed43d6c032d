// `joulebench sim` without the flag parsing (cli/ parses and calls RunSimCommand): loads the
// profile and the suites, builds the oracle, serves until shutdown is requested.
//
//   jb::sim::SimOptions options;        // fill from flags
//   options.port = 8000;
//   return jb::sim::RunSimCommand(options);
//
// Prints, on stdout and in the log, that this is a simulator whose latencies, answers and
// energy are simulated. Raises the process's soft limit on open files to the hard limit, since
// every concurrent client holds a socket (1024, a common soft limit, is too few for scale runs).
// Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM through jb::Shutdown), 1 when it cannot
// listen, 2 for a bad profile, suite directory or log level. Thread-safety: call from one thread
// (main); it blocks until shutdown.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/server.h"

namespace jb::sim {

struct SimOptions {
  std::string host = "0.0.0.0";
  // 0 picks a free port (printed at start).
  int port = 8000;
  // "" = builtin:demo-gpu; "builtin:NAME"; or a profile file path (sim/profile.h).
  std::string profile;
  // Extra suite directories (task.yaml + samples.jsonl) the oracle knows besides the built-ins.
  std::vector<std::string> suite_dirs;
  // trace, debug, info, warn, error or off; applied to the default logger.
  std::string log_level = "info";
  // Most connection threads at once (SimServerOptions::http_threads).
  int http_threads = 4096;
};

// Loads everything the options name and builds an unstarted server. InvalidArgument or
// NotFound naming the profile, suite directory or log level at fault.
absl::StatusOr<std::unique_ptr<SimServer>> CreateSimServer(const SimOptions& options);

// CreateSimServer, Start, then waits for jb::Shutdown (installing its handlers if main did
// not); returns the exit code above.
int RunSimCommand(const SimOptions& options);

}  // namespace jb::sim
