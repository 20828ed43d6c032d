// A fake libnvidia-ml.so.1 for the NVML tests: it exports the NVML entry points NvmlLibrary
// resolves, with NVIDIA's names and ABI (nvml.h, API version 12), over devices a test scripts
// through the jbFakeNvml* functions below. The test dlopens this library by path and calls
// them; the meter under test dlopens the same path through NvmlLibrary::Load, and the dynamic
// loader hands both the same instance, so they share this state.
//
// Script: jbFakeNvmlReset() forgets everything; jbFakeNvmlAddDevice adds a board (listed by
// index in the order added); jbFakeNvmlAddMigInstance adds a MIG instance reachable only by
// UUID and turns MIG mode on for its board. Energy (mJ), power (mW) and memory used (bytes, 0
// until set) are the values last set and are returned by every call until changed; a result
// other than 0 (e.g. 3, NOT_SUPPORTED) makes the call fail with it. jbFakeNvmlCallCount counts
// calls by entry-point name. Thread-safety: one mutex around all state.
#include <strings.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#define FAKE_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

// NVML's return codes (nvmlReturn_t) used here.
constexpr int kSuccess = 0;
constexpr int kUninitialized = 1;
constexpr int kInvalidArgument = 2;
constexpr int kNotSupported = 3;
constexpr int kNotFound = 6;
constexpr int kInsufficientSize = 7;

// nvmlPciInfo_t, nvmlMemory_t and nvmlProcessInfo_t as nvml.h lays them out.
struct PciInfo {
  char bus_id_legacy[16];
  unsigned domain;
  unsigned bus;
  unsigned device;
  unsigned pci_device_id;
  unsigned pci_subsystem_id;
  char bus_id[32];
};
struct Memory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
struct ProcessInfo {
  unsigned pid;
  unsigned long long used_gpu_memory;
  unsigned gpu_instance_id;
  unsigned compute_instance_id;
};

struct Device {
  std::string uuid;
  std::string pci_bus_id;
  std::string name;
  unsigned long long memory_bytes = 0;
  unsigned long long memory_used = 0;
  int memory_result = kSuccess;
  unsigned power_limit_mw = 0;
  bool listed = true;  // false for MIG instances: NVML lists boards only
  Device* parent = nullptr;
  int mig_mode = -1;  // -1: NOT_SUPPORTED
  unsigned long long energy_mj = 0;
  int energy_result = kSuccess;
  unsigned power_mw = 0;
  int power_result = kSuccess;
  std::vector<unsigned> pids;
  int processes_result = kSuccess;
};

struct State {
  std::mutex mu;
  int init_result = kSuccess;
  int initialised = 0;
  std::vector<std::unique_ptr<Device>> devices;
  std::map<std::string, int> calls;
};

State& S() {
  static State* state = new State;
  return *state;
}

// Counts the call and checks initialisation; returns the error to give, or kSuccess.
int Enter(const char* function) {
  ++S().calls[function];
  return S().initialised > 0 ? kSuccess : kUninitialized;
}

Device* Find(void* handle) {
  for (const auto& device : S().devices) {
    if (device.get() == handle) return device.get();
  }
  return nullptr;
}

Device* At(int index) {
  if (index < 0 || index >= static_cast<int>(S().devices.size())) return nullptr;
  return S().devices[index].get();
}

std::vector<Device*> Listed() {
  std::vector<Device*> listed;
  for (const auto& device : S().devices) {
    if (device->listed) listed.push_back(device.get());
  }
  return listed;
}

int CopyString(const std::string& value, char* out, unsigned length) {
  if (out == nullptr) return kInvalidArgument;
  if (value.size() + 1 > length) return kInsufficientSize;
  std::memcpy(out, value.c_str(), value.size() + 1);
  return kSuccess;
}

}  // namespace

// ---- script ----

FAKE_EXPORT void jbFakeNvmlReset() {
  std::lock_guard<std::mutex> lock(S().mu);
  S().init_result = kSuccess;
  S().initialised = 0;
  S().devices.clear();
  S().calls.clear();
}

FAKE_EXPORT void jbFakeNvmlSetInitResult(int result) {
  std::lock_guard<std::mutex> lock(S().mu);
  S().init_result = result;
}

