// EnergySampler: reads a meter on a thread during a measurement window (DESIGN.md section 6).
//
// Power-integrating meters (NVML without an energy counter, Prometheus power gauges, the CPU
// estimate) and counters that wrap (RAPL) are only as good as their reads are frequent: every
// `period` the thread calls meter->Read() when the meter's Describe().needs_sampling, and
// every `sharing_check` it asks meter->SharingNow() whether other work shares the devices.
// Mark() reads now, serialised with the thread's reads, so a window's two ends are exact.
// Device memory: at every period and every Mark the sampler asks meter->MemoryInUseBytes()
// and keeps the peak for the window (WindowStats.peak_memory_bytes), whether or not the
// meter's energy needs sampling.
//
// Waits are real-time waits on a condition (Stop() returns within one wake-up); timestamps come
// from the injected Clock. period == 0 starts no thread: the meter is read only at Marks (what
// tests with a FakeClock use). A failed read is counted and logged (the first at warn), and
// the window's energy then rests on the reads around it.
// Thread-safety: Start/Stop/Mark/TakeWindowStats may be called from any one thread; the
// meter is only ever called under the sampler's mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "joulebench/v1/common.pb.h"
#include "worker/energy/energy_meter.h"

namespace jb::worker {

struct SamplerOptions {
  absl::Duration period = absl::Milliseconds(100);
  absl::Duration sharing_check = absl::Seconds(1);
};

class EnergySampler {
 public:
  struct Snapshot {
    absl::Duration at;  // clock->MonotonicNow() just after the read
    std::vector<joulebench::v1::EnergyReading> readings;
  };
  struct WindowStats {
    std::string shared_reason;  // the first sharing evidence seen, "" when none
    uint32_t failed_reads = 0;
    uint32_t reads = 0;  // successful reads by the thread
    // The most device memory in use seen at a period or a Mark; nullopt when the meter
    // reads none.
    std::optional<uint64_t> peak_memory_bytes;
  };

  // `meter` and `clock` must outlive the sampler.
  EnergySampler(EnergyMeter* meter, Clock* clock, SamplerOptions options = {});
  ~EnergySampler();
  EnergySampler(const EnergySampler&) = delete;
  EnergySampler& operator=(const EnergySampler&) = delete;

  // Starts the thread (no-op when period is 0 or it runs already).
  void Start();
  // Stops and joins the thread; idempotent.
  void Stop();
  // Reads the meter now. Also asks SharingNow() when no thread runs, so short windows are
  // checked too.
  absl::StatusOr<Snapshot> Mark();
  // Returns the stats gathered since the last call and clears them.
  WindowStats TakeWindowStats();
  // The period the thread reads at; 0 when it does not run or the meter needs no sampling.
  absl::Duration effective_period() const;

 private:
  void Loop();
  void CheckSharingLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SampleMemoryLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  EnergyMeter* const meter_;
  Clock* const clock_;
  const SamplerOptions options_;
  const bool needs_sampling_;
  mutable absl::Mutex mu_;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  WindowStats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace jb::worker
