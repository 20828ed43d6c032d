#include "coordinator/sweep_spec.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "coordinator/suite_resolver.h"
#include "gtest/gtest.h"
#include "sim/generation.h"
#include "sim/profile.h"
#include "tasks/prompt.h"
#include "tests/testing/status_matchers.h"

namespace jb::coordinator {
namespace {

using ::jb::testing::StatusIs;
namespace v1 = joulebench::v1;

constexpr char kFull[] = R"yaml(name: nightly
models:
  - name: big
    parameters: 7.0e10
    active_parameters: 1.3e10
    family: mix
  - small
tasks: [sentiment-mini, ./local/suite, gsm8k.yaml]
hardware_classes:
  - {name: h100x1, price_per_hour_usd: 2.49, electricity_usd_per_kwh: 0.12}
  - cpu
  - {name: l4, price_per_hour_usd: 0.8}
repeats: 2
sample_limit: 30
shard_size: 8
shard_duration_s: 120
concurrency: 16
priority: 5
max_attempts: 4
idle_baseline_s: 2.5
generation: {max_tokens: 64, temperature: 0.5, seed: 9, endpoint: completions}
labels: {nightly: "true"}
)yaml";

TEST(SweepSpecTest, ParsesEveryField) {
  ASSERT_OK_AND_ASSIGN(SweepSpec spec, ParseSweepSpec(kFull, "s.yaml"));
  EXPECT_EQ(spec.name, "nightly");
  ASSERT_EQ(spec.models.size(), 2u);
  EXPECT_TRUE(spec.models[0].declared);
  EXPECT_EQ(spec.models[0].spec.parameters(), 7.0e10);
  EXPECT_EQ(spec.models[0].spec.active_parameters(), 1.3e10);
  EXPECT_EQ(spec.models[0].spec.family(), "mix");
  EXPECT_FALSE(spec.models[1].declared);
  EXPECT_EQ(spec.models[1].spec.name(), "small");
  EXPECT_EQ(spec.models[1].line, 7);
  ASSERT_EQ(spec.tasks.size(), 3u);
  EXPECT_FALSE(spec.tasks[0].is_path);
  EXPECT_TRUE(spec.tasks[1].is_path);
  EXPECT_TRUE(spec.tasks[2].is_path) << "a task YAML file is a path without a '/'";
  EXPECT_EQ(spec.hardware_classes, (std::vector<std::string>{"h100x1", "cpu", "l4"}));
  ASSERT_EQ(spec.hardware_prices.size(), 2u);  // the bare name declares no prices
  EXPECT_EQ(spec.hardware_prices.at("h100x1").price_per_hour_usd, 2.49);
  EXPECT_EQ(spec.hardware_prices.at("h100x1").electricity_usd_per_kwh, 0.12);
  EXPECT_EQ(spec.hardware_prices.at("l4").price_per_hour_usd, 0.8);
  EXPECT_EQ(spec.hardware_prices.at("l4").electricity_usd_per_kwh, std::nullopt);
  EXPECT_EQ(spec.repeats, 2u);
  EXPECT_EQ(spec.sample_limit, 30u);
  EXPECT_EQ(spec.shard_size, 8u);
  EXPECT_EQ(spec.shard_duration_s, 120);
  EXPECT_EQ(spec.concurrency, 16u);
  EXPECT_EQ(spec.priority, 5);
  EXPECT_EQ(spec.max_attempts, 4u);
  EXPECT_EQ(spec.idle_baseline_s, 2.5);
  EXPECT_EQ(*spec.generation.max_tokens, 64u);
  EXPECT_EQ(*spec.generation.endpoint, v1::ENDPOINT_COMPLETIONS);
  EXPECT_EQ(spec.labels.at("nightly"), "true");
}

TEST(SweepSpecTest, DeclaredModelWithoutActiveParametersUsesTotal) {
  ASSERT_OK_AND_ASSIGN(SweepSpec spec,
                       ParseSweepSpec("name: x\nmodels: [{name: m, parameters: 5}]\ntasks: [t]\n"
                                      "hardware_classes: [c]\n",
                                      "s.yaml"));
  EXPECT_EQ(spec.models[0].spec.active_parameters(), 5);
}

struct BadCase {
  const char* yaml;
  const char* expected;  // substring of the error, which always starts with "s.yaml:LINE: "
};

class SweepSpecErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(SweepSpecErrorTest, NamesFileLineAndField) {
  EXPECT_THAT(ParseSweepSpec(GetParam().yaml, "s.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument, GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SweepSpecErrorTest,
    ::testing::Values(
        BadCase{"", "s.yaml:1: (document): the file is empty"},
        BadCase{"name: x\nmodels: [a\n", "s.yaml:3: (document): not valid YAML"},
        BadCase{"- a\n- b\n", "s.yaml:1: (document): expected a map"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes: [c]\nshards: 3\n",
                "s.yaml:5: shards: unknown field"},
        BadCase{"name: x\ntasks: [t]\nhardware_classes: [c]\n",
                "s.yaml:1: models: required field is missing"},
        BadCase{"name: x\nmodels: []\ntasks: [t]\nhardware_classes: [c]\n",
                "s.yaml:2: models: expected a non-empty list"},
        BadCase{"name: x\nmodels:\n  - {name: m, params: 3}\ntasks: [t]\nhardware_classes: [c]\n",
                "s.yaml:3: models[0].params: unknown field"},
        BadCase{"name: x\nmodels:\n  - {parameters: 3}\ntasks: [t]\nhardware_classes: [c]\n",
                "models[0].name: required field is missing"},
        BadCase{"name: x\nmodels: [m, m]\ntasks: [t]\nhardware_classes: [c]\n",
                "models[1]: model 'm' is listed twice"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes: [c]\nconcurrency: many\n",
                "s.yaml:5: concurrency: expected an integer, got 'many'"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes: [c]\nconcurrency: 2000\n",
                "s.yaml:5: concurrency: must be between 1 and 1024, got 2000"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes: [c]\n"
                "generation:\n  endpoint: grpc\n",
                "s.yaml:6: generation.endpoint: unknown endpoint 'grpc'"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes: [c]\n"
                "generation: {max_token: 3}\n",
                "s.yaml:5: generation.max_token: unknown field"},
        BadCase{"name: x\nmodels: [{name: m, parameters: -1}]\ntasks: [t]\n"
                "hardware_classes: [c]\n",
                "models[0].parameters: must be positive"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes:\n"
                "  - {name: c, price_per_hour_usd: -2}\n",
                "s.yaml:5: hardware_classes[0].price_per_hour_usd: must be a non-negative number"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes:\n"
                "  - {name: c, electricity_usd_per_kwh: cheap}\n",
                "electricity_usd_per_kwh: expected a number of US dollars, got 'cheap'"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes:\n"
                "  - c\n  - {name: d, price: 2}\n",
                "s.yaml:6: hardware_classes[1].price: unknown field"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes:\n"
                "  - {price_per_hour_usd: 2}\n",
                "hardware_classes[0].name: required field is missing"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes: [c, {name: c}]\n",
                "hardware_classes[1]: hardware class 'c' is listed twice"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes: [c]\nshard_duration_s: 0.5\n",
                "s.yaml:5: shard_duration_s: must be between 1 and 86400 seconds"},
        BadCase{"name: x\nmodels: [m]\ntasks: [t]\nhardware_classes: []\n",
                "s.yaml:4: hardware_classes: expected a non-empty list"}));

TEST(SweepSpecTest, OverridesReplaceOnlyWhatTheyName) {
  v1::GenerationSettings base;
  base.set_max_tokens(16);
  base.set_temperature(0.7);
  base.add_stop("\n");
  GenerationOverrides overrides;
  overrides.temperature = 0;
  v1::GenerationSettings out = ApplyOverrides(base, overrides);
  EXPECT_EQ(out.max_tokens(), 16u);
  EXPECT_EQ(out.temperature(), 0);
  EXPECT_EQ(out.stop_size(), 1);
  EXPECT_EQ(out.endpoint(), v1::ENDPOINT_CHAT);
}

// The sweep files that mirror the papers (suites/sweeps/garg2025.yaml, cao2026.yaml) run on the
// simulator as they stand: each loads as `joulebench submit` loads it (ParseSweepSpec, then
// CollectSuiteFiles and ResolveSuites), names only built-in suites, and pairs each of its
// hardware classes, in its label sim_profiles ("class=builtin:profile,..."), with a built-in
// simulator profile of that hardware name that serves exactly the sweep's models, with their
// parameter counts, a skill for every task, and room in each model's context for every request
// the sweep sends. The profiles of one sweep share seed and skills, so answers match across
// classes.
class PaperSweepTest : public ::testing::TestWithParam<const char*> {};

std::map<std::string, std::string> ProfilesByClass(const std::string& label) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair : absl::StrSplit(label, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    out[kv.first] = kv.second;
  }
  return out;
}

// Tokens of the largest request for `sample`, counted as the simulator counts them (words):
// the prompt and max_tokens, or for log-likelihood scoring the prompt, each choice and one token.
uint32_t LargestRequestTokens(const tasks::Suite& suite, const v1::GenerationSettings& settings,
                              const v1::Sample& sample) {
  absl::StatusOr<std::string> prompt = tasks::BuildPrompt(suite.task, sample);
  EXPECT_TRUE(prompt.ok()) << prompt.status();
  if (suite.task.output_type() != v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
    return sim::CountTokens(prompt.value_or("")) + settings.max_tokens();
  }
  absl::StatusOr<std::vector<std::string>> continuations =
      tasks::ChoiceContinuations(suite.task, sample);
  EXPECT_TRUE(continuations.ok()) << continuations.status();
  uint32_t most = 0;
  for (const std::string& c : continuations.value_or(std::vector<std::string>{})) {
    most = std::max(most, sim::CountTokens(prompt.value_or("") + c) + 1);
  }
  return most;
}

TEST_P(PaperSweepTest, LoadsAsSubmitDoesAndRunsOnItsPairedBuiltinProfiles) {
  const std::string dir = std::string(JB_SOURCE_DIR) + "/suites/sweeps";
  std::ifstream in(dir + "/" + GetParam());
  ASSERT_TRUE(in) << GetParam();
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_OK_AND_ASSIGN(SweepSpec spec, ParseSweepSpec(text.str(), GetParam()));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::SuiteFile> files, CollectSuiteFiles(spec, dir));
  EXPECT_TRUE(files.empty()) << "a paper sweep names built-in suites only";
  ASSERT_OK_AND_ASSIGN(std::vector<tasks::Suite> suites, ResolveSuites(spec, files));
  for (const TaskEntry& task : spec.tasks) EXPECT_FALSE(task.is_path) << task.ref;

