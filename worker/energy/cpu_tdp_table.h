// CPU TDP lookup for the CPU estimate (estimate-tdp), reproducing CodeCarbon's matcher
// (codecarbon/core/cpu.py TDP._get_matching_cpu, non-greedy) over the table derived from its
// cpu_power.csv (data/cpu_tdp.csv, data/README.md):
//   1. the model name equal to a table name, ignoring case;
//   2. the same after removing "(R)", cutting at " CPU @ ", removing " CPU" and " @ N.NNGHz";
//   3. else the table names whose token set (lower case, non-alphanumerics as spaces) contains,
//      or is contained in, the model's: rapidfuzz's token_set_ratio of 100. One such name is
//      the match; several are ambiguous, and there is no match.
// Without a match CodeCarbon's fallback applies: 4 W per logical CPU. Either way the TDP is
// multiplied by the socket count (CodeCarbon's max_power = TDP x sockets).
// Thread-safety: free functions over an immutable table.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace jb::worker {

// CodeCarbon's DEFAULT_POWER_PER_CORE: watts per logical CPU for unknown CPUs.
inline constexpr double kUnknownCpuWattsPerThread = 4.0;

struct CpuTdpMatch {
  std::string name;  // the table's name
  double tdp_w = 0;
};

// The table row matching `model` (a /proc/cpuinfo model name), or nullopt.
std::optional<CpuTdpMatch> MatchCpuTdp(absl::string_view model);

struct CpuPower {
  double max_power_w = 0;  // TDP x sockets
  // For the reading's source: "AMD EPYC 7763: 280 W TDP (CodeCarbon's table) x 1 socket" or
  // "unknown CPU 'AMD EPYC': 2 threads x 4 W (CodeCarbon's fallback) x 1 socket".
  std::string basis;
};

// The CPU's maximum power for the estimate. `forced_tdp_w` > 0 replaces the table (--cpu-tdp-w).
CpuPower CpuMaxPower(absl::string_view model, int logical_cpus, int sockets, double forced_tdp_w);

// Sockets in /proc/cpuinfo text: distinct "physical id" values, 1 when there are none.
int CountSockets(absl::string_view proc_cpuinfo);

}  // namespace jb::worker
