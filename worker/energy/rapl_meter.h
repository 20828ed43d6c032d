// RaplMeter: CPU package and DRAM energy from Linux powercap (reference/energy-metering.md
// section 2; docs/energy.md "RAPL").
//
// Zones under `root` (default /sys/class/powercap): "intel-rapl:N" and "intel-rapl-mmio:N"
// directories whose `name` is package-N or package-N-die-D are the packages; their
// sub-zones named "dram" are DRAM. core, uncore and psys are not read (they are inside, or
// contain, the packages). A package present both as intel-rapl and intel-rapl-mmio is read
// once, from MMIO (as CodeCarbon deduplicates). energy_uj counts microjoules and wraps at
// max_energy_range_uj: a decrease between two reads is a wrap (CounterAccumulator), so the
// meter needs sampling (at least once per wrap period; the sampler's 100 ms is far inside it).
// Readings: domain "cpu" (device "package-0") or "dram" (device "package-0/dram"), method
// rapl, source "rapl <zone dir>".
// Errors: Open() is NotFound when there are no package zones (a virtual machine, a non-x86
// node, or a container masking /sys/devices/virtual/powercap), PermissionDenied with the fix
// when energy_uj cannot be read (root-only since Linux 5.10, CVE-2020-8694).
// Thread-safety: one thread at a time (EnergyMeter's contract).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "worker/energy/counters.h"
#include "worker/energy/energy_meter.h"

namespace jb::worker {

class RaplMeter : public EnergyMeter {
 public:
  static absl::StatusOr<std::unique_ptr<RaplMeter>> Open(
      const std::string& root = "/sys/class/powercap");
  absl::Status Probe() override;
  MeterDescription Describe() const override;
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;

  struct Zone {
    std::string dir;     // e.g. /sys/class/powercap/intel-rapl:0
    std::string domain;  // "cpu" or "dram"
    std::string device;  // "package-0", "package-0/dram"
    CounterAccumulator counter;
  };

 private:
  explicit RaplMeter(std::vector<Zone> zones) : zones_(std::move(zones)) {}
  std::vector<Zone> zones_;
};

// Reads a whole sysfs file; PermissionDenied (with the fix) and NotFound say which file.
absl::StatusOr<std::string> ReadSysfsFile(const std::string& path);

}  // namespace jb::worker
