// Suites: task definitions and their samples, stored once under the suite's content hash
// (tables `suites` and `suite_samples`). A shard names a suite by hash, and the worker gets
// the definition and its sample range from here, so workers need no suite files.
//
// Sample documents are JSONB: they come back with PostgreSQL's normalised JSON text (key
// order and spacing may differ from the JSONL line; values are equal).
// Functions take the caller's transaction; libpqxx exceptions propagate to Database::Transact.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::storage {

// Stores the suite unless its content hash is already stored (then nothing is written, even
// if the arguments differ: the hash names the content). Returns true when it inserted.
// kInvalidArgument when task.content_hash() or task.name() is empty, or samples[i].index()
// != i. A sample whose doc_json is not JSON throws, which Database::Transact reports as
// kInvalidArgument (22P02).
absl::StatusOr<bool> PutSuite(pqxx::work& w, const joulebench::v1::TaskDefinition& task,
                              const std::vector<joulebench::v1::Sample>& samples);

absl::StatusOr<bool> SuiteExists(pqxx::work& w, const std::string& content_hash);

// The stored task definition. kNotFound for an unknown hash.
absl::StatusOr<joulebench::v1::TaskDefinition> GetTask(pqxx::transaction_base& tx,
                                                       const std::string& content_hash);

// Samples [begin, end) in index order. kNotFound for an unknown hash; kInvalidArgument when
// the range is empty or reaches past the suite's samples.
absl::StatusOr<std::vector<joulebench::v1::Sample>> GetSamples(pqxx::work& w,
                                                               const std::string& content_hash,
                                                               uint32_t begin, uint32_t end);

}  // namespace jb::storage
