#include "storage/hardware_class_repository.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace jb::storage {

absl::Status EnsureHardwareClass(pqxx::work& w, const std::string& name,
                                 const std::string& gpu_product, int gpu_count) {
  if (name.empty()) return absl::InvalidArgumentError("hardware class without a name");
  w.exec_params0(
      "INSERT INTO hardware_classes (name, gpu_product, gpu_count) VALUES ($1, $2, $3) "
      "ON CONFLICT (name) DO UPDATE SET gpu_product = EXCLUDED.gpu_product,"
      "  gpu_count = EXCLUDED.gpu_count "
      "WHERE hardware_classes.gpu_product = '' AND hardware_classes.gpu_count = 0",
      name, gpu_product, gpu_count);
  return absl::OkStatus();
}

absl::Status SetHardwarePrices(pqxx::work& w, const std::string& name,
                               std::optional<double> price_per_hour_usd,
                               std::optional<double> electricity_usd_per_kwh) {
  if (name.empty()) return absl::InvalidArgumentError("hardware class without a name");
  for (std::optional<double> price : {price_per_hour_usd, electricity_usd_per_kwh}) {
    if (price.has_value() && (!(*price >= 0) || !std::isfinite(*price))) {
      return absl::InvalidArgumentError(absl::StrCat("hardware class '", name, "': price ", *price,
                                                     " is not a non-negative "
                                                     "number of US dollars"));
    }
  }
  w.exec_params0(
      "INSERT INTO hardware_classes (name, price_per_hour_usd, electricity_usd_per_kwh) "
      "VALUES ($1, $2, $3) "
      "ON CONFLICT (name) DO UPDATE SET"
      "  price_per_hour_usd = COALESCE($2, hardware_classes.price_per_hour_usd),"
      "  electricity_usd_per_kwh = COALESCE($3, hardware_classes.electricity_usd_per_kwh)",
      name, price_per_hour_usd, electricity_usd_per_kwh);
  return absl::OkStatus();
}

}  // namespace jb::storage
