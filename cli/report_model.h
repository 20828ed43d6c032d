// What `joulebench report`, `leaderboard` and `recommend` show, computed from cells
// (storage::CellSummary, read from the reporting views) before any rendering:
//
//   * Sections per task. A task's cohort is every cell of it the report covers (each model on
//     each hardware class), so PER is relative to exactly what the report shows.
//   * PER (Cao et al. 2026, tasks/per.h) over the cohort's cells that have all four terms:
//       ACC  the primary score;
//       THR  per GPU (per server on CPU classes): samples/s for tasks whose answers are labels
//            (per_unit "sample"), completion tokens/s otherwise;
//       LAT  mean end-to-end ms per sample, or mean ms per output token (TPOT);
//       MEM  the peak device memory in MB.
//     PER-E adds J/query as a fifth term when every such cell has it. A cell missing a term is
//     left out of the cohort and says which term it lacks.
//   * Pareto fronts of the score against J/query, gCO2e/query, USD per 1k queries and median
//     end-to-end latency, per task and hardware class (tasks/pareto.h).
//   * Recommend: the cell that reaches a score at the lowest cost of one kind.
// Thread-safety: free functions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "storage/report_queries.h"
#include "tasks/per.h"

namespace jb::cli {

enum class Tradeoff { kEnergy, kCarbon, kCost, kLatency };
inline constexpr std::array<Tradeoff, 4> kTradeoffs = {Tradeoff::kEnergy, Tradeoff::kCarbon,
                                                       Tradeoff::kCost, Tradeoff::kLatency};

// "energy", "carbon", "cost", "latency" (the --optimize values).
std::string TradeoffName(Tradeoff t);
std::optional<Tradeoff> ParseTradeoff(const std::string& name);
// What is traded off, with its unit: "J/query", "gCO2e/query", "USD/1k queries",
// "e2e p50 s".
std::string TradeoffLabel(Tradeoff t);
// The cell's cost of that kind (NaN when unknown).
double TradeoffCost(const storage::CellSummary& cell, Tradeoff t);

struct ReportCell {
  storage::CellSummary cell;
  std::optional<tasks::PerScore> per;  // absent when the cell lacks a term
  std::string per_missing;             // which terms it lacks, e.g. "memory"
  // On the (task, hardware class) front for each trade-off, in kTradeoffs order.
  std::array<bool, 4> on_front{};
  // Leaderboard only: the rank by score within (task, hardware class), and what changed since
  // the previous snapshot beyond its interval or band (e.g. "score", "energy, latency").
  int rank = 0;
  std::string changes;
};

struct TaskSection {
  std::string task;
  std::string score_metric;       // the first cell's primary metric
  std::string per_unit;           // "sample" or "token"
  std::vector<ReportCell> cells;  // by score, best first (NaN last), then model and class
  int per_cohort = 0;             // cells PER was computed over
};

// Groups `cells` by task (in name order) and computes PER and the fronts (overwriting those
// fields; rank and changes are kept).
std::vector<TaskSection> BuildReport(std::vector<ReportCell> cells);
std::vector<TaskSection> BuildReport(std::vector<storage::CellSummary> cells);

struct Recommendation {
  // The cheapest qualifying cell; absent when none qualifies (`explanation` says why).
  std::optional<storage::CellSummary> choice;
  // Qualifying cells with the cost known, cheapest first (the choice is the first).
  std::vector<storage::CellSummary> alternatives;
  std::string explanation;
};

// Among `cells` of `task` (typically the leaderboard's), those whose score is at least
// `min_score`, restricted to `hardware_class` unless it is empty; the one with the lowest
// cost of kind `optimize` is the choice. The explanation says why nothing qualifies: no cell
// of the task, none reaching the score (naming the best), or none with that cost known.
Recommendation Recommend(const std::vector<storage::CellSummary>& cells, const std::string& task,
                         double min_score, Tradeoff optimize, const std::string& hardware_class);

}  // namespace jb::cli
