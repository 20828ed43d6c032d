// ShardQueue: the work queue, as rows of `shards` (DESIGN.md section 2). Coordinators are
// stateless; every replica runs these statements against the same table.
//
// A shard's lifecycle:
//   1. PENDING: inserted by InsertShards; leasable once not_before has passed and its sweep
//      is running.
//   2. LEASED: AcquireShard gave it to one worker under a new epoch (the fencing token) until
//      lease_expires_at; RecordHeartbeat extends it. Every write about the shard names
//      (shard, worker, epoch) and is refused with kAborted when that lease is no longer held
//      (kLeaseHeldSql; InsertResults in result_repository.h checks it too).
//   3. SUCCEEDED: CompleteShard. FAILED: FailShard after max_attempts (or permanent), or the
//      reaper after max_attempts. Otherwise FailShard and the reaper return it to PENDING
//      (FailShard with exponential backoff in not_before).
//   4. CANCELLED: its sweep was cancelled (sweep_repository.h).
// A shard's final transition refreshes its sweep's state in the same transaction
// (RefreshSweepState), so the last shard of a sweep finishes the sweep.
//
// Durability: the writes of a lease (AcquireShard, RecordHeartbeat, InsertResults,
// CompleteShard, FailShard) set their transaction to commit without waiting for its WAL to
// reach the disk (kAsyncCommitSql). A PostgreSQL crash may then lose the last fraction of a
// second of them (at most three wal_writer_delay), never part of one, and losing one only
// repeats work: the shard's lease is back as it was, expires, and the shard runs again, its
// results keyed by (shard, sample, repeat) stored once. A commit waiting for the disk waited
// for every other one's too: on this project's VM one slow flush held every connection for
// 60 ms at once (bench/scheduler_bench.cc). The transaction that ends a sweep waits
// (RefreshSweepState), and with it everything committed before it.
//
// Functions take the caller's transaction so a lease check and the write it guards commit
// together; libpqxx exceptions propagate to Database::Transact. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "joulebench/v1/common.pb.h"

