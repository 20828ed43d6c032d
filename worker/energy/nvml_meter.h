// NvmlMeter: GPU energy from NVML, one reading per board (reference/energy-metering.md
// section 1; DESIGN.md section 6).
//
// Open():
//   1. Loads NVML (nvml_library.h) and resolves each selected GPU (gpu_selection.h) to a board:
//      "GPU-..." by UUID, a PCI bus id by bus id, "MIG-..." by UUID and then its parent board
//      (the older "MIG-GPU-<uuid>/<gi>/<ci>" form by the embedded board UUID). With no
//      selection it lists every board NVML reports and keeps their UUIDs; GPUs are never
//      chosen by index. Two MIG instances of one board meter that board once.
//   2. Per board, probes nvmlDeviceGetTotalEnergyConsumption (Volta and newer). When it works
//      the board is read by its energy counter (NVML_ENERGY_COUNTER, mJ); when NVML answers
//      NOT_SUPPORTED, by nvmlDeviceGetPowerUsage integrated over time (NVML_POWER_INTEGRATED),
//      and Describe().needs_sampling asks the EnergySampler to read at its period (100 ms by
//      default, 10 Hz).
// Readings: domain "gpu", device the board's UUID, source "nvml GPU-... (PRODUCT)",
// estimated false; cumulative joules since the first Read(). A counter that goes backwards
// (a driver reload) is a reset: the new value is added (CounterAccumulator, counters.h) and
// counter_resets counts the resets since the first Read().
// Memory: MemoryInUseBytes() sums nvmlDeviceGetMemoryInfo's `used` over the boards (a whole
// board's, MIG or not: the same caveat as its energy); nullopt when one board cannot say.
// Sharing: a MIG instance, or a board in MIG mode, is metered as the whole board, so
// Describe().exclusive is false with the reason; SharingNow() reports boards with more than one
// compute process (nvmlDeviceGetComputeRunningProcesses).
// Errors: Open() returns NVML's load or init error, NotFound naming a selected GPU that NVML
// does not know (with the UUIDs it does know), and the error of a board that can be read
// neither way. Read() returns the failing call's error prefixed by the board.
// Thread-safety: one thread at a time (EnergyMeter's contract).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "worker/energy/energy_meter.h"
#include "worker/energy/gpu_selection.h"
#include "worker/energy/nvml_library.h"

namespace jb::worker {

struct NvmlOptions {
  // The NVML library to dlopen: a soname or a path.
  std::string library = NvmlLibrary::kDefaultLibrary;
  // The GPUs to meter (SelectGpus); every GPU NVML reports by default.
  GpuSelection gpus;
  // Times power readings; Clock::Real() when null.
  Clock* clock = nullptr;
};

class NvmlMeter : public EnergyMeter {
 public:
  static absl::StatusOr<std::unique_ptr<NvmlMeter>> Open(const NvmlOptions& options);
  ~NvmlMeter() override;

  // Reads every board once; the error says which board and call failed.
  absl::Status Probe() override;
  MeterDescription Describe() const override;
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;
  // "GPU-...: 2 compute processes (pids 311, 912)" per board with more than one, joined by
  // "; "; "" when none has, or when NVML cannot list processes.
  std::string SharingNow() override;
  std::optional<uint64_t> MemoryInUseBytes() override;

 private:
  struct Board;
  NvmlMeter(std::unique_ptr<NvmlLibrary> library, Clock* clock, std::vector<Board> boards);

  std::unique_ptr<NvmlLibrary> library_;
  Clock* clock_;
  std::vector<Board> boards_;
};

}  // namespace jb::worker
