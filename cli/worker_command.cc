// `joulebench worker --coordinator HOST:7070 --inference-url URL --hardware-class NAME`
#include "worker/worker_command.h"

#include "cli/command.h"
#include "common/flags.h"
#include "common/logging.h"

namespace jb::cli {

void AddWorkerCommand(CLI::App& app, int* exit_code) {
  struct Flags {
    worker::WorkerOptions options;
    double drain_timeout_s = 120;
    double request_timeout_s = 300;
    double energy_period_ms = 100;
    std::string log_level = "info";
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "worker",
      "Run a worker: register with the coordinator, lease shards, drive the local inference "
      "server, meter energy, score answers and report results.");
  worker::WorkerOptions& o = flags->options;
  AddFlag(cmd, "--coordinator", o.coordinator_address, "Coordinator gRPC address HOST:PORT");
  AddFlag(cmd, "--inference-url", o.inference_url,
          "Base URL (http://) of the OpenAI-compatible API of the local inference server");
  AddFlag(cmd, "--inference-api-key", o.inference_api_key,
          "Bearer token for the inference server (vLLM --api-key)");
  AddFlag(cmd, "--hardware-class", o.hardware_class,
          "Hardware class this worker belongs to (required); it runs only shards planned for it");
  AddFlag(cmd, "--name", o.name, "Stable worker name (default HOSTNAME:PID)");
  AddFlag(cmd, "--energy", o.energy,
          "Energy sources: auto (the simulator's counter for joulebench sim; else NVML, RAPL "
          "and --energy-prometheus as found, or the labelled CPU and RAM estimates when none "
          "reads), none, or a comma list of nvml, rapl, prometheus=URL[#METRIC{label=\"v\"}"
          "[;unit=mJ][;domain=gpu]], estimate, estimate-cpu, estimate-ram, "
          "estimate-params[=K] (docs/energy.md)");
  AddFlag(cmd, "--gpus", o.gpus,
          "GPUs to meter (by NVML, and a Prometheus source's GPU series), by UUID (GPU-..., "
          "MIG-...) or PCI bus id, comma-separated (default: CUDA_VISIBLE_DEVICES when it lists "
          "UUIDs, else every GPU)");
  AddFlag(cmd, "--energy-prometheus", o.energy_prometheus,
          "A Prometheus source --energy auto probes after NVML and RAPL: "
          "URL#METRIC[{label=\"v\"}][;unit=U][;domain=D], e.g. a DCGM exporter's "
          "http://127.0.0.1:9400/metrics#DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
  AddFlag(cmd, "--energy-period-ms", flags->energy_period_ms,
          "Energy sampler period during a shard (power is integrated and counters checked for "
          "wrap-around at this rate); 0 reads only at the window's ends");
  AddFlag(cmd, "--cpu-tdp-w", o.cpu_tdp_w,
          "CPU TDP in watts for the CPU estimate, instead of CodeCarbon's table (0: the table)");
  AddFlag(cmd, "--region", o.region,
          "Grid region for carbon accounting: ISO 3166 alpha-3 country (FRA) or cloud region "
          "(europe-west1); unknown regions use the labelled world average of 475 gCO2e/kWh");
  AddFlag(cmd, "--node-labels", o.node_labels,
          "Kubernetes downward-API labels file; its joulebench.io/region or "
          "topology.kubernetes.io/region label gives the region when --region is not set");
  AddFlag(cmd, "--carbon-intensity", o.carbon_intensity,
          "Grid intensity in gCO2e/kWh overriding the region's table value (0: the table)");
  AddFlag(cmd, "--pue", o.pue,
          "Power usage effectiveness of this worker's site (1.0 to 3.0); carbon is kWh x PUE x "
          "intensity");
  AddFlag(cmd, "--report-batch-size", o.report_batch_size,
          "Sample results per report while a shard runs; the rest go with its completion");
  AddFlag(cmd, "--drain-timeout", flags->drain_timeout_s,
          "Seconds after SIGTERM to finish the current shard before giving it back");
  AddFlag(cmd, "--request-timeout", flags->request_timeout_s,
          "Seconds one attempt of an inference request may take (a stalled stream is retried)");
  AddFlag(cmd, "--request-attempts", o.request_attempts,
          "Attempts per inference request; 429, 5xx, connection errors and timeouts are "
          "retried with backoff, honouring Retry-After");
  AddFlag(cmd, "--multiple-choice", o.multiple_choice,
          "How multiple_choice tasks are answered: auto (log-likelihoods when the server has "
          "completions logprobs, else the generative fallback), loglikelihood or generative");
  AddFlag(cmd, "--python", o.python,
          "Python interpreter the code sandbox runs generated programs with (pass_at_k tasks)");
  AddFlag(cmd, "--allow-unsandboxed-code", o.allow_unsandboxed_code,
          "Run code tasks even where the sandbox cannot cut the network off (no network "
          "namespace); model-written code then runs with resource limits only");
  AddFlag(cmd, "--log-level", flags->log_level, "trace, debug, info, warn or error");
  cmd->callback([flags, exit_code] {
    if (!InitLogging("worker", flags->log_level).ok()) {
      *exit_code = kExitUsage;
      return;
    }
    worker::WorkerOptions options = flags->options;
    options.drain_timeout = absl::Seconds(flags->drain_timeout_s);
    options.request_timeout = absl::Seconds(flags->request_timeout_s);
    options.energy_period = absl::Milliseconds(flags->energy_period_ms);
    *exit_code = worker::RunWorkerCommand(options);
  });
}

}  // namespace jb::cli
