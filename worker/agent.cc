#include "worker/agent.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/energy_method.h"
#include "common/grpc_status.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "common/status_macros.h"
#include "worker/choice_method.h"
#include "worker/hardware.h"

namespace jb::worker {

namespace v1 = joulebench::v1;

namespace {

// Marks the end of a wait loop because shutdown was requested.
absl::Status StopStatus() { return absl::CancelledError("shutdown requested"); }

}  // namespace

Agent::Agent(WorkerOptions options, v1::HardwareProfile hardware, AgentEnv env)
    : options_(std::move(options)), hardware_(std::move(hardware)), env_(std::move(env)) {
  if (!env_.wait) env_.wait = [](absl::Duration d) { return Shutdown::WaitFor(d); };
  if (!env_.stop_requested) env_.stop_requested = [] { return Shutdown::Requested(); };
  if (env_.clock == nullptr) env_.clock = Clock::Real();
  absl::MutexLock lock(&mu_);
  registered_heartbeat_interval_ = absl::ZeroDuration();
  drain_deadline_ = absl::InfiniteDuration();
  last_heartbeat_ = env_.clock->MonotonicNow();
}

std::string Agent::worker_id() const {
  absl::MutexLock lock(&mu_);
  return worker_id_;
}

absl::Status Agent::Run() {
  absl::StatusOr<v1::InferenceServer> server = DiscoverServer();
  if (absl::IsCancelled(server.status())) return absl::OkStatus();
  JB_RETURN_IF_ERROR(server.status());
  server_ = *std::move(server);

  absl::StatusOr<EnergySetup> energy = env_.make_energy(server_);
  if (!energy.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(energy.status().message(),
                     "; fix the energy source or run with --energy none to run unmetered"));
  }
  meter_ = std::move(energy->meter);
  const MeterDescription meter = meter_->Describe();
  for (const std::string& line : energy->probe) JB_LOG(info, "energy probe: {}", line);
  JB_LOG(info, "energy: {}", meter.summary);
  if (!meter.exclusive) JB_LOG(warn, "energy is not exclusive: {}", meter.shared_reason);
  hardware_.clear_energy_methods();
  for (v1::EnergyMethod method : meter.methods) hardware_.add_energy_methods(method);
  hardware_.clear_energy_probe();
  for (std::string& line : energy->probe) hardware_.add_energy_probe(std::move(line));
  hardware_.clear_gpus();
  for (const v1::GpuDevice& gpu : meter.gpus) *hardware_.add_gpus() = gpu;
  hardware_.set_region(env_.carbon.region);
  hardware_.set_pue(env_.carbon.pue);

  if (absl::Status registered = Register(); !registered.ok()) {
    return absl::IsCancelled(registered) ? absl::OkStatus() : registered;
  }

  Backoff backoff(options_.backoff);
  std::optional<v1::AcquireShardResponse> next;  // came with the last completion
  while (next.has_value() || !env_.stop_requested()) {
    v1::AcquireShardResponse acquired;
    if (next.has_value()) {
      acquired = *std::move(next);
      next.reset();
    } else {
      bool reregister;
      {
        absl::MutexLock lock(&mu_);
        reregister = needs_register_;
      }
      if (reregister) {
        if (absl::Status registered = Register(); !registered.ok()) {
          return absl::IsCancelled(registered) ? absl::OkStatus() : registered;
        }
      }
      if (!CheckServerHealth()) {
        const absl::Duration delay = backoff.Next();
        if (env_.wait(delay)) break;
        continue;
      }
      v1::AcquireShardRequest request;
      request.set_worker_id(worker_id());
      absl::StatusOr<v1::AcquireShardResponse> response = env_.coordinator->AcquireShard(request);
      if (!response.ok()) {
        const absl::Duration delay = backoff.Next();
        if (absl::IsNotFound(response.status())) {
          JB_LOG(warn, "coordinator no longer knows worker {}: registering again", worker_id());
          absl::MutexLock lock(&mu_);
          needs_register_ = true;
          // Register again at once; only a repeated NOT_FOUND waits, like any other error.
          if (backoff.attempts() == 1) continue;
        }
        JB_LOG(warn, "AcquireShard failed (attempt {}): {}; retrying in {}", backoff.attempts(),
               response.status().ToString(), absl::FormatDuration(delay));
        if (env_.wait(delay)) break;
        continue;
      }
      acquired = *std::move(response);
    }
    backoff.Reset();
    if (!acquired.has_shard() || !acquired.has_lease()) {
      IdleHeartbeat(/*force=*/false);
      const absl::Duration wait = acquired.retry_after_s() > 0
                                      ? absl::Seconds(acquired.retry_after_s())
                                      : options_.idle_poll;
      if (env_.wait(wait)) break;
      continue;
    }
    next = RunShard(acquired.shard(), acquired.lease());
  }
  JB_LOG(info, "worker {} stopped", worker_id());
  return absl::OkStatus();
}

