// Agent: the worker's main loop, speaking the protocol at the top of coordinator.proto.
//
// Lifecycle:
//   1. Discover the inference server (ServerInfo: models, kind, version). While it is down or
//      serves no model, retry with capped exponential backoff, logging once per attempt.
//   2. Set up the energy meter for that server (SetUpEnergy); an unreadable explicit source
//      stops the agent with FailedPrecondition (the user asked for energy the worker cannot
//      read). What was probed and chosen, and the metered GPUs, go into the HardwareProfile.
//   3. RegisterWorker. While the coordinator is unreachable (a retryable status), retry with
//      capped exponential backoff, logging once per attempt. A rejection is returned.
//   4. Loop until shutdown: check the inference server's health (InferenceClient::Health);
//      while it is unhealthy, lease nothing: heartbeat state "unhealthy" with the reason (so
//      `joulebench workers` and `status` show it) and retry with backoff; once healthy again,
//      heartbeat "active" at once. Then AcquireShard. No shard: wait retry_after_s (idle
//      heartbeats keep the worker's liveness while idle). A shard: run it with a ShardRunner while
//      a heartbeat thread renews the lease every heartbeat interval; full batches of results go
//      up with ReportSamples; then CompleteShard with the rest and the measurement, asking for
//      the next lease in the same call (lease_next) unless stopping or the server is unhealthy,
//      so a busy worker makes one call per shard; or FailShard with the error when the run
//      failed for a reason other than losing the lease. A lease that came with a completion is
//      run next, even when a shutdown began during that call (it drains like any other).
//   5. Shutdown (the stop hook): stop acquiring; a running shard may finish within
//      drain_timeout (heartbeats say "draining"), after which it is cancelled and failed back
//      to the queue; then Run() returns OK.
//
// Status handling: a retryable status (jb::IsRetryable) is retried with backoff, also inside a
// shard (there with Clock::Sleep, so shutdown does not turn the retry into a tight loop).
// ABORTED, or a revoked heartbeat, means the lease is lost: the shard's work is dropped, and
// neither CompleteShard nor FailShard is sent. NOT_FOUND for the worker id (the coordinator
// lost it) also drops the current shard, and the agent registers again before the next
// AcquireShard.
// Thread-safety: Run() once, from one thread; it starts and joins one heartbeat thread per
// shard.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/backoff.h"
#include "common/clock.h"
#include "joulebench/v1/common.pb.h"
#include "joulebench/v1/coordinator.pb.h"
#include "worker/coordinator_client.h"
#include "worker/energy/carbon.h"
#include "worker/energy/energy_meter.h"
#include "worker/energy/energy_spec.h"
#include "worker/inference/inference_client.h"
#include "worker/shard_runner.h"
#include "worker/task_evaluator.h"
#include "worker/worker_options.h"

namespace jb::worker {

// Builds and probes the energy meter once the inference server is known (energy_spec.h
// SetUpEnergy).
using EnergyFactory =
    std::function<absl::StatusOr<EnergySetup>(const joulebench::v1::InferenceServer& server)>;

// What the agent runs against. Pointers are not owned and must outlive the agent.
struct AgentEnv {
  CoordinatorClient* coordinator = nullptr;
  InferenceClient* inference = nullptr;
  const TaskEvaluator* evaluator = nullptr;
  Clock* clock = nullptr;
  EnergyFactory make_energy;
  // Grid region, intensity and PUE recorded with every measurement (energy/carbon.h).
  CarbonSettings carbon;
  // Shared with the meters for work-based estimates (estimate-params); may be null.
  std::shared_ptr<WorkTally> tally;
  // Waits up to `d` between polls and retries outside a shard; returns true when shutdown was
  // requested (before or during the wait). Default: jb::Shutdown::WaitFor.
  std::function<bool(absl::Duration d)> wait;
  // True once shutdown was requested. Default: jb::Shutdown::Requested.
  std::function<bool()> stop_requested;
};

class Agent {
 public:
  // `options.name` empty means DefaultWorkerName(). `hardware` is sent at registration, with
  // the meter's energy methods added.
  Agent(WorkerOptions options, joulebench::v1::HardwareProfile hardware, AgentEnv env);

  // Runs the lifecycle above. OK after a clean shutdown; FailedPrecondition when the energy
  // meter is unreadable; the coordinator's status when it rejects the registration.
  absl::Status Run();

  // The id the coordinator assigned ("" before registration). For tests and logs.
  std::string worker_id() const;

 private:
  absl::StatusOr<joulebench::v1::InferenceServer> DiscoverServer();
  absl::Status Register();
  // Runs the shard and completes or fails it; returns the next lease when the completion
  // brought one (CompleteShard lease_next).
  std::optional<joulebench::v1::AcquireShardResponse> RunShard(const joulebench::v1::Shard& shard,
                                                               const joulebench::v1::Lease& lease);
  // How this worker answers multiple_choice samples (--multiple-choice); `auto` probes the
  // server at the first multiple_choice shard and keeps the verdict (worker/choice_method.h).
  absl::StatusOr<ChoiceMethod> MultipleChoiceMethod();
  // The heartbeat thread: heartbeats from `next_heartbeat` (MonotonicNow) on, cancels the
  // runner on revocation or when the drain deadline passes; returns once `done` is notified.
  void Supervise(ShardRunner& runner, const joulebench::v1::Lease& lease,
                 absl::Duration next_heartbeat, absl::Notification& done);
  absl::Status ReportBatch(const joulebench::v1::Lease& lease, ShardRunner& runner,
                           const std::vector<joulebench::v1::SampleResult>& batch,
                           uint32_t& reported);
  // Sends the unreported results with the completion, asking for the next lease unless
  // stopping or the server is unhealthy; returns that answer when there is one.
  std::optional<joulebench::v1::AcquireShardResponse> Complete(const joulebench::v1::Lease& lease,
                                                               const ShardOutcome& outcome,
                                                               uint32_t reported);
  void Fail(const joulebench::v1::Lease& lease, const absl::Status& error);
  // A heartbeat without a shard, saying "active" or "unhealthy" (unhealthy_ non-empty);
  // sent when `force` or a heartbeat interval has passed since the last one.
  void IdleHeartbeat(bool force);
  // Checks the inference server; on a change between healthy and unhealthy, logs it and
  // heartbeats the new state at once. Returns whether it is healthy.
  bool CheckServerHealth();
  // Maps a status about the current lease: NOT_FOUND (worker unknown) marks re-registration
  // and becomes ABORTED, since the lease went with the worker.
  absl::Status LeaseStatus(const absl::Status& status);
  // True once shutdown was requested and drain_timeout has passed since it was first seen.
  bool DrainExpired();
  absl::Duration HeartbeatInterval(const joulebench::v1::Lease& lease) const;

  const WorkerOptions options_;
  joulebench::v1::HardwareProfile hardware_;
  AgentEnv env_;
  joulebench::v1::InferenceServer server_;
  std::unique_ptr<EnergyMeter> meter_;
  // Set once known; only the agent thread touches it.
  std::optional<ChoiceMethod> choice_method_;
  // Why the inference server is unhealthy, "" while healthy; only the agent thread touches it.
  std::string unhealthy_;

  mutable absl::Mutex mu_;
  std::string worker_id_ ABSL_GUARDED_BY(mu_);
  absl::Duration registered_heartbeat_interval_ ABSL_GUARDED_BY(mu_);
  bool needs_register_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration drain_deadline_ ABSL_GUARDED_BY(mu_);
  absl::Duration last_heartbeat_ ABSL_GUARDED_BY(mu_);
};

}  // namespace jb::worker
