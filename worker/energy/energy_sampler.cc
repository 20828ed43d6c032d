#include "worker/energy/energy_sampler.h"

#include <algorithm>
#include <utility>

#include "common/logging.h"

namespace jb::worker {

EnergySampler::EnergySampler(EnergyMeter* meter, Clock* clock, SamplerOptions options)
    : meter_(meter),
      clock_(clock),
      options_(options),
      needs_sampling_(meter->Describe().needs_sampling) {}

EnergySampler::~EnergySampler() { Stop(); }

void EnergySampler::Start() {
  absl::MutexLock lock(&mu_);
  if (running_ || options_.period <= absl::ZeroDuration()) return;
  running_ = true;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void EnergySampler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    stop_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
}

void EnergySampler::CheckSharingLocked() {
  std::string seen = meter_->SharingNow();
  if (!seen.empty() && stats_.shared_reason.empty()) {
    JB_LOG(warn, "energy: other work shares the metered devices: {}", seen);
    stats_.shared_reason = std::move(seen);
  }
}

void EnergySampler::SampleMemoryLocked() {
  if (std::optional<uint64_t> used = meter_->MemoryInUseBytes()) {
    stats_.peak_memory_bytes = std::max(stats_.peak_memory_bytes.value_or(0), *used);
  }
}

void EnergySampler::Loop() {
  const absl::Duration sharing_every = std::max(options_.sharing_check, options_.period);
  absl::Duration next_sharing = clock_->MonotonicNow();
  absl::MutexLock lock(&mu_);
  while (true) {
    const auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping), options_.period)) return;
    if (needs_sampling_) {
      absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> read = meter_->Read();
      if (read.ok()) {
        ++stats_.reads;
      } else if (stats_.failed_reads++ == 0) {
        JB_LOG(warn, "energy sampler read failed: {}", read.status().ToString());
      } else {
        JB_LOG(debug, "energy sampler read failed: {}", read.status().ToString());
      }
    }
    SampleMemoryLocked();
    if (clock_->MonotonicNow() >= next_sharing) {
      CheckSharingLocked();
      next_sharing = clock_->MonotonicNow() + sharing_every;
    }
  }
}

absl::StatusOr<EnergySampler::Snapshot> EnergySampler::Mark() {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> read = meter_->Read();
  if (!read.ok()) return read.status();
  SampleMemoryLocked();
  if (!running_) CheckSharingLocked();
  return Snapshot{clock_->MonotonicNow(), *std::move(read)};
}

EnergySampler::WindowStats EnergySampler::TakeWindowStats() {
  absl::MutexLock lock(&mu_);
  return std::exchange(stats_, WindowStats());
}

absl::Duration EnergySampler::effective_period() const {
  absl::MutexLock lock(&mu_);
  return running_ && needs_sampling_ ? options_.period : absl::ZeroDuration();
}

}  // namespace jb::worker
