#include "worker/energy/nvml_library.h"

#include <dlfcn.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace jb::worker {

// The entry points, by their exported (suffixed) names. Null when the library lacks one.
struct NvmlLibrary::Api {
  nvml::Return (*init_v2)() = nullptr;
  nvml::Return (*shutdown)() = nullptr;
  const char* (*error_string)(nvml::Return) = nullptr;
  nvml::Return (*get_count_v2)(unsigned*) = nullptr;
  nvml::Return (*handle_by_index_v2)(unsigned, nvml::Device*) = nullptr;
  nvml::Return (*handle_by_uuid)(const char*, nvml::Device*) = nullptr;
  nvml::Return (*handle_by_pci_bus_id_v2)(const char*, nvml::Device*) = nullptr;
  nvml::Return (*get_uuid)(nvml::Device, char*, unsigned) = nullptr;
  nvml::Return (*get_pci_info_v3)(nvml::Device, nvml::PciInfo*) = nullptr;
  nvml::Return (*get_name)(nvml::Device, char*, unsigned) = nullptr;
  nvml::Return (*get_memory_info)(nvml::Device, nvml::Memory*) = nullptr;
  nvml::Return (*get_total_energy_consumption)(nvml::Device, unsigned long long*) = nullptr;
  nvml::Return (*get_power_usage)(nvml::Device, unsigned*) = nullptr;
  nvml::Return (*get_enforced_power_limit)(nvml::Device, unsigned*) = nullptr;
  nvml::Return (*get_mig_mode)(nvml::Device, unsigned*, unsigned*) = nullptr;
  nvml::Return (*is_mig_device_handle)(nvml::Device, unsigned*) = nullptr;
  nvml::Return (*handle_from_mig_handle)(nvml::Device, nvml::Device*) = nullptr;
  nvml::Return (*get_compute_running_processes)(nvml::Device, unsigned*,
                                                nvml::ProcessInfo*) = nullptr;
  const char* compute_running_processes_name = "nvmlDeviceGetComputeRunningProcesses_v3";
};

namespace {

template <typename Fn>
void Resolve(void* handle, const char* name, Fn& out) {
  out = reinterpret_cast<Fn>(dlsym(handle, name));
}

absl::StatusCode CodeFor(nvml::Return code) {
  switch (code) {
    case nvml::kSuccess:
      return absl::StatusCode::kOk;
    case nvml::kErrorNotSupported:
    case nvml::kErrorFunctionNotFound:
      return absl::StatusCode::kUnimplemented;
    case nvml::kErrorNotFound:
      return absl::StatusCode::kNotFound;
    case nvml::kErrorInvalidArgument:
      return absl::StatusCode::kInvalidArgument;
    case nvml::kErrorNoPermission:
      return absl::StatusCode::kPermissionDenied;
    case nvml::kErrorUninitialized:
    case nvml::kErrorDriverNotLoaded:
    case nvml::kErrorLibraryNotFound:
    case nvml::kErrorGpuIsLost:
    case nvml::kErrorResetRequired:
    case nvml::kErrorLibRmVersionMismatch:
      return absl::StatusCode::kFailedPrecondition;
    default:
      return absl::StatusCode::kUnavailable;
  }
}

// Calls `fn` when the library has it; a missing entry point reads as FUNCTION_NOT_FOUND.
template <typename Fn, typename... Args>
absl::Status Invoke(const NvmlLibrary& library, Fn fn, const char* call, Args... args) {
  if (fn == nullptr) return library.ToStatus(nvml::kErrorFunctionNotFound, call);
  return library.ToStatus(fn(args...), call);
}

}  // namespace