FAKE_EXPORT int jbFakeNvmlAddDevice(const char* uuid, const char* pci_bus_id, const char* name,
                                    unsigned long long memory_bytes, unsigned power_limit_mw) {
  std::lock_guard<std::mutex> lock(S().mu);
  auto device = std::make_unique<Device>();
  device->uuid = uuid;
  device->pci_bus_id = pci_bus_id;
  device->name = name;
  device->memory_bytes = memory_bytes;
  device->power_limit_mw = power_limit_mw;
  S().devices.push_back(std::move(device));
  return static_cast<int>(S().devices.size()) - 1;
}

FAKE_EXPORT int jbFakeNvmlAddMigInstance(int parent, const char* uuid) {
  std::lock_guard<std::mutex> lock(S().mu);
  Device* board = At(parent);
  if (board == nullptr) return -1;
  board->mig_mode = 1;
  auto instance = std::make_unique<Device>();
  instance->uuid = uuid;
  instance->listed = false;
  instance->parent = board;
  instance->energy_result = kNotSupported;
  instance->power_result = kNotSupported;
  S().devices.push_back(std::move(instance));
  return static_cast<int>(S().devices.size()) - 1;
}

FAKE_EXPORT void jbFakeNvmlSetMigMode(int device, int mode) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->mig_mode = mode;
}

FAKE_EXPORT void jbFakeNvmlSetEnergy(int device, unsigned long long energy_mj) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->energy_mj = energy_mj;
}

FAKE_EXPORT void jbFakeNvmlSetEnergyResult(int device, int result) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->energy_result = result;
}

FAKE_EXPORT void jbFakeNvmlSetPower(int device, unsigned power_mw) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->power_mw = power_mw;
}

FAKE_EXPORT void jbFakeNvmlSetPowerResult(int device, int result) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->power_result = result;
}

FAKE_EXPORT void jbFakeNvmlSetMemoryUsed(int device, unsigned long long used) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->memory_used = used;
}

FAKE_EXPORT void jbFakeNvmlSetMemoryResult(int device, int result) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->memory_result = result;
}

FAKE_EXPORT void jbFakeNvmlSetProcesses(int device, const unsigned* pids, unsigned count) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->pids.assign(pids, pids + count);
}

FAKE_EXPORT void jbFakeNvmlSetProcessesResult(int device, int result) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (Device* d = At(device)) d->processes_result = result;
}

FAKE_EXPORT int jbFakeNvmlCallCount(const char* function) {
  std::lock_guard<std::mutex> lock(S().mu);
  auto it = S().calls.find(function);
  return it == S().calls.end() ? 0 : it->second;
}

FAKE_EXPORT int jbFakeNvmlInitialised() {
  std::lock_guard<std::mutex> lock(S().mu);
  return S().initialised;
}

// ---- NVML ----

FAKE_EXPORT int nvmlInit_v2() {
  std::lock_guard<std::mutex> lock(S().mu);
  ++S().calls["nvmlInit_v2"];
  if (S().init_result != kSuccess) return S().init_result;
  ++S().initialised;
  return kSuccess;
}

FAKE_EXPORT int nvmlShutdown() {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlShutdown"); r != kSuccess) return r;
  --S().initialised;
  return kSuccess;
}

FAKE_EXPORT const char* nvmlErrorString(int result) {
  switch (result) {
    case 0:
      return "Success";
    case 1:
      return "Uninitialized";
    case 2:
      return "Invalid Argument";
    case 3:
      return "Not Supported";
    case 4:
      return "Insufficient Permissions";
    case 6:
      return "Not Found";
    case 7:
      return "Insufficient Size";
    case 9:
      return "Driver Not Loaded";
    case 15:
      return "GPU is lost";
    case 18:
      return "RM has detected an NVML/RM version mismatch.";
    default:
      return "Unknown Error";
  }
}

FAKE_EXPORT int nvmlDeviceGetCount_v2(unsigned* count) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetCount_v2"); r != kSuccess) return r;
  *count = static_cast<unsigned>(Listed().size());
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceGetHandleByIndex_v2(unsigned index, void** device) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetHandleByIndex_v2"); r != kSuccess) return r;
  std::vector<Device*> listed = Listed();
  if (index >= listed.size()) return kInvalidArgument;
  *device = listed[index];
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceGetHandleByUUID(const char* uuid, void** device) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetHandleByUUID"); r != kSuccess) return r;
  for (const auto& d : S().devices) {
    if (d->uuid == uuid) {
      *device = d.get();
      return kSuccess;
    }
  }
  return kNotFound;
}

FAKE_EXPORT int nvmlDeviceGetHandleByPciBusId_v2(const char* pci_bus_id, void** device) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetHandleByPciBusId_v2"); r != kSuccess) return r;
  for (Device* d : Listed()) {
    if (strcasecmp(d->pci_bus_id.c_str(), pci_bus_id) == 0) {
      *device = d;
      return kSuccess;
    }
  }
  return kNotFound;
}

