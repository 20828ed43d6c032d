#include "storage/report_queries.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
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

absl::StatusOr<SweepOverview> GetSweepOverview(pqxx::transaction_base& tx, int64_t sweep_id) {
  pqxx::result r = tx.exec_params(
      "SELECT name, state, sealed_at IS NOT NULL,"
      "  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
      "  COALESCE(to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
      "FROM sweep_overview WHERE sweep_id = $1",
      sweep_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("no sweep ", sweep_id));
  return SweepOverview{sweep_id,           r[0][0].as<std::string>(), r[0][1].as<std::string>(),
                       r[0][2].as<bool>(), r[0][3].as<std::string>(), r[0][4].as<std::string>()};
}

absl::StatusOr<int64_t> LatestSweepId(pqxx::transaction_base& tx) {
  pqxx::row r = tx.exec1("SELECT max(sweep_id) FROM sweep_overview");
  if (r[0].is_null()) return absl::NotFoundError("no sweep has been submitted yet");
  return r[0].as<int64_t>();
}

std::string CellColumns(absl::string_view table) {
  return absl::StrReplaceAll(
      "T.sweep_id, T.model, T.task, T.hardware_class, T.samples_planned, T.samples, T.errors,"
      " COALESCE(T.completeness, 0), T.answer_methods, T.score_metric, T.score, T.score_ci_low,"
      " T.score_ci_high, T.score_ci_method, T.ttft_p50_s, T.ttft_p95_s, T.tpot_p50_s,"
      " T.tpot_p95_s, T.e2e_p50_s, T.e2e_p95_s, T.tpot_mean_s, T.e2e_mean_s, T.tokens_per_s,"
      " T.samples_per_s, T.tokens_per_s_per_gpu, T.samples_per_s_per_gpu, T.per_unit,"
      " T.peak_memory_mb, T.memory_sources, T.energy_j, T.j_per_query,"
      " T.j_per_query_above_idle, T.energy_method, T.estimated, T.simulated,"
      " T.gco2e_per_query, T.carbon_sources, T.usd_per_1k_queries, T.cost_basis",
      {{"T.", absl::StrCat(table, ".")}});
}

CellSummary CellFromRow(const pqxx::row& row) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  int i = 0;
  auto text = [&] { return row[i++].as<std::string>(std::string()); };
  auto number = [&] {
    const pqxx::field f = row[i++];
    return f.is_null() ? nan : f.as<double>();
  };
  auto integer = [&] { return row[i++].as<int64_t>(0); };
  CellSummary cell;
  cell.sweep_id = integer();
  cell.model = text();
  cell.task = text();
  cell.hardware_class = text();
  cell.samples_planned = integer();
  cell.samples = integer();
  cell.errors = integer();
  cell.completeness = number();
  cell.answer_methods = text();
  cell.score_metric = text();
  cell.score = number();
  cell.score_ci.low = number();
  cell.score_ci.high = number();
  cell.score_ci.method = row[i].is_null() ? "none" : row[i].as<std::string>();
  ++i;
  for (double* d :
       {&cell.p50_ttft_s, &cell.p95_ttft_s, &cell.p50_tpot_s, &cell.p95_tpot_s, &cell.p50_e2e_s,
        &cell.p95_e2e_s, &cell.mean_tpot_s, &cell.mean_e2e_s, &cell.tokens_per_s,
        &cell.samples_per_s, &cell.tokens_per_s_per_gpu, &cell.samples_per_s_per_gpu}) {
    *d = number();
  }
  cell.per_unit = text();
  cell.peak_memory_mb = number();
  cell.memory_sources = text();
  cell.energy_j = number();
  cell.joules_per_query = number();
  cell.above_idle_joules_per_query = number();
  cell.method = text();
  cell.estimated = row[i++].as<bool>(false);
  cell.simulated = row[i++].as<bool>(false);
  cell.carbon_g_per_query = number();
  cell.carbon_sources = text();
  cell.cost_usd_per_query = number() / 1000;
  cell.cost_basis = text();
  return cell;
}

absl::StatusOr<std::vector<CellSummary>> SummarizeSweep(pqxx::transaction_base& tx,
                                                        int64_t sweep_id, UnsealedScores unsealed) {
  JB_ASSIGN_OR_RETURN(SweepOverview sweep, GetSweepOverview(tx, sweep_id));
  tx.exec0("SET LOCAL jit = off");
  std::vector<CellSummary> out;
  for (const auto& row :
       tx.exec_params(absl::StrCat("SELECT ", CellColumns("cell_metrics"),
                                   " FROM cell_metrics WHERE sweep_id = $1 ORDER BY task, model, "
                                   "hardware_class"),
                      sweep_id)) {
    CellSummary cell = CellFromRow(row);
    if (!sweep.sealed && unsealed == UnsealedScores::kCompute) {
      JB_ASSIGN_OR_RETURN(tasks::TaskScores scores,
                          ScoreCell(tx, sweep_id, cell.model, cell.task, cell.hardware_class));
      cell.score_provisional = true;
      if (!scores.metrics.empty()) {
        cell.score_metric = scores.metrics[0].name;
        cell.score = scores.metrics[0].value;
        cell.score_ci = scores.metrics[0].ci;
      }
    }
    out.push_back(std::move(cell));
  }
  return out;
}

}  // namespace jb::storage
