// EnergyMeter: one source of joules (an NVML counter, RAPL, a Prometheus counter, an estimate)
// behind one interface (DESIGN.md section 6). A meter reports cumulative joules per domain
// since an origin of its own choosing; MeasureWindow (measure_window.h) turns two reads into
// the energy of a window.
//
// Implementations: NvmlMeter (nvml_meter.h), RaplMeter (rapl_meter.h), PrometheusMeter
// (prometheus_meter.h), the labelled estimates (estimate_meters.h), CompositeMeter and
// NullMeter (below). energy_spec.h chooses among them (--energy).
//
// Readings are cumulative: each Read() returns, per (domain, device, source), the joules since
// the meter's origin, never decreasing (counter wraps and resets are absorbed by the meter,
// counters.h). Meters that integrate power or whose counters wrap say needs_sampling, and the
// EnergySampler (energy_sampler.h) then reads them every period during a window.
// Thread-safety: a meter is used by one thread at a time (the sampler serialises its reads).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::worker {

struct MeterDescription {
  // The methods this meter's readings use, strongest first (goes to HardwareProfile).
  std::vector<joulebench::v1::EnergyMethod> methods;
  // For logs, e.g. "prometheus-counter http://127.0.0.1:8000/metrics joulebench_sim_...".
  std::string summary;
  // True when the joules are simulated (the joulebench simulator's counter).
  bool simulated = false;
  // False when other work may share the metered devices whatever is seen running (a MIG
  // instance is metered as its whole board); shared_reason says why.
  bool exclusive = true;
  std::string shared_reason;
  // True when Read() must be called every sampling period during a window: power is
  // integrated between reads, or a counter may wrap between two distant reads.
  bool needs_sampling = false;
  // The GPUs this meter reads, by UUID and PCI bus id (HardwareProfile.gpus).
  std::vector<joulebench::v1::GpuDevice> gpus;
};

// The work in flight, for meters that estimate energy from work rather than read it
// (estimate-params). The shard runner sets active_parameters before each window and adds the
// tokens of every finished request; hardware meters ignore it.
struct WorkTally {
  std::atomic<double> active_parameters{0};
  std::atomic<uint64_t> tokens{0};
};

class EnergyMeter {
 public:
  virtual ~EnergyMeter() = default;
  // Checks the source can be read now; the error says why not and what to do.
  virtual absl::Status Probe() = 0;
  virtual MeterDescription Describe() const = 0;
  // Cumulative joules per (domain, device, source) since this meter's origin. An empty vector
  // means nothing is metered. Unavailable when the source cannot be read right now.
  virtual absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() = 0;
  // Evidence, seen now, that other work shares the metered devices, e.g.
  // "GPU-8f6e...: 2 compute processes (pids 311, 912)"; "" when none is seen or the source
  // cannot tell. The sampler asks about once a second during a window.
  virtual std::string SharingNow() { return ""; }
  // Bytes of device memory in use now on the metered devices, summed over them; nullopt when
  // this meter reads no device memory (every meter but NVML) or cannot read it now. The
  // sampler asks at every period of a window and keeps the peak (Measurement.peak_memory_mb).
  virtual std::optional<uint64_t> MemoryInUseBytes() { return std::nullopt; }
};

// Several meters of disjoint domains read as one (e.g. NVML for the GPUs and RAPL for the CPU):
// readings are concatenated; methods, GPUs and sampling needs are merged; summaries joined.
class CompositeMeter : public EnergyMeter {
 public:
  explicit CompositeMeter(std::vector<std::unique_ptr<EnergyMeter>> parts);
  // The first part's error, prefixed by its summary.
  absl::Status Probe() override;
  MeterDescription Describe() const override;
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;
  // The parts' evidence joined by "; ".
  std::string SharingNow() override;
  // The sum over the parts that read memory; nullopt when none does.
  std::optional<uint64_t> MemoryInUseBytes() override;

 private:
  std::vector<std::unique_ptr<EnergyMeter>> parts_;
};

// Meters nothing: method NONE, no readings. Used with --energy none and when nothing else is
// available, so a shard still runs and its measurement says energy is absent.
class NullMeter : public EnergyMeter {
 public:
  absl::Status Probe() override { return absl::OkStatus(); }
  MeterDescription Describe() const override;
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;
};

// The weaker of two methods by jb::EnergyMethodRank (common/energy_method.h), the one ordering
// reports use; UNSPECIFIED counts as NONE.
joulebench::v1::EnergyMethod WeakerMethod(joulebench::v1::EnergyMethod a,
                                          joulebench::v1::EnergyMethod b);

}  // namespace jb::worker