absl::StatusOr<v1::InferenceServer> Agent::DiscoverServer() {
  Backoff backoff(options_.backoff);
  while (true) {
    absl::StatusOr<v1::InferenceServer> server = env_.inference->ServerInfo();
    if (server.ok() && server->models_size() == 0) {
      server = absl::UnavailableError("it serves no model yet");
    }
    if (server.ok()) {
      JB_LOG(info, "inference server {}: {} {}{}, {} model(s), first {}", server->base_url(),
             server->kind(), server->version(), server->simulated() ? " (simulated)" : "",
             server->models_size(), server->models(0).name());
      return server;
    }
    const absl::Duration delay = backoff.Next();
    JB_LOG(warn, "inference server {} not ready (attempt {}): {}; retrying in {}",
           options_.inference_url, backoff.attempts(), server.status().ToString(),
           absl::FormatDuration(delay));
    if (env_.wait(delay)) return StopStatus();
  }
}

absl::Status Agent::Register() {
  v1::RegisterWorkerRequest request;
  request.set_name(options_.name.empty() ? DefaultWorkerName() : options_.name);
  *request.mutable_hardware() = hardware_;
  *request.mutable_server() = server_;
  request.set_version(options_.version);
  Backoff backoff(options_.backoff);
  while (true) {
    absl::StatusOr<v1::RegisterWorkerResponse> response = env_.coordinator->RegisterWorker(request);
    if (response.ok()) {
      absl::MutexLock lock(&mu_);
      worker_id_ = response->worker_id();
      registered_heartbeat_interval_ =
          absl::Seconds(std::max(0.0, response->heartbeat_interval_s()));
      needs_register_ = false;
      last_heartbeat_ = env_.clock->MonotonicNow();
      JB_LOG(info, "registered as {} (name {}, hardware class {})", worker_id_, request.name(),
             hardware_.hardware_class());
      return absl::OkStatus();
    }
    if (!IsRetryable(response.status())) {
      return absl::Status(
          response.status().code(),
          absl::StrCat("coordinator ", options_.coordinator_address,
                       " rejected the registration: ", response.status().message()));
    }
    const absl::Duration delay = backoff.Next();
    JB_LOG(warn, "coordinator {} unreachable (attempt {}): {}; retrying in {}",
           options_.coordinator_address, backoff.attempts(), response.status().ToString(),
           absl::FormatDuration(delay));
    if (env_.wait(delay)) return StopStatus();
  }
}

bool Agent::CheckServerHealth() {
  const absl::Status health = env_.inference->Health();
  if (health.ok()) {
    if (unhealthy_.empty()) return true;
    JB_LOG(info, "inference server {} is healthy again; leasing shards", options_.inference_url);
    unhealthy_.clear();
    IdleHeartbeat(/*force=*/true);
    return true;
  }
  const std::string reason =
      health.message().empty() ? "health check failed" : std::string(health.message());
  if (unhealthy_.empty()) {
    JB_LOG(error, "inference server {} is unhealthy: {}; leasing nothing until it recovers",
           options_.inference_url, reason);
  }
  const bool changed = reason != unhealthy_;
  unhealthy_ = reason;
  // While unhealthy nothing else reaches the coordinator: the idle heartbeat keeps the worker
  // alive there, and a new reason is reported at once.
  IdleHeartbeat(/*force=*/changed);
  return false;
}

