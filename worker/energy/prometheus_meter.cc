#include "worker/energy/prometheus_meter.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "worker/energy/gpu_selection.h"
#include "worker/energy/prometheus_text.h"
#include "worker/inference/http_fetch.h"

namespace jb::worker {
namespace {

using joulebench::v1::EnergyReading;

std::string LabelSet(const PrometheusSample& sample) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : sample.labels)
    parts.push_back(absl::StrCat(name, "=\"", value, "\""));
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

std::string Device(const PrometheusSample& sample) {
  for (const char* label : {"UUID", "gpu_uuid", "path", "zone"}) {
    if (std::optional<std::string> value = LabelValue(sample, label)) return *value;
  }
  if (std::optional<std::string> index = LabelValue(sample, "gpu"))
    return absl::StrCat("gpu", *index);
  return sample.labels.empty() ? "" : LabelSet(sample);
}

// At most four items, then how many more.
std::string ListSome(const std::vector<std::string>& items) {
  constexpr size_t kShown = 4;
  if (items.size() <= kShown) return absl::StrJoin(items, ", ");
  return absl::StrCat(absl::StrJoin(items.begin(), items.begin() + kShown, ", "), " and ",
                      items.size() - kShown, " more");
}

// RAPL zones contained in (or containing) the package, which Kepler advises not to add.
bool OverlappingZone(const PrometheusSample& sample) {
  const std::optional<std::string> zone = LabelValue(sample, "zone");
  return zone.has_value() && !absl::StartsWith(*zone, "package") &&
         !absl::StartsWith(*zone, "dram");
}

// False for a GPU series (one with a UUID) that is not among `gpus`.
bool SelectedGpu(const PrometheusSample& sample, const std::vector<std::string>& gpus) {
  if (gpus.empty()) return true;
  std::optional<std::string> uuid = LabelValue(sample, "UUID");
  if (!uuid.has_value()) uuid = LabelValue(sample, "gpu_uuid");
  if (!uuid.has_value()) return true;
  if (std::find(gpus.begin(), gpus.end(), *uuid) != gpus.end()) return true;
  const std::optional<std::string> bus = LabelValue(sample, "pci_bus_id");
  const std::optional<std::string> canonical =
      bus.has_value() ? CanonicalPciBusId(*bus) : std::nullopt;
  return canonical.has_value() && std::find(gpus.begin(), gpus.end(), *canonical) != gpus.end();
}

}  // namespace

PrometheusMeter::PrometheusMeter(PrometheusOptions options, Clock* clock, MetricsFetcher fetcher)
    : options_(std::move(options)),
      clock_(clock),
      connections_(std::make_unique<HttpConnectionCache>(1)),
      fetcher_(fetcher ? std::move(fetcher)
                       : [timeout = options_.scrape_timeout,
                          connections = connections_.get()](const std::string& url) {
                           return HttpGetUrl(url, timeout, connections);
                         }) {}

absl::Status PrometheusMeter::Probe() {
  absl::StatusOr<std::vector<EnergyReading>> readings = Read();
  if (readings.ok()) return absl::OkStatus();
  return absl::Status(readings.status().code(),
                      absl::StrCat(options_.selector.ToString(), " at ", options_.url,
                                   " is not readable: ", readings.status().message()));
}

MeterDescription PrometheusMeter::Describe() const {
  const bool gauge = options_.selector.kind == PrometheusSelector::Kind::kGauge;
  MeterDescription description;
  description.methods = {gauge ? joulebench::v1::ENERGY_METHOD_PROMETHEUS_POWER_INTEGRATED
                               : joulebench::v1::ENERGY_METHOD_PROMETHEUS_COUNTER};
  description.summary =
      absl::StrCat(gauge ? "prometheus-power-integrated " : "prometheus-counter ", options_.url,
                   " ", options_.selector.ToString(), " (", options_.selector.unit, ", ",
                   series_.size(), " series)", options_.simulated ? " (simulated)" : "");
  description.simulated = options_.simulated;
  description.exclusive = options_.exclusive;
  description.needs_sampling = gauge;
  return description;
}

absl::StatusOr<std::vector<EnergyReading>> PrometheusMeter::Read() {
  const PrometheusSelector& selector = options_.selector;
  absl::StatusOr<std::string> text = fetcher_(options_.url);
  if (!text.ok()) return text.status();
  const absl::Duration at = clock_->MonotonicNow();
  absl::StatusOr<std::vector<PrometheusSample>> samples =
      ParsePrometheusText(*text, selector.metric);
  if (!samples.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(options_.url, ": ", samples.status().message()));
  }

  std::vector<EnergyReading> readings;
  std::map<std::pair<std::string, std::string>, std::string> seen;  // (domain, device) -> labels
  std::vector<std::string> of_metric;                               // for NotFound
  int overlapping_zones = 0;
  int other_gpus = 0;
  for (const PrometheusSample& sample : *samples) {
    if (sample.name == selector.metric) of_metric.push_back(LabelSet(sample));
    if (!selector.Matches(sample)) continue;
    if (!selector.Selects("zone") && OverlappingZone(sample)) {
      ++overlapping_zones;
      continue;
    }
    if (!SelectedGpu(sample, options_.gpus)) {
      ++other_gpus;
      continue;
    }
    if (!std::isfinite(sample.value)) {
      return absl::InvalidArgumentError(absl::StrCat(options_.url, ": ", sample.name,
                                                     LabelSet(sample), " is ", sample.value,
                                                     ", not a finite number"));
    }
    std::pair<std::string, std::string> key{SeriesDomain(selector, sample), Device(sample)};
    auto [it, inserted] = seen.emplace(key, LabelSet(sample));
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          options_.url, ": two series of ", sample.name, " are device '", key.second,
          "': ", it->second, " and ", LabelSet(sample),
          "; adding them could count it twice, so narrow the selector with a label that tells "
          "them apart"));
    }
    Series& series = series_[key];
    EnergyReading reading;
    reading.set_domain(key.first);
    reading.set_device(key.second);
    reading.set_estimated(false);
    reading.set_source(absl::StrCat(options_.url, " ", selector.metric));
    if (selector.kind == PrometheusSelector::Kind::kCounter) {
      reading.set_energy_j(series.counter.Add(sample.value) * selector.scale);
      reading.set_counter_resets(series.counter.resets());
      reading.set_method(joulebench::v1::ENERGY_METHOD_PROMETHEUS_COUNTER);
    } else {
      reading.set_energy_j(series.power.Add(at, sample.value * selector.scale));
      reading.set_method(joulebench::v1::ENERGY_METHOD_PROMETHEUS_POWER_INTEGRATED);
    }
    readings.push_back(std::move(reading));
  }
  if (readings.empty()) {
    std::string why =
        of_metric.empty()
            ? absl::StrCat("no series of metric ", selector.metric)
            : absl::StrCat("none of the ", of_metric.size(), " series of ", selector.metric, " (",
                           ListSome(of_metric), ") matches ", selector.ToString());
    if (other_gpus > 0) {
      absl::StrAppend(&why, "; ", other_gpus, " series are of GPUs other than the selected ",
                      absl::StrJoin(options_.gpus, ", "), " (--gpus, CUDA_VISIBLE_DEVICES)");
    }
    if (overlapping_zones > 0) {
      absl::StrAppend(&why, "; ", overlapping_zones,
                      " series are of RAPL zones that overlap the package (core, uncore, psys), "
                      "left out unless the selector names the zone, e.g. {zone=\"psys\"}");
    }
    return absl::NotFoundError(absl::StrCat(options_.url, ": ", why));
  }
  return readings;
}

}  // namespace jb::worker
