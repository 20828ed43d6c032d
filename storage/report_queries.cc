#include "storage/report_queries.h"

#include <limits>

#include "common/energy_method.h"
#include "storage/sql_values.h"

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

std::vector<CellSummary> SummarizeSweep(pqxx::transaction_base& tx, int64_t sweep_id) {
  static const char* kQuery = R"sql(
    WITH results AS (
      SELECT s.model, s.task, s.hardware_class,
             COUNT(r.*) AS samples,
             COUNT(r.*) FILTER (WHERE r.error <> '') AS errors,
             COALESCE(AVG(r.score), 0) AS mean_score,
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
             BOOL_OR(m.simulated) AS simulated
      FROM shards s JOIN shard_measurements m ON m.shard_id = s.id
      WHERE s.sweep_id = $1
      GROUP BY s.model, s.task, s.hardware_class
    )
    SELECT r.model, r.task, r.hardware_class, r.samples, r.errors, r.mean_score, r.mean_e2e_s,
           e.energy_j, e.above_idle_j, COALESCE(e.methods, '{}'),
           COALESCE(e.estimated, false), COALESCE(e.simulated, false), r.p50_ttft_s, r.mean_tpot_s
    FROM results r LEFT JOIN energy e USING (model, task, hardware_class)
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
    cell.mean_score = row[5].as<double>();
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
    out.push_back(std::move(cell));
  }
  return out;
}

}  // namespace jb::storage