void Agent::IdleHeartbeat(bool force) {
  const absl::Duration now = env_.clock->MonotonicNow();
  {
    absl::MutexLock lock(&mu_);
    const absl::Duration interval = registered_heartbeat_interval_ > absl::ZeroDuration()
                                        ? registered_heartbeat_interval_
                                        : options_.default_heartbeat_interval;
    if (!force && now - last_heartbeat_ < interval) return;
    last_heartbeat_ = now;
  }
  v1::HeartbeatRequest request;
  request.set_worker_id(worker_id());
  request.set_state(unhealthy_.empty() ? "active" : "unhealthy");
  request.set_detail(unhealthy_);
  absl::StatusOr<v1::HeartbeatResponse> response = env_.coordinator->Heartbeat(request);
  if (absl::IsNotFound(response.status())) {
    absl::MutexLock lock(&mu_);
    needs_register_ = true;
  } else if (!response.ok()) {
    JB_LOG(warn, "idle heartbeat failed: {}", response.status().ToString());
  }
}

absl::Duration Agent::HeartbeatInterval(const v1::Lease& lease) const {
  if (lease.heartbeat_interval_s() > 0) return absl::Seconds(lease.heartbeat_interval_s());
  if (lease.ttl_s() > 0) return absl::Seconds(lease.ttl_s() / 3);
  absl::MutexLock lock(&mu_);
  return registered_heartbeat_interval_ > absl::ZeroDuration()
             ? registered_heartbeat_interval_
             : options_.default_heartbeat_interval;
}

absl::Status Agent::LeaseStatus(const absl::Status& status) {
  if (!absl::IsNotFound(status)) return status;
  absl::MutexLock lock(&mu_);
  needs_register_ = true;
  return absl::AbortedError(
      absl::StrCat("coordinator no longer knows this worker: ", status.message()));
}

bool Agent::DrainExpired() {
  if (!env_.stop_requested()) return false;
  const absl::Duration now = env_.clock->MonotonicNow();
  absl::MutexLock lock(&mu_);
  if (!draining_) {
    draining_ = true;
    drain_deadline_ = now + options_.drain_timeout;
    JB_LOG(info, "shutdown requested: finishing the current shard within {}",
           absl::FormatDuration(options_.drain_timeout));
  }
  return now >= drain_deadline_;
}

std::optional<v1::AcquireShardResponse> Agent::RunShard(const v1::Shard& shard,
                                                        const v1::Lease& lease) {
  JB_LOG(info,
         "leased shard {} (epoch {}, attempt {}): model {}, task {}, {} samples, "
         "concurrency {}",
         shard.shard_id(), lease.epoch(), lease.attempt(), shard.model().name(),
         shard.task().name(), shard.samples_size(), shard.concurrency());
  ShardRunnerOptions runner_options;
  if (shard.task().output_type() == v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
    absl::StatusOr<ChoiceMethod> method = MultipleChoiceMethod();
    if (!method.ok()) {
      Fail(lease, absl::UnavailableError(
                      absl::StrCat("probing the inference server for completions logprobs: ",
                                   method.status().message())));
      return std::nullopt;
    }
    runner_options.choice_method = *method;
  }
  runner_options.report_batch_size = options_.report_batch_size;
  runner_options.max_consecutive_unavailable = options_.max_consecutive_unavailable;
  runner_options.carbon = env_.carbon;
  runner_options.server = server_;
  runner_options.sampling_period = options_.energy_period;
  runner_options.tally = env_.tally;
  ShardRunner runner(runner_options, env_.inference, env_.evaluator, meter_.get(), env_.clock);

  absl::Notification done;
  // Heartbeats are due from now, when the lease was granted, not from when the thread starts.
  const absl::Duration first_heartbeat = env_.clock->MonotonicNow() + HeartbeatInterval(lease);
  std::thread supervisor([&] { Supervise(runner, lease, first_heartbeat, done); });
  uint32_t reported = 0;
  absl::StatusOr<ShardOutcome> outcome =
      runner.Run(shard, [&](const std::vector<v1::SampleResult>& batch) {
        return ReportBatch(lease, runner, batch, reported);
      });
  done.Notify();
  supervisor.join();

  if (outcome.ok()) return Complete(lease, *outcome, reported);
  if (absl::IsAborted(outcome.status())) {
    JB_LOG(warn, "shard {}: lease lost, dropping its work: {}", lease.shard_id(),
           outcome.status().ToString());
  } else {
    Fail(lease, outcome.status());
  }
  return std::nullopt;
}

