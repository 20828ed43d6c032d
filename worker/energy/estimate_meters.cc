#include "worker/energy/estimate_meters.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"

namespace jb::worker {

namespace v1 = joulebench::v1;

namespace {

v1::EnergyReading Estimate(const char* domain, double joules, v1::EnergyMethod method,
                           std::string source) {
  v1::EnergyReading r;
  r.set_domain(domain);
  r.set_energy_j(joules);
  r.set_method(method);
  r.set_estimated(true);
  r.set_source(std::move(source));
  return r;
}

// CodeCarbon ram.py _estimate_dimm_count.
int DimmCount(double gib) {
  if (gib <= 2) return 1;
  if (gib <= 16) return 2;
  if (gib <= 32) return 4;
  if (gib <= 64) return 4;
  if (gib <= 128) return 8;
  int count = 8;
  for (int size : {128, 64, 32, 16, 8, 4}) {
    if (size <= gib / 8) {
      count = std::min(32, static_cast<int>(std::ceil(gib / size)));
      break;
    }
  }
  return count;
}

}  // namespace

double CpuPowerAtLoad(double max_power_w, double load_percent) {
  return max_power_w * (0.1 + 0.9 * std::pow(load_percent / 100.0, 3));
}

CpuTdpEstimateMeter::CpuTdpEstimateMeter(CpuPower power, Clock* clock, StatReader read_stat)
    : power_(std::move(power)),
      clock_(clock),
      read_stat_(read_stat ? std::move(read_stat) : StatReader(ReadProcStat)) {}

absl::Status CpuTdpEstimateMeter::Probe() {
  JB_ASSIGN_OR_RETURN(std::string text, read_stat_());
  return ParseProcStat(text).status();
}

MeterDescription CpuTdpEstimateMeter::Describe() const {
  MeterDescription d;
  d.methods = {v1::ENERGY_METHOD_ESTIMATE_TDP};
  d.summary = absl::StrCat("estimate-cpu (", power_.basis, ")");
  d.needs_sampling = true;
  return d;
}

absl::StatusOr<std::vector<v1::EnergyReading>> CpuTdpEstimateMeter::Read() {
  JB_ASSIGN_OR_RETURN(std::string text, read_stat_());
  JB_ASSIGN_OR_RETURN(CpuTimes times, ParseProcStat(text));
  const absl::Duration now = clock_->MonotonicNow();
  if (last_times_.has_value() && now > last_at_) {
    const double load = CpuLoadPercent(*last_times_, times);
    joules_ += CpuPowerAtLoad(power_.max_power_w, load) * absl::ToDoubleSeconds(now - last_at_);
  }
  last_times_ = times;
  last_at_ = now;
  return std::vector<v1::EnergyReading>{
      Estimate("cpu", joules_, v1::ENERGY_METHOD_ESTIMATE_TDP,
               absl::StrCat("estimate-tdp CodeCarbon cpu_load model, ", power_.basis))};
}

double RamPowerWatts(double total_gib, bool arm) {
  const int dimms = DimmCount(total_gib);
  const double per_dimm = arm ? 1.5 : 5.0;
  const double min_power = arm ? 3.0 : per_dimm * 2;
  double watts;
  if (dimms <= 4) {
    watts = per_dimm * dimms;
  } else if (dimms <= 8) {
    watts = per_dimm * 4 + per_dimm * 0.9 * (dimms - 4);
  } else if (dimms <= 16) {
    watts = per_dimm * 4 + per_dimm * 0.9 * 4 + per_dimm * 0.8 * (dimms - 8);
  } else {
    watts = per_dimm * 4 + per_dimm * 0.9 * 4 + per_dimm * 0.8 * 8 + per_dimm * 0.7 * (dimms - 16);
  }
  return std::max(min_power, watts);
}

RamEstimateMeter::RamEstimateMeter(uint64_t memory_bytes, bool arm, Clock* clock)
    : watts_(RamPowerWatts(static_cast<double>(memory_bytes) / (1024.0 * 1024 * 1024), arm)),
      gib_(static_cast<double>(memory_bytes) / (1024.0 * 1024 * 1024)),
      clock_(clock) {}

absl::Status RamEstimateMeter::Probe() {
  if (gib_ <= 0) {
    return absl::FailedPreconditionError("total memory unknown (/proc/meminfo unreadable)");
  }
  return absl::OkStatus();
}

MeterDescription RamEstimateMeter::Describe() const {
  MeterDescription d;
  d.methods = {v1::ENERGY_METHOD_ESTIMATE_RAM};
  d.summary =
      absl::StrFormat("estimate-ram (%.1f GiB -> %.1f W, CodeCarbon's model)", gib_, watts_);
  return d;
}

absl::StatusOr<std::vector<v1::EnergyReading>> RamEstimateMeter::Read() {
  const absl::Duration now = clock_->MonotonicNow();
  if (!origin_.has_value()) origin_ = now;
  return std::vector<v1::EnergyReading>{Estimate(
      "dram", watts_ * absl::ToDoubleSeconds(now - *origin_), v1::ENERGY_METHOD_ESTIMATE_RAM,
      absl::StrFormat("estimate-ram CodeCarbon RAM model, %.1f GiB -> %.1f W", gib_, watts_))};
}

ParamsEstimateMeter::ParamsEstimateMeter(std::shared_ptr<WorkTally> tally, double k)
    : tally_(std::move(tally)), k_(k) {}

absl::Status ParamsEstimateMeter::Probe() {
  if (tally_ == nullptr) return absl::InternalError("estimate-params needs the work tally");
  return absl::OkStatus();
}

MeterDescription ParamsEstimateMeter::Describe() const {
  MeterDescription d;
  d.methods = {v1::ENERGY_METHOD_ESTIMATE_PARAMS};
  d.summary =
      absl::StrFormat("estimate-params (K = %.4g J per billion active parameters x token)", k_);
  return d;
}

absl::StatusOr<std::vector<v1::EnergyReading>> ParamsEstimateMeter::Read() {
  const uint64_t tokens = tally_->tokens.load();
  const double params = tally_->active_parameters.load();
  if (last_tokens_.has_value() && tokens > *last_tokens_) {
    if (!(params > 0)) {
      return absl::FailedPreconditionError(
          "estimate-params needs the model's active parameters: declare them in the sweep "
          "(models: - name: ... active_parameters: 8.0e9)");
    }
    joules_ += k_ * (params / 1e9) * static_cast<double>(tokens - *last_tokens_);
  }
  last_tokens_ = tokens;
  return std::vector<v1::EnergyReading>{Estimate(
      "node", joules_, v1::ENERGY_METHOD_ESTIMATE_PARAMS,
      absl::StrFormat("estimate-params K=%.4g J/(B params x token) x active parameters x tokens "
                      "(Garg et al. 2025, GPT-3 anchored)",
                      k_))};
}

}  // namespace jb::worker
