// NvmlLibrary: NVIDIA's management library (NVML) loaded at run time with dlopen, so the same
// worker binary runs on nodes without a driver (reference/energy-metering.md section 1.2).
//
// Rules:
// - The library is opened by its versioned soname, "libnvidia-ml.so.1" (the unversioned
//   symlink belongs to the development package and is absent on driver-only hosts).
// - nvml.h maps several names onto suffixed versions with #define; dlsym must ask for the
//   suffixed symbols (nvmlInit_v2, nvmlDeviceGetCount_v2, nvmlDeviceGetHandleByIndex_v2,
//   nvmlDeviceGetHandleByPciBusId_v2, nvmlDeviceGetPciInfo_v3,
//   nvmlDeviceGetComputeRunningProcesses_v3 with _v2 as fallback).
// - Load() calls nvmlInit_v2; the destructor calls nvmlShutdown and closes the library. NVML
//   counts its initialisations, so several NvmlLibrary objects may coexist.
// - The NVML types used here are declared below from NVIDIA's documented ABI (nvml.h, API
//   version 12): return codes are ints, a device is an opaque pointer.
// - Symbols needed for metering are required; those for MIG and the process list are optional
//   and their absence reads as Unimplemented, like NVML_ERROR_NOT_SUPPORTED.
//
// Errors map NVML return codes to absl codes by what a caller should do:
//   NOT_SUPPORTED, FUNCTION_NOT_FOUND      -> Unimplemented (use another method)
//   NOT_FOUND                              -> NotFound
//   INVALID_ARGUMENT                       -> InvalidArgument
//   NO_PERMISSION                          -> PermissionDenied
//   DRIVER_NOT_LOADED, LIB_RM_VERSION_MISMATCH, GPU_IS_LOST, RESET_REQUIRED, UNINITIALIZED
//                                          -> FailedPrecondition (fix the node first)
//   anything else                          -> Unavailable (may pass; retry)
// Messages name the call and carry nvmlErrorString's text and the code.
// Thread-safety: NVML is thread-safe; every method here is const and may be called from any
// thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace jb::worker {

namespace nvml {

// nvmlDevice_t: an opaque handle owned by the library.
struct DeviceSt;
using Device = DeviceSt*;
// nvmlReturn_t.
using Return = int;

inline constexpr Return kSuccess = 0;
inline constexpr Return kErrorUninitialized = 1;
inline constexpr Return kErrorInvalidArgument = 2;
inline constexpr Return kErrorNotSupported = 3;
inline constexpr Return kErrorNoPermission = 4;
inline constexpr Return kErrorNotFound = 6;
inline constexpr Return kErrorInsufficientSize = 7;
inline constexpr Return kErrorDriverNotLoaded = 9;
inline constexpr Return kErrorLibraryNotFound = 12;
inline constexpr Return kErrorFunctionNotFound = 13;
inline constexpr Return kErrorGpuIsLost = 15;
inline constexpr Return kErrorResetRequired = 16;
inline constexpr Return kErrorLibRmVersionMismatch = 18;
inline constexpr Return kErrorUnknown = 999;

// Buffer sizes NVML guarantees to be large enough (NVML_DEVICE_*_BUFFER_SIZE, v2 where any).
inline constexpr unsigned kUuidBufferSize = 96;
inline constexpr unsigned kNameBufferSize = 96;

// nvmlDeviceGetMigMode's NVML_DEVICE_MIG_ENABLE.
inline constexpr unsigned kMigEnable = 1;

// nvmlPciInfo_t (filled by nvmlDeviceGetPciInfo_v3).
struct PciInfo {
  char bus_id_legacy[16];
  unsigned domain;
  unsigned bus;
  unsigned device;
  unsigned pci_device_id;
  unsigned pci_subsystem_id;
  char bus_id[32];
};

// nvmlMemory_t, version 1 (filled by nvmlDeviceGetMemoryInfo).
struct Memory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

// nvmlProcessInfo_t: the layout of both nvmlDeviceGetComputeRunningProcesses_v2 and _v3.
struct ProcessInfo {
  unsigned pid;
  unsigned long long used_gpu_memory;
  unsigned gpu_instance_id;
  unsigned compute_instance_id;
};

}  // namespace nvml

class NvmlLibrary {
 public:
  static constexpr char kDefaultLibrary[] = "libnvidia-ml.so.1";

  // Opens `library` (a soname or a path), resolves the entry points and calls nvmlInit_v2.
  // NotFound when the library cannot be opened ("libnvidia-ml.so.1 not found (no NVIDIA driver
  // on this node, or ...)"); FailedPrecondition when a required symbol is missing; the mapped
  // code of nvmlInit_v2's error, with nvmlErrorString's text, when initialisation fails.
  static absl::StatusOr<std::unique_ptr<NvmlLibrary>> Load(
      const std::string& library = kDefaultLibrary);

  ~NvmlLibrary();
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  // The Status for an NVML return code (OkStatus for NVML_SUCCESS), mapped as above, with the
  // message "CALL: ERROR_STRING (NVML error N)".
  absl::Status ToStatus(nvml::Return code, const std::string& call) const;

  // Devices NVML reports (nvmlDeviceGetCount_v2). MIG instances are not counted.
  absl::StatusOr<unsigned> DeviceCount() const;
  // Only for listing every device; callers take the UUID at once and never keep an index.
  absl::StatusOr<nvml::Device> HandleByIndex(unsigned index) const;
  // A board ("GPU-...") or a MIG instance ("MIG-...").
  absl::StatusOr<nvml::Device> HandleByUuid(const std::string& uuid) const;
  // `pci_bus_id` in NVML's form "00000000:3B:00.0".
  absl::StatusOr<nvml::Device> HandleByPciBusId(const std::string& pci_bus_id) const;

  absl::StatusOr<std::string> Uuid(nvml::Device device) const;
  // NVML's busId, e.g. "00000000:3B:00.0".
  absl::StatusOr<std::string> PciBusId(nvml::Device device) const;
  absl::StatusOr<std::string> Name(nvml::Device device) const;
  // Total, free and used bytes of the device's memory (nvmlDeviceGetMemoryInfo).
  absl::StatusOr<nvml::Memory> MemoryInfo(nvml::Device device) const;
  // Millijoules since the driver was loaded; Unimplemented before Volta.
  absl::StatusOr<uint64_t> TotalEnergyMillijoules(nvml::Device device) const;
  absl::StatusOr<unsigned> PowerMilliwatts(nvml::Device device) const;
  absl::StatusOr<unsigned> EnforcedPowerLimitMilliwatts(nvml::Device device) const;
  // True when the board's current MIG mode is enabled; Unimplemented on boards without MIG.
  absl::StatusOr<bool> MigModeEnabled(nvml::Device device) const;
  // True when `device` is a MIG instance's handle; false when NVML cannot tell.
  bool IsMigDeviceHandle(nvml::Device device) const;
  // The board a MIG instance lives on.
  absl::StatusOr<nvml::Device> ParentOfMigDevice(nvml::Device mig_device) const;
  // Pids of the processes with a compute context on the device.
  absl::StatusOr<std::vector<unsigned>> ComputeProcessPids(nvml::Device device) const;

 private:
  struct Api;
  NvmlLibrary(void* handle, std::unique_ptr<Api> api);

  void* handle_;
  std::unique_ptr<Api> api_;
};

}  // namespace jb::worker
