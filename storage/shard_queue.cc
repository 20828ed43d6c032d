#include "storage/shard_queue.h"

#include <algorithm>
#include <pqxx/result>
#include <pqxx/stream_to>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "storage/sql_values.h"
#include "storage/sweep_repository.h"

namespace jb::storage {

absl::Status LeaseLostError(pqxx::work& w, int64_t shard_id, const std::string& worker_id,
                            int64_t epoch) {
  pqxx::result r = w.exec_params(
      "SELECT state, COALESCE(lease_owner, ''), lease_epoch FROM shards WHERE id = $1", shard_id);
  std::string why = "shard does not exist";
  if (!r.empty()) {
    why = absl::StrCat("shard is ", r[0][0].as<std::string>(), " at epoch ", r[0][2].as<int64_t>());
    std::string owner = r[0][1].as<std::string>();
    if (!owner.empty() && owner != worker_id) absl::StrAppend(&why, ", last held by ", owner);
  }
  return absl::AbortedError(absl::StrCat("lease on shard ", shard_id, " epoch ", epoch,
                                         " is no longer held (", why, ")"));
}

absl::StatusOr<int> InsertShards(pqxx::work& w, int64_t sweep_id,
                                 const std::vector<PlannedShard>& shards) {
  for (const PlannedShard& s : shards) {
    if (s.sample_end <= s.sample_begin || s.sample_begin < 0 || s.max_attempts < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shard ", s.model, "/", s.task, "/", s.hardware_class, ": bad sample range [",
          s.sample_begin, ", ", s.sample_end, ") or max_attempts ", s.max_attempts));
    }
  }
  if (shards.empty()) return 0;
  // COPY: a large sweep plans thousands of shards. Column names are constants (libpqxx 6.4
  // does not quote them).
  pqxx::stream_to stream(
      w, "shards",
      std::vector<std::string>{"sweep_id", "model", "suite_hash", "task", "hardware_class",
                               "sweep_repeat", "sample_begin", "sample_end", "settings", "priority",
                               "max_attempts"});
  for (const PlannedShard& s : shards) {
    stream << std::make_tuple(sweep_id, s.model, s.suite_hash, s.task, s.hardware_class,
                              s.sweep_repeat, s.sample_begin, s.sample_end,
                              s.settings_json.empty() ? std::string("{}") : s.settings_json,
                              s.priority, s.max_attempts);
  }
  stream.complete();
  return static_cast<int>(shards.size());
}

