// The sweep planner: turns a validated spec and its resolved suites into shards.
//
// A cell is (model, task, hardware class); each cell is planned `repeats` times, and each
// repetition covers samples [0, n) of the suite, n = min(suite size, sample_limit), in ranges
// of the cell's shard size. Shards are ordered cell by cell, so a sweep fills in row by row.
//
// The shard size is the spec's shard_size, unless the spec sets shard_duration_s: then a
// cell with history (the seconds per sample its past shards took on that class at the same
// concurrency, storage::CellSecondsPerSample) gets round(shard_duration_s / seconds per
// sample) samples per shard, within [1, 100000], and a cell without keeps shard_size. Each
// PlannedCell says which (sized_by).
// Pure logic: no database, no clock. Thread-safety: free functions.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "coordinator/sweep_spec.h"
#include "joulebench/v1/admin.pb.h"
#include "tasks/suite.h"

namespace jb::coordinator {

// Per-shard settings the worker needs beyond the task (stored as the shard's settings JSON).
struct ShardSettings {
  joulebench::v1::GenerationSettings generation;
  uint32_t concurrency = 1;
  double idle_baseline_s = 0;
};

struct ShardPlan {
  std::string model;
  std::string suite_hash;
  std::string task;
  std::string hardware_class;
  uint32_t sweep_repeat = 0;
  uint32_t sample_begin = 0;
  uint32_t sample_end = 0;
  ShardSettings settings;
  int32_t priority = 0;
  uint32_t max_attempts = 3;
};

// A cell's past speed: seconds per sample (wall time of its shards over their samples).
struct CellHistory {
  double seconds_per_sample = 0;
  int shards = 0;
};
// By (model, task, hardware class).
using CellKey = std::tuple<std::string, std::string, std::string>;
using HistoryByCell = std::map<CellKey, CellHistory>;

struct SweepPlan {
  std::vector<ShardPlan> shards;
  std::vector<joulebench::v1::PlannedCell> cells;
  uint64_t samples_total = 0;  // sample x task repeats x sweep repeats, over every shard
};

// REQUIRES: suites[i] is the suite of spec.tasks[i], with its content hash set. `history` is
// read only when spec.shard_duration_s is set.
SweepPlan PlanSweep(const SweepSpec& spec, const std::vector<tasks::Suite>& suites,
                    const HistoryByCell& history = {});

// The settings as the JSON stored in shards.settings, and back.
std::string SettingsToJson(const ShardSettings& settings);
absl::StatusOr<ShardSettings> SettingsFromJson(const std::string& json);

}  // namespace jb::coordinator
