#include "coordinator/sweep_spec.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace jb::coordinator {
namespace {

namespace v1 = joulebench::v1;

// Builds "file:line: field: message" errors for one document.
class Errors {
 public:
  explicit Errors(std::string source) : source_(std::move(source)) {}
  absl::Status At(const YAML::Node& node, const std::string& field, const std::string& msg) const {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ":", node.Mark().line + 1, ": ", field, ": ", msg));
  }
  absl::Status AtLine(int line, const std::string& field, const std::string& msg) const {
    return absl::InvalidArgumentError(absl::StrCat(source_, ":", line, ": ", field, ": ", msg));
  }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

template <typename T>
absl::StatusOr<T> Scalar(const Errors& errors, const YAML::Node& node, const std::string& field,
                         const char* expected) {
  if (!node.IsScalar()) return errors.At(node, field, absl::StrCat("expected ", expected));
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    return errors.At(node, field,
                     absl::StrCat("expected ", expected, ", got '", node.Scalar(), "'"));
  }
}

absl::StatusOr<uint32_t> Count(const Errors& errors, const YAML::Node& node,
                               const std::string& field, uint32_t min, uint32_t max) {
  auto value = Scalar<int64_t>(errors, node, field, "an integer");
  if (!value.ok()) return value.status();
  if (*value < min || *value > max) {
    return errors.At(node, field,
                     absl::StrCat("must be between ", min, " and ", max, ", got ", *value));
  }
  return static_cast<uint32_t>(*value);
}

absl::StatusOr<std::vector<std::string>> StringList(const Errors& errors, const YAML::Node& node,
                                                    const std::string& field) {
  if (!node.IsSequence() || node.size() == 0) {
    return errors.At(node, field, "expected a non-empty list");
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    auto s = Scalar<std::string>(errors, node[i], absl::StrCat(field, "[", i, "]"), "a string");
    if (!s.ok()) return s.status();
    out.push_back(*s);
  }
  return out;
}

