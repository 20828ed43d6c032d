#include "worker/worker_command.h"

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "worker/agent.h"
#include "worker/coordinator_client.h"
#include "worker/energy/carbon.h"
#include "worker/energy/energy_spec.h"
#include "worker/hardware.h"
#include "worker/inference/openai_client.h"
#include "worker/task_evaluator.h"

namespace jb::worker {

namespace {

std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

int RunWorkerCommand(const WorkerOptions& options) {
  if (absl::Status valid = ValidateWorkerOptions(options); !valid.ok()) {
    JB_LOG(error, "{}", std::string(valid.message()));
    return 2;
  }
  const EnergySpec energy = *ParseEnergySpec(options.energy);
  absl::StatusOr<CarbonSettings> carbon = ResolveCarbonSettings(
      options.region, EnvOrEmpty("JOULEBENCH_REGION"), options.node_labels,
      options.carbon_intensity > 0 ? std::optional<double>(options.carbon_intensity) : std::nullopt,
      options.pue);
  if (!carbon.ok()) {
    JB_LOG(error, "{}", std::string(carbon.status().message()));
    return 2;
  }
  JB_LOG(info, "carbon: region '{}' ({}), {} gCO2e/kWh from {}, PUE {}", carbon->region,
         carbon->region_source.empty() ? "not set" : carbon->region_source,
         carbon->intensity.g_per_kwh, carbon->intensity.source, carbon->pue);
  if (carbon->intensity.fallback) {
    JB_LOG(warn,
           "no grid intensity for region '{}': using the labelled world average; pass --region "
           "with an ISO 3166 alpha-3 country (e.g. FRA) or a cloud region, or "
           "--carbon-intensity",
           carbon->region);
  }
  Shutdown::Install();

  HttpInferenceClientOptions http;
  http.base_url = options.inference_url;
  http.request_timeout = options.request_timeout;
  http.connect_timeout = options.connect_timeout;
  http.api_key = options.inference_api_key;
  http.retry.max_attempts = options.request_attempts;
  absl::StatusOr<std::unique_ptr<HttpInferenceClient>> inference =
      HttpInferenceClient::Create(std::move(http));
  if (!inference.ok()) {
    JB_LOG(error, "--inference-url: {}", std::string(inference.status().message()));
    return 2;
  }
  GrpcCoordinatorClientOptions grpc;
  grpc.address = options.coordinator_address;
  grpc.rpc_timeout = options.rpc_timeout;
  GrpcCoordinatorClient coordinator(std::move(grpc));

  // Code tasks (pass_at_k) need the sandbox; a worker without one still runs every other task,
  // and says why it refuses code tasks when it gets one.
  tasks::SandboxOptions sandbox_options;
  sandbox_options.python = options.python;
  sandbox_options.allow_unsandboxed = options.allow_unsandboxed_code;
  absl::StatusOr<std::unique_ptr<tasks::CodeSandbox>> sandbox =
      tasks::CodeSandbox::Create(sandbox_options);
  std::string no_sandbox_reason;
  if (sandbox.ok()) {
    JB_LOG(info, "code sandbox: {}", (*sandbox)->isolation());
  } else {
    no_sandbox_reason = std::string(sandbox.status().message());
    JB_LOG(warn, "no code sandbox, so code tasks are refused: {}", no_sandbox_reason);
  }
  const std::unique_ptr<TaskEvaluator> evaluator = NewTasksLibraryEvaluator(
      sandbox.ok() ? sandbox->get() : nullptr, std::move(no_sandbox_reason));

  AgentEnv env;
  env.coordinator = &coordinator;
  env.inference = inference->get();
  env.evaluator = evaluator.get();
  env.clock = Clock::Real();
  env.carbon = *std::move(carbon);
  env.tally = std::make_shared<WorkTally>();
  EnergyEnvironment energy_env;
  energy_env.gpus = options.gpus;
  energy_env.cuda_visible_devices = EnvOrEmpty("CUDA_VISIBLE_DEVICES");
  energy_env.nvidia_visible_devices = EnvOrEmpty("NVIDIA_VISIBLE_DEVICES");
  energy_env.prometheus = options.energy_prometheus;
  energy_env.cpu_tdp_w = options.cpu_tdp_w;
  energy_env.tally = env.tally;
  env.make_energy = [energy, energy_env](const joulebench::v1::InferenceServer& server) {
    return SetUpEnergy(energy, server, energy_env);
  };
  Agent agent(options, DetectHardware(options.hardware_class, options.region), std::move(env));
  if (absl::Status status = agent.Run(); !status.ok()) {
    JB_LOG(error, "worker stopped: {}", status.ToString());
    return 1;
  }
  return 0;
}

}  // namespace jb::worker
