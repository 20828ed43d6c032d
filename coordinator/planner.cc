#include "coordinator/planner.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace jb::coordinator {

namespace {

// The cell's shard size and how it was chosen (planner.h).
std::pair<uint32_t, std::string> ShardSize(const SweepSpec& spec, const HistoryByCell& history,
                                           const CellKey& key) {
  if (!spec.shard_duration_s.has_value()) return {spec.shard_size, "shard_size"};
  auto it = history.find(key);
  if (it == history.end() || !(it->second.seconds_per_sample > 0)) {
    return {spec.shard_size, "no history: shard_size"};
  }
  const double samples = std::round(*spec.shard_duration_s / it->second.seconds_per_sample);
  const auto size = static_cast<uint32_t>(std::clamp(samples, 1.0, 100'000.0));
  return {size, absl::StrFormat("history: %.3g s per sample over %d shards",
                                it->second.seconds_per_sample, it->second.shards)};
}

}  // namespace

SweepPlan PlanSweep(const SweepSpec& spec, const std::vector<tasks::Suite>& suites,
                    const HistoryByCell& history) {
  SweepPlan plan;
  for (const ModelEntry& model : spec.models) {
    for (size_t t = 0; t < spec.tasks.size(); ++t) {
      const tasks::Suite& suite = suites[t];
      uint32_t n = static_cast<uint32_t>(suite.samples.size());
      if (spec.sample_limit > 0) n = std::min(n, spec.sample_limit);
      uint32_t task_repeats = std::max<uint32_t>(1, suite.task.repeats());
      ShardSettings settings;
      settings.generation = ApplyOverrides(suite.task.generation(), spec.generation);
      settings.concurrency = spec.concurrency;
      settings.idle_baseline_s = spec.idle_baseline_s;
      for (const std::string& hardware_class : spec.hardware_classes) {
        joulebench::v1::PlannedCell cell;
        cell.set_model(model.spec.name());
        cell.set_task(suite.task.name());
        cell.set_hardware_class(hardware_class);
        const auto [shard_size, sized_by] =
            ShardSize(spec, history, {model.spec.name(), suite.task.name(), hardware_class});
        cell.set_shard_size(std::max<uint32_t>(1, std::min(shard_size, n)));
        cell.set_sized_by(sized_by);
        for (uint32_t repeat = 0; repeat < spec.repeats; ++repeat) {
          for (uint32_t begin = 0; begin < n; begin += shard_size) {
            ShardPlan shard;
            shard.model = model.spec.name();
            shard.suite_hash = suite.task.content_hash();
            shard.task = suite.task.name();
            shard.hardware_class = hardware_class;
            shard.sweep_repeat = repeat;
            shard.sample_begin = begin;
            shard.sample_end = std::min(n, begin + shard_size);
            shard.settings = settings;
            shard.priority = spec.priority;
            shard.max_attempts = spec.max_attempts;
            uint64_t samples = uint64_t{shard.sample_end - shard.sample_begin} * task_repeats;
            cell.set_shards(cell.shards() + 1);
            cell.set_samples(cell.samples() + samples);
            plan.samples_total += samples;
            plan.shards.push_back(std::move(shard));
          }
        }
        plan.cells.push_back(std::move(cell));
      }
    }
  }
  return plan;
}

std::string SettingsToJson(const ShardSettings& settings) {
  std::string generation;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(settings.generation, &generation, options);
  nlohmann::json json;
  json["generation"] = nlohmann::json::parse(generation);
  json["concurrency"] = settings.concurrency;
  json["idle_baseline_s"] = settings.idle_baseline_s;
  return json.dump();
}

absl::StatusOr<ShardSettings> SettingsFromJson(const std::string& text) {
  ShardSettings settings;
  try {
    nlohmann::json json = nlohmann::json::parse(text);
    auto status = google::protobuf::util::JsonStringToMessage(json.at("generation").dump(),
                                                              &settings.generation);
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("shard settings: ", status.ToString()));
    }
    settings.concurrency = json.at("concurrency").get<uint32_t>();
    settings.idle_baseline_s = json.at("idle_baseline_s").get<double>();
  } catch (const nlohmann::json::exception& e) {
    return absl::InternalError(absl::StrCat("shard settings are not valid JSON: ", e.what()));
  }
  return settings;
}

}  // namespace jb::coordinator
