// The cross-model leaderboard (storage/migrations/0011, docs/sql.md): for every (task, model,
// hardware class), the cell of the newest sealed sweep that scored it, kept in the
// materialized view `leaderboard`; dated snapshots of it in `leaderboard_snapshots`; and the
// view `leaderboard_changes`, which flags what moved between the last two snapshots beyond the
// score's 95% interval or the snapshot's bands for J/query and latency.
//
// Refreshes are CONCURRENTLY, so readers never wait for one. The coordinator refreshes after
// sealing a sweep; the nightly job (`joulebench leaderboard --snapshot`, a CronJob on
// Kubernetes) refreshes and snapshots.
// Thread-safety: free functions over a caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pqxx/pqxx"
#include "storage/report_queries.h"

namespace jb::storage {

// Rebuilds `leaderboard` from the sealed sweeps. Needs the coordinator's role (the view's
// owner); readers are not blocked.
void RefreshLeaderboard(pqxx::work& w);

struct SnapshotBands {
  // A relative change beyond these is flagged (0.10: more than 10 % up or down).
  double energy = 0.10;
  double latency = 0.10;
};

// Refreshes the leaderboard and stores it as today's snapshot (UTC date), replacing one taken
// earlier today. Returns the snapshot's date (YYYY-MM-DD) and its row count.
// InvalidArgument for a negative or non-finite band.
struct SnapshotTaken {
  std::string date;
  int rows = 0;
};
absl::StatusOr<SnapshotTaken> TakeLeaderboardSnapshot(pqxx::work& w, const SnapshotBands& bands);

// What changed for one cell since the snapshot before the newest (leaderboard_changes).
struct LeaderboardChange {
  std::string previous_date;
  double previous_score = 0;
  bool score_changed = false;
  bool energy_changed = false;
  bool latency_changed = false;
  bool method_changed = false;
};

struct LeaderboardRow {
  CellSummary cell;
  // Rank by score within (task, hardware class), 1 = best; ties share a rank.
  int rank = 0;
  std::optional<LeaderboardChange> change;  // absent without two snapshots holding the cell
};

// The leaderboard, for one task or every task (""), ordered by task, hardware class and rank.
// Reads only views, so joulebench_reader may call it.
absl::StatusOr<std::vector<LeaderboardRow>> ReadLeaderboard(pqxx::transaction_base& tx,
                                                            const std::string& task);

// One cell as one snapshot stored it (leaderboard_snapshots).
struct SnapshotPoint {
  std::string date;  // YYYY-MM-DD (UTC)
  std::string task;
  std::string model;
  std::string hardware_class;
  int64_t sweep_id = 0;
  std::string score_metric;
  double score = 0;
  tasks::Interval score_ci;
  double joules_per_query = 0;  // NaN when not metered
  std::string method;
  bool simulated = false;
  double carbon_g_per_query = 0;  // NaN when unknown
  double cost_usd_per_1k = 0;     // NaN when unpriced
  double p50_e2e_s = 0;           // NaN when unknown
};

// Every snapshot of `model`'s cells, of `task` unless it is empty, oldest first, then by task
// and hardware class. Empty when the model was never snapshotted. Reads only
// leaderboard_snapshots, so joulebench_reader may call it.
absl::StatusOr<std::vector<SnapshotPoint>> ReadSnapshotHistory(pqxx::transaction_base& tx,
                                                               const std::string& model,
                                                               const std::string& task);

}  // namespace jb::storage
