// Carbon accounting inputs recorded with every measurement (DESIGN.md section 6): the worker's
// grid region, that region's carbon intensity with its source, and the site's PUE. Carbon
// itself is derived at report time, kWh x PUE x intensity, so a corrected intensity re-prices
// history.
//
// Region, first found: --region (or JOULEBENCH_REGION), then a Kubernetes downward-API labels
// file (--node-labels; lines key="value"; keys joulebench.io/region, then
// topology.kubernetes.io/region). A region is an ISO 3166 alpha-3 country ("FRA") or a cloud
// region ("europe-west1", or "gcp:europe-west1").
// Intensity: --carbon-intensity when given (source "configured"); else the compiled-in tables
// (data/README.md): countries from Our World in Data / Ember with their year, Google Cloud
// regions; else the world average, 475 gCO2e/kWh (IEA 2019, CodeCarbon's default), labelled
// as a fallback. No country is ever assumed.
// Thread-safety: free functions over immutable tables.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace jb::worker {

// gCO2e/kWh used when the region is unknown (IEA 2019 via CodeCarbon).
inline constexpr double kWorldAverageGramsPerKwh = 475.0;

struct CarbonIntensity {
  double g_per_kwh = kWorldAverageGramsPerKwh;
  // "country-table:FRA:2023 (Our World in Data / Ember via CodeCarbon)",
  // "cloud-region:gcp:europe-west1:unknown (Google Cloud ...)", "configured",
  // "world-average:475 (IEA 2019 via CodeCarbon; region unknown)".
  std::string source;
  // True for the world average (the region was missing or not in the tables).
  bool fallback = true;
};

struct CarbonSettings {
  std::string region;
  // Where the region came from: "--region", "node label joulebench.io/region (FILE)", or ""
  // when no region was given.
  std::string region_source;
  CarbonIntensity intensity;
  double pue = 1.0;
};

// The intensity for `region` ("" for unknown), or `override_g_per_kwh` when given.
CarbonIntensity ResolveCarbonIntensity(const std::string& region,
                                       std::optional<double> override_g_per_kwh);

// Resolves the region (flag, then the environment's JOULEBENCH_REGION when the flag is empty,
// then the labels file), its intensity and the PUE. InvalidArgument for a PUE outside
// [1.0, 3.0] or a negative override; NotFound/PermissionDenied naming a labels file that
// cannot be read.
absl::StatusOr<CarbonSettings> ResolveCarbonSettings(const std::string& flag_region,
                                                     const std::string& env_region,
                                                     const std::string& node_labels_file,
                                                     std::optional<double> override_g_per_kwh,
                                                     double pue);

}  // namespace jb::worker
