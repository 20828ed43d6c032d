#include "worker/energy/rapl_meter.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace jb::worker {

namespace fs = std::filesystem;
namespace v1 = joulebench::v1;

namespace {

constexpr char kPermissionFix[] =
    "energy_uj is readable by root only since Linux 5.10 (CVE-2020-8694); allow it with "
    "`sudo chmod -R a+r /sys/class/powercap/intel-rapl*` (until reboot), a sysfsutils rule in "
    "/etc/sysfs.conf (mode class/powercap/intel-rapl:0/energy_uj = 0444), or in a container "
    "-v /sys/class/powercap:/sys/class/powercap:ro";

absl::StatusOr<double> ReadNumber(const std::string& path) {
  JB_ASSIGN_OR_RETURN(std::string text, ReadSysfsFile(path));
  double value = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text), &value)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a number: '", text, "'"));
  }
  return value;
}

std::string ZoneName(const fs::path& dir) {
  absl::StatusOr<std::string> name = ReadSysfsFile((dir / "name").string());
  return name.ok() ? std::string(absl::StripAsciiWhitespace(*name)) : "";
}

}  // namespace

absl::StatusOr<std::string> ReadSysfsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == EACCES || errno == EPERM) {
      return absl::PermissionDeniedError(
          absl::StrCat("permission denied reading ", path, "; ", kPermissionFix));
    }
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::unique_ptr<RaplMeter>> RaplMeter::Open(const std::string& root) {
  std::error_code ec;
  // Packages by name; an MMIO zone replaces an MSR zone of the same package.
  std::map<std::string, fs::path> packages;
  std::map<std::string, bool> from_mmio;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, ec)) {
    const std::string base = entry.path().filename().string();
    const bool mmio = absl::StartsWith(base, "intel-rapl-mmio:");
    if (!mmio && !absl::StartsWith(base, "intel-rapl:")) continue;
    if (std::count(base.begin(), base.end(), ':') != 1) continue;  // sub-zones come below
    const std::string name = ZoneName(entry.path());
    if (!absl::StartsWith(name, "package-")) continue;
    if (packages.count(name) && from_mmio[name] && !mmio) continue;
    packages[name] = entry.path();
    from_mmio[name] = mmio;
  }
  if (packages.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no RAPL package zones under ", root,
        " (a virtual machine, a non-x86 node, or a container masking /sys/devices/virtual/"
        "powercap)"));
  }
  std::vector<Zone> zones;
  for (const auto& [name, dir] : packages) {
    zones.push_back({dir.string(), "cpu", name, CounterAccumulator()});
    for (const fs::directory_entry& sub : fs::directory_iterator(dir, ec)) {
      const std::string base = sub.path().filename().string();
      if (std::count(base.begin(), base.end(), ':') != 2 || ZoneName(sub.path()) != "dram") {
        continue;
      }
      zones.push_back({sub.path().string(), "dram", name + "/dram", CounterAccumulator()});
    }
  }
  for (Zone& zone : zones) {
    JB_ASSIGN_OR_RETURN(double range, ReadNumber(zone.dir + "/max_energy_range_uj"));
    zone.counter = CounterAccumulator(range);
    JB_RETURN_IF_ERROR(ReadNumber(zone.dir + "/energy_uj").status());
  }
  return std::unique_ptr<RaplMeter>(new RaplMeter(std::move(zones)));
}

absl::Status RaplMeter::Probe() { return Read().status(); }

MeterDescription RaplMeter::Describe() const {
  MeterDescription d;
  d.methods = {v1::ENERGY_METHOD_RAPL};
  std::vector<std::string> devices;
  for (const Zone& zone : zones_) devices.push_back(zone.device);
  d.summary = absl::StrCat("rapl (", absl::StrJoin(devices, ", "), ")");
  d.needs_sampling = true;
  return d;
}

absl::StatusOr<std::vector<v1::EnergyReading>> RaplMeter::Read() {
  std::vector<v1::EnergyReading> readings;
  for (Zone& zone : zones_) {
    JB_ASSIGN_OR_RETURN(double uj, ReadNumber(zone.dir + "/energy_uj"));
    v1::EnergyReading r;
    r.set_domain(zone.domain);
    r.set_device(zone.device);
    r.set_energy_j(zone.counter.Add(uj) / 1e6);
    r.set_method(v1::ENERGY_METHOD_RAPL);
    r.set_source(absl::StrCat("rapl ", zone.dir));
    r.set_counter_resets(zone.counter.resets());
    readings.push_back(std::move(r));
  }
  return readings;
}

}  // namespace jb::worker