namespace jb::storage {

// A shard as the planner makes it.
struct PlannedShard {
  std::string model;       // must exist in `models`
  std::string suite_hash;  // must exist in `suites`
  std::string task;        // suite name, for reports
  std::string hardware_class;
  int sweep_repeat = 0;
  int sample_begin = 0;  // samples [sample_begin, sample_end) of the suite
  int sample_end = 0;
  // JSON object: generation settings, concurrency, idle_baseline_s (free-form for storage).
  std::string settings_json = "{}";
  int priority = 0;  // higher is leased first
  int max_attempts = 3;
};

// What AcquireShard hands out.
struct LeasedShard {
  int64_t shard_id = 0;
  int64_t sweep_id = 0;
  std::string model;
  joulebench::v1::ModelSpec model_spec;  // the `models` row of `model`
  std::string suite_hash;
  std::string task;
  std::string hardware_class;
  int sweep_repeat = 0;
  int sample_begin = 0;
  int sample_end = 0;
  std::string settings_json;
  int64_t epoch = 0;  // fencing token of this lease
  int attempt = 0;    // 1-based
  absl::Time lease_expires_at;
};

// A shard row as it is now (for status pages and tests).
struct ShardRecord {
  int64_t shard_id = 0;
  int64_t sweep_id = 0;
  std::string model;
  std::string task;
  std::string hardware_class;
  int sample_begin = 0;
  int sample_end = 0;
  std::string state;  // pending | leased | succeeded | failed | cancelled
  int attempts = 0;
  int max_attempts = 0;
  std::string lease_owner;  // "" when never leased
  int64_t epoch = 0;
  int progress_samples = 0;
  std::string last_error;
  absl::Time not_before;
};

struct CompleteResult {
  // False when this lease had already completed the shard (a repeated call).
  bool completed = false;
};

struct FailResult {
  bool will_retry = false;
  // Delay before the shard is leasable again; zero when it will not retry.
  absl::Duration retry_after;
};

// Inserts pending shards of a sweep (COPY). Returns how many. kInvalidArgument for an empty
// range or max_attempts < 1; an unknown model, suite or sweep fails with kFailedPrecondition
// (23503) and a repeated (sweep, model, suite, class, repeat, begin) with kAlreadyExists.
absl::StatusOr<int> InsertShards(pqxx::work& w, int64_t sweep_id,
                                 const std::vector<PlannedShard>& shards);

// Refreshes the planner's statistics on `shards` (ANALYZE); run it after inserting a sweep's
// shards. Until autovacuum gets to the table (a minute or more), PostgreSQL estimates a new
// sweep at about one shard and may plan AcquireShard as a sort of all its pending shards:
// 60 ms per claim instead of 0.3 ms with 30,000 of them (bench/scheduler_bench.cc).
absl::Status AnalyzeShards(pqxx::work& w);

// Leases the best pending shard for worker_id, read from its `workers` row (FOR UPDATE SKIP
// LOCKED, so concurrent callers never get the same shard): state pending, not_before passed,
// sweep running, model among the worker's served models, hardware class the worker's. Best:
// the highest priority first; between sweeps of equal priority, the sweep with the fewest
// shards leased now (fairness: concurrent sweeps share the workers), then the older sweep;
// within a sweep, the lowest id. Sets it leased to worker_id for lease_ttl with epoch + 1 and
// attempts + 1. nullopt when none matches or the worker is not active (draining, unhealthy,
// lost), and when concurrent callers took every shard of the priority it found first (it
// asks again); kNotFound for an unknown worker.
absl::StatusOr<std::optional<LeasedShard>> AcquireShard(pqxx::work& w, const std::string& worker_id,
                                                        absl::Duration lease_ttl);

// What a worker's heartbeat says.
struct Heartbeat {
  std::string worker_id;
  // "" keeps the worker's state and detail; otherwise active, draining, unhealthy or lost,
  // with `detail` saying why.
  std::string state;
  std::string detail;
  int64_t shard_id = 0;  // the lease it holds, 0 for none
  int64_t epoch = 0;
  int progress_samples = 0;
};

// Records a heartbeat in one statement: the worker's last_heartbeat_at (and its state and
// detail when given), and when it holds a lease, extends that lease to now + lease_ttl with
// its progress. Returns whether (shard, worker, epoch) holds the lease (false, renewing
// nothing, when it does not, or for shard 0). The transaction commits without waiting for
// its WAL flush: a heartbeat lost in a database crash only lets a lease expire a little
// sooner, and the next one comes a third of the TTL later. kNotFound for an unknown worker
// (it should register again), kInvalidArgument for an unknown state.
absl::StatusOr<bool> RecordHeartbeat(pqxx::work& w, const Heartbeat& heartbeat,
                                     absl::Duration lease_ttl);

// An SQL expression that makes the current transaction commit without waiting for its WAL
// flush (SET LOCAL synchronous_commit = off); lease writes evaluate it as part of a
// statement they run anyway, saving a round trip.
inline constexpr char kAsyncCommitSql[] = "set_config('synchronous_commit', 'off', true)";

// SQL condition on a `shards` row: (id $1, lease_owner $2, lease_epoch $3) holds the lease.
// Every write by a worker about a shard is guarded by it.
inline constexpr char kLeaseHeldSql[] =
    "id = $1 AND lease_owner = $2 AND lease_epoch = $3 AND state = 'leased'";

// kAborted "lease on shard N epoch E is no longer held (why)", where why is the shard's state
// now; for a write guarded by kLeaseHeldSql that found no row.
absl::Status LeaseLostError(pqxx::work& w, int64_t shard_id, const std::string& worker_id,
                            int64_t epoch);

// Marks the shard succeeded, when at least `results_reported` results of it are stored (the
// worker's count of results it sent; kFailedPrecondition otherwise). Idempotent: repeated by
// the same lease after success it returns completed=false and OK. kAborted when the lease is
// held by another epoch or was lost.
absl::StatusOr<CompleteResult> CompleteShard(pqxx::work& w, int64_t shard_id,
                                             const std::string& worker_id, int64_t epoch,
                                             int64_t results_reported = 0);

// Records a failed attempt with `error` as last_error. When not permanent and attempts <
// max_attempts the shard returns to pending, leasable after min(backoff_max, backoff_base *
// 2^(attempts - 1)); otherwise it is failed. kAborted when the lease is not held.
absl::StatusOr<FailResult> FailShard(pqxx::work& w, int64_t shard_id, const std::string& worker_id,
                                     int64_t epoch, const std::string& error, bool permanent,
                                     absl::Duration backoff_base,
                                     absl::Duration backoff_max = absl::Minutes(10));

// Returns leases expired by the database clock to pending, or fails them when attempts reached
// max_attempts (last_error "lease expired (...)"). Skips rows locked by others. Returns how
// many it changed.
absl::StatusOr<int> ReapExpiredLeases(pqxx::work& w);

// kNotFound for an unknown id.
absl::StatusOr<ShardRecord> GetShard(pqxx::work& w, int64_t shard_id);

// The sweep's shards that recorded an error (last_error): failed ones first, then those
// pending a retry (or run again since), each by id. Empty for an unknown sweep.
absl::StatusOr<std::vector<ShardRecord>> ListShardErrors(pqxx::work& w, int64_t sweep_id);

}  // namespace jb::storage
