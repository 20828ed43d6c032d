#include "worker/energy/prometheus_meter.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "worker/energy/prometheus_text.h"
#include "worker/inference/http_fetch.h"

namespace jb::worker {

PrometheusCounterMeter::PrometheusCounterMeter(PrometheusCounterOptions options,
                                               MetricsFetcher fetcher)
    : options_(std::move(options)),
      fetcher_(fetcher ? std::move(fetcher)
                       : [timeout = options_.scrape_timeout](const std::string& url) {
                           return HttpGetUrl(url, timeout);
                         }) {}

absl::Status PrometheusCounterMeter::Probe() {
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> reading = Read();
  if (reading.ok()) return absl::OkStatus();
  return absl::Status(reading.status().code(),
                      absl::StrCat("energy counter ", options_.metric, " at ", options_.url,
                                   " is not readable: ", reading.status().message()));
}

MeterDescription PrometheusCounterMeter::Describe() const {
  MeterDescription description;
  description.methods = {joulebench::v1::ENERGY_METHOD_PROMETHEUS_COUNTER};
  description.summary = absl::StrCat("prometheus-counter ", options_.url, " ", options_.metric,
                                     options_.simulated ? " (simulated)" : "");
  description.simulated = options_.simulated;
  description.exclusive = options_.exclusive;
  return description;
}

absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> PrometheusCounterMeter::Read() {
  absl::StatusOr<std::string> text = fetcher_(options_.url);
  if (!text.ok()) return text.status();
  absl::StatusOr<double> sum = SumPrometheusMetric(*text, options_.metric);
  if (!sum.ok()) {
    return absl::Status(sum.status().code(),
                        absl::StrCat(options_.url, ": ", sum.status().message()));
  }
  if (!std::isfinite(*sum)) {
    return absl::InvalidArgumentError(
        absl::StrCat(options_.url, ": ", options_.metric, " is not a finite number"));
  }
  joulebench::v1::EnergyReading reading;
  reading.set_domain(options_.domain);
  reading.set_energy_j(*sum * options_.joules_per_unit);
  reading.set_method(joulebench::v1::ENERGY_METHOD_PROMETHEUS_COUNTER);
  // A counter read from an exporter is measured, not estimated; simulated joules are flagged
  // by MeterDescription::simulated and Measurement.simulated instead.
  reading.set_estimated(false);
  reading.set_source(absl::StrCat(options_.url, " ", options_.metric));
  return std::vector<joulebench::v1::EnergyReading>{std::move(reading)};
}

PrometheusCounterOptions CounterOptionsForMetric(const std::string& url,
                                                 const std::string& metric) {
  PrometheusCounterOptions options;
  options.url = url;
  options.metric = metric;
  if (metric == "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION") {
    options.joules_per_unit = 1e-3;
    options.domain = "gpu";
  }
  return options;
}

}  // namespace jb::worker
