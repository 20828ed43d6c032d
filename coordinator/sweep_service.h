// SweepService: the admin API's logic (submit, inspect, cancel sweeps; list workers), over the
// database. The gRPC adapter (grpc_services.h) only unpacks calls and forwards them here, so
// tests call this class directly.
//
// Submission is all or nothing: the spec is parsed, its suites resolved and validated, its
// models checked, and only then are suites, models, the sweep and its shards written in one
// transaction. Any error before the commit writes nothing.
// Thread-safety: safe for concurrent calls (each call uses its own transaction).
#pragma once

#include "absl/status/statusor.h"
#include "joulebench/v1/admin.pb.h"
#include "storage/database.h"

namespace jb::coordinator {

class SweepService {
 public:
  explicit SweepService(storage::Database* db) : db_(db) {}

  // INVALID_ARGUMENT naming file, line and field for a bad spec, an unknown task, or a bare
  // model name the coordinator has never seen; UNAVAILABLE when the database is down.
  absl::StatusOr<joulebench::v1::SubmitSweepResponse> Submit(
      const joulebench::v1::SubmitSweepRequest& request);
  // NOT_FOUND for an unknown sweep.
  absl::StatusOr<joulebench::v1::SweepInfo> Get(int64_t sweep_id);
  absl::StatusOr<joulebench::v1::ListSweepsResponse> List(uint32_t limit);
  // NOT_FOUND for an unknown sweep; cancelling a finished sweep cancels nothing and is OK.
  absl::StatusOr<joulebench::v1::CancelSweepResponse> Cancel(int64_t sweep_id);
  absl::StatusOr<joulebench::v1::ListWorkersResponse> ListWorkers();
  // Seals every ended, unsealed sweep (storage/sealed_cells.h), each in its own transaction,
  // and returns how many, then refreshes the leaderboard if any was sealed; the reaper calls
  // it on every pass. A sweep that fails to seal is
  // logged and stays unsealed (its cells read live) and the others are still sealed.
  int SealEndedSweeps();

 private:
  storage::Database* db_;  // Not owned.
};

}  // namespace jb::coordinator