FAKE_EXPORT int nvmlDeviceGetUUID(void* device, char* uuid, unsigned length) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetUUID"); r != kSuccess) return r;
  Device* d = Find(device);
  return d == nullptr ? kInvalidArgument : CopyString(d->uuid, uuid, length);
}

FAKE_EXPORT int nvmlDeviceGetPciInfo_v3(void* device, PciInfo* pci) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetPciInfo_v3"); r != kSuccess) return r;
  Device* d = Find(device);
  if (d == nullptr || pci == nullptr) return kInvalidArgument;
  *pci = PciInfo{};
  return CopyString(d->pci_bus_id, pci->bus_id, sizeof(pci->bus_id));
}

FAKE_EXPORT int nvmlDeviceGetName(void* device, char* name, unsigned length) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetName"); r != kSuccess) return r;
  Device* d = Find(device);
  return d == nullptr ? kInvalidArgument : CopyString(d->name, name, length);
}

FAKE_EXPORT int nvmlDeviceGetMemoryInfo(void* device, Memory* memory) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetMemoryInfo"); r != kSuccess) return r;
  Device* d = Find(device);
  if (d == nullptr || memory == nullptr) return kInvalidArgument;
  if (d->memory_result != kSuccess) return d->memory_result;
  *memory = Memory{d->memory_bytes, d->memory_bytes - d->memory_used, d->memory_used};
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceGetTotalEnergyConsumption(void* device, unsigned long long* energy) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetTotalEnergyConsumption"); r != kSuccess) return r;
  Device* d = Find(device);
  if (d == nullptr) return kInvalidArgument;
  if (d->energy_result != kSuccess) return d->energy_result;
  *energy = d->energy_mj;
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceGetPowerUsage(void* device, unsigned* power) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetPowerUsage"); r != kSuccess) return r;
  Device* d = Find(device);
  if (d == nullptr) return kInvalidArgument;
  if (d->power_result != kSuccess) return d->power_result;
  *power = d->power_mw;
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceGetEnforcedPowerLimit(void* device, unsigned* limit) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetEnforcedPowerLimit"); r != kSuccess) return r;
  Device* d = Find(device);
  if (d == nullptr) return kInvalidArgument;
  if (d->power_limit_mw == 0) return kNotSupported;
  *limit = d->power_limit_mw;
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceGetMigMode(void* device, unsigned* current, unsigned* pending) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetMigMode"); r != kSuccess) return r;
  Device* d = Find(device);
  if (d == nullptr || d->parent != nullptr) return kInvalidArgument;
  if (d->mig_mode < 0) return kNotSupported;
  *current = static_cast<unsigned>(d->mig_mode);
  *pending = static_cast<unsigned>(d->mig_mode);
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceIsMigDeviceHandle(void* device, unsigned* is_mig) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceIsMigDeviceHandle"); r != kSuccess) return r;
  Device* d = Find(device);
  if (d == nullptr) return kInvalidArgument;
  *is_mig = d->parent != nullptr ? 1 : 0;
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceGetDeviceHandleFromMigDeviceHandle(void* mig_device, void** device) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetDeviceHandleFromMigDeviceHandle"); r != kSuccess) return r;
  Device* d = Find(mig_device);
  if (d == nullptr || d->parent == nullptr) return kInvalidArgument;
  *device = d->parent;
  return kSuccess;
}

FAKE_EXPORT int nvmlDeviceGetComputeRunningProcesses_v3(void* device, unsigned* count,
                                                        ProcessInfo* infos) {
  std::lock_guard<std::mutex> lock(S().mu);
  if (int r = Enter("nvmlDeviceGetComputeRunningProcesses_v3"); r != kSuccess) return r;
  Device* d = Find(device);
  if (d == nullptr || count == nullptr) return kInvalidArgument;
  if (d->processes_result != kSuccess) return d->processes_result;
  const unsigned n = static_cast<unsigned>(d->pids.size());
  if (*count < n) {
    *count = n;
    return kInsufficientSize;
  }
  if (n > 0 && infos == nullptr) return kInvalidArgument;
  for (unsigned i = 0; i < n; ++i) {
    infos[i] = ProcessInfo{d->pids[i], 1u << 30, 0xFFFFFFFFu, 0xFFFFFFFFu};
  }
  *count = n;
  return kSuccess;
}
