// Workers: the fleet as the coordinator knows it (`workers`), plus the models and hardware
// classes workers bring with them.
//
// A worker's id is assigned at its first registration ("w-" and 12 hex digits) and kept for
// every later registration under the same name. Worker states: active, draining, unhealthy,
// lost.
// Functions take the caller's transaction; libpqxx exceptions propagate to Database::Transact.
// Stateless; thread-safe.
#pragma once

#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "joulebench/v1/common.pb.h"

namespace jb::storage {

// Registers (or re-registers) the worker `name`: stores its hardware, server and served
// models, state active, heartbeat now; adds each served model to `models` (name only) and its
// hardware class to `hardware_classes` when new. Returns the worker id, stable per name.
// kInvalidArgument for an empty name or hardware class.
absl::StatusOr<std::string> RegisterWorker(pqxx::work& w, const std::string& name,
                                           const joulebench::v1::HardwareProfile& hardware,
                                           const joulebench::v1::InferenceServer& server,
                                           const std::string& version);

// kNotFound for an unknown id.
absl::StatusOr<joulebench::v1::WorkerInfo> GetWorker(pqxx::work& w, const std::string& worker_id);

// Every worker, by name, with the shard it holds a lease on (0 when none).
absl::StatusOr<std::vector<joulebench::v1::WorkerInfo>> ListWorkers(pqxx::work& w);

// Marks workers silent for longer than `silence` (by the database clock) as lost; returns how
// many changed.
absl::StatusOr<int> MarkLostWorkers(pqxx::work& w, absl::Duration silence);

// Whether some registered, not lost worker of `hardware_class` serves `model`.
absl::StatusOr<bool> ServableBy(pqxx::work& w, const std::string& model,
                                const std::string& hardware_class);

}  // namespace jb::storage
