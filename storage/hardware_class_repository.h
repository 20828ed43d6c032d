// Hardware classes: the `hardware_classes` table, created by the first worker of a class (its
// GPU product and count) or by a sweep spec that declares the class's prices, whichever comes
// first. Prices feed cost per query (report_queries.h, docs/energy.md).
//
// Functions take the caller's transaction; libpqxx exceptions propagate to Database::Transact.
// Stateless; thread-safe.
#pragma once

#include <optional>
#include <pqxx/transaction>
#include <string>

#include "absl/status/status.h"

namespace jb::storage {

// Creates the class when new. GPU product and count fill a class that has none yet (one a sweep
// created); a class already described keeps its description. kInvalidArgument for an empty name.
absl::Status EnsureHardwareClass(pqxx::work& w, const std::string& name,
                                 const std::string& gpu_product, int gpu_count);

// Creates the class when new and stores the prices given; a price not given keeps its stored
// value. kInvalidArgument for an empty name or a negative or non-finite price.
absl::Status SetHardwarePrices(pqxx::work& w, const std::string& name,
                               std::optional<double> price_per_hour_usd,
                               std::optional<double> electricity_usd_per_kwh);

}  // namespace jb::storage