absl::Status AnalyzeShards(pqxx::work& w) {
  w.exec0("ANALYZE shards");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<LeasedShard>> AcquireShard(pqxx::work& w, const std::string& worker_id,
                                                        absl::Duration lease_ttl) {
  // The worker's row, and where it could take a shard: one (running sweep, served model) pair
  // per row, with the best pending shard's priority and id, each an index probe
  // (shards_claimable_by_sweep, whose order is only usable for one model at a time: `model =
  // ANY (...)` made PostgreSQL sort every pending shard of the sweep on every claim). An
  // inactive worker, or one without work, gets one row with NULL candidate columns.
  struct Candidate {
    int64_t sweep_id;
    std::string model;
    int priority;
    int64_t first_shard;
    int64_t leased = 0;
  };
  pqxx::result rows = ExecPrepared(
      w, "jb_claim_candidates",
      "SELECT wk.hardware_class, c.sweep_id, c.model, c.priority, c.first_shard "
      "FROM workers wk LEFT JOIN LATERAL ("
      "  SELECT sw.id AS sweep_id, m.name AS model, best.priority, best.id AS first_shard"
      "  FROM sweeps sw CROSS JOIN unnest(wk.served_models) AS m(name) CROSS JOIN LATERAL ("
      "    SELECT s.priority, s.id FROM shards s"
      "    WHERE s.sweep_id = sw.id AND s.hardware_class = wk.hardware_class"
      "      AND s.model = m.name AND s.state = 'pending' AND s.not_before <= now()"
      "    ORDER BY s.priority DESC, s.id LIMIT 1) best"
      "  WHERE sw.state = 'running' AND wk.state = 'active') c ON true "
      "WHERE wk.id = $1",
      worker_id);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("unknown worker ", worker_id, "; register again"));
  }
  const std::string hardware_class = rows[0][0].as<std::string>();
  std::vector<Candidate> candidates;
  std::set<int64_t> sweep_ids;
  for (const auto& row : rows) {
    if (row[1].is_null()) continue;
    candidates.push_back(
        {row[1].as<int64_t>(), row[2].as<std::string>(), row[3].as<int>(), row[4].as<int64_t>()});
    sweep_ids.insert(candidates.back().sweep_id);
  }
  // Best first: the highest priority, then the sweep with the fewest shards running now
  // (concurrent sweeps share the workers instead of the oldest taking them all; counted only
  // when there is a choice of sweeps), then the oldest sweep, then the lowest shard id.
  if (sweep_ids.size() > 1) {
    for (const auto& row :
         w.exec_params("SELECT sweep_id, count(*) FROM shards WHERE state = 'leased'"
                       " AND sweep_id = ANY ($1::bigint[]) GROUP BY sweep_id",
                       absl::StrCat("{", absl::StrJoin(sweep_ids, ","), "}"))) {
      for (Candidate& c : candidates) {
        if (c.sweep_id == row[0].as<int64_t>()) c.leased = row[1].as<int64_t>();
      }
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(b.priority, a.leased, a.sweep_id, a.first_shard) <
           std::tie(a.priority, b.leased, b.sweep_id, b.first_shard);
  });
  // From the candidate's shard on, at its priority: claimed shards leave their entries at
  // the front of shards_claimable_by_sweep until vacuum removes them, and a scan from the
  // front steps over every one (the candidate probe has done that once already). OF s: lock
  // only the shard; locking the sweep row too would make concurrent acquirers skip every
  // shard of a sweep another one is leasing from. A shard another acquirer holds is
  // skipped; when none is left at that priority, the next candidate is tried, and when
  // none is left at all the worker asks again after retry_after. The model's row comes
  // along for the lease (shards.model references it, so the join always matches).
  static const std::string kClaim = absl::StrCat(
      "WITH candidate AS ("
      "  SELECT s.id FROM shards s JOIN sweeps sw ON sw.id = s.sweep_id"
      "  WHERE s.sweep_id = $5 AND s.state = 'pending' AND s.not_before <= now()"
      "    AND sw.state = 'running' AND s.hardware_class = $2 AND s.model = $3"
      "    AND s.priority = $6 AND s.id >= $7"
      "  ORDER BY s.priority DESC, s.id"
      "  LIMIT 1"
      "  FOR UPDATE OF s SKIP LOCKED) "
      "UPDATE shards t SET state = 'leased', lease_owner = $1, lease_epoch = t.lease_epoch + 1,"
      "  attempts = t.attempts + 1, progress_samples = 0,"
      "  lease_expires_at = now() + $4::double precision * interval '1 second',"
      "  started_at = COALESCE(t.started_at, now()) "
      "FROM candidate, models m WHERE t.id = candidate.id AND m.name = t.model "
      "RETURNING t.id, t.sweep_id, t.model, t.suite_hash, t.task, t.hardware_class,"
      "  t.sweep_repeat, t.sample_begin, t.sample_end, t.settings::text, t.lease_epoch,"
      "  t.attempts, (extract(epoch FROM t.lease_expires_at) * 1000000)::bigint,"
      "  COALESCE(m.parameters, 0), COALESCE(m.active_parameters, 0), m.family, ",
      kAsyncCommitSql);
  pqxx::result r;
  for (const Candidate& candidate : candidates) {
    r = ExecPrepared(w, "jb_claim", kClaim, worker_id, hardware_class, candidate.model,
                     absl::ToDoubleSeconds(lease_ttl), candidate.sweep_id, candidate.priority,
                     candidate.first_shard);
    if (!r.empty()) break;
  }
  if (r.empty()) return std::nullopt;
  const auto& row = r[0];
  LeasedShard shard;
  shard.shard_id = row[0].as<int64_t>();
  shard.sweep_id = row[1].as<int64_t>();
  shard.model = row[2].as<std::string>();
  shard.suite_hash = row[3].as<std::string>();
  shard.task = row[4].as<std::string>();
  shard.hardware_class = row[5].as<std::string>();
  shard.sweep_repeat = row[6].as<int>();
  shard.sample_begin = row[7].as<int>();
  shard.sample_end = row[8].as<int>();
  shard.settings_json = row[9].as<std::string>();
  shard.epoch = row[10].as<int64_t>();
  shard.attempt = row[11].as<int>();
  shard.lease_expires_at = absl::FromUnixMicros(row[12].as<int64_t>());
  shard.model_spec.set_name(shard.model);
  shard.model_spec.set_parameters(row[13].as<double>());
  shard.model_spec.set_active_parameters(row[14].as<double>());
  shard.model_spec.set_family(row[15].as<std::string>());
  return shard;
}