absl::StatusOr<std::unique_ptr<NvmlLibrary>> NvmlLibrary::Load(const std::string& library) {
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* detail = dlerror();
    return absl::NotFoundError(
        absl::StrCat(library,
                     " not found (no NVIDIA driver on this node, or the container lacks the NVIDIA "
                     "runtime's 'utility' capability); dlopen: ",
                     detail != nullptr ? detail : "unknown error"));
  }
  auto api = std::make_unique<Api>();
  Resolve(handle, "nvmlInit_v2", api->init_v2);
  Resolve(handle, "nvmlShutdown", api->shutdown);
  Resolve(handle, "nvmlErrorString", api->error_string);
  Resolve(handle, "nvmlDeviceGetCount_v2", api->get_count_v2);
  Resolve(handle, "nvmlDeviceGetHandleByIndex_v2", api->handle_by_index_v2);
  Resolve(handle, "nvmlDeviceGetHandleByUUID", api->handle_by_uuid);
  Resolve(handle, "nvmlDeviceGetHandleByPciBusId_v2", api->handle_by_pci_bus_id_v2);
  Resolve(handle, "nvmlDeviceGetUUID", api->get_uuid);
  Resolve(handle, "nvmlDeviceGetPciInfo_v3", api->get_pci_info_v3);
  Resolve(handle, "nvmlDeviceGetName", api->get_name);
  Resolve(handle, "nvmlDeviceGetMemoryInfo", api->get_memory_info);
  Resolve(handle, "nvmlDeviceGetTotalEnergyConsumption", api->get_total_energy_consumption);
  Resolve(handle, "nvmlDeviceGetPowerUsage", api->get_power_usage);
  Resolve(handle, "nvmlDeviceGetEnforcedPowerLimit", api->get_enforced_power_limit);
  Resolve(handle, "nvmlDeviceGetMigMode", api->get_mig_mode);
  Resolve(handle, "nvmlDeviceIsMigDeviceHandle", api->is_mig_device_handle);
  Resolve(handle, "nvmlDeviceGetDeviceHandleFromMigDeviceHandle", api->handle_from_mig_handle);
  Resolve(handle, "nvmlDeviceGetComputeRunningProcesses_v3", api->get_compute_running_processes);
  if (api->get_compute_running_processes == nullptr) {
    // Drivers before R510 export only _v2, with the same struct layout.
    Resolve(handle, "nvmlDeviceGetComputeRunningProcesses_v2", api->get_compute_running_processes);
    api->compute_running_processes_name = "nvmlDeviceGetComputeRunningProcesses_v2";
  }

  // Without these the library cannot enumerate or identify devices at all.
  const std::pair<const char*, bool> required[] = {
      {"nvmlInit_v2", api->init_v2 != nullptr},
      {"nvmlShutdown", api->shutdown != nullptr},
      {"nvmlDeviceGetCount_v2", api->get_count_v2 != nullptr},
      {"nvmlDeviceGetHandleByIndex_v2", api->handle_by_index_v2 != nullptr},
      {"nvmlDeviceGetHandleByUUID", api->handle_by_uuid != nullptr},
      {"nvmlDeviceGetUUID", api->get_uuid != nullptr},
  };
  for (const auto& [name, present] : required) {
    if (!present) {
      dlclose(handle);
      return absl::FailedPreconditionError(
          absl::StrCat(library, " lacks ", name,
                       ": the NVIDIA driver is too old for this worker (R450 or newer needed)"));
    }
  }

  const nvml::Return init = api->init_v2();
  if (init != nvml::kSuccess) {
    std::string text = api->error_string != nullptr && api->error_string(init) != nullptr
                           ? api->error_string(init)
                           : "unknown error";
    dlclose(handle);
    return absl::Status(
        CodeFor(init),
        absl::StrCat("nvmlInit_v2 failed: ", text, " (NVML error ", init, ") from ", library,
                     "; check that nvidia-smi works on this node (driver loaded, library and "
                     "kernel module of the same version)"));
  }
  return std::unique_ptr<NvmlLibrary>(new NvmlLibrary(handle, std::move(api)));
}

NvmlLibrary::NvmlLibrary(void* handle, std::unique_ptr<Api> api)
    : handle_(handle), api_(std::move(api)) {}

NvmlLibrary::~NvmlLibrary() {
  api_->shutdown();
  dlclose(handle_);
}

absl::Status NvmlLibrary::ToStatus(nvml::Return code, const std::string& call) const {
  if (code == nvml::kSuccess) return absl::OkStatus();
  const char* text = api_->error_string != nullptr ? api_->error_string(code) : nullptr;
  return absl::Status(CodeFor(code), absl::StrCat(call, ": ", text != nullptr ? text : "error",
                                                  " (NVML error ", code, ")"));
}

absl::StatusOr<unsigned> NvmlLibrary::DeviceCount() const {
  unsigned count = 0;
  absl::Status status = Invoke(*this, api_->get_count_v2, "nvmlDeviceGetCount_v2", &count);
  if (!status.ok()) return status;
  return count;
}

absl::StatusOr<nvml::Device> NvmlLibrary::HandleByIndex(unsigned index) const {
  nvml::Device device = nullptr;
  absl::Status status =
      Invoke(*this, api_->handle_by_index_v2, "nvmlDeviceGetHandleByIndex_v2", index, &device);
  if (!status.ok()) return status;
  return device;
}

absl::StatusOr<nvml::Device> NvmlLibrary::HandleByUuid(const std::string& uuid) const {
  nvml::Device device = nullptr;
  absl::Status status =
      Invoke(*this, api_->handle_by_uuid, "nvmlDeviceGetHandleByUUID", uuid.c_str(), &device);
  if (!status.ok()) return status;
  return device;
}

absl::StatusOr<nvml::Device> NvmlLibrary::HandleByPciBusId(const std::string& pci_bus_id) const {
  nvml::Device device = nullptr;
  absl::Status status = Invoke(*this, api_->handle_by_pci_bus_id_v2,
                               "nvmlDeviceGetHandleByPciBusId_v2", pci_bus_id.c_str(), &device);
  if (!status.ok()) return status;
  return device;
}

