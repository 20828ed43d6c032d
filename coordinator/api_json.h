// The JSON shapes of the coordinator's read-only API (docs/api.md), built from what storage
// and the report model return, so every endpoint writes a cell, a sweep or a worker the same
// way. Conventions, for scripts:
//   * Numbers that are unknown (NaN: an unmetered cell, an unpriced class) are null.
//   * An energy figure never stands alone: it sits in an "energy" object with its "method"
//     and the "simulated" and "estimated" flags. Carbon and cost are derived from it.
//   * Times are ISO 8601 in UTC ("2026-12-08T02:22:43Z"), null when unset.
// Thread-safety: free functions.
#pragma once

#include <optional>

#include "cli/report_model.h"
#include "joulebench/v1/admin.pb.h"
#include "nlohmann/json.hpp"
#include "storage/leaderboard.h"
#include "storage/shard_queue.h"

namespace jb::coordinator {

using Json = nlohmann::ordered_json;

// The number, or null when it is NaN or infinite.
Json Number(double x);

// {"j_per_query", "above_idle_j_per_query", "total_j", "method", "simulated", "estimated"}.
Json EnergyJson(const storage::CellSummary& cell);
// {"metric", "value", "ci_low", "ci_high", "ci_method", "provisional"}.
Json ScoreJson(const storage::CellSummary& cell);

// One leaderboard row: the cell with its PER, Pareto flags (from BuildReport), rank, the
// model's family and what changed since the previous snapshot (null without two snapshots).
Json LeaderboardRowJson(const cli::ReportCell& rc, const std::string& family,
                        const std::optional<storage::LeaderboardChange>& change);

// A sweep as ListSweeps or GetSweepInfo give it: counts, and the per-cell progress when
// `info` has cells.
Json SweepJson(const joulebench::v1::SweepInfo& info);
// A shard that recorded an error, for a sweep's failures.
Json ShardErrorJson(const storage::ShardRecord& shard);
Json WorkerJson(const joulebench::v1::WorkerInfo& worker);
Json SnapshotPointJson(const storage::SnapshotPoint& point);

}  // namespace jb::coordinator
