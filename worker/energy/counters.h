// Building blocks the meters share for turning raw hardware values into cumulative joules:
//
//   CounterAccumulator  a raw energy counter (NVML mJ, RAPL uJ, an exporter's counter) fed
//                       at every read; a decrease is a wrap-around when the counter's range
//                       is known (RAPL max_energy_range_uj) and otherwise a reset (driver
//                       reload, exporter restart) after which the counter restarted from 0.
//   PowerIntegrator     power readings (W) at increasing times, integrated by the trapezoid
//                       rule into joules.
//
// Both start at 0 J with their first input, so a meter's origin is its first read. A meter
// that needs them is read by the EnergySampler often enough that at most one wrap or reset
// falls between two reads (energy_sampler.h).
// Thread-safety: plain values; the owning meter serialises access.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/time/time.h"

namespace jb::worker {

class CounterAccumulator {
 public:
  // `wrap_range` is the value at which the counter wraps to 0, in the counter's own units;
  // 0 means unknown, and a decrease is then counted as a reset.
  explicit CounterAccumulator(double wrap_range = 0) : wrap_range_(wrap_range) {}

  // Feeds the counter's current raw value; returns the accumulated total (raw units) since the
  // first Add. After a reset the new value itself is added (the counter restarted from 0), a
  // lower bound of the true increase.
  double Add(double raw);

  double total() const { return total_; }
  uint32_t resets() const { return resets_; }
  uint32_t wraps() const { return wraps_; }

 private:
  double wrap_range_;
  std::optional<double> last_;
  double total_ = 0;
  uint32_t resets_ = 0;
  uint32_t wraps_ = 0;
};

class PowerIntegrator {
 public:
  // Adds a power reading taken at `at` (any monotonic origin; non-increasing times are
  // ignored); returns the joules integrated since the first reading.
  double Add(absl::Duration at, double watts);

  double joules() const { return joules_; }
  // The latest reading, 0 before any.
  double last_watts() const { return last_watts_; }

 private:
  std::optional<absl::Duration> last_at_;
  double last_watts_ = 0;
  double joules_ = 0;
};

}  // namespace jb::worker
