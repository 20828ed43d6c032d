// Sealing: when a sweep has ended (succeeded, failed or cancelled), its rows can no longer
// change, so each of its cells' scores (tasks::AggregateTask, with their intervals) and row
// statistics (counts, latency percentiles) are computed once and stored in `cell_scores` and
// `sealed_cells` (storage/migrations/0010). `cell_metrics` then reads a sealed sweep from
// those tables, and aggregates an unsealed one live from its rows (without scores).
//
// Why a sweep's rows are final once it has ended: results are written only under a held
// lease, and the lease check locks the shard row (FOR SHARE), so the transaction that cancels
// or completes the last shard commits after every report that passed its check; a shard that
// ended is never leased again.
//
// The coordinator's reaper seals ended sweeps on every pass (SealEndedSweeps). Several
// coordinators may run it at once: each sweep is claimed with FOR UPDATE SKIP LOCKED, so it
// is sealed exactly once. Thread-safety: free functions over a caller's transaction.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "pqxx/pqxx"

namespace jb::storage {

// Locks and returns the oldest ended, unsealed sweep with an id above `after_id` that no
// other transaction holds (FOR UPDATE SKIP LOCKED); nullopt when there is none.
std::optional<int64_t> LockNextSealableSweep(pqxx::work& w, int64_t after_id);

// Seals the sweep LockNextSealableSweep returned in this transaction: stores its cells' row
// statistics and scores and sets sealed_at. Errors: a cell's stored task definition or
// metrics do not parse (Internal, naming the cell); the caller then rolls back, so nothing is
// written and the sweep's cells still read live.
absl::Status SealSweep(pqxx::work& w, int64_t sweep_id);

}  // namespace jb::storage
