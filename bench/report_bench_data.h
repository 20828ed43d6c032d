// The database jb_report_bench reads (bench/report_bench.cc), generated server-side: every
// sample row by INSERT ... SELECT over generate_series, never through the ingestion path, on
// kLoadConnections connections at once (one task's rows each).
//
// What it holds, modelled on real sweeps:
//   - 6 models (parameters, family), 2 hardware classes (an H100 and an L4, priced), 2
//     workers per class;
//   - 5 tasks with the built-in suites' own definitions (arith-cot: exact_match under two
//     filter pipelines; science-mc: acc and acc_norm by log-likelihood, not streamed;
//     sentiment; extractive-qa: exact and token F1; summarisation: four ROUGE scores), stored
//     under hashes "bench-<suite>" as suites of as many samples as a cell of the current sweep
//     has (their sample documents are not stored: no report reads them);
//   - two older sweeps of N/20 rows each (6 models x 5 tasks x 2 classes), ended, sealed, and
//     90 daily leaderboard snapshots taken from them;
//   - the current sweep: N rows, 4 models x 5 tasks x 2 classes = 40 cells in shards of
//     kShardSamples samples, every shard succeeded with its measurement (NVML counter, grid
//     intensity, PUE, the server's /metrics), the sweep ended (succeeded) but not sealed.
// Each row: 280 to 418 characters of prediction (a multiple-choice option: 20 to 118), the task's
// metrics as JSON (what ScoreCell parses), a score per model and task, token counts, TTFT/TPOT/E2E
// drawn around the model's and class's speed, its share of the shard's joules; about 0.1 % are
// failed requests (an error, no metrics). Thread-compatible: one thread calls it; it runs its own
// threads while loading.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"
#include "storage/database.h"

namespace jb::bench {

inline constexpr int kLoadConnections = 2;
inline constexpr int kShardSamples = 1000;

struct CurrentSweep {
  int64_t id = 0;
  int64_t rows = 0;
  int cells = 0;
  int64_t shards = 0;
};

class ReportBenchData {
 public:
  // `db` needs kLoadConnections connections; `url` is its server, for VACUUM.
  ReportBenchData(storage::Database& db, std::string url) : db_(db), url_(std::move(url)) {}

  // Stores the models, classes, workers and suites (sized for a current sweep of
  // `current_rows`), then the two older sweeps, sealed, the leaderboard refreshed and its
  // snapshot history. Returns the older sweeps' rows.
  absl::StatusOr<int64_t> AddHistory(int64_t current_rows);
  // The current sweep of about `rows` rows (a whole number per cell), ended, not sealed.
  // REQUIRES: AddHistory succeeded with the same `rows`.
  absl::StatusOr<CurrentSweep> AddCurrentSweep(int64_t rows);
  // VACUUM (ANALYZE) of the database; returns its seconds.
  absl::StatusOr<double> VacuumAnalyze();

 private:
  struct Sweep {
    int64_t id = 0;
    int64_t rows = 0;
    int64_t shards = 0;
  };
  // A sweep of the first `models` models over every task and class, `samples` per cell, its
  // shards succeeded and measured, ended.
  absl::StatusOr<Sweep> AddSweep(const std::string& name, int days_ago, int models,
                                 int64_t samples);
  // The rows and measurements of the shards of `sweep_id` on task `task` and hardware class
  // `hardware_class` (indices into the profiles) for the first `models` models; returns the
  // rows.
  absl::StatusOr<int64_t> FillCells(int64_t sweep_id, int models, size_t task,
                                    size_t hardware_class);

  storage::Database& db_;
  const std::string url_;
  std::vector<joulebench::v1::TaskDefinition> tasks_;
};

}  // namespace jb::bench
