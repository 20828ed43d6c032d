// The sweep spec: what a user submits (`joulebench submit SWEEP.yaml`). Parsing is strict: an
// unknown field, a wrong type or a missing required field is an InvalidArgument error naming
// the file, the 1-based line and the field, so the CLI can print it and exit 2 before anything
// reaches the database. The format is documented in docs/sweeps.md.
//
//   name: demo                       # required
//   models:                          # required; a name, or a map declaring the model
//     - {name: sim-small-1b, parameters: 1.1e9, active_parameters: 1.1e9, family: sim}
//     - sim-large-70b                # a bare name must already be known to the coordinator
//   tasks: [sentiment-mini, ./my-suite]   # built-in suite names or suite directories
//   hardware_classes:                # required; a name, or a map declaring its prices
//     - sim-cpu
//     - {name: h100x1, price_per_hour_usd: 2.5, electricity_usd_per_kwh: 0.15}
//   repeats: 1                       # sweep repeats of every cell
//   sample_limit: 0                  # per task, 0 = all samples
//   shard_size: 10                   # samples per shard
//   shard_duration_s: 60             # or: size shards to about this long, from history
//   concurrency: 4                   # requests in flight per worker
//   priority: 0
//   max_attempts: 3
//   idle_baseline_s: 1.0
//   generation: {max_tokens: 64, temperature: 0, top_p: 0, seed: 1234, endpoint: chat}
//   labels: {nightly: "true"}
//
// Thread-safety: free functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::coordinator {

// A model entry. `declared` is true when the spec gave more than the name (parameters etc.).
struct ModelEntry {
  joulebench::v1::ModelSpec spec;
  bool declared = false;
  int line = 0;
};

// A task entry: a built-in suite name, or a path to a suite directory or task YAML file (it
// contains '/', starts with '.', or ends in .yaml or .yml).
struct TaskEntry {
  std::string ref;
  bool is_path = false;
  int line = 0;
};

// Generation overrides; unset fields keep the task's defaults.
struct GenerationOverrides {
  std::optional<uint32_t> max_tokens;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int64_t> seed;
  std::optional<joulebench::v1::Endpoint> endpoint;
};

// Prices a spec declares for a hardware class (cost per query, docs/energy.md). Declared
// prices are stored with the class and replace the stored ones; others are kept.
struct HardwarePrices {
  std::optional<double> price_per_hour_usd;
  std::optional<double> electricity_usd_per_kwh;
};

struct SweepSpec {
  std::string source_name;
  std::string name;
  std::vector<ModelEntry> models;
  std::vector<TaskEntry> tasks;
  std::vector<std::string> hardware_classes;
  // By class name, for the classes written as maps.
  std::map<std::string, HardwarePrices> hardware_prices;
  uint32_t repeats = 1;
  uint32_t sample_limit = 0;
  uint32_t shard_size = 25;
  // When set, each cell's shards are sized to last about this long, from the cell's history
  // (planner.h); cells without history use shard_size.
  std::optional<double> shard_duration_s;
  uint32_t concurrency = 4;
  int32_t priority = 0;
  uint32_t max_attempts = 3;
  double idle_baseline_s = 1.0;
  GenerationOverrides generation;
  std::map<std::string, std::string> labels;
};

// Parses and checks the spec. `source_name` names it in errors ("sweeps/demo.yaml").
absl::StatusOr<SweepSpec> ParseSweepSpec(const std::string& yaml_text,
                                         const std::string& source_name);

// Applies overrides to a task's default generation settings.
joulebench::v1::GenerationSettings ApplyOverrides(const joulebench::v1::GenerationSettings& base,
                                                  const GenerationOverrides& overrides);

}  // namespace jb::coordinator
