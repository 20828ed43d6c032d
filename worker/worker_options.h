// WorkerOptions: everything `joulebench worker` is configured with (DESIGN.md section 4). The
// cli/ layer fills it from flags and JOULEBENCH_* variables and calls RunWorkerCommand
// (worker_command.h); the Agent (agent.h) reads the same struct.
// Thread-safety: a plain value.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/backoff.h"

namespace jb::worker {

struct WorkerOptions {
  // --coordinator: "host:port" of the coordinator's gRPC listener.
  std::string coordinator_address = "127.0.0.1:7070";
  // --inference-url: base URL of the OpenAI API of the local inference server.
  std::string inference_url = "http://127.0.0.1:8000/v1";
  // Bearer token for the inference server (vLLM --api-key); empty for none.
  std::string inference_api_key;
  // --hardware-class (required): the class of shards this worker takes, e.g. "h100x1".
  std::string hardware_class;
  // --name: stable worker name; empty means DefaultWorkerName() ("hostname:pid").
  std::string name;
  // --energy: "auto", "none" or a list of sources (energy/energy_spec.h).
  std::string energy = "auto";
  // --gpus: the GPUs to meter, by UUID or PCI bus id (default: the inference server's
  // CUDA_VISIBLE_DEVICES, else every GPU NVML sees; energy/gpu_selection.h).
  std::string gpus;
  // --energy-prometheus: a Prometheus source --energy auto probes after NVML and RAPL.
  std::string energy_prometheus;
  // --energy-period: the sampler's period during a shard window (0: read only at its ends).
  absl::Duration energy_period = absl::Milliseconds(100);
  // --cpu-tdp-w: TDP for the CPU estimate instead of CodeCarbon's table (0: the table).
  double cpu_tdp_w = 0;
  // --region: grid region for carbon accounting (ISO 3166 alpha-3 country or cloud region);
  // JOULEBENCH_REGION, then the node labels file, when not given.
  std::string region;
  // --node-labels: a Kubernetes downward-API labels file to read the region from.
  std::string node_labels;
  // --carbon-intensity: gCO2e/kWh overriding the region's table value (0: the table).
  double carbon_intensity = 0;
  // --pue: power usage effectiveness of this worker's site (1.0 .. 3.0).
  double pue = 1.0;
  // --multiple-choice: "auto", "loglikelihood" or "generative" (worker/choice_method.h).
  std::string multiple_choice = "auto";
  // --python: the interpreter the code sandbox runs pass_at_k programs with.
  std::string python = "python3";
  // --allow-unsandboxed-code: run code tasks even where the sandbox cannot isolate the
  // network (tasks/sandbox/code_sandbox.h).
  bool allow_unsandboxed_code = false;
  // joulebench version reported at registration.
  std::string version = "0.1.0";

  // Deadline of each coordinator RPC.
  absl::Duration rpc_timeout = absl::Seconds(10);
  // Limit on one attempt of a generation request, and on connecting to the inference server.
  absl::Duration request_timeout = absl::Minutes(5);
  absl::Duration connect_timeout = absl::Seconds(5);
  // --request-attempts: attempts per inference request (1..20); 429, 5xx, connection errors
  // and timeouts are retried with backoff and Retry-After until then.
  int request_attempts = 4;
  // After SIGTERM: how long the current shard may take to finish before it is failed back.
  absl::Duration drain_timeout = absl::Minutes(2);
  // Sample results per ReportSamples call.
  int report_batch_size = 32;
  // Consecutive requests failing after their retries after which a shard is failed
  // (ShardRunnerOptions).
  int max_consecutive_unavailable = 8;
  // Retries of the coordinator and of inference server discovery: capped exponential backoff.
  BackoffOptions backoff = {absl::Milliseconds(500), absl::Seconds(30), 2.0, 0};
  // Wait between AcquireShard calls when the coordinator's answer gives no retry_after_s.
  absl::Duration idle_poll = absl::Seconds(2);
  // Heartbeat interval when neither the lease nor the registration sets one.
  absl::Duration default_heartbeat_interval = absl::Seconds(10);
  // How often the heartbeat thread wakes to check heartbeats due and the drain deadline.
  absl::Duration supervise_interval = absl::Milliseconds(200);
};

// InvalidArgument naming the first bad field and what to do (a usage error: exit code 2).
absl::Status ValidateWorkerOptions(const WorkerOptions& options);

}  // namespace jb::worker
