// Runs the built `joulebench` binary as a user would, for tests of its subcommands:
//
//   CommandRun run = RunJoulebench({"per", "--input", path});
//   EXPECT_EQ(run.exit_code, 0) << run.output;
//
// The test target defines JB_BINARY as the binary's path (CMake: $<TARGET_FILE:joulebench>)
// and depends on it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/process.h"
#include "gtest/gtest.h"

namespace jb::testing {

struct CommandRun {
  int exit_code = -1;  // -1 when it could not be run (the test has failed then)
  std::string output;  // stdout and stderr together
};

inline CommandRun RunJoulebench(std::vector<std::string> args,
                                absl::Duration timeout = absl::Minutes(3)) {
  args.insert(args.begin(), JB_BINARY);
  CommandRun run;
  absl::StatusOr<int> code =
      RunCommand(SubprocessOptions{.argv = std::move(args)}, &run.output, timeout);
  EXPECT_TRUE(code.ok()) << code.status();
  run.exit_code = code.ok() ? *code : -1;
  return run;
}

}  // namespace jb::testing