absl::StatusOr<bool> RecordHeartbeat(pqxx::work& w, const Heartbeat& heartbeat,
                                     absl::Duration lease_ttl) {
  const std::string& state = heartbeat.state;
  if (!state.empty() && state != "active" && state != "draining" && state != "unhealthy" &&
      state != "lost") {
    return absl::InvalidArgumentError(absl::StrCat("unknown worker state '", state, "'"));
  }
  // One round trip: heartbeats are a third of all lease traffic.
  static const std::string kRecord = absl::StrCat(
      "WITH worker AS ("
      "  UPDATE workers SET last_heartbeat_at = now(),"
      "    state = CASE WHEN $4 = '' THEN state ELSE $4 END,"
      "    detail = CASE WHEN $4 = '' THEN detail ELSE $5 END"
      "  WHERE id = $2 RETURNING 1), "
      "lease AS ("
      "  UPDATE shards SET lease_expires_at = now() + $7::double precision * interval '1 second',"
      "    progress_samples = $6 WHERE ",
      kLeaseHeldSql,
      " RETURNING 1) "
      "SELECT (SELECT count(*) FROM worker), (SELECT count(*) FROM lease), ",
      kAsyncCommitSql);
  pqxx::row r = ExecPrepared(w, "jb_record_heartbeat", kRecord, heartbeat.shard_id,
                             heartbeat.worker_id, heartbeat.epoch, state, heartbeat.detail,
                             heartbeat.progress_samples, absl::ToDoubleSeconds(lease_ttl))[0];
  if (r[0].as<int>() == 0) {
    return absl::NotFoundError(
        absl::StrCat("unknown worker ", heartbeat.worker_id, "; register again"));
  }
  return r[1].as<int>() == 1;
}

absl::StatusOr<CompleteResult> CompleteShard(pqxx::work& w, int64_t shard_id,
                                             const std::string& worker_id, int64_t epoch,
                                             int64_t results_reported) {
  // One statement for the common case: count the stored results, complete the shard, and
  // answer whether its sweep still has a pending shard (then the sweep goes on and
  // RefreshSweepState has nothing to do).
  static const std::string kComplete = absl::StrCat(
      "WITH stored AS (SELECT count(*) AS n FROM sample_results WHERE shard_id = $1) "
      "UPDATE shards SET state = 'succeeded', finished_at = now(), lease_expires_at = NULL "
      "FROM stored WHERE ",
      kLeaseHeldSql, " AND stored.n >= $4 RETURNING sweep_id, ",
      SweepHasPendingSql("shards.sweep_id"), ", ", kAsyncCommitSql);
  pqxx::result r =
      ExecPrepared(w, "jb_complete_shard", kComplete, shard_id, worker_id, epoch, results_reported);
  if (r.empty()) {
    // Why not: completed already by this lease, too few results, or the lease is lost.
    pqxx::result mine = w.exec_params(
        "SELECT state, (SELECT count(*) FROM sample_results WHERE shard_id = $1) FROM shards "
        "WHERE id = $1 AND lease_owner = $2 AND lease_epoch = $3",
        shard_id, worker_id, epoch);
    const std::string state = mine.empty() ? "" : mine[0][0].as<std::string>();
    if (state == "succeeded") return CompleteResult{false};
    if (state == "leased") {
      return absl::FailedPreconditionError(
          absl::StrCat("shard ", shard_id, ": the worker reported ", results_reported,
                       " results but ", mine[0][1].as<int64_t>(), " are stored"));
    }
    return LeaseLostError(w, shard_id, worker_id, epoch);
  }
  if (!r[0][1].as<bool>()) {
    JB_RETURN_IF_ERROR(RefreshSweepState(w, r[0][0].as<int64_t>()).status());
  }
  return CompleteResult{true};
}

