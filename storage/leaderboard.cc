#include "storage/leaderboard.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace jb::storage {

void RefreshLeaderboard(pqxx::work& w) {
  w.exec0("REFRESH MATERIALIZED VIEW CONCURRENTLY leaderboard");
}

absl::StatusOr<SnapshotTaken> TakeLeaderboardSnapshot(pqxx::work& w, const SnapshotBands& bands) {
  for (double band : {bands.energy, bands.latency}) {
    if (!std::isfinite(band) || band < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("a change band must be a fraction of at least 0, such as 0.1; got ", band));
    }
  }
  RefreshLeaderboard(w);
  // Today in UTC, read once so the statements below agree on it.
  const auto date = w.exec1("SELECT (now() AT TIME ZONE 'UTC')::date::text")[0].as<std::string>();
  w.exec_params0("DELETE FROM leaderboard_snapshots WHERE snapshot_date = $1::date", date);
  pqxx::result r = w.exec_params(
      "INSERT INTO leaderboard_snapshots (snapshot_date, task, model, hardware_class, sweep_id, "
      "  score_metric, score, score_ci_low, score_ci_high, j_per_query, energy_method, simulated, "
      "  gco2e_per_query, usd_per_1k_queries, e2e_p50_s, energy_band, latency_band) "
      "SELECT $1::date, task, model, hardware_class, sweep_id, "
      "  score_metric, score, score_ci_low, score_ci_high, j_per_query, energy_method, simulated, "
      "  gco2e_per_query, usd_per_1k_queries, e2e_p50_s, $2, $3 FROM leaderboard",
      date, bands.energy, bands.latency);
  return SnapshotTaken{date, static_cast<int>(r.affected_rows())};
}

absl::StatusOr<std::vector<LeaderboardRow>> ReadLeaderboard(pqxx::transaction_base& tx,
                                                            const std::string& task) {
  std::vector<LeaderboardRow> rows;
  for (const auto& row : tx.exec_params(
           absl::StrCat(
               "WITH ranked AS ("
               "  SELECT l.*, rank() OVER (PARTITION BY l.task, l.hardware_class"
               "                           ORDER BY l.score DESC) AS score_rank"
               "  FROM leaderboard l WHERE $1 = '' OR l.task = $1) "
               "SELECT ",
               CellColumns("r"),
               ", r.score_rank, c.previous_date::text, c.previous_score, c.score_changed,"
               "  c.energy_changed, c.latency_changed, c.method_changed "
               "FROM ranked r LEFT JOIN leaderboard_changes c"
               "  ON c.task = r.task AND c.model = r.model AND c.hardware_class = r.hardware_class"
               "     AND c.current_sweep_id = r.sweep_id "
               "ORDER BY r.task, r.hardware_class, r.score_rank, r.model"),
           task)) {
    LeaderboardRow out;
    out.cell = CellFromRow(row);
    const int base = static_cast<int>(row.size()) - 7;
    out.rank = row[base].as<int>();
    if (!row[base + 1].is_null()) {
      out.change = LeaderboardChange{row[base + 1].as<std::string>(), row[base + 2].as<double>(),
                                     row[base + 3].as<bool>(),        row[base + 4].as<bool>(),
                                     row[base + 5].as<bool>(),        row[base + 6].as<bool>()};
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

absl::StatusOr<std::vector<SnapshotPoint>> ReadSnapshotHistory(pqxx::transaction_base& tx,
                                                               const std::string& model,
                                                               const std::string& task) {
  std::vector<SnapshotPoint> points;
  for (const auto& row : tx.exec_params(
           "SELECT snapshot_date::text, task, model, hardware_class, sweep_id, score_metric,"
           "  score, score_ci_low, score_ci_high, energy_method, simulated,"
           "  COALESCE(j_per_query, 'NaN'), COALESCE(gco2e_per_query, 'NaN'),"
           "  COALESCE(usd_per_1k_queries, 'NaN'), COALESCE(e2e_p50_s, 'NaN') "
           "FROM leaderboard_snapshots WHERE model = $1 AND ($2 = '' OR task = $2) "
           "ORDER BY snapshot_date, task, hardware_class",
           model, task)) {
    SnapshotPoint p;
    p.date = row[0].as<std::string>();
    p.task = row[1].as<std::string>();
    p.model = row[2].as<std::string>();
    p.hardware_class = row[3].as<std::string>();
    p.sweep_id = row[4].as<int64_t>();
    p.score_metric = row[5].as<std::string>();
    p.score = row[6].as<double>();
    p.score_ci.low = row[7].as<double>();
    p.score_ci.high = row[8].as<double>();
    p.method = row[9].as<std::string>();
    p.simulated = row[10].as<bool>();
    p.joules_per_query = row[11].as<double>();
    p.carbon_g_per_query = row[12].as<double>();
    p.cost_usd_per_1k = row[13].as<double>();
    p.p50_e2e_s = row[14].as<double>();
    points.push_back(std::move(p));
  }
  return points;
}

}  // namespace jb::storage
