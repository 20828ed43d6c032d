#include "sim/profile.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/embedded_file.h"
#include "common/status_macros.h"
#include "tasks/yaml_fields.h"

namespace jb::sim {
namespace embedded {
const std::vector<jb::EmbeddedFile>& EmbeddedFiles();  // sim/profiles/*.yaml
}  // namespace embedded

namespace {

using tasks::YamlFields;

constexpr char kBuiltinPrefix[] = "builtin:";
constexpr char kDefaultProfile[] = "demo-gpu";

// Reads an optional number into *out, checking lo <= value <= hi.
absl::Status OptionalNumber(const YamlFields& f, const YAML::Node& parent, const char* key,
                            const std::string& prefix, double lo, double hi, double* out) {
  const YAML::Node n = parent[key];
  if (!n.IsDefined()) return absl::OkStatus();
  const std::string field = tasks::JoinField(prefix, key);
  JB_ASSIGN_OR_RETURN(double v, f.Double(n, field));
  if (v < lo || v > hi) {
    return f.Error(n, field, absl::StrCat("must be between ", lo, " and ", hi));
  }
  *out = v;
  return absl::OkStatus();
}

// Reads an optional whole number into *out, checking lo <= value <= hi.
absl::Status OptionalCount(const YamlFields& f, const YAML::Node& parent, const char* key,
                           const std::string& prefix, int64_t lo, int64_t hi, uint32_t* out) {
  const YAML::Node n = parent[key];
  if (!n.IsDefined()) return absl::OkStatus();
  const std::string field = tasks::JoinField(prefix, key);
  JB_ASSIGN_OR_RETURN(int64_t v, f.Int(n, field));
  if (v < lo || v > hi) {
    return f.Error(n, field, absl::StrCat("must be a whole number between ", lo, " and ", hi));
  }
  *out = static_cast<uint32_t>(v);
  return absl::OkStatus();
}

absl::Status ParseModel(const YamlFields& f, const YAML::Node& node, const std::string& p,
                        ModelProfile* m) {
  JB_RETURN_IF_ERROR(
      f.CheckKeys(node, p,
                  {"name", "parameters", "active_parameters", "memory_mb", "ttft_ms", "itl_ms",
                   "jitter", "ttft_jitter", "itl_jitter", "prefill_ms_per_token", "load_slowdown",
                   "max_num_seqs", "max_waiting", "max_model_len", "skill"}));
  JB_ASSIGN_OR_RETURN(const YAML::Node name, f.Required(node, "name", p + ".name"));
  JB_ASSIGN_OR_RETURN(m->name, f.String(name, p + ".name"));
  if (m->name.empty()) return f.Error(name, p + ".name", "must not be empty");
  JB_RETURN_IF_ERROR(OptionalNumber(f, node, "parameters", p, 0, 1e15, &m->parameters));
  m->active_parameters = m->parameters;
  JB_RETURN_IF_ERROR(
      OptionalNumber(f, node, "active_parameters", p, 0, 1e15, &m->active_parameters));
  m->memory_mb = m->parameters * 2 / (1024.0 * 1024.0);
  JB_RETURN_IF_ERROR(OptionalNumber(f, node, "memory_mb", p, 0, 1e12, &m->memory_mb));
  JB_RETURN_IF_ERROR(OptionalNumber(f, node, "ttft_ms", p, 0, 600'000, &m->ttft_ms));
  JB_RETURN_IF_ERROR(OptionalNumber(f, node, "itl_ms", p, 0, 60'000, &m->itl_ms));
  JB_RETURN_IF_ERROR(OptionalNumber(f, node, "jitter", p, 0, 0.99, &m->jitter));
  m->ttft_jitter = m->jitter;
  m->itl_jitter = m->jitter;
  JB_RETURN_IF_ERROR(OptionalNumber(f, node, "ttft_jitter", p, 0, 0.99, &m->ttft_jitter));
  JB_RETURN_IF_ERROR(OptionalNumber(f, node, "itl_jitter", p, 0, 0.99, &m->itl_jitter));
  JB_RETURN_IF_ERROR(
      OptionalNumber(f, node, "prefill_ms_per_token", p, 0, 1'000, &m->prefill_ms_per_token));
  JB_RETURN_IF_ERROR(OptionalNumber(f, node, "load_slowdown", p, 1, 100, &m->load_slowdown));
  JB_RETURN_IF_ERROR(OptionalCount(f, node, "max_num_seqs", p, 1, 100'000, &m->max_num_seqs));
  JB_RETURN_IF_ERROR(OptionalCount(f, node, "max_waiting", p, 0, 10'000'000, &m->max_waiting));
  JB_RETURN_IF_ERROR(OptionalCount(f, node, "max_model_len", p, 1, 100'000'000, &m->max_model_len));
  if (const YAML::Node skill = node["skill"]; skill.IsDefined()) {
    if (!skill.IsMap()) return f.Error(skill, p + ".skill", "expected {task-name: probability}");
    for (auto it = skill.begin(); it != skill.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node value = it->second;
      const std::string task = key.Scalar();
      const std::string field = absl::StrCat(p, ".skill.", task);
      JB_ASSIGN_OR_RETURN(double v, f.Double(value, field));
      if (v < 0 || v > 1) return f.Error(value, field, "must be a probability in [0, 1]");
      if (task == "default") {
        m->default_skill = v;
      } else {
        m->skill[task] = v;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ParseFailures(const YamlFields& f, const YAML::Node& fi, FailureRates* r) {
  const std::string p = "failure_injection";
  JB_RETURN_IF_ERROR(f.CheckKeys(fi, p,
                                 {"rate_429", "rate_500", "rate_503", "rate_disconnect",
                                  "rate_stall", "stall_s", "retry_after_s"}));
  JB_RETURN_IF_ERROR(OptionalNumber(f, fi, "rate_429", p, 0, 1, &r->rate_429));
  JB_RETURN_IF_ERROR(OptionalNumber(f, fi, "rate_500", p, 0, 1, &r->rate_500));
  JB_RETURN_IF_ERROR(OptionalNumber(f, fi, "rate_503", p, 0, 1, &r->rate_503));
  JB_RETURN_IF_ERROR(OptionalNumber(f, fi, "rate_disconnect", p, 0, 1, &r->rate_disconnect));
  JB_RETURN_IF_ERROR(OptionalNumber(f, fi, "rate_stall", p, 0, 1, &r->rate_stall));
  JB_RETURN_IF_ERROR(OptionalNumber(f, fi, "stall_s", p, 0, 3600, &r->stall_s));
  uint32_t retry_after_s = static_cast<uint32_t>(r->retry_after_s);
  JB_RETURN_IF_ERROR(OptionalCount(f, fi, "retry_after_s", p, 0, 3600, &retry_after_s));
  r->retry_after_s = static_cast<int>(retry_after_s);
  if (r->Total() > 1 + 1e-9) return f.Error(fi, p, "the rates add up to more than 1");
  return absl::OkStatus();
}

absl::Status ParseEndpoints(const YamlFields& f, const YAML::Node& n, Profile* profile) {
  if (!n.IsSequence() || n.size() == 0) {
    return f.Error(n, "endpoints", "expected a non-empty list of chat and completions");
  }
  profile->serves_chat = profile->serves_completions = false;
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string field = absl::StrCat("endpoints[", i, "]");
    JB_ASSIGN_OR_RETURN(const std::string name, f.String(n[i], field));
    bool* serves = name == "chat"          ? &profile->serves_chat
                   : name == "completions" ? &profile->serves_completions
                                           : nullptr;
    if (serves == nullptr) {
      return f.Error(n[i], field,
                     absl::StrCat("'", name, "' is no endpoint; use chat or completions"));
    }
    if (*serves) return f.Error(n[i], field, absl::StrCat("'", name, "' is listed twice"));
    *serves = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the profile file"));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

double ModelProfile::Skill(const std::string& task) const {
  auto it = skill.find(task);
  return it == skill.end() ? default_skill : it->second;
}

double ModelProfile::LoadFactor(uint32_t running) const {
  const double load = std::min(1.0, static_cast<double>(running) / max_num_seqs);
  return 1 + (load_slowdown - 1) * load;
}

const ModelProfile* Profile::FindModel(const std::string& name) const {
  for (const ModelProfile& m : models) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

uint32_t Profile::TotalMaxNumSeqs() const {
  uint32_t total = 0;
  for (const ModelProfile& m : models) total += m.max_num_seqs;
  return total;
}

absl::StatusOr<Profile> ParseProfile(const std::string& origin, const std::string& yaml_text) {
  const YamlFields f(origin);
  JB_ASSIGN_OR_RETURN(const YAML::Node root, f.ParseMapping(yaml_text));
  JB_RETURN_IF_ERROR(
      f.CheckKeys(root, "", {"seed", "endpoints", "models", "hardware", "failure_injection"}));
  Profile profile;
  profile.origin = origin;
  if (const YAML::Node n = root["seed"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(int64_t seed, f.Int(n, "seed"));
    if (seed < 0) return f.Error(n, "seed", "must not be negative");
    profile.seed = static_cast<uint64_t>(seed);
  }
  if (const YAML::Node n = root["endpoints"]; n.IsDefined()) {
    JB_RETURN_IF_ERROR(ParseEndpoints(f, n, &profile));
  }
  JB_ASSIGN_OR_RETURN(const YAML::Node hw, f.Required(root, "hardware", "hardware"));
  JB_RETURN_IF_ERROR(f.CheckKeys(hw, "hardware", {"name", "idle_w", "busy_w"}));
  if (const YAML::Node n = hw["name"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(profile.hardware.name, f.String(n, "hardware.name"));
  }
  JB_RETURN_IF_ERROR(OptionalNumber(f, hw, "idle_w", "hardware", 0, 1e6, &profile.hardware.idle_w));
  JB_RETURN_IF_ERROR(OptionalNumber(f, hw, "busy_w", "hardware", 0, 1e6, &profile.hardware.busy_w));
  if (profile.hardware.busy_w < profile.hardware.idle_w) {
    return f.Error(hw, "hardware.busy_w", "must be at least idle_w");
  }
  if (const YAML::Node fi = root["failure_injection"]; fi.IsDefined()) {
    JB_RETURN_IF_ERROR(ParseFailures(f, fi, &profile.failures));
  }
  JB_ASSIGN_OR_RETURN(const YAML::Node models, f.Required(root, "models", "models"));
  if (!models.IsSequence() || models.size() == 0) {
    return f.Error(models, "models", "expected a non-empty list of models");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < models.size(); ++i) {
    ModelProfile& m = profile.models.emplace_back();
    const std::string p = absl::StrCat("models[", i, "]");
    JB_RETURN_IF_ERROR(ParseModel(f, models[i], p, &m));
    if (!names.insert(m.name).second) {
      return f.Error(models[i], p + ".name", absl::StrCat("'", m.name, "' is listed twice"));
    }
  }
  return profile;
}

std::vector<std::string> BuiltinProfileNames() {
  std::vector<std::string> names;
  for (const EmbeddedFile& file : embedded::EmbeddedFiles()) {
    if (absl::EndsWith(file.path, ".yaml")) {
      names.push_back(file.path.substr(0, file.path.size() - 5));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<Profile> LoadProfile(const std::string& spec) {
  if (spec.empty()) return DefaultProfile();
  if (absl::StartsWith(spec, kBuiltinPrefix)) {
    const std::string name = spec.substr(sizeof(kBuiltinPrefix) - 1);
    for (const EmbeddedFile& file : embedded::EmbeddedFiles()) {
      if (file.path == name + ".yaml") return ParseProfile(spec, file.contents);
    }
    return absl::NotFoundError(absl::StrCat("no built-in profile '", name, "'; built-in: ",
                                            absl::StrJoin(BuiltinProfileNames(), ", ")));
  }
  JB_ASSIGN_OR_RETURN(std::string text, ReadFile(spec));
  return ParseProfile(spec, text);
}

absl::StatusOr<Profile> DefaultProfile() {
  return LoadProfile(absl::StrCat(kBuiltinPrefix, kDefaultProfile));
}

}  // namespace jb::sim
