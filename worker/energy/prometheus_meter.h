// PrometheusCounterMeter: energy from a counter on a Prometheus text endpoint: the simulator's
// joulebench_sim_energy_joules_total, DCGM exporter's DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION
// (millijoules), Kepler's kepler_node_platform_joules_total.
//
// Each Read() scrapes the endpoint and sums every series of the metric (e.g. one per GPU),
// scaled to joules, into one reading with method PROMETHEUS_COUNTER and source "URL METRIC".
// The counter's own origin (exporter start) is the meter's origin. A counter that resets
// between two reads is handled by MeasureWindow.
// Thread-safety: thread-compatible (one reader at a time); the fetcher may block on HTTP.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "worker/energy/energy_meter.h"

namespace jb::worker {

// Fetches the exposition text at a URL; HttpGetUrl (http_fetch.h) by default.
using MetricsFetcher = std::function<absl::StatusOr<std::string>(const std::string& url)>;

struct PrometheusCounterOptions {
  // Full URL of the exposition, e.g. "http://127.0.0.1:8000/metrics".
  std::string url;
  // Exact metric name of the counter.
  std::string metric = "joulebench_sim_energy_joules_total";
  // Multiplier from the counter's unit to joules (0.001 for millijoules).
  double joules_per_unit = 1.0;
  // Reading domain: "gpu", "cpu", "dram" or "node".
  std::string domain = "node";
  // True for the joulebench simulator's counter: joules are simulated.
  bool simulated = false;
  // See MeterDescription::exclusive. True assumes the deployment model of DESIGN.md section 2:
  // one worker per inference server and its devices. Detecting a shared server (and then
  // reporting false) is the energy issue's exclusivity work.
  bool exclusive = true;
  // Limit on one scrape with the default fetcher.
  absl::Duration scrape_timeout = absl::Seconds(5);
};

class PrometheusCounterMeter : public EnergyMeter {
 public:
  // `fetcher` defaults to HttpGetUrl with options.scrape_timeout.
  explicit PrometheusCounterMeter(PrometheusCounterOptions options, MetricsFetcher fetcher = {});

  // Reads once; the error names the URL and the metric.
  absl::Status Probe() override;
  MeterDescription Describe() const override;
  // Unavailable when the scrape fails, NotFound when the metric is absent, InvalidArgument
  // when the text does not parse or the sum is not a finite number.
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override;

 private:
  const PrometheusCounterOptions options_;
  const MetricsFetcher fetcher_;
};

// Defaults for counters the worker knows by name: unit scale and domain for
// DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (mJ, gpu), kepler_node_platform_joules_total (J, node)
// and joulebench_sim_energy_joules_total (J, node). Other metrics: joules, domain "node".
PrometheusCounterOptions CounterOptionsForMetric(const std::string& url, const std::string& metric);

}  // namespace jb::worker