absl::StatusOr<std::string> NvmlLibrary::Uuid(nvml::Device device) const {
  char buffer[nvml::kUuidBufferSize] = {};
  absl::Status status =
      Invoke(*this, api_->get_uuid, "nvmlDeviceGetUUID", device, buffer, nvml::kUuidBufferSize);
  if (!status.ok()) return status;
  buffer[sizeof(buffer) - 1] = '\0';
  return std::string(buffer);
}

absl::StatusOr<std::string> NvmlLibrary::PciBusId(nvml::Device device) const {
  nvml::PciInfo info = {};
  absl::Status status =
      Invoke(*this, api_->get_pci_info_v3, "nvmlDeviceGetPciInfo_v3", device, &info);
  if (!status.ok()) return status;
  info.bus_id[sizeof(info.bus_id) - 1] = '\0';
  return std::string(info.bus_id);
}

absl::StatusOr<std::string> NvmlLibrary::Name(nvml::Device device) const {
  char buffer[nvml::kNameBufferSize] = {};
  absl::Status status =
      Invoke(*this, api_->get_name, "nvmlDeviceGetName", device, buffer, nvml::kNameBufferSize);
  if (!status.ok()) return status;
  buffer[sizeof(buffer) - 1] = '\0';
  return std::string(buffer);
}

absl::StatusOr<nvml::Memory> NvmlLibrary::MemoryInfo(nvml::Device device) const {
  nvml::Memory memory = {};
  absl::Status status =
      Invoke(*this, api_->get_memory_info, "nvmlDeviceGetMemoryInfo", device, &memory);
  if (!status.ok()) return status;
  return memory;
}

absl::StatusOr<uint64_t> NvmlLibrary::TotalEnergyMillijoules(nvml::Device device) const {
  unsigned long long energy_mj = 0;
  absl::Status status = Invoke(*this, api_->get_total_energy_consumption,
                               "nvmlDeviceGetTotalEnergyConsumption", device, &energy_mj);
  if (!status.ok()) return status;
  return static_cast<uint64_t>(energy_mj);
}

absl::StatusOr<unsigned> NvmlLibrary::PowerMilliwatts(nvml::Device device) const {
  unsigned power_mw = 0;
  absl::Status status =
      Invoke(*this, api_->get_power_usage, "nvmlDeviceGetPowerUsage", device, &power_mw);
  if (!status.ok()) return status;
  return power_mw;
}

absl::StatusOr<unsigned> NvmlLibrary::EnforcedPowerLimitMilliwatts(nvml::Device device) const {
  unsigned limit_mw = 0;
  absl::Status status = Invoke(*this, api_->get_enforced_power_limit,
                               "nvmlDeviceGetEnforcedPowerLimit", device, &limit_mw);
  if (!status.ok()) return status;
  return limit_mw;
}

absl::StatusOr<bool> NvmlLibrary::MigModeEnabled(nvml::Device device) const {
  unsigned current = 0;
  unsigned pending = 0;
  absl::Status status =
      Invoke(*this, api_->get_mig_mode, "nvmlDeviceGetMigMode", device, &current, &pending);
  if (!status.ok()) return status;
  return current == nvml::kMigEnable;
}

bool NvmlLibrary::IsMigDeviceHandle(nvml::Device device) const {
  unsigned is_mig = 0;
  return Invoke(*this, api_->is_mig_device_handle, "nvmlDeviceIsMigDeviceHandle", device, &is_mig)
             .ok() &&
         is_mig != 0;
}

absl::StatusOr<nvml::Device> NvmlLibrary::ParentOfMigDevice(nvml::Device mig_device) const {
  nvml::Device parent = nullptr;
  absl::Status status = Invoke(*this, api_->handle_from_mig_handle,
                               "nvmlDeviceGetDeviceHandleFromMigDeviceHandle", mig_device, &parent);
  if (!status.ok()) return status;
  return parent;
}

absl::StatusOr<std::vector<unsigned>> NvmlLibrary::ComputeProcessPids(nvml::Device device) const {
  const char* call = api_->compute_running_processes_name;
  auto* fn = api_->get_compute_running_processes;
  if (fn == nullptr) return ToStatus(nvml::kErrorFunctionNotFound, call);
  // A count of 0 asks for the size: SUCCESS means none run, INSUFFICIENT_SIZE gives the count.
  unsigned count = 0;
  nvml::Return code = fn(device, &count, nullptr);
  if (code == nvml::kSuccess) return std::vector<unsigned>{};
  // Processes may start between the calls; retry a few times with the larger count.
  std::vector<nvml::ProcessInfo> infos;
  for (int attempt = 0; attempt < 3 && code == nvml::kErrorInsufficientSize; ++attempt) {
    infos.assign(count + 4, nvml::ProcessInfo{});
    count = static_cast<unsigned>(infos.size());
    code = fn(device, &count, infos.data());
  }
  if (code != nvml::kSuccess) return ToStatus(code, call);
  std::vector<unsigned> pids;
  for (unsigned i = 0; i < count && i < infos.size(); ++i) pids.push_back(infos[i].pid);
  return pids;
}

}  // namespace jb::worker
