// MeasureWindow: the energy of one shard's window, with its idle baseline (DESIGN.md
// section 6; reference/energy-metering.md sections 5.4 and 6).
//
// Steps, all timed with the injected Clock, under an EnergySampler (energy_sampler.h) that
// reads the meter every sampling_period when it needs it:
//   1. Idle baseline: mark, wait idle_baseline, mark. idle_power_w = joules / seconds (0 when
//      idle_baseline is 0).
//   2. Mark, then work(), then the end mark. If work() fails, its status is returned and
//      nothing more is read.
//   3. Per-reading deltas (end - start) become Measurement.readings; total_energy_j is their
//      sum; above_idle_energy_j = max(0, total - idle_power_w * wall_time_s); method is the
//      weakest among readings (NONE when there are none); estimated when any reading is;
//      counter_resets is the resets within the window. exclusive is false when the meter says
//      so (Describe) or the sampler saw other work on its devices, with shared_reason;
//      failed_samples counts failed sampler reads; sampling_period_ms is the period the
//      sampler actually read at (0 when it did not need to); peak_memory_mb is the most
//      device memory the sampler saw in use from the idle baseline to the end mark, with
//      memory_source kMemoryFromNvml, when the meter reads memory (NVML).
//
// Meters return cumulative, non-decreasing joules and absorb resets themselves; should a
// reading still decrease between the two marks, it is taken as a counter that restarted from
// 0: its delta is the end value (a lower bound) and counter_resets is at least 1. Readings are
// matched by (domain, device, source); one present in only one of the two marks is dropped
// with a warning.
// Thread-safety: a free function; the meter is used by the sampler it starts only.
#pragma once

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "joulebench/v1/common.pb.h"
#include "worker/energy/energy_meter.h"

namespace jb::worker {

// Measurement.memory_source values (common.proto), and the MB they are counted in.
inline constexpr char kMemoryFromNvml[] = "nvml-peak";
inline constexpr char kMemoryFromServer[] = "server-reported";
inline constexpr double kBytesPerMb = 1024.0 * 1024.0;

struct WindowOptions {
  // Idle measurement before the window (Shard.idle_baseline_s).
  absl::Duration idle_baseline = absl::ZeroDuration();
  // Window positions are reported relative to this MonotonicNow() value (the lease start).
  absl::Duration origin = absl::ZeroDuration();
  // The sampler's period (0: read only at the marks).
  absl::Duration sampling_period = absl::Milliseconds(100);
};

// Fills window_start_s, window_end_s, wall_time_s, readings, total_energy_j, idle_power_w,
// above_idle_energy_j, method, estimated, simulated, exclusive, shared_reason,
// failed_samples, sampling_period_ms and, when the meter reads memory, peak_memory_mb and
// memory_source. Returns the meter's error when a read fails, else work()'s error.
absl::StatusOr<joulebench::v1::Measurement> MeasureWindow(
    EnergyMeter& meter, Clock& clock, const WindowOptions& options,
    const std::function<absl::Status()>& work);

// The per-reading energy between two cumulative reads, following the rules above.
std::vector<joulebench::v1::EnergyReading> EnergyDeltas(
    const std::vector<joulebench::v1::EnergyReading>& start,
    const std::vector<joulebench::v1::EnergyReading>& end);

// Sets each result's energy_j to energy_j * completion_tokens / (sum of completion_tokens),
// the token-share apportioning of ML.ENERGY (reference/energy-metering.md section 5.4). When
// no result has output tokens every energy_j is 0.
void ApportionEnergyByTokens(double energy_j, std::vector<joulebench::v1::SampleResult>& results);

}  // namespace jb::worker
