// Report queries over stored results. This first one backs the demo's summary; the SQL views,
// PER and Pareto fronts of the reporting issue build on the same tables.
//
// Joules are the stored truth: J/query here is the shard measurements' total joules divided by
// the results they produced, and the method column is the weakest method in the cell, so a
// simulated or estimated figure is always labelled.
// Thread-safety: free functions over a caller's transaction.
#pragma once

#include <string>
#include <vector>

#include "pqxx/pqxx"

namespace jb::storage {

struct CellSummary {
  std::string model;
  std::string task;
  std::string hardware_class;
  int64_t samples = 0;  // result rows
  int64_t errors = 0;   // rows whose request failed for good
  double mean_score = 0;
  double mean_e2e_s = 0;
  // Over streamed requests only (NaN when none streamed): median time to first token and mean
  // time per output token.
  double p50_ttft_s = 0;
  double mean_tpot_s = 0;
  double energy_j = 0;  // total joules over the cell's shards (NaN when not metered)
  double joules_per_query = 0;
  double above_idle_joules_per_query = 0;
  std::string method;  // weakest method among the cell's measurements
  bool estimated = false;
  bool simulated = false;
};

// One row per (model, task, hardware class) of the sweep, ordered by task, model, class.
std::vector<CellSummary> SummarizeSweep(pqxx::transaction_base& tx, int64_t sweep_id);

}  // namespace jb::storage
