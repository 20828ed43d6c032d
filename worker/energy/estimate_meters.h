// The labelled estimates (DESIGN.md section 6; docs/energy.md "Estimates"). Every reading is
// estimated = true and names its model and inputs in its source; none is ever a measurement.
//
//   CpuTdpEstimateMeter   CodeCarbon's cpu_load model: each Read() takes the CPU load over the
//                         interval since the previous Read() from /proc/stat and adds
//                         max_power x (0.1 + 0.9 x (load/100)^3) x interval (method
//                         estimate-tdp, domain "cpu"). Sampled by the EnergySampler.
//   RamEstimateMeter      CodeCarbon's v3 RAM model: constant power from a DIMM count guessed
//                         from total memory (method estimate-ram, domain "dram").
//   ParamsEstimateMeter   Garg et al. 2025: K x active parameters (billions) x tokens, from the
//                         WorkTally the shard runner fills (method estimate-params, domain
//                         "node").
// Thread-safety: one thread at a time (EnergyMeter's contract).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "worker/energy/cpu_tdp_table.h"
#include "worker/energy/energy_meter.h"
#include "worker/energy/proc_stat.h"

namespace jb::worker {

// CodeCarbon's machine-mode CPU power for a load in percent.
double CpuPowerAtLoad(double max_power_w, double load_percent);

class CpuTdpEstimateMeter : public EnergyMeter {
 public:
  using StatReader = std::function<absl::StatusOr<std::string>()>;
  // `read_stat` defaults to ReadProcStat.
  CpuTdpEstimateMeter(CpuPower power, Clock* clock, StatReader read_stat = {});
  absl::Status Probe() override;
  MeterDescription Describe() const override;
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;

 private:
  const CpuPower power_;
  Clock* const clock_;
  const StatReader read_stat_;
  std::optional<CpuTimes> last_times_;
  absl::Duration last_at_;
  double joules_ = 0;
};

// CodeCarbon's RAM power for `total_gib` of memory (x86 unless `arm`).
double RamPowerWatts(double total_gib, bool arm);

class RamEstimateMeter : public EnergyMeter {
 public:
  RamEstimateMeter(uint64_t memory_bytes, bool arm, Clock* clock);
  absl::Status Probe() override;
  MeterDescription Describe() const override;
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;

 private:
  const double watts_;
  const double gib_;
  Clock* const clock_;
  std::optional<absl::Duration> origin_;
};

// Garg et al.'s K, converted to joules: 4.32 g CO2e per 100-token GPT-3 query / 175 B
// parameters = 0.0002469 g per (billion active parameters x token); at the world-average
// 475 gCO2e/kWh that is 0.0002469 / 475 kWh = 1.871 J per (billion active parameters x token).
inline constexpr double kGargGramsPerBillionParamToken = 4.32 / 100.0 / 175.0;
inline constexpr double kGargJoulesPerBillionParamToken =
    kGargGramsPerBillionParamToken / 475.0 * 3.6e6;

class ParamsEstimateMeter : public EnergyMeter {
 public:
  // `k` in J per (billion active parameters x token).
  ParamsEstimateMeter(std::shared_ptr<WorkTally> tally, double k = kGargJoulesPerBillionParamToken);
  absl::Status Probe() override;
  MeterDescription Describe() const override;
  // FailedPrecondition when tokens arrived while the model's active parameters are unknown.
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;

 private:
  const std::shared_ptr<WorkTally> tally_;
  const double k_;
  std::optional<uint64_t> last_tokens_;
  double joules_ = 0;
};

}  // namespace jb::worker