// Rejects keys of `map` not in `allowed`, naming the first one found.
absl::Status CheckKeys(const Errors& errors, const YAML::Node& map, const std::string& prefix,
                       const std::set<std::string>& allowed) {
  for (const auto& kv : map) {
    std::string key = kv.first.Scalar();
    if (allowed.count(key) == 0) {
      return errors.At(
          kv.first, prefix + key,
          absl::StrCat("unknown field; expected one of: ", absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ModelEntry> ParseModel(const Errors& errors, const YAML::Node& node, size_t i) {
  std::string field = absl::StrCat("models[", i, "]");
  ModelEntry entry;
  entry.line = node.Mark().line + 1;
  if (node.IsScalar()) {
    entry.spec.set_name(node.Scalar());
    return entry;
  }
  if (!node.IsMap()) return errors.At(node, field, "expected a model name or a map");
  absl::Status keys =
      CheckKeys(errors, node, field + ".", {"name", "parameters", "active_parameters", "family"});
  if (!keys.ok()) return keys;
  if (!node["name"]) return errors.At(node, field + ".name", "required field is missing");
  auto name = Scalar<std::string>(errors, node["name"], field + ".name", "a string");
  if (!name.ok()) return name.status();
  entry.spec.set_name(*name);
  entry.declared = true;
  for (const char* key : {"parameters", "active_parameters"}) {
    if (!node[key]) continue;
    auto v = Scalar<double>(errors, node[key], absl::StrCat(field, ".", key), "a number");
    if (!v.ok()) return v.status();
    if (*v <= 0) return errors.At(node[key], absl::StrCat(field, ".", key), "must be positive");
    if (std::string(key) == "parameters") {
      entry.spec.set_parameters(*v);
    } else {
      entry.spec.set_active_parameters(*v);
    }
  }
  if (entry.spec.active_parameters() == 0) {
    entry.spec.set_active_parameters(entry.spec.parameters());
  }
  if (node["family"]) {
    auto family = Scalar<std::string>(errors, node["family"], field + ".family", "a string");
    if (!family.ok()) return family.status();
    entry.spec.set_family(*family);
  }
  return entry;
}

// A hardware class entry: a name, or {name, price_per_hour_usd, electricity_usd_per_kwh}.
absl::Status ParseHardwareClass(const Errors& errors, const YAML::Node& node, size_t i,
                                SweepSpec* spec) {
  const std::string field = absl::StrCat("hardware_classes[", i, "]");
  std::string name;
  if (node.IsScalar()) {
    name = node.Scalar();
  } else if (node.IsMap()) {
    absl::Status keys = CheckKeys(errors, node, field + ".",
                                  {"name", "price_per_hour_usd", "electricity_usd_per_kwh"});
    if (!keys.ok()) return keys;
    if (!node["name"]) return errors.At(node, field + ".name", "required field is missing");
    auto v = Scalar<std::string>(errors, node["name"], field + ".name", "a string");
    if (!v.ok()) return v.status();
    name = *v;
    HardwarePrices prices;
    for (auto [key, out] :
         {std::pair{"price_per_hour_usd", &prices.price_per_hour_usd},
          std::pair{"electricity_usd_per_kwh", &prices.electricity_usd_per_kwh}}) {
      if (!node[key]) continue;
      const std::string key_field = absl::StrCat(field, ".", key);
      auto price = Scalar<double>(errors, node[key], key_field, "a number of US dollars");
      if (!price.ok()) return price.status();
      if (!(*price >= 0) || !std::isfinite(*price)) {
        return errors.At(node[key], key_field, "must be a non-negative number of US dollars");
      }
      *out = *price;
    }
    spec->hardware_prices[name] = prices;
  } else {
    return errors.At(node, field, "expected a hardware class name or a map with name and prices");
  }
  if (name.empty()) return errors.At(node, field, "the class name must not be empty");
  if (std::find(spec->hardware_classes.begin(), spec->hardware_classes.end(), name) !=
      spec->hardware_classes.end()) {
    return errors.At(node, field, absl::StrCat("hardware class '", name, "' is listed twice"));
  }
  spec->hardware_classes.push_back(name);
  return absl::OkStatus();
}

absl::Status ParseGeneration(const Errors& errors, const YAML::Node& node,
                             GenerationOverrides* out) {
  if (!node.IsMap()) return errors.At(node, "generation", "expected a map");
  absl::Status keys = CheckKeys(errors, node, "generation.",
                                {"max_tokens", "temperature", "top_p", "seed", "endpoint"});
  if (!keys.ok()) return keys;
  if (node["max_tokens"]) {
    auto v = Count(errors, node["max_tokens"], "generation.max_tokens", 1, 1 << 20);
    if (!v.ok()) return v.status();
    out->max_tokens = *v;
  }
  for (const char* key : {"temperature", "top_p"}) {
    if (!node[key]) continue;
    auto v = Scalar<double>(errors, node[key], absl::StrCat("generation.", key), "a number");
    if (!v.ok()) return v.status();
    if (*v < 0) return errors.At(node[key], absl::StrCat("generation.", key), "must be >= 0");
    (std::string(key) == "temperature" ? out->temperature : out->top_p) = *v;
  }
  if (node["seed"]) {
    auto v = Scalar<int64_t>(errors, node["seed"], "generation.seed", "an integer");
    if (!v.ok()) return v.status();
    out->seed = *v;
  }
  if (node["endpoint"]) {
    auto v = Scalar<std::string>(errors, node["endpoint"], "generation.endpoint", "a string");
    if (!v.ok()) return v.status();
    if (*v == "chat") {
      out->endpoint = v1::ENDPOINT_CHAT;
    } else if (*v == "completions") {
      out->endpoint = v1::ENDPOINT_COMPLETIONS;
    } else {
      return errors.At(node["endpoint"], "generation.endpoint",
                       absl::StrCat("unknown endpoint '", *v, "'; use chat or completions"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseTop(const Errors& errors, const YAML::Node& root, SweepSpec* spec) {
  if (!root.IsMap()) {
    return errors.At(root, "(document)", "expected a map of sweep fields (name, models, ...)");
  }
  absl::Status keys =
      CheckKeys(errors, root, "",
                {"name", "models", "tasks", "hardware_classes", "repeats", "sample_limit",
                 "shard_size", "shard_duration_s", "concurrency", "priority", "max_attempts",
                 "idle_baseline_s", "generation", "labels"});
  if (!keys.ok()) return keys;
  for (const char* required : {"name", "models", "tasks", "hardware_classes"}) {
    if (!root[required]) {
      return errors.At(root, required, "required field is missing");
    }
  }
  auto name = Scalar<std::string>(errors, root["name"], "name", "a string");
  if (!name.ok()) return name.status();
  if (name->empty()) return errors.At(root["name"], "name", "must not be empty");
  spec->name = *name;

  const YAML::Node& models = root["models"];
  if (!models.IsSequence() || models.size() == 0) {
    return errors.At(models, "models", "expected a non-empty list");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < models.size(); ++i) {
    auto entry = ParseModel(errors, models[i], i);
    if (!entry.ok()) return entry.status();
    if (!seen.insert(entry->spec.name()).second) {
      return errors.At(models[i], absl::StrCat("models[", i, "]"),
                       absl::StrCat("model '", entry->spec.name(), "' is listed twice"));
    }
    spec->models.push_back(*entry);
  }

  const YAML::Node& tasks = root["tasks"];
  auto task_refs = StringList(errors, tasks, "tasks");
  if (!task_refs.ok()) return task_refs.status();
  for (size_t i = 0; i < task_refs->size(); ++i) {
    const std::string& ref = (*task_refs)[i];
    bool is_path = ref.find('/') != std::string::npos || (!ref.empty() && ref[0] == '.') ||
                   absl::EndsWith(ref, ".yaml") || absl::EndsWith(ref, ".yml");
    spec->tasks.push_back({ref, is_path, tasks[i].Mark().line + 1});
  }
  const YAML::Node& classes = root["hardware_classes"];
  if (!classes.IsSequence() || classes.size() == 0) {
    return errors.At(classes, "hardware_classes", "expected a non-empty list");
  }
  for (size_t i = 0; i < classes.size(); ++i) {
    JB_RETURN_IF_ERROR(ParseHardwareClass(errors, classes[i], i, spec));
  }

  struct CountField {
    const char* key;
    uint32_t* out;
    uint32_t min, max;
  } counts[] = {{"repeats", &spec->repeats, 1, 1000},
                {"sample_limit", &spec->sample_limit, 0, 10'000'000},
                {"shard_size", &spec->shard_size, 1, 100'000},
                {"concurrency", &spec->concurrency, 1, 1024},
                {"max_attempts", &spec->max_attempts, 1, 100}};
  for (const CountField& f : counts) {
    if (!root[f.key]) continue;
    auto v = Count(errors, root[f.key], f.key, f.min, f.max);
    if (!v.ok()) return v.status();
    *f.out = *v;
  }
  if (root["priority"]) {
    auto v = Scalar<int32_t>(errors, root["priority"], "priority", "an integer");
    if (!v.ok()) return v.status();
    spec->priority = *v;
  }
  if (root["idle_baseline_s"]) {
    auto v = Scalar<double>(errors, root["idle_baseline_s"], "idle_baseline_s", "a number");
    if (!v.ok()) return v.status();
    if (*v < 0 || *v > 600) {
      return errors.At(root["idle_baseline_s"], "idle_baseline_s", "must be between 0 and 600");
    }
    spec->idle_baseline_s = *v;
  }
  if (root["shard_duration_s"]) {
    auto v = Scalar<double>(errors, root["shard_duration_s"], "shard_duration_s", "a number");
    if (!v.ok()) return v.status();
    if (!(*v >= 1 && *v <= 86400)) {
      return errors.At(root["shard_duration_s"], "shard_duration_s",
                       "must be between 1 and 86400 seconds");
    }
    spec->shard_duration_s = *v;
  }
  if (root["generation"]) {
    absl::Status s = ParseGeneration(errors, root["generation"], &spec->generation);
    if (!s.ok()) return s;
  }
  if (root["labels"]) {
    const YAML::Node& labels = root["labels"];
    if (!labels.IsMap()) return errors.At(labels, "labels", "expected a map of strings");
    for (const auto& kv : labels) {
      auto v = Scalar<std::string>(errors, kv.second, "labels." + kv.first.Scalar(), "a string");
      if (!v.ok()) return v.status();
      spec->labels[kv.first.Scalar()] = *v;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SweepSpec> ParseSweepSpec(const std::string& yaml_text,
                                         const std::string& source_name) {
  Errors errors(source_name);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return errors.AtLine(e.mark.line + 1, "(document)", absl::StrCat("not valid YAML: ", e.msg));
  }
  if (!root || root.IsNull()) {
    return errors.AtLine(1, "(document)", "the file is empty; see docs/sweeps.md for the format");
  }
  SweepSpec spec;
  spec.source_name = source_name;
  try {
    absl::Status s = ParseTop(errors, root, &spec);
    if (!s.ok()) return s;
  } catch (const YAML::Exception& e) {
    return errors.AtLine(e.mark.line + 1, "(document)", e.msg);
  }
  return spec;
}

v1::GenerationSettings ApplyOverrides(const v1::GenerationSettings& base,
                                      const GenerationOverrides& overrides) {
  v1::GenerationSettings out = base;
  if (overrides.max_tokens) out.set_max_tokens(*overrides.max_tokens);
  if (overrides.temperature) out.set_temperature(*overrides.temperature);
  if (overrides.top_p) out.set_top_p(*overrides.top_p);
  if (overrides.seed) out.set_seed(*overrides.seed);
  if (overrides.endpoint) out.set_endpoint(*overrides.endpoint);
  if (out.endpoint() == v1::ENDPOINT_UNSPECIFIED) out.set_endpoint(v1::ENDPOINT_CHAT);
  return out;
}

}  // namespace jb::coordinator
