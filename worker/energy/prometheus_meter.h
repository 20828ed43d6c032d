// PrometheusMeter: energy from series on a Prometheus text endpoint: DCGM exporter's
// DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (mJ counter) or DCGM_FI_DEV_POWER_USAGE (W gauge),
// Kepler's kepler_node_cpu_joules_total{zone=...}, the joulebench simulator's counter, or any
// counter or gauge named by a selector (prometheus_selector.h).
//
// Each Read() scrapes the endpoint once (over a connection kept alive between reads), parses
// only the selected metric's lines, and returns one reading per matching series:
//   - counters: the series' increase since the meter's first read, through a CounterAccumulator
//     per series, so an exporter restart (the counter starting again from 0) is absorbed and
//     counted in counter_resets; method PROMETHEUS_COUNTER.
//   - gauges: watts integrated between reads (trapezoid rule, times from the clock); the
//     meter says needs_sampling, so the EnergySampler reads it every period during a window;
//     method PROMETHEUS_POWER_INTEGRATED. The exporter's own update interval bounds what the
//     sampler can see (docs/energy.md).
// A reading's device is the series' GPU UUID (UUID, gpu_uuid), RAPL zone path or zone, or
// GPU index label, else its label set; its domain comes from the selector (SeriesDomain).
// Series left out: those with a RAPL zone that overlaps the package (core, uncore, psys)
// unless the selector names a zone, as Kepler advises against summing zones; and GPU series
// whose UUID or pci_bus_id is not among `gpus` when a GPU selection is given. Two matching
// series for one device are refused (adding them could count a GPU twice, e.g. DCGM's
// per-pod series), with the labels to narrow the selector by.
// Thread-safety: thread-compatible (one reader at a time); the fetcher may block on HTTP.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "worker/energy/counters.h"
#include "worker/energy/energy_meter.h"
#include "worker/energy/prometheus_selector.h"
#include "worker/inference/http_pool.h"

namespace jb::worker {

// Fetches the exposition text at a URL; HttpGetUrl (http_fetch.h) by default.
using MetricsFetcher = std::function<absl::StatusOr<std::string>(const std::string& url)>;

struct PrometheusOptions {
  // Full URL of the exposition, e.g. "http://127.0.0.1:9400/metrics".
  std::string url;
  PrometheusSelector selector;
  // GPU UUIDs and PCI bus ids (NVML form) to keep; empty keeps every series
  // (energy/gpu_selection.h GpuSelection::ids).
  std::vector<std::string> gpus;
  // True for the joulebench simulator's series: joules are simulated.
  bool simulated = false;
  // See MeterDescription::exclusive: true assumes DESIGN.md section 2's deployment, one worker
  // per inference server and its devices.
  bool exclusive = true;
  // Limit on one scrape with the default fetcher.
  absl::Duration scrape_timeout = absl::Seconds(5);
};

class PrometheusMeter : public EnergyMeter {
 public:
  // `fetcher` defaults to HttpGetUrl with options.scrape_timeout, keeping its connection alive
  // between reads; `clock` times gauge reads.
  PrometheusMeter(PrometheusOptions options, Clock* clock, MetricsFetcher fetcher = {});

  // Reads once; the error names the URL and the selector.
  absl::Status Probe() override;
  MeterDescription Describe() const override;
  // Unavailable when the scrape fails; NotFound when no series matches (saying which series
  // of the metric there are); InvalidArgument when the text does not parse, a value is not a
  // finite number, or two series are one device.
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;

 private:
  struct Series {
    CounterAccumulator counter;
    PowerIntegrator power;
  };

  const PrometheusOptions options_;
  Clock* const clock_;
  // The default fetcher's idle connection (declared before the fetcher that uses it).
  std::unique_ptr<HttpConnectionCache> connections_;
  const MetricsFetcher fetcher_;
  // By domain and device.
  std::map<std::pair<std::string, std::string>, Series> series_;
};

}  // namespace jb::worker
