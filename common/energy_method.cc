#include "common/energy_method.h"

#include "absl/strings/str_cat.h"

namespace jb {

namespace v1 = joulebench::v1;

namespace {

struct Entry {
  v1::EnergyMethod method;
  const char* name;
  int rank;
};

// Ordered strongest first: counters beat integrated power, which beats any estimate.
constexpr Entry kMethods[] = {
    {v1::ENERGY_METHOD_NVML_ENERGY_COUNTER, "nvml-energy-counter", 1},
    {v1::ENERGY_METHOD_RAPL, "rapl", 2},
    {v1::ENERGY_METHOD_PROMETHEUS_COUNTER, "prometheus-counter", 3},
    {v1::ENERGY_METHOD_NVML_POWER_INTEGRATED, "nvml-power-integrated", 4},
    {v1::ENERGY_METHOD_PROMETHEUS_POWER_INTEGRATED, "prometheus-power-integrated", 5},
    {v1::ENERGY_METHOD_ESTIMATE_TDP, "estimate-tdp", 6},
    {v1::ENERGY_METHOD_ESTIMATE_RAM, "estimate-ram", 7},
    {v1::ENERGY_METHOD_ESTIMATE_PARAMS, "estimate-params", 8},
    {v1::ENERGY_METHOD_NONE, "none", 9},
};

constexpr int kNoneRank = 9;

}  // namespace

std::string EnergyMethodName(v1::EnergyMethod method) {
  for (const Entry& e : kMethods) {
    if (e.method == method) return e.name;
  }
  return "none";
}

absl::StatusOr<v1::EnergyMethod> EnergyMethodFromName(const std::string& name) {
  for (const Entry& e : kMethods) {
    if (name == e.name) return e.method;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown energy method '", name,
      "'; expected nvml-energy-counter, rapl, prometheus-counter, nvml-power-integrated, "
      "prometheus-power-integrated, estimate-tdp, estimate-ram, estimate-params or none"));
}

bool IsEstimate(v1::EnergyMethod method) {
  return method == v1::ENERGY_METHOD_ESTIMATE_TDP || method == v1::ENERGY_METHOD_ESTIMATE_RAM ||
         method == v1::ENERGY_METHOD_ESTIMATE_PARAMS;
}

int EnergyMethodRank(v1::EnergyMethod method) {
  for (const Entry& e : kMethods) {
    if (e.method == method) return e.rank;
  }
  return kNoneRank;
}

}  // namespace jb