absl::StatusOr<ChoiceMethod> Agent::MultipleChoiceMethod() {
  if (choice_method_.has_value()) return *choice_method_;
  if (options_.multiple_choice == "loglikelihood") {
    choice_method_ = ChoiceMethod::kLoglikelihood;
  } else if (options_.multiple_choice == "generative") {
    choice_method_ = ChoiceMethod::kGenerativeFallback;
  } else {
    JB_ASSIGN_OR_RETURN(choice_method_,
                        ProbeChoiceMethod(*env_.inference, server_.models(0).name()));
  }
  JB_LOG(info, "multiple_choice tasks are answered by {}",
         *choice_method_ == ChoiceMethod::kLoglikelihood ? kAnswerLoglikelihood
                                                         : kAnswerGenerativeFallback);
  return *choice_method_;
}

void Agent::Supervise(ShardRunner& runner, const v1::Lease& lease, absl::Duration next_heartbeat,
                      absl::Notification& done) {
  const absl::Duration interval = HeartbeatInterval(lease);
  while (!done.WaitForNotificationWithTimeout(options_.supervise_interval)) {
    if (DrainExpired()) {
      runner.Cancel(absl::CancelledError(
          absl::StrCat("worker shutting down: the shard did not finish within the drain "
                       "timeout of ",
                       absl::FormatDuration(options_.drain_timeout))));
    }
    const absl::Duration now = env_.clock->MonotonicNow();
    if (now < next_heartbeat) continue;
    next_heartbeat = now + interval;
    v1::HeartbeatRequest request;
    request.set_worker_id(worker_id());
    request.set_shard_id(lease.shard_id());
    request.set_epoch(lease.epoch());
    request.set_samples_done(runner.samples_done());
    request.set_state(env_.stop_requested() ? "draining" : "active");
    absl::StatusOr<v1::HeartbeatResponse> response = env_.coordinator->Heartbeat(request);
    {
      absl::MutexLock lock(&mu_);
      last_heartbeat_ = now;
    }
    if (response.ok()) {
      if (response->revoked()) {
        runner.Cancel(absl::AbortedError(absl::StrCat("lease revoked: ", response->reason())));
      }
    } else if (absl::Status lease_status = LeaseStatus(response.status());
               absl::IsAborted(lease_status)) {
      runner.Cancel(lease_status);
    } else {
      // The lease outlives a few missed heartbeats (TTL = 3 intervals); keep trying.
      JB_LOG(warn, "heartbeat for shard {} failed: {}", lease.shard_id(),
             response.status().ToString());
    }
  }
}

absl::Status Agent::ReportBatch(const v1::Lease& lease, ShardRunner& runner,
                                const std::vector<v1::SampleResult>& batch, uint32_t& reported) {
  v1::ReportSamplesRequest request;
  request.set_worker_id(worker_id());
  request.set_shard_id(lease.shard_id());
  request.set_epoch(lease.epoch());
  for (const v1::SampleResult& result : batch) *request.add_results() = result;
  Backoff backoff(options_.backoff);
  while (true) {
    absl::StatusOr<v1::ReportSamplesResponse> response = env_.coordinator->ReportSamples(request);
    if (response.ok()) {
      reported += static_cast<uint32_t>(batch.size());
      return absl::OkStatus();
    }
    absl::Status status = LeaseStatus(response.status());
    if (absl::IsAborted(status)) return status;
    if (!IsRetryable(status)) {
      // Not the task's fault: keep FailShard from marking the shard permanently failed.
      return absl::InternalError(absl::StrCat("ReportSamples rejected: ", status.ToString()));
    }
    // Revoked or past the drain deadline while retrying: the runner's reason wins.
    if (runner.cancelled()) return status;
    const absl::Duration delay = backoff.Next();
    JB_LOG(warn, "ReportSamples for shard {} failed (attempt {}): {}; retrying in {}",
           lease.shard_id(), backoff.attempts(), status.ToString(), absl::FormatDuration(delay));
    env_.clock->Sleep(delay);
  }
}

