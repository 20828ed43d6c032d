#include "worker/energy/measure_window.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "worker/energy/energy_sampler.h"

namespace jb::worker {

using joulebench::v1::EnergyReading;

namespace {

bool SameSeries(const EnergyReading& a, const EnergyReading& b) {
  return std::tie(a.domain(), a.device(), a.source()) ==
         std::tie(b.domain(), b.device(), b.source());
}

double SumJoules(const std::vector<EnergyReading>& readings) {
  double sum = 0;
  for (const EnergyReading& r : readings) sum += r.energy_j();
  return sum;
}

}  // namespace

std::vector<EnergyReading> EnergyDeltas(const std::vector<EnergyReading>& start,
                                        const std::vector<EnergyReading>& end) {
  std::vector<EnergyReading> deltas;
  for (const EnergyReading& after : end) {
    auto before = std::find_if(start.begin(), start.end(),
                               [&](const EnergyReading& r) { return SameSeries(r, after); });
    if (before == start.end()) {
      JB_LOG(warn, "energy reading {} {} appeared during the window; dropped", after.domain(),
             after.source());
      continue;
    }
    EnergyReading delta = after;
    double joules = after.energy_j() - before->energy_j();
    uint32_t resets = after.counter_resets() >= before->counter_resets()
                          ? after.counter_resets() - before->counter_resets()
                          : after.counter_resets();
    if (joules < 0) {
      JB_LOG(warn, "energy counter {} went backwards ({} -> {} J); counting it as reset",
             after.source(), before->energy_j(), after.energy_j());
      joules = after.energy_j();
      resets = std::max<uint32_t>(resets, 1);
    }
    delta.set_energy_j(joules);
    delta.set_counter_resets(resets);
    deltas.push_back(std::move(delta));
  }
  for (const EnergyReading& before : start) {
    if (std::none_of(end.begin(), end.end(),
                     [&](const EnergyReading& r) { return SameSeries(r, before); })) {
      JB_LOG(warn, "energy reading {} {} vanished during the window; dropped", before.domain(),
             before.source());
    }
  }
  return deltas;
}

absl::StatusOr<joulebench::v1::Measurement> MeasureWindow(
    EnergyMeter& meter, Clock& clock, const WindowOptions& options,
    const std::function<absl::Status()>& work) {
  joulebench::v1::Measurement m;
  SamplerOptions sampler_options;
  sampler_options.period = options.sampling_period;
  EnergySampler sampler(&meter, &clock, sampler_options);
  sampler.Start();
  if (options.idle_baseline > absl::ZeroDuration()) {
    JB_ASSIGN_OR_RETURN(EnergySampler::Snapshot idle_start, sampler.Mark());
    clock.Sleep(options.idle_baseline);
    JB_ASSIGN_OR_RETURN(EnergySampler::Snapshot idle_end, sampler.Mark());
    const double idle_s = absl::ToDoubleSeconds(idle_end.at - idle_start.at);
    if (idle_s > 0) {
      m.set_idle_power_w(SumJoules(EnergyDeltas(idle_start.readings, idle_end.readings)) / idle_s);
    }
  }

  JB_ASSIGN_OR_RETURN(EnergySampler::Snapshot start, sampler.Mark());
  const absl::Duration window_start = clock.MonotonicNow();
  JB_RETURN_IF_ERROR(work());
  const absl::Duration window_end = clock.MonotonicNow();
  JB_ASSIGN_OR_RETURN(EnergySampler::Snapshot end, sampler.Mark());
  const absl::Duration period = sampler.effective_period();
  sampler.Stop();
  const EnergySampler::WindowStats stats = sampler.TakeWindowStats();

  m.set_window_start_s(absl::ToDoubleSeconds(window_start - options.origin));
  m.set_window_end_s(absl::ToDoubleSeconds(window_end - options.origin));
  m.set_wall_time_s(absl::ToDoubleSeconds(window_end - window_start));
  // Start from the strongest method (rank 1); each reading can only weaken it.
  joulebench::v1::EnergyMethod method = joulebench::v1::ENERGY_METHOD_NVML_ENERGY_COUNTER;
  bool estimated = false;
  double total = 0;
  for (EnergyReading& delta : EnergyDeltas(start.readings, end.readings)) {
    method = WeakerMethod(method, delta.method());
    estimated = estimated || delta.estimated();
    total += delta.energy_j();
    *m.add_readings() = std::move(delta);
  }
  m.set_method(m.readings().empty() ? joulebench::v1::ENERGY_METHOD_NONE : method);
  m.set_estimated(estimated);
  m.set_total_energy_j(total);
  m.set_above_idle_energy_j(std::max(0.0, total - m.idle_power_w() * m.wall_time_s()));
  const MeterDescription description = meter.Describe();
  m.set_simulated(description.simulated);
  std::string shared_reason = description.shared_reason;
  if (!stats.shared_reason.empty()) {
    shared_reason = shared_reason.empty() ? stats.shared_reason
                                          : absl::StrCat(shared_reason, "; ", stats.shared_reason);
  }
  m.set_exclusive(description.exclusive && stats.shared_reason.empty());
  m.set_shared_reason(m.exclusive() ? "" : shared_reason);
  m.set_failed_samples(stats.failed_reads);
  m.set_sampling_period_ms(absl::ToDoubleMilliseconds(period));
  if (stats.peak_memory_bytes) {
    m.set_peak_memory_mb(static_cast<double>(*stats.peak_memory_bytes) / kBytesPerMb);
    m.set_memory_source(kMemoryFromNvml);
  }
  return m;
}

void ApportionEnergyByTokens(double energy_j, std::vector<joulebench::v1::SampleResult>& results) {
  uint64_t tokens = 0;
  for (const auto& r : results) tokens += r.completion_tokens();
  for (auto& r : results) {
    r.set_energy_j(tokens == 0 ? 0.0
                               : energy_j * static_cast<double>(r.completion_tokens()) /
                                     static_cast<double>(tokens));
  }
}

}  // namespace jb::worker
