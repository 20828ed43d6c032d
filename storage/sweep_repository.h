// Sweeps: the `sweeps` table and the progress views over their shards and results.
//
// A sweep's lifecycle (joulebench.v1.SweepState):
//   1. running: from InsertSweep until its shards end.
//   2. succeeded: every shard succeeded. failed: every shard ended and at least one failed.
//      RefreshSweepState makes these transitions; the shard queue calls it on every final
//      shard transition.
//   3. cancelled: CancelSweep; pending and leased shards are cancelled with it.
//
// Functions take the caller's transaction so submitting a sweep (suites, models, the sweep,
// its shards) commits or fails as one; libpqxx exceptions propagate to Database::Transact.
// Lock order, to avoid deadlocks: shard rows before the sweep row. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "joulebench/v1/common.pb.h"

namespace jb::storage {

// Inserts a running sweep and returns its id. kInvalidArgument for an empty name.
absl::StatusOr<int64_t> InsertSweep(pqxx::work& w, const std::string& name,
                                    const std::string& spec_yaml, const std::string& source_name,
                                    int priority, const std::map<std::string, std::string>& labels);

// The state as `sweeps.state` stores it: "running", "succeeded", "failed", "cancelled";
// "unknown" for any other value.
std::string SweepStateText(joulebench::v1::SweepState state);

// The sweep with shard counts by state and one CellProgress per (model, task, hardware class),
// ordered by those names. samples_total sums each shard's range times its task's `repeats`
// (1 when unset); samples_done counts stored sample results; mean_score averages their score.
// A cell with pending shards that no registered (not lost) worker can run says so in
// waiting_reason. kNotFound for an unknown id.
absl::StatusOr<joulebench::v1::SweepInfo> GetSweepInfo(pqxx::work& w, int64_t sweep_id);

// The newest `limit` sweeps (1..1000; others are clamped), newest first, as GetSweepInfo.
absl::StatusOr<std::vector<joulebench::v1::SweepInfo>> ListSweeps(pqxx::work& w, int limit);

// When the sweep is running and none of its (one or more) shards is pending or leased, sets it
// succeeded, or failed if any shard failed, with finished_at. Returns the state after the
// call. A pending shard answers "running" at once, without a lock; otherwise the sweep row is
// locked and its shards checked again, so two transactions finishing the last two leased
// shards at once agree: the second to lock sees the first's commit. (A pending shard leased,
// run and completed within one such call could leave the sweep running; the reaper's
// RefreshRunningSweeps ends it.) kNotFound for an unknown id.
absl::StatusOr<joulebench::v1::SweepState> RefreshSweepState(pqxx::work& w, int64_t sweep_id);

// An SQL boolean expression: whether the sweep whose id is the SQL expression `sweep_id` has
// a pending shard. RefreshSweepState's lockless probe, for statements that answer it along
// with their own work (CompleteShard) and need RefreshSweepState only when it is false.
std::string SweepHasPendingSql(absl::string_view sweep_id);

// RefreshSweepState for every running sweep without open shards; the reaper runs it on every
// pass. Returns how many sweeps it finished.
absl::StatusOr<int> RefreshRunningSweeps(pqxx::work& w);

// Cancels a running sweep with its pending and leased shards (their holders get kAborted at
// their next write). Returns how many shards it cancelled; a finished or cancelled sweep is
// left as it is and returns 0. kNotFound for an unknown id.
absl::StatusOr<int> CancelSweep(pqxx::work& w, int64_t sweep_id);

}  // namespace jb::storage
