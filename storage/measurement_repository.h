// Measurements: the energy of one shard's window (`shard_measurements`), with what is needed
// to re-derive carbon and cost later (DESIGN.md section 5: joules are the stored truth).
//
// Written by the lease that completed the shard, after CompleteShard in the same transaction.
// Functions take the caller's transaction; libpqxx exceptions propagate to Database::Transact.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <pqxx/transaction>
#include <string>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::storage {

// Stores the measurement of `shard_id` unless one is stored (ON CONFLICT DO NOTHING); returns
// whether it inserted. Readings and server metadata go to JSONB; gpu/cpu/dram_energy_j are
// the sums of the readings of that domain, NULL when there is none; total_energy_j is NULL
// when there are no readings and the total is 0; carbon intensity is NULL when 0;
// peak_memory_mb is NULL when memory_source is "" (nothing reported the memory). The method
// is stored as its short name (common/energy_method.h: "nvml-energy-counter", "rapl", ...).
// kFailedPrecondition (23503) for an unknown shard.
absl::StatusOr<bool> InsertMeasurement(pqxx::work& w, int64_t shard_id, int64_t epoch,
                                       const std::string& worker_id,
                                       const joulebench::v1::Measurement& measurement);

}  // namespace jb::storage
