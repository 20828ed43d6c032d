// What the benchmarks share: CPU time of this process or its children, number formatting, and
// `joulebench sim` as a child process on a free loopback port.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/process.h"

namespace jb::bench {

// User plus system CPU seconds of `who` (RUSAGE_SELF, RUSAGE_CHILDREN or RUSAGE_THREAD).
double CpuSeconds(int who);

// Parses argv as "--name value" pairs, giving each value to its flag's handler, which returns
// false for a bad value. On an unknown flag, a missing value or a bad one, prints `usage` to
// stderr and returns false.
using FlagHandlers = std::map<std::string, std::function<bool(const std::string& value)>>;
bool ParseFlagPairs(int argc, char** argv, const FlagHandlers& handlers, const std::string& usage);

// `value` with `digits` decimals.
std::string Fixed(double value, int digits);

// `joulebench sim` on a free loopback port, up and healthy; stopped when destroyed.
class SimProcess {
 public:
  // `joulebench` is the binary, `profile` a --profile value; its log goes to
  // /tmp/<log_name>_<pid>.log. nullptr (with the reason on stderr) when it does not start.
  static std::unique_ptr<SimProcess> Start(const std::string& joulebench,
                                           const std::string& profile, const std::string& log_name);
  // "http://127.0.0.1:PORT" + path.
  std::string Url(const std::string& path) const;

 private:
  SimProcess() = default;
  int port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace jb::bench
