#include "worker/energy/nvml_meter.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "worker/energy/counters.h"

namespace jb::worker {

using joulebench::v1::EnergyMethod;
using joulebench::v1::EnergyReading;

struct NvmlMeter::Board {
  nvml::Device device = nullptr;
  joulebench::v1::GpuDevice info;
  // The MIG instances selected on this board ("MIG-..."); empty when selected as a board.
  std::vector<std::string> mig_instances;
  bool mig_mode = false;
  // The energy counter when supported, else power integration.
  bool energy_counter = false;
  CounterAccumulator counter;  // millijoules; no known wrap range, so a decrease is a reset
  PowerIntegrator power;
  std::string source;
};

namespace {

absl::Status WithBoard(const absl::Status& status, const std::string& what) {
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

// "GPU-a, GPU-b" for error messages, listing every board by UUID.
std::string KnownUuids(const NvmlLibrary& library) {
  absl::StatusOr<unsigned> count = library.DeviceCount();
  if (!count.ok()) return "unknown";
  std::vector<std::string> uuids;
  for (unsigned i = 0; i < *count; ++i) {
    absl::StatusOr<nvml::Device> device = library.HandleByIndex(i);
    if (!device.ok()) continue;
    absl::StatusOr<std::string> uuid = library.Uuid(*device);
    if (uuid.ok()) uuids.push_back(*uuid);
  }
  return uuids.empty() ? "none" : absl::StrJoin(uuids, ", ");
}

struct Resolved {
  nvml::Device board = nullptr;
  std::string mig_instance;  // the id when it named a MIG instance
};

absl::StatusOr<Resolved> ResolveId(const NvmlLibrary& library, const std::string& id,
                                   const GpuSelection& selection) {
  Resolved resolved;
  absl::StatusOr<nvml::Device> device;
  if (absl::StartsWith(id, "MIG-GPU-") && absl::StrContains(id, "/")) {
    // CUDA 11's form "MIG-GPU-<board uuid>/<gpu instance>/<compute instance>".
    resolved.mig_instance = id;
    device = library.HandleByUuid(id.substr(4, id.find('/') - 4));
  } else if (absl::StartsWith(id, "MIG-")) {
    resolved.mig_instance = id;
    device = library.HandleByUuid(id);
    // NVML answers a MIG UUID with the instance's handle; energy exists only for its board.
    if (device.ok() && library.IsMigDeviceHandle(*device)) {
      device = library.ParentOfMigDevice(*device);
    }
  } else if (absl::StartsWith(id, "GPU-")) {
    device = library.HandleByUuid(id);
  } else {
    device = library.HandleByPciBusId(id);
  }
  if (!device.ok()) {
    if (absl::IsNotFound(device.status()) || absl::IsInvalidArgument(device.status())) {
      return absl::NotFoundError(
          absl::StrCat("GPU ", id, " (", DescribeGpuSelection(selection),
                       ") is not among the GPUs NVML reports on this node (", KnownUuids(library),
                       "); check the ids with `nvidia-smi -L`: ", device.status().message()));
    }
    return WithBoard(device.status(), absl::StrCat("resolving GPU ", id));
  }
  resolved.board = *device;
  return resolved;
}

absl::StatusOr<std::vector<Resolved>> ResolveSelection(const NvmlLibrary& library,
                                                       const GpuSelection& selection) {
  std::vector<Resolved> resolved;
  if (selection.source == GpuSelection::Source::kAll || selection.ids.empty()) {
    // Listing is the one use of indices: each board is then known by its handle and UUID.
    JB_ASSIGN_OR_RETURN(unsigned count, library.DeviceCount());
    if (count == 0) return absl::NotFoundError("NVML reports no GPUs on this node");
    for (unsigned i = 0; i < count; ++i) {
      JB_ASSIGN_OR_RETURN(nvml::Device device, library.HandleByIndex(i));
      resolved.push_back(Resolved{device, ""});
    }
    return resolved;
  }
  for (const std::string& id : selection.ids) {
    JB_ASSIGN_OR_RETURN(Resolved one, ResolveId(library, id, selection));
    resolved.push_back(std::move(one));
  }
  return resolved;
}

// Fills the board's identity and chooses its method.
absl::Status DescribeBoard(const NvmlLibrary& library, nvml::Device device,
                           joulebench::v1::GpuDevice& info, bool& mig_mode, bool& energy_counter) {
  JB_ASSIGN_OR_RETURN(std::string uuid, library.Uuid(device));
  info.set_uuid(uuid);
  if (absl::StatusOr<std::string> pci = library.PciBusId(device); pci.ok()) {
    info.set_pci_bus_id(*pci);
  }
  if (absl::StatusOr<std::string> name = library.Name(device); name.ok()) {
    info.set_product(*name);
  }
  if (absl::StatusOr<nvml::Memory> memory = library.MemoryInfo(device); memory.ok()) {
    info.set_memory_bytes(memory->total);
  }
  if (absl::StatusOr<unsigned> limit = library.EnforcedPowerLimitMilliwatts(device); limit.ok()) {
    info.set_power_limit_w(*limit / 1000.0);
  }
  absl::StatusOr<bool> mig = library.MigModeEnabled(device);
  mig_mode = mig.ok() && *mig;

  absl::StatusOr<uint64_t> energy = library.TotalEnergyMillijoules(device);
  if (energy.ok()) {
    energy_counter = true;
    return absl::OkStatus();
  }
  if (!absl::IsUnimplemented(energy.status())) return WithBoard(energy.status(), uuid);
  energy_counter = false;
  absl::StatusOr<unsigned> power = library.PowerMilliwatts(device);
  if (!power.ok()) {
    return WithBoard(power.status(),
                     absl::StrCat(uuid,
                                  " has no energy counter (pre-Volta) and its power is not "
                                  "readable either"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<NvmlMeter>> NvmlMeter::Open(const NvmlOptions& options) {
  JB_ASSIGN_OR_RETURN(std::unique_ptr<NvmlLibrary> library, NvmlLibrary::Load(options.library));
  JB_ASSIGN_OR_RETURN(std::vector<Resolved> resolved, ResolveSelection(*library, options.gpus));
  std::vector<Board> boards;
  for (const Resolved& one : resolved) {
    Board* same = nullptr;
    for (Board& board : boards) same = board.device == one.board ? &board : same;
    if (same == nullptr) {
      Board board;
      board.device = one.board;
      JB_RETURN_IF_ERROR(
          DescribeBoard(*library, one.board, board.info, board.mig_mode, board.energy_counter));
      board.source = board.info.product().empty() ? absl::StrCat("nvml ", board.info.uuid())
                                                  : absl::StrCat("nvml ", board.info.uuid(), " (",
                                                                 board.info.product(), ")");
      boards.push_back(std::move(board));
      same = &boards.back();
    }
    if (!one.mig_instance.empty()) same->mig_instances.push_back(one.mig_instance);
  }
  for (Board& board : boards) {
    board.info.set_mig(board.mig_mode || !board.mig_instances.empty());
    JB_LOG(info, "nvml: metering {} by its {}{}", board.source,
           board.energy_counter ? "energy counter" : "power (integrated at the sampler period)",
           board.mig_instances.empty()
               ? ""
               : absl::StrCat(" for ", absl::StrJoin(board.mig_instances, ", ")));
  }
  Clock* clock = options.clock != nullptr ? options.clock : Clock::Real();
  return std::unique_ptr<NvmlMeter>(new NvmlMeter(std::move(library), clock, std::move(boards)));
}

NvmlMeter::NvmlMeter(std::unique_ptr<NvmlLibrary> library, Clock* clock, std::vector<Board> boards)
    : library_(std::move(library)), clock_(clock), boards_(std::move(boards)) {}

NvmlMeter::~NvmlMeter() = default;

absl::Status NvmlMeter::Probe() { return Read().status(); }

MeterDescription NvmlMeter::Describe() const {
  MeterDescription description;
  bool any_counter = false;
  bool any_power = false;
  std::vector<std::string> parts;
  std::vector<std::string> shared;
  for (const Board& board : boards_) {
    any_counter = any_counter || board.energy_counter;
    any_power = any_power || !board.energy_counter;
    parts.push_back(absl::StrCat(
        board.info.uuid(), board.energy_counter ? " energy counter" : " power at sampler period"));
    if (!board.mig_instances.empty()) {
      shared.push_back(absl::StrCat(
          absl::StrJoin(board.mig_instances, ", "),
          board.mig_instances.size() == 1 ? " is a MIG instance" : " are MIG instances", " on ",
          board.info.uuid(), ": NVML meters the whole board, shared with other instances"));
    } else if (board.mig_mode) {
      shared.push_back(absl::StrCat(
          board.info.uuid(),
          " has MIG mode enabled: NVML meters the whole board, shared by all its instances"));
    }
    description.gpus.push_back(board.info);
  }
  if (any_counter) description.methods.push_back(joulebench::v1::ENERGY_METHOD_NVML_ENERGY_COUNTER);
  if (any_power) description.methods.push_back(joulebench::v1::ENERGY_METHOD_NVML_POWER_INTEGRATED);
  description.summary =
      absl::StrCat("nvml: ", boards_.size(), boards_.size() == 1 ? " GPU" : " GPUs", " (",
                   absl::StrJoin(parts, ", "), ")");
  description.exclusive = shared.empty();
  description.shared_reason = absl::StrJoin(shared, "; ");
  description.needs_sampling = any_power;
  return description;
}

absl::StatusOr<std::vector<EnergyReading>> NvmlMeter::Read() {
  std::vector<EnergyReading> readings;
  readings.reserve(boards_.size());
  for (Board& board : boards_) {
    EnergyReading reading;
    reading.set_domain("gpu");
    reading.set_device(board.info.uuid());
    reading.set_estimated(false);
    reading.set_source(board.source);
    if (board.energy_counter) {
      absl::StatusOr<uint64_t> energy_mj = library_->TotalEnergyMillijoules(board.device);
      if (!energy_mj.ok()) return WithBoard(energy_mj.status(), board.source);
      const double total_mj = board.counter.Add(static_cast<double>(*energy_mj));
      reading.set_energy_j(total_mj / 1000.0);
      reading.set_method(joulebench::v1::ENERGY_METHOD_NVML_ENERGY_COUNTER);
      reading.set_counter_resets(board.counter.resets());
    } else {
      const absl::Duration at = clock_->MonotonicNow();
      absl::StatusOr<unsigned> power_mw = library_->PowerMilliwatts(board.device);
      if (!power_mw.ok()) return WithBoard(power_mw.status(), board.source);
      reading.set_energy_j(board.power.Add(at, *power_mw / 1000.0));
      reading.set_method(joulebench::v1::ENERGY_METHOD_NVML_POWER_INTEGRATED);
    }
    readings.push_back(std::move(reading));
  }
  return readings;
}

std::optional<uint64_t> NvmlMeter::MemoryInUseBytes() {
  uint64_t used = 0;
  for (const Board& board : boards_) {
    absl::StatusOr<nvml::Memory> memory = library_->MemoryInfo(board.device);
    if (!memory.ok()) {
      JB_LOG(debug, "{}: memory in use not read: {}", board.source, memory.status().ToString());
      return std::nullopt;
    }
    used += memory->used;
  }
  return used;
}

std::string NvmlMeter::SharingNow() {
  std::vector<std::string> evidence;
  for (const Board& board : boards_) {
    absl::StatusOr<std::vector<unsigned>> pids = library_->ComputeProcessPids(board.device);
    if (!pids.ok() || pids->size() < 2) continue;
    evidence.push_back(absl::StrCat(board.info.uuid(), ": ", pids->size(),
                                    " compute processes (pids ", absl::StrJoin(*pids, ", "), ")"));
  }
  return absl::StrJoin(evidence, "; ");
}

}  // namespace jb::worker
