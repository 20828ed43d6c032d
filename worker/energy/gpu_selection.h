// Which GPUs the NVML meter reads: those of the inference server the worker drives, named by
// UUID or PCI bus id, never by index (reference/energy-metering.md section 1.3: CUDA orders
// devices fastest first unless CUDA_DEVICE_ORDER=PCI_BUS_ID, NVML in PCI bus order, so an
// index can name a different board in each).
//
// Sources, first non-empty wins:
//   1. the worker's --gpus flag: comma-separated "GPU-..." / "MIG-..." UUIDs or PCI bus ids
//      ("0000:3b:00.0", "00000000:3B:00.0", "3b:00.0"); "all" selects every GPU;
//   2. CUDA_VISIBLE_DEVICES (the inference server's, when the worker shares its environment);
//   3. NVIDIA_VISIBLE_DEVICES (set by the NVIDIA container runtime); for both variables the
//      values "all", "none" and "void" are skipped;
//   4. every GPU NVML reports (the meter lists them and keeps their UUIDs).
// An integer index in any source is InvalidArgument, with the explanation above and what to
// pass instead; so is an entry that is neither a UUID nor a PCI bus id.
// Thread-safety: pure functions (SelectGpusFromEnvironment reads the environment).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace jb::worker {

struct GpuSelection {
  enum class Source { kFlag, kCudaVisibleDevices, kNvidiaVisibleDevices, kAll };
  Source source = Source::kAll;
  // UUIDs as given ("GPU-8f6e...", "MIG-..." or the older "MIG-GPU-.../1/0") and PCI bus ids in
  // NVML's form ("00000000:3B:00.0"), in the order given without duplicates; empty for kAll.
  std::vector<std::string> ids;
};

// Chooses from the sources above; an empty string stands for an unset variable.
absl::StatusOr<GpuSelection> SelectGpus(const std::string& flag,
                                        const std::string& cuda_visible_devices,
                                        const std::string& nvidia_visible_devices);

// SelectGpus with this process's CUDA_VISIBLE_DEVICES and NVIDIA_VISIBLE_DEVICES.
absl::StatusOr<GpuSelection> SelectGpusFromEnvironment(const std::string& flag);

// For logs and probe lines, e.g. "CUDA_VISIBLE_DEVICES: GPU-8f6e..., GPU-1a2b..." or
// "all GPUs NVML reports".
std::string DescribeGpuSelection(const GpuSelection& selection);

// A PCI bus id "[domain:]bus:device.function" (hexadecimal, any case, domain of up to 8
// digits) in NVML's form "00000000:3B:00.0"; nullopt when `id` is not one.
std::optional<std::string> CanonicalPciBusId(absl::string_view id);

}  // namespace jb::worker
