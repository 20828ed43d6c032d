// Report queries over stored results: every figure comes from the `cell_metrics` view
// (storage/migrations/0008 and 0010, docs/sql.md), so SQL users and reports read the same
// numbers.
//
// Scores are computed from the stored sample rows by the task's own aggregation
// (tasks/aggregate.h): the primary metric with its 95% confidence interval (Wilson for
// proportions, bootstrap otherwise), so corpus metrics (BLEU) and pass@k come out as their
// references define them. A sealed sweep's scores are stored (storage/sealed_cells.h); an
// unsealed one's are computed from its rows on request, and marked provisional.
//
// Joules are the stored truth: J/query is the shard measurements' total joules divided by the
// results they produced, and the method column is the weakest method in the cell, so a
// simulated or estimated figure is always labelled. Carbon and cost are derived from the
// joules at query time (DESIGN.md section 5), so a corrected price re-prices history:
//   carbon = sum over shards of kWh x PUE x grid intensity (each shard's, as its worker
//            recorded them);
//   cost   = the class's price per hour x the shards' wall time
//            + sum over shards of kWh x PUE x the class's electricity price.
// Thread-safety: free functions over a caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pqxx/pqxx"
#include "tasks/aggregate.h"

namespace jb::storage {

struct CellSummary {
  int64_t sweep_id = 0;
  std::string model;
  std::string task;
  std::string hardware_class;
  int64_t samples_planned = 0;  // samples x repeats the plan asks for
  int64_t samples = 0;          // result rows
  int64_t errors = 0;           // rows whose request failed for good
  double completeness = 0;      // samples / samples_planned
  // The task's primary metric ("strict-match/exact_match", "create_test/pass@1"), its value
  // and interval over the cell's successful rows; empty name and NaN without any.
  std::string score_metric;
  double score = 0;
  tasks::Interval score_ci;
  // True when the score was computed from the rows of a sweep not sealed yet (it may change
  // as rows arrive); false for a sealed sweep's stored score.
  bool score_provisional = false;
  // How answers were obtained, distinct values joined by "," ("generate", "loglikelihood",
  // "generative-fallback").
  std::string answer_methods;
  // Percentiles over the cell's rows, TTFT and TPOT over streamed rows only (NaN when there
  // are none); means for PER's latency term.
  double p50_ttft_s = 0;
  double p95_ttft_s = 0;
  double p50_tpot_s = 0;
  double p95_tpot_s = 0;
  double p50_e2e_s = 0;
  double p95_e2e_s = 0;
  double mean_tpot_s = 0;
  double mean_e2e_s = 0;
  // Throughput per server over the measured shards, and per GPU (NaN for CPU classes).
  double tokens_per_s = 0;
  double samples_per_s = 0;
  double tokens_per_s_per_gpu = 0;
  double samples_per_s_per_gpu = 0;
  // "sample" or "token": the unit of PER's throughput and latency terms for this task
  // (docs/methodology.md).
  std::string per_unit;
  // The largest peak device memory of the cell's shards in MB (NaN when none was known), and
  // where the figures came from ("nvml-peak", "server-reported", "profile"; joined by ",").
  double peak_memory_mb = 0;
  std::string memory_sources;
  double energy_j = 0;  // total joules over the cell's shards (NaN when not metered)
  double joules_per_query = 0;
  double above_idle_joules_per_query = 0;
  std::string method;  // weakest method among the cell's measurements
  bool estimated = false;
  bool simulated = false;
  // Grams CO2e per result row (NaN when a shard lacks joules or an intensity), and the
  // intensities' sources, distinct, joined by "; " (e.g. "world-average:475 (...)", the
  // labelled fallback for workers without a region).
  double carbon_g_per_query = 0;
  std::string carbon_sources;
  // US dollars per result row (NaN when the class has no price, or only an electricity price
  // and no joules), and which parts it includes: "hardware+electricity", "hardware",
  // "electricity", or "" when nothing is priced.
  double cost_usd_per_query = 0;
  std::string cost_basis;
};

// One sweep as sweep_overview shows it.
struct SweepOverview {
  int64_t id = 0;
  std::string name;
  std::string state;  // running, succeeded, failed, cancelled
  bool sealed = false;
  std::string created_at;   // ISO 8601, UTC
  std::string finished_at;  // "" while running
};

// NotFound for an unknown id. Reads only views, so joulebench_reader may call it.
absl::StatusOr<SweepOverview> GetSweepOverview(pqxx::transaction_base& tx, int64_t sweep_id);
// The newest sweep's id; NotFound when there is none.
absl::StatusOr<int64_t> LatestSweepId(pqxx::transaction_base& tx);

enum class UnsealedScores {
  kCompute,  // score an unsealed sweep's cells from its rows (reads raw tables)
  kOmit,     // leave them NaN, reading only views (what joulebench_reader may do)
};

// The columns CellFromRow reads, in its order, from `table` (cell_metrics or a view or table
// with its columns, such as the leaderboard).
std::string CellColumns(absl::string_view table);
CellSummary CellFromRow(const pqxx::row& row);

// One row per (model, task, hardware class) of the sweep, ordered by task, model, class.
// NotFound for an unknown sweep; Internal when a stored task definition does not parse.
// Turns JIT compilation off for the rest of `tx` (SET LOCAL jit = off): cell_metrics' live
// branch is planned over all of a sweep's rows even when it is sealed, and compiling for that
// estimate took longer than the query (migration 0012, docs/performance.md).
absl::StatusOr<std::vector<CellSummary>> SummarizeSweep(
    pqxx::transaction_base& tx, int64_t sweep_id,
    UnsealedScores unsealed = UnsealedScores::kCompute);

// How fast a cell has run: wall time per sample over its recent succeeded shards.
struct CellSpeed {
  double seconds_per_sample = 0;
  int shards = 0;
};

// The sum of wall time over the sum of samples of the cell's last 50 succeeded, measured
// shards run at `concurrency`, from any sweep; nullopt when there are none. The planner sizes
// shards by it (coordinator/planner.h, shard_duration_s).
absl::StatusOr<std::optional<CellSpeed>> CellSecondsPerSample(pqxx::transaction_base& tx,
                                                              const std::string& model,
                                                              const std::string& task,
                                                              const std::string& hardware_class,
                                                              uint32_t concurrency);

// Every metric of one cell's task over its stored rows (tasks::AggregateTask). NotFound when
// the cell has no shards.
absl::StatusOr<tasks::TaskScores> ScoreCell(pqxx::transaction_base& tx, int64_t sweep_id,
                                            const std::string& model, const std::string& task,
                                            const std::string& hardware_class);

}  // namespace jb::storage
