// Names of energy methods as stored in SQL and shown in reports (DESIGN.md section 6):
// "nvml-energy-counter", "rapl", "prometheus-counter", "nvml-power-integrated",
// "prometheus-power-integrated", "estimate-tdp", "estimate-ram", "estimate-params", "none".
// One mapping, used by the worker, storage and every report.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb {

std::string EnergyMethodName(joulebench::v1::EnergyMethod method);
// InvalidArgument listing the valid names for an unknown one.
absl::StatusOr<joulebench::v1::EnergyMethod> EnergyMethodFromName(const std::string& name);
// True for methods that estimate rather than read a counter.
bool IsEstimate(joulebench::v1::EnergyMethod method);
// Rank from strongest (1, a hardware energy counter) to weakest (9, none); a report cell shows
// its weakest method.
int EnergyMethodRank(joulebench::v1::EnergyMethod method);

}  // namespace jb
