#include "coordinator/lease_service.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "coordinator/planner.h"
#include "storage/database.h"
#include "storage/measurement_repository.h"
#include "storage/result_repository.h"
#include "storage/shard_queue.h"
#include "storage/sweep_repository.h"
#include "storage/worker_repository.h"

namespace jb::coordinator {

namespace v1 = joulebench::v1;

absl::StatusOr<v1::RegisterWorkerResponse> LeaseService::RegisterWorker(
    const v1::RegisterWorkerRequest& request) {
  if (request.name().empty()) return absl::InvalidArgumentError("worker name is empty");
  if (request.hardware().hardware_class().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("worker '", request.name(), "' has no hardware class; pass --hardware-class"));
  }
  v1::RegisterWorkerResponse response;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(std::string id,
                        storage::RegisterWorker(tx, request.name(), request.hardware(),
                                                request.server(), request.version()));
    response.set_worker_id(id);
    return absl::OkStatus();
  }));
  response.set_lease_ttl_s(absl::ToDoubleSeconds(options_.lease_ttl));
  response.set_heartbeat_interval_s(absl::ToDoubleSeconds(options_.heartbeat_interval));
  return response;
}

absl::StatusOr<v1::HeartbeatResponse> LeaseService::Heartbeat(const v1::HeartbeatRequest& request) {
  v1::HeartbeatResponse response;
  storage::Heartbeat heartbeat;
  heartbeat.worker_id = request.worker_id();
  heartbeat.state = request.state().empty() ? "active" : request.state();
  heartbeat.detail = request.detail();
  heartbeat.shard_id = request.shard_id();
  heartbeat.epoch = request.epoch();
  heartbeat.progress_samples = static_cast<int>(request.samples_done());
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    response.Clear();
    JB_ASSIGN_OR_RETURN(bool held, storage::RecordHeartbeat(tx, heartbeat, options_.lease_ttl));
    if (request.shard_id() == 0) return absl::OkStatus();
    if (held) {
      response.set_lease_remaining_s(absl::ToDoubleSeconds(options_.lease_ttl));
    } else {
      response.set_revoked(true);
      response.set_reason(absl::StrCat("the lease on shard ", request.shard_id(), " at epoch ",
                                       request.epoch(),
                                       " is no longer held (expired, re-leased or cancelled)"));
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::AcquireShardResponse> LeaseService::AcquireShard(
    const v1::AcquireShardRequest& request) {
  v1::AcquireShardResponse response;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    response.Clear();
    return LeaseNext(tx, request.worker_id(), &response);
  }));
  return response;
}

absl::Status LeaseService::LeaseNext(pqxx::work& tx, const std::string& worker_id,
                                     v1::AcquireShardResponse* response) {
  JB_ASSIGN_OR_RETURN(std::optional<storage::LeasedShard> leased,
                      storage::AcquireShard(tx, worker_id, options_.lease_ttl));
  if (!leased.has_value()) {
    response->set_retry_after_s(absl::ToDoubleSeconds(options_.idle_retry));
    return absl::OkStatus();
  }
  v1::Shard* shard = response->mutable_shard();
  shard->set_shard_id(leased->shard_id);
  shard->set_sweep_id(leased->sweep_id);
  shard->set_hardware_class(leased->hardware_class);
  shard->set_sweep_repeat(leased->sweep_repeat);
  shard->set_sample_begin(leased->sample_begin);
  shard->set_sample_end(leased->sample_end);
  *shard->mutable_model() = leased->model_spec;
  JB_RETURN_IF_ERROR(
      suites_.Fill(tx, leased->suite_hash, leased->sample_begin, leased->sample_end, shard));
  JB_ASSIGN_OR_RETURN(ShardSettings settings, SettingsFromJson(leased->settings_json));
  *shard->mutable_generation() = settings.generation;
  shard->set_concurrency(settings.concurrency);
  shard->set_idle_baseline_s(settings.idle_baseline_s);
  v1::Lease* lease = response->mutable_lease();
  lease->set_shard_id(leased->shard_id);
  lease->set_epoch(leased->epoch);
  lease->set_ttl_s(absl::ToDoubleSeconds(options_.lease_ttl));
  lease->set_heartbeat_interval_s(absl::ToDoubleSeconds(options_.heartbeat_interval));
  lease->set_attempt(leased->attempt);
  return absl::OkStatus();
}

absl::StatusOr<v1::ReportSamplesResponse> LeaseService::ReportSamples(
    const v1::ReportSamplesRequest& request) {
  v1::ReportSamplesResponse response;
  std::vector<v1::SampleResult> results(request.results().begin(), request.results().end());
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(storage::InsertResultsOutcome counts,
                        storage::InsertResults(tx, request.shard_id(), request.epoch(),
                                               request.worker_id(), results));
    response.set_inserted(counts.inserted);
    response.set_duplicates(counts.duplicates);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::CompleteShardResponse> LeaseService::CompleteShard(
    const v1::CompleteShardRequest& request) {
  v1::CompleteShardResponse response;
  std::vector<v1::SampleResult> results(request.results().begin(), request.results().end());
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    response.Clear();
    // A lease no longer held is either this call repeated after it completed the shard
    // (storage::CompleteShard answers completed = false) or lost (it answers ABORTED).
    if (!results.empty()) {
      absl::Status stored = storage::InsertResults(tx, request.shard_id(), request.epoch(),
                                                   request.worker_id(), results)
                                .status();
      if (!stored.ok() && !absl::IsAborted(stored)) return stored;
    }
    JB_ASSIGN_OR_RETURN(storage::CompleteResult outcome,
                        storage::CompleteShard(tx, request.shard_id(), request.worker_id(),
                                               request.epoch(), request.samples_reported()));
    if (outcome.completed) {
      const v1::Measurement& m = request.measurement();
      JB_RETURN_IF_ERROR(storage::InsertMeasurement(tx, request.shard_id(), request.epoch(),
                                                    request.worker_id(), m));
      if (m.method() != v1::ENERGY_METHOD_NONE && m.method() != v1::ENERGY_METHOD_UNSPECIFIED &&
          m.total_energy_j() > 0) {
        JB_RETURN_IF_ERROR(
            storage::ApportionShardEnergy(tx, request.shard_id(), m.total_energy_j()));
      }
    }
    response.set_completed(outcome.completed);
    if (request.lease_next()) {
      JB_RETURN_IF_ERROR(LeaseNext(tx, request.worker_id(), response.mutable_next()));
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::FailShardResponse> LeaseService::FailShard(const v1::FailShardRequest& request) {
  v1::FailShardResponse response;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(
        storage::FailResult outcome,
        storage::FailShard(tx, request.shard_id(), request.worker_id(), request.epoch(),
                           request.error(), request.permanent(), options_.retry_backoff));
    response.set_will_retry(outcome.will_retry);
    response.set_retry_after_s(absl::ToDoubleSeconds(outcome.retry_after));
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<int> LeaseService::ReapExpiredLeases() {
  int reaped = 0;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(reaped, storage::ReapExpiredLeases(tx));
    // A reaped shard out of attempts fails, which may end its sweep; and a sweep whose last
    // completions raced may still be running (storage::RefreshSweepState).
    JB_RETURN_IF_ERROR(storage::RefreshRunningSweeps(tx));
    return absl::OkStatus();
  }));
  return reaped;
}

absl::StatusOr<int> LeaseService::MarkLostWorkers() {
  int lost = 0;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(lost, storage::MarkLostWorkers(tx, options_.lease_ttl));
    return absl::OkStatus();
  }));
  return lost;
}

}  // namespace jb::coordinator
