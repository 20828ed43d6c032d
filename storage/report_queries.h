// Report queries over stored results. SummarizeSweep backs the demo's summary: every figure
// but the score comes from the `cell_metrics` view (storage/migrations/0008, docs/sql.md), so
// SQL users and reports read the same numbers.
//
// Scores are computed from the stored sample rows by the task's own aggregation
// (tasks/aggregate.h): the primary metric with its 95% confidence interval (Wilson for
// proportions, bootstrap otherwise), so corpus metrics (BLEU) and pass@k come out as their
// references define them.
//
// Joules are the stored truth: J/query here is the shard measurements' total joules divided by
// the results they produced, and the method column is the weakest method in the cell, so a
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
#include "pqxx/pqxx"
#include "tasks/aggregate.h"

namespace jb::storage {

struct CellSummary {
  std::string model;
  std::string task;
  std::string hardware_class;
  int64_t samples = 0;  // result rows
  int64_t errors = 0;   // rows whose request failed for good
  // The task's primary metric ("strict-match/exact_match", "create_test/pass@1"), its value
  // and interval over the cell's successful rows; empty name and NaN without any.
  std::string score_metric;
  double score = 0;
  tasks::Interval score_ci;
  // How answers were obtained, distinct values joined by "," ("generate", "loglikelihood",
  // "generative-fallback").
  std::string answer_methods;
  // Medians over the cell's rows, TTFT and TPOT over streamed rows only (NaN when there are
  // none).
  double p50_ttft_s = 0;
  double p50_tpot_s = 0;
  double p50_e2e_s = 0;
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

// One row per (model, task, hardware class) of the sweep, ordered by task, model, class.
// Errors: the stored task definition does not parse (Internal).
absl::StatusOr<std::vector<CellSummary>> SummarizeSweep(pqxx::transaction_base& tx,
                                                        int64_t sweep_id);

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
