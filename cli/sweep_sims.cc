#include "cli/sweep_sims.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "sim/profile.h"

namespace jb::cli {
namespace {

constexpr char kLabel[] = "sim_profiles";
constexpr char kBuiltin[] = "builtin:";

// What a pair may name, for the errors that ask for one.
std::string ProfileChoices() {
  return absl::StrCat("PROFILE is builtin:NAME (NAME one of ",
                      absl::StrJoin(sim::BuiltinProfileNames(), ", "),
                      ") or a profile file relative to the sweep file (docs/simulator.md)");
}

std::string Absolute(const std::string& base_dir, const std::string& path) {
  std::filesystem::path p = path;
  if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
  return std::filesystem::absolute(p).lexically_normal().string();
}

// The profile as `joulebench sim --profile` takes it, checked to serve every model of the sweep.
absl::StatusOr<std::string> CheckedProfile(const SweepFile& sweep,
                                           const std::string& hardware_class,
                                           const std::string& profile_name) {
  const std::string& source = sweep.spec.source_name;
  const std::string profile = absl::StartsWith(profile_name, kBuiltin)
                                  ? profile_name
                                  : Absolute(sweep.base_dir, profile_name);
  absl::StatusOr<sim::Profile> loaded = sim::LoadProfile(profile);
  if (!loaded.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": labels: ", kLabel,
                                                   ": hardware class '", hardware_class,
                                                   "': ", loaded.status().message()));
  }
  for (const coordinator::ModelEntry& model : sweep.spec.models) {
    if (loaded->FindModel(model.spec.name()) != nullptr) continue;
    std::vector<std::string> served;
    for (const sim::ModelProfile& m : loaded->models) served.push_back(m.name);
    return absl::InvalidArgumentError(absl::StrCat(
        source, ":", model.line, ": model '", model.spec.name(), "' is not served by ",
        profile_name, ", which label ", kLabel, " pairs with hardware class '", hardware_class,
        "' (it serves ", absl::StrJoin(served, ", "),
        "), so no worker of the class could run it; pair the class with a profile that serves "
        "every model of the sweep"));
  }
  return profile;
}

// The class has no pair: say how to add one, to the label or with the label.
absl::Status UnpairedClass(const coordinator::SweepSpec& spec, const std::string& hardware_class) {
  std::string why;
  auto label = spec.labels.find(kLabel);
  if (label == spec.labels.end()) {
    std::vector<std::string> pairs;
    for (const std::string& c : spec.hardware_classes) pairs.push_back(c + "=PROFILE");
    why = absl::StrCat("the sweep has no label ", kLabel, "; add under labels: ", kLabel, ": \"",
                       absl::StrJoin(pairs, ","), "\"");
  } else {
    why = absl::StrCat("its label ", kLabel, " (\"", label->second, "\") does not pair it; add ",
                       hardware_class, "=PROFILE to the label, pairs separated by commas");
  }
  return absl::InvalidArgumentError(absl::StrCat(
      spec.source_name, ": hardware class '", hardware_class,
      "' has no simulator profile: the demo runs each hardware class on `joulebench sim` with "
      "the profile the sweep pairs with it, and ",
      why, "; ", ProfileChoices()));
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseSimProfiles(
    const std::string& label, const std::string& source_name) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair : absl::StrSplit(label, ',', absl::SkipWhitespace())) {
    std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    for (std::string& s : kv) s = std::string(absl::StripAsciiWhitespace(s));
    if (kv.size() != 2 || kv[0].empty() || kv[1].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(source_name, ": labels: ", kLabel, ": '",
                                                     absl::StripAsciiWhitespace(pair),
                                                     "' is not CLASS=PROFILE; ", ProfileChoices()));
    }
    if (!out.emplace(kv[0], kv[1]).second) {
      return absl::InvalidArgumentError(absl::StrCat(source_name, ": labels: ", kLabel,
                                                     ": hardware class '", kv[0],
                                                     "' is paired twice; keep one pair"));
    }
  }
  return out;
}

absl::StatusOr<std::vector<LocalSim>> SimsForSweep(const SweepFile& sweep) {
  const coordinator::SweepSpec& spec = sweep.spec;
  auto label = spec.labels.find(kLabel);
  std::map<std::string, std::string> pairing;
  if (label != spec.labels.end()) {
    JB_ASSIGN_OR_RETURN(pairing, ParseSimProfiles(label->second, spec.source_name));
  }
  for (const auto& [hardware_class, profile] : pairing) {
    if (std::find(spec.hardware_classes.begin(), spec.hardware_classes.end(), hardware_class) ==
        spec.hardware_classes.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(spec.source_name, ": labels: ", kLabel, ": pairs hardware class '",
                       hardware_class, "', which the sweep does not have (its classes: ",
                       absl::StrJoin(spec.hardware_classes, ", "), "); fix the class name"));
    }
  }
  std::vector<std::string> suite_dirs;
  for (const coordinator::TaskEntry& task : spec.tasks) {
    if (task.is_path) suite_dirs.push_back(Absolute(sweep.base_dir, task.ref));
  }
  std::vector<LocalSim> sims;
  for (const std::string& hardware_class : spec.hardware_classes) {
    auto paired = pairing.find(hardware_class);
    if (paired == pairing.end()) return UnpairedClass(spec, hardware_class);
    JB_ASSIGN_OR_RETURN(std::string profile, CheckedProfile(sweep, hardware_class, paired->second));
    sims.push_back({.profile = std::move(profile),
                    .hardware_class = hardware_class,
                    .workers = 1,
                    .suite_dirs = suite_dirs});
  }
  return sims;
}

}  // namespace jb::cli
