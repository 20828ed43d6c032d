// The --energy flag: which meters a worker uses (DESIGN.md section 6, docs/energy.md).
//
//   auto          the simulator's own counter when the inference server is the joulebench
//                 simulator (simulated joules). Otherwise probes, in order, NVML (the GPUs),
//                 RAPL (CPU packages and DRAM) and the configured Prometheus source
//                 (--energy-prometheus), and uses every one that reads and meters domains
//                 not already covered (a DCGM exporter's GPUs are not counted again after
//                 NVML; a whole-node counter only when nothing else reads). When none reads,
//                 the labelled estimates of CPU and RAM (CodeCarbon's models). Every probe's
//                 outcome is logged and recorded (HardwareProfile.energy_probe).
//   none          no metering: measurements say method none.
//   LIST          comma-separated sources, all required (an unreadable one stops the worker
//                 with the reason and the fix):
//                   nvml                  NVIDIA GPUs through libnvidia-ml.so.1 (--gpus)
//                   rapl                  /sys/class/powercap RAPL packages plus DRAM
//                   prometheus=URL[#SEL]  a counter or power gauge on a /metrics endpoint;
//                                         SEL = METRIC[{label="value",...}][;unit=U][;domain=D]
//                                         (prometheus_selector.h; default: the simulator's
//                                         counter); GPU series follow the GPU selection
//                   estimate              estimate-cpu and estimate-ram
//                   estimate-cpu          CodeCarbon's TDP x utilisation model (--cpu-tdp-w)
//                   estimate-ram          CodeCarbon's RAM model
//                   estimate-params[=K]   Garg et al.'s K x active parameters x tokens
//                                         (K in J per billion active parameters per token)
//
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "joulebench/v1/common.pb.h"
#include "worker/energy/energy_meter.h"
#include "worker/energy/prometheus_selector.h"

namespace jb::worker {

// The metric the joulebench simulator exposes on its root /metrics (joules).
inline constexpr char kSimulatorEnergyMetric[] = "joulebench_sim_energy_joules_total";

struct EnergySource {
  enum class Kind { kNvml, kRapl, kPrometheus, kEstimateCpu, kEstimateRam, kEstimateParams };
  Kind kind = Kind::kNvml;
  // As written, for messages ("prometheus=http://...").
  std::string text;
  // kPrometheus: the endpoint and the selector after '#' (the simulator's counter when none).
  std::string url;
  PrometheusSelector selector;
  // kEstimateParams: K in joules per (billion active parameters x token), when given.
  std::optional<double> params_k;
};

struct EnergySpec {
  enum class Kind { kAuto, kNone, kList };
  Kind kind = Kind::kAuto;
  std::vector<EnergySource> sources;  // kList
};

// InvalidArgument naming the bad piece and listing the accepted forms.
absl::StatusOr<EnergySpec> ParseEnergySpec(absl::string_view text);

// What the meters need from the worker's configuration and environment.
struct EnergyEnvironment {
  // --gpus, and the environment the GPU selection falls back to (energy/gpu_selection.h).
  std::string gpus;
  std::string cuda_visible_devices;
  std::string nvidia_visible_devices;
  std::string nvml_library = "libnvidia-ml.so.1";
  std::string powercap_root = "/sys/class/powercap";
  // --energy-prometheus: the Prometheus source auto probes ("URL#SELECTOR"), "" for none.
  std::string prometheus;
  // --cpu-tdp-w: the CPU estimate's TDP instead of the table's, 0 for the table.
  double cpu_tdp_w = 0;
  // Work counts for estimate-params (shared with the shard runner).
  std::shared_ptr<WorkTally> tally;
  Clock* clock = Clock::Real();
};

// The meter a worker runs with, and what choosing it found.
struct EnergySetup {
  std::unique_ptr<EnergyMeter> meter;
  // One line per source considered: "nvml: used: ..." or "rapl: not used: <reason>".
  std::vector<std::string> probe;
};

// Builds and probes the meters `spec` names for `server`. auto never fails (it ends at the
// estimates); an explicit source that cannot be read is FailedPrecondition with its reason.
absl::StatusOr<EnergySetup> SetUpEnergy(const EnergySpec& spec,
                                        const joulebench::v1::InferenceServer& server,
                                        const EnergyEnvironment& env);

}  // namespace jb::worker
