// Results: scored sample results of shards (`sample_results`), keyed by (shard, sample,
// repeat) so a retried or duplicated report never double-counts.
//
// Results are written only under the lease that ran them: InsertResults checks it.
// Functions take the caller's transaction; libpqxx exceptions propagate to Database::Transact.
// Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::storage {

struct InsertResultsOutcome {
  int inserted = 0;
  // Results whose (shard, sample, repeat) was already stored, or repeated within the batch;
  // the stored row is kept.
  int duplicates = 0;
};

// Reports of at least this many results are stored through COPY; smaller ones, such as the
// rest a completion carries, with one INSERT of JSON rows (COPY costs two round trips).
inline constexpr size_t kCopyResultsFrom = 32;

// Stores results of `shard_id` written under lease `epoch` by `worker_id`, after checking
// that this lease is held (then share-locking the shard so the lease cannot be taken away
// before the transaction commits; kAborted, storing nothing, when it is not held, as for an
// unknown shard): COPY into the connection's temporary staging table (created on first
// use) and one INSERT ... ON CONFLICT DO NOTHING from it, or for fewer than
// kCopyResultsFrom results that INSERT from JSON rows. TTFT and TPOT are NULL for requests
// that did not stream, energy_j NULL while 0 (not yet apportioned). kInvalidArgument, storing
// nothing, when a sample index lies outside the shard's range. With no results it only
// checks the lease.
absl::StatusOr<InsertResultsOutcome> InsertResults(
    pqxx::work& w, int64_t shard_id, int64_t epoch, const std::string& worker_id,
    const std::vector<joulebench::v1::SampleResult>& results);

// Attributes a shard's measured energy to its requests: each result's energy_j becomes
// energy_j x completion_tokens / (the shard's total completion tokens), the output-token
// apportioning of DESIGN.md section 6 (as ML.ENERGY does). Token counts come from the stored
// rows, so the shares sum to energy_j exactly. Returns the rows updated; none when the shard
// produced no tokens. Results keep energy_j NULL when this is never called (no measurement).
absl::StatusOr<int> ApportionShardEnergy(pqxx::work& w, int64_t shard_id, double energy_j);

}  // namespace jb::storage
