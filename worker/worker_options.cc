#include "worker/worker_options.h"

#include "absl/strings/str_cat.h"
#include "worker/choice_method.h"
#include "worker/energy/energy_spec.h"
#include "worker/inference/http_url.h"

namespace jb::worker {

absl::Status ValidateWorkerOptions(const WorkerOptions& options) {
  if (options.hardware_class.empty()) {
    return absl::InvalidArgumentError(
        "--hardware-class is required: name the class of shards this worker runs, e.g. h100x1");
  }
  if (options.coordinator_address.empty()) {
    return absl::InvalidArgumentError("--coordinator is required, e.g. coordinator:7070");
  }
  if (absl::StatusOr<HttpUrl> url = ParseHttpUrl(options.inference_url); !url.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--inference-url: ", url.status().message(),
                                                   "; e.g. http://127.0.0.1:8000/v1"));
  }
  if (absl::StatusOr<EnergySpec> energy = ParseEnergySpec(options.energy); !energy.ok()) {
    return energy.status();
  }
  if (options.energy_period < absl::ZeroDuration() || options.energy_period > absl::Seconds(10)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--energy-period-ms is ", absl::ToDoubleMilliseconds(options.energy_period),
                     "; expected 0 (read only at window ends) to 10000; power-integrating "
                     "meters need 100 or less for 10 Hz"));
  }
  if (!(options.cpu_tdp_w >= 0) || options.cpu_tdp_w > 5000) {
    return absl::InvalidArgumentError(absl::StrCat("--cpu-tdp-w is ", options.cpu_tdp_w,
                                                   "; expected 0 (CodeCarbon's table) or watts"));
  }
  if (!(options.carbon_intensity >= 0) || options.carbon_intensity > 3000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--carbon-intensity is ", options.carbon_intensity,
                     "; expected gCO2e/kWh between 0 (use the region's table) and 3000"));
  }
  if (absl::Status method = ValidateChoiceMethodFlag(options.multiple_choice); !method.ok()) {
    return method;
  }
  if (options.python.empty()) {
    return absl::InvalidArgumentError("--python is empty; name the interpreter, e.g. python3");
  }
  if (options.report_batch_size < 1) {
    return absl::InvalidArgumentError("the report batch size must be at least 1");
  }
  if (options.rpc_timeout <= absl::ZeroDuration() ||
      options.request_timeout <= absl::ZeroDuration() ||
      options.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("timeouts must be positive");
  }
  if (options.request_attempts < 1 || options.request_attempts > 20) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--request-attempts is ", options.request_attempts, "; expected 1 (no retries) to 20"));
  }
  if (options.drain_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the drain timeout must not be negative");
  }
  return absl::OkStatus();
}

}  // namespace jb::worker
