#include "storage/report_queries.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "common/energy_method.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/sql_values.h"
#include "storage/suite_repository.h"

namespace jb::storage {
namespace {

// The weakest of the methods in a text[] literal such as {rapl,prometheus-counter}, ranked by
// common/energy_method.h; "none" when there are none.
std::string WeakestMethod(const std::string& methods_literal) {
  joulebench::v1::EnergyMethod weakest = joulebench::v1::ENERGY_METHOD_UNSPECIFIED;
  auto names = ParseTextArray(methods_literal);
  for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
    auto method = EnergyMethodFromName(name);
    if (!method.ok()) continue;
    if (weakest == joulebench::v1::ENERGY_METHOD_UNSPECIFIED ||
        EnergyMethodRank(*method) > EnergyMethodRank(weakest)) {
      weakest = *method;
    }
  }
  return EnergyMethodName(weakest);
}

}  // namespace

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
  static const char* kQuery = R"sql(
    WITH results AS (
      SELECT s.model, s.task, s.hardware_class,
             COUNT(r.*) AS samples,
             COUNT(r.*) FILTER (WHERE r.error <> '') AS errors,
             string_agg(DISTINCT NULLIF(r.answer_method, ''), ',') AS answer_methods,
             COALESCE(AVG(r.e2e_s), 0) AS mean_e2e_s,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ttft_s) AS p50_ttft_s,
             AVG(r.tpot_s) AS mean_tpot_s
      FROM shards s LEFT JOIN sample_results r ON r.shard_id = s.id
      WHERE s.sweep_id = $1
      GROUP BY s.model, s.task, s.hardware_class
    ), energy AS (
      SELECT s.model, s.task, s.hardware_class,
             SUM(m.total_energy_j) AS energy_j,
             SUM(m.above_idle_energy_j) AS above_idle_j,
             array_agg(DISTINCT m.method) AS methods,
             BOOL_OR(m.estimated) AS estimated,
             BOOL_OR(m.simulated) AS simulated,
             SUM(m.wall_time_s) AS wall_s,
             SUM(m.total_energy_j / 3.6e6 * m.pue) AS facility_kwh,
             CASE WHEN COUNT(m.carbon_intensity_g_per_kwh) = COUNT(*)
                  THEN SUM(m.total_energy_j / 3.6e6 * m.pue * m.carbon_intensity_g_per_kwh)
             END AS carbon_g,
             string_agg(DISTINCT NULLIF(m.carbon_intensity_source, ''), '; ') AS carbon_sources
      FROM shards s JOIN shard_measurements m ON m.shard_id = s.id
      WHERE s.sweep_id = $1
      GROUP BY s.model, s.task, s.hardware_class
    )
    SELECT r.model, r.task, r.hardware_class, r.samples, r.errors, r.answer_methods, r.mean_e2e_s,
           e.energy_j, e.above_idle_j, COALESCE(e.methods, '{}'),
           COALESCE(e.estimated, false), COALESCE(e.simulated, false), r.p50_ttft_s, r.mean_tpot_s,
           e.carbon_g, COALESCE(e.carbon_sources, ''),
           h.price_per_hour_usd * e.wall_s / 3600 AS hardware_usd,
           h.electricity_usd_per_kwh * e.facility_kwh AS electricity_usd
    FROM results r LEFT JOIN energy e USING (model, task, hardware_class)
         LEFT JOIN hardware_classes h ON h.name = r.hardware_class
    ORDER BY r.task, r.model, r.hardware_class)sql";
  std::vector<CellSummary> out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& row : tx.exec_params(kQuery, sweep_id)) {
    CellSummary cell;
    cell.model = row[0].as<std::string>();
    cell.task = row[1].as<std::string>();
    cell.hardware_class = row[2].as<std::string>();
    cell.samples = row[3].as<int64_t>();
    cell.errors = row[4].as<int64_t>();
    cell.answer_methods = row[5].is_null() ? "" : row[5].as<std::string>();
    cell.mean_e2e_s = row[6].as<double>();
    cell.energy_j = row[7].is_null() ? nan : row[7].as<double>();
    double above_idle = row[8].is_null() ? nan : row[8].as<double>();
    cell.joules_per_query = cell.samples > 0 ? cell.energy_j / cell.samples : nan;
    cell.above_idle_joules_per_query = cell.samples > 0 ? above_idle / cell.samples : nan;
    cell.method = WeakestMethod(row[9].as<std::string>());
    cell.estimated = row[10].as<bool>();
    cell.simulated = row[11].as<bool>();
    cell.p50_ttft_s = row[12].is_null() ? nan : row[12].as<double>();
    cell.mean_tpot_s = row[13].is_null() ? nan : row[13].as<double>();
    const double per_query = cell.samples > 0 ? 1.0 / static_cast<double>(cell.samples) : nan;
    cell.carbon_g_per_query = row[14].is_null() ? nan : row[14].as<double>() * per_query;
    cell.carbon_sources = row[15].as<std::string>();
    const bool hardware = !row[16].is_null();
    const bool electricity = !row[17].is_null();
    cell.cost_basis = hardware && electricity ? "hardware+electricity"
                      : hardware              ? "hardware"
                      : electricity           ? "electricity"
                                              : "";
    cell.cost_usd_per_query =
        cell.cost_basis.empty()
            ? nan
            : ((hardware ? row[16].as<double>() : 0) + (electricity ? row[17].as<double>() : 0)) *
                  per_query;
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
