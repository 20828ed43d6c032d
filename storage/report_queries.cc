#include "storage/report_queries.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/suite_repository.h"

namespace jb::storage {

absl::StatusOr<std::optional<CellSpeed>> CellSecondsPerSample(pqxx::transaction_base& tx,
                                                              const std::string& model,
                                                              const std::string& task,
                                                              const std::string& hardware_class,
                                                              uint32_t concurrency) {
  pqxx::row row = tx.exec_params1(
      "SELECT sum(wall_time_s), sum(samples), count(*) FROM ("
      "  SELECT m.wall_time_s, s.sample_end - s.sample_begin AS samples"
      "  FROM shards s JOIN shard_measurements m ON m.shard_id = s.id"
      "  WHERE s.model = $1 AND s.task = $2 AND s.hardware_class = $3"
      "    AND s.state = 'succeeded' AND (s.settings->>'concurrency')::bigint = $4"
      "    AND m.wall_time_s > 0"
      "  ORDER BY s.finished_at DESC LIMIT 50) recent",
      model, task, hardware_class, static_cast<int64_t>(concurrency));
  if (row[2].as<int64_t>() == 0 || row[1].as<int64_t>() <= 0) return std::nullopt;
  return CellSpeed{row[0].as<double>() / row[1].as<double>(), row[2].as<int>()};
}

absl::StatusOr<tasks::TaskScores> ScoreCell(pqxx::transaction_base& tx, int64_t sweep_id,
                                            const std::string& model, const std::string& task,
                                            const std::string& hardware_class) {
  pqxx::result shard = tx.exec_params(
      "SELECT suite_hash FROM shards WHERE sweep_id = $1 AND model = $2 AND task = $3 "
      "AND hardware_class = $4 LIMIT 1",
      sweep_id, model, task, hardware_class);
  if (shard.empty()) {
    return absl::NotFoundError(absl::StrCat("sweep ", sweep_id, " has no cell ", model, " / ", task,
                                            " / ", hardware_class));
  }
  JB_ASSIGN_OR_RETURN(joulebench::v1::TaskDefinition definition,
                      GetTask(tx, shard[0][0].as<std::string>()));
  std::vector<tasks::ScoredRow> rows;
  for (const auto& row : tx.exec_params(
           "SELECT r.sample_index, r.error <> '', r.metrics::text, r.corpus_stats::text "
           "FROM shards s JOIN sample_results r ON r.shard_id = s.id "
           "WHERE s.sweep_id = $1 AND s.model = $2 AND s.task = $3 AND s.hardware_class = $4",
           sweep_id, model, task, hardware_class)) {
    tasks::ScoredRow scored;
    scored.sample_index = row[0].as<uint32_t>();
    scored.failed = row[1].as<bool>();
    try {
      const nlohmann::json metrics = nlohmann::json::parse(row[2].as<std::string>());
      for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        scored.metrics[it.key()] = it.value().get<double>();
      }
      const nlohmann::json stats = nlohmann::json::parse(row[3].as<std::string>());
      for (auto it = stats.begin(); it != stats.end(); ++it) {
        scored.corpus_stats[it.key()] = it.value().get<std::vector<double>>();
      }
    } catch (const nlohmann::json::exception& e) {
      return absl::InternalError(absl::StrCat("stored metrics of sample ", scored.sample_index,
                                              " do not parse: ", e.what()));
    }
    rows.push_back(std::move(scored));
  }
  return tasks::AggregateTask(definition, rows);
}

absl::StatusOr<std::vector<CellSummary>> SummarizeSweep(pqxx::transaction_base& tx,
                                                        int64_t sweep_id) {
  std::vector<CellSummary> out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto value = [nan](const pqxx::field& f) { return f.is_null() ? nan : f.as<double>(); };
  for (const auto& row : tx.exec_params(
           "SELECT model, task, hardware_class, samples, errors, answer_methods, energy_j,"
           "  j_per_query, j_per_query_above_idle, energy_method, estimated, simulated,"
           "  ttft_p50_s, tpot_p50_s, e2e_p50_s, gco2e_per_query, carbon_sources,"
           "  usd_per_1k_queries, cost_basis "
           "FROM cell_metrics WHERE sweep_id = $1 ORDER BY task, model, hardware_class",
           sweep_id)) {
    CellSummary cell;
    cell.model = row[0].as<std::string>();
    cell.task = row[1].as<std::string>();
    cell.hardware_class = row[2].as<std::string>();
    cell.samples = row[3].as<int64_t>();
    cell.errors = row[4].as<int64_t>();
    cell.answer_methods = row[5].as<std::string>();
    cell.energy_j = value(row[6]);
    cell.joules_per_query = value(row[7]);
    cell.above_idle_joules_per_query = value(row[8]);
    cell.method = row[9].as<std::string>();
    cell.estimated = row[10].as<bool>();
    cell.simulated = row[11].as<bool>();
    cell.p50_ttft_s = value(row[12]);
    cell.p50_tpot_s = value(row[13]);
    cell.p50_e2e_s = value(row[14]);
    cell.carbon_g_per_query = value(row[15]);
    cell.carbon_sources = row[16].as<std::string>();
    cell.cost_usd_per_query = value(row[17]) / 1000;
    cell.cost_basis = row[18].as<std::string>();
    JB_ASSIGN_OR_RETURN(tasks::TaskScores scores,
                        ScoreCell(tx, sweep_id, cell.model, cell.task, cell.hardware_class));
    cell.score = nan;
    if (!scores.metrics.empty()) {
      cell.score_metric = scores.metrics[0].name;
      cell.score = scores.metrics[0].value;
      cell.score_ci = scores.metrics[0].ci;
    }
    out.push_back(std::move(cell));
  }
  return out;
}

}  // namespace jb::storage