absl::StatusOr<FailResult> FailShard(pqxx::work& w, int64_t shard_id, const std::string& worker_id,
                                     int64_t epoch, const std::string& error, bool permanent,
                                     absl::Duration backoff_base, absl::Duration backoff_max) {
  // Every SET expression sees the row before the update.
  pqxx::result r = w.exec_params(
      absl::StrCat(
          "UPDATE shards SET "
          "  state = CASE WHEN $5::boolean OR attempts >= max_attempts THEN 'failed' "
          "               ELSE 'pending' END,"
          "  not_before = CASE WHEN $5::boolean OR attempts >= max_attempts THEN not_before"
          "    ELSE now() + LEAST($6::double precision * power(2, LEAST(attempts - 1, 30)),"
          "                       $7::double precision) * interval '1 second' END,"
          "  finished_at = CASE WHEN $5::boolean OR attempts >= max_attempts THEN now() END,"
          "  last_error = $4, lease_expires_at = NULL "
          "WHERE ",
          kLeaseHeldSql,
          " RETURNING state, sweep_id, "
          "  GREATEST(extract(epoch FROM not_before - now()), 0)::double precision, ",
          kAsyncCommitSql),
      shard_id, worker_id, epoch, error.substr(0, 4000), permanent,
      absl::ToDoubleSeconds(backoff_base), absl::ToDoubleSeconds(backoff_max));
  if (r.empty()) return LeaseLostError(w, shard_id, worker_id, epoch);
  FailResult result;
  result.will_retry = r[0][0].as<std::string>() == "pending";
  if (result.will_retry) {
    result.retry_after = absl::Seconds(r[0][2].as<double>());
  } else {
    JB_RETURN_IF_ERROR(RefreshSweepState(w, r[0][1].as<int64_t>()).status());
  }
  return result;
}

absl::StatusOr<int> ReapExpiredLeases(pqxx::work& w) {
  pqxx::result r = w.exec(
      "WITH expired AS ("
      "  SELECT id FROM shards WHERE state = 'leased' AND lease_expires_at < now()"
      "  ORDER BY id FOR UPDATE SKIP LOCKED) "
      "UPDATE shards s SET"
      "  state = CASE WHEN s.attempts >= s.max_attempts THEN 'failed' ELSE 'pending' END,"
      "  finished_at = CASE WHEN s.attempts >= s.max_attempts THEN now() END,"
      "  last_error = 'lease expired (held by ' || COALESCE(s.lease_owner, '?') ||"
      "               ', epoch ' || s.lease_epoch || ')',"
      "  lease_expires_at = NULL "
      "FROM expired WHERE s.id = expired.id "
      "RETURNING s.state, s.sweep_id");
  std::set<int64_t> finished_sweeps;
  for (const auto& row : r) {
    if (row[0].as<std::string>() == "failed") finished_sweeps.insert(row[1].as<int64_t>());
  }
  for (int64_t sweep_id : finished_sweeps) {
    JB_RETURN_IF_ERROR(RefreshSweepState(w, sweep_id).status());
  }
  return static_cast<int>(r.size());
}

namespace {

constexpr char kShardRecordColumns[] =
    "SELECT id, sweep_id, model, task, hardware_class, sample_begin, sample_end, state,"
    "  attempts, max_attempts, COALESCE(lease_owner, ''), lease_epoch, progress_samples,"
    "  last_error, (extract(epoch FROM not_before) * 1000000)::bigint FROM shards ";

ShardRecord ShardFromRow(const pqxx::row& row) {
  ShardRecord s;
  s.shard_id = row[0].as<int64_t>();
  s.sweep_id = row[1].as<int64_t>();
  s.model = row[2].as<std::string>();
  s.task = row[3].as<std::string>();
  s.hardware_class = row[4].as<std::string>();
  s.sample_begin = row[5].as<int>();
  s.sample_end = row[6].as<int>();
  s.state = row[7].as<std::string>();
  s.attempts = row[8].as<int>();
  s.max_attempts = row[9].as<int>();
  s.lease_owner = row[10].as<std::string>();
  s.epoch = row[11].as<int64_t>();
  s.progress_samples = row[12].as<int>();
  s.last_error = row[13].as<std::string>();
  s.not_before = absl::FromUnixMicros(row[14].as<int64_t>());
  return s;
}

}  // namespace

absl::StatusOr<ShardRecord> GetShard(pqxx::work& w, int64_t shard_id) {
  pqxx::result r = w.exec_params(absl::StrCat(kShardRecordColumns, "WHERE id = $1"), shard_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("unknown shard ", shard_id));
  return ShardFromRow(r[0]);
}

absl::StatusOr<std::vector<ShardRecord>> ListShardErrors(pqxx::work& w, int64_t sweep_id) {
  std::vector<ShardRecord> shards;
  for (const auto& row : w.exec_params(absl::StrCat(kShardRecordColumns,
                                                    "WHERE sweep_id = $1 AND last_error <> '' "
                                                    "ORDER BY state <> 'failed', id"),
                                       sweep_id)) {
    shards.push_back(ShardFromRow(row));
  }
  return shards;
}

}  // namespace jb::storage
