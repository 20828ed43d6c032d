// The simulators a sweep runs on in `joulebench demo --sweep`: one `joulebench sim` per
// hardware class of the sweep, started with the profile the sweep's label `sim_profiles`
// pairs with that class, and one worker registered under the class. The label is a list of
// CLASS=PROFILE pairs, PROFILE being builtin:NAME or a profile file relative to the sweep
// file's directory (docs/simulator.md):
//
//   labels:
//     sim_profiles: "a10x8=builtin:cao2026-a10,a100x8=builtin:cao2026-a100"
//
// One worker per simulator, because a worker meters its simulator's energy counter over each
// shard, and two workers on one simulator would each count the other's requests.
// Thread-safety: free functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/local_stack.h"
#include "cli/sweep_file.h"

namespace jb::cli {

// The label's pairs by hardware class. InvalidArgument naming the sweep file for a pair that is
// not CLASS=PROFILE or a class paired twice.
absl::StatusOr<std::map<std::string, std::string>> ParseSimProfiles(const std::string& label,
                                                                    const std::string& source_name);

// One LocalSim per hardware class of the sweep, in the sweep's class order, each knowing the
// sweep's path-named suites (`--suites`, absolute) so its oracle answers them. InvalidArgument,
// naming the sweep file, when the label is missing, leaves a class unpaired (saying how to add
// it), names a class the sweep does not have, or names a profile that does not load or does not
// serve every model of the sweep (whose shards no worker would then lease).
absl::StatusOr<std::vector<LocalSim>> SimsForSweep(const SweepFile& sweep);

}  // namespace jb::cli
