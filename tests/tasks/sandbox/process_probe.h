// Test helpers that look at the processes on this machine through /proc, to prove that a
// sandboxed run left nothing behind.
// Thread-safety: all functions may be called from any thread.
#pragma once

#include <string>

namespace jb::tasks::testing {

// Processes whose working directory is `dir` or beneath it (a deleted directory still counts).
int CountProcessesInDirectory(const std::string& dir);

// Processes with `marker` in their command line.
int CountProcessesWithArgument(const std::string& marker);

// True when this process has no children, reaped or not (waitpid says ECHILD).
bool HasNoChildren();

// True when this process can still fork a child and reap it.
bool CanForkAndReap();

}  // namespace jb::tasks::testing
