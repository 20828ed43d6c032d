#include "worker/energy/counters.h"

namespace jb::worker {

double CounterAccumulator::Add(double raw) {
  if (last_.has_value()) {
    if (raw >= *last_) {
      total_ += raw - *last_;
    } else if (wrap_range_ > 0 && *last_ <= wrap_range_) {
      total_ += raw + wrap_range_ - *last_;
      ++wraps_;
    } else {
      total_ += raw;
      ++resets_;
    }
  }
  last_ = raw;
  return total_;
}

double PowerIntegrator::Add(absl::Duration at, double watts) {
  if (last_at_.has_value()) {
    if (at <= *last_at_) return joules_;
    joules_ += 0.5 * (last_watts_ + watts) * absl::ToDoubleSeconds(at - *last_at_);
  }
  last_at_ = at;
  last_watts_ = watts;
  return joules_;
}

}  // namespace jb::worker
