// Sweep progress for terminals: per-cell tables, and waiting for a sweep to end.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "cli/admin_connection.h"
#include "joulebench/v1/common.pb.h"

namespace jb::cli {

// The summary line of `sweep` at `now`: state, shards, samples and failed samples, and once
// samples are stored the throughput since the first lease (samples/s) and, while running,
// the ETA at that throughput. E.g.
//   sweep 3 'demo' running: shards 12/40 done (4 leased, 24 pending, 0 failed),
//   samples 120/400 (2 failed), 3.2 samples/s, ETA 1m27s
std::string SweepSummary(const joulebench::v1::SweepInfo& sweep, absl::Time now);

// The summary line and a per-cell table with a progress bar per cell:
//   model  task  hardware class  progress                     shards  failed  score  waiting
//   m      t     gpu             [#######.............] 35%   7/20    0/1     0.812  -
// (failed: shards failed for good / samples stored with an error).
std::string RenderSweep(const joulebench::v1::SweepInfo& sweep, absl::Time now = absl::Now());

// A progress bar of `width` cells for done/total, e.g. "[#####...............]".
std::string ProgressBar(uint64_t done, uint64_t total, int width = 20);

// Polls the sweep every `interval` until it ends or shutdown is requested. On a terminal it
// redraws the per-cell table in place; otherwise it prints the summary line whenever progress
// changes. Returns 0 when it succeeded, 1 otherwise.
int WaitForSweep(AdminConnection& admin, int64_t sweep_id, absl::Duration interval);

}  // namespace jb::cli
