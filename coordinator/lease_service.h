// LeaseService: the worker API's logic (register, lease, heartbeat, report, complete, fail),
// over the shard queue in PostgreSQL. The gRPC adapter forwards calls here unchanged.
//
// A shard's lifecycle as this service drives it:
//   1. AcquireShard leases a pending shard whose model the worker serves and whose hardware
//      class it belongs to; the epoch goes up by one (FOR UPDATE SKIP LOCKED: replicas of the
//      coordinator never hand out the same shard).
//   2. Heartbeat renews the lease for another TTL; a lease that is no longer held is reported
//      as revoked.
//   3. ReportSamples stores results under the lease, idempotently per (shard, sample, repeat).
//   4. CompleteShard stores the last results and the measurement and marks the shard
//      succeeded, and can lease the worker's next shard in the same transaction (one call
//      per shard in the common case); FailShard returns it for a retry after backoff, or
//      fails it after max_attempts.
//   5. The reaper (ReapExpiredLeases, run periodically by the server) returns expired leases.
// Every call about a shard checks (shard, worker, epoch) in the same transaction as its write:
// a stale epoch is ABORTED and writes nothing.
// Thread-safety: safe for concurrent calls.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "coordinator/suite_cache.h"
#include "joulebench/v1/coordinator.pb.h"
#include "storage/database.h"

namespace jb::coordinator {

struct LeaseOptions {
  absl::Duration lease_ttl = absl::Seconds(30);
  // Heartbeat interval told to workers; TTL/3 leaves two missed beats of slack.
  absl::Duration heartbeat_interval = absl::Seconds(10);
  // How long an idle worker waits before asking again.
  absl::Duration idle_retry = absl::Seconds(1);
  // First retry delay after a failed attempt; doubles per attempt.
  absl::Duration retry_backoff = absl::Seconds(2);
};

class LeaseService {
 public:
  LeaseService(storage::Database* db, LeaseOptions options) : db_(db), options_(options) {}

  absl::StatusOr<joulebench::v1::RegisterWorkerResponse> RegisterWorker(
      const joulebench::v1::RegisterWorkerRequest& request);
  // NOT_FOUND for an unknown worker id (the worker then registers again).
  absl::StatusOr<joulebench::v1::HeartbeatResponse> Heartbeat(
      const joulebench::v1::HeartbeatRequest& request);
  absl::StatusOr<joulebench::v1::AcquireShardResponse> AcquireShard(
      const joulebench::v1::AcquireShardRequest& request);
  // ABORTED when the lease is not held at this epoch.
  absl::StatusOr<joulebench::v1::ReportSamplesResponse> ReportSamples(
      const joulebench::v1::ReportSamplesRequest& request);
  // Stores `results`, completes the shard and, with lease_next, leases the next one, all in one
  // transaction. ABORTED when the lease is not held at this epoch (or was completed by another
  // epoch); FAILED_PRECONDITION when fewer results are stored than the worker says it
  // reported. A repeat of a call that completed the shard answers completed = false (and
  // leases anew: a next lease the first call committed, unanswered, expires and is reaped).
  absl::StatusOr<joulebench::v1::CompleteShardResponse> CompleteShard(
      const joulebench::v1::CompleteShardRequest& request);
  absl::StatusOr<joulebench::v1::FailShardResponse> FailShard(
      const joulebench::v1::FailShardRequest& request);

  // Returns expired leases to the queue and ends running sweeps without open shards; returns
  // how many leases.
  absl::StatusOr<int> ReapExpiredLeases();
  // Marks workers silent for longer than a lease TTL as "lost" (shown by `joulebench workers`;
  // a lost worker's next heartbeat makes it active again). Returns how many.
  absl::StatusOr<int> MarkLostWorkers();

 private:
  // Leases the best shard for `worker_id` into *response, or sets retry_after_s.
  absl::Status LeaseNext(pqxx::work& tx, const std::string& worker_id,
                         joulebench::v1::AcquireShardResponse* response);

  storage::Database* db_;  // Not owned.
  LeaseOptions options_;
  SuiteCache suites_;  // what AcquireShard hands out of each suite
};

}  // namespace jb::coordinator