std::optional<v1::AcquireShardResponse> Agent::Complete(const v1::Lease& lease,
                                                        const ShardOutcome& outcome,
                                                        uint32_t reported) {
  v1::CompleteShardRequest request;
  request.set_worker_id(worker_id());
  request.set_shard_id(lease.shard_id());
  request.set_epoch(lease.epoch());
  *request.mutable_measurement() = outcome.measurement;
  for (size_t i = outcome.results.size() - outcome.unreported; i < outcome.results.size(); ++i) {
    *request.add_results() = outcome.results[i];
  }
  const uint32_t results = reported + static_cast<uint32_t>(outcome.unreported);
  request.set_samples_reported(results);
  request.set_lease_next(!env_.stop_requested() && CheckServerHealth());
  Backoff backoff(options_.backoff);
  while (true) {
    absl::StatusOr<v1::CompleteShardResponse> response = env_.coordinator->CompleteShard(request);
    if (response.ok()) {
      JB_LOG(info, "shard {} completed: {} results, {:.1f} J ({}), {:.1f} s", lease.shard_id(),
             results, outcome.measurement.total_energy_j(),
             EnergyMethodName(outcome.measurement.method()), outcome.measurement.wall_time_s());
      if (request.lease_next() && response->has_next()) return response->next();
      return std::nullopt;
    }
    absl::Status status = LeaseStatus(response.status());
    if (absl::IsAborted(status)) {
      JB_LOG(warn, "shard {}: lease lost before completion, dropping it: {}", lease.shard_id(),
             status.ToString());
      return std::nullopt;
    }
    if (!IsRetryable(status)) {
      // E.g. the coordinator finds results missing: give the shard back to be run again.
      Fail(lease, status);
      return std::nullopt;
    }
    if (DrainExpired()) {
      JB_LOG(error, "shard {}: could not complete before the drain deadline: {}", lease.shard_id(),
             status.ToString());
      return std::nullopt;
    }
    const absl::Duration delay = backoff.Next();
    JB_LOG(warn, "CompleteShard for shard {} failed (attempt {}): {}; retrying in {}",
           lease.shard_id(), backoff.attempts(), status.ToString(), absl::FormatDuration(delay));
    env_.clock->Sleep(delay);
  }
}

void Agent::Fail(const v1::Lease& lease, const absl::Status& error) {
  v1::FailShardRequest request;
  request.set_worker_id(worker_id());
  request.set_shard_id(lease.shard_id());
  request.set_epoch(lease.epoch());
  request.set_error(error.ToString());
  // Only a malformed task cannot get better by retrying.
  request.set_permanent(absl::IsInvalidArgument(error));
  JB_LOG(warn, "shard {} failed{}: {}", lease.shard_id(), request.permanent() ? " permanently" : "",
         error.ToString());
  Backoff backoff(options_.backoff);
  while (true) {
    absl::StatusOr<v1::FailShardResponse> response = env_.coordinator->FailShard(request);
    if (response.ok()) return;
    absl::Status status = LeaseStatus(response.status());
    if (!IsRetryable(status)) {
      if (!absl::IsAborted(status)) {
        JB_LOG(error, "FailShard for shard {}: {}", lease.shard_id(), status.ToString());
      }
      return;
    }
    if (DrainExpired()) {
      JB_LOG(error,
             "shard {}: could not fail it back before the drain deadline: {}; its lease "
             "will expire",
             lease.shard_id(), status.ToString());
      return;
    }
    const absl::Duration delay = backoff.Next();
    JB_LOG(warn, "FailShard for shard {} failed (attempt {}): {}; retrying in {}", lease.shard_id(),
           backoff.attempts(), status.ToString(), absl::FormatDuration(delay));
    env_.clock->Sleep(delay);
  }
}

}  // namespace jb::worker