  const std::map<std::string, std::string> pairing = ProfilesByClass(spec.labels["sim_profiles"]);
  std::vector<std::string> paired;
  for (const auto& [hardware_class, profile_name] : pairing) paired.push_back(hardware_class);
  std::vector<std::string> classes = spec.hardware_classes;
  std::sort(classes.begin(), classes.end());
  EXPECT_EQ(paired, classes) << "label sim_profiles must pair every hardware class";

  std::optional<sim::Profile> first;
  for (const auto& [hardware_class, profile_name] : pairing) {
    SCOPED_TRACE(profile_name);
    EXPECT_TRUE(absl::StartsWith(profile_name, "builtin:"));
    ASSERT_OK_AND_ASSIGN(sim::Profile profile, sim::LoadProfile(profile_name));
    EXPECT_EQ(profile.hardware.name, hardware_class);
    EXPECT_EQ(profile.models.size(), spec.models.size()) << "serves exactly the sweep's models";
    for (const ModelEntry& model : spec.models) {
      const sim::ModelProfile* served = profile.FindModel(model.spec.name());
      ASSERT_NE(served, nullptr) << model.spec.name();
      EXPECT_EQ(served->parameters, model.spec.parameters()) << model.spec.name();
      EXPECT_EQ(served->active_parameters, model.spec.active_parameters()) << model.spec.name();
      for (const tasks::Suite& suite : suites) {
        EXPECT_EQ(served->skill.count(suite.task.name()), 1u)
            << model.spec.name() << " has no skill for " << suite.task.name();
        const v1::GenerationSettings settings =
            ApplyOverrides(suite.task.generation(), spec.generation);
        const size_t samples = spec.sample_limit == 0
                                   ? suite.samples.size()
                                   : std::min<size_t>(spec.sample_limit, suite.samples.size());
        for (size_t i = 0; i < samples; ++i) {
          EXPECT_LE(LargestRequestTokens(suite, settings, suite.samples[i]), served->max_model_len)
              << model.spec.name() << " " << suite.task.name() << " sample " << i;
        }
      }
    }
    if (!first.has_value()) {
      first = profile;
      continue;
    }
    EXPECT_EQ(profile.seed, first->seed);
    for (const sim::ModelProfile& m : profile.models) {
      EXPECT_EQ(m.skill, first->FindModel(m.name)->skill) << m.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Papers, PaperSweepTest,
                         ::testing::Values("garg2025.yaml", "cao2026.yaml"));

}  // namespace
}  // namespace jb::coordinator
