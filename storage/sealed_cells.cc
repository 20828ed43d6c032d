#include "storage/sealed_cells.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/report_queries.h"

namespace jb::storage {
namespace {

// The columns sealing copies from unsealed_cell_rows into sealed_cells.
constexpr char kRowColumns[] =
    "sweep_id, model, task, hardware_class, samples, errors, measured_samples, answer_methods, "
    "ttft_p50_s, ttft_p95_s, tpot_p50_s, tpot_p95_s, e2e_p50_s, e2e_p95_s, tpot_mean_s, "
    "e2e_mean_s";

absl::Status StoreScores(pqxx::work& w, int64_t sweep_id) {
  for (const auto& cell :
       w.exec_params("SELECT DISTINCT model, task, hardware_class FROM shards WHERE sweep_id = $1",
                     sweep_id)) {
    const auto model = cell[0].as<std::string>();
    const auto task = cell[1].as<std::string>();
    const auto hardware_class = cell[2].as<std::string>();
    absl::StatusOr<tasks::TaskScores> scores = ScoreCell(w, sweep_id, model, task, hardware_class);
    if (!scores.ok()) {
      return absl::Status(scores.status().code(),
                          absl::StrCat("sealing sweep ", sweep_id, ", cell ", model, " / ", task,
                                       " / ", hardware_class, ": ", scores.status().message()));
    }
    for (size_t i = 0; i < scores->metrics.size(); ++i) {
      const tasks::MetricEstimate& m = scores->metrics[i];
      w.exec_params(
          "INSERT INTO cell_scores (sweep_id, model, task, hardware_class, metric, ordinal, "
          "  value, ci_low, ci_high, ci_method, samples, higher_is_better) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
          sweep_id, model, task, hardware_class, m.name, static_cast<int>(i), m.value, m.ci.low,
          m.ci.high, m.ci.method, static_cast<int64_t>(m.samples), m.higher_is_better);
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<int64_t> LockNextSealableSweep(pqxx::work& w, int64_t after_id) {
  pqxx::result next = w.exec_params(
      "SELECT id FROM sweeps WHERE sealed_at IS NULL AND state <> 'running' AND id > $1 "
      "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
      after_id);
  if (next.empty()) return std::nullopt;
  return next[0][0].as<int64_t>();
}

absl::Status SealSweep(pqxx::work& w, int64_t sweep_id) {
  w.exec_params(absl::StrCat("INSERT INTO sealed_cells (", kRowColumns, ") SELECT ", kRowColumns,
                             " FROM unsealed_cell_rows WHERE sweep_id = $1"),
                sweep_id);
  JB_RETURN_IF_ERROR(StoreScores(w, sweep_id));
  w.exec_params("UPDATE sweeps SET sealed_at = now() WHERE id = $1", sweep_id);
  return absl::OkStatus();
}

}  // namespace jb::storage
