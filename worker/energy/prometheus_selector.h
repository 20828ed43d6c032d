// Which series of a Prometheus /metrics endpoint are energy, and in what unit: the SELECTOR of
// `--energy prometheus=URL#SELECTOR` and `--energy-prometheus URL#SELECTOR` (docs/energy.md).
//
//   SELECTOR := METRIC [ '{' label="value" [, label="value"]... '}' ] [ ';' key=value ]...
//   keys:     unit    J, mJ, uJ, kJ, Wh, kWh (a cumulative energy counter) or
//                     W, mW, kW (a power gauge, integrated by the sampler)
//             domain  gpu, cpu, dram or node (what the joules are of)
//
// Examples:
//   DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{UUID="GPU-8f6e..."}   (mJ counter, gpu: known)
//   DCGM_FI_DEV_POWER_USAGE                                    (W gauge, gpu: known)
//   kepler_node_cpu_joules_total{zone="package"}               (J counter, cpu: known)
//   my_exporter_node_energy;unit=kWh;domain=node
//
// Labels match exactly; only `=` is accepted (not `!=`, `=~`). Without ;unit= the unit comes
// from the table of known metrics below (DCGM exporter, Kepler 0.10+ and older, the joulebench
// simulator), then from the name's Prometheus suffix (_joules, _joules_total: J counter;
// _watts: W gauge); otherwise the selector is refused with what to add. Without ;domain= the
// domain comes from the known-metric table, then per series from a RAPL `zone` label
// (package, core, uncore: cpu; dram: dram; psys, platform: node), else "node".
// Thread-safety: free functions and plain values.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "worker/energy/prometheus_text.h"

namespace jb::worker {

struct PrometheusSelector {
  enum class Kind { kCounter, kGauge };
  std::string metric;
  // Exact label matches, in the order written.
  std::vector<std::pair<std::string, std::string>> labels;
  Kind kind = Kind::kCounter;
  // The unit as written or defaulted ("mJ", "W"), and its factor to joules (counter) or
  // watts (gauge).
  std::string unit = "J";
  double scale = 1.0;
  // The domain every series is of; nullopt: per series (see above).
  std::optional<std::string> domain;

  // "METRIC{label=\"value\"}" as it selects, for sources and messages.
  std::string ToString() const;
  // True when `sample` is of the metric and carries every selected label.
  bool Matches(const PrometheusSample& sample) const;
  // True when `label` is one of the selected labels.
  bool Selects(absl::string_view label) const;
};

// InvalidArgument naming the offending part and giving the accepted form.
absl::StatusOr<PrometheusSelector> ParsePrometheusSelector(absl::string_view text);

// The domain of one series under `selector` (the rules above).
std::string SeriesDomain(const PrometheusSelector& selector, const PrometheusSample& sample);

}  // namespace jb::worker
