#include "storage/sweep_repository.h"

#include <algorithm>
#include <optional>
#include <pqxx/result>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/sql_values.h"

namespace jb::storage {
namespace {

namespace v1 = ::joulebench::v1;

v1::SweepState StateFromText(const std::string& state) {
  if (state == "running") return v1::SWEEP_STATE_RUNNING;
  if (state == "succeeded") return v1::SWEEP_STATE_SUCCEEDED;
  if (state == "failed") return v1::SWEEP_STATE_FAILED;
  if (state == "cancelled") return v1::SWEEP_STATE_CANCELLED;
  return v1::SWEEP_STATE_UNSPECIFIED;
}

// Why a cell's pending shards are not running, or "" when they may run now: no live worker
// serves it, those that do are not active (unhealthy, draining), or every pending shard waits
// to be retried after an error.
std::string WaitingReason(const v1::CellProgress& cell, const pqxx::row& row) {
  const auto pending = row[4].as<uint32_t>();
  if (pending == 0) return "";
  const bool served = row[12].as<bool>();
  if (!served) {
    return absl::StrCat("no registered worker serves model ", cell.model(), " on hardware class ",
                        cell.hardware_class());
  }
  if (!row[13].is_null()) {
    return absl::StrCat("no worker serving model ", cell.model(), " on hardware class ",
                        cell.hardware_class(), " is active: ", row[13].as<std::string>());
  }
  const auto retrying = row[15].as<uint32_t>();
  if (retrying == pending) {
    return absl::StrCat(
        retrying, retrying == 1 ? " shard waits" : " shards wait", " to be retried; last error: ",
        row[16].is_null() || row[16].as<std::string>().empty() ? "(none recorded)"
                                                               : row[16].as<std::string>());
  }
  return "";
}

absl::Status AddCells(pqxx::work& w, int64_t sweep_id, v1::SweepInfo* info) {
  pqxx::result rows = w.exec_params(
      "WITH r AS ("
      "  SELECT r.shard_id, count(*) AS n, count(*) FILTER (WHERE r.error <> '') AS failed,"
      "    sum(r.score) AS score_sum"
      "  FROM sample_results r JOIN shards s ON s.id = r.shard_id"
      "  WHERE s.sweep_id = $1 GROUP BY r.shard_id) "
      "SELECT s.model, s.task, s.hardware_class, count(*),"
      "  count(*) FILTER (WHERE s.state = 'pending'),"
      "  count(*) FILTER (WHERE s.state = 'leased'),"
      "  count(*) FILTER (WHERE s.state = 'succeeded'),"
      "  count(*) FILTER (WHERE s.state = 'failed'),"
      "  count(*) FILTER (WHERE s.state = 'cancelled'),"
      "  sum((s.sample_end - s.sample_begin)::bigint *"
      "      GREATEST(COALESCE((su.task_definition->>'repeats')::bigint, 1), 1))::bigint,"
      "  COALESCE(sum(r.n), 0)::bigint, COALESCE(sum(r.score_sum), 0)::double precision,"
      // 12: some live worker serves the cell; 13: when none of those is active, their states.
      "  EXISTS (SELECT 1 FROM workers wk WHERE wk.hardware_class = s.hardware_class"
      "          AND s.model = ANY (wk.served_models) AND wk.state <> 'lost'),"
      "  (SELECT string_agg(DISTINCT wk.name || ' ' || wk.state ||"
      "                     CASE WHEN wk.detail <> '' THEN ' (' || wk.detail || ')' ELSE '' END,"
      "                     '; ')"
      "   FROM workers wk WHERE wk.hardware_class = s.hardware_class"
      "     AND s.model = ANY (wk.served_models) AND wk.state <> 'lost'"
      "   HAVING bool_and(wk.state <> 'active')),"
      "  COALESCE(sum(r.failed), 0)::bigint,"
      // 15, 16: pending shards waiting for their retry time, and the latest error among them.
      "  count(*) FILTER (WHERE s.state = 'pending' AND s.not_before > now()),"
      "  (array_agg(s.last_error ORDER BY s.not_before DESC)"
      "     FILTER (WHERE s.state = 'pending' AND s.not_before > now()))[1],"
      "  (extract(epoch FROM min(s.started_at)) * 1000000)::bigint "
      "FROM shards s JOIN suites su ON su.content_hash = s.suite_hash"
      "  LEFT JOIN r ON r.shard_id = s.id "
      "WHERE s.sweep_id = $1 "
      "GROUP BY s.model, s.task, s.hardware_class "
      "ORDER BY s.model, s.task, s.hardware_class",
      sweep_id);
  std::optional<int64_t> started_us;
  for (const auto& row : rows) {
    v1::CellProgress* cell = info->add_cells();
    cell->set_model(row[0].as<std::string>());
    cell->set_task(row[1].as<std::string>());
    cell->set_hardware_class(row[2].as<std::string>());
    const auto pending = row[4].as<uint32_t>();
    cell->set_shards_total(row[3].as<uint32_t>());
    cell->set_shards_leased(row[5].as<uint32_t>());
    cell->set_shards_succeeded(row[6].as<uint32_t>());
    cell->set_shards_failed(row[7].as<uint32_t>());
    cell->set_samples_total(row[9].as<uint64_t>());
    cell->set_samples_done(row[10].as<uint64_t>());
    cell->set_samples_failed(row[14].as<uint64_t>());
    if (cell->samples_done() > 0) {
      cell->set_mean_score(row[11].as<double>() / static_cast<double>(cell->samples_done()));
    }
    cell->set_waiting_reason(WaitingReason(*cell, row));
    if (!row[17].is_null()) {
      const int64_t cell_started = row[17].as<int64_t>();
      started_us = started_us.has_value() ? std::min(*started_us, cell_started) : cell_started;
    }
    info->set_shards_total(info->shards_total() + cell->shards_total());
    info->set_shards_pending(info->shards_pending() + pending);
    info->set_shards_leased(info->shards_leased() + cell->shards_leased());
    info->set_shards_succeeded(info->shards_succeeded() + cell->shards_succeeded());
    info->set_shards_failed(info->shards_failed() + cell->shards_failed());
    info->set_shards_cancelled(info->shards_cancelled() + row[8].as<uint32_t>());
    info->set_samples_total(info->samples_total() + cell->samples_total());
    info->set_samples_done(info->samples_done() + cell->samples_done());
    info->set_samples_failed(info->samples_failed() + cell->samples_failed());
  }
  if (started_us.has_value()) *info->mutable_started_at() = TimestampFromMicros(*started_us);
  return absl::OkStatus();
}

}  // namespace

std::string SweepStateText(v1::SweepState state) {
  switch (state) {
    case v1::SWEEP_STATE_RUNNING:
      return "running";
    case v1::SWEEP_STATE_SUCCEEDED:
      return "succeeded";
    case v1::SWEEP_STATE_FAILED:
      return "failed";
    case v1::SWEEP_STATE_CANCELLED:
      return "cancelled";
    default:
      return "unknown";
  }
}

absl::StatusOr<int64_t> InsertSweep(pqxx::work& w, const std::string& name,
                                    const std::string& spec_yaml, const std::string& source_name,
                                    int priority,
                                    const std::map<std::string, std::string>& labels) {
  if (name.empty()) return absl::InvalidArgumentError("sweep with an empty name");
  nlohmann::json label_json = nlohmann::json::object();
  for (const auto& [key, value] : labels) label_json[key] = value;
  return w
      .exec_params1(
          "INSERT INTO sweeps (name, spec_yaml, source_name, priority, labels) "
          "VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id",
          name, spec_yaml, source_name, priority, label_json.dump())[0]
      .as<int64_t>();
}

absl::StatusOr<v1::SweepInfo> GetSweepInfo(pqxx::work& w, int64_t sweep_id) {
  pqxx::result r = w.exec_params(
      "SELECT name, state, priority, labels::text,"
      "  (extract(epoch FROM created_at) * 1000000)::bigint,"
      "  (extract(epoch FROM finished_at) * 1000000)::bigint "
      "FROM sweeps WHERE id = $1",
      sweep_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("unknown sweep ", sweep_id));
  const auto& row = r[0];
  v1::SweepInfo info;
  info.set_sweep_id(sweep_id);
  info.set_name(row[0].as<std::string>());
  info.set_state(StateFromText(row[1].as<std::string>()));
  info.set_priority(row[2].as<int>());
  nlohmann::json labels = nlohmann::json::parse(row[3].as<std::string>(), nullptr, false);
  if (labels.is_object()) {
    for (const auto& [key, value] : labels.items()) {
      (*info.mutable_labels())[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  *info.mutable_created_at() = TimestampFromMicros(row[4].as<int64_t>());
  if (!row[5].is_null()) *info.mutable_finished_at() = TimestampFromMicros(row[5].as<int64_t>());
  JB_RETURN_IF_ERROR(AddCells(w, sweep_id, &info));
  return info;
}

absl::StatusOr<std::vector<v1::SweepInfo>> ListSweeps(pqxx::work& w, int limit) {
  limit = std::clamp(limit, 1, 1000);
  pqxx::result ids = w.exec_params("SELECT id FROM sweeps ORDER BY id DESC LIMIT $1", limit);
  std::vector<v1::SweepInfo> sweeps;
  for (const auto& row : ids) {
    JB_ASSIGN_OR_RETURN(v1::SweepInfo info, GetSweepInfo(w, row[0].as<int64_t>()));
    sweeps.push_back(std::move(info));
  }
  return sweeps;
}

namespace {

// Whether the sweep has a pending or leased shard. ORDER BY state is an order only
// shards_sweep gives: statistics taken at submission say every shard is open, and without it
// the planner answers LIMIT 1 with a scan of the table from its start, past every shard
// already finished (of this sweep and all before it).
bool HasOpenShard(pqxx::work& w, int64_t sweep_id) {
  return !ExecPrepared(w, "jb_sweep_has_open_shard",
                       "SELECT 1 FROM shards WHERE sweep_id = $1 AND state IN ('pending', "
                       "'leased') ORDER BY state LIMIT 1",
                       sweep_id)
              .empty();
}

}  // namespace

std::string SweepHasPendingSql(absl::string_view sweep_id) {
  // The ORDER BY is that of shards_claimable_by_sweep after its sweep_id, backwards: claims
  // take shards from the front of that index, and until vacuum removes their entries every
  // scan from the front steps over them (a hundred pages a probe at 1,000 claims a second);
  // the back stays pending until the end. An order only that index gives is needed anyway:
  // statistics taken at submission say every shard is pending, so without one the planner
  // scans the table from its start, past every finished shard. A scalar subquery, not
  // EXISTS: PostgreSQL drops the ORDER BY of an EXISTS.
  return absl::StrCat(
      "((SELECT 1 FROM shards pending WHERE pending.sweep_id = ", sweep_id,
      " AND pending.state = 'pending' ORDER BY pending.hardware_class DESC, pending.model DESC,"
      " pending.priority, pending.id DESC LIMIT 1) IS NOT NULL)");
}

absl::StatusOr<v1::SweepState> RefreshSweepState(pqxx::work& w, int64_t sweep_id) {
  // Fast path, without any lock: a pending shard means the sweep goes on. For it to be wrong,
  // that shard would have to be leased, run and completed while this transaction is open,
  // with that completion not yet seeing this one; the reaper's periodic RefreshRunningSweeps
  // finishes such a sweep. Locking a shard here instead made completions block heartbeats
  // and claims under load. Only the tail of a sweep (open shards, none pending) takes the
  // sweep's row lock, which serialises its last completions.
  static const std::string kHasPending = absl::StrCat("SELECT ", SweepHasPendingSql("$1"));
  if (ExecPrepared(w, "jb_sweep_has_pending", kHasPending, sweep_id)[0][0].as<bool>()) {
    return v1::SWEEP_STATE_RUNNING;
  }
  pqxx::result r = w.exec_params("SELECT state FROM sweeps WHERE id = $1 FOR UPDATE", sweep_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("unknown sweep ", sweep_id));
  std::string state = r[0][0].as<std::string>();
  if (state != "running") return StateFromText(state);
  // A new statement after the lock: under READ COMMITTED it sees shards committed meanwhile.
  // The lock is held to the commit and every completion that gets here takes it, so of two
  // completions finishing the last two shards, the second sees the first's commit.
  if (HasOpenShard(w, sweep_id)) return v1::SWEEP_STATE_RUNNING;
  if (w.exec_params("SELECT 1 FROM shards WHERE sweep_id = $1 LIMIT 1", sweep_id).empty()) {
    return v1::SWEEP_STATE_RUNNING;  // no shards yet
  }
  const bool failed = w.exec_params1(
                           "SELECT EXISTS (SELECT 1 FROM shards WHERE sweep_id = $1 AND state = "
                           "'failed')",
                           sweep_id)[0]
                          .as<bool>();
  state = failed ? "failed" : "succeeded";
  // The end of a sweep is reported to users (`submit --wait`): this commit waits for the disk,
  // and with it every lease write before it (shard_queue.h).
  w.exec_params1(
      "UPDATE sweeps SET state = $2, finished_at = now() WHERE id = $1 "
      "RETURNING set_config('synchronous_commit', 'on', true)",
      sweep_id, state);
  return StateFromText(state);
}

absl::StatusOr<int> RefreshRunningSweeps(pqxx::work& w) {
  // Only sweeps without open shards can change; skip the rest without locking them. One
  // probe per running sweep: an anti-join here read the whole table on every reaper pass.
  int finished = 0;
  for (const auto& row : w.exec("SELECT id FROM sweeps WHERE state = 'running' ORDER BY id")) {
    const auto sweep_id = row[0].as<int64_t>();
    if (HasOpenShard(w, sweep_id)) continue;
    JB_ASSIGN_OR_RETURN(v1::SweepState state, RefreshSweepState(w, sweep_id));
    if (state != v1::SWEEP_STATE_RUNNING) ++finished;
  }
  return finished;
}

absl::StatusOr<int> CancelSweep(pqxx::work& w, int64_t sweep_id) {
  pqxx::result r = w.exec_params("SELECT state FROM sweeps WHERE id = $1", sweep_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("unknown sweep ", sweep_id));
  if (r[0][0].as<std::string>() != "running") return 0;
  // Shards first, then the sweep: the order every other writer uses.
  pqxx::result cancelled = w.exec_params(
      "UPDATE shards SET state = 'cancelled', finished_at = now(), lease_expires_at = NULL "
      "WHERE sweep_id = $1 AND state IN ('pending', 'leased')",
      sweep_id);
  w.exec_params0(
      "UPDATE sweeps SET state = 'cancelled', finished_at = now() "
      "WHERE id = $1 AND state = 'running'",
      sweep_id);
  return static_cast<int>(cancelled.affected_rows());
}

}  // namespace jb::storage
